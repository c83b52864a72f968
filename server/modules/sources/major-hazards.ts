/**
 * Major hazard installations (重大危险源, docs/domain.md §3.1): identified and graded per GB 18218-2018
 * from their substances, stored with the figures, the substances and any mismatch with what the
 * enterprise reported. Quantities are tonnes.
 */
import { whereEnterpriseIn, type ScopedListQuery } from '../auth/jurisdiction'
import type { Knex } from 'knex'
import { canonicalHazardClass, compareReportedGrade, identifyAndGradeMajorHazard } from '../../domain/major-hazard'
import type { RuleSet } from '../../domain/rules'
import {
  impactRadiusSchema,
  locationProperties,
  listQuerySchema,
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
import { dateOrderIssues, identificationIssues } from '../../domain/source-checks'
import { levelResponseSchema, sentObject, type SchemaType } from '../../http/schemas'

const substanceSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'q', 'Q'],
  properties: {
    name: { ...nameSchema, description: 'Chinese or English name or formula; toxic gases of GB 18218 table 3 are recognised by name' },
    cas: { type: ['string', 'null'], maxLength: 20, description: 'CAS registry number' },
    class: { type: ['string', 'null'], maxLength: 20, description: 'GB 18218-2018 table 4 class, e.g. J1, W2, W5.1' },
    q: { type: 'number', exclusiveMinimum: 0, description: 'design maximum quantity, tonnes' },
    Q: { type: 'number', exclusiveMinimum: 0, description: 'critical quantity, tonnes' },
    beta: { type: ['number', 'null'], exclusiveMinimum: 0, description: 'correction factor β; from the standard when omitted' },
  },
} as const

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'name', 'population500m', 'substances', 'reportedAt'],
  properties: {
    enterpriseId: idSchema,
    name: nameSchema,
    population500m: { type: 'integer', minimum: 0, description: 'residents within 500 m of the boundary, persons' },
    substances: { type: 'array', minItems: 1, maxItems: 200, items: substanceSchema },
    reportedR: { type: ['number', 'null'], minimum: 0, description: 'R as reported by the enterprise; a mismatch is flagged, not corrected' },
    reportedGrade: { type: ['integer', 'null'], minimum: 1, maximum: 4, description: 'grade as reported (1 一级 … 4 四级); a mismatch is flagged' },
    impactRadiusM: impactRadiusSchema,
    reportedAt: dateSchema,
    validUntil: optionalDateSchema,
    ...locationProperties,
  },
} as const

export type MajorHazardBody = ValidBody<typeof bodySchema>

const querySchema = listQuerySchema({ enterpriseId: idSchema, level: levelSchema, division: divisionFilterSchema })

const recordProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  name: { type: 'string' },
  population500m: { type: 'integer' },
  substances: {
    type: 'array',
    // selectColumns builds each with all its keys (json_build_object).
    items: sentObject({
      name: { type: 'string' },
      cas: { type: ['string', 'null'] },
      class: { type: ['string', 'null'] },
      q: { type: 'number' },
      Q: { type: 'number' },
      beta: { type: 'number', description: 'β used' },
    }),
  },
  S: { type: 'number', description: 'Σ q/Q' },
  R: { type: 'number', description: 'α · Σ β·q/Q' },
  alpha: { type: 'number' },
  grade: { type: 'integer', description: '1 一级 … 4 四级' },
  level: levelResponseSchema,
  reportedR: { type: ['number', 'null'] },
  reportedGrade: { type: ['integer', 'null'] },
  gradeMismatch: { type: ['string', 'null'], description: 'how the reported R or grade differs from the computed one' },
  impactRadiusM: { type: ['number', 'null'] },
  reportedAt: { type: 'string' },
  validUntil: { type: ['string', 'null'] },
  lon: { type: 'number' },
  lat: { type: 'number' },
  ...timestampsProperties,
} as const

/** A major hazard as `GET /api/major-hazards/:id` and the list send it: toRecord sets every property. */
export const majorHazardResponse = sentObject(recordProperties)

export type MajorHazardResponse = SchemaType<typeof majorHazardResponse>

export type MajorHazardRecord = ReturnType<typeof toRecord>

