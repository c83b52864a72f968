import type { Knex } from 'knex'
import type { Geometry, Point } from 'geojson'
import type { DivisionRank } from '../../domain/division-register'

export interface DivisionFilter {
  rank?: DivisionRank
  parent?: string
  /** Douglas-Peucker tolerance in metres for smaller responses (0 = exact). */
  simplifyM: number
}

export interface DivisionRow {
  code: string
  name: string
  name_en: string | null
  rank: DivisionRank
  parent_code: string | null
  synthetic: boolean
  /** The boundary as GeoJSON; null for a register division not imported yet. */
  geometry: Geometry | null
  /** A point inside the polygon to place its label. */
  label: Point | null
}

// Degrees per metre along a meridian: tolerance conversion for ST_SimplifyPreserveTopology (EPSG:4326).
const DEG_PER_M = 1 / 111_320

export async function listDivisions(db: Knex, filter: DivisionFilter): Promise<DivisionRow[]> {
  const q = db('division')
    .select('code', 'name', 'name_en', 'rank', 'parent_code', 'synthetic')
    .select(
      db.raw('ST_AsGeoJSON(CASE WHEN ?::float8 > 0 THEN ST_SimplifyPreserveTopology(geom, ?::float8) ELSE geom END, 6)::json AS geometry', [
        filter.simplifyM,
        filter.simplifyM * DEG_PER_M,
      ]),
      db.raw('ST_AsGeoJSON(label_point, 6)::json AS label'),
    )
    .orderBy('code')
  if (filter.rank) q.where('rank', filter.rank)
  if (filter.parent) q.where('parent_code', filter.parent)
  return q
}

export async function getDivision(db: Knex, code: string): Promise<(DivisionRow & { enterprises: number; children: number }) | undefined> {
  return db('division as d')
    .select('d.code', 'd.name', 'd.name_en', 'd.rank', 'd.parent_code', 'd.synthetic')
    .select(
      db.raw('ST_AsGeoJSON(d.geom, 6)::json AS geometry'),
      db.raw('ST_AsGeoJSON(d.label_point, 6)::json AS label'),
      db.raw("(SELECT count(*)::int FROM enterprise e WHERE e.division_code LIKE d.code || '%') AS enterprises"),
      db.raw('(SELECT count(*)::int FROM division c WHERE c.parent_code = d.code) AS children'),
    )
    .where('d.code', code)
    .first()
}

/**
 * SQL: the code of the most detailed division containing a geometry's point on surface (township,
 * else county, city, province), for a geometry given as SQL (`geom`, e.g. a column). The importer
 * places area assessments and grids with it.
 */
export const divisionOfSql = (geom: string): string => `(SELECT d.code FROM division d WHERE ST_Intersects(d.geom, ST_PointOnSurface(${geom}))
  ORDER BY CASE d.rank WHEN 'township' THEN 0 WHEN 'county' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, d.code LIMIT 1)`
