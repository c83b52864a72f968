/**
 * The k capable resources that reach a point first, by driving time over the road network
 * (docs/domain.md §6), with a straight-line pre-filter whose bound is proven safe:
 *
 * Let v be the top speed (the fastest edge's emergency speed, or the off-road speed if higher).
 * A resource at straight-line distance d cannot arrive in less than d / v. Take the m nearest
 * candidates by straight line (exact, nearestStatement); every other resource is at least d_m away,
 * so it needs at least T = d_m / v. Search the network from the incident for at most T seconds
 * of driving: every route of at most T seconds stays within v·T = d_m of the incident, so the
 * search sees all of them exactly (pgRouting is given only the edges in that box). If the k-th
 * fastest candidate arrives within T, no resource outside the candidates can beat it, and the
 * answer is exact. Otherwise m grows fourfold and the search repeats; when the candidates are all
 * the matching resources there is nobody outside them, and the search covers the whole network.
 */
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { nearestItem, nearestSubquery, type NearestFilter, type NearestResource } from '../resources/nearest'
import type { EngineName, Route, RoutePiece } from './engine'
import { snapOfRow, snapSubquery, type Snap } from './network'
import type { Routing } from './plugin'

/** Candidates in the first round per resource asked for, and at least. */
const CANDIDATES_PER_K = 32
const MIN_CANDIDATES = 64
/** Beyond this many candidates, take all matching resources at once. */
const MAX_CANDIDATES = 20_000

export interface SnapReport {
  lon: number
  lat: number
  edge: number
  fraction: number
  /** Straight leg between the point and the road, metres, driven at the off-road speed. */
  offRoadM: number
}

export interface TimedResource extends NearestResource {
  /** Estimated time of arrival from the resource to the incident, seconds: off-road legs + driving. */
  etaS: number
  /** Length of the route along roads, metres (without the off-road legs). */
  roadDistanceM: number
  /** Where the resource joins the road network. */
  snap: SnapReport
  /** The route from the resource to the incident (off-road legs included) as GeoJSON. */
  route: { type: string; coordinates: unknown } | null
}

export interface UnreachableResource {
  id: number
  name: string
  kind: string
  /** Straight-line distance, metres. */
  distanceM: number
  /**
   * off_network: farther than the snap limit from every road; no_route: the whole network was
   * searched and no road leads from it to the incident (one-way streets, a separate network);
   * beyond_search: no route within `withinS` seconds, so it arrives after every listed resource.
   */
  reason: 'off_network' | 'no_route' | 'beyond_search'
  offRoadM: number | null
  withinS: number | null
}

export interface TimeNearestResult {
  engine: EngineName
  incident: SnapReport
  items: TimedResource[]
  unreachable: UnreachableResource[]
  search: {
    /** Straight-line candidates routed in the last round. */
    candidates: number
    rounds: number
    /** The driving-time bound of the last round, seconds; null = the whole network. */
    maxDrivingS: number | null
    topSpeedKmh: number
    offRoadKmh: number
  }
}

function report(s: Snap): SnapReport {
  return { lon: s.lon, lat: s.lat, edge: s.edge, fraction: Math.round(s.fraction * 1e6) / 1e6, offRoadM: Math.round(s.offRoadM * 100) / 100 }
}

/** Outside the network: farther from every road than the snap limit, or no network at all. */
export function outsideNetwork(offRoadM: number | null, maxSnapM: number): AppError {
  return offRoadM === null
    ? new AppError(422, 'no_road_network', 'there is no road network: import one (npm run import -- --kind roads …) to rank by travel time', [{ field: 'by', message: 'no road network loaded' }])
    : new AppError(422, 'outside_network', `the point is ${Math.round(offRoadM)} m from the nearest road, beyond the ${maxSnapM} m limit: it is outside the road network`, [
      { field: 'lon', message: `${Math.round(offRoadM)} m from the nearest road (limit ${maxSnapM} m, ROUTING_MAX_SNAP_M)` },
    ])
}

