import { invalid } from '../errors'

// Shared JSON schemas and parsers for request validation and OpenAPI documentation.

export const errorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', additionalProperties: true, properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      required: ['code', 'message', 'details'],
    },
  },
  required: ['error'],
} as const

/** The error responses every route may give, for the OpenAPI document. */
export const errorResponses = { 400: errorResponse, 404: errorResponse, 500: errorResponse, 503: errorResponse } as const

export const geometrySchema = {
  type: 'object',
  additionalProperties: true,
  properties: { type: { type: 'string' }, coordinates: {} },
  required: ['type', 'coordinates'],
} as const

/** A geometry or null (RFC 7946 §3.2: a feature without a location, e.g. a division whose boundary is not imported yet). */
export const nullableGeometrySchema = { anyOf: [geometrySchema, { type: 'null' }] } as const

/** A GeoJSON FeatureCollection (RFC 7946) whose features carry the given properties schema. */
export function featureCollectionSchema(
  properties: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  geometry: typeof geometrySchema | typeof nullableGeometrySchema = geometrySchema,
) {
  return {
    type: 'object',
    properties: {
      type: { type: 'string', const: 'FeatureCollection' },
      numberMatched: { type: 'integer' },
      numberReturned: { type: 'integer' },
      ...extra,
      features: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            type: { type: 'string', const: 'Feature' },
            id: { type: ['integer', 'string'] },
            geometry,
            properties: { type: 'object', properties },
          },
          required: ['type', 'geometry', 'properties'],
        },
      },
    },
    required: ['type', 'features'],
  } as const
}

/** Longitude/latitude box in WGS 84 degrees. */
export interface BBox {
  minLon: number
  minLat: number
  maxLon: number
  maxLat: number
}

/** Parses `minLon,minLat,maxLon,maxLat` (WGS 84 degrees); errors name the parameter. */
export function parseBBox(raw: string, field = 'bbox'): BBox {
  const parts = raw.split(',').map((s) => s.trim())
  if (parts.length !== 4 || parts.some((p) => p === '' || !Number.isFinite(Number(p)))) {
    throw invalid(field, 'must be four numbers minLon,minLat,maxLon,maxLat (WGS 84 degrees)')
  }
  const [minLon, minLat, maxLon, maxLat] = parts.map(Number) as [number, number, number, number]
  for (const [name, v, limit] of [['minLon', minLon, 180], ['maxLon', maxLon, 180], ['minLat', minLat, 90], ['maxLat', maxLat, 90]] as const) {
    if (Math.abs(v) > limit) throw invalid(field, `${name} ${v} is outside ±${limit}`)
  }
  if (minLon >= maxLon) throw invalid(field, `minLon ${minLon} must be less than maxLon ${maxLon}`)
  if (minLat >= maxLat) throw invalid(field, `minLat ${minLat} must be less than maxLat ${maxLat}`)
  return { minLon, minLat, maxLon, maxLat }
}
