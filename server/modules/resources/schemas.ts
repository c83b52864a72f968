// JSON schemas of emergency resources, for validation, serialisation and the OpenAPI document, and
// their static types: the routes are typed by them (`typed(app)`), the web imports the types through
// web/src/api/contract.ts.
import { CRS_VALUES } from '../../domain/coords'
import { CAPABILITIES, RESOURCE_KINDS, RESOURCE_STATUSES } from '../../domain/resources'
import { offsetParam } from '../../http/bounds'
import { pointParams, queryPointSchema } from '../../http/params'
import { featureCollectionSchema, geometrySchema, levelResponseSchema, pointGeometrySchema, sentObject, type SchemaType } from '../../http/schemas'
import { routeGeometrySchema, snapSchema } from '../roads'
import { MAX_K } from './nearest'

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

/** The fields of a resource a write sends, without its status (POST and PUT default it differently). */
const resourceBodyProperties = {
  kind: { type: 'string', enum: RESOURCE_KINDS },
  name: { type: 'string', minLength: 1, maxLength: 200 },
  organisation: { ...text(200), description: 'owner organisation' },
  dutyPhone: { type: ['string', 'null'], maxLength: 40, pattern: PHONE_PATTERN, description: '24-hour duty phone' },
  contact: { ...text(100), description: 'contact person' },
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
} as const

const resourceBody = <const S>(status: S) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'name', 'lon', 'lat'],
    properties: { ...resourceBodyProperties, status },
  }) as const

/** The body of `POST /api/resources`: the status defaults to available. */
export const newResourceBodySchema = resourceBody({ type: 'string', enum: RESOURCE_STATUSES, default: 'available' } as const)

/** The body of `PUT /api/resources/:id`: an omitted status stays as it is. */
export const resourceBodySchema = resourceBody({ type: 'string', enum: RESOURCE_STATUSES } as const)

/** A resource as a commander writes it (PUT; POST's status is the same, defaulted to available). */
export type ResourceBody = SchemaType<typeof resourceBodySchema>

/** `PATCH /api/resources/:id/status`. */
export const statusBodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status'],
  properties: { status: { type: 'string', enum: RESOURCE_STATUSES } },
} as const

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
    geometry: pointGeometrySchema,
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

const kindParam = { type: 'string', enum: RESOURCE_KINDS } as const
const capabilityParam = { type: 'string', enum: CAPABILITIES } as const

/** `GET /api/resources`: filters and page. */
export const listQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    kind: kindParam,
    capability: capabilityParam,
    status: { type: 'string', enum: RESOURCE_STATUSES },
    bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat in WGS 84 degrees' },
    division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code or prefix' },
    limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
    offset: offsetParam,
  },
} as const

/** `GET /api/resources`: a page of resources (toFeature sets every property of each). */
export const resourceCollectionSchema = featureCollectionSchema(
  resourcePropertiesSchema,
  { offset: { type: 'integer' } },
  pointGeometrySchema,
  Object.keys(resourcePropertiesSchema) as Array<keyof typeof resourcePropertiesSchema>,
)

export type ResourceCollection = SchemaType<typeof resourceCollectionSchema>

/** `GET /api/resources/nearest`: the point, how many, which, and by what measure. */
export const nearestQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['lon', 'lat'],
  properties: {
    ...pointParams,
    k: { type: 'integer', minimum: 1, maximum: MAX_K, default: 5 },
    kind: kindParam,
    capability: capabilityParam,
    status: { type: 'string', enum: [...RESOURCE_STATUSES, 'any'], default: 'available' },
    maxDistanceM: { type: 'number', exclusiveMinimum: 0, maximum: 20_100_000, description: 'metres' },
    by: {
      type: 'string',
      enum: ['distance', 'time'],
      default: 'distance',
      description: 'distance: straight line; time: estimated driving time over the road network (items then carry etaS, roadDistanceM, route)',
    },
  },
} as const

/**
 * `GET /api/resources/nearest`: by=distance gives the items; by=time gives them with etaS,
 * roadDistanceM, snap and route each, plus unreachable and routing.
 */
export const nearestResponseSchema = {
  type: 'object',
  required: ['query', 'items'],
  properties: {
    query: {
      type: 'object',
      properties: {
        ...queryPointSchema,
        k: { type: 'integer' },
        kind: kindParam,
        capability: capabilityParam,
        status: { type: 'string', enum: [...RESOURCE_STATUSES, 'any'] },
        maxDistanceM: { type: 'number' },
        by: { type: 'string', enum: ['distance', 'time'] },
      },
      required: ['lon', 'lat', 'crs', 'k', 'status', 'by'],
    },
    items: { type: 'array', items: timedItemSchema },
    unreachable: { type: 'array', items: unreachableSchema, description: 'by=time: matching resources no route reaches (see reason)' },
    routing: routingInfoSchema,
  },
} as const

