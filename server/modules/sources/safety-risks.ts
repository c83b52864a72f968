/**
 * Reported safety risks (重大安全风险, docs/domain.md §3.2): graded by LEC, the risk matrix or a stated
 * level, at a point of the enterprise.
 */
import { whereEnterpriseIn, type ScopedListQuery } from '../auth/jurisdiction'
import type { Knex } from 'knex'
import type { RuleSet } from '../../domain/rules'
import {
  gradeByMethod,
  impactRadiusSchema,
  listQuerySchema,
  locationProperties,
  METHOD_COLUMNS,
  methodProperties,
  methodResponseProperties,
  methodView,
  recordMeta,
  sourceLocation,
  throwFirst,
  timestampsProperties,
  type RecordSpec,
  type ValidBody,
  type ValidQuery,
} from './shared'
import { dateColumn, listPage, pointSql, type Db } from '../../db/db'
import { dateSchema, idSchema, levelSchema, nameSchema, optionalDateSchema, divisionFilterSchema } from '../../http/params'
import { dateOrderIssues } from '../../domain/source-checks'
import { sentObject, type SchemaType } from '../../http/schemas'

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'name', 'method', 'assessedAt'],
  properties: {
    enterpriseId: idSchema,
    name: nameSchema,
    description: { type: ['string', 'null'], maxLength: 4000 },
    ...methodProperties,
    impactRadiusM: impactRadiusSchema,
    assessedAt: dateSchema,
    validUntil: optionalDateSchema,
    ...locationProperties,
  },
} as const

export type SafetyRiskBody = ValidBody<typeof bodySchema>

const querySchema = listQuerySchema({ enterpriseId: idSchema, level: levelSchema, method: methodProperties.method, division: divisionFilterSchema })

const recordProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  name: { type: 'string' },
  description: { type: ['string', 'null'] },
  ...methodResponseProperties,
  impactRadiusM: { type: ['number', 'null'] },
  assessedAt: { type: 'string' },
  validUntil: { type: ['string', 'null'] },
  lon: { type: 'number' },
  lat: { type: 'number' },
  ...timestampsProperties,
} as const

/** A safety risk as `GET /api/safety-risks/:id` and the list send it: toRecord sets every property. */
export const safetyRiskResponse = sentObject(recordProperties)

export type SafetyRiskResponse = SchemaType<typeof safetyRiskResponse>

export type SafetyRiskRecord = ReturnType<typeof toRecord>

/** Grades the body and builds the row to store; throws `invalid()` naming the field. */
async function prepare(trx: Knex.Transaction, body: SafetyRiskBody, rules: RuleSet) {
  const graded = gradeByMethod(body, rules)
  throwFirst(dateOrderIssues('safety_risk', body))
  const { lon, lat } = await sourceLocation(trx, body)
  return {
    enterprise_id: body.enterpriseId,
    name: body.name.trim(),
    description: body.description?.trim() || null,
    ...graded,
    impact_radius_m: body.impactRadiusM ?? null,
    assessed_at: body.assessedAt,
    valid_until: body.validUntil ?? null,
    rule_version: rules.version,
    geom: pointSql(trx, lon, lat),
  }
}

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.select(
    'r.id',
    'r.enterprise_id',
    'r.name',
    'r.description',
    ...METHOD_COLUMNS.map((c) => `r.${c}`),
    'r.impact_radius_m',
    'r.rule_version',
    'r.created_at',
    'r.updated_at',
    dateColumn(db, 'r.assessed_at', 'assessed_at'),
    dateColumn(db, 'r.valid_until', 'valid_until'),
    db.raw('ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat'),
  )
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    name: r.name as string,
    description: r.description as string | null,
    ...methodView(r),
    impactRadiusM: r.impact_radius_m as number | null,
    assessedAt: r.assessed_at as string,
    validUntil: r.valid_until as string | null,
    lon: r.lon as number,
    lat: r.lat as number,
    ...recordMeta(r),
  }
}

export const safetyRisks: RecordSpec<typeof bodySchema, SafetyRiskRecord, typeof querySchema> = {
  kind: 'safety_risk',
  label: 'safety risk',
  path: '/safety-risks',
  tag: 'safety risks',
  body: bodySchema,
  record: recordProperties,
  response: safetyRiskResponse,
  query: querySchema,
  description:
    'The level comes from LEC (D = L × E × C), the risk matrix (R = L × S) or a stated level; the body carries exactly ' +
    "the block its `method` names. Values outside the rule set's value sets are rejected with 400 naming e.g. `lec.L`.",
  async insert(trx, body, grading) {
    const [row] = await trx('safety_risk')
      .insert(await prepare(trx, body, grading.rules))
      .returning('id')
    return Number((row as { id: string }).id)
  },
  async replace(trx, id, body, grading) {
    await trx('safety_risk')
      .where({ id })
      .update({ ...(await prepare(trx, body, grading.rules)), updated_at: trx.fn.now() })
  },
  async load(db, id) {
    const row = await selectColumns(db, db('safety_risk as r')).where('r.id', id).first()
    return row ? toRecord(row) : undefined
  },
  async list(db, query: ValidQuery<typeof querySchema> & ScopedListQuery) {
    const filtered = db('safety_risk as r')
    if (query.enterpriseId !== undefined) filtered.where('r.enterprise_id', query.enterpriseId)
    if (query.level !== undefined) filtered.where('r.level', query.level)
    if (query.method !== undefined) filtered.where('r.method', query.method)
    whereEnterpriseIn(filtered, 'r.enterprise_id', query.division, query.scopeGridId)
    return { ...(await listPage(filtered, (q) => selectColumns(db, q), 'r.id', query, toRecord)), limit: query.limit, offset: query.offset }
  },
  scope: (record) => ({ enterpriseIds: [record.enterpriseId] }),
}
