/**
 * The pgRouting engine (real PostgreSQL servers with the pgrouting extension, docs/domain.md §6):
 * one `pgr_dijkstra` one-to-many on the reversed graph for "routes to an incident", one
 * `pgr_drivingDistance` from a virtual super-source for "reach within N minutes".
 *
 * pgRouting takes its graph as the text of an SQL query. That text is built here from numbers only
 * (ids, costs, a bounding box), each checked finite, and passed to pgRouting as a bound parameter.
 */
import type { Knex } from 'knex'
import {
  boxAround,
  drivingOrder,
  forwardSourceArcs,
  reversedQueryArcs,
  VIRTUAL_BASE,
  type Route,
  type RoutePiece,
  type RoutingEngine,
  type VirtualArc,
} from './engine'
import type { Snap } from './network'

function finite(value: number): number {
  if (!Number.isFinite(value)) throw new Error(`not a finite number in routing SQL: ${value}`)
  return value
}

const num = (value: number): string => String(finite(value))

/** Extra rows for pgRouting's edges SQL: directed virtual arcs (reverse_cost -1). */
function virtualRows(arcs: readonly VirtualArc[]): string {
  if (arcs.length === 0) return ''
  const values = arcs.map((a) => `(${num(a.id)}::bigint, ${num(a.from)}::bigint, ${num(a.to)}::bigint, ${num(a.cost)}::float8, -1::float8)`)
  return ` UNION ALL SELECT * FROM (VALUES ${values.join(', ')}) AS v(id, source, target, cost, reverse_cost)`
}

/** The `WHERE` restricting edges to those a search of `maxS` seconds at `maxSpeedMps` can reach from (lon, lat). */
function boxFilter(lon: number, lat: number, maxS: number, maxSpeedMps: number): string {
  if (!Number.isFinite(maxS)) return ''
  const [x0, y0, x1, y1] = boxAround(lon, lat, maxS * maxSpeedMps)
  return ` WHERE geom && ST_MakeEnvelope(${num(x0)}, ${num(y0)}, ${num(x1)}, ${num(y1)}, 4326)`
}

/**
 * The edges SQL of the reversed graph around a destination, with the query's virtual arcs (also
 * used by the routing benchmark, to time the same pgRouting call without the service around it).
 */
export function reversedEdgesSql(destination: Snap, arcs: readonly VirtualArc[], maxGraphS: number, maxSpeedMps: number): string {
  return (
    `SELECT id, target AS source, source AS target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM road_edge` +
    boxFilter(destination.lon, destination.lat, maxGraphS, maxSpeedMps) +
    virtualRows(arcs)
  )
}