export type NearestResponse = SchemaType<typeof nearestResponseSchema>

/** Largest response time a coverage report may ask for, minutes. */
const MAX_COVERAGE_MINUTES = 120

/** `GET /api/resources/coverage-gaps`: the capability, the response distance or time, the levels and the format. */
export const coverageGapsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['capability'],
  properties: {
    capability: capabilityParam,
    thresholdM: {
      type: 'number',
      exclusiveMinimum: 0,
      maximum: 1_000_000,
      default: 5000,
      description: 'response distance, metres (ignored with minutes)',
    },
    minutes: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_COVERAGE_MINUTES,
      description: 'response time by road, minutes: a cell is a gap when no team reaches it in time over the road network (or it lies off the network)',
    },
    minLevel: { type: 'integer', minimum: 1, maximum: 4, default: 3, description: '3 = orange and red' },
    format: { type: 'string', enum: ['json', 'geojson'], default: 'json' },
  },
} as const

/** What a coverage-gap answer was asked and how it measured (thresholdM or minutes; the road fields with minutes). */
const coverageMeasureSchema = {
  type: 'object',
  properties: {
    capability: capabilityParam,
    thresholdM: { type: ['number', 'null'] },
    minutes: { type: ['integer', 'null'] },
    engine: { type: 'string', enum: ['pgrouting', 'in-process'] },
    teams: { type: 'integer', description: 'available teams of the capability (minutes)' },
    teamsOffNetwork: { type: 'integer', description: 'of which too far from any road to drive (minutes)' },
    minLevel: { type: 'integer' },
    res: { type: 'integer' },
    measure: { type: 'string' },
    measureDescription: { type: 'string' },
  },
  required: ['capability', 'thresholdM', 'minutes', 'minLevel', 'res', 'measure', 'measureDescription'],
} as const

/** `GET /api/resources/coverage-gaps?format=geojson`: the gap cells as polygons (bestTimeS and offNetwork when asked in minutes). */
export const coverageGapCollectionSchema = featureCollectionSchema(
  {
    h3: { type: 'string' },
    level: levelResponseSchema,
    stale: { type: 'boolean' },
    lon: { type: 'number' },
    lat: { type: 'number' },
    nearestTeamId: { type: ['integer', 'null'] },
    nearestTeamName: { type: ['string', 'null'] },
    nearestTeamDistanceM: { type: ['number', 'null'] },
    bestTimeS: { type: ['number', 'null'] },
    offNetwork: { type: 'boolean' },
  },
  { query: coverageMeasureSchema, cellsChecked: { type: 'integer' } },
  geometrySchema,
  ['h3', 'level', 'stale', 'lon', 'lat', 'nearestTeamId', 'nearestTeamName', 'nearestTeamDistanceM'],
)

export type CoverageGapCollection = SchemaType<typeof coverageGapCollectionSchema>

/** `GET /api/resources/coverage-gaps` in either format: query and cellsChecked always, then the gaps or the FeatureCollection. */
export const coverageGapsResponseSchema = {
  type: 'object',
  description: 'format=json: { query, cellsChecked, gaps }; format=geojson: a FeatureCollection of the gap cells',
  properties: {
    // format=geojson: the FeatureCollection; its query and cellsChecked come in both formats
    ...coverageGapCollectionSchema.properties,
    gaps: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          h3: { type: 'string' },
          level: levelResponseSchema,
          stale: { type: 'boolean' },
          lon: { type: 'number', description: 'cell centre' },
          lat: { type: 'number' },
          nearestTeam: {
            type: ['object', 'null'],
            properties: { id: { type: 'integer' }, name: { type: 'string' }, distanceM: { type: 'number' } },
            required: ['id', 'name', 'distanceM'],
          },
          bestTimeS: {
            type: ['number', 'null'],
            description: 'minutes: the fastest arrival of any team by road, seconds; null when none reaches it',
          },
          offNetwork: { type: 'boolean', description: 'minutes: the cell centre is off the road network (no time claimed)' },
        },
        required: ['h3', 'level', 'stale', 'lon', 'lat', 'nearestTeam'],
      },
    },
  },
  required: ['query', 'cellsChecked'],
} as const

/** `DELETE /api/resources/:id`. */
export const deletedSchema = sentObject({ id: { type: 'integer' }, deleted: { type: 'boolean' }, dataVersion: { type: 'integer' } })
