// JSON schemas of emergency resources, for validation, serialisation and the OpenAPI document.
import { CRS_VALUES } from '../../domain/coords'
import { CAPABILITIES, RESOURCE_KINDS, RESOURCE_STATUSES } from '../../domain/resources'
import { sentObject, type SchemaType } from '../../http/schemas'
import { routeGeometrySchema, snapSchema } from '../roads'

/** A telephone number: digits with + ( ) - and spaces, optionally an extension (转 / ext / x). */
const PHONE_PATTERN = '^\\+?[0-9][0-9()\\- ]{2,30}((转|ext\\.?|x) ?[0-9]{1,6})?$'

const text = (maxLength: number) => ({ type: ['string', 'null'], minLength: 1, maxLength }) as const

export const depotItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['item', 'quantity', 'unit'],
  properties: {
    item: { type: 'string', minLength: 1, maxLength: 100 },
    quantity: { type: 'number', minimum: 0, description: 'stock, in `unit`' },
    unit: { type: 'string', minLength: 1, maxLength: 20, description: '个, 顶, kg …' },
  },
} as const

/** The body of POST (status defaults to available) and PUT (status defaults to unchanged). */
export function resourceBodySchema(statusDefault: boolean) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'name', 'lon', 'lat'],
    properties: {
      kind: { type: 'string', enum: RESOURCE_KINDS },
      name: { type: 'string', minLength: 1, maxLength: 200 },
      organisation: { ...text(200), description: 'owner organisation' },
      dutyPhone: { type: ['string', 'null'], maxLength: 40, pattern: PHONE_PATTERN, description: '24-hour duty phone' },
      contact: { ...text(100), description: 'contact person' },
      status: statusDefault ? { type: 'string', enum: RESOURCE_STATUSES, default: 'available' } : { type: 'string', enum: RESOURCE_STATUSES },
      capabilities: { type: 'array', items: { type: 'string', enum: CAPABILITIES }, maxItems: CAPABILITIES.length, default: [] },
      teamType: { ...text(64), description: 'rescue_team only (required)' },
      headcount: { type: ['integer', 'null'], minimum: 1, maximum: 100000, description: 'rescue_team only (required)' },
      equipmentType: { ...text(64), description: 'equipment only (required)' },
      quantity: { type: ['integer', 'null'], minimum: 1, maximum: 1000000, description: 'equipment only (required)' },
      items: { type: ['array', 'null'], items: depotItemSchema, maxItems: 500, description: 'depot only (required): stock lines' },
      capacity: { type: ['integer', 'null'], minimum: 1, maximum: 10000000, description: 'shelter only (required): people' },
      expertField: { ...text(64), description: 'expert only (required)' },
      divisionCode: { type: ['string', 'null'], pattern: '^([0-9]{6}|[0-9]{9})$', description: 'default: the division unit covering the point' },
      lon: { type: 'number', minimum: -180, maximum: 180, description: 'longitude, degrees, in `crs`' },
      lat: { type: 'number', minimum: -90, maximum: 90, description: 'latitude, degrees, in `crs`' },
      crs: { type: 'string', enum: CRS_VALUES, default: 'wgs84', description: 'cgcs2000 is taken as WGS 84; gcj02 (Amap) and bd09 (Baidu) are converted' },
    },
  } as const
}

