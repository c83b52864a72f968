/**
 * SQL of supervising departments and their rosters (department and inspector, this module's tables),
 * and the enterprise reads behind the coverage and data-quality reports. The supervision of one
 * enterprise is tier-repository.ts.
 */
import type { Knex } from 'knex'
import type { DepartmentKind, Specialty } from '../../domain/supervision'
import type { SupervisionTier } from '../../domain/tier'
import type { Db } from '../../db/db'
import type { Department, Inspector } from './schemas'

// ---------------------------------------------------------------- departments

export interface DepartmentFilter {
  kind?: DepartmentKind
  division?: string
  industry?: string
  specialty?: Specialty
}

/** The columns a department is written with. */
export interface DepartmentColumns {
  name: string
  kind: DepartmentKind
  divisionCode: string
  industries: string[]
  specialty: Specialty | null
}

function selectDepartments(db: Db): Knex.QueryBuilder {
  return db('department as d')
    .leftJoin('division as v', 'v.code', 'd.division_code')
    .select(
      'd.id',
      'd.name',
      'd.kind',
      'd.division_code',
      'd.industries',
      'd.specialty',
      'v.name as division_name',
      db.raw('(SELECT count(*)::int FROM inspector i WHERE i.department_id = d.id) AS inspectors'),
      db.raw('(SELECT count(*)::int FROM inspector i WHERE i.department_id = d.id AND i.active) AS active_inspectors'),
      db.raw(`(SELECT count(*)::int FROM (SELECT e.id FROM enterprise e WHERE e.industry_department_id = d.id
                 UNION SELECT s.enterprise_id FROM enterprise_specialist_department s WHERE s.department_id = d.id) u) AS enterprises`),
    )
}

function toDepartment(r: Record<string, unknown>): Department {
  return {
    id: Number(r.id),
    name: r.name as string,
    kind: r.kind as DepartmentKind,
    divisionCode: r.division_code as string,
    divisionName: (r.division_name as string | null) ?? null,
    industries: r.industries as string[],
    specialty: r.specialty as Specialty | null,
    inspectors: Number(r.inspectors),
    activeInspectors: Number(r.active_inspectors),
    enterprises: Number(r.enterprises),
  }
}

/** Departments matching the filter, by division code then id. */
export async function listDepartments(db: Db, filter: DepartmentFilter): Promise<Department[]> {
  const q = selectDepartments(db).orderBy('d.division_code').orderBy('d.id')
  if (filter.kind) q.where('d.kind', filter.kind)
  if (filter.division) q.whereLike('d.division_code', `${filter.division}%`)
  if (filter.industry) q.whereRaw('? = ANY(d.industries)', [filter.industry])
  if (filter.specialty) q.where('d.specialty', filter.specialty)
  return (await q).map(toDepartment)
}

export async function loadDepartment(db: Db, id: number): Promise<Department | undefined> {
  const row = await selectDepartments(db).where('d.id', id).first()
  return row ? toDepartment(row) : undefined
}

export async function departmentExists(db: Db, id: number): Promise<boolean> {
  return (await db('department').where({ id }).first('id')) !== undefined
}

export async function divisionExists(db: Db, code: string): Promise<boolean> {
  return (await db('division').where({ code }).first('code')) !== undefined
}

/** Another department of the division with this name (`selfId` aside); its id. */
export async function departmentNamed(db: Db, divisionCode: string, name: string, selfId: number | null): Promise<number | undefined> {
  const twin = await db('department')
    .where({ division_code: divisionCode, name })
    .whereNot('id', selfId ?? 0)
    .first('id')
  return twin ? Number(twin.id) : undefined
}

/** How many enterprises have this department as their industry department, or as a specialist one. */
export async function enterprisesUsing(db: Db, departmentId: number, as: DepartmentKind): Promise<number> {
  const used =
    as === 'industry'
      ? await db('enterprise').where({ industry_department_id: departmentId }).count<{ n: string }[]>('* as n')
      : await db('enterprise_specialist_department').where({ department_id: departmentId }).count<{ n: string }[]>('* as n')
  return Number(used[0]!.n)
}

const departmentRow = (c: DepartmentColumns) => ({
  name: c.name,
  kind: c.kind,
  division_code: c.divisionCode,
  industries: c.industries,
  specialty: c.specialty,
})

/** Inserts a department; its id. The unique-name violation is the caller's to map. */
export async function insertDepartment(trx: Knex.Transaction, columns: DepartmentColumns): Promise<number> {
  const [row] = await trx('department').insert(departmentRow(columns)).returning('id')
  return Number((row as { id: string }).id)
}

export async function updateDepartment(trx: Knex.Transaction, id: number, columns: DepartmentColumns): Promise<void> {
  await trx('department').where({ id }).update(departmentRow(columns))
}

// ---------------------------------------------------------------- inspectors

/** The columns an inspector is written with. */
export interface InspectorColumns {
  departmentId: number
  name: string
  badgeNo: string
  active: boolean
}