/** The k matching resources that arrive first at (lon, lat), by estimated driving time. */
export async function nearestByTime(db: Knex, routing: Routing, query: { lon: number; lat: number; k: number; filter: NearestFilter }): Promise<TimeNearestResult> {
  const engine = routing.require()
  const { maxSnapM, offRoadKmh } = routing.settings
  const summary = await routing.summary()
  if (summary.edges === 0) throw outsideNetwork(null, maxSnapM)
  const offRoadMps = offRoadKmh / 3.6
  const topMps = Math.max(summary.maxSpeedKmh, offRoadKmh) / 3.6
  const network = { version: summary.version, topSpeedMps: topMps }
  const k = query.k

  let m = Math.max(MIN_CANDIDATES, k * CANDIDATES_PER_K)
  for (let round = 1; ; round++) {
    const { incident, candidates } = await snappedCandidates(db, query, m)
    if (!incident || incident.offRoadM > maxSnapM) throw outsideNetwork(incident?.offRoadM ?? null, maxSnapM)
    const all = candidates.length < m
    const maxGraphS = all ? Infinity : candidates[m - 1]!.distanceM / topMps
    const snaps = await routing.snaps.snap(db, summary.version, candidates)
    const onNetwork = candidates.map((_, i) => snaps[i] !== null && snaps[i]!.offRoadM <= maxSnapM)
    const routable = snaps.filter((_, i) => onNetwork[i]) as Snap[]
    const offRoadS = (i: number) => (snaps[i]!.offRoadM + incident.offRoadM) / offRoadMps
    // Only the k fastest routes are drawn: the engine need not send the others' paths.
    const extraS = candidates.flatMap((_, i) => (onNetwork[i] ? [offRoadS(i)] : []))
    const routes = await engine.routesTo(incident, routable, maxGraphS, network, { piecesFor: { k, extraS } })
    const routeOf: Array<Route | null> = candidates.map(() => null)
    let j = 0
    candidates.forEach((_, i) => {
      if (onNetwork[i]) routeOf[i] = routes[j++] ?? null
    })
    const arriving = candidates
      .map((c, i) => ({ c, i, etaS: routeOf[i] ? routeOf[i]!.graphTimeS + offRoadS(i) : Infinity }))
      .filter((a) => Number.isFinite(a.etaS))
      .sort((a, b) => a.etaS - b.etaS || a.c.id - b.c.id)
    const kth = arriving[k - 1]?.etaS ?? Infinity
    if (!all && !(kth <= maxGraphS) && m < MAX_CANDIDATES) {
      m *= 4
      continue
    }
    if (!all && !(kth <= maxGraphS)) {
      m = Number.MAX_SAFE_INTEGER
      continue
    }
    const chosen = arriving.slice(0, k)
    const geometries = await routeGeometries(db, chosen.map((a) => ({
      pieces: routeOf[a.i]!.pieces ?? missingPieces(a.c.id),
      from: [a.c.lon, a.c.lat],
      to: [query.lon, query.lat],
    })))
    const items: TimedResource[] = chosen.map((a, n) => ({
      ...a.c,
      etaS: Math.round(a.etaS * 10) / 10,
      roadDistanceM: Math.round(geometries[n]!.roadM * 10) / 10,
      snap: report(snaps[a.i]!),
      route: geometries[n]!.geometry,
    }))
    // Unreachable: the candidates no nearer-than-the-farthest-listed resource should hide.
    const farthest = items.length < k ? Infinity : Math.max(...items.map((i) => i.distanceM))
    const unreachable: UnreachableResource[] = candidates
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => !routeOf[i] && c.distanceM <= farthest)
      .map(({ c, i }) => ({
        id: c.id,
        name: c.name,
        kind: c.kind,
        distanceM: c.distanceM,
        reason: !onNetwork[i] ? 'off_network' : all ? 'no_route' : 'beyond_search',
        offRoadM: snaps[i] ? Math.round(snaps[i]!.offRoadM * 100) / 100 : null,
        withinS: !onNetwork[i] || all ? null : Math.round(maxGraphS * 10) / 10,
      }))
    return {
      engine: engine.name,
      incident: report(incident),
      items,
      unreachable,
      search: {
        candidates: candidates.length,
        rounds: round,
        maxDrivingS: Number.isFinite(maxGraphS) ? Math.round(maxGraphS * 10) / 10 : null,
        topSpeedKmh: Math.round(topMps * 3.6 * 10) / 10,
        offRoadKmh,
      },
    }
  }
}

/** A chosen route without its pieces: the engine's pick of the k fastest disagreed with ours (a bug). */
function missingPieces(resourceId: number): never {
  throw new Error(`routing engine sent no path for resource ${resourceId}, one of the k fastest`)
}

/**
 * One statement: the incident's snap and the m nearest candidates by straight line (exact,
 * nearestSubquery), nearest first. The candidates' snaps come from the cache.
 */
async function snappedCandidates(db: Knex, query: { lon: number; lat: number; filter: NearestFilter }, m: number): Promise<{ incident: Snap | null; candidates: NearestResource[] }> {
  const near = nearestSubquery('q.pt', m, query.filter)
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT n.*, s.*
     FROM (SELECT g, g::geography AS pt FROM (SELECT ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326) AS g) p) q
     LEFT JOIN LATERAL (${snapSubquery('q.g')}) s ON true
     LEFT JOIN LATERAL (${near.sql}) n ON true
     ORDER BY n.distance_m, n.id`,
    [query.lon, query.lat, ...near.bindings],
  )
  return {
    incident: rows[0] ? snapOfRow(rows[0]) : null,
    candidates: rows.filter((r) => r.id !== null).map((r) => nearestItem(r, query.lon, query.lat)),
  }
}

/**
 * The geometry (GeoJSON, WGS 84) and road length (metres) of routes: the stretches of edges driven,
 * joined, with the straight off-road legs from the resource and to the incident at either end.
 */
export async function routeGeometries(
  db: Knex,
  routes: ReadonlyArray<{ pieces: RoutePiece[]; from: [number, number]; to: [number, number] }>,
): Promise<Array<{ geometry: { type: string; coordinates: unknown } | null; roadM: number }>> {
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
  const out = routes.map(() => ({ geometry: null as { type: string; coordinates: unknown } | null, roadM: 0 }))
  for (const r of rows) out[r.i] = { geometry: r.geometry ? JSON.parse(r.geometry) : null, roadM: Number(r.road_m ?? 0) }
  return out
}