/** Grades the body and builds the rows to store; throws `invalid()` naming the field. */
async function prepare(trx: Knex.Transaction, body: MajorHazardBody, rules: RuleSet) {
  const graded = identifyAndGradeMajorHazard(
    {
      population500m: body.population500m,
      substances: body.substances.map((s) => ({
        name: s.name,
        cas: s.cas ?? undefined,
        class: s.class ?? undefined,
        q: s.q,
        Q: s.Q,
        beta: s.beta ?? undefined,
      })),
    },
    rules,
  )
  throwFirst(identificationIssues(graded, rules.majorHazard.identificationThreshold))
  throwFirst(dateOrderIssues('major_hazard', body))
  const { lon, lat } = await sourceLocation(trx, body)
  const hazard = {
    enterprise_id: body.enterpriseId,
    name: body.name.trim(),
    population_500m: body.population500m,
    reported_r: body.reportedR ?? null,
    reported_grade: body.reportedGrade ?? null,
    s: graded.S,
    r: graded.R,
    alpha: graded.alpha,
    grade: graded.grade,
    level: graded.level,
    // Flag, never pick: both figures stay, and the explanation of every cell it reaches says so.
    grade_mismatch: compareReportedGrade({ R: body.reportedR, grade: body.reportedGrade }, graded, rules),
    impact_radius_m: body.impactRadiusM ?? null,
    reported_at: body.reportedAt,
    valid_until: body.validUntil ?? null,
    rule_version: rules.version,
    geom: pointSql(trx, lon, lat),
  }
  const substances = body.substances.map((s, i) => ({
    name: s.name.trim(),
    cas: s.cas?.trim() || null,
    hazard_class: s.class ? canonicalHazardClass(s.class, rules) : null,
    q_t: s.q,
    critical_q_t: s.Q,
    beta: graded.betas[i]!,
  }))
  return { hazard, substances }
}

async function storeSubstances(trx: Knex.Transaction, id: number, substances: Array<Record<string, unknown>>): Promise<void> {
  await trx('major_hazard_substance').where({ major_hazard_id: id }).del()
  await trx('major_hazard_substance').insert(substances.map((s) => ({ ...s, major_hazard_id: id })))
}

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.select(
    'm.id',
    'm.enterprise_id',
    'm.name',
    'm.population_500m',
    'm.s',
    'm.r',
    'm.alpha',
    'm.grade',
    'm.level',
    'm.reported_r',
    'm.reported_grade',
    'm.grade_mismatch',
    'm.impact_radius_m',
    'm.rule_version',
    'm.created_at',
    'm.updated_at',
    dateColumn(db, 'm.reported_at', 'reported_at'),
    dateColumn(db, 'm.valid_until', 'valid_until'),
    db.raw('ST_X(m.geom) AS lon, ST_Y(m.geom) AS lat'),
    db.raw(`coalesce((SELECT json_agg(json_build_object('name', s.name, 'cas', s.cas, 'class', s.hazard_class,
              'q', s.q_t, 'Q', s.critical_q_t, 'beta', s.beta) ORDER BY s.id)
            FROM major_hazard_substance s WHERE s.major_hazard_id = m.id), '[]') AS substances`),
  )
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    name: r.name as string,
    population500m: r.population_500m as number,
    substances: r.substances as Array<{ name: string; cas: string | null; class: string | null; q: number; Q: number; beta: number }>,
    S: r.s as number,
    R: r.r as number,
    alpha: r.alpha as number,
    grade: r.grade as number,
    level: r.level as number,
    reportedR: r.reported_r as number | null,
    reportedGrade: r.reported_grade as number | null,
    gradeMismatch: r.grade_mismatch as string | null,
    impactRadiusM: r.impact_radius_m as number | null,
    reportedAt: r.reported_at as string,
    validUntil: r.valid_until as string | null,
    lon: r.lon as number,
    lat: r.lat as number,
    ...recordMeta(r),
  }
}

export const majorHazards: RecordSpec<typeof bodySchema, MajorHazardRecord, typeof querySchema> = {
  kind: 'major_hazard',
  label: 'major hazard installation',
  path: '/major-hazards',
  tag: 'major hazards',
  body: bodySchema,
  record: recordProperties,
  response: majorHazardResponse,
  query: querySchema,
  description:
    'GB 18218-2018: S = Σq/Q must reach 1 (else 400 naming `substances`); R = α·Σβq/Q gives the grade and level. ' +
    'A reported R or grade that differs from the computed one is stored and flagged in `gradeMismatch`, never silently chosen.',
  async insert(trx, body, grading) {
    const { hazard, substances } = await prepare(trx, body, grading.rules)
    const [row] = await trx('major_hazard').insert(hazard).returning('id')
    const id = Number((row as { id: string }).id)
    await storeSubstances(trx, id, substances)
    return id
  },
  async replace(trx, id, body, grading) {
    const { hazard, substances } = await prepare(trx, body, grading.rules)
    await trx('major_hazard')
      .where({ id })
      .update({ ...hazard, updated_at: trx.fn.now() })
    await storeSubstances(trx, id, substances)
  },
  async load(db, id) {
    const row = await selectColumns(db, db('major_hazard as m')).where('m.id', id).first()
    return row ? toRecord(row) : undefined
  },
  async list(db, query: ValidQuery<typeof querySchema> & ScopedListQuery) {
    const filtered = db('major_hazard as m')
    if (query.enterpriseId !== undefined) filtered.where('m.enterprise_id', query.enterpriseId)
    if (query.level !== undefined) filtered.where('m.level', query.level)
    whereEnterpriseIn(filtered, 'm.enterprise_id', query.division, query.scopeGridId)
    return { ...(await listPage(filtered, (q) => selectColumns(db, q), 'm.id', query, toRecord)), limit: query.limit, offset: query.offset }
  },
  scope: (record) => ({ enterpriseIds: [record.enterpriseId] }),
}
