import type { Knex } from 'knex'
import type { MultiPolygon } from 'geojson'

/**
 * Recomputes region levels (DESIGN §4.4) for division units and management grids: the highest
 * level of the analysis cells a region contains, the share of its area at each level (geodesic
 * areas of the cell/region intersections), and its top five contributing sources. With `within`,
 * only the regions intersecting that geometry are recomputed (the incremental path).
 */
export async function recomputeRegions(db: Knex | Knex.Transaction, res: number, within: MultiPolygon | null): Promise<number> {
  const filter = within === null ? null : JSON.stringify(within)
  const { rowCount } = await db.raw<{ rowCount: number }>(
    `WITH target AS (
       SELECT 'division'::text AS kind, code AS key, geom, ST_Area(geom::geography) AS total FROM division
       WHERE ?::text IS NULL OR ST_Intersects(geom, ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326))
       UNION ALL
       SELECT 'mgmt_grid', id::text, geom, ST_Area(geom::geography) FROM mgmt_grid
       WHERE ?::text IS NULL OR ST_Intersects(geom, ST_SetSRID(ST_GeomFromGeoJSON(?::text), 4326))
     ),
     parts AS (
       SELECT t.kind, t.key, c.h3, c.level, c.stale,
         CASE WHEN ST_CoveredBy(c.geom, t.geom) THEN ST_Area(c.geom::geography)
              ELSE ST_Area(ST_Intersection(c.geom, t.geom)::geography) END AS area
       FROM target t JOIN cell c ON c.res = ? AND c.geom && t.geom AND ST_Intersects(c.geom, t.geom)
     ),
     by_level AS (
       SELECT kind, key, level, bool_and(stale) AS stale, sum(area) AS area FROM parts WHERE area > 1 GROUP BY kind, key, level
     ),
     ranked AS (
       SELECT p.kind, p.key, cs.source_kind, cs.source_id, max(cs.level) AS level, count(*) AS cells,
         row_number() OVER (PARTITION BY p.kind, p.key ORDER BY max(cs.level) DESC, count(*) DESC, cs.source_kind, cs.source_id) AS rn
       FROM parts p JOIN cell_source cs ON cs.h3 = p.h3 WHERE p.area > 1
       GROUP BY p.kind, p.key, cs.source_kind, cs.source_id
     ),
     top AS (
       SELECT kind, key, jsonb_agg(jsonb_build_object('kind', source_kind, 'id', source_id, 'level', level, 'cells', cells) ORDER BY rn) AS top_sources
       FROM ranked WHERE rn <= 5 GROUP BY kind, key
     ),
     agg AS (
       SELECT t.kind, t.key,
         coalesce(max(b.level), 0) AS level,
         coalesce((array_agg(b.stale ORDER BY b.level DESC) FILTER (WHERE b.level IS NOT NULL))[1], false) AS stale,
         coalesce(jsonb_object_agg(b.level::text, round((b.area / t.total)::numeric, 6)) FILTER (WHERE b.level IS NOT NULL), '{}') AS shares,
         greatest(0, 1 - coalesce(sum(b.area), 0) / t.total) AS unrated
       FROM target t LEFT JOIN by_level b ON b.kind = t.kind AND b.key = t.key
       GROUP BY t.kind, t.key, t.total
     )
     INSERT INTO region_level (region_kind, region_key, level, stale, shares, top_sources, updated_at)
     SELECT a.kind, a.key, a.level, a.stale, a.shares || jsonb_build_object('0', round(a.unrated::numeric, 6)), coalesce(top.top_sources, '[]'), now()
     FROM agg a LEFT JOIN top ON top.kind = a.kind AND top.key = a.key
     ON CONFLICT (region_kind, region_key) DO UPDATE SET level = excluded.level, stale = excluded.stale,
       shares = excluded.shares, top_sources = excluded.top_sources, updated_at = excluded.updated_at`,
    [filter, filter, filter, filter, res],
  )
  return rowCount
}
