/**
 * The in-process routing engine (the embedded database has no pgRouting; docs/domain.md §6): the
 * whole network is read once into two compressed graphs (forward and reversed) and searched with
 * the Dijkstra of server/domain/dijkstra.ts. The graph is reloaded when `road_network.version`
 * changes, checked with one tiny query per search.
 */
import type { Knex } from 'knex'
import { buildGraph, shortestTimes, type Arc, type Graph } from '../../domain/dijkstra'
import {
  forwardSourceArcs,
  reversedQueryArcs,
  VIRTUAL_BASE,
  type NetworkState,
  type Route,
  type RoutePiece,
  type RoutingEngine,
  type VirtualArc,
} from './engine'
import { networkVersion } from './network'

interface LoadedNetwork {
  version: number
  /** Vertex id → dense node index, and back. */
  index: Map<number, number>
  ids: Float64Array
  forward: Graph
  /** Arcs reversed; an arc's edge value is +id when it stands for driving the edge forward, -id backward. */
  reversed: Graph
}

async function loadNetwork(db: Knex, version: number): Promise<LoadedNetwork> {
  const { rows: vertices } = await db.raw<{ rows: Array<{ id: string }> }>('SELECT id FROM road_vertex ORDER BY id')
  const ids = new Float64Array(vertices.length)
  const index = new Map<number, number>()
  vertices.forEach((v, i) => {
    ids[i] = Number(v.id)
    index.set(ids[i]!, i)
  })
  const { rows: edges } = await db.raw<{ rows: Array<{ id: string; source: string; target: string; cost_s: number; reverse_cost_s: number }> }>(
    'SELECT id, source, target, cost_s, reverse_cost_s FROM road_edge',
  )
  const n = edges.length * 2
  const fFrom = new Uint32Array(n),
    fTo = new Uint32Array(n),
    fCost = new Float64Array(n),
    fEdge = new Float64Array(n)
  const rFrom = new Uint32Array(n),
    rTo = new Uint32Array(n),
    rCost = new Float64Array(n),
    rEdge = new Float64Array(n)
  edges.forEach((e, i) => {
    const s = index.get(Number(e.source))!
    const t = index.get(Number(e.target))!
    const id = Number(e.id)
    // forward graph: s → t at cost_s, t → s at reverse_cost_s (dropped when -1)
    fFrom[2 * i] = s
    fTo[2 * i] = t
    fCost[2 * i] = e.cost_s
    fEdge[2 * i] = id
    fFrom[2 * i + 1] = t
    fTo[2 * i + 1] = s
    fCost[2 * i + 1] = e.reverse_cost_s
    fEdge[2 * i + 1] = -id
    // reversed graph: driving s → t is the arc t → s
    rFrom[2 * i] = t
    rTo[2 * i] = s
    rCost[2 * i] = e.cost_s
    rEdge[2 * i] = id
    rFrom[2 * i + 1] = s
    rTo[2 * i + 1] = t
    rCost[2 * i + 1] = e.reverse_cost_s
    rEdge[2 * i + 1] = -id
  })
  return {
    version,
    index,
    ids,
    forward: buildGraph(ids.length, fFrom, fTo, fCost, fEdge),
    reversed: buildGraph(ids.length, rFrom, rTo, rCost, rEdge),
  }
}

export function createInProcessEngine(db: Knex): RoutingEngine {
  let loaded: Promise<LoadedNetwork> | null = null
  let loadedVersion = -1

  /** The loaded graph, reloaded when the version changed (read here unless the caller has it). */
  async function network(known?: NetworkState): Promise<LoadedNetwork> {
    const version = known?.version ?? (await networkVersion(db))
    if (!loaded || loadedVersion !== version) {
      loadedVersion = version
      loaded = loadNetwork(db, version)
      loaded.catch(() => {
        loaded = null
        loadedVersion = -1
      })
    }
    return loaded
  }

  /** Maps virtual-arc node ids to dense indices: real vertices by the index, virtual ones after them. */
  function toDense(net: LoadedNetwork, arcs: readonly VirtualArc[]): { arcs: Arc[]; extraNodes: () => number; dense: (id: number) => number } {
    const virtualIndex = new Map<number, number>()
    const dense = (id: number): number => {
      if (id < VIRTUAL_BASE) return net.index.get(id)!
      let v = virtualIndex.get(id)
      if (v === undefined) {
        v = net.ids.length + virtualIndex.size
        virtualIndex.set(id, v)
      }
      return v
    }
    const out = arcs
      .filter((a) => a.from >= VIRTUAL_BASE || net.index.has(a.from))
      .filter((a) => a.to >= VIRTUAL_BASE || net.index.has(a.to))
      .map((a) => ({ from: dense(a.from), to: dense(a.to), cost: a.cost, edge: a.id }))
    return { arcs: out, extraNodes: () => virtualIndex.size, dense }
  }

  return {
    name: 'in-process',

    async routesTo(destination, origins, maxGraphS, known) {
      if (origins.length === 0) return []
      const net = await network(known)
      const arcs = reversedQueryArcs(destination, origins)
      const pieceOf = new Map(arcs.map((a) => [a.id, a.piece]))
      const q = toDense(net, arcs)
      // every origin node exists even when it has no arc (then it is unreachable)
      const originNodes = origins.map((_, i) => q.dense(VIRTUAL_BASE + 1 + i))
      const source = q.dense(VIRTUAL_BASE)
      const result = shortestTimes(net.reversed, [{ node: source, time: 0 }], {
        extraNodes: q.extraNodes(),
        extraArcs: q.arcs,
        maxCost: maxGraphS,
        targets: originNodes,
      })
      return originNodes.map((node) => {
        const t = result.time[node]!
        if (!Number.isFinite(t)) return null
        // Walking the predecessors from the origin back to the destination meets the arcs in driving order.
        const pieces: RoutePiece[] = []
        for (let v = node; result.predNode[v]! >= 0; v = result.predNode[v]!) {
          const e = result.predEdge[v]!
          pieces.push(pieceOf.get(e) ?? (e > 0 ? { edge: e, from: 0, to: 1 } : { edge: -e, from: 1, to: 0 }))
        }
        return { graphTimeS: t, pieces } satisfies Route
      })
    },

    async reach(sources, maxS, known) {
      const out = new Map<number, number>()
      if (sources.length === 0) return out
      const net = await network(known)
      const q = toDense(net, forwardSourceArcs(sources))
      const source = q.dense(VIRTUAL_BASE)
      const result = shortestTimes(net.forward, [{ node: source, time: 0 }], {
        extraNodes: q.extraNodes(),
        extraArcs: q.arcs,
        maxCost: maxS,
      })
      for (let v = 0; v < net.ids.length; v++) {
        const t = result.time[v]!
        if (Number.isFinite(t)) out.set(net.ids[v]!, t)
      }
      return out
    },
  }
}
