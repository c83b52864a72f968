import type { FastifyInstance } from 'fastify'
import { errorResponses, featureCollectionSchema, nullableGeometrySchema, typed, type SchemaType } from '../../http/schemas'
import { notFound } from '../../errors'
import { DIVISION_RANKS, type RegisterDivision } from '../../domain/division-register'
import { getDivision, listDivisions, type DivisionFilter, type DivisionRow } from './repository'

const divisionProperties = {
  code: { type: 'string' },
  name: { type: 'string' },
  nameEn: { type: ['string', 'null'] },
  rank: { type: 'string', enum: DIVISION_RANKS },
  parentCode: { type: ['string', 'null'] },
  synthetic: { type: 'boolean' },
  boundary: { type: 'boolean', description: 'false: a GB/T 2260 division of the region (REGION_CODE) whose boundary is not imported yet (geometry null)' },
  label: { ...nullableGeometrySchema, description: 'a point inside the polygon to place its label' },
} as const

/** `GET /api/divisions`: every property is always sent (toFeature). */
export const divisionCollectionResponse = featureCollectionSchema(divisionProperties, {}, nullableGeometrySchema, [
  'code',
  'name',
  'nameEn',
  'rank',
  'parentCode',
  'synthetic',
  'boundary',
  'label',
])

export type DivisionCollection = SchemaType<typeof divisionCollectionResponse>

/** `GET /api/divisions/:code`: one division with its counts. */
export const divisionFeatureResponse = {
  type: 'object',
  properties: {
    type: { type: 'string' },
    id: { type: 'string' },
    geometry: nullableGeometrySchema,
    properties: {
      type: 'object',
      properties: { ...divisionProperties, enterprises: { type: 'integer' }, children: { type: 'integer' } },
    },
  },
} as const

const divisionsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    rank: { type: 'string', enum: ['province', 'city', 'county', 'township'] },
    parent: { type: 'string', pattern: '^[0-9]{6}([0-9]{3})?$' },
    simplifyM: { type: 'number', minimum: 0, maximum: 5000, default: 0, description: 'simplification tolerance, metres' },
    boundary: { type: 'boolean', description: 'true: only divisions with a boundary; false: only those without; absent: all' },
  },
} as const

const divisionParams = { type: 'object', properties: { code: { type: 'string', pattern: '^[0-9]{6}([0-9]{3})?$' } }, required: ['code'] } as const

function toFeature(row: DivisionRow) {
  return {
    type: 'Feature' as const,
    id: row.code,
    geometry: row.geometry,
    properties: {
      code: row.code,
      name: row.name,
      nameEn: row.name_en,
      rank: row.rank,
      parentCode: row.parent_code,
      synthetic: row.synthetic,
      boundary: row.geometry !== null,
      label: row.label,
    },
  }
}

/** A register division (data/gbt2260-21.json) with no boundary in the database yet. */
function registerRow(d: RegisterDivision): DivisionRow {
  return { code: d.code, name: d.name, name_en: null, rank: d.rank, parent_code: d.parentCode, synthetic: false, geometry: null, label: null }
}

/** The stored divisions plus the region's register divisions that have no boundary yet, by code. */
function withRegister(rows: DivisionRow[], register: readonly RegisterDivision[], filter: Pick<DivisionFilter, 'rank' | 'parent'>): DivisionRow[] {
  const stored = new Set(rows.map((r) => r.code))
  const missing = register.filter((d) => !stored.has(d.code) && (!filter.rank || d.rank === filter.rank) && (!filter.parent || d.parentCode === filter.parent))
  if (missing.length === 0) return rows
  return [...rows, ...missing.map(registerRow)].sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
}

/**
 * Administrative division units (GB/T 2260 codes) as GeoJSON: the map's offline basemap and region
 * list. Every division of the deployment's region (REGION_CODE) is listed; one whose boundary is not
 * imported yet has `boundary: false` and a null geometry.
 */
export default async function divisionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/',
    {
      config: { access: 'public' },
      schema: {
        tags: ['divisions'],
        summary: 'Division units as a GeoJSON FeatureCollection',
        querystring: divisionsQuery,
        response: { 200: divisionCollectionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { boundary } = request.query
      const stored = await listDivisions(app.db, request.query)
      const rows =
        boundary === true
          ? stored
          : withRegister(stored, app.config.regionDivisions, request.query).filter((r) => boundary === undefined || r.geometry === null)
      return { type: 'FeatureCollection' as const, numberMatched: rows.length, numberReturned: rows.length, features: rows.map(toFeature) }
    },
  )

  app.get(
    '/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['divisions'],
        summary: 'One division unit with its geometry and counts',
        params: divisionParams,
        response: { 200: divisionFeatureResponse, ...errorResponses },
      },
    },
    async (request) => {
      const row = await getDivision(app.db, request.params.code)
      if (!row) {
        const listed = app.config.regionDivisions.find((d) => d.code === request.params.code)
        if (!listed) throw notFound('division', request.params.code)
        const feature = toFeature(registerRow(listed))
        const children = app.config.regionDivisions.filter((d) => d.parentCode === listed.code).length
        return { ...feature, properties: { ...feature.properties, enterprises: 0, children } }
      }
      const feature = toFeature(row)
      return { ...feature, properties: { ...feature.properties, enterprises: row.enterprises, children: row.children } }
    },
  )
}
