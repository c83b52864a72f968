/**
 * What the priority ranking measures (docs/ranking.md), read from the database: the areas to rank
 * (regions of one rank, or graded cells), their graded cells, the residents around their major
 * hazard installations and their enforcement backlog. Enterprise-derived figures count only the
 * enterprises in the reader's scope (auth/access readScope). Every value is a bound parameter; the
 * table names come from the allowlists below.
 */
import type { MultiPolygon, Polygon } from 'geojson'
import type { Knex } from 'knex'
import type { ReadScope } from '../auth/access'
import { scopeSql } from '../auth/jurisdiction'

/** Which regions a ranking of regions lists: divisions of a rank, or management grids. */
export type RegionRank = 'county' | 'township' | 'grid'

export interface RankedRegionRow {
  kind: 'division' | 'mgmt_grid'
  /** What region_level / region_cell use: a division's code, a grid's id. */
  key: string
  /** The division code or the grid code (what the map's `sel=region:` takes). */
  code: string
  name: string
  /** county, township or grid. */
  rank: string
  level: number
  highestLevel: number
  stale: boolean
}

/** Regions of `rank` whose division code starts with every given prefix (a regionCode's and the reader's). */
export async function regionsToRank(db: Knex, rank: RegionRank, prefixes: readonly string[]): Promise<RankedRegionRow[]> {
  const likes = prefixes.map((p) => `${p}%`)
  const sql =
    rank === 'grid'
      ? `SELECT 'mgmt_grid' AS kind, g.id::text AS key, g.code, g.name, 'grid' AS rank,
           coalesce(rl.level, 0) AS level, coalesce(rl.max_level, 0) AS highest_level, coalesce(rl.stale, false) AS stale
         FROM mgmt_grid g LEFT JOIN region_level rl ON rl.region_kind = 'mgmt_grid' AND rl.region_key = g.id::text
         WHERE ${likes.map(() => 'g.division_code LIKE ?').join(' AND ') || 'TRUE'}
         ORDER BY g.code`
      : `SELECT 'division' AS kind, d.code AS key, d.code, d.name, d.rank,
           coalesce(rl.level, 0) AS level, coalesce(rl.max_level, 0) AS highest_level, coalesce(rl.stale, false) AS stale
         FROM division d LEFT JOIN region_level rl ON rl.region_kind = 'division' AND rl.region_key = d.code
         WHERE d.rank = ? ${likes.map(() => 'AND d.code LIKE ?').join(' ')}
         ORDER BY d.code`
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(sql, rank === 'grid' ? likes : [rank, ...likes])
  return rows.map((r) => ({
    kind: r.kind as RankedRegionRow['kind'],
    key: String(r.key),
    code: String(r.code),
    name: String(r.name),
    rank: String(r.rank),
    level: Number(r.level),
    highestLevel: Number(r.highest_level),
    stale: Boolean(r.stale),
  }))
}

export interface GradedCellRow {
  h3: string
  level: number
  score: number
  stale: boolean
}

/** SQL condition: the cell aliased `c` lies (in part) in a division whose code starts with each prefix. */
function cellInPrefixes(prefixes: readonly string[]): { sql: string; bindings: string[] } {
  if (prefixes.length === 0) return { sql: 'TRUE', bindings: [] }
  return {
    sql: `EXISTS (SELECT 1 FROM region_cell rc WHERE rc.cell_id = c.id AND rc.region_kind = 'division' AND ${prefixes.map(() => 'rc.region_key LIKE ?').join(' AND ')})`,
    bindings: prefixes.map((p) => `${p}%`),
  }
}

/** How many graded analysis cells at `res` lie in the prefixes (checked against the bound before reading them). */
export async function countGradedCells(db: Knex, res: number, prefixes: readonly string[]): Promise<number> {
  const where = cellInPrefixes(prefixes)
  const { rows } = await db.raw<{ rows: Array<{ n: number }> }>(`SELECT count(*)::int AS n FROM cell c WHERE c.res = ? AND c.level > 0 AND ${where.sql}`, [
    res,
    ...where.bindings,
  ])
  return Number(rows[0]?.n ?? 0)
}

