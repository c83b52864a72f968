import type { FastifyInstance, FastifyReply, FastifyTypeProvider } from 'fastify'
import type { Geometry, LineString, MultiLineString, MultiPolygon, Point, Polygon } from 'geojson'
import type { FromSchema, JSONSchema } from 'json-schema-to-ts'
import { invalid } from '../errors'

// Shared JSON schemas and parsers for request validation and OpenAPI documentation.

/**
 * The static type of a response schema written `as const`: what a client gets once fast-json-stringify
 * has serialised the response. FromSchema (json-schema-to-ts), with two readings of this repository:
 * a schema with a `coordinates` property (geometrySchema) is a GeoJSON geometry, a Point when its
 * `type` is the const Point (a line when it is LineString or MultiLineString, an area when it is Polygon or
 * MultiPolygon); and an object with listed properties has no index signature, since the
 * serialiser drops properties a schema does not list (an object schema without listed properties
 * stays a string-keyed bag). The web imports these
 * types through web/src/api/contract.ts (docs/architecture.md, "One typed contract").
 */
export type SchemaType<S extends JSONSchema> = Listed<
  FromSchema<
    S,
    {
      deserialize: [
        { pattern: { properties: { coordinates: unknown } }; output: Geometry },
        { pattern: { properties: { type: { const: 'Point' }; coordinates: unknown } }; output: Point },
        { pattern: { properties: { type: { enum: readonly ['LineString', 'MultiLineString'] }; coordinates: unknown } }; output: LineString | MultiLineString },
        { pattern: { properties: { type: { enum: readonly ['Polygon', 'MultiPolygon'] }; coordinates: unknown } }; output: Polygon | MultiPolygon },
      ]
    }
  >
>

type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : number extends K ? never : K]: 0 }

/** Drops the `[x: string]: unknown` signature FromSchema gives an object schema with listed properties. */
type Listed<T> = T extends Geometry
  ? T
  : T extends readonly unknown[]
    ? { [I in keyof T]: Listed<T[I]> }
    : T extends object
      ? [KnownKeys<T>] extends [never]
        ? T
        : { [K in keyof T as string extends K ? never : number extends K ? never : K]: Listed<T[K]> }
      : T

/**
 * Fastify's type provider for this repository's schemas: a handler's `request.body`, `query` and
 * `params` are typed from its request schemas (FromSchema: after validation, with defaults applied,
 * so a defaulted property is present), and what it returns is checked against its response schema's
 * SchemaType — the same type the web imports. The official @fastify/type-provider-json-schema-to-ts
 * is these few lines with plain FromSchema on both sides; ours reads responses as SchemaType does.
 * A module's routes take it with `typed(app)` (docs/architecture.md, "One typed contract").
 */
export interface SchemaTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema']> : unknown
  serializer: this['schema'] extends JSONSchema ? SchemaType<this['schema']> : unknown
}

/** The app with its routes typed by their schemas (SchemaTypeProvider); the same instance at run time. */
export function typed(app: FastifyInstance) {
  return app.withTypeProvider<SchemaTypeProvider>()
}

/**
 * A typed route's reply as Fastify's own type, for what no schema serialises: bytes, a stream, an
 * empty 204 or 304 (the route's 200 schema then documents the body for OpenAPI only).
 */
export const bytesReply = (reply: FastifyReply): FastifyReply => reply

/** The body of every error response (docs/architecture.md §9): the error handler sets every key, each detail a message (ErrorDetail). */
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
          items: {
            type: 'object',
            additionalProperties: true,
            description: 'a detail may carry more keys than these (the current state of a refused change, a retry time…)',
            properties: { field: { type: 'string' }, message: { type: 'string' } },
            required: ['message'],
          },
        },
      },
      required: ['code', 'message', 'details'],
    },
  },
  required: ['error'],
} as const

/** An error response's body; its details read as ErrorDetail (server/domain/errors.ts) where their extra keys matter. */
export type ApiErrorBody = SchemaType<typeof errorResponse>

/** The error responses every route may give, for the OpenAPI document. */
export const errorResponses = { 400: errorResponse, 404: errorResponse, 500: errorResponse, 503: errorResponse } as const

/**
 * An object schema whose listed properties are all always sent: `required` names every one of them
 * (fast-json-stringify throws on a missing one, so only for objects whose builder sets every key).
 */
export function sentObject<const P extends Record<string, unknown>>(properties: P) {
  return { type: 'object', properties, required: Object.keys(properties) as Array<keyof P & string> } as const
}

/** A risk level in a response (docs/domain.md §2); the enum types it as a Level, the serialiser ignores it. */
export const levelResponseSchema = {
  type: 'integer',
  enum: [0, 1, 2, 3, 4],
  description: '0 none, 1 blue 低, 2 yellow 一般, 3 orange 较大, 4 red 重大',
} as const

export const geometrySchema = {
  type: 'object',
  additionalProperties: true,
  properties: { type: { type: 'string' }, coordinates: {} },
  required: ['type', 'coordinates'],
} as const

/** A GeoJSON Point (SchemaType reads it as one), for features whose builder always sends a point. */
export const pointGeometrySchema = sentObject({
  type: { type: 'string', const: 'Point' },
  coordinates: { type: 'array', items: { type: 'number' }, description: '[lon, lat], WGS 84 degrees' },
})

/** A GeoJSON Polygon or MultiPolygon (SchemaType reads it as one), for an area's outline: a region, a cell. */
export const areaGeometrySchema = {
  type: 'object',
  additionalProperties: true,
  properties: { type: { type: 'string', enum: ['Polygon', 'MultiPolygon'] }, coordinates: {} },
  required: ['type', 'coordinates'],
} as const

/** A geometry or null (RFC 7946 §3.2: a feature without a location, e.g. a division whose boundary is not imported yet). */
export const nullableGeometrySchema = { anyOf: [geometrySchema, { type: 'null' }] } as const

/**
 * A GeoJSON FeatureCollection (RFC 7946) whose features carry the given properties schema; `required`
 * lists the properties every feature has (fast-json-stringify throws when one is missing).
 */
export function featureCollectionSchema<
  const P extends Record<string, unknown>,
  const E extends Record<string, unknown> = Record<never, never>,
  const G extends typeof geometrySchema | typeof nullableGeometrySchema | typeof pointGeometrySchema | typeof areaGeometrySchema = typeof geometrySchema,
  const R extends readonly (keyof P & string)[] = [],
>(properties: P, extra: E = {} as E, geometry: G = geometrySchema as G, required: R = [] as unknown as R) {
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
            // `required: []` is left out of the document; for the type it means the same.
            properties: { type: 'object', properties, ...((required.length > 0 ? { required } : {}) as { required: R }) },
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
  for (const [name, v, limit] of [
    ['minLon', minLon, 180],
    ['maxLon', maxLon, 180],
    ['minLat', minLat, 90],
    ['maxLat', maxLat, 90],
  ] as const) {
    if (Math.abs(v) > limit) throw invalid(field, `${name} ${v} is outside ±${limit}`)
  }
  if (minLon >= maxLon) throw invalid(field, `minLon ${minLon} must be less than maxLon ${maxLon}`)
  if (minLat >= maxLat) throw invalid(field, `minLat ${minLat} must be less than maxLat ${maxLat}`)
  return { minLon, minLat, maxLon, maxLat }
}
