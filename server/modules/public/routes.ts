import type { FastifyInstance } from 'fastify'
import { errorResponses, featureCollectionSchema, geometrySchema, nullableGeometrySchema, type SchemaType } from '../../http/schemas'
import { DIVISION_RANKS } from '../../domain/division-register'
import { listDivisions } from '../divisions'
import { getPublication, latestPublicationId } from '../publication'
import { latLngToCell } from 'h3-js'
import { NEARBY_SHELTERS, placeReading, publishedPenalties, publishedRegions, shelters } from './repository'
import { offsetParam } from '../../http/bounds'

/**
 * The public portal's API (docs/domain.md §8), under /api/public, open to anyone. Risk levels and shapes
 * come from the latest publication only; shelters and published penalties are read live. Every
 * response schema lists its fields, so nothing else can be serialised; none of them has a field for
 * an enterprise, a substance, a quantity or an inspection record. Reads go to the read handle, like
 * the public tiles, so the page and its tiles agree on which publication is the latest.
 */

const pub = { access: 'public' } as const

const countsSchema = {
  type: 'object',
  properties: { 0: { type: 'integer' }, 1: { type: 'integer' }, 2: { type: 'integer' }, 3: { type: 'integer' }, 4: { type: 'integer' } },
} as const

const publicationSchema = {
  type: 'object',
  properties: {
    publication: {
      type: ['object', 'null'],
      description: 'the latest publication; null while nothing has been published',
      properties: {
        id: { type: 'integer' },
        publishedAt: { type: 'string', description: 'ISO 8601' },
        note: { type: ['string', 'null'] },
        resolution: { type: 'integer', description: 'finest H3 resolution shown' },
        minResolution: { type: 'integer' },
        ruleVersion: { type: 'string', description: 'the rule set version the publication was graded under' },
        counts: { type: 'object', properties: { cells: countsSchema, regions: countsSchema, areas: countsSchema } },
      },
    },
  },
  required: ['publication'],
} as const

const levelSchema = { type: 'integer', minimum: 0, maximum: 4, description: '0 none, 1 blue 低, 2 yellow 一般, 3 orange 较大, 4 red 重大' } as const

const regionsSchema = {
  type: 'object',
  properties: {
    publicationId: { type: ['integer', 'null'] },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { type: 'string', enum: ['division', 'mgmt_grid'] },
          key: { type: 'string', description: 'division code, or management grid id' },
          name: { type: 'string' },
          rank: { type: ['string', 'null'], description: 'city, county or township; null for a management grid' },
          parentCode: { type: ['string', 'null'] },
          level: { ...levelSchema, description: `the region's grade from the shares of its area (rule 2026.2; under 2026.1 its highest cell level): ${levelSchema.description}` },
          highestLevel: { type: ['integer', 'null'], minimum: 0, maximum: 4, description: 'the highest cell level in the region (就高); null if the publication did not record it' },
          shares: { type: 'object', description: 'share of the area per level, 0–1', properties: { 0: { type: 'number' }, 1: { type: 'number' }, 2: { type: 'number' }, 3: { type: 'number' }, 4: { type: 'number' } } },
        },
      },
    },
  },
} as const

const shelterProperties = {
  name: { type: 'string' },
  capacity: { type: ['integer', 'null'], description: 'people' },
  address: { type: ['string', 'null'], description: 'county and township' },
  status: { type: 'string', description: 'available, deployed or out_of_service' },
} as const

const penaltiesSchema = {
  type: 'object',
  properties: {
    total: { type: 'integer' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          decisionNo: { type: 'string', description: '处罚决定书文号' },
          decidedAt: { type: 'string', description: 'YYYY-MM-DD' },
          amountYuan: { type: 'number' },
          divisionName: { type: ['string', 'null'], description: 'the county (or city) the penalised enterprise lies in' },
          violationCategory: { type: ['string', 'null'], description: 'the legal provision violated' },
        },
      },
    },
  },
} as const

const divisionProperties = {
  code: { type: 'string' },
  name: { type: 'string' },
  nameEn: { type: ['string', 'null'] },
  rank: { type: 'string', enum: DIVISION_RANKS },
  parentCode: { type: ['string', 'null'] },
  label: { ...nullableGeometrySchema, description: 'a point inside the polygon to place its label' },
} as const

/** `GET /api/public/divisions`: every property is always sent. */
export const publicDivisionCollectionResponse = featureCollectionSchema(divisionProperties, {}, geometrySchema, ['code', 'name', 'nameEn', 'rank', 'parentCode', 'label'])

export type PublicDivisionCollection = SchemaType<typeof publicDivisionCollectionResponse>

const sharesSchema = { type: 'object', description: 'share of the area per level, 0–1', properties: { 0: { type: 'number' }, 1: { type: 'number' }, 2: { type: 'number' }, 3: { type: 'number' }, 4: { type: 'number' } } } as const

