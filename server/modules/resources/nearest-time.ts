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
import type { LineString, MultiLineString } from 'geojson'
import type { Knex } from 'knex'
import type { ResourceKind } from '../../domain/resources'
import {
  outsideNetwork,
  routeGeometries,
  snapOfRow,
  snapReport,
  snapSubquery,
  type EngineName,
  type Route,
  type Routing,
  type Snap,
  type SnapReport,
} from '../roads'
import { nearestItem, nearestSubquery, type NearestFilter, type NearestResource } from './nearest'

/** Candidates in the first round per resource asked for, and at least. */
const CANDIDATES_PER_K = 32
const MIN_CANDIDATES = 64
/** Beyond this many candidates, take all matching resources at once. */
const MAX_CANDIDATES = 20_000

export interface TimedResource extends NearestResource {
  /** Estimated time of arrival from the resource to the incident, seconds: off-road legs + driving. */
  etaS: number
  /** Length of the route along roads, metres (without the off-road legs). */
  roadDistanceM: number
  /** Where the resource joins the road network. */
  snap: SnapReport
  /** The route from the resource to the incident (off-road legs included) as GeoJSON. */
  route: LineString | MultiLineString | null
}

export interface UnreachableResource {
  id: number
  name: string
  kind: ResourceKind
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

/** The k matching resources that arrive first at (lon, lat), by estimated driving time. */
export async function nearestByTime(
  db: Knex,
  routing: Routing,
  query: { lon: number; lat: number; k: number; filter: NearestFilter },
): Promise<TimeNearestResult> {
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
    const geometries = await routeGeometries(
      db,
      chosen.map((a) => ({
        pieces: routeOf[a.i]!.pieces ?? missingPieces(a.c.id),
        from: [a.c.lon, a.c.lat],
        to: [query.lon, query.lat],
      })),
    )
    const items: TimedResource[] = chosen.map((a, n) => ({
      ...a.c,
      etaS: Math.round(a.etaS * 10) / 10,
      roadDistanceM: Math.round(geometries[n]!.roadM * 10) / 10,
      snap: snapReport(snaps[a.i]!),
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
      incident: snapReport(incident),
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
async function snappedCandidates(
  db: Knex,
  query: { lon: number; lat: number; filter: NearestFilter },
  m: number,
): Promise<{ incident: Snap | null; candidates: NearestResource[] }> {
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
