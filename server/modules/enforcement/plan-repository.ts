/**
 * SQL of double-random inspection plans (the inspection_plan table, this module's): their reads,
 * who may read which, the inputs of a draw, the insert and publishing, and the stored draw of a plan
 * (in its creation audit row). The planned inspections themselves are in repository.ts.
 */
import type { Knex } from 'knex'
import { isoTime, userId, type Db } from '../../db/db'
import { INSPECTION_RESULTS, type CreditStatus, type PlanStatus, type SeedSource } from '../../domain/enforcement'
import type { Level } from '../../domain/levels'
import { readScope, type SessionUser } from '../auth/access'
import type { Plan } from './schemas'

/** An inspection_plan row as selectPlans reads it, with its department's name and the counts of its inspections. */
interface PlanRow {
  id: number
  department_id: number
  department_name: string
  division_prefix: string
  seed: string
  rule_version: string
  published_at: Date | null
  results_published_at: Date | null
  created_by: string
  created_at: Date
  created_by_user_id: number | null
  published_by_user_id: number | null
  seed_source: SeedSource
  period_start: string
  period_end: string
  counts: Plan['counts']
}

function selectPlans(db: Db): Knex.QueryBuilder {
  return db('inspection_plan as p')
    .join('department as d', 'd.id', 'p.department_id')
    .select(
      'p.id',
      'p.department_id',
      'd.name as department_name',
      'p.division_prefix',
      'p.seed',
      'p.rule_version',
      'p.published_at',
      'p.results_published_at',
      'p.created_by',
      'p.created_at',
      'p.created_by_user_id',
      'p.published_by_user_id',
      'p.seed_source',
      db.raw("to_char(p.period_start, 'YYYY-MM-DD') AS period_start"),
      db.raw("to_char(p.period_end, 'YYYY-MM-DD') AS period_end"),
      db.raw(
        `(SELECT json_build_object(
                 'enterprises', count(DISTINCT i.enterprise_id), 'inspections', count(*), 'recorded', count(i.inspected_at),
                 'pending', count(*) - count(i.inspected_at),
                 'byResult', json_build_object(${INSPECTION_RESULTS.map(() => '?::text, count(*) FILTER (WHERE i.result = ?)').join(', ')}))
               FROM inspection i WHERE i.plan_id = p.id) AS counts`,
        INSPECTION_RESULTS.flatMap((r) => [r, r]),
      ),
    )
}

function toPlan(r: PlanRow): Plan {
  const publishedAt = isoTime(r.published_at)
  const resultsPublishedAt = isoTime(r.results_published_at)
  const status: PlanStatus = resultsPublishedAt ? 'results_published' : publishedAt ? 'published' : 'draft'
  return {
    id: Number(r.id),
    departmentId: Number(r.department_id),
    departmentName: r.department_name,
    divisionPrefix: r.division_prefix,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    seed: r.seed,
    ruleVersion: r.rule_version,
    status,
    publishedAt,
    resultsPublishedAt,
    createdBy: r.created_by,
    createdByUserId: userId(r.created_by_user_id),
    publishedByUserId: userId(r.published_by_user_id),
    seedSource: r.seed_source,
    createdAt: isoTime(r.created_at)!,
    counts: r.counts,
  }
}

/** A plan, or undefined when there is none. */
export async function findPlan(db: Db, id: number): Promise<Plan | undefined> {
  const row: PlanRow | undefined = await selectPlans(db).where('p.id', id).first()
  return row ? toPlan(row) : undefined
}

/**
 * The plans a user may read, as a condition on `inspection_plan p`: an inspector those of their own
 * department drawn within their jurisdiction (auth/access readScope); everyone else allowed in, all.
 */
export function wherePlanReadable(query: Knex.QueryBuilder, user: SessionUser | null): Knex.QueryBuilder {
  if (user?.role !== 'inspector') return query
  return query.where('p.department_id', user.departmentId ?? 0).whereLike('p.division_prefix', `${readScope(user).divisionPrefix ?? ''}%`)
}

/** A plan's department and division prefix and whether `user` may read it; undefined when there is no such plan. */
export async function planReadability(
  db: Db,
  user: SessionUser | null,
  id: number,
): Promise<{ departmentId: number; divisionPrefix: string; readable: boolean } | undefined> {
  const plan: { id: number; department_id: number; division_prefix: string } | undefined = await db('inspection_plan as p')
    .where('p.id', id)
    .first('p.id', 'p.department_id', 'p.division_prefix')
  if (!plan) return undefined
  const readable = (await wherePlanReadable(db('inspection_plan as p').where('p.id', id), user).first('p.id')) !== undefined
  return { departmentId: Number(plan.department_id), divisionPrefix: plan.division_prefix, readable }
}

/** What the plan list filters by. */
export interface PlanFilter {
  departmentId?: number
  status?: PlanStatus
  limit: number
  offset: number
}

