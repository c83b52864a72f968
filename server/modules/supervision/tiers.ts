/**
 * An enterprise's supervision (docs/domain.md §5, docs/domain.md Policy 二(一)(二)): the attributes its tier follows from, its
 * industry and specialist departments, its responsible person, and its tier — by rule, or by an explicit
 * assignment that the rule never overrides until it is removed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { readScope } from '../auth/access'
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, sentObject, type SchemaType } from '../../http/schemas'
import { AFFILIATIONS, highHazardIndustry, SCALES, TIERS, type Affiliation, type EnterpriseScale, type PartialTierInput, type SupervisionTier } from '../../domain/tier'
import { coverageGaps, explicitTierReason, jurisdictionPrefix, resolveTier, TIER_SOURCES, type TierSource } from '../../domain/supervision'
import type { RuleSet } from '../../domain/rules'
import { regradeIncremental } from '../../grading/engine'
import { lockGrading } from '../../grading/repository'
import { recordAudit } from '../audit/audit'
import { regradeSchema } from '../sources'
import { auditUser, sessionActor } from '../../http/actor'
import { idParams, idSchema } from '../../http/params'
import { databaseToday, lockRow, type Db } from '../../db/db'

/**
 * Outlets (经营网点) of city-tier high-hazard enterprises are delegated to the county (docs/domain.md Policy 二(一)
 * "可委托县级"). A deployment option of the rule; the demo generator and the importer assume it too.
 */
export const DELEGATE_OUTLETS_TO_COUNTY = true

export interface SupervisionBody {
  affiliation?: Affiliation
  scale?: EnterpriseScale
  highHazard?: boolean
  centralVertical?: boolean
  isOutlet?: boolean
  industryDepartmentId?: number | null
  specialistDepartmentIds?: number[]
  responsiblePerson?: string | null
  responsiblePhone?: string | null
}

interface EnterpriseSupervisionRow {
  id: string | number
  name: string
  division_code: string
  industry: string | null
  affiliation: Affiliation | null
  scale: EnterpriseScale | null
  high_hazard: boolean
  central_vertical: boolean
  is_outlet: boolean
  tier: SupervisionTier | null
  tier_source: TierSource
  tier_reason: string | null
  industry_department_id: number | null
  industry_department_name: string | null
  responsible_person: string | null
  responsible_phone: string | null
}

const supervisionBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    affiliation: { type: 'string', enum: ['central', 'province', 'city', 'county', 'township'], description: '隶属关系: level of government the enterprise belongs to' },
    scale: { type: 'string', enum: ['large', 'medium', 'small', 'micro'] },
    highHazard: { type: 'boolean', description: 'high-hazard by flag; a high-hazard industry is high-hazard regardless' },
    centralVertical: { type: 'boolean', description: 'under central vertical supervision: excluded from local tiers and from coverage' },
    isOutlet: { type: 'boolean', description: 'a business outlet (经营网点) of its enterprise' },
    industryDepartmentId: { type: ['integer', 'null'], minimum: 1, description: 'an industry department whose jurisdiction contains the enterprise' },
    specialistDepartmentIds: { type: 'array', uniqueItems: true, maxItems: 20, items: idSchema, description: 'replaces the specialist departments' },
    responsiblePerson: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'the named supervision officer responsible for the enterprise (监管责任人)' },
    responsiblePhone: { type: ['string', 'null'], minLength: 1, maxLength: 50 },
  },
} as const

const departmentRef = sentObject({ id: { type: 'integer' }, name: { type: 'string' }, specialty: { type: ['string', 'null'] } })

export const gapSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['industry_department', 'specialist_department', 'responsible_person', 'tier'] },
    specialty: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['kind', 'message'],
} as const

