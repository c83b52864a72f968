import type { FastifyInstance } from 'fastify'
import { readScope } from '../auth/access'
import type { ScopedListQuery } from '../auth/jurisdiction'
import {
  errorResponses,
  featureCollectionSchema,
  levelResponseSchema,
  parseBBox,
  pointGeometrySchema,
  sentObject,
  typed,
  type SchemaType,
} from '../../http/schemas'
import { notFound } from '../../errors'
import { LOCATED_BY } from '../../domain/address-division'
import { CREDIT_STATUSES } from '../../domain/enforcement'
import { TIER_SOURCES } from '../../domain/supervision'
import { AFFILIATIONS, SCALES, TIERS } from '../../domain/tier'
import { getEnterprise, listEnterprises, type EnterpriseDetailRow, type EnterpriseListRow } from './repository'
import { offsetParam } from '../../http/bounds'
import { idParams } from '../../http/params'

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

/** A date column as the response sends it: the day, YYYY-MM-DD. */
const isoDay = (v: Date | string | null) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)

const point = (row: EnterpriseListRow) => ({ type: 'Point' as const, coordinates: [Number(row.lon), Number(row.lat)] })

function summary(row: EnterpriseListRow) {
  return {
    id: Number(row.id),
    uscc: row.uscc,
    externalId: row.external_id,
    name: row.name,
    industry: row.industry,
    highHazard: row.high_hazard,
    scale: row.scale,
    tier: row.tier,
    divisionCode: row.division_code,
    mgmtGridId: row.mgmt_grid_id,
    creditStatus: row.credit_status,
    level: row.level,
    synthetic: row.synthetic,
  }
}

function toFeature(row: EnterpriseListRow) {
  return { type: 'Feature' as const, id: Number(row.id), geometry: point(row), properties: summary(row) }
}

function toDetailFeature(row: EnterpriseDetailRow): EnterpriseFeature {
  return {
    type: 'Feature',
    id: Number(row.id),
    geometry: point(row),
    properties: {
      ...summary(row),
      affiliation: row.affiliation,
      industrySource: row.industry_source,
      industryClass: row.industry_class,
      locatedBy: row.located_by,
      centralVertical: row.central_vertical,
      tierSource: row.tier_source,
      tierReason: row.tier_reason,
      address: row.address,
      responsiblePerson: row.responsible_person,
      responsiblePhone: row.responsible_phone,
      inherentLevel: row.inherent_level,
      levelReason: row.level_reason,
      lastReportedAt: isoDay(row.last_reported_at),
      reportDueAt: isoDay(row.report_due_at),
      divisionName: row.division_name,
      industryDepartment: row.industry_department,
      specialistDepartments: row.specialist_departments,
      mgmtGridName: row.mgmt_grid_name,
      majorHazards: row.major_hazards,
      safetyRisks: row.safety_risks,
      openHiddenDangers: row.open_hidden_dangers,
      overdueItems: row.overdue_items,
    },
  }
}

const listQuery = {
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
} as const

/** Enterprises (docs/domain.md §2): the registry every risk record hangs from, as GeoJSON. */
export default async function enterpriseRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags: ['enterprises'],
        summary: 'Enterprises as a GeoJSON FeatureCollection, filtered and paginated',
        querystring: listQuery,
        response: { 200: enterpriseCollectionResponse, ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const query: typeof request.query & ScopedListQuery = request.query
      const { bbox, ...rest } = query
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

  app.get(
    '/:id',
    {
      config: { access: 'staff', scope: { enterprise: 'params.id' } },
      schema: {
        tags: ['enterprises'],
        summary: 'One enterprise with its supervision and risk summary',
        params: idParams,
        response: {
          200: enterpriseFeatureResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const row = await getEnterprise(app.db, request.params.id, readScope(request.user).contacts)
      if (!row) throw notFound('enterprise', request.params.id)
      return toDetailFeature(row)
    },
  )
}
