/**
 * SQL of what-if scenarios (docs/scenarios.md): the records a scenario's changes name, looked up
 * and checked, and the saved scenarios. Every value is bound.
 */
import type { Knex } from 'knex'
import type { Db } from '../../db/db'
import { AppError, invalid } from '../../errors'
import type { ScenarioChange } from '../../domain/scenario'
import { inScope, type ReadScope } from '../auth/access'

/** A resource a scenario moves or withdraws, as it is today. */
export interface ScenarioResource {
  id: number
  kind: string
  status: string
  capabilities: string[]
  lon: number
  lat: number
}

/** A change with what it refers to: the enterprise or area it regrades, or the resource it moves. */
export interface Reference {
  enterpriseId?: number
  areaId?: number
  resource?: ScenarioResource
}

const ids = (changes: ScenarioChange[], pick: (c: ScenarioChange) => number | undefined) => [
  ...new Set(changes.map(pick).filter((x): x is number => x !== undefined)),
]
const arrayOf = (list: number[]) => `{${list.join(',')}}`

/** Enforcement backlog a scenario moves, at the enterprise's location (where the ranking counts it). */
export interface BacklogMove {
  lon: number
  lat: number
  openHiddenDangers: number
  overdue: number
}

/**
 * The backlog the changes move: a rectified open hidden danger is one open hidden danger fewer (and
 * one overdue fewer when past its deadline at the database's date, as the ranking judges it); an
 * added hidden danger is one more, not yet overdue.
 */
export async function backlogMoves(db: Db, changes: ScenarioChange[]): Promise<BacklogMove[]> {
  const rectified = ids(changes, (c) => (c.kind === 'rectify_hidden_danger' ? c.hiddenDangerId : undefined))
  const added = changes.flatMap((c) => (c.kind === 'add_hidden_danger' ? [c.enterpriseId] : []))
  if (rectified.length === 0 && added.length === 0) return []
  const { rows } = await db.raw<{ rows: Array<{ lon: number; lat: number; open_hd: number; overdue: number }> }>(
    `SELECT ST_X(e.geom) AS lon, ST_Y(e.geom) AS lat, -1 AS open_hd, CASE WHEN hd.deadline < current_date THEN -1 ELSE 0 END AS overdue
     FROM hidden_danger hd JOIN enterprise e ON e.id = hd.enterprise_id
     WHERE hd.id = ANY(?::bigint[]) AND hd.status = 'open'
     UNION ALL
     SELECT ST_X(e.geom), ST_Y(e.geom), 1, 0 FROM unnest(?::bigint[]) AS a(id) JOIN enterprise e ON e.id = a.id`,
    [arrayOf(rectified), arrayOf(added)],
  )
  return rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat), openHiddenDangers: Number(r.open_hd), overdue: Number(r.overdue) }))
}

/**
 * Looks up every record the changes name and checks it: a deleted or unknown record is a 400
 * naming `changes[i].<field>`; a record outside the caller's read scope is a 403 naming it too;
 * a hidden danger already verified cannot be rectified; only rescue teams and depots move.
 * Positions must lie inside the deployment (some division unit covers them).
 */
