/**
 * Schema primitives of request parameters every module uses (docs/architecture.md "Layers"): ids,
 * paging, dates, names, levels, a point in a coordinate system. JSON Schema, checked by Fastify's validator and shown in the OpenAPI document.
 */
import { CRS_VALUES } from '../domain/coords'
import { MAX_ID, offsetParam } from './bounds'

export const dateSchema = { type: 'string', format: 'date', description: 'ISO 8601 date, YYYY-MM-DD' } as const
export const optionalDateSchema = { type: ['string', 'null'], format: 'date', description: 'ISO 8601 date, YYYY-MM-DD' } as const
export const nameSchema = { type: 'string', minLength: 1, maxLength: 200 } as const
/** A row id: beyond the integer range no row exists, and the database would refuse the comparison. */
export const idSchema = { type: 'integer', minimum: 1, maximum: MAX_ID } as const
/** A list filter: records of enterprises whose division code starts with this. */
export const divisionFilterSchema = { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprise' } as const
export const levelSchema = { type: 'integer', minimum: 1, maximum: 4, description: '1 blue 低, 2 yellow 一般, 3 orange 较大, 4 red 重大' } as const

/** The `:id` path parameter of a route. */
export const idParams = { type: 'object', additionalProperties: false, properties: { id: idSchema }, required: ['id'] } as const

/** One page of a list: `limit` rows after `offset`. */
export interface Page {
  limit: number
  offset: number
}

/** The `limit` and `offset` query parameters of every paged list. */
export const pageProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
  offset: offsetParam,
} as const

/** The query point echoed back: WGS 84 after conversion, and the system it was given in. */
export const queryPointSchema = {
  lon: { type: 'number', description: 'WGS 84 longitude after conversion from `crs`' },
  lat: { type: 'number', description: 'WGS 84 latitude after conversion from `crs`' },
  crs: { type: 'string', enum: CRS_VALUES },
} as const

/** Query parameters of a point: lon, lat in `crs`. */
export const pointParams = {
  lon: { type: 'number', minimum: -180, maximum: 180, description: 'longitude, degrees, in `crs`' },
  lat: { type: 'number', minimum: -90, maximum: 90, description: 'latitude, degrees, in `crs`' },
  crs: { type: 'string', enum: CRS_VALUES, default: 'wgs84', description: 'cgcs2000 is taken as WGS 84; gcj02 and bd09 are converted' },
} as const