export const supervisionProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  divisionCode: { type: 'string' },
  industry: { type: ['string', 'null'], description: 'null: unknown (see the data-quality report)' },
  affiliation: { type: ['string', 'null'], enum: [...AFFILIATIONS, null] },
  scale: { type: ['string', 'null'], enum: [...SCALES, null] },
  highHazard: { type: 'boolean', description: 'the stored flag' },
  highHazardIndustry: { type: 'boolean', description: 'the industry is high-hazard under the rule set' },
  centralVertical: { type: 'boolean' },
  isOutlet: { type: 'boolean' },
  tier: { type: ['string', 'null'], enum: [...TIERS, null] },
  tierSource: { type: 'string', enum: TIER_SOURCES },
  tierReason: { type: ['string', 'null'] },
  ruleTier: { type: ['string', 'null'], enum: [...TIERS, null], description: 'what the rule alone gives (differs from tier only under an explicit assignment)' },
  ruleTierReason: { type: 'string' },
  industryDepartment: { anyOf: [{ type: 'null' }, departmentRef] },
  specialistDepartments: { type: 'array', items: departmentRef },
  responsiblePerson: { type: ['string', 'null'] },
  responsiblePhone: { type: ['string', 'null'] },
  gaps: { type: 'array', items: gapSchema, description: 'coverage (全覆盖) gaps; empty when covered or centrally supervised' },
} as const

/** `GET /api/enterprises/:id/supervision`: loadSupervision sets every property. */
export const enterpriseSupervisionResponse = sentObject(supervisionProperties)

export type EnterpriseSupervision = SchemaType<typeof enterpriseSupervisionResponse>

const staff = { access: 'staff' } as const
const planners = { access: ['planner'] } as const

/**
 * The tier rule's input for a stored enterprise: high-hazard is the flag or the industry; unknown
 * (null) when neither flagged nor the industry known. Unknown attributes stay null (see tierWithUnknowns).
 */
export function tierInput(row: Pick<EnterpriseSupervisionRow, 'affiliation' | 'scale' | 'high_hazard' | 'industry' | 'central_vertical' | 'is_outlet'>, rules: RuleSet): PartialTierInput {
  return {
    affiliation: row.affiliation,
    scale: row.scale,
    highHazard: row.high_hazard ? true : row.industry === null ? null : highHazardIndustry(row.industry, rules),
    centralVertical: row.central_vertical,
    isOutlet: row.is_outlet,
    delegateOutletsToCounty: DELEGATE_OUTLETS_TO_COUNTY,
  }
}

async function loadRow(db: Db, id: number): Promise<EnterpriseSupervisionRow | undefined> {
  return db('enterprise as e')
    .leftJoin('department as d', 'd.id', 'e.industry_department_id')
    .where('e.id', id)
    .first(
      'e.id', 'e.name', 'e.division_code', 'e.industry', 'e.affiliation', 'e.scale', 'e.high_hazard', 'e.central_vertical', 'e.is_outlet',
      'e.tier', 'e.tier_source', 'e.tier_reason', 'e.industry_department_id', 'd.name as industry_department_name', 'e.responsible_person',
      'e.responsible_phone',
    )
}

/** An enterprise's supervision as the API shows it; undefined when there is no such enterprise. */
export async function loadSupervision(db: Db, id: number, rules: RuleSet) {
  const row = await loadRow(db, id)
  if (!row) return undefined
  const specialists = (await db('enterprise_specialist_department as s')
    .join('department as d', 'd.id', 's.department_id')
    .where('s.enterprise_id', id)
    .orderBy('d.id')
    .select('d.id', 'd.name', 'd.specialty')) as Array<{ id: number; name: string; specialty: string | null }>
  const rule = resolveTier(tierInput(row, rules), { tier: row.tier, source: row.tier_source, reason: row.tier_reason }).rule
  return {
    id: Number(row.id),
    name: row.name,
    divisionCode: row.division_code,
    industry: row.industry,
    affiliation: row.affiliation,
    scale: row.scale,
    highHazard: row.high_hazard,
    highHazardIndustry: row.industry !== null && highHazardIndustry(row.industry, rules),
    centralVertical: row.central_vertical,
    isOutlet: row.is_outlet,
    tier: row.tier,
    tierSource: row.tier_source,
    tierReason: row.tier_reason,
    ruleTier: rule.tier,
    ruleTierReason: rule.reason,
    industryDepartment: row.industry_department_id === null ? null : { id: row.industry_department_id, name: row.industry_department_name!, specialty: null },
    specialistDepartments: specialists.map((d) => ({ id: d.id, name: d.name, specialty: d.specialty })),
    responsiblePerson: row.responsible_person,
    responsiblePhone: row.responsible_phone,
    gaps: coverageGaps({
      industry: row.industry,
      centralVertical: row.central_vertical,
      industryDepartmentId: row.industry_department_id,
      specialistDepartments: specialists,
      responsiblePerson: row.responsible_person,
      tier: row.tier,
      tierReason: row.tier_reason,
    }),
  }
}