export async function resolveReferences(db: Db, changes: ScenarioChange[], scope: ReadScope): Promise<Reference[]> {
  const hdIds = ids(changes, (c) => (c.kind === 'rectify_hidden_danger' ? c.hiddenDangerId : undefined))
  const mhIds = ids(changes, (c) => ('majorHazardId' in c ? c.majorHazardId : undefined))
  const areaIds = ids(changes, (c) => (c.kind === 'change_area_assessment' ? c.areaAssessmentId : undefined))
  const resourceIds = ids(changes, (c) => ('resourceId' in c ? c.resourceId : undefined))
  const enterpriseIds = ids(changes, (c) => (c.kind === 'add_hidden_danger' ? c.enterpriseId : undefined))

  const { rows: dangers } = await db.raw<{ rows: Array<{ id: string; enterprise_id: string; status: string }> }>(
    'SELECT id, enterprise_id, status FROM hidden_danger WHERE id = ANY(?::bigint[])',
    [arrayOf(hdIds)],
  )
  const { rows: hazards } = await db.raw<{ rows: Array<{ id: string; enterprise_id: string }> }>(
    'SELECT id, enterprise_id FROM major_hazard WHERE id = ANY(?::bigint[])',
    [arrayOf(mhIds)],
  )
  const { rows: areas } = await db.raw<{ rows: Array<{ id: string; division_code: string | null }> }>(
    'SELECT id, division_code FROM area_assessment WHERE id = ANY(?::bigint[])',
    [arrayOf(areaIds)],
  )
  const { rows: resources } = await db.raw<{ rows: Array<{ id: string; kind: string; status: string; capabilities: string[]; lon: number; lat: number }> }>(
    'SELECT id, kind, status, capabilities, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM resource WHERE id = ANY(?::bigint[])',
    [arrayOf(resourceIds)],
  )
  const danger = new Map(dangers.map((d) => [Number(d.id), { enterpriseId: Number(d.enterprise_id), status: d.status }]))
  const hazard = new Map(hazards.map((h) => [Number(h.id), Number(h.enterprise_id)]))
  const area = new Map(areas.map((a) => [Number(a.id), a.division_code]))
  const resource = new Map(
    resources.map((r) => [
      Number(r.id),
      { id: Number(r.id), kind: r.kind, status: r.status, capabilities: r.capabilities ?? [], lon: Number(r.lon), lat: Number(r.lat) },
    ]),
  )
  const allEnterprises = [...new Set([...enterpriseIds, ...[...danger.values()].map((d) => d.enterpriseId), ...hazard.values()])]
  const { rows: enterprises } = await db.raw<{ rows: Array<{ id: string; division_code: string | null; mgmt_grid_id: string | null }> }>(
    'SELECT id, division_code, mgmt_grid_id FROM enterprise WHERE id = ANY(?::bigint[])',
    [arrayOf(allEnterprises)],
  )
  const enterprise = new Map(
    enterprises.map((e) => [Number(e.id), { divisionCode: e.division_code, mgmtGridId: e.mgmt_grid_id === null ? null : Number(e.mgmt_grid_id) }]),
  )

  const outside = (field: string, what: string) =>
    new AppError(403, 'out_of_jurisdiction', `${field}: ${what} lies outside your jurisdiction`, [{ field, message: `${what} lies outside your jurisdiction` }])
  const checkEnterprise = (field: string, what: string, id: number) => {
    const e = enterprise.get(id)
    if (!e) throw invalid(field, `${what} does not exist (deleted or unknown)`)
    if (!inScope(scope, e)) throw outside(field, what)
    return id
  }

  const refs = changes.map((c, i): Reference => {
    const at = `changes[${i}]`
    switch (c.kind) {
      case 'rectify_hidden_danger': {
        const d = danger.get(c.hiddenDangerId)
        if (!d) throw invalid(`${at}.hiddenDangerId`, `hidden danger ${c.hiddenDangerId} does not exist (deleted or unknown)`)
        if (d.status === 'verified') throw invalid(`${at}.hiddenDangerId`, `hidden danger ${c.hiddenDangerId} is already rectified and verified`)
        return { enterpriseId: checkEnterprise(`${at}.hiddenDangerId`, `hidden danger ${c.hiddenDangerId}`, d.enterpriseId) }
      }
      case 'add_hidden_danger':
        return { enterpriseId: checkEnterprise(`${at}.enterpriseId`, `enterprise ${c.enterpriseId}`, c.enterpriseId) }
      case 'remove_installation':
      case 'relocate_installation':
      case 'reduce_installation': {
        const e = hazard.get(c.majorHazardId)
        if (e === undefined) throw invalid(`${at}.majorHazardId`, `major hazard ${c.majorHazardId} does not exist (deleted or unknown)`)
        return { enterpriseId: checkEnterprise(`${at}.majorHazardId`, `major hazard ${c.majorHazardId}`, e) }
      }
      case 'change_area_assessment': {
        if (!area.has(c.areaAssessmentId)) throw invalid(`${at}.areaAssessmentId`, `area assessment ${c.areaAssessmentId} does not exist (deleted or unknown)`)
        const code = area.get(c.areaAssessmentId) ?? null
        if (scope.mgmtGridId !== null || (scope.divisionPrefix !== null && !(code ?? '').startsWith(scope.divisionPrefix))) {
          throw outside(`${at}.areaAssessmentId`, `area assessment ${c.areaAssessmentId}`)
        }
        return { areaId: c.areaAssessmentId }
      }
      case 'move_resource':
      case 'remove_resource': {
        const r = resource.get(c.resourceId)
        if (!r) throw invalid(`${at}.resourceId`, `resource ${c.resourceId} does not exist (deleted or unknown)`)
        if (r.kind !== 'rescue_team' && r.kind !== 'depot')
          throw invalid(`${at}.resourceId`, `resource ${c.resourceId} is a ${r.kind}; a scenario moves rescue teams and depots`)
        return { resource: r }
      }
      case 'add_resource':
        return {}
    }
  })

  const points = changes.flatMap((c, i) => ('lon' in c && c.lon !== undefined && 'lat' in c && c.lat !== undefined ? [{ i, lon: c.lon, lat: c.lat }] : []))
  if (points.length > 0) {
    const { rows } = await db.raw<{ rows: Array<{ i: number }> }>(
      `SELECT p.i FROM jsonb_to_recordset(?::jsonb) AS p(i integer, lon float8, lat float8)
       WHERE NOT EXISTS (SELECT 1 FROM division d WHERE ST_Covers(d.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)))
       ORDER BY p.i LIMIT 1`,
      [JSON.stringify(points)],
    )
    if (rows.length > 0) throw invalid(`changes[${rows[0]!.i}].lon`, 'the position lies outside the deployment (no division unit covers it)')
  }
  return refs
}

