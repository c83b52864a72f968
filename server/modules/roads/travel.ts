/**
 * What every travel-time query over the road network shares (nearest resources by time in
 * modules/resources, isochrones here): the refusal of a point outside the network, how a snap is
 * reported, and the drawn route of a path the engine found.
 */
import type { LineString, MultiLineString } from 'geojson'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import type { RoutePiece } from './engine'
import type { Snap } from './network'

export interface SnapReport {
  lon: number
  lat: number
  edge: number
  fraction: number
  /** Straight leg between the point and the road, metres, driven at the off-road speed. */
  offRoadM: number
}

/** A snap as the API reports it: the fraction to 6 places, the off-road leg to the centimetre. */
export function snapReport(s: Snap): SnapReport {
  return { lon: s.lon, lat: s.lat, edge: s.edge, fraction: Math.round(s.fraction * 1e6) / 1e6, offRoadM: Math.round(s.offRoadM * 100) / 100 }
}

/** Outside the network: farther from every road than the snap limit, or no network at all. */
export function outsideNetwork(offRoadM: number | null, maxSnapM: number): AppError {
  return offRoadM === null
    ? new AppError(422, 'no_road_network', 'there is no road network: import one (npm run import -- --kind roads …) to rank by travel time', [
        { field: 'by', message: 'no road network loaded' },
      ])
    : new AppError(
        422,
        'outside_network',
        `the point is ${Math.round(offRoadM)} m from the nearest road, beyond the ${maxSnapM} m limit: it is outside the road network`,
        [{ field: 'lon', message: `${Math.round(offRoadM)} m from the nearest road (limit ${maxSnapM} m, ROUTING_MAX_SNAP_M)` }],
      )
}

/**
 * The geometry (GeoJSON, WGS 84) and road length (metres) of routes: the stretches of edges driven,
 * joined, with the straight off-road legs from the resource and to the incident at either end.
 */
export async function routeGeometries(
  db: Knex,
  routes: ReadonlyArray<{ pieces: RoutePiece[]; from: [number, number]; to: [number, number] }>,
): Promise<Array<{ geometry: LineString | MultiLineString | null; roadM: number }>> {
  if (routes.length === 0) return []
  const pieces = routes.flatMap((r, i) => r.pieces.map((p, seq) => ({ i, seq, edge: p.edge, a: p.from, b: p.to, v: p.reaches ?? null })))
  const ends = routes.map((r, i) => ({ i, x0: r.from[0], y0: r.from[1], x1: r.to[0], y1: r.to[1] }))
  const { rows } = await db.raw<{ rows: Array<{ i: number; geometry: string | null; road_m: number | null }> }>(
    `WITH p AS (
       SELECT p.i, p.seq, abs(o.b - o.a) * e.length_m AS len,
              CASE WHEN o.a <= o.b THEN ST_LineSubstring(e.geom, o.a, o.b) ELSE ST_Reverse(ST_LineSubstring(e.geom, o.b, o.a)) END AS geom
       FROM jsonb_to_recordset(?::jsonb) AS p(i integer, seq integer, edge bigint, a float8, b float8, v bigint)
       JOIN road_edge e ON e.id = p.edge
       -- a whole edge known by the vertex it reaches (RoutePiece.reaches): forward when that is its target
       CROSS JOIN LATERAL (SELECT CASE WHEN p.v IS NULL THEN p.a WHEN e.target = p.v THEN 0 ELSE 1 END AS a,
                                  CASE WHEN p.v IS NULL THEN p.b WHEN e.target = p.v THEN 1 ELSE 0 END AS b) o
       WHERE abs(o.b - o.a) > 1e-12
     ), ends AS (
       SELECT * FROM jsonb_to_recordset(?::jsonb) AS x(i integer, x0 float8, y0 float8, x1 float8, y1 float8)
     )
     SELECT ends.i,
            ST_AsGeoJSON(ST_LineMerge(ST_Collect(g.geom)), 6) AS geometry,
            (SELECT sum(len) FROM p WHERE p.i = ends.i) AS road_m
     FROM ends
     CROSS JOIN LATERAL (
       SELECT geom FROM p WHERE p.i = ends.i
       UNION ALL
       SELECT ST_MakeLine(ST_SetSRID(ST_MakePoint(ends.x0, ends.y0), 4326), ST_StartPoint(first.geom))
       FROM (SELECT geom FROM p WHERE p.i = ends.i ORDER BY seq LIMIT 1) first
       UNION ALL
       SELECT ST_MakeLine(ST_EndPoint(last.geom), ST_SetSRID(ST_MakePoint(ends.x1, ends.y1), 4326))
       FROM (SELECT geom FROM p WHERE p.i = ends.i ORDER BY seq DESC LIMIT 1) last
     ) g
     GROUP BY ends.i
     ORDER BY ends.i`,
    [JSON.stringify(pieces), JSON.stringify(ends)],
  )
  const out = routes.map(() => ({ geometry: null as LineString | MultiLineString | null, roadM: 0 }))
  for (const r of rows) out[r.i] = { geometry: r.geometry ? JSON.parse(r.geometry) : null, roadM: Number(r.road_m ?? 0) }
  return out
}
