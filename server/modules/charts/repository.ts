/**
 * What the staff charts (web/charts.html) aggregate, read from the database: district grades and
 * area shares, the day-by-day net level changes of the kept history, grading sources per kind and
 * level, and per department the overdue rectifications and report handling times. Enterprise-linked
 * counts cover only the enterprises in the reader's scope (auth/access readScope); reports follow
 * the reports list's scope (an inspector's jurisdiction, a grid worker's own). Every value is bound.
 */
import type { Db } from '../../db/db'
import type { ReadScope } from '../auth/access'
import { scopeSql } from '../auth/jurisdiction'
import type { LevelDelta } from '../../domain/charts'
import type { Level } from '../../domain/levels'

export interface DistrictRow {
  code: string
  name: string
  nameEn: string | null
  level: Level
  highestLevel: Level
  shares: Record<string, number>
}

/** Every county-rank division with its grade, highest cell level and area shares (none graded: all level 0). */
export async function districtLevels(db: Db): Promise<DistrictRow[]> {
  const { rows } = await db.raw<{
    rows: Array<{ code: string; name: string; name_en: string | null; level: number | null; max_level: number | null; shares: Record<string, number> | null }>
  }>(
    `SELECT d.code, d.name, d.name_en, rl.level, rl.max_level, rl.shares
       FROM division d LEFT JOIN region_level rl ON rl.region_kind = 'division' AND rl.region_key = d.code
      WHERE d.rank = 'county'
      ORDER BY d.code`,
  )
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    nameEn: r.name_en,
    level: Number(r.level ?? 0) as Level,
    highestLevel: Number(r.max_level ?? r.level ?? 0) as Level,
    shares: r.shares && Object.keys(r.shares).length > 0 ? r.shares : { 0: 1 },
  }))
}

/**
 * The net change of the analysis cells at each level per UTC day: +1 where a change entered a
 * level, −1 where it left one (levels 1..4; level 0 is the rest of the map).
 */
export async function levelDeltas(db: Db, res: number): Promise<LevelDelta[]> {
  const { rows } = await db.raw<{ rows: Array<{ day: string; level: number; delta: string | number }> }>(
    `SELECT day, level, sum(delta) AS delta FROM (
       SELECT to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, new_level AS level, 1 AS delta
         FROM cell_level_history WHERE res = ? AND new_level > 0
       UNION ALL
       SELECT to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), old_level, -1
         FROM cell_level_history WHERE res = ? AND old_level > 0
     ) x
     GROUP BY day, level
     ORDER BY day, level`,
    [res, res],
  )
  return rows.map((r) => ({ day: r.day, level: Number(r.level), delta: Number(r.delta) }))
}

/**
 * Grading sources per kind and level in the reader's scope: major hazard installations, safety
 * risks, unverified major hidden dangers (red: they keep their enterprise red, docs/domain.md §3.3)
 * and public-area assessments (limited by a jurisdiction only: they belong to no enterprise or grid).
 */
export async function sourceCounts(db: Db, scope: ReadScope): Promise<Array<{ kind: string; level: number; n: number }>> {
  const s = scopeSql(scope, 'e')
  const areaWhere = scope.divisionPrefix !== null ? `coalesce(a.division_code, '') LIKE ?` : 'TRUE'
  const areaBindings = scope.divisionPrefix !== null ? [`${scope.divisionPrefix}%`] : []
  const { rows } = await db.raw<{ rows: Array<{ kind: string; level: number; n: string | number }> }>(
    `SELECT 'major_hazard' AS kind, m.level, count(*) AS n FROM major_hazard m JOIN enterprise e ON e.id = m.enterprise_id WHERE ${s.sql} GROUP BY m.level
     UNION ALL
     SELECT 'safety_risk', r.level, count(*) FROM safety_risk r JOIN enterprise e ON e.id = r.enterprise_id WHERE ${s.sql} GROUP BY r.level
     UNION ALL
     SELECT 'hidden_danger', 4, count(*) FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id
      WHERE h.is_major AND h.status <> 'verified' AND ${s.sql} HAVING count(*) > 0
     UNION ALL
     SELECT 'area_assessment', a.level, count(*) FROM area_assessment a WHERE ${areaWhere} GROUP BY a.level`,
    [...s.bindings, ...s.bindings, ...s.bindings, ...areaBindings],
  )
  return rows.map((r) => ({ kind: r.kind, level: Number(r.level), n: Number(r.n) }))
}