const INSPECTOR_COLUMNS = ['id', 'department_id', 'name', 'badge_no', 'active'] as const

function toInspector(r: Record<string, unknown>): Inspector {
  return { id: Number(r.id), departmentId: Number(r.department_id), name: r.name as string, badgeNo: r.badge_no as string, active: r.active as boolean }
}

export async function loadInspector(db: Db, id: number): Promise<Inspector | undefined> {
  const row = await db('inspector').where({ id }).first(INSPECTOR_COLUMNS)
  return row ? toInspector(row) : undefined
}

/** A department's roster by id, all or only the (in)active. */
export async function rosterOf(db: Db, departmentId: number, active: boolean | undefined): Promise<Inspector[]> {
  const q = db('inspector').where({ department_id: departmentId }).orderBy('id').select(INSPECTOR_COLUMNS)
  if (active !== undefined) q.where('active', active)
  return (await q).map(toInspector)
}

/** Another inspector with this badge number (`selfId` aside); its id. */
export async function inspectorWithBadge(db: Db, badgeNo: string, selfId: number | null): Promise<number | undefined> {
  const twin = await db('inspector')
    .where({ badge_no: badgeNo })
    .whereNot('id', selfId ?? 0)
    .first('id')
  return twin ? Number(twin.id) : undefined
}

const inspectorRow = (c: InspectorColumns) => ({ department_id: c.departmentId, name: c.name, badge_no: c.badgeNo, active: c.active })

/** Inserts an inspector; its id. The unique-badge violation is the caller's to map. */
export async function insertInspector(trx: Knex.Transaction, columns: InspectorColumns): Promise<number> {
  const [row] = await trx('inspector').insert(inspectorRow(columns)).returning('id')
  return Number((row as { id: string }).id)
}

export async function updateInspector(trx: Knex.Transaction, id: number, columns: InspectorColumns): Promise<void> {
  await trx('inspector').where({ id }).update(inspectorRow(columns))
}

// ---------------------------------------------------------------- the reports' reads

/** What the coverage report reads of an enterprise. */
export interface CoverageRow {
  id: string | number
  name: string
  uscc: string | null
  external_id: string | null
  division_code: string
  industry: string | null
  central_vertical: boolean
  industry_department_id: string | number | null
  responsible_person: string | null
  tier: SupervisionTier | null
  tier_reason: string | null
  /** The fields of its specialist departments. */
  specialists: Array<{ specialty: string | null }>
}

/** Narrows a report's enterprises to a division prefix and a grid worker's grid. */
function whereReportScope(q: Knex.QueryBuilder, division: string | undefined, gridId: number | undefined): void {
  if (division) q.whereLike('e.division_code', `${division}%`)
  if (gridId !== undefined) q.where('e.mgmt_grid_id', gridId)
}

/** Every enterprise under a division prefix (and in a grid worker's grid), by id, as the coverage report reads it. */
export async function coverageRows(db: Db, division: string | undefined, gridId: number | undefined): Promise<CoverageRow[]> {
  return (await db('enterprise as e')
    .modify((q) => whereReportScope(q, division, gridId))
    .orderBy('e.id')
    .select(
      'e.id',
      'e.name',
      'e.uscc',
      'e.external_id',
      'e.division_code',
      'e.industry',
      'e.central_vertical',
      'e.industry_department_id',
      'e.responsible_person',
      'e.tier',
      'e.tier_reason',
      db.raw(`coalesce((SELECT json_agg(json_build_object('specialty', d.specialty)) FROM enterprise_specialist_department s
                JOIN department d ON d.id = s.department_id WHERE s.enterprise_id = e.id), '[]'::json) AS specialists`),
    )) as CoverageRow[]
}

/** What the data-quality report reads of an enterprise. */
export interface QualityRow {
  id: string
  name: string
  uscc: string | null
  external_id: string | null
  division_code: string
  industry: string | null
  industry_source: string | null
  scale: string | null
  affiliation: string | null
  central_vertical: boolean
  tier: string | null
  tier_reason: string | null
  located_by: string
  responsible_person: string | null
}

/** Every enterprise under a division prefix (and in a grid worker's grid), by id, as the data-quality report reads it. */
export async function qualityRows(db: Db, division: string | undefined, gridId: number | undefined): Promise<QualityRow[]> {
  return (await db('enterprise as e')
    .modify((q) => whereReportScope(q, division, gridId))
    .orderBy('e.id')
    .select(
      'e.id',
      'e.name',
      'e.uscc',
      'e.external_id',
      'e.division_code',
      'e.industry',
      'e.industry_source',
      'e.scale',
      'e.affiliation',
      'e.central_vertical',
      'e.tier',
      'e.tier_reason',
      'e.located_by',
      'e.responsible_person',
    )) as QualityRow[]
}

/** County names by code (a report's lines per county). */
export async function countyNames(db: Db): Promise<Map<string, string>> {
  return new Map(
    ((await db('division').where({ rank: 'county' }).select('code', 'name')) as Array<{ code: string; name: string }>).map((d) => [d.code, d.name]),
  )
}
