import type { Knex } from 'knex'
import type { Db } from '../db/db'
import { regionLevel } from '../domain/region-level'
import type { RuleSet } from '../domain/rules'
import { bumpDataVersion, jsonRows, lockGrading, pgArray } from './repository'

export interface RegionRef {
  kind: 'division' | 'mgmt_grid'
  key: string
}

/**
 * Maps analysis cells to the regions they intersect (division units and management grids), with
 * the geodesic area of each intersection. `cellIds` null remaps every cell (after a full regrade,
 * or when region polygons changed); otherwise only the given, newly created cells are mapped.
 */
export async function mapCellsToRegions(db: Db, res: number, cellIds: number[] | null): Promise<void> {
  if (cellIds === null) {
    await db.raw('TRUNCATE region_cell')
    await db.raw(
      `INSERT INTO region_mapping (res, fingerprint) VALUES (?, (${REGION_FINGERPRINT_SQL}))
       ON CONFLICT (singleton) DO UPDATE SET res = excluded.res, fingerprint = excluded.fingerprint, mapped_at = now()`,
      [res],
    )
  } else if (cellIds.length === 0) return
  // Subdivided region pieces (≤ 64 vertices) keep the point-in-polygon work small; they partition
  // each region, so the per-piece areas add up to the cell's area in the region.
  await db.raw(
    `WITH cells AS (SELECT id, geom FROM cell WHERE res = ? AND (?::bigint[] IS NULL OR id = ANY(?::bigint[]))),
     extent AS (SELECT ST_SetSRID(ST_Extent(geom), 4326) AS box FROM cells),
     regions AS (
       SELECT 'division'::text AS kind, code AS key, geom FROM division, extent WHERE geom && extent.box
       UNION ALL SELECT 'mgmt_grid', id::text, geom FROM mgmt_grid, extent WHERE geom && extent.box
     ),
     pieces AS (SELECT kind, key, ST_Subdivide(geom, 64) AS geom FROM regions)
     INSERT INTO region_cell (region_kind, region_key, cell_id, area_m2)
     SELECT kind, key, id, sum(area) FROM (
       SELECT p.kind, p.key, c.id,
         CASE WHEN ST_CoveredBy(c.geom, p.geom) THEN ST_Area(c.geom::geography)
              ELSE ST_Area(ST_Intersection(c.geom, p.geom)::geography) END AS area
       FROM pieces p JOIN cells c ON c.geom && p.geom AND ST_Intersects(c.geom, p.geom)
     ) parts
     GROUP BY kind, key, id
     HAVING sum(area) > 1
     ON CONFLICT DO NOTHING`,
    [res, cellIds === null ? null : pgArray(cellIds), cellIds === null ? null : pgArray(cellIds)],
  )
}

/** A digest of every region polygon: equal digests mean the cell → region mapping still holds. */
const REGION_FINGERPRINT_SQL = `SELECT md5(coalesce(string_agg(k, ',' ORDER BY k), '')) FROM (
    SELECT 'division:' || code || ':' || md5(ST_AsEWKB(geom)) AS k FROM division
    UNION ALL SELECT 'mgmt_grid:' || id || ':' || md5(ST_AsEWKB(geom)) FROM mgmt_grid) regions`

/**
 * Brings the cell → region mapping up to date after a full regrade: when the region polygons and
 * the resolution are those the mapping was made from, only cells without a mapping (the ones the
 * run created, and cells outside every region) are mapped; otherwise every cell is mapped again.
 * Returns whether it remapped everything.
 */
export async function refreshCellRegions(db: Db, res: number): Promise<boolean> {
  const { rows } = await db.raw<{ rows: Array<{ current: boolean }> }>(
    `SELECT EXISTS (SELECT 1 FROM region_mapping WHERE res = ? AND fingerprint = (${REGION_FINGERPRINT_SQL})) AS current`,
    [res],
  )
  if (!rows[0]!.current) {
    await mapCellsToRegions(db, res, null)
    return true
  }
  const { rows: unmapped } = await db.raw<{ rows: Array<{ id: string }> }>(
    'SELECT c.id FROM cell c WHERE c.res = ? AND NOT EXISTS (SELECT 1 FROM region_cell rc WHERE rc.cell_id = c.id)',
    [res],
  )
  await mapCellsToRegions(
    db,
    res,
    unmapped.map((r) => Number(r.id)),
  )
  return false
}

/** Regions that the given analysis cells (by h3) currently lie in. */
export async function regionsOfCells(db: Db, res: number, h3s: string[]): Promise<RegionRef[]> {
  if (h3s.length === 0) return []
  const { rows } = await db.raw<{ rows: Array<{ kind: RegionRef['kind']; key: string }> }>(
    `SELECT DISTINCT rc.region_kind AS kind, rc.region_key AS key
     FROM region_cell rc JOIN cell c ON c.id = rc.cell_id WHERE c.res = ? AND c.h3 = ANY(?::text[])`,
    [res, pgArray(h3s)],
  )
  return rows
}

/**
 * Recomputes region levels (docs/domain.md §4.4): the share of each region's area at each level
 * (0 = no identified source), its grade from those shares by `regionLevel` under `rules`, its
 * highest cell level (就高), and whether the cells at or above its grade are all stale.
 * `regions` null recomputes every region.
 */
