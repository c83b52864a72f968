/**
 * SQL of inspections (inspection and inspection_inspector, this module's tables): every write of
 * their rows — an inspection recorded, a planned one's result, a plan's draw, a report's inspection
 * task (through index.ts, for the reports module) — and the reads of them; and the reads behind the
 * overdue list and an enterprise's enforcement history.
 */
import type { Knex } from 'knex'
import { whereEnterpriseIn, type ScopedListQuery } from '../auth/jurisdiction'
import { isoTime, listPage, type Db } from '../../db/db'
import type { CreditStatus, InspectionResult, InspectionStatus, OverdueKind } from '../../domain/enforcement'
import type { Level } from '../../domain/levels'
import type { InspectionListQuery, InspectionRecord, PlanInspection } from './schemas'

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.join('enterprise as e', 'e.id', 'i.enterprise_id').select(
    'i.id',
    'i.enterprise_id',
    'e.name as enterprise_name',
    'i.plan_id',
    'i.findings',
    'i.result',
    'i.created_at',
    db.raw("to_char(i.planned_for, 'YYYY-MM-DD') AS planned_for"),
    db.raw("to_char(i.inspected_at, 'YYYY-MM-DD') AS inspected_at"),
    db.raw(`coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'badgeNo', p.badge_no, 'departmentId', p.department_id) ORDER BY p.id)
                FROM inspection_inspector ii JOIN inspector p ON p.id = ii.inspector_id WHERE ii.inspection_id = i.id), '[]'::json) AS inspectors`),
    db.raw('(SELECT count(*)::int FROM violation v WHERE v.inspection_id = i.id) AS violations'),
    db.raw('(SELECT count(*)::int FROM hidden_danger h WHERE h.inspection_id = i.id) AS hidden_dangers'),
  )
}

/** An inspection row as selectColumns reads it (bigint ids arrive as text). */
interface InspectionRow {
  id: string | number
  enterprise_id: string | number
  enterprise_name: string
  plan_id: number | null
  findings: string | null
  result: InspectionResult | null
  created_at: Date
  planned_for: string | null
  inspected_at: string | null
  inspectors: InspectionRecord['inspectors']
  violations: number
  hidden_dangers: number
}

function toRecord(r: InspectionRow): InspectionRecord {
  const status: InspectionStatus = r.inspected_at === null ? 'planned' : 'recorded'
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    enterpriseName: r.enterprise_name,
    planId: r.plan_id === null ? null : Number(r.plan_id),
    plannedFor: r.planned_for,
    inspectedAt: r.inspected_at,
    status,
    findings: r.findings,
    result: r.result,
    inspectors: r.inspectors,
    violations: Number(r.violations),
    hiddenDangers: Number(r.hidden_dangers),
    createdAt: isoTime(r.created_at)!,
  }
}

export async function loadInspection(db: Db, id: number): Promise<InspectionRecord | undefined> {
  const row: InspectionRow | undefined = await selectColumns(db, db('inspection as i')).where('i.id', id).first()
  return row ? toRecord(row) : undefined
}

const LATEST_FIRST = 'coalesce(i.inspected_at, i.planned_for) DESC NULLS LAST, i.id DESC'

/** Inspections of an enterprise, latest (performed or planned) first, for the enforcement history. */
export async function inspectionsOf(db: Db, enterpriseId: number, limit: number): Promise<InspectionRecord[]> {
  const rows: InspectionRow[] = await selectColumns(db, db('inspection as i')).where('i.enterprise_id', enterpriseId).orderByRaw(LATEST_FIRST).limit(limit)
  return rows.map(toRecord)
}

/** A page of inspections, latest first, and how many match; `scopeGridId` is a grid worker's grid (auth/jurisdiction ScopedListQuery). */
export async function listInspections(db: Db, q: InspectionListQuery & ScopedListQuery): Promise<{ total: number; items: InspectionRecord[] }> {
  const filtered = db('inspection as i')
  if (q.enterpriseId !== undefined) filtered.where('i.enterprise_id', q.enterpriseId)
  whereEnterpriseIn(filtered, 'i.enterprise_id', q.division, q.scopeGridId)
  if (q.planId !== undefined) filtered.where('i.plan_id', q.planId)
  if (q.status === 'planned') filtered.whereNull('i.inspected_at')
  if (q.status === 'recorded') filtered.whereNotNull('i.inspected_at')
  return listPage(filtered, (b) => selectColumns(db, b), db.raw(LATEST_FIRST), q, toRecord)
}

