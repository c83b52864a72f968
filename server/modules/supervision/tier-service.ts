/**
 * An enterprise's supervision (docs/domain.md §5, docs/domain.md Policy 二(一)(二)): the attributes its tier follows from, its
 * industry and specialist departments, its responsible person, and its tier — by rule, or by an explicit
 * assignment that the rule never overrides until it is removed. The rules are here; the SQL is in
 * tier-repository.ts, and the enterprise row is written through the enterprises module's store.
 */
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import { highHazardIndustry, type PartialTierInput, type SupervisionTier } from '../../domain/tier'
import { coverageGaps, explicitTierReason, jurisdictionPrefix, resolveTier } from '../../domain/supervision'
import type { RuleSet } from '../../domain/rules'
import { regradeIncremental, type GradingOptions } from '../../grading/engine'
import { lockGrading } from '../../grading/repository'
import { databaseToday, type Db } from '../../db/db'
import { recordAudit } from '../audit/audit'
import { setTier, updateSupervision, type SupervisionColumns } from '../enterprises'
import {
  allTierRows,
  departmentForCheck,
  loadSupervisionRow,
  lockSupervisionRow,
  lockTierRows,
  replaceSpecialistDepartments,
  specialistDepartmentsOf,
  type EnterpriseSupervisionRow,
  type TierRow,
} from './tier-repository'
import type { SupervisionBody } from './schemas'

/**
 * Outlets (经营网点) of city-tier high-hazard enterprises are delegated to the county (docs/domain.md Policy 二(一)
 * "可委托县级"). A deployment option of the rule; the demo generator and the importer assume it too.
 */
export const DELEGATE_OUTLETS_TO_COUNTY = true

/**
 * The tier rule's input for a stored enterprise: high-hazard is the flag or the industry; unknown
 * (null) when neither flagged nor the industry known. Unknown attributes stay null (see tierWithUnknowns).
 */
export function tierInput(
  row: Pick<EnterpriseSupervisionRow, 'affiliation' | 'scale' | 'high_hazard' | 'industry' | 'central_vertical' | 'is_outlet'>,
  rules: RuleSet,
): PartialTierInput {
  return {
    affiliation: row.affiliation,
    scale: row.scale,
    highHazard: row.high_hazard ? true : row.industry === null ? null : highHazardIndustry(row.industry, rules),
    centralVertical: row.central_vertical,
    isOutlet: row.is_outlet,
    delegateOutletsToCounty: DELEGATE_OUTLETS_TO_COUNTY,
  }
}

