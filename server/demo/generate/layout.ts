/**
 * The synthetic layout of Shenyang on the lattice: city outline, county-level units,
 * townships and management grids. Seed-independent, so every demo set shares the same map.
 */
import shenyang from '../../../data/shenyang.json' with { type: 'json' }
import { Random } from '../../domain/random'
import { HEX_SIZE_KM, Lattice, MinHeap, SQRT3, components, hexAtKm, hexKey, pointInRing, toKm, valueNoise } from './lattice'

export interface CountyFact {
  code: string
  name: string
  name_en: string
  kind: 'district' | 'county' | 'county_city'
  centre: [number, number]
}

export interface CityFacts {
  city: { code: string; name: string; name_en: string; centre: [number, number] }
  counties: CountyFact[]
}

export const FACTS = shenyang as unknown as CityFacts

/** The five central districts: small, fully urban, covered by management grids. */
export const CENTRAL_CODES = new Set(['210102', '210103', '210104', '210105', '210106'])

/**
 * A hand-drawn outline of the city, lon/lat: elongated north–south, 康平 and 法库 in the north,
 * 新民 west, 辽中 south-west, 浑南 reaching east. Noise roughens it further.
 */
export const CITY_OUTLINE: ReadonlyArray<readonly [number, number]> = [
  [123.08, 42.98],
  [123.32, 43.03],
  [123.52, 42.9],
  [123.6, 42.72],
  [123.78, 42.58],
  [123.76, 42.36],
  [123.7, 42.2],
  [123.8, 42.06],
  [123.78, 41.92],
  [123.82, 41.78],
  [123.79, 41.66],
  [123.68, 41.6],
  [123.55, 41.55],
  [123.42, 41.49],
  [123.25, 41.47],
  [123.08, 41.36],
  [122.9, 41.28],
  [122.68, 41.28],
  [122.52, 41.38],
  [122.47, 41.55],
  [122.52, 41.72],
  [122.45, 41.9],
  [122.52, 42.1],
  [122.65, 42.27],
  [122.86, 42.33],
  [122.94, 42.46],
  [122.9, 42.62],
  [122.92, 42.8],
  [122.98, 42.93],
]

/**
 * Seed points of each county-level unit (lon/lat). A lattice cell belongs to the unit of its
 * nearest seed (distance perturbed per unit by smooth noise, so borders wander). The central
 * districts get close seeds and the surrounding districts ring them, which keeps the centre small.
 */
export const COUNTY_SEEDS: Record<string, ReadonlyArray<readonly [number, number]>> = {
  '210102': [
    [123.405, 41.787],
    [123.39, 41.752],
  ],
  '210103': [
    [123.462, 41.795],
    [123.48, 41.782],
  ],
  '210104': [
    [123.49, 41.825],
    [123.535, 41.84],
  ],
  '210105': [
    [123.425, 41.835],
    [123.435, 41.862],
  ],
  '210106': [
    [123.35, 41.795],
    [123.3, 41.765],
    [123.24, 41.73],
    [123.33, 41.748],
    [123.18, 41.71],
  ],
  '210114': [
    [123.3, 41.845],
    [123.2, 41.8],
    [123.36, 41.878],
    [123.22, 41.9],
    [123.12, 41.77],
  ],
  '210113': [
    [123.5, 41.935],
    [123.62, 42.05],
    [123.38, 41.97],
    [123.72, 42.0],
    [123.48, 42.12],
    [123.6, 41.92],
  ],
  '210112': [
    [123.46, 41.725],
    [123.58, 41.76],
    [123.7, 41.72],
    [123.62, 41.65],
    [123.76, 41.84],
    [123.65, 41.82],
  ],
  '210111': [
    [123.34, 41.665],
    [123.25, 41.61],
    [123.45, 41.6],
    [123.36, 41.52],
    [123.17, 41.52],
    [123.52, 41.55],
  ],
  '210115': [
    [122.76, 41.52],
    [122.62, 41.36],
    [122.9, 41.38],
    [122.58, 41.62],
    [122.96, 41.6],
    [122.78, 41.27],
  ],
  '210181': [
    [122.83, 42.0],
    [122.6, 41.88],
    [122.7, 42.17],
    [123.05, 41.9],
    [122.95, 42.18],
    [123.05, 41.75],
    [122.55, 42.05],
  ],
  '210124': [
    [123.41, 42.46],
    [123.15, 42.34],
    [123.6, 42.35],
    [123.05, 42.48],
    [123.3, 42.24],
    [123.7, 42.5],
  ],
  '210123': [
    [123.3, 42.74],
    [123.05, 42.86],
    [123.42, 42.92],
    [122.92, 42.66],
    [123.5, 42.66],
  ],
}