/** An inspection's enterprise, or undefined when there is no such inspection. */
export async function inspectionEnterprise(db: Db, id: number): Promise<number | undefined> {
  const row: { enterprise_id: string | number } | undefined = await db('inspection').where({ id }).first('enterprise_id')
  return row ? Number(row.enterprise_id) : undefined
}

/** What a performed inspection stores. */
export interface InspectionOutcomeColumns {
  inspectedAt: string
  findings: string | null
  result: InspectionResult
}

/** Inserts a performed inspection with its inspectors; its id. */
export async function insertInspection(
  trx: Knex.Transaction,
  inspection: InspectionOutcomeColumns & { enterpriseId: number; planId: number | null; inspectorIds: readonly number[] },
): Promise<number> {
  const [row]: Array<{ id: string | number }> = await trx('inspection')
    .insert({
      enterprise_id: inspection.enterpriseId,
      plan_id: inspection.planId,
      inspected_at: inspection.inspectedAt,
      findings: inspection.findings,
      result: inspection.result,
    })
    .returning('id')
  const id = Number(row!.id)
  await trx('inspection_inspector').insert(inspection.inspectorIds.map((inspector_id) => ({ inspection_id: id, inspector_id })))
  return id
}

/** Records the outcome of a planned inspection. */
export async function recordInspectionOutcome(trx: Knex.Transaction, id: number, outcome: InspectionOutcomeColumns): Promise<void> {
  await trx('inspection').where({ id }).update({ inspected_at: outcome.inspectedAt, findings: outcome.findings, result: outcome.result })
}

/**
 * A planned inspection of an enterprise without a plan or inspectors (the department assigns them),
 * e.g. a report turned into an inspection task; returns its id.
 */
export async function insertPlannedInspection(trx: Knex.Transaction, enterpriseId: number, plannedFor: string): Promise<number> {
  const [row]: Array<{ id: string | number }> = await trx('inspection').insert({ enterprise_id: enterpriseId, planned_for: plannedFor }).returning('id')
  return Number(row!.id)
}

/** Inserts a plan's drawn inspections with their inspectors. */
export async function insertPlanInspections(
  trx: Knex.Transaction,
  planId: number,
  draws: ReadonlyArray<{ enterpriseId: number; plannedFor: string; inspectorIds: readonly number[] }>,
): Promise<void> {
  // Ids are taken first so each planned inspection's inspectors can be inserted with it in two statements.
  const { rows: ids } = await trx.raw<{ rows: Array<{ id: string }> }>(
    "SELECT nextval(pg_get_serial_sequence('inspection', 'id')) AS id FROM generate_series(1, ?)",
    [draws.length],
  )
  const withIds = draws.map((d, k) => ({ ...d, id: Number(ids[k]!.id) }))
  for (let i = 0; i < withIds.length; i += 1000) {
    const chunk = withIds.slice(i, i + 1000)
    await trx('inspection').insert(chunk.map((d) => ({ id: d.id, enterprise_id: d.enterpriseId, plan_id: planId, planned_for: d.plannedFor })))
    await trx('inspection_inspector').insert(chunk.flatMap((d) => d.inspectorIds.map((inspector_id) => ({ inspection_id: d.id, inspector_id }))))
  }
}

/** The planned inspections of a plan, by planned day then enterprise. */
export async function planInspections(db: Db, planId: number): Promise<PlanInspection[]> {
  const rows: Array<{
    id: string | number
    enterprise_id: string | number
    enterprise_name: string
    division_code: string
    result: InspectionResult | null
    planned_for: string | null
    inspected_at: string | null
    inspectors: PlanInspection['inspectors']
  }> = await db('inspection as i')
    .join('enterprise as e', 'e.id', 'i.enterprise_id')
    .where('i.plan_id', planId)
    .orderBy('i.planned_for')
    .orderBy('i.enterprise_id')
    .orderBy('i.id')
    .select(
      'i.id',
      'i.enterprise_id',
      'e.name as enterprise_name',
      'e.division_code',
      'i.result',
      db.raw("to_char(i.planned_for, 'YYYY-MM-DD') AS planned_for"),
      db.raw("to_char(i.inspected_at, 'YYYY-MM-DD') AS inspected_at"),
      db.raw(`coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name) ORDER BY p.id)
                FROM inspection_inspector ii JOIN inspector p ON p.id = ii.inspector_id WHERE ii.inspection_id = i.id), '[]'::json) AS inspectors`),
    )
  return rows.map((r) => ({
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    enterpriseName: r.enterprise_name,
    divisionCode: r.division_code,
    plannedFor: r.planned_for,
    inspectedAt: r.inspected_at,
    result: r.result,
    inspectors: r.inspectors,
  }))
}