export type SupervisionView = NonNullable<Awaited<ReturnType<typeof loadSupervision>>>

/** Locks the enterprise row for the rest of the transaction; 404 when there is none. */
async function lockEnterprise(trx: Knex.Transaction, id: number): Promise<EnterpriseSupervisionRow> {
  await lockRow(trx, 'enterprise', id)
  return (await loadRow(trx, id))!
}

/** A department given for an enterprise must exist, be of the right kind and cover the enterprise's division. */
async function checkDepartment(trx: Knex.Transaction, field: string, departmentId: number, kind: 'industry' | 'specialist', enterprise: { division_code: string; industry: string | null }): Promise<void> {
  const dept = await trx('department').where({ id: departmentId }).first('id', 'name', 'kind', 'division_code', 'industries')
  if (!dept) throw invalid(field, `no department with id ${departmentId}`)
  if (dept.kind !== kind) throw invalid(field, `department ${departmentId} (${dept.name}) is ${dept.kind === 'industry' ? 'an industry' : 'a specialist'} department, not ${kind === 'industry' ? 'an industry' : 'a specialist'} one`)
  const prefix = jurisdictionPrefix(dept.division_code as string)
  if (!enterprise.division_code.startsWith(prefix)) {
    throw invalid(field, `department ${departmentId} (${dept.name}) covers division ${dept.division_code}, not the enterprise's division ${enterprise.division_code}`)
  }
  const industries = dept.industries as string[]
  if (kind === 'industry' && industries.length > 0 && enterprise.industry !== null && !industries.includes(enterprise.industry)) {
    throw invalid(field, `department ${departmentId} (${dept.name}) supervises ${industries.join(', ')}, not ${enterprise.industry}`)
  }
}

/** Writes the tier the rule gives unless an explicit assignment stands; returns whether it changed. */
async function applyRuleTier(trx: Knex.Transaction, row: EnterpriseSupervisionRow, rules: RuleSet): Promise<boolean> {
  const resolved = resolveTier(tierInput(row, rules), { tier: row.tier, source: row.tier_source, reason: row.tier_reason })
  if (!resolved.changed) return false
  await trx('enterprise').where({ id: row.id }).update({ tier: resolved.tier, tier_source: resolved.source, tier_reason: resolved.reason, updated_at: trx.fn.now() })
  return true
}

export interface RecomputeSummary {
  /** Enterprises whose tier follows the rule, all checked. */
  checked: number
  /** Of those, how many the rule moved. */
  changed: number
  /** Explicit assignments left as they are. */
  explicit: number
  changes: Array<{ id: number; before: { tier: string | null; reason: string | null }; after: { tier: string | null; reason: string | null } }>
}

/**
 * Applies the tier rule to every enterprise whose tier follows it (explicit assignments are left
 * alone), auditing each change. Rows are read, then only those to change are locked (in id order)
 * and re-checked, so a recompute does not hold every enterprise row for its whole duration.
 */
export async function recomputeTiers(trx: Knex.Transaction, rules: RuleSet, username: string | null): Promise<RecomputeSummary> {
  // Many enterprise rows are locked below; a full regrade writes them all under the grading lock, so queue behind it.
  await lockGrading(trx)
  const columns = ['id', 'industry', 'affiliation', 'scale', 'high_hazard', 'central_vertical', 'is_outlet', 'tier', 'tier_source', 'tier_reason'] as const
  type Row = Pick<EnterpriseSupervisionRow, (typeof columns)[number]>
  const rows = (await trx('enterprise').select(columns)) as Row[]
  const stale = (r: Row) => resolveTier(tierInput(r, rules), { tier: r.tier, source: r.tier_source, reason: r.tier_reason })
  const candidates = rows.filter((r) => stale(r).changed).map((r) => Number(r.id)).sort((a, b) => a - b)
  const summary: RecomputeSummary = { checked: rows.filter((r) => r.tier_source === 'rule').length, changed: 0, explicit: rows.filter((r) => r.tier_source === 'explicit').length, changes: [] }
  for (let i = 0; i < candidates.length; i += 500) {
    const locked = (await trx('enterprise').whereIn('id', candidates.slice(i, i + 500)).orderBy('id').forUpdate().select(columns)) as Row[]
    for (const r of locked) {
      const resolved = stale(r)
      if (!resolved.changed) continue
      await trx('enterprise').where({ id: r.id }).update({ tier: resolved.tier, tier_source: resolved.source, tier_reason: resolved.reason, updated_at: trx.fn.now() })
      const before = { tier: r.tier, tierSource: r.tier_source, reason: r.tier_reason }
      const after = { tier: resolved.tier, tierSource: resolved.source, reason: resolved.reason }
      await recordAudit(trx, { action: 'tier_recomputed', entity: 'enterprise', entityId: Number(r.id), before, after, username })
      summary.changed += 1
      summary.changes.push({ id: Number(r.id), before: { tier: r.tier, reason: r.tier_reason }, after: { tier: resolved.tier, reason: resolved.reason } })
    }
  }
  return summary
}