/** Townships per county-level unit (synthetic subdivision). */
export const TOWNSHIP_COUNTS: Record<string, number> = {
  '210102': 5,
  '210103': 5,
  '210104': 6,
  '210105': 5,
  '210106': 8,
  '210111': 6,
  '210112': 8,
  '210113': 7,
  '210114': 7,
  '210115': 8,
  '210123': 7,
  '210124': 8,
  '210181': 10,
}

/** Two-character township names; combined with 街道/镇/乡 and labelled （示例）. */
export const TOWNSHIP_WORDS = [
  '安和',
  '长青',
  '文华',
  '兴业',
  '永宁',
  '惠民',
  '康乐',
  '新桥',
  '丰泽',
  '瑞祥',
  '清源',
  '明德',
  '嘉禾',
  '平安',
  '宏远',
  '北辰',
  '南湖',
  '东升',
  '西岭',
  '同心',
  '太和',
  '锦程',
  '云泉',
  '华林',
  '汇泽',
  '福田',
]

/** Management grid cells are about this many lattice cells across (≈ 2.1 km²). */
export const GRID_CELL_SCALE = 2.6

export interface LayoutCounty {
  fact: CountyFact
  /** Short name without 区/县/市, used in names and decision numbers. */
  short: string
  central: boolean
  cells: number[]
  townships: number[]
}

export interface LayoutTownship {
  code: string
  name: string
  name_en: string
  county: number
  cells: number[]
  /** 街道 (urban) or 镇/乡 (rural). */
  urban: boolean
}

export interface LayoutGrid {
  id: number
  code: string
  name: string
  township: number
  cells: number[]
}

export interface Layout {
  lattice: Lattice
  cityCells: number[]
  /** Per lattice cell: county index, township index, management grid index (-1 when none). */
  countyOf: Int32Array
  townshipOf: Int32Array
  gridOf: Int32Array
  counties: LayoutCounty[]
  townships: LayoutTownship[]
  grids: LayoutGrid[]
}

export function shortName(name: string): string {
  return name.replace(/(新区|区|县|市)$/, '')
}