/** A saved scenario as stored. */
export interface ScenarioRow {
  id: number
  name: string
  description: string | null
  /** As saved: each change an object (parseScenarioChanges checks them again before use). */
  changes: Array<Record<string, unknown>>
  coverage: CoverageOptions
  createdBy: number
  createdByName: string | null
  createdAt: string
  divisionPrefix: string | null
  result: unknown
  computedAt: string
  dataVersion: number
}

// A type, not an interface, so that it is a plain JSON object to the response type of a saved scenario.
export type CoverageOptions = {
  /** Response distance a team must be within, metres. */
  thresholdM: number
  /** Cells at this level or above need a team (3 = orange and red). */
  minLevel: number
  /** Only teams with this capability; null for any. */
  capability: string | null
}

const COLUMNS = `s.id, s.name, s.description, s.changes, s.coverage, s.created_by, u.display_name AS created_by_name, s.created_at,
  s.division_prefix, s.computed_at, s.data_version`

function toRow(r: Record<string, unknown>, withResult: boolean): ScenarioRow {
  return {
    id: Number(r.id),
    name: r.name as string,
    description: (r.description as string | null) ?? null,
    changes: r.changes as Array<Record<string, unknown>>,
    coverage: r.coverage as CoverageOptions,
    createdBy: Number(r.created_by),
    createdByName: (r.created_by_name as string | null) ?? null,
    createdAt: new Date(r.created_at as string).toISOString(),
    divisionPrefix: (r.division_prefix as string | null) ?? null,
    result: withResult ? r.result : undefined,
    computedAt: new Date(r.computed_at as string).toISOString(),
    dataVersion: Number(r.data_version),
  }
}

/** The scope condition: a caller limited to a division prefix reads the scenarios made within it. */
function scoped(q: Knex.QueryBuilder, scope: ReadScope): Knex.QueryBuilder {
  if (scope.all) return q
  if (scope.divisionPrefix === null) return q.whereRaw('false')
  return q.whereRaw("coalesce(s.division_prefix, '') LIKE ? || '%'", [scope.divisionPrefix])
}

export async function insertScenario(
  trx: Knex.Transaction,
  s: {
    name: string
    description: string | null
    changes: unknown[]
    coverage: CoverageOptions
    createdBy: number
    divisionPrefix: string | null
    result: unknown
    dataVersion: number
  },
): Promise<number> {
  const [row] = await trx('scenario')
    .insert({
      name: s.name,
      description: s.description,
      changes: JSON.stringify(s.changes),
      coverage: JSON.stringify(s.coverage),
      created_by: s.createdBy,
      division_prefix: s.divisionPrefix,
      result: JSON.stringify(s.result),
      data_version: s.dataVersion,
    })
    .returning('id')
  return Number((row as { id: number }).id)
}

export async function updateResult(trx: Knex.Transaction, id: number, result: unknown, dataVersion: number): Promise<void> {
  await trx('scenario')
    .where({ id })
    .update({ result: JSON.stringify(result), data_version: dataVersion, computed_at: trx.fn.now() })
}

export async function getScenario(db: Db, id: number, scope: ReadScope, options: { forUpdate?: boolean } = {}): Promise<ScenarioRow | null> {
  const q = db('scenario as s').leftJoin('app_user as u', 'u.id', 's.created_by').select(db.raw(COLUMNS), 's.result').where('s.id', id)
  if (options.forUpdate) q.forUpdate('s')
  const row = await scoped(q, scope).first()
  return row ? toRow(row as Record<string, unknown>, true) : null
}

export async function listScenarios(db: Db, scope: ReadScope, page: { limit: number; offset: number }): Promise<{ total: number; items: ScenarioRow[] }> {
  const base = () => scoped(db('scenario as s'), scope)
  const [{ count }] = (await base().count<{ count: string }[]>('* as count')) as Array<{ count: string }>
  const rows = await base()
    .leftJoin('app_user as u', 'u.id', 's.created_by')
    .select(db.raw(COLUMNS))
    .orderBy('s.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
  return { total: Number(count), items: (rows as Array<Record<string, unknown>>).map((r) => toRow(r, false)) }
}

export async function deleteScenario(trx: Knex.Transaction, id: number): Promise<void> {
  await trx('scenario').where({ id }).delete()
}

export async function currentDataVersion(db: Db): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ version: string }> }>('SELECT version FROM data_version')
  return Number(rows[0]?.version ?? 0)
}