/**
 * The previous inspection (performed or planned) of each of these enterprises and its inspectors,
 * by enterprise id: what a draw keeps from assigning the same inspector twice running.
 */
export async function lastInspectorsOf(trx: Knex.Transaction, enterpriseIds: readonly number[]): Promise<Map<number, number[]>> {
  if (enterpriseIds.length === 0) return new Map()
  const last = await trx.raw<{ rows: Array<{ enterprise_id: string; inspector_ids: number[] }> }>(
    `SELECT l.enterprise_id, coalesce(array_agg(ii.inspector_id ORDER BY ii.inspector_id) FILTER (WHERE ii.inspector_id IS NOT NULL), '{}') AS inspector_ids
       FROM (SELECT DISTINCT ON (i.enterprise_id) i.enterprise_id, i.id FROM inspection i
              WHERE i.enterprise_id = ANY(?::bigint[])
              ORDER BY i.enterprise_id, coalesce(i.inspected_at, i.planned_for) DESC NULLS LAST, i.id DESC) l
       LEFT JOIN inspection_inspector ii ON ii.inspection_id = l.id
      GROUP BY l.enterprise_id`,
    [[...enterpriseIds]],
  )
  return new Map(last.rows.map((r) => [Number(r.enterprise_id), r.inspector_ids.map(Number)]))
}

// ---------------------------------------------------------------- overdue findings and an enterprise's history

/**
 * Both kinds of open-past-deadline findings as one relation; binds the division prefix pattern and
 * a grid worker's grid (twice), twice (kind and enterprise filters are added by the caller on the outer query).
 */
const OVERDUE_SQL = `
  SELECT 'hidden_danger' AS kind, h.id, h.enterprise_id, e.name AS enterprise_name, e.division_code, h.description, h.is_major,
         h.inspection_id, to_char(h.found_at, 'YYYY-MM-DD') AS found_at, to_char(h.deadline, 'YYYY-MM-DD') AS deadline,
         (current_date - h.deadline) AS days_overdue, h.reported_by, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
    FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id
   WHERE h.status = 'open' AND h.deadline < current_date AND e.division_code LIKE ? AND (?::int IS NULL OR e.mgmt_grid_id = ?::int)
  UNION ALL
  SELECT 'violation', v.id, v.enterprise_id, e.name, e.division_code, v.description, false,
         v.inspection_id, to_char(v.found_at, 'YYYY-MM-DD'), to_char(v.deadline, 'YYYY-MM-DD'),
         (current_date - v.deadline), v.reported_by, ST_X(e.geom), ST_Y(e.geom)
    FROM violation v JOIN enterprise e ON e.id = v.enterprise_id
   WHERE v.status = 'open' AND v.deadline < current_date AND e.division_code LIKE ? AND (?::int IS NULL OR e.mgmt_grid_id = ?::int)`

export interface OverdueFilter {
  division?: string
  scopeGridId?: number
  kind?: OverdueKind
  enterpriseId?: number
  limit: number
  offset: number
}

/** An overdue finding as OVERDUE_SQL reads it (bigint ids arrive as text). */
interface OverdueRow {
  kind: OverdueKind
  id: string | number
  enterprise_id: string | number
  enterprise_name: string
  division_code: string
  description: string
  is_major: boolean
  inspection_id: string | number | null
  found_at: string
  deadline: string
  days_overdue: number
  reported_by: string
  lon: number
  lat: number
}

/** An overdue finding as the overdue list sends it. */
export interface OverdueItem {
  kind: OverdueKind
  id: number
  enterpriseId: number
  enterpriseName: string
  divisionCode: string
  description: string
  isMajor: boolean
  inspectionId: number | null
  foundAt: string
  deadline: string
  daysOverdue: number
  reportedBy: string
  lon: number
  lat: number
}