/** Builds the lattice layout; seed-independent, so every demo set shares the same map. */
export function buildLayout(): Layout {
  const lattice = new Lattice()
  const outlineKm = CITY_OUTLINE.map(([lon, lat]) => toKm(lon, lat))
  const [minX, minY] = toKm(122.3, 41.1)
  const [maxX, maxY] = toKm(123.95, 43.15)
  const rMin = Math.floor(minY / (1.5 * HEX_SIZE_KM)) - 1
  const rMax = Math.ceil(maxY / (1.5 * HEX_SIZE_KM)) + 1
  const inside: boolean[] = []
  for (let r = rMin; r <= rMax; r++) {
    const qMin = Math.floor((minX / ((HEX_SIZE_KM * SQRT3) / 2) - r) / 2) - 1
    const qMax = Math.ceil((maxX / ((HEX_SIZE_KM * SQRT3) / 2) - r) / 2) + 1
    for (let q = qMin; q <= qMax; q++) {
      const i = lattice.add(q, r)
      const x = lattice.x[i]!
      const y = lattice.y[i]!
      // Displace the test point by smooth noise so the outline is not a polygon of straight lines.
      const px = x + 3 * valueNoise(x, y, 14, 1) + 1 * valueNoise(x, y, 4, 2)
      const py = y + 3 * valueNoise(x, y, 14, 3) + 1 * valueNoise(x, y, 4, 4)
      inside.push(pointInRing(px, py, outlineKm))
    }
  }
  const all = Array.from({ length: lattice.size }, (_, i) => i)
  // Keep the largest piece, then fill holes: whatever outside cell the border cannot reach.
  const pieces = components(
    lattice,
    all.filter((i) => inside[i]),
    (i) => inside[i]!,
  )
  pieces.sort((a, b) => b.length - a.length)
  const inCity = new Uint8Array(lattice.size)
  for (const i of pieces[0]!) inCity[i] = 1
  const outside = components(
    lattice,
    all.filter((i) => !inCity[i]),
    (i) => !inCity[i],
  )
  for (const comp of outside) {
    const touchesBorder = comp.some((i) => {
      for (let k = 0; k < 6; k++) if (lattice.neighbour(i, k) < 0) return true
      return false
    })
    if (!touchesBorder) for (const i of comp) inCity[i] = 1
  }
  const cityCells = all.filter((i) => inCity[i])

  // County-level units: nearest seed, with per-unit noise on the distance.
  const counties: LayoutCounty[] = FACTS.counties.map((fact) => ({
    fact,
    short: shortName(fact.name),
    central: CENTRAL_CODES.has(fact.code),
    cells: [],
    townships: [],
  }))
  const seeds: Array<{ x: number; y: number; county: number }> = []
  counties.forEach((c, ci) => {
    // The seat itself is always a seed, so each unit's real centre lies inside it.
    for (const [lon, lat] of [c.fact.centre, ...(COUNTY_SEEDS[c.fact.code] ?? [])]) {
      const [x, y] = toKm(lon, lat)
      seeds.push({ x, y, county: ci })
    }
  })
  const countyOf = new Int32Array(lattice.size).fill(-1)
  for (const i of cityCells) {
    const x = lattice.x[i]!
    const y = lattice.y[i]!
    let best = -1
    let bestD = Infinity
    for (const s of seeds) {
      const d = Math.hypot(x - s.x, y - s.y) * (1 + 0.16 * valueNoise(x, y, 9, 100 + s.county) + 0.06 * valueNoise(x, y, 3, 200 + s.county))
      if (d < bestD) {
        bestD = d
        best = s.county
      }
    }
    countyOf[i] = best
  }
  // Each unit keeps its largest piece; stray pieces join the neighbour they share most edges with.
  for (let pass = 0; pass < 4; pass++) {
    let moved = 0
    counties.forEach((_, ci) => {
      const cells = cityCells.filter((i) => countyOf[i] === ci)
      const comps = components(lattice, cells, (i) => countyOf[i] === ci).sort((a, b) => b.length - a.length)
      for (const comp of comps.slice(1)) {
        const votes = new Map<number, number>()
        for (const i of comp) {
          for (let k = 0; k < 6; k++) {
            const n = lattice.neighbour(i, k)
            if (n >= 0 && countyOf[n]! >= 0 && countyOf[n] !== ci) votes.set(countyOf[n]!, (votes.get(countyOf[n]!) ?? 0) + 1)
          }
        }
        let target = -1
        let most = 0
        for (const [c, v] of votes) if (v > most || (v === most && c < target)) [target, most] = [c, v]
        if (target >= 0) {
          for (const i of comp) countyOf[i] = target
          moved++
        }
      }
    })
    if (moved === 0) break
  }
  for (const i of cityCells) counties[countyOf[i]!]!.cells.push(i)

  // Townships: grown from spread-out seeds over each unit's cells with random step costs
  // (a randomised Dijkstra), so every township is one connected, organic-looking piece.
  const rng = new Random('riskmap-demo-layout-shenyang')
  const townships: LayoutTownship[] = []
  const townshipOf = new Int32Array(lattice.size).fill(-1)
  counties.forEach((county, ci) => {
    const n = TOWNSHIP_COUNTS[county.fact.code] ?? 4
    const [cx, cy] = toKm(county.fact.centre[0], county.fact.centre[1])
    const cellSet = new Set(county.cells)
    // The first seed is the cell nearest the seat; the others are spread by best-of-k farthest sampling.
    let seat = county.cells[0]!
    let seatD = Infinity
    for (const i of county.cells) {
      const d = Math.hypot(lattice.x[i]! - cx, lattice.y[i]! - cy)
      if (d < seatD) [seat, seatD] = [i, d]
    }
    const seedCells = [seat]
    while (seedCells.length < n) {
      let best = -1
      let bestD = -1
      for (let t = 0; t < 24; t++) {
        const cand = rng.pick(county.cells)
        let d = Infinity
        for (const s of seedCells) d = Math.min(d, Math.hypot(lattice.x[cand]! - lattice.x[s]!, lattice.y[cand]! - lattice.y[s]!))
        if (d > bestD) [best, bestD] = [cand, d]
      }
      seedCells.push(best)
    }
    const words = rng.shuffle(TOWNSHIP_WORDS)
    const base = townships.length
    seedCells.forEach((_, k) => {
      const urban = county.central || (county.fact.kind === 'district' ? k < 2 : k === 0)
      const suffix = urban ? '街道' : county.fact.kind === 'county' && k % 3 === 2 ? '乡' : '镇'
      const code = `${county.fact.code}${String(k + 1).padStart(3, '0')}`
      townships.push({
        code,
        name: `${words[k % words.length]}${suffix}（示例）`,
        name_en: `${county.fact.name_en} demo ${urban ? 'subdistrict' : 'town'} ${k + 1}`,
        county: ci,
        cells: [],
        urban,
      })
      county.townships.push(base + k)
    })
    const cost = new Float64Array(lattice.size).fill(Infinity)
    const heap = new MinHeap()
    seedCells.forEach((s, k) => {
      cost[s] = 0
      townshipOf[s] = base + k
      heap.push(0, s)
    })
    while (heap.size > 0) {
      const [c, i] = heap.pop()
      if (c > cost[i]!) continue
      for (let k = 0; k < 6; k++) {
        const nb = lattice.neighbour(i, k)
        if (nb < 0 || !cellSet.has(nb)) continue
        const step = 1 + 0.9 * (valueNoise(lattice.x[nb]!, lattice.y[nb]!, 2.5, 300 + ci) + 1)
        if (c + step < cost[nb]!) {
          cost[nb] = c + step
          townshipOf[nb] = townshipOf[i]!
          heap.push(c + step, nb)
        }
      }
    }
    for (const i of county.cells) townships[townshipOf[i]!]!.cells.push(i)
  })

  // Management grids over the central districts: a coarse hexagonal grid, cut by townships;
  // pieces smaller than 3 cells join a neighbouring grid of the same township.
  const gridOf = new Int32Array(lattice.size).fill(-1)
  const grids: LayoutGrid[] = []
  const coarse = HEX_SIZE_KM * GRID_CELL_SCALE
  counties.forEach((county) => {
    if (!county.central) return
    let perCounty = 0
    for (const ti of county.townships) {
      const township = townships[ti]!
      const groups = new Map<number, number[]>()
      for (const i of township.cells) {
        const key = hexKey(...coarseAxial(lattice.x[i]!, lattice.y[i]!, coarse))
        const list = groups.get(key)
        if (list) list.push(i)
        else groups.set(key, [i])
      }
      const pieces: number[][] = []
      for (const cells of groups.values()) {
        const set = new Set(cells)
        for (const comp of components(lattice, cells, (i) => set.has(i))) pieces.push(comp)
      }
      const local = new Map<number, number>()
      const big = pieces.filter((p) => p.length >= 3)
      big.forEach((p, k) => p.forEach((i) => local.set(i, k)))
      const small = pieces.filter((p) => p.length < 3)
      // Attach small pieces repeatedly: one may only touch another small piece at first.
      for (let pass = 0; pass < 6 && small.length > 0; pass++) {
        for (let s = small.length - 1; s >= 0; s--) {
          const piece = small[s]!
          let target = -1
          for (const i of piece) {
            for (let k = 0; k < 6 && target < 0; k++) {
              const nb = lattice.neighbour(i, k)
              if (nb >= 0 && townshipOf[nb] === ti && local.has(nb)) target = local.get(nb)!
            }
          }
          if (target >= 0) {
            for (const i of piece) {
              big[target]!.push(i)
              local.set(i, target)
            }
            small.splice(s, 1)
          }
        }
      }
      for (const piece of small) {
        piece.forEach((i) => local.set(i, big.length))
        big.push(piece)
      }
      // Number grids north-west to south-east so codes read like a map.
      const order = big
        .map((cells, k) => ({ k, cells, y: Math.max(...cells.map((i) => lattice.y[i]!)), x: Math.min(...cells.map((i) => lattice.x[i]!)) }))
        .sort((a, b) => b.y - a.y || a.x - b.x)
      for (const g of order) {
        perCounty++
        const id = grids.length + 1
        const townName = township.name.replace('（示例）', '')
        grids.push({
          id,
          code: `G${county.fact.code}-${String(perCounty).padStart(3, '0')}`,
          name: `${county.short}${townName}第${perCounty}网格（示例）`,
          township: ti,
          cells: g.cells,
        })
        for (const i of g.cells) gridOf[i] = id - 1
      }
    }
  })

  return { lattice, cityCells, countyOf, townshipOf, gridOf, counties, townships, grids }
}

/** Axial coordinates of the coarse (management grid) hexagon containing a plane point. */
export function coarseAxial(x: number, y: number, size: number): [number, number] {
  const scale = HEX_SIZE_KM / size
  return hexAtKm(x * scale, y * scale)
}