export function createPgRoutingEngine(db: Knex, maxSpeedMps: () => Promise<number>): RoutingEngine {
  return {
    name: 'pgrouting',

    async routesTo(destination, origins, maxGraphS, network, options) {
      if (origins.length === 0) return []
      const arcs = reversedQueryArcs(destination, origins)
      const virtual = new Map(arcs.map((a) => [a.id, a.piece]))
      const sql = reversedEdgesSql(destination, arcs, maxGraphS, network?.topSpeedMps ?? (await maxSpeedMps()))
      const targets = origins.map((_, i) => VIRTUAL_BASE + 1 + i)
      const wanted = options?.piecesFor
      // Each path row: the node it leaves and the edge it takes, in the reversed graph, i.e. the
      // vertex driving reaches along that edge. Which end of the edge that is gets read only for the
      // routes whose geometry is drawn (joining road_edge here cost a hash of the whole table).
      // With piecesFor, only the path rows of routes that can be among the k fastest by
      // agg_cost + extraS (every route tied with the k-th included) leave the database, and each
      // route's last row (edge -1, its total) for the rest.
      const { rows } = await db.raw<{ rows: Array<{ end_vid: string; node: string; edge: string; agg_cost: number; picked?: boolean }> }>(
        wanted
          ? `WITH d AS MATERIALIZED (
               SELECT end_vid, path_seq, node, edge, agg_cost FROM pgr_dijkstra(?::text, ?::bigint, ?::bigint[], true)),
             ends AS (
               SELECT d.end_vid, d.agg_cost + x.extra AS total
               FROM d JOIN unnest(?::float8[]) WITH ORDINALITY AS x(extra, i) ON d.end_vid = ?::bigint + x.i
               WHERE d.edge = -1 AND d.agg_cost <= ?::float8),
             kth AS (SELECT total FROM ends ORDER BY total LIMIT 1 OFFSET ?::int - 1),
             picked AS (SELECT end_vid FROM ends WHERE total <= COALESCE((SELECT total FROM kth), 'Infinity'))
             SELECT d.end_vid, d.node, d.edge, d.agg_cost, d.end_vid IN (SELECT end_vid FROM picked) AS picked FROM d
             WHERE d.edge = -1 OR d.end_vid IN (SELECT end_vid FROM picked)
             ORDER BY d.end_vid, d.path_seq`
          : `SELECT d.end_vid, d.node, d.edge, d.agg_cost
             FROM pgr_dijkstra(?::text, ?::bigint, ?::bigint[], true) d
             ORDER BY d.end_vid, d.path_seq`,
        wanted
          ? [sql, VIRTUAL_BASE, targets, wanted.extraS.map(finite), VIRTUAL_BASE, Number.isFinite(maxGraphS) ? maxGraphS : 'Infinity', wanted.k]
          : [sql, VIRTUAL_BASE, targets],
      )
      const routes: Array<Route | null> = origins.map(() => null)
      const pieces = new Map<number, RoutePiece[]>()
      for (const r of rows) {
        const i = Number(r.end_vid) - VIRTUAL_BASE - 1
        const edge = Number(r.edge)
        if (edge === -1) {
          if (r.agg_cost <= maxGraphS) routes[i] = { graphTimeS: r.agg_cost, pieces: r.picked === false ? null : drivingOrder(pieces.get(i) ?? []) }
          continue
        }
        const list = pieces.get(i) ?? []
        pieces.set(i, list)
        const v = virtual.get(edge)
        if (v) list.push(v)
        else list.push({ edge, from: 0, to: 1, reaches: Number(r.node) })
      }
      return routes
    },

    async reach(sources, maxS, network) {
      const out = new Map<number, number>()
      if (sources.length === 0) return out
      const arcs = forwardSourceArcs(sources)
      const speed = network?.topSpeedMps ?? (await maxSpeedMps())
      // Every source's surroundings: the union of their boxes is not a box, so take the box around all of them.
      const lons = sources.map((s) => s.snap.lon)
      const lats = sources.map((s) => s.snap.lat)
      const [ax0, ay0] = boxAround(Math.min(...lons), Math.min(...lats), maxS * speed)
      const [, , bx1, by1] = boxAround(Math.max(...lons), Math.max(...lats), maxS * speed)
      const where = Number.isFinite(maxS) ? ` WHERE geom && ST_MakeEnvelope(${num(ax0)}, ${num(ay0)}, ${num(bx1)}, ${num(by1)}, 4326)` : ''
      const sql = `SELECT id, source, target, cost_s AS cost, reverse_cost_s AS reverse_cost FROM road_edge${where}${virtualRows(arcs)}`
      // The box of a long search holds a large share of the edges, and the planner reads them with a
      // sequential scan, testing the box on every edge of the network; the spatial index reads only
      // those in the box (an isochrone of 15 minutes on 200 000 edges: 90 → 79 ms).
      const { rows } = await db.transaction(async (trx) => {
        await trx.raw('SET LOCAL enable_seqscan = off')
        return trx.raw<{ rows: Array<{ node: string; agg_cost: number }> }>(
          'SELECT node, agg_cost FROM pgr_drivingDistance(?::text, ?::bigint, ?::float8, true)',
          [sql, VIRTUAL_BASE, Number.isFinite(maxS) ? maxS : 1e12],
        )
      })
      for (const r of rows) {
        const node = Number(r.node)
        if (node < VIRTUAL_BASE) out.set(node, r.agg_cost)
      }
      return out
    },
  }
}