/** An enterprise's supervision as the API shows it; undefined when there is no such enterprise. */
export async function loadSupervision(db: Db, id: number, rules: RuleSet) {
  const row = await loadSupervisionRow(db, id)
  if (!row) return undefined
  const specialists = await specialistDepartmentsOf(db, id)
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

/** An enterprise's supervision; 404 when there is no such enterprise. */
export async function supervisionOf(db: Db, id: number, rules: RuleSet): Promise<SupervisionView> {
  const found = await loadSupervision(db, id, rules)
  if (!found) throw notFound('enterprise', id)
  return found
}

/** A department given for an enterprise must exist, be of the right kind and cover the enterprise's division. */
async function checkDepartment(
  trx: Knex.Transaction,
  field: string,
  departmentId: number,
  kind: 'industry' | 'specialist',
  enterprise: { division_code: string; industry: string | null },
): Promise<void> {
  const dept = await departmentForCheck(trx, departmentId)
  if (!dept) throw invalid(field, `no department with id ${departmentId}`)
  if (dept.kind !== kind)
    throw invalid(
      field,
      `department ${departmentId} (${dept.name}) is ${dept.kind === 'industry' ? 'an industry' : 'a specialist'} department, not ${kind === 'industry' ? 'an industry' : 'a specialist'} one`,
    )
  const prefix = jurisdictionPrefix(dept.division_code)
  if (!enterprise.division_code.startsWith(prefix)) {
    throw invalid(
      field,
      `department ${departmentId} (${dept.name}) covers division ${dept.division_code}, not the enterprise's division ${enterprise.division_code}`,
    )
  }
  const industries = dept.industries
  if (kind === 'industry' && industries.length > 0 && enterprise.industry !== null && !industries.includes(enterprise.industry)) {
    throw invalid(field, `department ${departmentId} (${dept.name}) supervises ${industries.join(', ')}, not ${enterprise.industry}`)
  }
}

/** Writes the tier the rule gives unless an explicit assignment stands; returns whether it changed. */
async function applyRuleTier(trx: Knex.Transaction, row: TierRow, rules: RuleSet): Promise<boolean> {
  const resolved = resolveTier(tierInput(row, rules), { tier: row.tier, source: row.tier_source, reason: row.tier_reason })
  if (!resolved.changed) return false
  await setTier(trx, row.id, resolved)
  return true
}

/**
 * Runs a change of one enterprise's supervision: lock, change, audit, in one transaction. Returns the
 * supervision after the change with what `apply` adds.
 */
async function changeSupervisionOf<T extends object>(
  db: Knex,
  id: number,
  action: string,
  username: string | null,
  rules: RuleSet,
  apply: (trx: Knex.Transaction, row: EnterpriseSupervisionRow) => Promise<T>,
  regrades = false,
): Promise<SupervisionView & T> {
  return db.transaction(async (trx) => {
    // A regrade takes the grading lock and then writes enterprise rows: take it before this row's lock, in that order.
    if (regrades) await lockGrading(trx)
    const row = await lockSupervisionRow(trx, id)
    const before = await supervisionOf(trx, id, rules)
    const extra = await apply(trx, row)
    const after = await supervisionOf(trx, id, rules)
    await recordAudit(trx, { action, entity: 'enterprise', entityId: id, before, after, username })
    return { ...after, ...extra }
  })
}

/** What a change of supervision attributes adds to the supervision: the regrade a change of highHazard ran. */
export interface SupervisionChange {
  regrade: { affectedCells: number; changedCells: number } | null
}

/**
 * Changes an enterprise's supervision attributes, departments or responsible person (only what the
 * body gives; specialistDepartmentIds replaces the list); the tier follows the rule unless explicitly
 * assigned, and a change of highHazard regrades the enterprise (its baseline level) at once.
 */
export function changeSupervision(db: Knex, id: number, body: SupervisionBody, username: string | null, grading: GradingOptions) {
  return changeSupervisionOf<SupervisionChange>(
    db,
    id,
    'supervision_updated',
    username,
    grading.rules,
    async (trx, row) => {
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
      const map: Array<[keyof SupervisionBody, keyof SupervisionColumns]> = [
        ['affiliation', 'affiliation'],
        ['scale', 'scale'],
        ['highHazard', 'high_hazard'],
        ['centralVertical', 'central_vertical'],
        ['isOutlet', 'is_outlet'],
        ['industryDepartmentId', 'industry_department_id'],
      ]
      for (const [key, column] of map) if (body[key] !== undefined) columns[column] = body[key]
      for (const [key, column] of [
        ['responsiblePerson', 'responsible_person'],
        ['responsiblePhone', 'responsible_phone'],
      ] as const) {
        const value = body[key]
        if (value !== undefined) columns[column] = value === null ? null : value.trim() || null
      }
      await updateSupervision(trx, row.id, columns as SupervisionColumns)
      if (body.specialistDepartmentIds !== undefined) await replaceSpecialistDepartments(trx, row.id, body.specialistDepartmentIds)
      await applyRuleTier(trx, (await loadSupervisionRow(trx, Number(row.id)))!, grading.rules)
      // The high-hazard flag sets the enterprise's baseline level (docs/domain.md §3.3): regrade its zone now.
      if (body.highHazard !== undefined && body.highHazard !== row.high_hazard) {
        const result = await regradeIncremental(
          trx,
          { enterpriseIds: [Number(row.id)] },
          { kind: 'enterprise', id: Number(row.id), action: 'supervision_updated' },
          grading,
        )
        return { regrade: { affectedCells: result.affectedCells, changedCells: result.changedCells } }
      }
      return { regrade: null }
    },
    body.highHazard !== undefined,
  )
}

/**
 * Assigns an enterprise's tier explicitly, overriding the rule until the assignment is removed: the
 * reason is recorded as "explicit: <reason> (by <who>, <date>)". 409 for a centrally supervised enterprise.
 */
export function assignTier(db: Knex, id: number, tier: SupervisionTier, reason: string, by: string, username: string | null, rules: RuleSet) {
  return changeSupervisionOf(db, id, 'tier_assigned', username, rules, async (trx, row) => {
    if (row.central_vertical) {
      const message = `enterprise ${row.id} is under central vertical supervision and has no local tier`
      throw conflict(message, [{ field: 'tier', message, current: 'central_vertical' }])
    }
    const today = await databaseToday(trx)
    await setTier(trx, row.id, { tier, source: 'explicit', reason: explicitTierReason(reason, by, today) })
    return {}
  })
}

/** Removes an explicit tier assignment: the tier follows the rule again. 409 when it already does. */
export function removeTierAssignment(db: Knex, id: number, username: string | null, rules: RuleSet) {
  return changeSupervisionOf(db, id, 'tier_assignment_removed', username, rules, async (trx, row) => {
    if (row.tier_source !== 'explicit') {
      const message = `enterprise ${row.id} has no explicit tier: its tier (${row.tier ?? 'none'}) already follows the rule`
      throw conflict(message, [{ field: 'tier', message, current: row.tier_source }])
    }
    // Resolved as if it followed the rule already: the explicit reason always differs, so this writes.
    await applyRuleTier(trx, { ...row, tier_source: 'rule' }, rules)
    return {}
  })
}

export interface RecomputeSummary {
  /** Enterprises whose tier follows the rule, all checked. */
  checked: number
  /** Of those, how many the rule moved. */
  changed: number
  /** Explicit assignments left as they are. */
  explicit: number
  changes: Array<{
    id: number
    before: { tier: SupervisionTier | null; reason: string | null }
    after: { tier: SupervisionTier | null; reason: string | null }
  }>
}

/**
 * Applies the tier rule to every enterprise whose tier follows it (explicit assignments are left
 * alone), auditing each change. Rows are read, then only those to change are locked (in id order)
 * and re-checked, so a recompute does not hold every enterprise row for its whole duration.
 */
export async function recomputeTiers(trx: Knex.Transaction, rules: RuleSet, username: string | null): Promise<RecomputeSummary> {
  // Many enterprise rows are locked below; a full regrade writes them all under the grading lock, so queue behind it.
  await lockGrading(trx)
  const rows = await allTierRows(trx)
  const stale = (r: TierRow) => resolveTier(tierInput(r, rules), { tier: r.tier, source: r.tier_source, reason: r.tier_reason })
  const candidates = rows
    .filter((r) => stale(r).changed)
    .map((r) => Number(r.id))
    .sort((a, b) => a - b)
  const summary: RecomputeSummary = {
    checked: rows.filter((r) => r.tier_source === 'rule').length,
    changed: 0,
    explicit: rows.filter((r) => r.tier_source === 'explicit').length,
    changes: [],
  }
  for (let i = 0; i < candidates.length; i += 500) {
    const locked = await lockTierRows(trx, candidates.slice(i, i + 500))
    for (const r of locked) {
      const resolved = stale(r)
      if (!resolved.changed) continue
      await setTier(trx, r.id, resolved)
      const before = { tier: r.tier, tierSource: r.tier_source, reason: r.tier_reason }
      const after = { tier: resolved.tier, tierSource: resolved.source, reason: resolved.reason }
      await recordAudit(trx, { action: 'tier_recomputed', entity: 'enterprise', entityId: Number(r.id), before, after, username })
      summary.changed += 1
      summary.changes.push({ id: Number(r.id), before: { tier: r.tier, reason: r.tier_reason }, after: { tier: resolved.tier, reason: resolved.reason } })
    }
  }
  return summary
}