/** A page of the plans `user` may read, newest first, and how many there are. */
export async function listPlans(db: Db, user: SessionUser | null, q: PlanFilter): Promise<{ total: number; items: Plan[] }> {
  const filtered = wherePlanReadable(db('inspection_plan as p'), user)
  if (q.departmentId !== undefined) filtered.where('p.department_id', q.departmentId)
  if (q.status === 'draft') filtered.whereNull('p.published_at')
  if (q.status === 'published') filtered.whereNotNull('p.published_at').whereNull('p.results_published_at')
  if (q.status === 'results_published') filtered.whereNotNull('p.results_published_at')
  const [{ count }] = await filtered.clone().count<{ count: string }[]>('* as count')
  const ids: number[] = await filtered.clone().orderBy('p.id', 'desc').limit(q.limit).offset(q.offset).pluck('p.id')
  const rows: PlanRow[] = ids.length === 0 ? [] : await selectPlans(db).whereIn('p.id', ids).orderBy('p.id', 'desc')
  return { total: Number(count), items: rows.map(toPlan) }
}

/** A plan's department, or undefined when there is no such plan (what an inspection under it checks). */
export async function planDepartment(db: Db, id: number): Promise<{ id: number; departmentId: number } | undefined> {
  const plan: { id: number; department_id: number } | undefined = await db('inspection_plan').where({ id }).first('id', 'department_id')
  return plan ? { id: Number(plan.id), departmentId: Number(plan.department_id) } : undefined
}

/** A department a plan is drawn for, or undefined when there is none. */
export async function planningDepartment(db: Db, id: number): Promise<{ id: number; name: string; divisionCode: string } | undefined> {
  const row: { id: number; name: string; division_code: string } | undefined = await db('department').where({ id }).first('id', 'name', 'division_code')
  return row ? { id: Number(row.id), name: row.name, divisionCode: row.division_code } : undefined
}

/** Takes the department's draw lock for the rest of the transaction: one draw per department at a time. */
export async function lockDepartmentDraws(trx: Knex.Transaction, departmentId: number): Promise<void> {
  await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`riskmap.inspection_plan.${departmentId}`])
}

/**
 * The enterprises a department supervises under a division prefix (as industry or specialist
 * department; not centrally supervised ones), by id: what a draw samples.
 */
export async function drawCandidates(
  trx: Knex.Transaction,
  departmentId: number,
  divisionPrefix: string,
): Promise<Array<{ id: number; level: Level; creditStatus: CreditStatus }>> {
  const rows: Array<{ id: string | number; level: Level; credit_status: CreditStatus }> = await trx('enterprise as e')
    .where('e.central_vertical', false)
    .whereLike('e.division_code', `${divisionPrefix}%`)
    .where((w) =>
      w
        .where('e.industry_department_id', departmentId)
        .orWhereExists((x) =>
          x.select(trx.raw('1')).from('enterprise_specialist_department as s').whereRaw('s.enterprise_id = e.id').where('s.department_id', departmentId),
        ),
    )
    .orderBy('e.id')
    .select('e.id', 'e.level', 'e.credit_status')
  return rows.map((e) => ({ id: Number(e.id), level: e.level, creditStatus: e.credit_status }))
}

/** A department's active inspectors, by id. */
export async function activeRoster(trx: Knex.Transaction, departmentId: number): Promise<number[]> {
  const ids: Array<string | number> = await trx('inspector').where({ department_id: departmentId, active: true }).orderBy('id').pluck('id')
  return ids.map(Number)
}

/** Whether a recorded plan has this seed. */
export async function seedRecorded(trx: Knex.Transaction, seed: string): Promise<boolean> {
  return (await trx('inspection_plan').where({ seed }).first('id')) !== undefined
}

/** What a new plan stores. */
export interface NewPlan {
  departmentId: number
  divisionPrefix: string
  periodStart: string
  periodEnd: string
  seed: string
  ruleVersion: string
  createdBy: string
  createdByUserId: number
  seedSource: SeedSource
}

/** Inserts a plan (a draft); its id. */
export async function insertPlan(trx: Knex.Transaction, p: NewPlan): Promise<number> {
  const [row]: Array<{ id: number }> = await trx('inspection_plan')
    .insert({
      department_id: p.departmentId,
      division_prefix: p.divisionPrefix,
      period_start: p.periodStart,
      period_end: p.periodEnd,
      seed: p.seed,
      rule_version: p.ruleVersion,
      created_by: p.createdBy,
      created_by_user_id: p.createdByUserId,
      seed_source: p.seedSource,
    })
    .returning('id')
  return Number(row!.id)
}

/** Marks a plan published now, by an account. */
export async function setPlanPublished(trx: Knex.Transaction, id: number, byUserId: number): Promise<void> {
  await trx('inspection_plan').where({ id }).update({ published_at: trx.fn.now(), published_by_user_id: byUserId })
}

/** Marks a plan's results published now. */
export async function setPlanResultsPublished(trx: Knex.Transaction, id: number): Promise<void> {
  await trx('inspection_plan').where({ id }).update({ results_published_at: trx.fn.now() })
}

/** The `after` of a plan's creation audit row (where its draw inputs are stored), or undefined when it has none. */
export async function planCreationRecord(db: Db, id: number): Promise<unknown> {
  const audit: { after: unknown } | undefined = await db('audit_log')
    .where({ entity: 'inspection_plan', entity_id: String(id), action: 'created' })
    .orderBy('id')
    .first('after')
  return audit?.after
}
