/**
 * What the enforcement modules share: the enterprise and inspector checks, and the
 * access of their routes.
 */
import { invalid } from '../../errors'
import type { Db } from '../../db/db'

export interface EnterpriseRef {
  id: number
  name: string
  divisionCode: string
  /** Its industry department and specialist departments. */
  departmentIds: number[]
}

/** The enterprise a record belongs to; `invalid(field)` when there is none. */
export async function enterpriseRef(db: Db, id: number, field = 'enterpriseId'): Promise<EnterpriseRef> {
  const row: { id: string | number; name: string; division_code: string; industry_department_id: number | null } | undefined = await db('enterprise')
    .where({ id })
    .first('id', 'name', 'division_code', 'industry_department_id')
  if (!row) throw invalid(field, `no enterprise with id ${id}`)
  const specialists: number[] = await db('enterprise_specialist_department').where({ enterprise_id: id }).pluck('department_id')
  const departmentIds = [...(row.industry_department_id === null ? [] : [Number(row.industry_department_id)]), ...specialists.map(Number)]
  return { id: Number(row.id), name: row.name, divisionCode: row.division_code, departmentIds }
}

export interface InspectorRef {
  id: number
  name: string
  departmentId: number
}

/**
 * Checks the inspectors of an inspection: each exists, is active and belongs to one of `departmentIds`
 * (the enterprise's departments or the plan's). Errors name `inspectorIds[i]`.
 */
export async function checkInspectors(db: Db, inspectorIds: number[], departmentIds: number[], whose: string): Promise<InspectorRef[]> {
  const rows: Array<{ id: number; name: string; active: boolean; department_id: number; department_name: string }> = await db('inspector as i')
    .join('department as d', 'd.id', 'i.department_id')
    .whereIn('i.id', inspectorIds)
    .select('i.id', 'i.name', 'i.active', 'i.department_id', 'd.name as department_name')
  const byId = new Map(rows.map((r) => [Number(r.id), r]))
  return inspectorIds.map((id, i) => {
    const r = byId.get(id)
    const field = `inspectorIds[${i}]`
    if (!r) throw invalid(field, `no inspector with id ${id}`)
    if (!r.active) throw invalid(field, `inspector ${id} (${r.name}) is not active`)
    if (!departmentIds.includes(Number(r.department_id))) {
      throw invalid(field, `inspector ${id} (${r.name}) belongs to ${r.department_name} (department ${r.department_id}), not to ${whose}`, {
        departmentId: Number(r.department_id),
      })
    }
    return { id, name: r.name, departmentId: Number(r.department_id) }
  })
}

/** Who may call enforcement routes (auth/access.ts): reads for staff, writes for inspectors (and admins). */
export const staffAccess = { access: 'staff' } as const
export const inspectorAccess = { access: ['inspector'] } as const