export interface DepartmentRef {
  id: number
  name: string
  divisionCode: string
  divisionName: string | null
}

export async function departments(db: Db, ids: readonly number[]): Promise<Map<number, DepartmentRef>> {
  if (ids.length === 0) return new Map()
  const rows = (await db('department as d')
    .leftJoin('division as v', 'v.code', 'd.division_code')
    .whereIn('d.id', ids as number[])
    .select('d.id', 'd.name', 'd.division_code', 'v.name as division_name')) as Array<{
    id: number
    name: string
    division_code: string
    division_name: string | null
  }>
  return new Map(rows.map((r) => [Number(r.id), { id: Number(r.id), name: r.name, divisionCode: r.division_code, divisionName: r.division_name }]))
}

/**
 * Overdue rectifications (open past their deadline, as /api/enforcement/overdue counts them) per
 * supervising department: the industry department of the enterprise (null: none assigned).
 */
export async function overdueByDepartment(
  db: Db,
  scope: ReadScope,
): Promise<Array<{ departmentId: number | null; hiddenDangers: number; violations: number }>> {
  const s = scopeSql(scope, 'e')
  const { rows } = await db.raw<{ rows: Array<{ dept: number | null; hd: string | number; v: string | number }> }>(
    `SELECT e.industry_department_id AS dept,
            count(*) FILTER (WHERE o.kind = 'hidden_danger') AS hd,
            count(*) FILTER (WHERE o.kind = 'violation') AS v
       FROM (SELECT enterprise_id, 'hidden_danger' AS kind FROM hidden_danger WHERE status = 'open' AND deadline < current_date
             UNION ALL
             SELECT enterprise_id, 'violation' FROM violation WHERE status = 'open' AND deadline < current_date) o
       JOIN enterprise e ON e.id = o.enterprise_id
      WHERE ${s.sql}
      GROUP BY e.industry_department_id`,
    s.bindings,
  )
  return rows.map((r) => ({ departmentId: r.dept === null ? null : Number(r.dept), hiddenDangers: Number(r.hd), violations: Number(r.v) }))
}

/** Whose reports a reader sees: the reports list's scope (reports/routes.ts scopeOf). */
export interface ReportReadScope {
  divisionPrefix: string | null
  filedBy: number | null
}

/**
 * Per department the reports are routed to (null: not routed): how many days each finished report
 * (closed or rejected) took from filing to closing, and how many open reports are past their deadline.
 */
export async function reportTimesByDepartment(
  db: Db,
  scope: ReportReadScope,
): Promise<Array<{ departmentId: number | null; days: number[]; openOverdue: number }>> {
  const where: string[] = []
  const bindings: Array<string | number> = []
  if (scope.divisionPrefix !== null) {
    where.push(`coalesce(r.division_code, '') LIKE ?`)
    bindings.push(`${scope.divisionPrefix}%`)
  }
  if (scope.filedBy !== null) {
    where.push('r.filed_by = ?')
    bindings.push(scope.filedBy)
  }
  const { rows } = await db.raw<{ rows: Array<{ dept: number | null; days: number[] | null; open_overdue: string | number }> }>(
    `SELECT r.department_id AS dept,
            array_agg(extract(epoch FROM (r.closed_at - r.created_at)) / 86400.0 ORDER BY r.id)
              FILTER (WHERE r.status IN ('closed', 'rejected') AND r.closed_at IS NOT NULL) AS days,
            count(*) FILTER (WHERE r.status NOT IN ('closed', 'rejected') AND r.deadline_at < now()) AS open_overdue
       FROM public_report r
      WHERE ${where.length ? where.join(' AND ') : 'TRUE'}
      GROUP BY r.department_id`,
    bindings,
  )
  return rows.map((r) => ({ departmentId: r.dept === null ? null : Number(r.dept), days: (r.days ?? []).map(Number), openOverdue: Number(r.open_overdue) }))
}
