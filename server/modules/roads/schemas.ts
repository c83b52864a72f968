// JSON schemas of what a travel-time answer tells of the road network (a snap, a route), for validation,
// serialisation and the OpenAPI document, and the road routes' request and response schemas with their
// static types (the routes are typed by them, `typed(app)`). The nearest-by-time answer built on the
// snap and route is in modules/resources.
import { CAPABILITIES } from '../../domain/resources'
import { MAX_ID } from '../../http/bounds'
import { featureCollectionSchema, nullableGeometrySchema, sentObject, type SchemaType } from '../../http/schemas'
import { DEFAULT_MINUTES, MAX_CAPABILITY_RESOURCES, MAX_MINUTES } from './isochrones'
export const snapSchema = {
  type: 'object',
  description: 'where a point joins the road network: its nearest edge, the place on it, and the straight off-road leg',
  properties: {
    lon: { type: 'number' },
    lat: { type: 'number' },
    edge: { type: 'integer' },
    fraction: { type: 'number', description: '0 at the edge source, 1 at its target' },
    offRoadM: { type: 'number', description: 'straight leg between the point and the road, metres, driven at routing.offRoadKmh' },
  },
  required: ['lon', 'lat', 'edge', 'fraction', 'offRoadM'],
} as const

/** A route drawn on the map: GeoJSON line(s), or null. */
export const routeGeometrySchema = {
  anyOf: [
    {
      type: 'object',
      description: 'GeoJSON LineString (or MultiLineString), WGS 84',
      properties: { type: { type: 'string', enum: ['LineString', 'MultiLineString'] }, coordinates: { type: 'array' } },
      required: ['type', 'coordinates'],
    },
    { type: 'null' },
  ],
} as const

/** `GET /api/roads`: the network's summary, the engine (or why routing is off) and its settings; every key is always sent. */
export const networkResponseSchema = sentObject({
  engine: { type: ['string', 'null'], enum: ['pgrouting', 'in-process', null] },
  unavailableReason: { type: ['string', 'null'] },
  version: { type: 'integer' },
  edges: { type: 'integer' },
  vertices: { type: 'integer' },
  maxSpeedKmh: { type: 'number', description: 'fastest emergency speed on any edge' },
  totalLengthM: { type: 'number' },
  bbox: { type: ['array', 'null'], items: { type: 'number' } },
  maxSnapM: { type: 'number' },
  offRoadKmh: { type: 'number' },
})

export type RoadNetworkInfo = SchemaType<typeof networkResponseSchema>

export const isochroneQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    resourceId: { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'one resource (give this or capability)' },
    capability: {
      type: 'string',
      enum: CAPABILITIES,
      description: `the available resources with this capability, at most ${MAX_CAPABILITY_RESOURCES} (give this or resourceId)`,
    },
    minutes: {
      type: 'string',
      pattern: '^[0-9]{1,2}(,[0-9]{1,2}){0,5}$',
      description: `comma-separated minutes, 1–${MAX_MINUTES} (default ${DEFAULT_MINUTES.join(',')})`,
    },
  },
} as const

/** `GET /api/roads/isochrones`: one polygon per minutes value (null: nothing reached), with what was asked and how. */
export const isochroneCollectionSchema = featureCollectionSchema(
  {
    minutes: { type: 'integer' },
    vertices: { type: 'integer' },
    resources: { type: 'integer', description: 'capability: resources reaching anything within the minutes' },
  },
  {
    resourceId: { type: 'integer' },
    capability: { type: 'string', enum: CAPABILITIES },
    resources: { type: 'integer', description: 'capability: available resources with it' },
    resourceIds: { type: 'array', items: { type: 'integer' }, description: 'capability: the resources whose isochrones are joined' },
    offNetworkIds: { type: 'array', items: { type: 'integer' }, description: 'capability: resources left out, too far from every road' },
    engine: { type: 'string', enum: ['pgrouting', 'in-process'] },
    networkVersion: { type: 'integer' },
    offRoadM: { type: 'number', description: "the resource's straight leg to its nearest road, metres" },
    cached: { type: 'boolean' },
  },
  // null: nothing is reached within the minutes
  nullableGeometrySchema,
  ['minutes', 'vertices'],
)

export type IsochroneCollection = SchemaType<typeof isochroneCollectionSchema>
