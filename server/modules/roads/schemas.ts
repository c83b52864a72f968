// JSON schemas of travel-time answers, for validation, serialisation and the OpenAPI document.
import { RESOURCE_KINDS } from '../../domain/resources'
import { nearestItemSchema } from '../resources/schemas'

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

const lineGeometry = {
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

/** A resource ranked by travel time: the nearest item plus its ETA, road distance and route (by=time only, so optional here). */
export const timedItemSchema = {
  ...nearestItemSchema,
  properties: {
    ...nearestItemSchema.properties,
    etaS: { type: 'number', description: 'estimated arrival time at the incident, seconds (off-road legs + driving)' },
    roadDistanceM: { type: 'number', description: 'route length along roads, metres' },
    snap: snapSchema,
    route: lineGeometry,
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
      description: 'off_network: beyond the snap limit from every road; no_route: no road leads to the incident; beyond_search: no route within withinS seconds (arrives after every listed resource)',
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
