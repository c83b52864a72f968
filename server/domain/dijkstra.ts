/**
 * Shortest travel times on a directed graph (Dijkstra with a binary heap), for the in-process
 * routing engine of the embedded database (docs/domain.md §6). Nodes are dense indices
 * 0…nodeCount-1; arcs are stored in compressed sparse rows (CSR), so a 200 000-edge network takes a
 * few megabytes and one search allocates only its distance and predecessor arrays.
 *
 * Virtual nodes (indices ≥ nodeCount) and arcs can be added per search: the routing code uses them
 * for the points snapped onto the middle of an edge, the way pgRouting's edges SQL gets extra rows.
 */

export interface Graph {
  nodeCount: number
  /** Arcs of node n are offsets[n] … offsets[n+1]-1. */
  offsets: Uint32Array
  heads: Uint32Array
  /** Travel time of each arc, seconds (≥ 0). */
  costs: Float64Array
  /** The road edge id each arc runs along (for route geometry). */
  edgeIds: Float64Array
}

export interface Arc {
  from: number
  to: number
  /** Seconds, ≥ 0. */
  cost: number
  /** Edge id carried into the path (negative for virtual arcs, by the caller's convention). */
  edge: number
}

/** Builds the CSR graph of `nodeCount` nodes from parallel arc arrays (arcs with a negative cost are dropped). */
export function buildGraph(nodeCount: number, from: ArrayLike<number>, to: ArrayLike<number>, cost: ArrayLike<number>, edge: ArrayLike<number>): Graph {
  const n = from.length
  const offsets = new Uint32Array(nodeCount + 1)
  let kept = 0
  for (let i = 0; i < n; i++) {
    if (!(cost[i]! >= 0)) continue
    offsets[from[i]! + 1]!++
    kept++
  }
  for (let v = 0; v < nodeCount; v++) offsets[v + 1]! += offsets[v]!
  const fill = offsets.slice(0, nodeCount)
  const heads = new Uint32Array(kept)
  const costs = new Float64Array(kept)
  const edgeIds = new Float64Array(kept)
  for (let i = 0; i < n; i++) {
    if (!(cost[i]! >= 0)) continue
    const at = fill[from[i]!]!++
    heads[at] = to[i]!
    costs[at] = cost[i]!
    edgeIds[at] = edge[i]!
  }
  return { nodeCount, offsets, heads, costs, edgeIds }
}

/** A min-heap of (cost, node) pairs with lazy deletion: a node may be pushed again at a lower cost. */
class Heap {
  private costs = new Float64Array(1024)
  private nodes = new Int32Array(1024)
  size = 0

  push(cost: number, node: number): void {
    if (this.size === this.costs.length) {
      const costs = new Float64Array(this.size * 2)
      costs.set(this.costs)
      this.costs = costs
      const nodes = new Int32Array(this.size * 2)
      nodes.set(this.nodes)
      this.nodes = nodes
    }
    let i = this.size++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (this.costs[parent]! <= cost) break
      this.costs[i] = this.costs[parent]!
      this.nodes[i] = this.nodes[parent]!
      i = parent
    }
    this.costs[i] = cost
    this.nodes[i] = node
  }

  /** Removes the smallest pair; read it from `topCost` / `topNode` first. */
  pop(): void {
    const last = --this.size
    const cost = this.costs[last]!
    const node = this.nodes[last]!
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= last) break
      if (child + 1 < last && this.costs[child + 1]! < this.costs[child]!) child++
      if (this.costs[child]! >= cost) break
      this.costs[i] = this.costs[child]!
      this.nodes[i] = this.nodes[child]!
      i = child
    }
    this.costs[i] = cost
    this.nodes[i] = node
  }

  get topCost(): number {
    return this.costs[0]!
  }

  get topNode(): number {
    return this.nodes[0]!
  }
}

export interface SearchOptions {
  /** Nodes beyond `graph.nodeCount` used by `extraArcs`. */
  extraNodes?: number
  /** Arcs added for this search only (virtual nodes and arcs into or out of them). */
  extraArcs?: readonly Arc[]
  /** Stop once every node with a time ≤ this is settled, seconds (default: no limit). */
  maxCost?: number
  /** Stop as soon as all these nodes are settled. */
  targets?: readonly number[]
}

export interface SearchResult {
  /** Travel time to each node, seconds; Infinity when not reached (or beyond maxCost). */
  time: Float64Array
  /** The node each node was reached from, -1 for a source or an unreached node. */
  predNode: Int32Array
  /** The edge id of that arc. */
  predEdge: Float64Array
}

/** Travel times from several sources, each starting at its own initial time (seconds). */
export function shortestTimes(graph: Graph, sources: ReadonlyArray<{ node: number; time: number }>, options: SearchOptions = {}): SearchResult {
  const total = graph.nodeCount + (options.extraNodes ?? 0)
  const maxCost = options.maxCost ?? Infinity
  const time = new Float64Array(total).fill(Infinity)
  const predNode = new Int32Array(total).fill(-1)
  const predEdge = new Float64Array(total)
  const settled = new Uint8Array(total)
  // Extra arcs as a small adjacency list by tail node.
  const extra = new Map<number, Arc[]>()
  for (const arc of options.extraArcs ?? []) {
    if (!(arc.cost >= 0)) continue
    const list = extra.get(arc.from)
    if (list) list.push(arc)
    else extra.set(arc.from, [arc])
  }
  let remaining = options.targets ? new Set(options.targets).size : -1
  const targetSet = options.targets ? new Uint8Array(total) : null
  if (targetSet) for (const t of options.targets!) targetSet[t] = 1
  const heap = new Heap()
  for (const s of sources) {
    if (s.time < time[s.node]!) {
      time[s.node] = s.time
      heap.push(s.time, s.node)
    }
  }
  while (heap.size > 0) {
    const cost = heap.topCost
    const node = heap.topNode
    heap.pop()
    if (settled[node] || cost > time[node]!) continue
    if (cost > maxCost) break
    settled[node] = 1
    if (targetSet && targetSet[node] && --remaining === 0) break
    if (node < graph.nodeCount) {
      for (let a = graph.offsets[node]!, end = graph.offsets[node + 1]!; a < end; a++) {
        const head = graph.heads[a]!
        const next = cost + graph.costs[a]!
        if (next < time[head]!) {
          time[head] = next
          predNode[head] = node
          predEdge[head] = graph.edgeIds[a]!
          heap.push(next, head)
        }
      }
    }
    const arcs = extra.get(node)
    if (arcs) {
      for (const arc of arcs) {
        const next = cost + arc.cost
        if (next < time[arc.to]!) {
          time[arc.to] = next
          predNode[arc.to] = node
          predEdge[arc.to] = arc.edge
          heap.push(next, arc.to)
        }
      }
    }
  }
  // Times beyond the limit were only tentative: report them as not reached.
  for (let v = 0; v < total; v++) if (!settled[v]) time[v] = Infinity
  return { time, predNode, predEdge }
}

/** The edge ids of the path to `node`, from its source onwards; empty for a source or an unreached node. */
export function pathEdges(result: SearchResult, node: number): number[] {
  const edges: number[] = []
  if (result.time[node] === Infinity) return edges
  for (let v = node; result.predNode[v]! >= 0; v = result.predNode[v]!) edges.push(result.predEdge[v]!)
  return edges.reverse()
}
