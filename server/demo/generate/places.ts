/**
 * Where things are: weighted sampling of lattice cells by density profiles (urban, industrial,
 * chemical, mining, logistics, rural), and points within cells.
 */
import type { Point, Position } from 'geojson'
import { Random } from '../../domain/random'
import { HEX_SIZE_KM, Lattice, SQRT3, toKm, toLonLat } from './lattice'

export interface Hotspot {
  lon: number
  lat: number
  /** Spread, km (Gaussian σ). */
  sigmaKm: number
  weight: number
}

export type ProfileName = 'urban' | 'industrial' | 'chemical' | 'mining' | 'logistics' | 'rural'

export const SEATS: Hotspot[] = [
  { lon: 122.8283, lat: 41.9962, sigmaKm: 2.5, weight: 6 },
  { lon: 122.7654, lat: 41.5166, sigmaKm: 2.5, weight: 5 },
  { lon: 123.4161, lat: 42.5007, sigmaKm: 2, weight: 4 },
  { lon: 123.3528, lat: 42.7415, sigmaKm: 2, weight: 4 },
  { lon: 123.344, lat: 41.6647, sigmaKm: 2.5, weight: 6 },
  { lon: 123.5843, lat: 42.0527, sigmaKm: 2, weight: 3 },
]

/** Relative density of each kind of place: a base everywhere plus Gaussian hotspots (real parks and towns, approximate). */
export const PROFILES: Record<ProfileName, { base: number; spots: Hotspot[] }> = {
  urban: {
    base: 0.05,
    spots: [
      { lon: 123.43, lat: 41.8, sigmaKm: 5, weight: 40 },
      { lon: 123.47, lat: 41.73, sigmaKm: 3, weight: 10 },
      { lon: 123.47, lat: 41.92, sigmaKm: 3, weight: 6 },
      { lon: 123.31, lat: 41.8, sigmaKm: 3, weight: 8 },
      ...SEATS,
    ],
  },
  industrial: {
    base: 0.03,
    spots: [
      { lon: 123.35, lat: 41.79, sigmaKm: 3.5, weight: 14 }, // 铁西 old industrial area
      { lon: 123.24, lat: 41.74, sigmaKm: 4, weight: 22 }, // 经济技术开发区
      { lon: 123.52, lat: 41.72, sigmaKm: 4, weight: 14 }, // 浑南 高新区
      { lon: 123.5, lat: 41.96, sigmaKm: 4, weight: 12 }, // 沈北 辉山 / 道义
      { lon: 123.22, lat: 41.83, sigmaKm: 3, weight: 10 }, // 于洪
      { lon: 123.5, lat: 41.83, sigmaKm: 2.5, weight: 9 }, // 大东 汽车城
      { lon: 123.33, lat: 41.65, sigmaKm: 3, weight: 8 }, // 苏家屯
      { lon: 122.86, lat: 41.98, sigmaKm: 3, weight: 5 },
      { lon: 123.3, lat: 42.45, sigmaKm: 3, weight: 4 },
      { lon: 122.76, lat: 41.53, sigmaKm: 3, weight: 4 },
      { lon: 123.35, lat: 42.73, sigmaKm: 3, weight: 3 },
    ],
  },
  chemical: {
    base: 0.004,
    spots: [
      { lon: 122.88, lat: 41.47, sigmaKm: 3, weight: 30 }, // 辽中 chemical park (synthetic)
      { lon: 123.15, lat: 41.71, sigmaKm: 3, weight: 30 }, // 经开区 west: chemical park
      { lon: 122.9, lat: 42.03, sigmaKm: 2.5, weight: 10 }, // 新民
      { lon: 123.2, lat: 41.86, sigmaKm: 2, weight: 5 },
      { lon: 123.43, lat: 41.8, sigmaKm: 6, weight: 3 }, // filling stations and traders in town
      ...SEATS.map((s) => ({ ...s, weight: 1.5 })),
    ],
  },
  mining: {
    base: 0.002,
    spots: [
      { lon: 123.18, lat: 41.55, sigmaKm: 5, weight: 10 }, // 红阳 coal field
      { lon: 123.45, lat: 42.82, sigmaKm: 6, weight: 8 }, // 康平 coal
      { lon: 123.55, lat: 42.38, sigmaKm: 6, weight: 8 }, // 法库 quarries
      { lon: 123.7, lat: 42.0, sigmaKm: 4, weight: 4 },
    ],
  },
  logistics: {
    base: 0.02,
    spots: [
      { lon: 123.18, lat: 41.78, sigmaKm: 4, weight: 15 }, // 于洪 沙岭
      { lon: 123.33, lat: 41.66, sigmaKm: 3, weight: 10 },
      { lon: 123.49, lat: 41.64, sigmaKm: 3, weight: 8 }, // 桃仙 airport
      { lon: 123.45, lat: 41.93, sigmaKm: 3, weight: 6 },
      { lon: 123.43, lat: 41.8, sigmaKm: 5, weight: 10 },
      ...SEATS.map((s) => ({ ...s, weight: 2 })),
    ],
  },
  rural: {
    base: 0.3,
    spots: SEATS.map((s) => ({ ...s, sigmaKm: 5, weight: 3 })),
  },
}

/** Cumulative cell weights of one profile over the city cells, for O(log n) sampling. */
export class CellSampler {
  private readonly cumulative: Float64Array
  constructor(
    private readonly cells: readonly number[],
    weight: (cell: number) => number,
  ) {
    this.cumulative = new Float64Array(cells.length)
    let total = 0
    cells.forEach((c, k) => {
      total += weight(c)
      this.cumulative[k] = total
    })
  }
  sample(rng: Random): number {
    const total = this.cumulative[this.cumulative.length - 1]!
    const x = rng.next() * total
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.cumulative[mid]! > x) hi = mid
      else lo = mid + 1
    }
    return this.cells[lo]!
  }
}

export function profileWeight(profile: { base: number; spots: Hotspot[] }, x: number, y: number): number {
  let w = profile.base
  for (const s of profile.spots) {
    const [sx, sy] = toKm(s.lon, s.lat)
    const d2 = (x - sx) ** 2 + (y - sy) ** 2
    w += s.weight * Math.exp(-d2 / (2 * s.sigmaKm * s.sigmaKm))
  }
  return w
}

/** A point strictly inside lattice cell `cell` (within 80 % of the inscribed circle). */
export function pointInCell(rng: Random, lattice: Lattice, cell: number): [number, number] {
  const radius = 0.8 * ((HEX_SIZE_KM * SQRT3) / 2)
  for (;;) {
    const dx = rng.float(-1, 1)
    const dy = rng.float(-1, 1)
    if (dx * dx + dy * dy <= 1) return toLonLat(lattice.x[cell]! + dx * radius, lattice.y[cell]! + dy * radius)
  }
}

/** A point within `maxM` metres of a lon/lat point. */
export function jitter(rng: Random, lonLat: readonly [number, number] | Position, maxM: number): [number, number] {
  const [x, y] = toKm(lonLat[0]!, lonLat[1]!)
  for (;;) {
    const dx = rng.float(-1, 1)
    const dy = rng.float(-1, 1)
    if (dx * dx + dy * dy <= 1) return toLonLat(x + (dx * maxM) / 1000, y + (dy * maxM) / 1000)
  }
}

export function pointGeom(lonLat: readonly [number, number]): Point {
  return { type: 'Point', coordinates: [lonLat[0], lonLat[1]] }
}