/** The graded analysis cells at `res` in the prefixes. */
export async function gradedCells(db: Knex, res: number, prefixes: readonly string[]): Promise<GradedCellRow[]> {
  const where = cellInPrefixes(prefixes)
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT c.h3, c.level, c.score, c.stale FROM cell c WHERE c.res = ? AND c.level > 0 AND ${where.sql} ORDER BY c.h3`,
    [res, ...where.bindings],
  )
  return rows.map((r) => ({ h3: String(r.h3), level: Number(r.level), score: Number(r.score), stale: Boolean(r.stale) }))
}

export interface RegionCellRow extends GradedCellRow {
  key: string
  /** Area of the cell inside the region, m² (geodesic). */
  areaM2: number
}

/** The graded cells of the given regions with the area of each inside its region. */
export async function regionCells(db: Knex, res: number, kind: RankedRegionRow['kind'], keys: readonly string[]): Promise<RegionCellRow[]> {
  if (keys.length === 0) return []
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT rc.region_key AS key, c.h3, c.level, c.score, c.stale, rc.area_m2
     FROM region_cell rc JOIN cell c ON c.id = rc.cell_id AND c.res = ?
     WHERE rc.region_kind = ? AND rc.region_key = ANY(?::text[]) AND c.level > 0`,
    [res, kind, [...keys]],
  )
  return rows.map((r) => ({
    key: String(r.key),
    h3: String(r.h3),
    level: Number(r.level),
    score: Number(r.score),
    stale: Boolean(r.stale),
    areaM2: Number(r.area_m2),
  }))
}

/** The polygons of the given regions, as a CTE body (table names from this allowlist only). */
const REGION_GEOMS: Record<RankedRegionRow['kind'], string> = {
  division: 'SELECT code AS key, geom FROM division WHERE code = ANY(?::text[])',
  mgmt_grid: 'SELECT id::text AS key, geom FROM mgmt_grid WHERE id::text = ANY(?::text[])',
}

/** Tolerance of the ranking map's outlines, degrees (about 20 m): enough for a city-wide view, far smaller than a township. */
const OUTLINE_SIMPLIFY_DEG = 0.0002

export interface RegionOutline {
  key: string
  /** GeoJSON (Multi)Polygon, WGS 84, simplified by OUTLINE_SIMPLIFY_DEG. */
  geometry: Polygon | MultiPolygon
  /** A point inside the region (ST_PointOnSurface), [lon, lat]: where its rank number is drawn. */
  label: [number, number]
}

/** The simplified outlines of the given regions, for the ranking map (order not guaranteed). */
export async function regionOutlines(db: Knex, kind: RankedRegionRow['kind'], keys: readonly string[]): Promise<RegionOutline[]> {
  if (keys.length === 0) return []
  const { rows } = await db.raw<{ rows: Array<{ key: string; geometry: RegionOutline['geometry']; lon: number; lat: number }> }>(
    `WITH reg AS (${REGION_GEOMS[kind]})
     SELECT reg.key, ST_AsGeoJSON(ST_SimplifyPreserveTopology(reg.geom, ?::float8), 6)::json AS geometry,
            ST_X(ST_PointOnSurface(reg.geom)) AS lon, ST_Y(ST_PointOnSurface(reg.geom)) AS lat
     FROM reg`,
    [[...keys], OUTLINE_SIMPLIFY_DEG],
  )
  return rows.map((r) => ({ key: String(r.key), geometry: r.geometry, label: [Number(r.lon), Number(r.lat)] }))
}

/** What is counted at a point: an installation's residents, an enterprise's backlog. */
export interface PointFigures {
  /** Region key when counted by region; null when counted by point (cells). */
  key: string | null
  lon: number
  lat: number
  population: number
  overdue: number
  openHiddenDangers: number
}

