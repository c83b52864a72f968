/**
 * The hexagonal lattice and the local plane: coordinates, noise, ring tracing, components.
 */
import type { MultiPolygon, Position } from 'geojson'

/** Edge length (= circumradius) of a lattice hexagon, km; area ≈ 0.32 km². */
export const HEX_SIZE_KM = 0.35
export const SQRT3 = Math.sqrt(3)
/** Origin of the local plane, lon/lat degrees (EPSG:4326). */
export const ORIGIN_LON = 123.1
export const ORIGIN_LAT = 42.1
/** Kilometres per degree at the origin latitude; constants, so no trigonometry enters the layout. */
export const KM_PER_DEG_LON = 82.6
export const KM_PER_DEG_LAT = 111.05

/** Corner k of a pointy-top hexagon, in half-lattice units (x × size·√3/2, y × size/2); k = 0 at 30°, counter-clockwise. */
export const CORNER_DX = [1, 0, -1, -1, 0, 1] as const
export const CORNER_DY = [1, 2, 1, -1, -2, -1] as const
/** The neighbour across edge k (corner k → k+1), as an axial (dq, dr) offset. */
export const EDGE_DQ = [0, -1, -1, 0, 1, 1] as const
export const EDGE_DR = [1, 1, 0, -1, -1, 0] as const

export function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7
}

export function toKm(lon: number, lat: number): [number, number] {
  return [(lon - ORIGIN_LON) * KM_PER_DEG_LON, (lat - ORIGIN_LAT) * KM_PER_DEG_LAT]
}

export function toLonLat(xKm: number, yKm: number): [number, number] {
  return [round7(ORIGIN_LON + xKm / KM_PER_DEG_LON), round7(ORIGIN_LAT + yKm / KM_PER_DEG_LAT)]
}

export function hexKey(q: number, r: number): number {
  return (q + 50_000) * 100_000 + (r + 50_000)
}

export function vertexKey(X: number, Y: number): number {
  return (X + 500_000) * 1_000_000 + (Y + 500_000)
}

export function vertexLonLat(X: number, Y: number): [number, number] {
  return toLonLat((X * HEX_SIZE_KM * SQRT3) / 2, (Y * HEX_SIZE_KM) / 2)
}

/** Axial coordinates of the hexagon containing a point of the plane (km). */
export function hexAtKm(x: number, y: number): [number, number] {
  const fq = ((SQRT3 / 3) * x - y / 3) / HEX_SIZE_KM
  const fr = ((2 / 3) * y) / HEX_SIZE_KM
  const fs = -fq - fr
  let q = Math.round(fq)
  let r = Math.round(fr)
  const s = Math.round(fs)
  const dq = Math.abs(q - fq)
  const dr = Math.abs(r - fr)
  const ds = Math.abs(s - fs)
  if (dq > dr && dq > ds) q = -r - s
  else if (dr > ds) r = -q - s
  return [q, r]
}

/** Integer hash of a lattice point to [-1, 1]. */
export function hashUnit(ix: number, iy: number, salt: number): number {
  let h = (Math.imul(ix, 374761393) + Math.imul(iy, 668265263) + Math.imul(salt, 1274126177)) | 0
  h = Math.imul(h ^ (h >>> 13), 1103515245)
  h ^= h >>> 16
  return ((h >>> 0) / 4294967295) * 2 - 1
}

/** Smooth value noise in [-1, 1] with features about `cellKm` wide; pure arithmetic, so reproducible everywhere. */
export function valueNoise(x: number, y: number, cellKm: number, salt: number): number {
  const gx = x / cellKm
  const gy = y / cellKm
  const ix = Math.floor(gx)
  const iy = Math.floor(gy)
  const fx = gx - ix
  const fy = gy - iy
  const sx = fx * fx * (3 - 2 * fx)
  const sy = fy * fy * (3 - 2 * fy)
  const a = hashUnit(ix, iy, salt)
  const b = hashUnit(ix + 1, iy, salt)
  const c = hashUnit(ix, iy + 1, salt)
  const d = hashUnit(ix + 1, iy + 1, salt)
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy
}

