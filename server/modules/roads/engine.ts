/**
 * The routing engine interface (docs/domain.md §6) and what both engines share: the virtual nodes
 * and arcs that put points snapped onto the middle of an edge into the graph.
 *
 * Both engines search the same graph: the edges of `road_edge` with their stored travel times,
 * plus, per query, virtual arcs between the snapped points and the end points of their edges,
 * costed by the fraction of the edge they cover. pgRouting gets them as extra rows of its edges
 * SQL; the in-process engine as extra arcs of its search. So both give the same times.
 */
import type { Snap } from './network'

export type EngineName = 'pgrouting' | 'in-process'

/** Ids of virtual nodes and arcs start here: above any bigserial id a real network reaches, below 2^53. */
export const VIRTUAL_BASE = 2 ** 50

/** A stretch of one edge driven in a route, from fraction `from` to fraction `to` (0 = its source). */
export interface RoutePiece {
  edge: number
  from: number
  to: number
  /**
   * Set on a whole edge whose direction the engine did not read (pgRouting's path gives the vertex
   * reached, not the edge's ends): the vertex driving reaches. Where the edge is read (route
   * geometries) it decides the direction: forward (0 → 1) when it is the edge's target.
   */
  reaches?: number
}

export interface Route {
  /** Driving time along the roads, seconds (without the off-road legs). */
  graphTimeS: number
  /** The stretches driven, in driving order; null for a route the caller did not ask the pieces of (RouteOptions). */
  pieces: RoutePiece[] | null
}

export interface RouteOptions {
  /**
   * Only the routes that can be among the `k` fastest by graphTimeS + extraS[i] (ties included) need
   * their pieces: an engine may leave the others' null. Ranking 160 candidates to show 5 routes
   * otherwise reads every candidate's path.
   */
  piecesFor?: { k: number; extraS: readonly number[] }
}

/**
 * What the caller has already read of the network for this request (its version and the top
 * speed, metres per second, that bounds a search's box), so the engine does not read it again.
 */
export interface NetworkState {
  version: number
  topSpeedMps: number
}

export interface RoutingEngine {
  readonly name: EngineName
  /**
   * For each origin, the fastest drive from it to `destination`, or null when no route takes at
   * most `maxGraphS` seconds of driving (Infinity: search the whole network).
   */
  routesTo(destination: Snap, origins: ReadonlyArray<Snap>, maxGraphS: number, network?: NetworkState, options?: RouteOptions): Promise<Array<Route | null>>
  /**
   * Driving times from the nearest of several sources (each leaving at its own `startS`) to every
   * vertex reached within `maxS` seconds: vertex id → seconds.
   */
  reach(sources: ReadonlyArray<{ snap: Snap; startS: number }>, maxS: number, network?: NetworkState): Promise<Map<number, number>>
}

/** An arc of the query graph; `piece` says which stretch of a real edge it drives (in driving order). */
export interface VirtualArc {
  id: number
  from: number
  to: number
  cost: number
  piece: RoutePiece
}

/**
 * The virtual arcs of a "routes to one destination" query, on the REVERSED graph (the search runs
 * from the destination backwards, so one search serves every origin). Node ids: the destination is
 * VIRTUAL_BASE, origin i is VIRTUAL_BASE + 1 + i. A reversed arc x → y stands for driving y → x.
 */
export function reversedQueryArcs(destination: Snap, origins: ReadonlyArray<Snap>): VirtualArc[] {
  const arcs: VirtualArc[] = []
  let id = VIRTUAL_BASE
  const add = (from: number, to: number, cost: number, piece: RoutePiece) => {
    if (cost >= 0) arcs.push({ id: id++, from, to, cost, piece })
  }
  const d = destination
  const dest = VIRTUAL_BASE
  // Driving source → destination (forward along its edge) and target → destination (backward).
  if (d.costS >= 0) add(dest, d.source, d.fraction * d.costS, { edge: d.edge, from: 0, to: d.fraction })
  if (d.reverseCostS >= 0) add(dest, d.target, (1 - d.fraction) * d.reverseCostS, { edge: d.edge, from: 1, to: d.fraction })
  origins.forEach((o, i) => {
    const node = VIRTUAL_BASE + 1 + i
    // Driving origin → source (backward along its edge) and origin → target (forward).
    if (o.reverseCostS >= 0) add(o.source, node, o.fraction * o.reverseCostS, { edge: o.edge, from: o.fraction, to: 0 })
    if (o.costS >= 0) add(o.target, node, (1 - o.fraction) * o.costS, { edge: o.edge, from: o.fraction, to: 1 })
    // Both on one edge: straight along it, when its direction allows.
    if (o.edge === d.edge) {
      if (o.fraction <= d.fraction && d.costS >= 0) add(dest, node, (d.fraction - o.fraction) * d.costS, { edge: d.edge, from: o.fraction, to: d.fraction })
      if (o.fraction >= d.fraction && d.reverseCostS >= 0)
        add(dest, node, (o.fraction - d.fraction) * d.reverseCostS, { edge: d.edge, from: o.fraction, to: d.fraction })
    }
  })
  return arcs
}

/**
 * The virtual arcs of a "reach from several sources" query, on the FORWARD graph: one super-source
 * VIRTUAL_BASE with an arc to both end points of each source's edge, costed by its start time plus
 * the drive to that end point.
 */
export function forwardSourceArcs(sources: ReadonlyArray<{ snap: Snap; startS: number }>): VirtualArc[] {
  const arcs: VirtualArc[] = []
  let id = VIRTUAL_BASE
  for (const { snap: s, startS } of sources) {
    if (s.reverseCostS >= 0)
      arcs.push({ id: id++, from: VIRTUAL_BASE, to: s.source, cost: startS + s.fraction * s.reverseCostS, piece: { edge: s.edge, from: s.fraction, to: 0 } })
    if (s.costS >= 0)
      arcs.push({ id: id++, from: VIRTUAL_BASE, to: s.target, cost: startS + (1 - s.fraction) * s.costS, piece: { edge: s.edge, from: s.fraction, to: 1 } })
  }
  return arcs
}

/** Reads a route off the reversed search: the arcs from the destination to the origin, reversed into driving order. */
export function drivingOrder(reversedPieces: RoutePiece[]): RoutePiece[] {
  return reversedPieces.slice().reverse()
}

/** Metres per degree of latitude, at least (the meridian degree is 110 574 m at the equator). */
const M_PER_DEG_LAT = 110_574
/** Metres per degree of longitude at the equator. */
const M_PER_DEG_LON = 111_320

/**
 * A box that holds every point within `radiusM` metres of (lon, lat): a drive of at most T seconds
 * at top speed v never leaves the disc of radius v·T, so the edges in this box are all a search
 * bounded by T can use.
 */
export function boxAround(lon: number, lat: number, radiusM: number): [number, number, number, number] {
  const dLat = radiusM / M_PER_DEG_LAT
  const farLat = Math.min(89, Math.abs(lat) + dLat)
  const dLon = Math.min(180, radiusM / (M_PER_DEG_LON * Math.cos((farLat * Math.PI) / 180)))
  return [lon - dLon, Math.max(-90, lat - dLat), lon + dLon, Math.min(90, lat + dLat)]
}
