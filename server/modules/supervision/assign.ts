/**
 * Supervising departments for enterprises that have none yet (docs/domain.md §5), chosen by the
 * domain's rule (chooseDepartments: the industry department of the enterprise's industry and a
 * specialist department for each field it needs, within whose jurisdiction it lies). What is already
 * assigned is never replaced; an enterprise whose industry is unknown, or that is centrally supervised,
 * gets none (a coverage gap says so). The departments are read once (loadDepartmentChooser) and the
 * choice is made here, so that the importer can give a new enterprise its industry department in the
 * row it writes instead of updating every new row after. The industry department is written through
 * the enterprises store (the table's owner); the specialist departments are this module's own table
 * (enterprise_specialist_department).
 */
import type { Knex } from 'knex'
import { chooseDepartments, type DepartmentNeeds, type SupervisingDepartment } from '../../domain/supervision'
import type { SupervisionTier } from '../../domain/tier'
import { setMissingIndustryDepartments } from '../enterprises'

/** The departments an enterprise gets, by the rule over the departments read when it was loaded. */
export type DepartmentChooser = (e: DepartmentNeeds) => ReturnType<typeof chooseDepartments>

/** What decides an enterprise's departments, from its row (stored, or a register row about to be written). */
export function departmentNeeds(row: { industry: unknown; division_code: unknown; tier: unknown; central_vertical: unknown }): DepartmentNeeds {
  return {
    industry: row.industry as string | null,
    divisionCode: row.division_code as string | null,
    tier: row.tier as SupervisionTier | null,
    centralVertical: row.central_vertical === true,
  }
}

/** Reads the departments once; the chooser remembers each choice (an import asks for the same division and industry many times). */
export async function loadDepartmentChooser(trx: Knex.Transaction): Promise<DepartmentChooser> {
  const rows = (await trx('department').select('id', 'kind', 'division_code', 'industries', 'specialty')) as Array<{
    id: number
    kind: SupervisingDepartment['kind']
    division_code: string
    industries: string[] | null
    specialty: string | null
  }>
  const departments: SupervisingDepartment[] = rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    divisionCode: r.division_code,
    industries: r.industries ?? [],
    specialty: r.specialty,
  }))
  const none = { industry: null, specialists: [] }
  const chosen = new Map<string, ReturnType<typeof chooseDepartments>>()
  return (e) => {
    if (departments.length === 0) return none
    const key = `${e.industry}|${e.divisionCode}|${e.tier === 'city'}|${e.centralVertical}`
    let choice = chosen.get(key)
    if (choice === undefined) chosen.set(key, (choice = chooseDepartments(departments, e)))
    return choice
  }
}

/**
 * Gives specialist departments to enterprises (pairs the chooser made); one already there is kept.
 * `created`: the enterprises were created in this transaction, so none has one yet and no conflict
 * needs looking for (that check is 40 % of the insert's time).
 */
export async function addSpecialistDepartments(
  trx: Knex.Transaction,
  pairs: ReadonlyArray<{ enterpriseId: number; departmentId: number }>,
  created = false,
): Promise<number> {
  if (pairs.length === 0) return 0
  const result = await trx.raw<{ rowCount: number }>(
    `INSERT INTO enterprise_specialist_department (enterprise_id, department_id)
     SELECT x.enterprise_id, x.department_id FROM jsonb_to_recordset(?::jsonb) AS x(enterprise_id bigint, department_id bigint)
     ${created ? '' : 'ON CONFLICT DO NOTHING'}`,
    [JSON.stringify(pairs.map((p) => ({ enterprise_id: p.enterpriseId, department_id: p.departmentId })))],
  )
  return result.rowCount ?? 0
}

/** Departments for stored enterprises that lack them: the industry department, and each specialist field not yet covered. */
export async function assignDepartments(
  trx: Knex.Transaction,
  enterpriseIds: readonly number[],
  choose?: DepartmentChooser,
): Promise<{ industry: number; specialist: number }> {
  if (enterpriseIds.length === 0) return { industry: 0, specialist: 0 }
  const { rows } = await trx.raw<{
    rows: Array<{
      id: string
      industry: string | null
      division_code: string | null
      tier: SupervisionTier | null
      central_vertical: boolean
      industry_department_id: number | null
      specialties: Array<string | null>
    }>
  }>(
    `SELECT e.id, e.industry, e.division_code, e.tier, e.central_vertical, e.industry_department_id,
            ARRAY(SELECT d.specialty FROM enterprise_specialist_department s JOIN department d ON d.id = s.department_id WHERE s.enterprise_id = e.id) AS specialties
     FROM enterprise e WHERE e.id = ANY(?::bigint[])`,
    [`{${enterpriseIds.join(',')}}`],
  )
  const pick = choose ?? (await loadDepartmentChooser(trx))
  const industry: Array<{ id: number; departmentId: number }> = []
  const specialists: Array<{ enterpriseId: number; departmentId: number }> = []
  for (const r of rows) {
    const choice = pick(departmentNeeds(r))
    if (r.industry_department_id === null && choice.industry !== null) industry.push({ id: Number(r.id), departmentId: choice.industry })
    const covered = new Set(r.specialties)
    for (const s of choice.specialists) if (!covered.has(s.specialty)) specialists.push({ enterpriseId: Number(r.id), departmentId: s.id })
  }
  return { industry: await setMissingIndustryDepartments(trx, industry), specialist: await addSpecialistDepartments(trx, specialists) }
}
