import type { Knex } from 'knex'
import type { MultiPolygon, Polygon } from 'geojson'
import type { Level } from '../../domain/levels'
import type { Capability, ResourceStatus } from '../../domain/resources'

/** A region as the report queries it: `key` is what region_level / region_cell use (a grid's id), `code` what the URL names. */
export interface RegionScope {
  kind: 'division' | 'mgmt_grid'
  key: string
  code: string
}

/** The region's polygon by code, as a CTE body binding the code once (table names from this allowlist only). */
const REGION_SQL: Record<RegionScope['kind'], string> = {
  division: 'SELECT geom, geom::geography AS geog FROM division WHERE code = ?',
  mgmt_grid: 'SELECT geom, geom::geography AS geog FROM mgmt_grid WHERE code = ?',
}

type Row = Record<string, unknown>

async function rowsOf(db: Knex, sql: string, bindings: readonly unknown[]): Promise<Row[]> {
  const { rows } = await db.raw<{ rows: Row[] }>(sql, bindings as Knex.RawBinding[])
  return rows
}

/**
 * The region's outline for a small map, simplified to about a thousandth of its extent (degrees),
 * its full polygon (to count the cells covering it) and a point on its surface.
 */
export async function regionShape(db: Knex, region: RegionScope) {
  const [row] = await rowsOf(
    db,
    `WITH region AS (${REGION_SQL[region.kind]}),
     extent AS (SELECT greatest(ST_XMax(geom) - ST_XMin(geom), ST_YMax(geom) - ST_YMin(geom)) AS size FROM region)
     SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(region.geom, extent.size / 1000), 5)::json AS outline,
       ST_AsGeoJSON(region.geom)::json AS geometry,
       ST_X(ST_PointOnSurface(region.geom)) AS lon, ST_Y(ST_PointOnSurface(region.geom)) AS lat
     FROM region, extent`,
    [region.code],
  )
  if (!row) return undefined
  return { outline: row.outline as Polygon | MultiPolygon, geometry: row.geometry as Polygon | MultiPolygon, lon: Number(row.lon), lat: Number(row.lat) }
}

/** The region's analysis cells with a level, counted per level, and how many of them are stale. */
export async function gradedCells(db: Knex, res: number, region: RegionScope) {
  const rows = await rowsOf(
    db,
    `SELECT c.level, count(*)::int AS cells, count(*) FILTER (WHERE c.stale)::int AS stale
     FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ?
     WHERE rc.region_kind = ? AND rc.region_key = ? AND c.level > 0
     GROUP BY c.level`,
    [res, region.kind, region.key],
  )
  const byLevel: Partial<Record<number, number>> = {}
  let stale = 0
  for (const r of rows) {
    byLevel[Number(r.level)] = Number(r.cells)
    stale += Number(r.stale)
  }
  return { byLevel, stale, total: rows.reduce((sum, r) => sum + Number(r.cells), 0) }
}

/** The H3 ids of the region's analysis cells (those that ever had a source), for its change history. */
export async function regionCellIds(db: Knex, res: number, region: RegionScope): Promise<string[]> {
  const rows = await rowsOf(
    db,
    `SELECT c.h3 FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ?
     WHERE rc.region_kind = ? AND rc.region_key = ? ORDER BY c.h3`,
    [res, region.kind, region.key],
  )
  return rows.map((r) => r.h3 as string)
}

/** Cells with a level at resolution `res` that touch the region, as rings (WGS 84, 5 decimals ≈ 1 m), for the report's map. */
export async function mapCells(db: Knex, res: number, region: RegionScope, limit: number) {
  const rows = await rowsOf(
    db,
    `WITH region AS (${REGION_SQL[region.kind]})
     SELECT c.level, c.stale, ST_AsGeoJSON(c.geom, 5)::json AS geometry
     FROM cell c, region
     WHERE c.res = ? AND c.level > 0 AND c.geom && region.geom AND ST_Intersects(c.geom, region.geom)
     ORDER BY c.level, c.id LIMIT ?`,
    [region.code, res, limit],
  )
  return rows.map((r) => ({ level: Number(r.level) as Level, stale: r.stale as boolean, ring: (r.geometry as Polygon).coordinates[0]! }))
}