export function pointInRing(x: number, y: number, ring: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Hexagons of the lattice: axial coordinates and centres (plane km and lon/lat). */
export class Lattice {
  readonly q: number[] = []
  readonly r: number[] = []
  readonly x: number[] = []
  readonly y: number[] = []
  private readonly index = new Map<number, number>()

  add(q: number, r: number): number {
    const i = this.q.length
    this.q.push(q)
    this.r.push(r)
    this.x.push(((2 * q + r) * HEX_SIZE_KM * SQRT3) / 2)
    this.y.push((3 * r * HEX_SIZE_KM) / 2)
    this.index.set(hexKey(q, r), i)
    return i
  }

  get size(): number {
    return this.q.length
  }

  find(q: number, r: number): number {
    return this.index.get(hexKey(q, r)) ?? -1
  }

  /** Index of the neighbour across edge k, or -1 outside the lattice. */
  neighbour(i: number, k: number): number {
    return this.find(this.q[i]! + EDGE_DQ[k]!, this.r[i]! + EDGE_DR[k]!)
  }

  /** Index of the hexagon containing a lon/lat point, or -1. */
  locate(lon: number, lat: number): number {
    const [x, y] = toKm(lon, lat)
    const [q, r] = hexAtKm(x, y)
    return this.find(q, r)
  }
}

/**
 * Traces the union of the given hexagons into a GeoJSON MultiPolygon (RFC 7946 winding: exterior
 * rings counter-clockwise, holes clockwise). `member(i)` says whether hexagon i belongs to the region.
 */
export function traceRegion(lattice: Lattice, cells: readonly number[], member: (i: number) => boolean): MultiPolygon {
  // Boundary edges, oriented with the region on the left; each vertex starts at most one of them.
  const next = new Map<number, [number, number, number]>()
  for (const i of cells) {
    const X = 2 * lattice.q[i]! + lattice.r[i]!
    const Y = 3 * lattice.r[i]!
    for (let k = 0; k < 6; k++) {
      const n = lattice.neighbour(i, k)
      if (n >= 0 && member(n)) continue
      const k2 = (k + 1) % 6
      const from = vertexKey(X + CORNER_DX[k]!, Y + CORNER_DY[k]!)
      next.set(from, [vertexKey(X + CORNER_DX[k2]!, Y + CORNER_DY[k2]!), X + CORNER_DX[k2]!, Y + CORNER_DY[k2]!])
    }
  }
  const shells: Array<{ ring: Position[]; area: number }> = []
  const holes: Position[][] = []
  const visited = new Set<number>()
  for (const [start] of next) {
    if (visited.has(start)) continue
    const ring: Position[] = []
    let key = start
    let area2 = 0
    let prev: [number, number] | undefined
    let first: [number, number] | undefined
    for (;;) {
      visited.add(key)
      const edge = next.get(key)!
      const pos = vertexLonLat(edge[1], edge[2])
      ring.push(pos)
      if (prev) area2 += prev[0] * pos[1] - pos[0] * prev[1]
      else first = pos
      prev = pos
      key = edge[0]
      if (key === start) break
    }
    area2 += prev![0] * first![1] - first![0] * prev![1]
    ring.push([first![0], first![1]])
    if (area2 > 0) shells.push({ ring, area: area2 / 2 })
    else holes.push(ring)
  }
  shells.sort((a, b) => a.area - b.area)
  const polygons: Position[][][] = shells.map((s) => [s.ring])
  for (const hole of holes) {
    const [hx, hy] = hole[0]! as [number, number]
    // The smallest shell that contains the hole: rings never touch, so any vertex decides.
    const owner = shells.findIndex((s) => pointInRing(hx, hy, s.ring as Array<[number, number]>))
    if (owner < 0) throw new Error('demo layout: a hole outside every shell')
    polygons[owner]!.push(hole)
  }
  // Largest part first, for readers that show only one.
  polygons.reverse()
  return { type: 'MultiPolygon', coordinates: polygons }
}

/** Connected components of a set of hexagons (edge adjacency). */
export function components(lattice: Lattice, cells: readonly number[], member: (i: number) => boolean): number[][] {
  const seen = new Set<number>()
  const out: number[][] = []
  for (const start of cells) {
    if (seen.has(start)) continue
    const comp: number[] = []
    const stack = [start]
    seen.add(start)
    while (stack.length > 0) {
      const i = stack.pop()!
      comp.push(i)
      for (let k = 0; k < 6; k++) {
        const n = lattice.neighbour(i, k)
        if (n >= 0 && !seen.has(n) && member(n)) {
          seen.add(n)
          stack.push(n)
        }
      }
    }
    out.push(comp)
  }
  return out
}

/** A binary min-heap of [priority, value] pairs. */
export class MinHeap {
  private readonly items: Array<[number, number]> = []
  get size(): number {
    return this.items.length
  }
  push(priority: number, value: number): void {
    const items = this.items
    items.push([priority, value])
    let i = items.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (items[p]![0] <= priority) break
      items[i] = items[p]!
      i = p
    }
    items[i] = [priority, value]
  }
  pop(): [number, number] {
    const items = this.items
    const top = items[0]!
    const last = items.pop()!
    if (items.length > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < items.length && items[l]![0] < (m === i ? last[0] : items[m]![0])) m = l
        if (r < items.length && items[r]![0] < (m === i ? last[0] : items[m]![0])) m = r
        if (m === i) break
        items[i] = items[m]!
        i = m
      }
      items[i] = last
    }
    return top
  }
}
