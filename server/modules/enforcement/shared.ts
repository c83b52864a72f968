/**
 * What the enforcement modules share: row locks, the enterprise and inspector checks, and the
 * access of their routes.
 */
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import type { Db } from '../sources/shared'

/** Tables whose rows enforcement writes lock; the allowlist `lockRow` takes its table name from. */
export type EnforcementTable = 'violation' | 'penalty' | 'inspection' | 'inspection_plan' | 'enterprise'

const LABELS: Record<EnforcementTable, string> = {
  violation: 'violation',
  penalty: 'penalty',
  inspection: 'inspection',
  inspection_plan: 'inspection plan',
  enterprise: 'enterprise',
}

/** Locks a row for the rest of the transaction (concurrent changes of one record run one after the other); 404 when missing. */
export async function lockRow(trx: Knex.Transaction, table: EnforcementTable, id: number): Promise<void> {
  const row = await trx(table).where({ id }).forUpdate().first('id')
  if (!row) throw notFound(LABELS[table], id)
}

export interface EnterpriseRef {
  id: number
  name: string
  divisionCode: string
  /** Its industry department and specialist departments. */
  departmentIds: number[]
}

/** The enterprise a record belongs to; `invalid(field)` when there is none. */
export async function enterpriseRef(db: Db, id: number, field = 'enterpriseId'): Promise<EnterpriseRef> {
  const row = await db('enterprise').where({ id }).first('id', 'name', 'division_code', 'industry_department_id')
  if (!row) throw invalid(field, `no enterprise with id ${id}`)
  const specialists = (await db('enterprise_specialist_department').where({ enterprise_id: id }).pluck('department_id')) as number[]
  const departmentIds = [...(row.industry_department_id === null ? [] : [Number(row.industry_department_id)]), ...specialists.map(Number)]
  return { id: Number(row.id), name: row.name as string, divisionCode: row.division_code as string, departmentIds }
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
  const rows = (await db('inspector as i')
    .join('department as d', 'd.id', 'i.department_id')
    .whereIn('i.id', inspectorIds)
    .select('i.id', 'i.name', 'i.active', 'i.department_id', 'd.name as department_name')) as Array<Record<string, unknown>>
  const byId = new Map(rows.map((r) => [Number(r.id), r]))
  return inspectorIds.map((id, i) => {
    const r = byId.get(id)
    const field = `inspectorIds[${i}]`
    if (!r) throw invalid(field, `no inspector with id ${id}`)
    if (!r.active) throw invalid(field, `inspector ${id} (${r.name}) is not active`)
    if (!departmentIds.includes(Number(r.department_id))) {
      throw invalid(field, `inspector ${id} (${r.name}) belongs to ${r.department_name} (department ${r.department_id}), not to ${whose}`, { departmentId: Number(r.department_id) })
    }
    return { id, name: r.name as string, departmentId: Number(r.department_id) }
  })
}

/** Maps a unique-key violation of PostgreSQL (23505) to a 409 naming the field; rethrows anything else. */
export function uniqueConflict(err: unknown, field: string, message: string): never {
  if ((err as { code?: string }).code === '23505') throw conflict(message, [{ field, message }])
  throw err
}

/** Who may call enforcement routes (auth/access.ts): reads for staff, writes for inspectors (and admins). */
export const staffAccess = { access: 'staff' } as const
export const inspectorAccess = { access: ['inspector'] } as const
