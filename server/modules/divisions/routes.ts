import type { FastifyInstance } from 'fastify'
import { errorResponses, featureCollectionSchema, geometrySchema } from '../../schemas'
import { notFound } from '../../errors'
import { getDivision, listDivisions, type DivisionFilter, type DivisionRow } from './repository'

const divisionProperties = {
  code: { type: 'string' },
  name: { type: 'string' },
  nameEn: { type: ['string', 'null'] },
  rank: { type: 'string' },
  parentCode: { type: ['string', 'null'] },
  synthetic: { type: 'boolean' },
  label: { type: ['object', 'null'], additionalProperties: true },
} as const

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
      label: row.label,
    },
  }
}

/** Administrative division units (GB/T 2260 codes) as GeoJSON: the map's offline basemap and region list. */
export default async function divisionRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: { rank?: DivisionFilter['rank']; parent?: string; simplifyM: number } }>(
    '/',
    {
      config: { access: 'public' },
      schema: {
        tags: ['divisions'],
        summary: 'Division units as a GeoJSON FeatureCollection',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            rank: { type: 'string', enum: ['city', 'county', 'township'] },
            parent: { type: 'string', pattern: '^[0-9]{6}([0-9]{3})?$' },
            simplifyM: { type: 'number', minimum: 0, maximum: 5000, default: 0, description: 'simplification tolerance, metres' },
          },
        },
        response: { 200: featureCollectionSchema(divisionProperties), ...errorResponses },
      },
    },
    async (request) => {
      const rows = await listDivisions(app.db, request.query)
      return { type: 'FeatureCollection' as const, numberMatched: rows.length, numberReturned: rows.length, features: rows.map(toFeature) }
    },
  )

  app.get<{ Params: { code: string } }>(
    '/:code',
    {
      config: { access: 'public' },
      schema: {
        tags: ['divisions'],
        summary: 'One division unit with its geometry and counts',
        params: { type: 'object', properties: { code: { type: 'string', pattern: '^[0-9]{6}([0-9]{3})?$' } }, required: ['code'] },
        response: {
          200: {
            type: 'object',
            properties: {
              type: { type: 'string' },
              id: { type: 'string' },
              geometry: geometrySchema,
              properties: {
                type: 'object',
                properties: { ...divisionProperties, enterprises: { type: 'integer' }, children: { type: 'integer' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const row = await getDivision(app.db, request.params.code)
      if (!row) throw notFound('division', request.params.code)
      const feature = toFeature(row)
      return { ...feature, properties: { ...feature.properties, enterprises: row.enterprises, children: row.children } }
    },
  )
}