export const resourcePropertiesSchema = {
  id: { type: 'integer' },
  kind: { type: 'string', enum: RESOURCE_KINDS },
  name: { type: 'string' },
  organisation: { type: ['string', 'null'] },
  dutyPhone: { type: ['string', 'null'] },
  contact: { type: ['string', 'null'] },
  status: { type: 'string', enum: RESOURCE_STATUSES },
  statusUpdatedAt: { type: 'string', description: 'ISO 8601 time of the last status report' },
  capabilities: { type: 'array', items: { type: 'string' } },
  teamType: { type: ['string', 'null'] },
  headcount: { type: ['integer', 'null'] },
  equipmentType: { type: ['string', 'null'] },
  quantity: { type: ['integer', 'null'] },
  items: { type: 'array', items: depotItemSchema },
  capacity: { type: ['integer', 'null'] },
  expertField: { type: ['string', 'null'] },
  divisionCode: { type: ['string', 'null'] },
  divisionName: { type: ['string', 'null'] },
  synthetic: { type: 'boolean' },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const

/** One resource (`GET /api/resources/:id` and the writes): toFeature sets every property. */
export const resourceFeatureSchema = {
  type: 'object',
  properties: {
    type: { type: 'string', const: 'Feature' },
    id: { type: 'integer' },
    geometry: sentObject({ type: { type: 'string', const: 'Point' }, coordinates: { type: 'array', items: { type: 'number' } } }),
    properties: sentObject(resourcePropertiesSchema),
    dataVersion: { type: 'integer', description: 'tile data version after this write' },
  },
  required: ['type', 'id', 'geometry', 'properties'],
} as const

export type ResourceFeature = SchemaType<typeof resourceFeatureSchema>

const vocabularyEntries = { type: 'array', items: sentObject({ key: { type: 'string' }, zh: { type: 'string' }, en: { type: 'string' } }) } as const

/** `GET /api/resources/vocabulary`: kinds, statuses and capabilities with their labels. */
export const resourceVocabularyResponse = sentObject({ kinds: vocabularyEntries, statuses: vocabularyEntries, capabilities: vocabularyEntries })

export type ResourceVocabulary = SchemaType<typeof resourceVocabularyResponse>

/** One resource near a point (GET /api/resources/nearest, the incident context). */
export const nearestItemSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    kind: { type: 'string', enum: RESOURCE_KINDS },
    capabilities: { type: 'array', items: { type: 'string', enum: CAPABILITIES } },
    status: { type: 'string', enum: RESOURCE_STATUSES },
    statusUpdatedAt: { type: 'string' },
    distanceM: { type: 'number', description: 'geodesic distance on the WGS 84 spheroid, metres' },
    bearingDeg: { type: 'number', description: 'from the query point to the resource, degrees clockwise from north' },
    contact: { type: ['string', 'null'] },
    dutyPhone: { type: ['string', 'null'] },
    organisation: { type: ['string', 'null'] },
    teamType: { type: 'string' },
    headcount: { type: 'integer' },
    equipmentType: { type: 'string' },
    quantity: { type: 'integer' },
    items: { type: 'array', items: depotItemSchema },
    capacity: { type: 'integer' },
    expertField: { type: 'string' },
    lon: { type: 'number' },
    lat: { type: 'number' },
  },
  required: [
    'id',
    'name',
    'kind',
    'capabilities',
    'status',
    'statusUpdatedAt',
    'distanceM',
    'bearingDeg',
    'contact',
    'dutyPhone',
    'organisation',
    'lon',
    'lat',
  ],
} as const

/** One resource near a point, as sent (kind-specific fields only when set). */
export type NearestItem = SchemaType<typeof nearestItemSchema>

/** A resource ranked by travel time: the nearest item plus its ETA, road distance and route (by=time only, so optional here). */
export const timedItemSchema = {
  ...nearestItemSchema,
  properties: {
    ...nearestItemSchema.properties,
    etaS: { type: 'number', description: 'estimated arrival time at the incident, seconds (off-road legs + driving)' },
    roadDistanceM: { type: 'number', description: 'route length along roads, metres' },
    snap: snapSchema,
    route: routeGeometrySchema,
  },
} as const

export const unreachableSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    kind: { type: 'string', enum: RESOURCE_KINDS },
    distanceM: { type: 'number', description: 'straight-line distance, metres' },
    reason: {
      type: 'string',
      enum: ['off_network', 'no_route', 'beyond_search'],
      description:
        'off_network: beyond the snap limit from every road; no_route: no road leads to the incident; beyond_search: no route within withinS seconds (arrives after every listed resource)',
    },
    offRoadM: { type: ['number', 'null'] },
    withinS: { type: ['number', 'null'] },
  },
  required: ['id', 'name', 'kind', 'distanceM', 'reason', 'offRoadM', 'withinS'],
} as const

export const routingInfoSchema = {
  type: 'object',
  properties: {
    engine: { type: 'string', enum: ['pgrouting', 'in-process'] },
    incident: snapSchema,
    search: {
      type: 'object',
      properties: {
        candidates: { type: 'integer', description: 'straight-line candidates routed in the last round' },
        rounds: { type: 'integer' },
        maxDrivingS: { type: ['number', 'null'], description: 'driving-time bound of the last round; null = whole network' },
        topSpeedKmh: { type: 'number' },
        offRoadKmh: { type: 'number' },
      },
      required: ['candidates', 'rounds', 'maxDrivingS', 'topSpeedKmh', 'offRoadKmh'],
    },
  },
  required: ['engine', 'incident', 'search'],
} as const
