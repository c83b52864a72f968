import { describe, expect, it } from 'vitest'
import { buildGraph, pathEdges, shortestTimes } from './dijkstra'
import { parseMaxspeed, roadProblems } from './roads'

/** Brute force (Bellman-Ford) over the same arcs: the reference the heap-based search must match. */
function bellmanFord(n: number, arcs: Array<[number, number, number]>, source: number): number[] {
  const d = Array<number>(n).fill(Infinity)
  d[source] = 0
  for (let i = 0; i < n; i++) for (const [a, b, c] of arcs) if (c >= 0 && d[a]! + c < d[b]!) d[b] = d[a]! + c
  return d
}

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const graphOf = (n: number, arcs: Array<[number, number, number]>) =>
  buildGraph(
    n,
    arcs.map((a) => a[0]),
    arcs.map((a) => a[1]),
    arcs.map((a) => a[2]),
    arcs.map((_, i) => i + 1),
  )

describe('shortestTimes', () => {
  it('matches Bellman-Ford on random directed graphs, with arcs of cost -1 (not allowed) dropped', () => {
    const random = rng(42)
    for (let trial = 0; trial < 30; trial++) {
      const n = 2 + Math.floor(random() * 60)
      const arcs: Array<[number, number, number]> = Array.from({ length: n * 3 }, () => [
        Math.floor(random() * n),
        Math.floor(random() * n),
        random() < 0.1 ? -1 : Math.round(random() * 1000) / 10,
      ])
      const result = shortestTimes(graphOf(n, arcs), [{ node: 0, time: 0 }])
      expect(Array.from(result.time)).toEqual(bellmanFord(n, arcs, 0))
    }
  })

  it('follows the path back, stops at maxCost (beyond it: not reached) and at the targets', () => {
    // 0 → 1 → 2 → 3 costs 1 each, plus a slow shortcut 0 → 3 costing 5
    const g = graphOf(4, [
      [0, 1, 1],
      [1, 2, 1],
      [2, 3, 1],
      [0, 3, 5],
    ])
    const full = shortestTimes(g, [{ node: 0, time: 0 }])
    expect(full.time[3]).toBe(3)
    expect(pathEdges(full, 3)).toEqual([1, 2, 3])
    const bounded = shortestTimes(g, [{ node: 0, time: 0 }], { maxCost: 2 })
    expect(Array.from(bounded.time)).toEqual([0, 1, 2, Infinity])
    expect(pathEdges(bounded, 3)).toEqual([])
    const early = shortestTimes(g, [{ node: 0, time: 0 }], { targets: [1] })
    expect(early.time[1]).toBe(1)
  })

  it('adds virtual nodes and arcs per search, and starts several sources at their own times', () => {
    const g = graphOf(3, [
      [0, 1, 10],
      [1, 2, 10],
    ])
    // virtual node 3 joins node 1 at 2 s: from it, 2 is 12 s away
    const r = shortestTimes(
      g,
      [
        { node: 3, time: 0 },
        { node: 0, time: 5 },
      ],
      { extraNodes: 1, extraArcs: [{ from: 3, to: 1, cost: 2, edge: 99 }] },
    )
    expect(Array.from(r.time)).toEqual([5, 2, 12, 0])
    expect(pathEdges(r, 2)).toEqual([99, 2])
  })
})

describe('road attributes', () => {
  it('names the field of a missing class, an unknown class and a negative or absurd speed', () => {
    expect(roadProblems({ roadClass: 'primary', maxspeedKmh: 60 })).toEqual([])
    expect(roadProblems({ roadClass: undefined })[0]!.field).toBe('class')
    expect(roadProblems({ roadClass: 'motorcar' })[0]!.message).toMatch(/unknown road class "motorcar"/)
    expect(roadProblems({ roadClass: 'primary', maxspeedKmh: -30 })).toEqual([
      { field: 'maxspeed', code: 'road_speed_not_positive', params: { number: -30 }, message: 'must be positive, got -30' },
    ])
    expect(roadProblems({ roadClass: 'primary', maxspeedKmh: 400 })[0]!.field).toBe('maxspeed')
    expect(roadProblems({ roadClass: 'primary', maxspeedKmh: 'fast' })[0]!.field).toBe('maxspeed')
  })

  it('reads OpenStreetMap maxspeed tags in km/h and mph, and ignores the rest', () => {
    expect(parseMaxspeed('60')).toBe(60)
    expect(parseMaxspeed('60 km/h')).toBe(60)
    expect(parseMaxspeed('30 mph')).toBeCloseTo(48.28, 2)
    expect(parseMaxspeed('CN:urban')).toBeNull()
    expect(parseMaxspeed(undefined)).toBeNull()
    expect(parseMaxspeed('0')).toBeNull()
  })
})