/** Level changes of the region's cells per calendar month since `since` (YYYY-MM-DD): change events that raised or lowered a level. */
export async function monthlyChanges(db: Knex, res: number, region: RegionScope, since: string) {
  const rows = await rowsOf(
    db,
    `SELECT to_char(date_trunc('month', h.changed_at), 'YYYY-MM') AS month,
       count(*) FILTER (WHERE h.new_level <> h.old_level AND h.first)::int AS first_graded,
       count(*) FILTER (WHERE h.new_level > h.old_level AND NOT h.first)::int AS raised,
       count(*) FILTER (WHERE h.new_level < h.old_level AND NOT h.first)::int AS lowered
     FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ?
     CROSS JOIN LATERAL (
       -- A cell's first history row is its first grading, not a raised level.
       SELECT h.*, NOT EXISTS (
           SELECT 1 FROM cell_level_history e WHERE e.h3 = h.h3 AND e.res = h.res AND (e.changed_at, e.id) < (h.changed_at, h.id)
         ) AS first
         FROM cell_level_history h WHERE h.h3 = c.h3 AND h.res = c.res AND h.changed_at >= ?::date
     ) h
     WHERE rc.region_kind = ? AND rc.region_key = ?
     GROUP BY 1 ORDER BY 1`,
    [res, since, region.kind, region.key],
  )
  return new Map(rows.map((r) => [r.month as string, { firstGraded: Number(r.first_graded), raised: Number(r.raised), lowered: Number(r.lowered) }]))
}

/**
 * Emergency resources by kind: those inside the region, and those within `bufferM` metres of it
 * (geodesic, inside included).
 */
export async function resourceCounts(db: Knex, region: RegionScope, bufferM: number) {
  const rows = await rowsOf(
    db,
    `WITH region AS (${REGION_SQL[region.kind]})
     SELECT r.kind, count(*) FILTER (WHERE ST_Intersects(r.geom, region.geom))::int AS inside, count(*)::int AS within
     FROM resource r, region
     WHERE ST_DWithin(r.geog, region.geog, ?::float8)
     GROUP BY r.kind`,
    [region.code, bufferM],
  )
  return new Map(rows.map((r) => [r.kind as string, { inside: Number(r.inside), within: Number(r.within) }]))
}

/**
 * The k rescue teams nearest to the region by geodesic distance on the spheroid (0 inside it; the
 * teams inside are ranked by their distance from the region's centre, a point on its surface). The
 * GiST KNN step ranks by planar distance in degrees, which stretches east-west distances by
 * 1/cos(latitude); taking `candidates` ≫ k of them before the exact ranking keeps the true k
 * nearest among them at city scale.
 */
export async function nearestTeams(db: Knex, region: RegionScope, k: number, candidates = 40) {
  const rows = await rowsOf(
    db,
    `WITH region AS (${REGION_SQL[region.kind]}),
     centre AS (SELECT ST_PointOnSurface(geom) AS geom, ST_PointOnSurface(geom)::geography AS geog FROM region),
     near AS (
       SELECT r.* FROM resource r, region, centre WHERE r.kind = 'rescue_team'
       ORDER BY r.geom <-> region.geom, r.geom <-> centre.geom LIMIT ?
     )
     SELECT n.id, n.name, n.team_type, n.headcount, n.capabilities, n.status, n.duty_phone,
       ST_Distance(n.geog, region.geog, true) AS distance_m, ST_Distance(n.geog, centre.geog, true) AS centre_distance_m
     FROM near n, region, centre
     ORDER BY distance_m, centre_distance_m, n.id
     LIMIT ?`,
    [region.code, candidates, k],
  )
  return rows.map((r) => ({
    id: Number(r.id),
    name: r.name as string,
    teamType: (r.team_type as string | null) ?? null,
    headcount: (r.headcount as number | null) ?? null,
    capabilities: r.capabilities as Capability[],
    status: r.status as ResourceStatus,
    dutyPhone: (r.duty_phone as string | null) ?? null,
    distanceM: Math.round(Number(r.distance_m)),
    centreDistanceM: Math.round(Number(r.centre_distance_m)),
  }))
}

