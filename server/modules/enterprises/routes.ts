import type { FastifyInstance } from 'fastify'
import { readScope } from '../auth/access'
import { errorResponses, featureCollectionSchema, levelResponseSchema, parseBBox, pointGeometrySchema, sentObject, type SchemaType } from '../../http/schemas'
import { notFound } from '../../errors'
import { LOCATED_BY } from '../../domain/address-division'
import { CREDIT_STATUSES } from '../../domain/enforcement'
import { TIER_SOURCES } from '../../domain/supervision'
import { AFFILIATIONS, SCALES, TIERS } from '../../domain/tier'
import { getEnterprise, listEnterprises } from './repository'
import { MAX_ID, offsetParam } from '../../http/bounds'

// toFeature sets every column the repository selects (LIST_COLUMNS for the list, those and the
// detail's own for one enterprise), so each property listed here is required.
const summaryProperties = {
  id: { type: 'integer' },
  uscc: { type: ['string', 'null'], description: 'null: the enterprise is registered by its external id alone' },
  externalId: { type: ['string', 'null'], description: "the register's own id (企业编号), where given" },
  name: { type: 'string' },
  industry: { type: ['string', 'null'], description: 'null: unknown (the register gave none the GB/T 4754 table knows)' },
  highHazard: { type: 'boolean' },
  scale: { type: ['string', 'null'], enum: [...SCALES, null] },
  tier: { type: ['string', 'null'], enum: [...TIERS, null] },
  divisionCode: { type: 'string' },
  mgmtGridId: { type: ['integer', 'null'] },
  creditStatus: { type: 'string', enum: CREDIT_STATUSES },
  level: levelResponseSchema,
  synthetic: { type: 'boolean' },
} as const

const detailProperties = {
  ...summaryProperties,
  affiliation: { type: ['string', 'null'], enum: [...AFFILIATIONS, null] },
  industrySource: { type: ['string', 'null'], description: 'the industry as the register wrote it' },
  industryClass: { type: ['string', 'null'], description: 'the GB/T 4754 code it resolved to, e.g. C26' },
  locatedBy: { type: 'string', enum: LOCATED_BY, description: 'division: placed at the division its address names, an approximate location' },
  centralVertical: { type: 'boolean' },
  tierSource: { type: 'string', enum: TIER_SOURCES },
  tierReason: { type: ['string', 'null'] },
  address: { type: ['string', 'null'] },
  responsiblePerson: { type: ['string', 'null'], description: "null also when the reader's scope does not show contacts" },
  responsiblePhone: { type: ['string', 'null'], description: "null also when the reader's scope does not show contacts" },
  inherentLevel: levelResponseSchema,
  levelReason: { type: ['object', 'null'], additionalProperties: true },
  lastReportedAt: { type: ['string', 'null'], description: 'ISO date (YYYY-MM-DD) of the last risk report' },
  reportDueAt: { type: ['string', 'null'], description: 'ISO date (YYYY-MM-DD)' },
  divisionName: { type: ['string', 'null'] },
  industryDepartment: { type: ['string', 'null'] },
  specialistDepartments: { type: 'array', items: { type: 'string' } },
  mgmtGridName: { type: ['string', 'null'] },
  majorHazards: { type: 'integer' },
  safetyRisks: { type: 'integer' },
  openHiddenDangers: { type: 'integer' },
  overdueItems: {
    ...sentObject({ hiddenDangers: { type: 'integer' }, violations: { type: 'integer' } }),
    description: 'open past their rectification deadline',
  },
} as const

const listed = featureCollectionSchema(
  summaryProperties,
  { offset: { type: 'integer' } },
  pointGeometrySchema,
  Object.keys(summaryProperties) as Array<keyof typeof summaryProperties>,
)

/** `GET /api/enterprises`: a page of enterprises; the handler sends every top-level key. */
export const enterpriseCollectionResponse = { ...listed, required: ['type', 'numberMatched', 'numberReturned', 'offset', 'features'] } as const

export type EnterpriseCollection = SchemaType<typeof enterpriseCollectionResponse>

/** `GET /api/enterprises/:id`: one enterprise as a GeoJSON Feature. */
export const enterpriseFeatureResponse = sentObject({
  type: { type: 'string', const: 'Feature' },
  id: { type: 'integer' },
  geometry: pointGeometrySchema,
  properties: sentObject(detailProperties),
})

export type EnterpriseFeature = SchemaType<typeof enterpriseFeatureResponse>

const camel = (key: string) => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())

function toFeature(row: Record<string, unknown>) {
  const { lon, lat, ...rest } = row
  const properties: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(rest)) properties[camel(k)] = v instanceof Date ? v.toISOString().slice(0, 10) : v
  properties.id = Number(properties.id)
  return { type: 'Feature' as const, id: Number(row.id), geometry: { type: 'Point', coordinates: [Number(lon), Number(lat)] }, properties }
}

interface ListQuery {
  bbox?: string
  division?: string
  industry?: string
  minLevel?: number
  q?: string
  limit: number
  offset: number
}

/** Enterprises (docs/domain.md §2): the registry every risk record hangs from, as GeoJSON. */
export default async function enterpriseRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListQuery }>(
    '/',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags: ['enterprises'],
        summary: 'Enterprises as a GeoJSON FeatureCollection, filtered and paginated',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            bbox: { type: 'string', description: 'minLon,minLat,maxLon,maxLat in WGS 84 degrees' },
            division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code or prefix' },
            industry: { type: 'string', maxLength: 64 },
            minLevel: { type: 'integer', minimum: 0, maximum: 4 },
            q: { type: 'string', minLength: 1, maxLength: 100, description: 'name substring or USCC' },
            limit: { type: 'integer', minimum: 1, maximum: 10000, default: 100 },
            offset: offsetParam,
          },
        },
        response: { 200: enterpriseCollectionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { bbox, ...rest } = request.query
      const { total, rows } = await listEnterprises(app.db, { ...rest, bbox: bbox === undefined ? undefined : parseBBox(bbox) })
      return {
        type: 'FeatureCollection' as const,
        numberMatched: total,
        numberReturned: rows.length,
        offset: rest.offset,
        features: rows.map(toFeature),
      }
    },
  )

  app.get<{ Params: { id: number } }>(
    '/:id',
    {
      config: { access: 'staff', scope: { enterprise: 'params.id' } },
      schema: {
        tags: ['enterprises'],
        summary: 'One enterprise with its supervision and risk summary',
        params: { type: 'object', properties: { id: { type: 'integer', minimum: 1, maximum: MAX_ID } }, required: ['id'] },
        response: {
          200: enterpriseFeatureResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const row = await getEnterprise(app.db, request.params.id, readScope(request.user).contacts)
      if (!row) throw notFound('enterprise', request.params.id)
      return toFeature(row)
    },
  )
}