export async function recomputeRegions(db: Db, res: number, regions: RegionRef[] | null, rules: RuleSet): Promise<number> {
  if (regions !== null && regions.length === 0) return 0
  const filter = regions === null ? null : JSON.stringify(regions)
  const { rows } = await db.raw<{ rows: Array<{ kind: RegionRef['kind']; key: string; total: number; levels: Record<string, [number, boolean]> }> }>(
    `WITH target AS (
       SELECT 'division'::text AS kind, code AS key, ST_Area(geom::geography) AS total FROM division
       UNION ALL SELECT 'mgmt_grid', id::text, ST_Area(geom::geography) FROM mgmt_grid
     ),
     chosen AS (
       SELECT t.* FROM target t
       WHERE ?::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_to_recordset(?::jsonb) AS r(kind text, key text) WHERE r.kind = t.kind AND r.key = t.key)
     ),
     by_level AS (
       SELECT rc.region_kind AS kind, rc.region_key AS key, c.level, bool_and(c.stale) AS stale, sum(rc.area_m2) AS area
       FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ?
       JOIN chosen ch ON ch.kind = rc.region_kind AND ch.key = rc.region_key
       GROUP BY rc.region_kind, rc.region_key, c.level
     )
     SELECT ch.kind, ch.key, ch.total,
       coalesce(jsonb_object_agg(b.level::text, jsonb_build_array(b.area, b.stale)) FILTER (WHERE b.level IS NOT NULL), '{}') AS levels
     FROM chosen ch LEFT JOIN by_level b ON b.kind = ch.kind AND b.key = ch.key
     GROUP BY ch.kind, ch.key, ch.total`,
    [filter, filter, res],
  )
  const graded = rows.map((r) => {
    const g = gradeRegionAreas(Number(r.total), r.levels, rules)
    return { k: r.kind, y: r.key, l: g.level, m: g.highestLevel, s: g.stale, sh: g.shares }
  })
  for (let i = 0; i < graded.length; i += 5_000) {
    await db.raw(
      `INSERT INTO region_level (region_kind, region_key, level, max_level, stale, shares, rule_version, updated_at)
       SELECT k, y, l, m, s, sh, ?, now() FROM jsonb_to_recordset(?::jsonb) AS x(k text, y text, l smallint, m smallint, s boolean, sh jsonb)
       ON CONFLICT (region_kind, region_key) DO UPDATE SET level = excluded.level, max_level = excluded.max_level, stale = excluded.stale,
         shares = excluded.shares, rule_version = excluded.rule_version, updated_at = excluded.updated_at`,
      [rules.version, jsonRows(graded.slice(i, i + 5_000))],
    )
  }
  return graded.length
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6

/**
 * A region's shares, grade, highest cell level and stale flag from its total area and the area
 * (m²) and all-stale flag of its cells at each level ≥ 1. Shares are rounded to 6 decimals, and
 * the grade is taken from the rounded shares, so the stored shares explain the stored grade.
 */
export function gradeRegionAreas(totalM2: number, levels: Record<string, [number, boolean]>, rules: RuleSet) {
  const shares: Record<string, number> = {}
  let covered = 0
  for (const [level, [area]] of Object.entries(levels)) {
    shares[level] = round6(totalM2 > 0 ? Math.min(1, area / totalM2) : 0)
    covered += area
  }
  shares['0'] = round6(totalM2 > 0 ? Math.max(0, 1 - covered / totalM2) : 1)
  const grade = regionLevel(shares, rules)
  // Stale when every cell at or above the grade rests on out-of-date records only.
  const above = Object.entries(levels).filter(([level, [area]]) => Number(level) >= grade.level && area > 0)
  const stale = grade.level > 0 && above.length > 0 && above.every(([, [, s]]) => s)
  return { level: grade.level, highestLevel: grade.highestLevel, stale, shares }
}

/**
 * The sources behind a region's level: those influencing the region's cells at its level,
 * ranked by their own level and by how many of those cells they reach.
 */
export async function regionTopSources(db: Db, res: number, region: RegionRef, level: number, limit = 5) {
  const { rows } = await db.raw<{ rows: Array<{ kind: string; id: string; level: number; cells: number }> }>(
    `SELECT cs.source_kind AS kind, cs.source_id AS id, max(cs.level) AS level, count(*)::int AS cells
     FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ? AND c.level = ?
     JOIN cell_source cs ON cs.h3 = c.h3
     WHERE rc.region_kind = ? AND rc.region_key = ?
     GROUP BY cs.source_kind, cs.source_id
     ORDER BY max(cs.level) DESC, count(*) DESC, cs.source_kind, cs.source_id
     LIMIT ?`,
    [res, level, region.kind, region.key, limit],
  )
  return rows.map((r) => ({ kind: r.kind, id: Number(r.id), level: r.level, cells: r.cells }))
}

/**
 * Regrades every region whose grade was set under another rule version (e.g. after an upgrade that
 * changed the region rule), so a running service never mixes two region rules. Cells are untouched.
 * Returns the number of regions regraded (0 when all are current).
 */
export async function refreshRegionGrades(db: Knex, options: { res: number; rules: RuleSet }): Promise<number> {
  const outdated = await db('region_level').whereRaw('rule_version IS DISTINCT FROM ?', [options.rules.version]).first('region_key')
  if (!outdated) return 0
  return db.transaction(async (trx) => {
    await lockGrading(trx)
    const n = await recomputeRegions(trx, options.res, null, options.rules)
    await bumpDataVersion(trx)
    return n
  })
}