const placeSchema = {
  type: 'object',
  properties: {
    publicationId: { type: ['integer', 'null'], description: 'null while nothing has been published (then the reading is empty)' },
    lon: { type: 'number' },
    lat: { type: 'number' },
    h3: { type: ['string', 'null'], description: "the point's cell at the publication's finest resolution" },
    level: { ...levelSchema, description: 'published level of the cell at the point; 0 when no risk is recorded there' },
    stale: { type: 'boolean' },
    areaLevel: { ...levelSchema, description: 'highest published public-area zone over the point; 0 when none' },
    regions: {
      type: 'array',
      description: 'the township and the county the point lies in, finest first',
      items: {
        type: 'object',
        properties: { key: { type: 'string' }, name: { type: 'string' }, nameEn: { type: ['string', 'null'] }, rank: { type: 'string' }, level: levelSchema, shares: sharesSchema },
      },
    },
    shelters: {
      type: 'array',
      description: `the ${NEARBY_SHELTERS} nearest emergency shelters`,
      items: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          address: { type: ['string', 'null'] },
          capacity: { type: ['integer', 'null'] },
          distanceM: { type: 'integer', description: 'metres, on the spheroid' },
          geometry: { type: 'object', additionalProperties: true },
        },
      },
    },
  },
} as const

export default async function publicRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { lon: number; lat: number } }>(
    '/place',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'What the latest publication says about one point: its level, its township and county (level, shares) and the nearest shelters',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['lon', 'lat'],
          properties: { lon: { type: 'number', minimum: -180, maximum: 180, description: 'WGS 84' }, lat: { type: 'number', minimum: -90, maximum: 90, description: 'WGS 84' } },
        },
        response: { 200: placeSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { lon, lat } = request.query
      const id = await latestPublicationId(app.readDb)
      const row = id === null ? undefined : ((await app.readDb('publication').select('h3_res').where('id', id).first()) as { h3_res: number } | undefined)
      if (id === null || !row) return { publicationId: null, lon, lat, h3: null, level: 0, stale: false, areaLevel: 0, regions: [], shelters: [] }
      const res = Number(row.h3_res)
      const h3 = latLngToCell(lat, lon, res)
      return { publicationId: id, lon, lat, h3, ...(await placeReading(app.readDb, id, { lon, lat, h3, res })) }
    },
  )

  app.get(
    '/publication',
    {
      config: pub,
      schema: { tags: ['public'], summary: 'The latest publication (null while nothing has been published)', response: { 200: publicationSchema, ...errorResponses } },
    },
    async () => {
      const id = await latestPublicationId(app.readDb)
      const p = id === null ? undefined : await getPublication(app.readDb, id)
      if (!p) return { publication: null }
      return { publication: { id: p.id, publishedAt: p.createdAt, note: p.note, resolution: p.resolution, minResolution: p.minResolution, ruleVersion: p.ruleVersion, counts: p.counts } }
    },
  )

  app.get<{ Querystring: { kind?: 'division' | 'mgmt_grid' } }>(
    '/regions',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'Region levels and area shares of the latest publication',
        querystring: { type: 'object', additionalProperties: false, properties: { kind: { type: 'string', enum: ['division', 'mgmt_grid'] } } },
        response: { 200: regionsSchema, ...errorResponses },
      },
    },
    async (request) => {
      const id = await latestPublicationId(app.readDb)
      return { publicationId: id, items: id === null ? [] : await publishedRegions(app.readDb, id, request.query.kind) }
    },
  )

  app.get(
    '/shelters',
    {
      config: pub,
      schema: { tags: ['public'], summary: 'Emergency shelters (name, address, capacity) as GeoJSON', response: { 200: featureCollectionSchema(shelterProperties), ...errorResponses } },
    },
    async () => {
      const rows = await shelters(app.readDb)
      return {
        type: 'FeatureCollection' as const,
        numberMatched: rows.length,
        numberReturned: rows.length,
        features: rows.map((r) => ({
          type: 'Feature' as const,
          id: r.id,
          geometry: r.geometry,
          properties: { name: r.name, capacity: r.capacity, address: r.address, status: r.status },
        })),
      }
    },
  )

  app.get<{ Querystring: { limit: number; offset: number } }>(
    '/penalties',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'Published administrative penalties, newest first: decision number, date, amount, county, provision violated',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 }, offset: offsetParam },
        },
        response: { 200: penaltiesSchema, ...errorResponses },
      },
    },
    async (request) => publishedPenalties(app.readDb, request.query),
  )

  app.get<{ Querystring: { rank: 'city' | 'county' | 'township'; simplifyM: number } }>(
    '/divisions',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'Division boundaries and names for the offline basemap',
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['rank'],
          properties: {
            rank: { type: 'string', enum: ['city', 'county', 'township'] },
            simplifyM: { type: 'number', minimum: 0, maximum: 5000, default: 0, description: 'simplification tolerance, metres' },
          },
        },
        response: { 200: publicDivisionCollectionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const rows = await listDivisions(app.readDb, { rank: request.query.rank, simplifyM: request.query.simplifyM })
      return {
        type: 'FeatureCollection' as const,
        numberMatched: rows.length,
        numberReturned: rows.length,
        features: rows.map((r) => ({
          type: 'Feature' as const,
          id: r.code,
          geometry: r.geometry,
          properties: { code: r.code, name: r.name, nameEn: r.name_en, rank: r.rank, parentCode: r.parent_code, label: r.label },
        })),
      }
    },
  )
}
