import type { FastifyInstance } from 'fastify'
import type { Geometry } from 'geojson'
import type { DivisionRank } from '../../domain/division-register'
import { errorResponses, typed } from '../../http/schemas'
import { listDivisions, type DivisionRow } from '../divisions'
import { getPublication, latestPublicationId } from '../publication'
import { latLngToCell } from 'h3-js'
import { placeReading, publishedPenalties, publishedRegions, publishedResolution, shelters } from './repository'
import {
  divisionsQuery,
  penaltiesQuery,
  penaltiesResponse,
  placeQuery,
  placeResponse,
  publicDivisionCollectionResponse,
  publicationResponse,
  regionsQuery,
  regionsResponse,
  sheltersResponse,
  type PlaceReading,
  type PublicDivisionCollection,
} from './schemas'

/**
 * The public portal's API (docs/domain.md §8), under /api/public, open to anyone. Risk levels and shapes
 * come from the latest publication only; shelters and published penalties are read live. Every
 * response schema lists its fields, so nothing else can be serialised; none of them has a field for
 * an enterprise, a substance, a quantity or an inspection record (schemas.ts). Reads go to the read handle, like
 * the public tiles, so the page and its tiles agree on which publication is the latest.
 */

const pub = { access: 'public' } as const

/** A stored division as a feature of the public basemap (its rank is one of DIVISION_RANKS, its shapes GeoJSON from PostGIS). */
function divisionFeature(r: DivisionRow): PublicDivisionCollection['features'][number] {
  return {
    type: 'Feature',
    id: r.code,
    geometry: r.geometry as Geometry,
    properties: { code: r.code, name: r.name, nameEn: r.name_en, rank: r.rank as DivisionRank, parentCode: r.parent_code, label: r.label as Geometry | null },
  }
}

export default async function publicRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/place',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'What the latest publication says about one point: its level, its township and county (level, shares) and the nearest shelters',
        querystring: placeQuery,
        response: { 200: placeResponse, ...errorResponses },
      },
    },
    async (request): Promise<PlaceReading> => {
      const { lon, lat } = request.query
      const id = await latestPublicationId(app.readDb)
      const res = id === null ? undefined : await publishedResolution(app.readDb, id)
      if (id === null || res === undefined) return { publicationId: null, lon, lat, h3: null, level: 0, stale: false, areaLevel: 0, regions: [], shelters: [] }
      const h3 = latLngToCell(lat, lon, res)
      return { publicationId: id, lon, lat, h3, ...(await placeReading(app.readDb, id, { lon, lat, h3, res })) }
    },
  )

  app.get(
    '/publication',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'The latest publication (null while nothing has been published)',
        response: { 200: publicationResponse, ...errorResponses },
      },
    },
    async () => {
      const id = await latestPublicationId(app.readDb)
      const p = id === null ? undefined : await getPublication(app.readDb, id)
      if (!p) return { publication: null }
      return {
        publication: {
          id: p.id,
          publishedAt: p.createdAt,
          note: p.note,
          resolution: p.resolution,
          minResolution: p.minResolution,
          ruleVersion: p.ruleVersion,
          counts: p.counts,
        },
      }
    },
  )

  app.get(
    '/regions',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'Region levels and area shares of the latest publication',
        querystring: regionsQuery,
        response: { 200: regionsResponse, ...errorResponses },
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
      schema: { tags: ['public'], summary: 'Emergency shelters (name, address, capacity) as GeoJSON', response: { 200: sheltersResponse, ...errorResponses } },
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

  app.get(
    '/penalties',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'Published administrative penalties, newest first: decision number, date, amount, county, provision violated',
        querystring: penaltiesQuery,
        response: { 200: penaltiesResponse, ...errorResponses },
      },
    },
    async (request) => publishedPenalties(app.readDb, request.query),
  )

  app.get(
    '/divisions',
    {
      config: pub,
      schema: {
        tags: ['public'],
        summary: 'Division boundaries and names for the offline basemap',
        querystring: divisionsQuery,
        response: { 200: publicDivisionCollectionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const rows = await listDivisions(app.readDb, { rank: request.query.rank, simplifyM: request.query.simplifyM })
      return { type: 'FeatureCollection' as const, numberMatched: rows.length, numberReturned: rows.length, features: rows.map(divisionFeature) }
    },
  )
}