/**
 * Residents within 500 m of major hazard installations (as reported for α, GB 18218-2018) and the
 * enforcement backlog of enterprises — hidden dangers open (not rectified) and hidden dangers and
 * violations open past their deadline (judged at the database's current date, as the overdue list
 * does) — within the reader's scope. Per region (`regions` given: summed over what lies in each) or
 * per point (installation or enterprise location, for cells).
 */
export async function pointFigures(
  db: Knex,
  scope: ReadScope,
  regions: { kind: RankedRegionRow['kind']; keys: readonly string[] } | null,
): Promise<PointFigures[]> {
  const inScope = scopeSql(scope, 'e')
  const points = `
    SELECT mh.geom, mh.population_500m::float8 AS population, 0 AS overdue, 0 AS open_hd
    FROM major_hazard mh JOIN enterprise e ON e.id = mh.enterprise_id WHERE ${inScope.sql}
    UNION ALL
    SELECT e.geom, 0, b.overdue, b.open_hd
    FROM (SELECT enterprise_id, count(*) FILTER (WHERE deadline < current_date)::int AS overdue, count(*) FILTER (WHERE kind = 'hd')::int AS open_hd
          FROM (SELECT 'hd' AS kind, enterprise_id, deadline FROM hidden_danger WHERE status = 'open'
                UNION ALL SELECT 'v', enterprise_id, deadline FROM violation WHERE status = 'open' AND deadline < current_date) x
          GROUP BY enterprise_id) b
    JOIN enterprise e ON e.id = b.enterprise_id WHERE ${inScope.sql}`
  if (regions) {
    if (regions.keys.length === 0) return []
    const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
      `WITH reg AS (${REGION_GEOMS[regions.kind]}), p AS (${points})
       SELECT reg.key, sum(p.population)::float8 AS population, sum(p.overdue)::int AS overdue, sum(p.open_hd)::int AS open_hd
       FROM p JOIN reg ON reg.geom && p.geom AND ST_Intersects(reg.geom, p.geom)
       GROUP BY reg.key`,
      [[...regions.keys], ...inScope.bindings, ...inScope.bindings],
    )
    return rows.map((r) => ({
      key: String(r.key),
      lon: 0,
      lat: 0,
      population: Number(r.population),
      overdue: Number(r.overdue),
      openHiddenDangers: Number(r.open_hd),
    }))
  }
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.population, p.overdue, p.open_hd FROM (${points}) p`,
    [...inScope.bindings, ...inScope.bindings],
  )
  return rows.map((r) => ({
    key: null,
    lon: Number(r.lon),
    lat: Number(r.lat),
    population: Number(r.population),
    overdue: Number(r.overdue),
    openHiddenDangers: Number(r.open_hd),
  }))
}

/** For each point (by its position in `points`), the region of `keys` that contains it (the lowest key on a shared boundary). */
export async function regionsContaining(
  db: Knex,
  kind: RankedRegionRow['kind'],
  keys: readonly string[],
  points: ReadonlyArray<{ lon: number; lat: number }>,
): Promise<Map<number, string>> {
  if (keys.length === 0 || points.length === 0) return new Map()
  const { rows } = await db.raw<{ rows: Array<{ i: number; key: string }> }>(
    `WITH reg AS (${REGION_GEOMS[kind]})
     SELECT DISTINCT ON (p.i) p.i, reg.key
     FROM jsonb_to_recordset(?::jsonb) AS p(i int, lon float8, lat float8)
     JOIN reg ON ST_Intersects(reg.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
     ORDER BY p.i, reg.key`,
    [[...keys], JSON.stringify(points.map((p, i) => ({ i, lon: p.lon, lat: p.lat })))],
  )
  return new Map(rows.map((r) => [Number(r.i), String(r.key)]))
}

/** Whether a division with this code exists. */
export async function divisionExists(db: Knex, code: string): Promise<boolean> {
  return (await db('division').where({ code }).first('code')) !== undefined
}
