/**
 * A synthetic but plausible road network over the demo city's centre (docs/domain.md §11): a
 * street lattice about 1.1 km apart with primary arterials every fourth line, a trunk ring road, and
 * a river (the 浑河's place, south of the centre) that only four bridges cross: the ring's two and
 * two in the city. A few local streets are missing or one-way. Straight-line and travel-time
 * rankings differ wherever the nearest team is on the other bank. Deterministic (its own seed).
 */
import type { Db } from '../db/db'
import { Random } from '../domain/random'
import type { RoadClass } from '../domain/roads'
import { bumpNetworkVersion, insertRoads, type RoadWrite } from '../modules/roads/network'

/** Lattice centre (lon, lat): central Shenyang. */
const CENTRE: [number, number] = [123.43, 41.8]
/** Street spacing, km. */
const SPACING_KM = 1.1
/** Lattice extent in steps east-west and south-north. */
const I_RANGE: [number, number] = [-20, 20]
const J_RANGE: [number, number] = [-16, 14]
/** The ring road runs along these lattice lines. */
const RING = { i: 14, jMin: -11, jMax: 10 }
/** Lattice columns where a city bridge crosses the river (besides the ring's two). */
const CITY_BRIDGES = new Set([-5, 4])
const KM_PER_DEG_LAT = 111.05
const KM_PER_DEG_LON = 111.32 * Math.cos((CENTRE[1] * Math.PI) / 180)

/** The river's centre line, km north of CENTRE at x km east. */
export function riverYKm(xKm: number): number {
  return -3.8 + 1.2 * Math.sin(xKm / 7)
}

function toLonLat(xKm: number, yKm: number): [number, number] {
  return [Math.round((CENTRE[0] + xKm / KM_PER_DEG_LON) * 1e7) / 1e7, Math.round((CENTRE[1] + yKm / KM_PER_DEG_LAT) * 1e7) / 1e7]
}

/** The demo network's edges. */
export function demoRoads(): RoadWrite[] {
  const rng = new Random('riskmap-demo-roads-2026')
  const onRing = (i: number, j: number) =>
    (Math.abs(i) === RING.i && j >= RING.jMin && j <= RING.jMax) || ((j === RING.jMin || j === RING.jMax) && Math.abs(i) <= RING.i)
  // (ring junctions are not jittered, so the ring road stays straight)
  // Junction positions: the lattice, jittered up to ±150 m (the ring stays straight).
  const node = new Map<string, [number, number]>()
  for (let i = I_RANGE[0]; i <= I_RANGE[1]; i++) {
    for (let j = J_RANGE[0]; j <= J_RANGE[1]; j++) {
      const jitter = onRing(i, j) ? 0 : 0.15
      node.set(`${i},${j}`, [i * SPACING_KM + rng.float(-jitter, jitter), j * SPACING_KM + rng.float(-jitter, jitter)])
    }
  }
  const roads: RoadWrite[] = []
  const add = (a: [number, number], b: [number, number], horizontal: boolean) => {
    const [i0, j0] = a
    const [i1, j1] = b
    const p = node.get(`${i0},${j0}`)!
    const q = node.get(`${i1},${j1}`)!
    const ring = horizontal
      ? (j0 === RING.jMin || j0 === RING.jMax) && Math.abs(i0) <= RING.i && Math.abs(i1) <= RING.i
      : Math.abs(i0) === RING.i && j0 >= RING.jMin && j1 <= RING.jMax
    const arterial = horizontal ? j0 % 4 === 0 : i0 % 4 === 0
    if (!horizontal) {
      const crosses = (p[1] - riverYKm(p[0])) * (q[1] - riverYKm(q[0])) < 0
      if (crosses && !ring && !CITY_BRIDGES.has(i0)) return
    }
    const roadClass: RoadClass = ring ? 'trunk' : arterial ? 'primary' : 'residential'
    if (roadClass === 'residential' && rng.chance(0.08)) return
    const oneway = roadClass === 'residential' && rng.chance(0.06)
    roads.push({
      roadClass,
      name: ring ? '示例环路' : null,
      maxspeedKmh: ring ? 80 : arterial ? 60 : null,
      oneway,
      coordinates: [toLonLat(...p), toLonLat(...q)],
      synthetic: true,
    })
  }
  for (let i = I_RANGE[0]; i <= I_RANGE[1]; i++) {
    for (let j = J_RANGE[0]; j <= J_RANGE[1]; j++) {
      if (i < I_RANGE[1]) add([i, j], [i + 1, j], true)
      if (j < J_RANGE[1]) add([i, j], [i, j + 1], false)
    }
  }
  return roads
}

/** Stores the demo network (in the caller's transaction) and bumps the network version. */
export async function loadDemoRoads(trx: Db): Promise<number> {
  const stored = await insertRoads(trx, demoRoads())
  await bumpNetworkVersion(trx)
  return stored
}
