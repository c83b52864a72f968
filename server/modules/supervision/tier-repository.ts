/**
 * SQL of an enterprise's supervision (tier-service.ts): reading the enterprise's supervision columns,
 * its specialist departments (enterprise_specialist_department, this module's table) and the
 * departments given for it. The enterprise row itself is written through the enterprises module's
 * store (docs/architecture.md, "Who owns a table"); only its lock and reads are here.
 */
import type { Knex } from 'knex'
import { lockRow, type Db } from '../../db/db'
import type { Specialty, TierSource } from '../../domain/supervision'
import type { Affiliation, EnterpriseScale, SupervisionTier } from '../../domain/tier'

export interface EnterpriseSupervisionRow {
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

/** An enterprise's supervision columns with its industry department's name; undefined when there is none. */
export async function loadSupervisionRow(db: Db, id: number): Promise<EnterpriseSupervisionRow | undefined> {
  return db('enterprise as e')
    .leftJoin('department as d', 'd.id', 'e.industry_department_id')
    .where('e.id', id)
    .first(
      'e.id',
      'e.name',
      'e.division_code',
      'e.industry',
      'e.affiliation',
      'e.scale',
      'e.high_hazard',
      'e.central_vertical',
      'e.is_outlet',
      'e.tier',
      'e.tier_source',
      'e.tier_reason',
      'e.industry_department_id',
      'd.name as industry_department_name',
      'e.responsible_person',
      'e.responsible_phone',
    )
}

/** Locks the enterprise row for the rest of the transaction (404 when there is none) and reads it. */
export async function lockSupervisionRow(trx: Knex.Transaction, id: number): Promise<EnterpriseSupervisionRow> {
  await lockRow(trx, 'enterprise', id)
  return (await loadSupervisionRow(trx, id))!
}

/** An enterprise's specialist departments, by department id. */
export async function specialistDepartmentsOf(db: Db, enterpriseId: number): Promise<Array<{ id: number; name: string; specialty: Specialty | null }>> {
  return (await db('enterprise_specialist_department as s')
    .join('department as d', 'd.id', 's.department_id')
    .where('s.enterprise_id', enterpriseId)
    .orderBy('d.id')
    .select('d.id', 'd.name', 'd.specialty')) as Array<{ id: number; name: string; specialty: Specialty | null }>
}

/** Replaces an enterprise's specialist departments. */
export async function replaceSpecialistDepartments(trx: Knex.Transaction, enterpriseId: number | string, departmentIds: readonly number[]): Promise<void> {
  await trx('enterprise_specialist_department').where({ enterprise_id: enterpriseId }).del()
  if (departmentIds.length > 0) {
    await trx('enterprise_specialist_department').insert(departmentIds.map((department_id) => ({ enterprise_id: enterpriseId, department_id })))
  }
}

/** A department as a check of an enterprise's departments needs it; undefined when there is none. */
export async function departmentForCheck(
  db: Db,
  id: number,
): Promise<{ id: number; name: string; kind: 'industry' | 'specialist'; division_code: string; industries: string[] } | undefined> {
  return db('department').where({ id }).first('id', 'name', 'kind', 'division_code', 'industries')
}

/** The columns the tier rule reads, and the tier it wrote. */
export const TIER_COLUMNS = [
  'id',
  'industry',
  'affiliation',
  'scale',
  'high_hazard',
  'central_vertical',
  'is_outlet',
  'tier',
  'tier_source',
  'tier_reason',
] as const
export type TierRow = Pick<EnterpriseSupervisionRow, (typeof TIER_COLUMNS)[number]>

/** Every enterprise's tier columns (a recompute reads them all, then locks those to change). */
export async function allTierRows(trx: Knex.Transaction): Promise<TierRow[]> {
  return (await trx('enterprise').select(TIER_COLUMNS)) as TierRow[]
}

/** Locks these enterprises' rows in id order and reads their tier columns. */
export async function lockTierRows(trx: Knex.Transaction, ids: readonly number[]): Promise<TierRow[]> {
  return (await trx('enterprise').whereIn('id', ids).orderBy('id').forUpdate().select(TIER_COLUMNS)) as TierRow[]
}