function toOverdueItem(r: OverdueRow): OverdueItem {
  return {
    kind: r.kind,
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    enterpriseName: r.enterprise_name,
    divisionCode: r.division_code,
    description: r.description,
    isMajor: r.is_major,
    inspectionId: r.inspection_id === null ? null : Number(r.inspection_id),
    foundAt: r.found_at,
    deadline: r.deadline,
    daysOverdue: Number(r.days_overdue),
    reportedBy: r.reported_by,
    lon: Number(r.lon),
    lat: Number(r.lat),
  }
}

/**
 * A page of overdue findings, most overdue first, with the counts by kind (before the kind filter)
 * and how many enterprises have one (after it).
 */
export async function overdueList(db: Db, f: OverdueFilter): Promise<{ counts: Record<OverdueKind, number>; enterprises: number; items: OverdueItem[] }> {
  const pattern = `${f.division ?? ''}%`
  const grid = f.scopeGridId ?? null
  const base = () => {
    const q = db.from(db.raw(`(${OVERDUE_SQL}) AS o`, [pattern, grid, grid, pattern, grid, grid]))
    if (f.enterpriseId !== undefined) q.where('o.enterprise_id', f.enterpriseId)
    return q
  }
  const byKind: Array<{ kind: OverdueKind; n: string }> = await base().select('o.kind').count('* as n').groupBy('o.kind')
  const counts = { hidden_danger: 0, violation: 0 }
  for (const r of byKind) counts[r.kind] = Number(r.n)
  const filtered = () => (f.kind ? base().where('o.kind', f.kind) : base())
  const [{ n: enterprises }]: Array<{ n: string }> = await filtered().countDistinct('o.enterprise_id as n')
  const rows: OverdueRow[] = await filtered()
    .select('o.*')
    .orderBy([{ column: 'o.days_overdue', order: 'desc' }, { column: 'o.kind' }, { column: 'o.id' }])
    .limit(f.limit)
    .offset(f.offset)
  return { counts, enterprises: Number(enterprises), items: rows.map(toOverdueItem) }
}

/** An enterprise's name, level and credit status; undefined when there is none. */
export async function enforcementStateOf(db: Db, id: number): Promise<{ id: number; name: string; level: Level; creditStatus: CreditStatus } | undefined> {
  const row: { id: string | number; name: string; level: Level; credit_status: CreditStatus } | undefined = await db('enterprise')
    .where({ id })
    .first('id', 'name', 'level', 'credit_status')
  return row ? { id: Number(row.id), name: row.name, level: row.level, creditStatus: row.credit_status } : undefined
}

/** How many of an enterprise's hidden dangers and violations are overdue (and the oldest deadline among them) and not yet verified. */
export async function findingTally(
  db: Db,
  enterpriseId: number,
): Promise<{
  overdueHiddenDangers: number
  overdueViolations: number
  oldestDeadline: string | null
  openHiddenDangers: number
  openViolations: number
}> {
  const overdueWhere = "enterprise_id = ? AND status = 'open' AND deadline < current_date"
  const {
    rows: [tally],
  } = await db.raw<{ rows: Array<{ overdue_hd: number; overdue_v: number; oldest: string | null; open_hd: number; open_v: number }> }>(
    `SELECT (SELECT count(*)::int FROM hidden_danger WHERE ${overdueWhere}) AS overdue_hd,
            (SELECT count(*)::int FROM violation WHERE ${overdueWhere}) AS overdue_v,
            (SELECT to_char(min(d), 'YYYY-MM-DD') FROM (SELECT deadline AS d FROM hidden_danger WHERE ${overdueWhere}
               UNION ALL SELECT deadline FROM violation WHERE ${overdueWhere}) x) AS oldest,
            (SELECT count(*)::int FROM hidden_danger WHERE enterprise_id = ? AND status <> 'verified') AS open_hd,
            (SELECT count(*)::int FROM violation WHERE enterprise_id = ? AND status <> 'verified') AS open_v`,
    [enterpriseId, enterpriseId, enterpriseId, enterpriseId, enterpriseId, enterpriseId],
  )
  return {
    overdueHiddenDangers: tally!.overdue_hd,
    overdueViolations: tally!.overdue_v,
    oldestDeadline: tally!.oldest ?? null,
    openHiddenDangers: tally!.open_hd,
    openViolations: tally!.open_v,
  }
}
