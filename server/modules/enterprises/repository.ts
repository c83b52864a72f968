import type { Knex } from 'knex'
import type { BBox } from '../../http/schemas'
import type { LocatedBy } from '../../domain/address-division'
import type { CreditStatus } from '../../domain/enforcement'
import type { Level } from '../../domain/levels'
import type { TierSource } from '../../domain/supervision'
import type { Affiliation, EnterpriseScale, SupervisionTier } from '../../domain/tier'

export interface EnterpriseFilter {
  bbox?: BBox
  /** Division code or prefix (6-digit county code matches its townships too). */
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
  industry?: string
  minLevel?: number
  /** Substring of the name, or a full USCC. */
  q?: string
  limit: number
  offset: number
}

/** An enterprise as the list reads it (LIST_COLUMNS and its point). */
export interface EnterpriseListRow {
  id: string | number
  uscc: string | null
  external_id: string | null
  name: string
  industry: string | null
  high_hazard: boolean
  scale: EnterpriseScale | null
  tier: SupervisionTier | null
  division_code: string
  mgmt_grid_id: number | null
  credit_status: CreditStatus
  level: Level
  synthetic: boolean
  lon: number
  lat: number
}

/** One enterprise as getEnterprise reads it: the list's columns and the detail's own. */
export interface EnterpriseDetailRow extends EnterpriseListRow {
  affiliation: Affiliation | null
  industry_source: string | null
  industry_class: string | null
  located_by: LocatedBy
  central_vertical: boolean
  tier_source: TierSource
  tier_reason: string | null
  address: string | null
  responsible_person: string | null
  responsible_phone: string | null
  inherent_level: Level
  level_reason: Record<string, unknown> | null
  last_reported_at: Date | string | null
  report_due_at: Date | string | null
  division_name: string | null
  industry_department: string | null
  mgmt_grid_name: string | null
  major_hazards: number
  safety_risks: number
  open_hidden_dangers: number
  overdue_items: { hiddenDangers: number; violations: number }
  specialist_departments: string[]
}

const LIST_COLUMNS = [
  'e.id',
  'e.uscc',
  'e.external_id',
  'e.name',
  'e.industry',
  'e.high_hazard',
  'e.scale',
  'e.tier',
  'e.division_code',
  'e.mgmt_grid_id',
  'e.credit_status',
  'e.level',
  'e.synthetic',
]

function applyFilter(q: Knex.QueryBuilder, f: EnterpriseFilter): Knex.QueryBuilder {
  if (f.bbox) {
    q.whereRaw('ST_Intersects(e.geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [f.bbox.minLon, f.bbox.minLat, f.bbox.maxLon, f.bbox.maxLat])
  }
  if (f.division) q.whereLike('e.division_code', `${f.division}%`)
  if (f.scopeGridId !== undefined) q.where('e.mgmt_grid_id', f.scopeGridId)
  if (f.industry) q.where('e.industry', f.industry)
  if (f.minLevel !== undefined) q.where('e.level', '>=', f.minLevel)
  if (f.q) {
    const term = f.q.trim()
    q.where((w) => w.where('e.uscc', term.toUpperCase()).orWhere('e.external_id', term).orWhereRaw("e.name LIKE '%' || ? || '%'", [term]))
  }
  return q
}

export async function listEnterprises(db: Knex, f: EnterpriseFilter): Promise<{ total: number; rows: EnterpriseListRow[] }> {
  const [{ count }] = await applyFilter(db('enterprise as e'), f).count<{ count: string }[]>('* as count')
  const rows = await applyFilter(db('enterprise as e'), f)
    .select(LIST_COLUMNS)
    .select(db.raw('ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat'))
    .orderBy('e.id')
    .limit(f.limit)
    .offset(f.offset)
  return { total: Number(count), rows: rows as EnterpriseListRow[] }
}

/** One enterprise; its responsible person and phone only when `contacts` (the reader's scope allows them). */
export async function getEnterprise(db: Knex, id: number, contacts: boolean): Promise<EnterpriseDetailRow | undefined> {
  const row = await db('enterprise as e')
    .leftJoin('division as d', 'd.code', 'e.division_code')
    .leftJoin('department as dep', 'dep.id', 'e.industry_department_id')
    .leftJoin('mgmt_grid as g', 'g.id', 'e.mgmt_grid_id')
    .select(LIST_COLUMNS)
    .select(
      'e.affiliation',
      'e.industry_source',
      'e.industry_class',
      'e.located_by',
      'e.central_vertical',
      'e.tier_source',
      'e.tier_reason',
      'e.address',
      db.raw(contacts ? 'e.responsible_person, e.responsible_phone' : 'NULL::text AS responsible_person, NULL::text AS responsible_phone'),
      'e.inherent_level',
      'e.level_reason',
      'e.last_reported_at',
      'e.report_due_at',
      'd.name as division_name',
      'dep.name as industry_department',
      'g.name as mgmt_grid_name',
    )
    .select(
      db.raw('ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat'),
      db.raw('(SELECT count(*)::int FROM major_hazard m WHERE m.enterprise_id = e.id) AS major_hazards'),
      db.raw('(SELECT count(*)::int FROM safety_risk r WHERE r.enterprise_id = e.id) AS safety_risks'),
      db.raw("(SELECT count(*)::int FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status <> 'verified') AS open_hidden_dangers"),
      db.raw(`json_build_object('hiddenDangers', (SELECT count(*) FROM hidden_danger h WHERE h.enterprise_id = e.id AND h.status = 'open' AND h.deadline < current_date),
                                'violations', (SELECT count(*) FROM violation v WHERE v.enterprise_id = e.id AND v.status = 'open' AND v.deadline < current_date)) AS overdue_items`),
      db.raw(`(SELECT coalesce(array_agg(sd.name ORDER BY sd.name), '{}') FROM enterprise_specialist_department esd
               JOIN department sd ON sd.id = esd.department_id WHERE esd.enterprise_id = e.id) AS specialist_departments`),
    )
    .where('e.id', id)
    .first()
  return row as EnterpriseDetailRow | undefined
}
