/**
 * Supervising departments for enterprises that have none yet (docs/domain.md §5): the industry
 * department whose `industries` include the enterprise's industry, and a specialist department for
 * each field its industry needs (SPECIALIST_NEEDS), both among the departments whose jurisdiction
 * (division-code prefix) contains the enterprise. A city-tier enterprise takes the city's department,
 * any other the most local one. What is already assigned is never replaced; an enterprise whose
 * industry is unknown, or that is centrally supervised, gets none (a coverage gap says so).
 * The industry department is written through the enterprises store (the table's owner); the
 * specialist departments are this module's own table (enterprise_specialist_department).
 */
import type { Knex } from 'knex'
import { SPECIALIST_NEEDS } from '../../domain/supervision'
import { setMissingIndustryDepartments } from '../enterprises'

/** SQL: the jurisdiction prefix of department `d` (as jurisdictionPrefix in domain/supervision.ts). */
const PREFIX = `(CASE WHEN length(d.division_code) = 6 AND d.division_code LIKE '%0000' THEN left(d.division_code, 2)
                      WHEN length(d.division_code) = 6 AND d.division_code LIKE '%00' THEN left(d.division_code, 4)
                      ELSE d.division_code END)`
/** SQL: the preferred department first: the city's for a city-tier enterprise, else the most local. */
const PREFERENCE = `CASE WHEN e.tier = 'city' THEN abs(length(${PREFIX}) - 4) ELSE -length(${PREFIX}) END, d.id`

export async function assignDepartments(trx: Knex.Transaction, enterpriseIds: readonly number[]): Promise<{ industry: number; specialist: number }> {
  if (enterpriseIds.length === 0) return { industry: 0, specialist: 0 }
  const ids = `{${enterpriseIds.join(',')}}`
  // The department for each enterprise that lacks one; the enterprises store writes them.
  const { rows: chosen } = await trx.raw<{ rows: Array<{ id: string; department_id: string }> }>(
    `SELECT x.id, x.department_id FROM (
       SELECT e.id, (SELECT d.id FROM department d
                     WHERE d.kind = 'industry' AND e.industry = ANY(d.industries) AND e.division_code LIKE ${PREFIX} || '%'
                     ORDER BY ${PREFERENCE} LIMIT 1) AS department_id
       FROM enterprise e
       WHERE e.id = ANY(?::bigint[]) AND e.industry_department_id IS NULL AND e.industry IS NOT NULL AND NOT e.central_vertical
     ) x WHERE x.department_id IS NOT NULL`,
    [ids],
  )
  const industry = await setMissingIndustryDepartments(
    trx,
    chosen.map((r) => ({ id: Number(r.id), departmentId: Number(r.department_id) })),
  )
  const needs = Object.entries(SPECIALIST_NEEDS).flatMap(([code, specialties]) => specialties.map((specialty) => ({ industry: code, specialty })))
  const specialist = await trx.raw<{ rowCount: number }>(
    `INSERT INTO enterprise_specialist_department (enterprise_id, department_id)
     SELECT x.enterprise_id, x.department_id FROM (
       SELECT e.id AS enterprise_id, (SELECT d.id FROM department d
                                      WHERE d.kind = 'specialist' AND d.specialty = n.specialty AND e.division_code LIKE ${PREFIX} || '%'
                                      ORDER BY ${PREFERENCE} LIMIT 1) AS department_id
       FROM enterprise e JOIN jsonb_to_recordset(?::jsonb) AS n(industry text, specialty text) ON n.industry = e.industry
       WHERE e.id = ANY(?::bigint[]) AND NOT e.central_vertical
         AND NOT EXISTS (SELECT 1 FROM enterprise_specialist_department s JOIN department d2 ON d2.id = s.department_id
                         WHERE s.enterprise_id = e.id AND d2.specialty = n.specialty)
     ) x WHERE x.department_id IS NOT NULL
     ON CONFLICT DO NOTHING`,
    [JSON.stringify(needs), ids],
  )
  return { industry, specialist: specialist.rowCount ?? 0 }
}