/** Routes of an enterprise's supervision and the tier recompute (mounted under /api). */
export async function tierRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['supervision']
  const view = { type: 'object', properties: supervisionProperties } as const
  const load = async (db: Db, id: number) => {
    const found = await loadSupervision(db, id, app.grading.rules)
    if (!found) throw notFound('enterprise', id)
    return found
  }
  /** Runs a change of one enterprise's supervision: lock, change, audit, in one transaction. */
  const change = (request: FastifyRequest, id: number, action: string, apply: (trx: Knex.Transaction, row: EnterpriseSupervisionRow) => Promise<object | void>, regrades = false) =>
    app.db.transaction(async (trx) => {
      // A regrade takes the grading lock and then writes enterprise rows: take it before this row's lock, in that order.
      if (regrades) await lockGrading(trx)
      const row = await lockEnterprise(trx, id)
      const before = await load(trx, id)
      const extra = (await apply(trx, row)) ?? {}
      const after = await load(trx, id)
      await recordAudit(trx, { action, entity: 'enterprise', entityId: id, before, after, username: auditUser(request) })
      return { ...after, ...extra }
    })

  app.get<{ Params: { id: number } }>(
    '/enterprises/:id/supervision',
    { config: { ...staff, scope: { enterprise: 'params.id' } }, schema: { tags, summary: "An enterprise's supervision: tier, departments, responsible person and coverage gaps", params: idParams, response: { 200: enterpriseSupervisionResponse, ...errorResponses } } },
    async (request) => {
      const view = await load(app.db, request.params.id)
      // Contact data only for readers whose scope has it (auth/access readScope).
      return readScope(request.user).contacts ? view : { ...view, responsiblePerson: null, responsiblePhone: null }
    },
  )

  app.put<{ Params: { id: number }; Body: SupervisionBody }>(
    '/enterprises/:id/supervision',
    {
      config: planners,
      schema: {
        tags,
        summary: "Change an enterprise's supervision attributes, departments or responsible person; the tier follows the rule unless explicitly assigned",
        description: 'Only the given properties change; specialistDepartmentIds replaces the list. A change of highHazard regrades the enterprise (its baseline level) at once.',
        params: idParams,
        body: supervisionBody,
        response: { 200: { type: 'object', properties: { ...supervisionProperties, regrade: { anyOf: [{ type: 'null' }, regradeSchema] } } }, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body
      return change(request, request.params.id, 'supervision_updated', async (trx, row) => {
        if (body.industryDepartmentId !== undefined && body.industryDepartmentId !== null) {
          await checkDepartment(trx, 'industryDepartmentId', body.industryDepartmentId, 'industry', row)
        }
        for (const [i, deptId] of (body.specialistDepartmentIds ?? []).entries()) {
          await checkDepartment(trx, `specialistDepartmentIds[${i}]`, deptId, 'specialist', row)
        }
        if (body.centralVertical === true && !row.central_vertical && row.tier_source === 'explicit') {
          const message = `enterprise ${row.id} has an explicit ${row.tier} tier; remove it (DELETE /api/enterprises/${row.id}/tier) before marking the enterprise as centrally supervised`
          throw conflict(message, [{ field: 'centralVertical', message, current: 'explicit' }])
        }
        const columns: Record<string, unknown> = {}
        const map: Array<[keyof SupervisionBody, string]> = [
          ['affiliation', 'affiliation'], ['scale', 'scale'], ['highHazard', 'high_hazard'], ['centralVertical', 'central_vertical'],
          ['isOutlet', 'is_outlet'], ['industryDepartmentId', 'industry_department_id'],
        ]
        for (const [key, column] of map) if (body[key] !== undefined) columns[column] = body[key]
        for (const [key, column] of [['responsiblePerson', 'responsible_person'], ['responsiblePhone', 'responsible_phone']] as const) {
          const value = body[key]
          if (value !== undefined) columns[column] = value === null ? null : value.trim() || null
        }
        if (Object.keys(columns).length > 0) await trx('enterprise').where({ id: row.id }).update({ ...columns, updated_at: trx.fn.now() })
        if (body.specialistDepartmentIds !== undefined) {
          await trx('enterprise_specialist_department').where({ enterprise_id: row.id }).del()
          if (body.specialistDepartmentIds.length > 0) {
            await trx('enterprise_specialist_department').insert(body.specialistDepartmentIds.map((department_id) => ({ enterprise_id: row.id, department_id })))
          }
        }
        await applyRuleTier(trx, (await loadRow(trx, Number(row.id)))!, app.grading.rules)
        // The high-hazard flag sets the enterprise's baseline level (docs/domain.md §3.3): regrade its zone now.
        if (body.highHazard !== undefined && body.highHazard !== row.high_hazard) {
          const result = await regradeIncremental(trx, { enterpriseIds: [Number(row.id)] }, { kind: 'enterprise', id: Number(row.id), action: 'supervision_updated' }, app.grading)
          return { regrade: { affectedCells: result.affectedCells, changedCells: result.changedCells } }
        }
        return { regrade: null }
      }, body.highHazard !== undefined)
    },
  )

  app.put<{ Params: { id: number }; Body: { tier: SupervisionTier; reason: string } }>(
    '/enterprises/:id/tier',
    {
      config: planners,
      schema: {
        tags,
        summary: "Assign an enterprise's tier explicitly, overriding the rule until the assignment is removed",
        description: 'Recorded as tier_source "explicit" with the reason "explicit: <reason> (by <who>, <date>)", <who> being the signed-in account. 409 for a centrally supervised enterprise.',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['tier', 'reason'],
          properties: { tier: { type: 'string', enum: TIERS }, reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: { 200: view, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { tier, reason } = request.body
      const by = sessionActor(request).name
      return change(request, request.params.id, 'tier_assigned', async (trx, row) => {
        if (row.central_vertical) {
          const message = `enterprise ${row.id} is under central vertical supervision and has no local tier`
          throw conflict(message, [{ field: 'tier', message, current: 'central_vertical' }])
        }
        const today = await databaseToday(trx)
        await trx('enterprise').where({ id: row.id }).update({ tier, tier_source: 'explicit', tier_reason: explicitTierReason(reason, by, today), updated_at: trx.fn.now() })
      })
    },
  )

  app.delete<{ Params: { id: number } }>(
    '/enterprises/:id/tier',
    {
      config: planners,
      schema: {
        tags,
        summary: "Remove an explicit tier assignment: the enterprise's tier follows the rule again",
        description: '409 when the tier already follows the rule.',
        params: idParams,
        response: { 200: view, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      return change(request, request.params.id, 'tier_assignment_removed', async (trx, row) => {
        if (row.tier_source !== 'explicit') {
          const message = `enterprise ${row.id} has no explicit tier: its tier (${row.tier ?? 'none'}) already follows the rule`
          throw conflict(message, [{ field: 'tier', message, current: row.tier_source }])
        }
        // Resolved as if it followed the rule already: the explicit reason always differs, so this writes.
        await applyRuleTier(trx, { ...row, tier_source: 'rule' }, app.grading.rules)
      })
    },
  )

  app.post(
    '/supervision/tiers/recompute',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Apply the tier rule to every enterprise whose tier follows it (explicit assignments are kept)',
        description: 'Run after a change of the rule or of many enterprises (e.g. an import). Each change is audited (action tier_recomputed).',
        response: {
          200: {
            type: 'object',
            properties: {
              checked: { type: 'integer' },
              changed: { type: 'integer' },
              explicit: { type: 'integer' },
              changes: {
                type: 'array',
                description: 'the first 1000 changes',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    before: { type: 'object', properties: { tier: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] } } },
                    after: { type: 'object', properties: { tier: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] } } },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const summary = await app.db.transaction((trx) => recomputeTiers(trx, app.grading.rules, auditUser(request)))
      return { ...summary, changes: summary.changes.slice(0, 1000) }
    },
  )
}