/**
 * Enforcement behind the enterprises located in the region: inspections and penalties since
 * `since` (YYYY-MM-DD), and the hidden dangers and violations open now (overdue: open past the
 * deadline, judged at the database's current date, as the overdue list does).
 */
export async function enforcementSummary(db: Knex, region: RegionScope, since: string) {
  const [row] = await rowsOf(
    db,
    `WITH region AS (${REGION_SQL[region.kind]}),
     ent AS (SELECT e.id FROM enterprise e, region WHERE e.geom && region.geom AND ST_Intersects(e.geom, region.geom))
     SELECT
       (SELECT count(*) FROM ent)::int AS enterprises,
       (SELECT count(*) FROM inspection i JOIN ent ON ent.id = i.enterprise_id WHERE i.inspected_at >= ?::date)::int AS inspections,
       (SELECT count(*) FROM inspection i JOIN ent ON ent.id = i.enterprise_id
         WHERE i.inspected_at >= ?::date AND i.result = 'violations_found')::int AS inspections_with_findings,
       (SELECT count(*) FROM inspection i JOIN ent ON ent.id = i.enterprise_id WHERE i.inspected_at IS NULL)::int AS inspections_pending,
       (SELECT to_char(max(i.inspected_at), 'YYYY-MM-DD') FROM inspection i JOIN ent ON ent.id = i.enterprise_id) AS last_inspection,
       (SELECT count(*) FROM hidden_danger h JOIN ent ON ent.id = h.enterprise_id WHERE h.status = 'open')::int AS hd_open,
       (SELECT count(*) FROM hidden_danger h JOIN ent ON ent.id = h.enterprise_id WHERE h.status = 'open' AND h.deadline < current_date)::int AS hd_overdue,
       (SELECT count(*) FROM hidden_danger h JOIN ent ON ent.id = h.enterprise_id WHERE h.status = 'open' AND h.is_major)::int AS hd_major_open,
       (SELECT count(*) FROM hidden_danger h JOIN ent ON ent.id = h.enterprise_id WHERE h.status = 'rectified')::int AS hd_unverified,
       (SELECT count(*) FROM violation v JOIN ent ON ent.id = v.enterprise_id WHERE v.status = 'open')::int AS v_open,
       (SELECT count(*) FROM violation v JOIN ent ON ent.id = v.enterprise_id WHERE v.status = 'open' AND v.deadline < current_date)::int AS v_overdue,
       (SELECT count(*) FROM penalty p JOIN ent ON ent.id = p.enterprise_id WHERE p.decided_at >= ?::date)::int AS penalties,
       (SELECT coalesce(sum(p.amount_yuan), 0)::float8 FROM penalty p JOIN ent ON ent.id = p.enterprise_id WHERE p.decided_at >= ?::date) AS penalty_yuan,
       (SELECT count(*) FROM penalty p JOIN ent ON ent.id = p.enterprise_id WHERE p.decided_at >= ?::date AND p.published)::int AS penalties_published,
       (SELECT count(*) FROM enterprise e JOIN ent ON ent.id = e.id WHERE e.credit_status = 'blacklisted')::int AS blacklisted`,
    [region.code, since, since, since, since, since],
  )
  const n = (key: string) => Number(row![key])
  return {
    enterprises: n('enterprises'),
    blacklisted: n('blacklisted'),
    inspections: {
      done: n('inspections'),
      withViolations: n('inspections_with_findings'),
      pending: n('inspections_pending'),
      lastDate: (row!.last_inspection as string | null) ?? null,
    },
    hiddenDangers: { open: n('hd_open'), overdue: n('hd_overdue'), majorOpen: n('hd_major_open'), awaitingVerification: n('hd_unverified') },
    violations: { open: n('v_open'), overdue: n('v_overdue') },
    penalties: { count: n('penalties'), amountYuan: Math.round(n('penalty_yuan') * 100) / 100, published: n('penalties_published') },
  }
}
