/**
 * Synthetic demo data over the real layout of Shenyang (DESIGN §11). Division codes, names and
 * centres are real (data/shenyang.json); every boundary, enterprise, record and person is generated
 * from a seed, flagged `synthetic` where the schema has the column and labelled （示例） in names.
 * An enterprise's `division_code` is the 9-digit (synthetic) township that contains its point.
 *
 * Geometry is built on a hexagonal lattice (edge HEX_SIZE_KM) in a local equirectangular plane:
 * every division, township and management grid is a union of lattice cells, traced into rings
 * whose shared vertices are bit-identical. Three hexagons meet at every vertex, so a region's
 * boundary never touches itself: the polygons are valid, siblings never overlap and they exactly
 * cover their parent.
 */
import type { MultiLineString, MultiPolygon, Point, Polygon, Position } from 'geojson'
import { buffer as turfBuffer, circle as turfCircle, lineString as turfLineString } from '@turf/turf'
import shenyang from '../../data/shenyang.json' with { type: 'json' }
import { enterpriseLevel, type EnterpriseLevelReason } from '../domain/enterprise-level'
import { gradeLec } from '../domain/lec'
import type { Level } from '../domain/levels'
import { compareReportedGrade, identifyAndGradeMajorHazard } from '../domain/major-hazard'
import { gradeMatrix } from '../domain/matrix'
import { DEFAULT_RULES } from '../domain/rules'
import { highHazardIndustry, supervisionTier, type Affiliation, type EnterpriseScale } from '../domain/tier'
import type { Specialty } from '../domain/supervision'
import { buildUscc } from '../domain/uscc'
import { Random } from './random'

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface DemoOptions {
  /** Seed of every random choice; the same seed, scale and `today` give identical rows. Default 'riskmap-demo'. */
  seed?: string
  /** Multiplies every count that is not geography: 1 ≈ the city (≈ 3 000 enterprises), 60 ≈ a province. */
  scale?: number
  /** The day the data is "as of" (UTC date); deadlines, staleness and history are relative to it. Default: now. */
  today?: Date
}

/** Tables in foreign-key-safe insert order. */
export const DEMO_TABLES = [
  'division',
  'mgmt_grid',
  'department',
  'inspector',
  'inspection_plan',
  'enterprise',
  'enterprise_specialist_department',
  'major_hazard',
  'major_hazard_substance',
  'safety_risk',
  'inspection',
  'inspection_inspector',
  'hidden_danger',
  'violation',
  'penalty',
  'credit_event',
  'area_assessment',
  'resource',
] as const

export type DemoTable = (typeof DEMO_TABLES)[number]

/** Date columns are 'YYYY-MM-DD'; timestamptz columns are ISO 8601 strings in UTC. */
type DateString = string
type Timestamp = string

export interface DivisionRow {
  code: string
  name: string
  name_en: string
  rank: 'city' | 'county' | 'township'
  parent_code: string | null
  synthetic: boolean
  geom: MultiPolygon
}

export interface MgmtGridRow {
  id: number
  code: string
  name: string
  division_code: string
  geom: MultiPolygon
}

export interface DepartmentRow {
  id: number
  name: string
  kind: 'industry' | 'specialist'
  division_code: string
  industries: string[]
  /** A specialist department's field (domain/supervision.ts SPECIALTIES); null for an industry one. */
  specialty: Specialty | null
}

export interface InspectorRow {
  id: number
  department_id: number
  name: string
  badge_no: string
  active: boolean
}

export interface InspectionPlanRow {
  id: number
  department_id: number
  division_prefix: string
  period_start: DateString
  period_end: DateString
  seed: string
  rule_version: string
  published_at: Timestamp | null
  results_published_at: Timestamp | null
  created_by: string
}

export interface EnterpriseRow {
  id: number
  uscc: string
  name: string
  industry: string
  high_hazard: boolean
  scale: EnterpriseScale
  affiliation: Affiliation
  central_vertical: boolean
  is_outlet: boolean
  tier: 'city' | 'county' | 'township' | null
  tier_source: 'rule'
  tier_reason: string
  /** The 9-digit township that contains the point. */
  division_code: string
  mgmt_grid_id: number | null
  address: string
  industry_department_id: number | null
  responsible_person: string | null
  responsible_phone: string | null
  credit_status: 'good' | 'warned' | 'blacklisted'
  last_reported_at: DateString | null
  report_due_at: DateString | null
  level: Level
  inherent_level: Level
  level_reason: EnterpriseLevelReason
  impact_radius_m: number | null
  synthetic: boolean
  geom: Point
}

export interface EnterpriseSpecialistDepartmentRow {
  enterprise_id: number
  department_id: number
}

export interface MajorHazardRow {
  id: number
  enterprise_id: number
  name: string
  population_500m: number
  reported_r: number | null
  reported_grade: number | null
  s: number
  r: number
  alpha: number
  grade: number
  level: number
  grade_mismatch: string | null
  impact_radius_m: number | null
  reported_at: DateString
  valid_until: DateString
  rule_version: string
  geom: Point
}

export interface MajorHazardSubstanceRow {
  id: number
  major_hazard_id: number
  name: string
  cas: string | null
  hazard_class: string | null
  q_t: number
  critical_q_t: number
  beta: number
}

interface AssessmentColumns {
  method: 'lec' | 'matrix' | 'stated'
  lec_l: number | null
  lec_e: number | null
  lec_c: number | null
  matrix_l: number | null
  matrix_s: number | null
  stated_method: string | null
  score: number | null
  level: number
}

export interface SafetyRiskRow extends AssessmentColumns {
  id: number
  enterprise_id: number
  name: string
  description: string
  impact_radius_m: number | null
  assessed_at: DateString
  valid_until: DateString
  rule_version: string
  geom: Point
}

export interface InspectionRow {
  id: number
  enterprise_id: number
  plan_id: number | null
  planned_for: DateString | null
  inspected_at: DateString | null
  findings: string | null
  result: 'compliant' | 'violations_found' | 'not_found' | 'closed' | null
}

export interface InspectionInspectorRow {
  inspection_id: number
  inspector_id: number
}

export interface HiddenDangerRow {
  id: number
  enterprise_id: number
  inspection_id: number | null
  description: string
  is_major: boolean
  found_at: DateString
  deadline: DateString
  status: 'open' | 'rectified' | 'verified'
  reported_by: string
  rectified_at: Timestamp | null
  rectified_by: string | null
  rectification: string | null
  verified_at: Timestamp | null
  verified_by: string | null
  geom: Point
}

export interface ViolationRow {
  id: number
  enterprise_id: number
  inspection_id: number | null
  description: string
  legal_basis: string
  found_at: DateString
  deadline: DateString
  status: 'open' | 'rectified' | 'verified'
  reported_by: string
  rectified_at: Timestamp | null
  verified_at: Timestamp | null
  verified_by: string | null
}

export interface PenaltyRow {
  id: number
  enterprise_id: number
  violation_id: number | null
  decision_no: string
  amount_yuan: number
  decided_at: DateString
  description: string
  published: boolean
}

export interface CreditEventRow {
  id: number
  enterprise_id: number
  status: 'good' | 'warned' | 'blacklisted'
  reason: string
  starts_on: DateString
  ends_on: DateString | null
}

export interface AreaAssessmentRow extends AssessmentColumns {
  id: number
  name: string
  area_kind: 'area' | 'corridor'
  assessor: string
  assessed_at: DateString
  valid_until: DateString
  rule_version: string
  division_code: string | null
  source_line: MultiLineString | null
  buffer_m: number | null
  geom: MultiPolygon
}

export interface DepotItem {
  item: string
  quantity: number
  unit: string
}

export interface ResourceRow {
  id: number
  kind: 'rescue_team' | 'equipment' | 'depot' | 'shelter' | 'expert'
  name: string
  organisation: string
  duty_phone: string
  contact: string
  status: 'available' | 'deployed' | 'out_of_service'
  status_updated_at: Timestamp
  capabilities: string[]
  team_type: string | null
  headcount: number | null
  equipment_type: string | null
  quantity: number | null
  items: DepotItem[]
  capacity: number | null
  expert_field: string | null
  division_code: string
  synthetic: boolean
  geom: Point
}

export interface DemoRows {
  division: DivisionRow
  mgmt_grid: MgmtGridRow
  department: DepartmentRow
  inspector: InspectorRow
  inspection_plan: InspectionPlanRow
  enterprise: EnterpriseRow
  enterprise_specialist_department: EnterpriseSpecialistDepartmentRow
  major_hazard: MajorHazardRow
  major_hazard_substance: MajorHazardSubstanceRow
  safety_risk: SafetyRiskRow
  inspection: InspectionRow
  inspection_inspector: InspectionInspectorRow
  hidden_danger: HiddenDangerRow
  violation: ViolationRow
  penalty: PenaltyRow
  credit_event: CreditEventRow
  area_assessment: AreaAssessmentRow
  resource: ResourceRow
}

/** Every table's rows, keys in `DEMO_TABLES` order. */
export type DemoTables = { [T in DemoTable]: Array<DemoRows[T]> }

/** One batch of rows of one table; batches come in an order that satisfies every foreign key. */
export type DemoBatch = { [T in DemoTable]: { table: T; rows: Array<DemoRows[T]> } }[DemoTable]

/**
 * Generates the whole demo set in memory. For large scales prefer `generateDemoBatches`, which
 * holds one chunk of enterprises (and their records) at a time.
 */
export function generateDemo(options: DemoOptions = {}): DemoTables {
  const tables = Object.fromEntries(DEMO_TABLES.map((t) => [t, [] as unknown[]])) as Record<DemoTable, unknown[]>
  for (const batch of generateDemoBatches(options)) {
    const target = tables[batch.table]
    for (const row of batch.rows) target.push(row)
  }
  return tables as unknown as DemoTables
}

// ---------------------------------------------------------------------------------------------
// The hexagonal lattice and the local plane
// ---------------------------------------------------------------------------------------------

/** Edge length (= circumradius) of a lattice hexagon, km; area ≈ 0.32 km². */
const HEX_SIZE_KM = 0.35
const SQRT3 = Math.sqrt(3)
/** Origin of the local plane, lon/lat degrees (EPSG:4326). */
const ORIGIN_LON = 123.1
const ORIGIN_LAT = 42.1
/** Kilometres per degree at the origin latitude; constants, so no trigonometry enters the layout. */
const KM_PER_DEG_LON = 82.6
const KM_PER_DEG_LAT = 111.05

/** Corner k of a pointy-top hexagon, in half-lattice units (x × size·√3/2, y × size/2); k = 0 at 30°, counter-clockwise. */
const CORNER_DX = [1, 0, -1, -1, 0, 1] as const
const CORNER_DY = [1, 2, 1, -1, -2, -1] as const
/** The neighbour across edge k (corner k → k+1), as an axial (dq, dr) offset. */
const EDGE_DQ = [0, -1, -1, 0, 1, 1] as const
const EDGE_DR = [1, 1, 0, -1, -1, 0] as const

function round7(x: number): number {
  return Math.round(x * 1e7) / 1e7
}

function toKm(lon: number, lat: number): [number, number] {
  return [(lon - ORIGIN_LON) * KM_PER_DEG_LON, (lat - ORIGIN_LAT) * KM_PER_DEG_LAT]
}

function toLonLat(xKm: number, yKm: number): [number, number] {
  return [round7(ORIGIN_LON + xKm / KM_PER_DEG_LON), round7(ORIGIN_LAT + yKm / KM_PER_DEG_LAT)]
}

function hexKey(q: number, r: number): number {
  return (q + 50_000) * 100_000 + (r + 50_000)
}

function vertexKey(X: number, Y: number): number {
  return (X + 500_000) * 1_000_000 + (Y + 500_000)
}

function vertexLonLat(X: number, Y: number): [number, number] {
  return toLonLat((X * HEX_SIZE_KM * SQRT3) / 2, (Y * HEX_SIZE_KM) / 2)
}

/** Axial coordinates of the hexagon containing a point of the plane (km). */
function hexAtKm(x: number, y: number): [number, number] {
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
function hashUnit(ix: number, iy: number, salt: number): number {
  let h = (Math.imul(ix, 374761393) + Math.imul(iy, 668265263) + Math.imul(salt, 1274126177)) | 0
  h = Math.imul(h ^ (h >>> 13), 1103515245)
  h ^= h >>> 16
  return ((h >>> 0) / 4294967295) * 2 - 1
}

/** Smooth value noise in [-1, 1] with features about `cellKm` wide; pure arithmetic, so reproducible everywhere. */
function valueNoise(x: number, y: number, cellKm: number, salt: number): number {
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

function pointInRing(x: number, y: number, ring: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** Hexagons of the lattice: axial coordinates and centres (plane km and lon/lat). */
class Lattice {
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
function traceRegion(lattice: Lattice, cells: readonly number[], member: (i: number) => boolean): MultiPolygon {
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
function components(lattice: Lattice, cells: readonly number[], member: (i: number) => boolean): number[][] {
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
class MinHeap {
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

// ---------------------------------------------------------------------------------------------
// The synthetic layout of Shenyang: outline, county-level units, townships, management grids
// ---------------------------------------------------------------------------------------------

interface CountyFact {
  code: string
  name: string
  name_en: string
  kind: 'district' | 'county' | 'county_city'
  centre: [number, number]
}

interface CityFacts {
  city: { code: string; name: string; name_en: string; centre: [number, number] }
  counties: CountyFact[]
}

const FACTS = shenyang as unknown as CityFacts

/** The five central districts: small, fully urban, covered by management grids. */
const CENTRAL_CODES = new Set(['210102', '210103', '210104', '210105', '210106'])

/**
 * A hand-drawn outline of the city, lon/lat: elongated north–south, 康平 and 法库 in the north,
 * 新民 west, 辽中 south-west, 浑南 reaching east. Noise roughens it further.
 */
const CITY_OUTLINE: ReadonlyArray<readonly [number, number]> = [
  [123.08, 42.98], [123.32, 43.03], [123.52, 42.9], [123.6, 42.72], [123.78, 42.58],
  [123.76, 42.36], [123.7, 42.2], [123.8, 42.06], [123.78, 41.92], [123.82, 41.78],
  [123.79, 41.66], [123.68, 41.6], [123.55, 41.55], [123.42, 41.49], [123.25, 41.47],
  [123.08, 41.36], [122.9, 41.28], [122.68, 41.28], [122.52, 41.38], [122.47, 41.55],
  [122.52, 41.72], [122.45, 41.9], [122.52, 42.1], [122.65, 42.27], [122.86, 42.33],
  [122.94, 42.46], [122.9, 42.62], [122.92, 42.8], [122.98, 42.93],
]

/**
 * Seed points of each county-level unit (lon/lat). A lattice cell belongs to the unit of its
 * nearest seed (distance perturbed per unit by smooth noise, so borders wander). The central
 * districts get close seeds and the surrounding districts ring them, which keeps the centre small.
 */
const COUNTY_SEEDS: Record<string, ReadonlyArray<readonly [number, number]>> = {
  '210102': [[123.405, 41.787], [123.39, 41.752]],
  '210103': [[123.462, 41.795], [123.48, 41.782]],
  '210104': [[123.49, 41.825], [123.535, 41.84]],
  '210105': [[123.425, 41.835], [123.435, 41.862]],
  '210106': [[123.35, 41.795], [123.3, 41.765], [123.24, 41.73], [123.33, 41.748], [123.18, 41.71]],
  '210114': [[123.3, 41.845], [123.2, 41.8], [123.36, 41.878], [123.22, 41.9], [123.12, 41.77]],
  '210113': [[123.5, 41.935], [123.62, 42.05], [123.38, 41.97], [123.72, 42.0], [123.48, 42.12], [123.6, 41.92]],
  '210112': [[123.46, 41.725], [123.58, 41.76], [123.7, 41.72], [123.62, 41.65], [123.76, 41.84], [123.65, 41.82]],
  '210111': [[123.34, 41.665], [123.25, 41.61], [123.45, 41.6], [123.36, 41.52], [123.17, 41.52], [123.52, 41.55]],
  '210115': [[122.76, 41.52], [122.62, 41.36], [122.9, 41.38], [122.58, 41.62], [122.96, 41.6], [122.78, 41.27]],
  '210181': [[122.83, 42.0], [122.6, 41.88], [122.7, 42.17], [123.05, 41.9], [122.95, 42.18], [123.05, 41.75], [122.55, 42.05]],
  '210124': [[123.41, 42.46], [123.15, 42.34], [123.6, 42.35], [123.05, 42.48], [123.3, 42.24], [123.7, 42.5]],
  '210123': [[123.3, 42.74], [123.05, 42.86], [123.42, 42.92], [122.92, 42.66], [123.5, 42.66]],
}

/** Townships per county-level unit (synthetic subdivision). */
const TOWNSHIP_COUNTS: Record<string, number> = {
  '210102': 5, '210103': 5, '210104': 6, '210105': 5, '210106': 8, '210111': 6, '210112': 8,
  '210113': 7, '210114': 7, '210115': 8, '210123': 7, '210124': 8, '210181': 10,
}

/** Two-character township names; combined with 街道/镇/乡 and labelled （示例）. */
const TOWNSHIP_WORDS = [
  '安和', '长青', '文华', '兴业', '永宁', '惠民', '康乐', '新桥', '丰泽', '瑞祥', '清源', '明德', '嘉禾',
  '平安', '宏远', '北辰', '南湖', '东升', '西岭', '同心', '太和', '锦程', '云泉', '华林', '汇泽', '福田',
]

/** Management grid cells are about this many lattice cells across (≈ 2.1 km²). */
const GRID_CELL_SCALE = 2.6

interface LayoutCounty {
  fact: CountyFact
  /** Short name without 区/县/市, used in names and decision numbers. */
  short: string
  central: boolean
  cells: number[]
  townships: number[]
}

interface LayoutTownship {
  code: string
  name: string
  name_en: string
  county: number
  cells: number[]
  /** 街道 (urban) or 镇/乡 (rural). */
  urban: boolean
}

interface LayoutGrid {
  id: number
  code: string
  name: string
  township: number
  cells: number[]
}

interface Layout {
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

function shortName(name: string): string {
  return name.replace(/(新区|区|县|市)$/, '')
}

/** Builds the lattice layout; seed-independent, so every demo set shares the same map. */
function buildLayout(): Layout {
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
  const pieces = components(lattice, all.filter((i) => inside[i]), (i) => inside[i]!)
  pieces.sort((a, b) => b.length - a.length)
  const inCity = new Uint8Array(lattice.size)
  for (const i of pieces[0]!) inCity[i] = 1
  const outside = components(lattice, all.filter((i) => !inCity[i]), (i) => !inCity[i])
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
function coarseAxial(x: number, y: number, size: number): [number, number] {
  const scale = HEX_SIZE_KM / size
  return hexAtKm(x * scale, y * scale)
}


// ---------------------------------------------------------------------------------------------
// Dates (UTC day numbers)
// ---------------------------------------------------------------------------------------------

const DAY_MS = 86_400_000

function dayOf(date: Date): number {
  return Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) / DAY_MS)
}

function isoDate(day: number): DateString {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** A timestamp on `day` at `minutes` past midnight UTC. */
function isoTime(day: number, minutes: number): Timestamp {
  return new Date(day * DAY_MS + minutes * 60_000).toISOString()
}

function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear()
}

/** The same day of month `months` later (clamped to the month's last day), as in the staleness rule. */
function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth() + months
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY_MS)
}

// ---------------------------------------------------------------------------------------------
// Where things are: weighted sampling of lattice cells
// ---------------------------------------------------------------------------------------------

interface Hotspot {
  lon: number
  lat: number
  /** Spread, km (Gaussian σ). */
  sigmaKm: number
  weight: number
}

type ProfileName = 'urban' | 'industrial' | 'chemical' | 'mining' | 'logistics' | 'rural'

const SEATS: Hotspot[] = [
  { lon: 122.8283, lat: 41.9962, sigmaKm: 2.5, weight: 6 },
  { lon: 122.7654, lat: 41.5166, sigmaKm: 2.5, weight: 5 },
  { lon: 123.4161, lat: 42.5007, sigmaKm: 2, weight: 4 },
  { lon: 123.3528, lat: 42.7415, sigmaKm: 2, weight: 4 },
  { lon: 123.344, lat: 41.6647, sigmaKm: 2.5, weight: 6 },
  { lon: 123.5843, lat: 42.0527, sigmaKm: 2, weight: 3 },
]

/** Relative density of each kind of place: a base everywhere plus Gaussian hotspots (real parks and towns, approximate). */
const PROFILES: Record<ProfileName, { base: number; spots: Hotspot[] }> = {
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
class CellSampler {
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

function profileWeight(profile: { base: number; spots: Hotspot[] }, x: number, y: number): number {
  let w = profile.base
  for (const s of profile.spots) {
    const [sx, sy] = toKm(s.lon, s.lat)
    const d2 = (x - sx) ** 2 + (y - sy) ** 2
    w += s.weight * Math.exp(-d2 / (2 * s.sigmaKm * s.sigmaKm))
  }
  return w
}

/** A point strictly inside lattice cell `cell` (within 80 % of the inscribed circle). */
function pointInCell(rng: Random, lattice: Lattice, cell: number): [number, number] {
  const radius = 0.8 * ((HEX_SIZE_KM * SQRT3) / 2)
  for (;;) {
    const dx = rng.float(-1, 1)
    const dy = rng.float(-1, 1)
    if (dx * dx + dy * dy <= 1) return toLonLat(lattice.x[cell]! + dx * radius, lattice.y[cell]! + dy * radius)
  }
}

/** A point within `maxM` metres of a lon/lat point. */
function jitter(rng: Random, lonLat: readonly [number, number] | Position, maxM: number): [number, number] {
  const [x, y] = toKm(lonLat[0]!, lonLat[1]!)
  for (;;) {
    const dx = rng.float(-1, 1)
    const dy = rng.float(-1, 1)
    if (dx * dx + dy * dy <= 1) return toLonLat(x + (dx * maxM) / 1000, y + (dy * maxM) / 1000)
  }
}

function pointGeom(lonLat: readonly [number, number]): Point {
  return { type: 'Point', coordinates: [lonLat[0], lonLat[1]] }
}

// ---------------------------------------------------------------------------------------------
// Vocabularies (names are synthetic; laws, substances and critical quantities are real)
// ---------------------------------------------------------------------------------------------

interface IndustrySpec {
  code: string
  /** Share of enterprises. */
  share: number
  profile: ProfileName
  /** Business words for names: 沈阳 + word + business + form. */
  business: readonly string[]
  /** Share of enterprises with special equipment (boilers, pressure vessels, lifts, cranes). */
  specialEquipment: number
  /** Mean number of major hazard installations per enterprise at scale 1 (Poisson). */
  majorHazardMean: number
  /** Probability of reported safety risks, and how many at most. */
  safetyRisk: { p: number; max: number }
  /** Probability of a hidden danger on record. */
  hiddenDanger: number
}

const INDUSTRIES: readonly IndustrySpec[] = [
  { code: 'hazardous_chemicals', share: 0.06, profile: 'chemical', business: ['化工', '石化', '精细化工', '化学品', '气体', '石油销售'], specialEquipment: 0.9, majorHazardMean: 0.9, safetyRisk: { p: 0.9, max: 4 }, hiddenDanger: 0.13 },
  { code: 'mining', share: 0.01, profile: 'mining', business: ['矿业', '煤业', '石材', '建材矿业'], specialEquipment: 0.7, majorHazardMean: 0, safetyRisk: { p: 0.9, max: 4 }, hiddenDanger: 0.13 },
  { code: 'fireworks', share: 0.005, profile: 'rural', business: ['烟花爆竹', '烟花'], specialEquipment: 0, majorHazardMean: 0, safetyRisk: { p: 0.8, max: 2 }, hiddenDanger: 0.13 },
  { code: 'metal_smelting', share: 0.02, profile: 'industrial', business: ['冶金', '铸造', '钢铁', '有色金属', '特钢'], specialEquipment: 1, majorHazardMean: 0.3, safetyRisk: { p: 0.9, max: 3 }, hiddenDanger: 0.13 },
  { code: 'construction', share: 0.12, profile: 'urban', business: ['建筑工程', '建设', '市政工程', '路桥工程', '建筑安装'], specialEquipment: 0.7, majorHazardMean: 0, safetyRisk: { p: 0.4, max: 2 }, hiddenDanger: 0.07 },
  { code: 'manufacturing', share: 0.33, profile: 'industrial', business: ['机械制造', '汽车零部件', '电子科技', '食品', '纺织', '家具', '装备制造', '塑料制品', '木业', '冷链食品'], specialEquipment: 0.6, majorHazardMean: 0.006, safetyRisk: { p: 0.28, max: 2 }, hiddenDanger: 0.025 },
  { code: 'gas', share: 0.015, profile: 'urban', business: ['燃气', '天然气', '液化气', '能源'], specialEquipment: 1, majorHazardMean: 0.6, safetyRisk: { p: 0.8, max: 2 }, hiddenDanger: 0.07 },
  { code: 'transport', share: 0.06, profile: 'logistics', business: ['运输', '客运', '物流运输', '危货运输'], specialEquipment: 0.2, majorHazardMean: 0, safetyRisk: { p: 0.3, max: 1 }, hiddenDanger: 0.025 },
  { code: 'warehousing', share: 0.06, profile: 'logistics', business: ['仓储', '物流', '冷链物流', '供应链'], specialEquipment: 0.5, majorHazardMean: 0.035, safetyRisk: { p: 0.3, max: 1 }, hiddenDanger: 0.025 },
  { code: 'retail', share: 0.22, profile: 'urban', business: ['商贸', '超市', '餐饮管理', '酒店管理', '购物中心', '商场'], specialEquipment: 0.2, majorHazardMean: 0, safetyRisk: { p: 0.15, max: 1 }, hiddenDanger: 0.02 },
  { code: 'other', share: 0.1, profile: 'urban', business: ['科技', '服务', '文化传媒', '物业管理', '教育科技'], specialEquipment: 0.15, majorHazardMean: 0, safetyRisk: { p: 0.15, max: 1 }, hiddenDanger: 0.02 },
]

const NAME_WORDS = [
  '华泰', '东方', '鑫源', '恒达', '宏盛', '金鼎', '瑞丰', '远航', '北方', '盛京', '辽沈', '天合', '信达',
  '永安', '国泰', '博远', '昌盛', '德润', '富源', '广汇', '海川', '浩然', '嘉诚', '锦华', '凯越', '明达',
  '诺信', '鹏程', '启航', '荣昌', '顺通', '泰和', '祥瑞', '新宇', '卓越', '兴辽', '沈北', '浑河', '辽河',
  '长白', '松岭', '金桥', '银河', '宏图', '中盛', '腾飞', '晟达', '润泽', '聚源', '恒信',
]

const SURNAMES = [
  '王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭',
  '马', '罗', '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '程', '曹', '袁', '邓', '许', '傅', '沈',
  '曾', '彭', '吕', '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '潘', '杜', '戴', '夏', '田',
  '任', '姜', '范', '方', '石', '姚', '谭', '邹', '金', '陆', '郝', '孔', '白', '崔', '康', '毛', '邱', '秦',
]

const GIVEN = [
  '伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀',
  '霞', '平', '刚', '英', '华', '玉', '萍', '红', '建', '文', '辉', '鹏', '宇', '浩', '凯', '晨', '欣', '雪',
  '琳', '博', '林', '斌', '波', '峰', '亮', '东', '岩', '旭', '阳', '宁', '楠', '健', '慧', '丹', '颖', '佳',
  '鑫', '帅', '新', '春', '晶', '海', '国', '志',
]

function personName(rng: Random): string {
  return rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.7) ? rng.pick(GIVEN) : '')
}

/** A phone number in a range used only for demo data (024 is Shenyang's area code). */
function demoPhone(rng: Random): string {
  return `024-5550${String(rng.int(0, 9999)).padStart(4, '0')}`
}

interface DepartmentSpec {
  key: string
  kind: 'industry' | 'specialist'
  /** Name of the department at the city and at a county. */
  cityName: string
  countyName: string
  /** Abbreviation used in badge numbers and penalty decision numbers. */
  badge: string
  decision: string
  industries: readonly string[]
  specialty: Specialty | null
}

const DEPARTMENT_SPECS: readonly DepartmentSpec[] = [
  { key: 'emergency', kind: 'industry', cityName: '应急管理局', countyName: '应急管理局', badge: 'YJ', decision: '应急', industries: ['hazardous_chemicals', 'mining', 'fireworks', 'metal_smelting', 'manufacturing', 'other'], specialty: null },
  { key: 'housing', kind: 'industry', cityName: '住房和城乡建设局', countyName: '住房和城乡建设局', badge: 'ZJ', decision: '建', industries: ['construction', 'gas'], specialty: null },
  { key: 'transport', kind: 'industry', cityName: '交通运输局', countyName: '交通运输局', badge: 'JT', decision: '交', industries: ['transport', 'warehousing'], specialty: null },
  { key: 'commerce', kind: 'industry', cityName: '商务局', countyName: '商务局', badge: 'SW', decision: '商', industries: ['retail'], specialty: null },
  { key: 'fire', kind: 'specialist', cityName: '消防救援支队', countyName: '消防救援大队', badge: 'XF', decision: '消', industries: [], specialty: 'fire' },
  { key: 'market', kind: 'specialist', cityName: '市场监督管理局（特种设备）', countyName: '市场监督管理局（特种设备）', badge: 'SJ', decision: '市监', industries: [], specialty: 'special_equipment' },
]

interface SubstanceSpec {
  name: string
  cas: string
  /** GB 18218-2018 table 4 class, when β does not come from the toxic-gas table 3. */
  hazardClass: string | null
  /** Critical quantity Q, tonnes (GB 18218-2018 table 1). */
  Q: number
}

/** Substances of GB 18218-2018 table 1 with their critical quantities. */
const SUBSTANCES: Record<string, SubstanceSpec> = {
  chlorine: { name: '氯', cas: '7782-50-5', hazardClass: null, Q: 5 },
  ammonia: { name: '氨', cas: '7664-41-7', hazardClass: null, Q: 10 },
  h2s: { name: '硫化氢', cas: '7783-06-4', hazardClass: null, Q: 5 },
  eo: { name: '环氧乙烷', cas: '75-21-8', hazardClass: null, Q: 10 },
  hcl: { name: '氯化氢（无水）', cas: '7647-01-0', hazardClass: null, Q: 20 },
  so2: { name: '二氧化硫', cas: '7446-09-5', hazardClass: null, Q: 20 },
  phosgene: { name: '光气', cas: '75-44-5', hazardClass: null, Q: 0.3 },
  hf: { name: '氟化氢', cas: '7664-39-3', hazardClass: null, Q: 1 },
  coalGas: { name: '煤气（一氧化碳）', cas: '630-08-0', hazardClass: null, Q: 20 },
  naturalGas: { name: '天然气', cas: '8006-14-2', hazardClass: 'W2', Q: 50 },
  lpg: { name: '液化石油气', cas: '68476-85-7', hazardClass: 'W2', Q: 50 },
  hydrogen: { name: '氢', cas: '1333-74-0', hazardClass: 'W2', Q: 5 },
  acetylene: { name: '乙炔', cas: '74-86-2', hazardClass: 'W2', Q: 1 },
  ethylene: { name: '乙烯', cas: '74-85-1', hazardClass: 'W2', Q: 50 },
  vinylChloride: { name: '氯乙烯', cas: '75-01-4', hazardClass: 'W2', Q: 50 },
  oxygen: { name: '氧（压缩的或液化的）', cas: '7782-44-7', hazardClass: 'W4', Q: 200 },
  benzene: { name: '苯', cas: '71-43-2', hazardClass: 'W5.4', Q: 50 },
  toluene: { name: '甲苯', cas: '108-88-3', hazardClass: 'W5.4', Q: 500 },
  methanol: { name: '甲醇', cas: '67-56-1', hazardClass: 'W5.4', Q: 500 },
  ethanol: { name: '乙醇', cas: '64-17-5', hazardClass: 'W5.4', Q: 500 },
  acetone: { name: '丙酮', cas: '67-64-1', hazardClass: 'W5.4', Q: 500 },
  gasoline: { name: '汽油', cas: '86290-81-5', hazardClass: 'W5.4', Q: 200 },
}

/** Substance pools and unit names by industry. */
const HAZARD_POOLS: Record<string, { substances: readonly string[]; units: readonly string[]; maxSubstances: number }> = {
  hazardous_chemicals: {
    substances: ['chlorine', 'ammonia', 'h2s', 'eo', 'hcl', 'so2', 'phosgene', 'hf', 'hydrogen', 'acetylene', 'ethylene', 'vinylChloride', 'benzene', 'toluene', 'methanol', 'ethanol', 'acetone', 'gasoline', 'lpg'],
    units: ['储罐区', '生产装置区', '危险化学品仓库', '装卸区', '罐区'],
    maxSubstances: 4,
  },
  gas: { substances: ['naturalGas', 'lpg'], units: ['储配站', 'LNG储罐区', '液化气储配站', '门站'], maxSubstances: 2 },
  metal_smelting: { substances: ['coalGas', 'oxygen', 'hydrogen'], units: ['煤气柜区', '制氧站', '氢气站'], maxSubstances: 3 },
  warehousing: { substances: ['gasoline', 'methanol', 'lpg', 'ethanol', 'toluene'], units: ['油库罐区', '危险化学品仓库'], maxSubstances: 3 },
  manufacturing: { substances: ['ammonia'], units: ['液氨制冷车间'], maxSubstances: 1 },
}

const RISK_NAMES: Record<string, readonly string[]> = {
  hazardous_chemicals: ['储罐区火灾爆炸风险', '有毒气体泄漏中毒风险', '装卸作业泄漏风险', '反应釜超温超压风险', '动火作业风险'],
  mining: ['冒顶片帮风险', '瓦斯爆炸风险', '透水风险', '边坡坍塌风险', '爆破作业风险'],
  fireworks: ['仓库爆炸风险', '超量储存风险'],
  metal_smelting: ['高温熔融金属喷溅风险', '煤气中毒风险', '起重伤害风险', '粉尘爆炸风险'],
  construction: ['高处坠落风险', '深基坑坍塌风险', '起重机械倾覆风险', '脚手架坍塌风险'],
  manufacturing: ['机械伤害风险', '粉尘爆炸风险', '有限空间作业中毒窒息风险', '触电风险', '液氨泄漏风险'],
  gas: ['燃气泄漏爆炸风险', '管网第三方破坏风险', '储罐超压风险'],
  transport: ['危险货物运输泄漏风险', '车辆伤害风险', '客运车辆交通事故风险'],
  warehousing: ['仓库火灾风险', '叉车伤害风险', '货架坍塌风险'],
  retail: ['人员密集场所火灾风险', '踩踏风险', '燃气使用风险'],
  other: ['电气火灾风险', '人员密集场所火灾风险'],
}

const STATED_METHODS = ['安全检查表法（SCL）', '危险与可操作性分析（HAZOP）', '作业危害分析（JHA）', '企业自评（示例）', '第三方安全评价']

const HIDDEN_DANGERS: Record<string, readonly string[]> = {
  hazardous_chemicals: ['涉及毒性气体的储罐区未设置有毒气体泄漏检测报警装置', '涉及重点监管危险化工工艺的装置未实现自动化控制', '危险化学品储存超量或禁忌物料混存', '重大危险源未设置独立的安全仪表系统'],
  mining: ['矿井未按规定建立通风系统', '超层越界开采', '露天采场边坡角超过设计要求'],
  fireworks: ['仓库超量储存烟花爆竹', '零售点与居民居住场所设置在同一建筑物内'],
  metal_smelting: ['煤气区域未设置固定式一氧化碳检测报警装置', '熔融金属吊运未使用冶金起重机'],
  construction: ['深基坑未按专项方案施工', '高大模板支撑系统未经验收即投入使用', '起重机械安全装置失效'],
  manufacturing: ['粉尘爆炸危险场所除尘系统未采取防爆措施', '有限空间作业未执行审批制度', '液氨制冷车间未设置氨气泄漏报警装置'],
  gas: ['燃气管道穿越密闭空间未采取防护措施', '液化气储罐安全阀失效'],
  transport: ['危险货物运输车辆未安装卫星定位装置', '驾驶员未取得从业资格'],
  warehousing: ['仓库内违规住人', '危险化学品与普通货物混存'],
  retail: ['人员密集场所安全出口被封堵', '违规使用瓶装液化气'],
  other: ['消防设施损坏未修复', '电气线路私拉乱接'],
}

const VIOLATIONS: ReadonlyArray<readonly [string, string]> = [
  ['未按规定对从业人员进行安全生产教育和培训', '《中华人民共和国安全生产法》第九十七条'],
  ['未如实记录安全生产教育和培训情况', '《中华人民共和国安全生产法》第九十七条'],
  ['特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业', '《中华人民共和国安全生产法》第九十七条'],
  ['安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准', '《中华人民共和国安全生产法》第九十九条'],
  ['未对安全设备进行经常性维护、保养和定期检测', '《中华人民共和国安全生产法》第九十九条'],
  ['未为从业人员提供符合国家标准或者行业标准的劳动防护用品', '《中华人民共和国安全生产法》第九十九条'],
  ['对重大危险源未登记建档，未进行定期检测、评估、监控', '《中华人民共和国安全生产法》第一百零一条'],
  ['未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施', '《中华人民共和国安全生产法》第一百零一条'],
  ['未采取措施消除事故隐患', '《中华人民共和国安全生产法》第一百零二条'],
  ['未按照规定制定生产安全事故应急救援预案或者未定期组织演练', '《中华人民共和国安全生产法》第九十七条'],
]

const RECTIFICATIONS = ['已完成整改并提交整改报告', '已更换并检测合格', '已补充培训并建立档案', '已加装报警装置并联网', '已按方案整改，经复查合格']

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/** Enterprises generated (with all their records) per batch group; also bounds memory at large scales. */
const ENTERPRISE_CHUNK = 2000

/**
 * Counts at scale 1 (the city) and at scale 60 (a province-sized benchmark, DESIGN §11); other
 * scales interpolate log-linearly: count(s) = c1 · s^p with p = ln(c60 / c1) / ln 60.
 * `enforcement` is inspections + violations + penalties + hidden dangers + credit events.
 */
const SCALE_ANCHORS = {
  enterprise: [3000, 200_000],
  majorHazard: [250, 30_000],
  areaAssessment: [60, 20_000],
  resource: [400, 20_000],
  enforcement: [5000, 500_000],
} as const satisfies Record<string, readonly [number, number]>

function scaledCount(anchor: readonly [number, number], scale: number): number {
  const [c1, c60] = anchor
  return Math.round(c1 * scale ** (Math.log(c60 / c1) / Math.log(60)))
}

/** How much more of a per-enterprise record there is per enterprise at this scale than at scale 1. */
function perEnterpriseFactor(anchor: readonly [number, number], scale: number): number {
  const base = anchor[0] / SCALE_ANCHORS.enterprise[0]
  return scaledCount(anchor, scale) / Math.max(1, scaledCount(SCALE_ANCHORS.enterprise, scale)) / base
}
/** Inspection history window, days. */
const HISTORY_DAYS = 730
const DEMO_NOTE = '（示例）'
const GENERATOR = 'demo-generator'

interface Context {
  seed: string
  scale: number
  today: number
  layout: Layout
  samplers: Record<ProfileName, CellSampler>
  /** Urban density per lattice cell (profile weight), for resident population near installations. */
  urbanWeight: Float64Array
  /** `${division_code}:${department key}` → department. */
  departments: Map<string, DepartmentRow>
  roster: Map<number, InspectorRow[]>
  plans: Map<number, InspectionPlanRow[]>
  /** Next id per table. */
  nextId: Record<string, number>
  /** Penalty decision numbers per prefix and year. */
  decisionCounters: Map<string, number>
  /** Offset of the organisation-code permutation, from the seed. */
  orgCodeOffset: number
  /** Per-enterprise multipliers of major hazard installations and of inspections at this scale. */
  majorHazardFactor: number
  enforcementFactor: number
}

function takeId(ctx: Context, table: DemoTable): number {
  const id = ctx.nextId[table] ?? 1
  ctx.nextId[table] = id + 1
  return id
}

function divisionRows(layout: Layout): DivisionRow[] {
  const { lattice, countyOf, townshipOf } = layout
  const rows: DivisionRow[] = [
    {
      code: FACTS.city.code,
      name: FACTS.city.name,
      name_en: FACTS.city.name_en,
      rank: 'city',
      parent_code: null,
      synthetic: true,
      geom: traceRegion(lattice, layout.cityCells, (i) => countyOf[i]! >= 0),
    },
  ]
  layout.counties.forEach((county, ci) => {
    rows.push({
      code: county.fact.code,
      name: county.fact.name,
      name_en: county.fact.name_en,
      rank: 'county',
      parent_code: FACTS.city.code,
      synthetic: true,
      geom: traceRegion(lattice, county.cells, (i) => countyOf[i] === ci),
    })
  })
  layout.townships.forEach((township, ti) => {
    rows.push({
      code: township.code,
      name: township.name,
      name_en: township.name_en,
      rank: 'township',
      parent_code: layout.counties[township.county]!.fact.code,
      synthetic: true,
      geom: traceRegion(lattice, township.cells, (i) => townshipOf[i] === ti),
    })
  })
  return rows
}

function gridRows(layout: Layout): MgmtGridRow[] {
  return layout.grids.map((grid, gi) => ({
    id: grid.id,
    code: grid.code,
    name: grid.name,
    division_code: layout.townships[grid.township]!.code,
    geom: traceRegion(layout.lattice, grid.cells, (i) => layout.gridOf[i] === gi),
  }))
}

function departmentRows(ctx: Context): DepartmentRow[] {
  const rows: DepartmentRow[] = []
  const units = [
    { code: FACTS.city.code, prefix: FACTS.city.name, city: true },
    ...ctx.layout.counties.map((c) => ({ code: c.fact.code, prefix: c.fact.name, city: false })),
  ]
  for (const unit of units) {
    for (const spec of DEPARTMENT_SPECS) {
      const row: DepartmentRow = {
        id: takeId(ctx, 'department'),
        name: `${unit.prefix}${unit.city ? spec.cityName : spec.countyName}`,
        kind: spec.kind,
        division_code: unit.code,
        industries: [...spec.industries],
        specialty: spec.specialty,
      }
      rows.push(row)
      ctx.departments.set(`${unit.code}:${spec.key}`, row)
    }
  }
  return rows
}

function inspectorRows(ctx: Context, rng: Random): InspectorRow[] {
  const rows: InspectorRow[] = []
  // Rosters grow with the square root of the scale, so a province-sized set still has plausible workloads.
  const factor = Math.max(1, Math.ceil(Math.sqrt(ctx.scale)))
  for (const dept of ctx.departments.values()) {
    const spec = DEPARTMENT_SPECS.find((s) => dept.name.endsWith(s.countyName) || dept.name.endsWith(s.cityName))!
    const n = rng.int(3, 8) * factor
    const list: InspectorRow[] = []
    for (let k = 1; k <= n; k++) {
      const row: InspectorRow = {
        id: takeId(ctx, 'inspector'),
        department_id: dept.id,
        name: personName(rng),
        badge_no: `${dept.division_code}${spec.badge}${String(k).padStart(3, '0')}`,
        active: rng.chance(0.95),
      }
      list.push(row)
      rows.push(row)
    }
    ctx.roster.set(dept.id, list)
  }
  return rows
}

/** Half-year 双随机 plans of every emergency-management department over the history window. */
function planRows(ctx: Context): InspectionPlanRow[] {
  const rows: InspectionPlanRow[] = []
  const firstYear = yearOf(ctx.today - HISTORY_DAYS)
  const lastYear = yearOf(ctx.today)
  for (const dept of ctx.departments.values()) {
    if (!dept.name.endsWith('应急管理局')) continue
    const list: InspectionPlanRow[] = []
    for (let year = firstYear; year <= lastYear; year++) {
      for (const half of [0, 1]) {
        const start = Math.floor(Date.UTC(year, half * 6, 1) / DAY_MS)
        const end = Math.floor(Date.UTC(year, half * 6 + 6, 0) / DAY_MS)
        if (end < ctx.today - HISTORY_DAYS || start > ctx.today) continue
        const row: InspectionPlanRow = {
          id: takeId(ctx, 'inspection_plan'),
          department_id: dept.id,
          division_prefix: dept.division_code,
          period_start: isoDate(start),
          period_end: isoDate(end),
          seed: `${ctx.seed}/plan/${dept.division_code}/${isoDate(start)}`,
          rule_version: DEFAULT_RULES.version,
          published_at: isoTime(start - 7, 9 * 60),
          results_published_at: end + 15 <= ctx.today ? isoTime(end + 15, 9 * 60) : null,
          created_by: GENERATOR,
        }
        list.push(row)
        rows.push(row)
      }
    }
    ctx.plans.set(dept.id, list)
  }
  return rows
}

/** LEC, matrix or stated assessment columns, graded by the domain functions. `severity` > 1 skews towards worse. */
function assessmentColumns(rng: Random, severity: number): AssessmentColumns {
  const method = rng.weightedKey({ lec: 0.5, matrix: 0.35, stated: 0.15 })
  const blank = { lec_l: null, lec_e: null, lec_c: null, matrix_l: null, matrix_s: null, stated_method: null }
  if (method === 'lec') {
    const L = rng.weighted([10, 6, 3, 1, 0.5, 0.2, 0.1], [0.01 * severity, 0.05 * severity, 0.25, 0.4, 0.15, 0.09, 0.05])
    const E = rng.weighted([10, 6, 3, 2, 1, 0.5], [0.05, 0.25, 0.3, 0.2, 0.12, 0.08])
    const C = rng.weighted([100, 40, 15, 7, 3, 1], [0.02 * severity, 0.08 * severity, 0.3, 0.35, 0.18, 0.07])
    const { D, level } = gradeLec({ L, E, C })
    return { ...blank, method, lec_l: L, lec_e: E, lec_c: C, score: D, level }
  }
  if (method === 'matrix') {
    const L = rng.weighted([1, 2, 3, 4, 5], [0.25, 0.35, 0.25, 0.1 * severity, 0.05 * severity])
    const S = rng.weighted([1, 2, 3, 4, 5], [0.2, 0.3, 0.3, 0.13 * severity, 0.07 * severity])
    const { R, level } = gradeMatrix({ L, S })
    return { ...blank, method, matrix_l: L, matrix_s: S, score: R, level }
  }
  const level = rng.weighted([1, 2, 3, 4], [0.45, 0.35, 0.15 * severity, 0.05 * severity])
  return { ...blank, method, stated_method: rng.pick(STATED_METHODS), score: null, level }
}

/** A star-shaped (hence simple and valid) polygon of about `radiusM` metres around a point. */
function blobPolygon(rng: Random, centre: readonly [number, number], radiusM: number, vertices = 20): MultiPolygon {
  const [cx, cy] = toKm(centre[0], centre[1])
  const ring: Position[] = []
  for (let k = 0; k < vertices; k++) {
    const angle = (2 * Math.PI * k) / vertices
    const r = (radiusM / 1000) * rng.float(0.75, 1.2)
    ring.push(toLonLat(cx + r * Math.cos(angle), cy + r * Math.sin(angle)))
  }
  ring.push([ring[0]![0]!, ring[0]![1]!])
  return { type: 'MultiPolygon', coordinates: [[ring]] }
}

function asMultiPolygon(geometry: Polygon | MultiPolygon): MultiPolygon {
  return geometry.type === 'MultiPolygon' ? geometry : { type: 'MultiPolygon', coordinates: [geometry.coordinates] }
}

/** Named public places (approximate real locations; the assessments themselves are synthetic). */
const NAMED_AREAS: ReadonlyArray<{ name: string; centre: [number, number]; radiusM: number; severity: number }> = [
  { name: '沈阳站站前广场及周边', centre: [123.3955, 41.7945], radiusM: 450, severity: 1.6 },
  { name: '沈阳北站站前区域', centre: [123.4375, 41.8175], radiusM: 500, severity: 1.6 },
  { name: '中街步行街商圈', centre: [123.465, 41.8005], radiusM: 400, severity: 1.8 },
  { name: '太原街商圈', centre: [123.402, 41.7905], radiusM: 400, severity: 1.6 },
  { name: '沈阳奥林匹克体育中心', centre: [123.469, 41.7395], radiusM: 600, severity: 1.5 },
  { name: '沈阳故宫周边游客聚集区', centre: [123.4555, 41.7965], radiusM: 350, severity: 1.4 },
  { name: '北陵公园', centre: [123.4275, 41.844], radiusM: 700, severity: 1.2 },
  { name: '沈阳桃仙国际机场航站区', centre: [123.493, 41.6395], radiusM: 900, severity: 1.4 },
  { name: '铁西广场商圈', centre: [123.346, 41.7935], radiusM: 400, severity: 1.4 },
  { name: '五爱市场', centre: [123.4585, 41.786], radiusM: 300, severity: 1.8 },
  { name: '五里河滨水区', centre: [123.425, 41.765], radiusM: 500, severity: 1.2 },
  { name: '棋盘山风景区', centre: [123.645, 41.905], radiusM: 1200, severity: 1.1 },
]

/** Named corridors: lines (approximate courses) buffered by `bufferM` metres. */
const NAMED_CORRIDORS: ReadonlyArray<{ name: string; line: Array<[number, number]>; bufferM: number; severity: number }> = [
  { name: '浑河沈阳城区段沿岸', line: [[123.64, 41.785], [123.56, 41.765], [123.49, 41.762], [123.44, 41.758], [123.38, 41.748], [123.3, 41.728], [123.22, 41.69]], bufferM: 300, severity: 1.3 },
  { name: '天然气长输管道辽中—于洪段', line: [[122.8, 41.55], [122.98, 41.62], [123.12, 41.7], [123.2, 41.76], [123.26, 41.8]], bufferM: 50, severity: 1.8 },
  { name: '城市高压燃气管线浑南段', line: [[123.33, 41.735], [123.41, 41.745], [123.5, 41.75], [123.6, 41.76]], bufferM: 30, severity: 1.8 },
  { name: '成品油输送管道新民段', line: [[122.62, 42.14], [122.8, 42.05], [123.0, 41.96], [123.14, 41.89]], bufferM: 60, severity: 1.6 },
  { name: '蒲河沿岸', line: [[123.18, 41.93], [123.3, 41.95], [123.45, 41.965], [123.6, 41.99]], bufferM: 150, severity: 1.1 },
  { name: '辽河新民段堤防', line: [[122.58, 42.25], [122.56, 42.05], [122.6, 41.8], [122.62, 41.6]], bufferM: 200, severity: 1.2 },
]

const AREA_KINDS = ['中小学校园周边', '大型商场', '农贸市场', '医院门急诊区', '建筑工地集中区', '老旧小区燃气管网', '地铁站', '客运站', '旅游景区', '大型仓储区', '加油站集中区', '体育场馆']

function townshipAt(layout: Layout, lonLat: readonly [number, number]): LayoutTownship | null {
  const cell = layout.lattice.locate(lonLat[0], lonLat[1])
  if (cell < 0 || layout.townshipOf[cell]! < 0) return null
  return layout.townships[layout.townshipOf[cell]!]!
}

function areaAssessmentRows(ctx: Context, rng: Random): AreaAssessmentRow[] {
  const total = Math.max(1, scaledCount(SCALE_ANCHORS.areaAssessment, ctx.scale))
  const rows: AreaAssessmentRow[] = []
  const { layout } = ctx
  const assessors = ['沈阳市应急管理局（示例）', '辽宁示例安全评价有限公司（第三方）', '沈阳示例安全技术咨询中心（第三方）']
  const dates = () => {
    const assessed = ctx.today - rng.int(10, 500)
    return { assessed_at: isoDate(assessed), valid_until: isoDate(addMonths(assessed, 12)) }
  }
  const push = (row: Omit<AreaAssessmentRow, 'id' | 'rule_version' | 'assessed_at' | 'valid_until' | keyof AssessmentColumns>, severity: number) => {
    if (rows.length >= total) return
    rows.push({ id: takeId(ctx, 'area_assessment'), ...row, ...assessmentColumns(rng, severity), ...dates(), rule_version: DEFAULT_RULES.version })
  }
  const corridor = (name: string, line: Array<[number, number]>, bufferM: number, severity: number) => {
    const buffered = turfBuffer(turfLineString(line), bufferM, { units: 'meters' })
    if (!buffered) return
    push(
      {
        name: `${name}${DEMO_NOTE}`,
        area_kind: 'corridor',
        assessor: rng.pick(assessors),
        division_code: townshipAt(layout, line[Math.floor(line.length / 2)]!)?.code ?? null,
        source_line: { type: 'MultiLineString', coordinates: [line] },
        buffer_m: bufferM,
        geom: asMultiPolygon(buffered.geometry),
      },
      severity,
    )
  }
  for (const area of NAMED_AREAS) {
    push(
      {
        name: `${area.name}${DEMO_NOTE}`,
        area_kind: 'area',
        assessor: rng.pick(assessors),
        division_code: townshipAt(layout, area.centre)?.code ?? null,
        source_line: null,
        buffer_m: null,
        geom: blobPolygon(rng, area.centre, area.radiusM),
      },
      area.severity,
    )
  }
  for (const c of NAMED_CORRIDORS) corridor(c.name, c.line, c.bufferM, c.severity)
  while (rows.length < total) {
    const cell = ctx.samplers[rng.chance(0.75) ? 'urban' : 'industrial'].sample(rng)
    const centre = pointInCell(rng, layout.lattice, cell)
    const township = layout.townships[layout.townshipOf[cell]!]!
    const county = layout.counties[township.county]!
    const town = township.name.replace(DEMO_NOTE, '')
    if (rng.chance(0.08)) {
      // A synthetic pipeline or river-bank corridor: a short wandering line.
      const line: Array<[number, number]> = [centre]
      let heading = rng.float(0, 2 * Math.PI)
      for (let k = 0; k < rng.int(2, 4); k++) {
        heading += rng.float(-0.6, 0.6)
        const stepKm = rng.float(0.8, 3)
        const [x, y] = toKm(line[line.length - 1]![0], line[line.length - 1]![1])
        line.push(toLonLat(x + stepKm * Math.cos(heading), y + stepKm * Math.sin(heading)))
      }
      const kind = rng.pick(['燃气管线', '供热管线', '河道堤防', '输油管线'])
      corridor(`${county.short}${town}${kind}`, line, rng.pick([30, 50, 80, 100, 150, 200]), kind === '河道堤防' ? 1 : 1.5)
      continue
    }
    const kind = rng.pick(AREA_KINDS)
    push(
      {
        name: `${county.short}${town}${kind}${DEMO_NOTE}`,
        area_kind: 'area',
        assessor: rng.chance(0.5) ? `${county.fact.name}应急管理局（示例）` : rng.pick(assessors),
        division_code: township.code,
        source_line: null,
        buffer_m: null,
        geom: blobPolygon(rng, centre, rng.int(150, 800)),
      },
      1.3,
    )
  }
  return rows
}

interface TeamSpec {
  type: string
  zh: string
  capabilities: readonly string[]
  optional?: readonly string[]
  headcount: [number, number]
  weight: number
  profile: ProfileName
}

const TEAM_SPECS: readonly TeamSpec[] = [
  { type: 'fire_rescue', zh: '消防救援站', capabilities: ['fire', 'structural_collapse', 'traffic'], optional: ['hazmat', 'water'], headcount: [25, 60], weight: 30, profile: 'urban' },
  { type: 'hazmat', zh: '危险化学品应急救援队', capabilities: ['hazmat', 'fire'], headcount: [20, 50], weight: 12, profile: 'chemical' },
  { type: 'mine_rescue', zh: '矿山救护队', capabilities: ['mine', 'structural_collapse', 'medical'], headcount: [30, 80], weight: 4, profile: 'mining' },
  { type: 'water_rescue', zh: '水上救援队', capabilities: ['water'], optional: ['medical'], headcount: [10, 30], weight: 6, profile: 'urban' },
  { type: 'medical', zh: '医疗急救站', capabilities: ['medical'], headcount: [8, 30], weight: 15, profile: 'urban' },
  { type: 'power', zh: '电力应急抢修队', capabilities: ['electrical'], headcount: [15, 40], weight: 8, profile: 'urban' },
  { type: 'traffic', zh: '交通事故救援队', capabilities: ['traffic'], optional: ['structural_collapse'], headcount: [10, 30], weight: 6, profile: 'logistics' },
  { type: 'gas_emergency', zh: '燃气抢险队', capabilities: ['hazmat', 'fire'], headcount: [10, 30], weight: 6, profile: 'urban' },
  { type: 'volunteer', zh: '志愿者救援队', capabilities: ['water'], optional: ['medical', 'structural_collapse'], headcount: [10, 60], weight: 8, profile: 'urban' },
]

const EQUIPMENT_SPECS: ReadonlyArray<{ type: string; capabilities: readonly string[]; quantity: [number, number] }> = [
  { type: '泡沫消防车', capabilities: ['fire', 'hazmat'], quantity: [1, 4] },
  { type: '举高喷射消防车', capabilities: ['fire'], quantity: [1, 2] },
  { type: '化学事故抢险救援车', capabilities: ['hazmat'], quantity: [1, 2] },
  { type: '有毒气体侦检仪', capabilities: ['hazmat'], quantity: [2, 10] },
  { type: '生命探测仪', capabilities: ['structural_collapse'], quantity: [1, 4] },
  { type: '冲锋舟', capabilities: ['water'], quantity: [2, 8] },
  { type: '大功率排水泵', capabilities: ['water'], quantity: [2, 10] },
  { type: '应急发电车', capabilities: ['electrical'], quantity: [1, 3] },
  { type: '正压式空气呼吸器', capabilities: ['hazmat', 'fire', 'mine'], quantity: [10, 50] },
  { type: '矿用救生舱', capabilities: ['mine'], quantity: [1, 2] },
  { type: '挖掘机', capabilities: ['structural_collapse'], quantity: [1, 5] },
  { type: '重型清障车', capabilities: ['traffic'], quantity: [1, 3] },
  { type: '负压救护车', capabilities: ['medical'], quantity: [1, 4] },
]

const DEPOT_ITEMS: ReadonlyArray<{ item: string; unit: string; quantity: [number, number] }> = [
  { item: '沙袋', unit: '个', quantity: [1000, 20000] },
  { item: '帐篷', unit: '顶', quantity: [20, 500] },
  { item: '棉被', unit: '床', quantity: [100, 5000] },
  { item: '应急照明灯', unit: '台', quantity: [20, 300] },
  { item: '救生衣', unit: '件', quantity: [50, 1000] },
  { item: '吸附棉', unit: 'kg', quantity: [100, 3000] },
  { item: '防化服', unit: '套', quantity: [10, 200] },
  { item: '灭火器', unit: '具', quantity: [50, 2000] },
  { item: '编织袋', unit: '条', quantity: [1000, 50000] },
  { item: '发电机', unit: '台', quantity: [2, 40] },
  { item: '饮用水', unit: '箱', quantity: [200, 10000] },
  { item: '方便食品', unit: '箱', quantity: [200, 8000] },
]

const EXPERT_FIELDS: ReadonlyArray<{ field: string; capabilities: readonly string[] }> = [
  { field: '危险化学品', capabilities: ['hazmat'] },
  { field: '矿山安全', capabilities: ['mine'] },
  { field: '消防', capabilities: ['fire'] },
  { field: '特种设备', capabilities: ['structural_collapse'] },
  { field: '建筑施工', capabilities: ['structural_collapse'] },
  { field: '城镇燃气', capabilities: ['hazmat', 'fire'] },
  { field: '电力', capabilities: ['electrical'] },
  { field: '医疗救护', capabilities: ['medical'] },
  { field: '水上救援', capabilities: ['water'] },
  { field: '道路交通', capabilities: ['traffic'] },
]

function resourceRows(ctx: Context, rng: Random): ResourceRow[] {
  const total = Math.max(1, scaledCount(SCALE_ANCHORS.resource, ctx.scale))
  const { layout } = ctx
  const rows: ResourceRow[] = []
  const counters = new Map<string, number>()
  const ordinal = (key: string) => {
    const n = (counters.get(key) ?? 0) + 1
    counters.set(key, n)
    return n
  }
  for (let k = 0; k < total; k++) {
    const kind = rng.weightedKey({ rescue_team: 0.15, equipment: 0.37, depot: 0.1, shelter: 0.3, expert: 0.08 })
    const team = kind === 'rescue_team' ? rng.weighted(TEAM_SPECS, TEAM_SPECS.map((t) => t.weight)) : null
    const profile: ProfileName = team?.profile ?? (kind === 'depot' ? 'logistics' : 'urban')
    const cell = ctx.samplers[profile].sample(rng)
    const lonLat = pointInCell(rng, layout.lattice, cell)
    const township = layout.townships[layout.townshipOf[cell]!]!
    const county = layout.counties[township.county]!
    const town = township.name.replace(DEMO_NOTE, '')
    const status = rng.weightedKey({ available: 0.9, deployed: 0.06, out_of_service: 0.04 })
    const row: ResourceRow = {
      id: takeId(ctx, 'resource'),
      kind,
      name: '',
      organisation: '',
      duty_phone: demoPhone(rng),
      contact: personName(rng),
      status,
      status_updated_at: isoTime(ctx.today - rng.int(0, 60), rng.int(0, 1439)),
      capabilities: [],
      team_type: null,
      headcount: null,
      equipment_type: null,
      quantity: null,
      items: [],
      capacity: null,
      expert_field: null,
      division_code: township.code,
      synthetic: true,
      geom: pointGeom(lonLat),
    }
    if (team) {
      const n = ordinal(`${county.fact.code}:${team.type}`)
      row.name = `${county.short}${town}${team.zh}${n > 1 ? `（${n}）` : ''}${DEMO_NOTE}`
      row.organisation = team.type === 'fire_rescue' ? `沈阳市消防救援支队${county.short}大队${DEMO_NOTE}` : `${county.fact.name}${team.zh}${DEMO_NOTE}`
      row.team_type = team.type
      row.headcount = rng.int(team.headcount[0], team.headcount[1])
      row.capabilities = [...team.capabilities, ...(team.optional ?? []).filter(() => rng.chance(0.5))]
    } else if (kind === 'equipment') {
      const spec = rng.pick(EQUIPMENT_SPECS)
      row.name = `${spec.type}（${county.short}${town}存放点）${DEMO_NOTE}`
      row.organisation = `${county.fact.name}${rng.pick(['消防救援大队', '应急管理局', '城市管理局', '示例应急救援中心'])}${DEMO_NOTE}`
      row.equipment_type = spec.type
      row.quantity = rng.int(spec.quantity[0], spec.quantity[1])
      row.capabilities = [...spec.capabilities]
    } else if (kind === 'depot') {
      row.name = `${county.short}${town}应急物资储备库${DEMO_NOTE}`
      row.organisation = `${county.fact.name}应急管理局${DEMO_NOTE}`
      row.items = rng.sample(DEPOT_ITEMS, rng.int(4, 8)).map((it) => ({ item: it.item, quantity: rng.int(it.quantity[0], it.quantity[1]), unit: it.unit }))
      row.capabilities = []
    } else if (kind === 'shelter') {
      const place = rng.pick(['公园', '中心小学', '文化广场', '体育场', '中学操场', '绿地'])
      const n = ordinal(`${township.code}:${place}`)
      row.name = `${town}${place}${n > 1 ? n : ''}应急避难场所${DEMO_NOTE}`
      row.organisation = `${county.fact.name}应急管理局${DEMO_NOTE}`
      row.capacity = rng.int(5, 300) * 100
    } else {
      const field = rng.pick(EXPERT_FIELDS)
      row.name = `${row.contact}（${field.field}专家）${DEMO_NOTE}`
      row.organisation = `沈阳市安全生产专家库${DEMO_NOTE}`
      row.expert_field = field.field
      row.capabilities = [...field.capabilities]
    }
    rows.push(row)
  }
  return rows
}

/** GB 11714 check character of an 8-character organisation code body. */
function orgCodeCheck(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const ch = body.charCodeAt(i)
    sum += (ch <= 57 ? ch - 48 : ch - 55) * weights[i]!
  }
  const c = 11 - (sum % 11)
  return c === 10 ? 'X' : c === 11 ? '0' : String(c)
}

/**
 * A unique, valid USCC (GB 32100-2015) for an enterprise id: registration type (91 company,
 * 92 individual business), the county code, an organisation code that is a bijection of the id
 * (so codes never repeat), and the check character from the domain helper.
 */
function usccFor(ctx: Context, id: number, countyCode: string, individual: boolean): string {
  // 73939133 is coprime with 10^8, so id ↦ (id·k + offset) mod 10^8 is a bijection.
  const body = String((id * 73_939_133 + ctx.orgCodeOffset) % 100_000_000).padStart(8, '0')
  return buildUscc(`${individual ? '92' : '91'}${countyCode}${body}${orgCodeCheck(body)}`)
}

function roundQuantity(t: number): number {
  if (t >= 100) return Math.round(t)
  if (t >= 1) return Math.round(t * 10) / 10
  return Math.max(0.01, Math.round(t * 100) / 100)
}

function populationBand(rng: Random, urban: boolean): number {
  const band = urban
    ? rng.weighted([0, 1, 2, 3, 4], [0.02, 0.1, 0.1, 0.23, 0.55])
    : rng.weighted([0, 1, 2, 3, 4], [0.15, 0.35, 0.15, 0.2, 0.15])
  return [0, rng.int(1, 29), rng.int(30, 49), rng.int(50, 99), rng.int(100, 3000)][band]!
}

const GRADE_BANDS: Record<1 | 2 | 3 | 4, [number, number]> = { 1: [100, 400], 2: [50, 100], 3: [10, 50], 4: [0, 10] }

interface PlannedHazard {
  population: number
  substances: Array<{ spec: SubstanceSpec; q: number }>
  result: ReturnType<typeof identifyAndGradeMajorHazard>
}

/**
 * Chooses substances, quantities and population so that S ≥ 1 and the grade hits a target drawn
 * from a spread over all four grades; the result is the domain's own computation.
 */
function planMajorHazard(rng: Random, pool: (typeof HAZARD_POOLS)[string], urban: boolean): PlannedHazard {
  let fallback: PlannedHazard | undefined
  for (let attempt = 0; attempt < 60; attempt++) {
    const target = rng.weighted([1, 2, 3, 4] as const, [0.12, 0.2, 0.38, 0.3])
    const count = rng.int(1, Math.min(pool.maxSubstances, pool.substances.length))
    const specs = rng.sample(pool.substances, count).map((key) => SUBSTANCES[key]!)
    const population = populationBand(rng, urban)
    const raw = specs.map(() => rng.float(0.2, 1.2))
    const sum = raw.reduce((a, b) => a + b, 0)
    const shares = raw.map((w) => w / sum)
    const input = (S: number, round: boolean) => ({
      population500m: population,
      substances: specs.map((spec, k) => ({
        name: spec.name,
        cas: spec.cas,
        ...(spec.hazardClass ? { class: spec.hazardClass } : {}),
        q: round ? roundQuantity(S * shares[k]! * spec.Q) : S * shares[k]! * spec.Q,
        Q: spec.Q,
      })),
    })
    // R at S = 1 is the least R these substances can have as a major hazard installation.
    const unitR = identifyAndGradeMajorHazard(input(1, false)).R
    const [lo, hi] = GRADE_BANDS[target]
    const low = Math.max(lo * 1.03, unitR * 1.05)
    const high = hi * 0.97
    if (low >= high) continue
    const u = rng.next()
    const R = low + (high - low) * (target === 1 ? u * u : u)
    const S = R / unitR
    if (S > 400) continue
    const built = input(S, true)
    const result = identifyAndGradeMajorHazard(built)
    const planned: PlannedHazard = { population, substances: specs.map((spec, k) => ({ spec, q: built.substances[k]!.q })), result }
    if (result.identified && result.S >= 1) fallback ??= planned
    if (result.identified && result.grade === target) return planned
  }
  if (fallback) return fallback
  // Unreachable with the pools above; kept so the generator can never emit S < 1.
  const spec = SUBSTANCES.methanol!
  const population = 10
  return {
    population,
    substances: [{ spec, q: 1000 }],
    result: identifyAndGradeMajorHazard({ population500m: population, substances: [{ name: spec.name, cas: spec.cas, class: spec.hazardClass!, q: 1000, Q: spec.Q }] }),
  }
}

interface ChunkRows {
  enterprise: EnterpriseRow[]
  enterprise_specialist_department: EnterpriseSpecialistDepartmentRow[]
  major_hazard: MajorHazardRow[]
  major_hazard_substance: MajorHazardSubstanceRow[]
  safety_risk: SafetyRiskRow[]
  inspection: InspectionRow[]
  inspection_inspector: InspectionInspectorRow[]
  hidden_danger: HiddenDangerRow[]
  violation: ViolationRow[]
  penalty: PenaltyRow[]
  credit_event: CreditEventRow[]
}

const CHUNK_TABLES = [
  'enterprise',
  'enterprise_specialist_department',
  'major_hazard',
  'major_hazard_substance',
  'safety_risk',
  'inspection',
  'inspection_inspector',
  'hidden_danger',
  'violation',
  'penalty',
  'credit_event',
] as const satisfies ReadonlyArray<keyof ChunkRows>

function poisson(rng: Random, mean: number): number {
  const limit = Math.exp(-mean)
  let k = 0
  let p = rng.next()
  while (p > limit) {
    k++
    p *= rng.next()
  }
  return k
}

/** A name different from `other` (the schema forbids verifying one's own report). */
function otherPerson(rng: Random, roster: readonly InspectorRow[], other: string): string {
  const candidates = roster.filter((i) => i.name !== other)
  return candidates.length > 0 ? rng.pick(candidates).name : `${other}所在部门复核组${DEMO_NOTE}`
}

/** Status and timestamps of a finding (hidden danger or violation) as of `today`. */
function findingProgress(
  rng: Random,
  today: number,
  foundAt: number,
  deadline: number,
  weights: { open: number; rectified: number; verified: number },
): { status: 'open' | 'rectified' | 'verified'; rectifiedAt: Timestamp | null; verifiedAt: Timestamp | null } {
  const elapsed = today - foundAt
  if (elapsed < 1) return { status: 'open', rectifiedAt: null, verifiedAt: null }
  const status = rng.weightedKey(weights)
  if (status === 'open') return { status, rectifiedAt: null, verifiedAt: null }
  // Most rectifications happen before the deadline; some late.
  const rectifiedDay = foundAt + Math.min(elapsed, rng.int(1, Math.max(1, Math.round((deadline - foundAt) * 1.2))))
  const rectifiedAt = isoTime(rectifiedDay, rng.int(8 * 60, 17 * 60))
  if (status === 'rectified') return { status, rectifiedAt, verifiedAt: null }
  const verifiedDay = Math.min(today, rectifiedDay + rng.int(1, 20))
  return { status, rectifiedAt, verifiedAt: isoTime(verifiedDay, 18 * 60) }
}

function generateChunk(ctx: Context, rng: Random, count: number): ChunkRows {
  const out: ChunkRows = {
    enterprise: [],
    enterprise_specialist_department: [],
    major_hazard: [],
    major_hazard_substance: [],
    safety_risk: [],
    inspection: [],
    inspection_inspector: [],
    hidden_danger: [],
    violation: [],
    penalty: [],
    credit_event: [],
  }
  const { layout, today } = ctx
  const shares = INDUSTRIES.map((i) => i.share)
  for (let n = 0; n < count; n++) {
    const industry = rng.weighted(INDUSTRIES, shares)
    const cell = ctx.samplers[industry.profile].sample(rng)
    const lonLat = pointInCell(rng, layout.lattice, cell)
    const township = layout.townships[layout.townshipOf[cell]!]!
    const county = layout.counties[township.county]!
    const gridIndex = layout.gridOf[cell]!
    const highHazard = highHazardIndustry(industry.code)

    const scale = rng.weightedKey<EnterpriseScale>(
      highHazard || industry.code === 'gas' ? { large: 0.07, medium: 0.2, small: 0.45, micro: 0.28 } : { large: 0.02, medium: 0.1, small: 0.43, micro: 0.45 },
    )
    const affiliation = rng.weightedKey<Affiliation>(
      scale === 'large' ? { central: 0.1, province: 0.15, city: 0.35, county: 0.3, township: 0.1 } : { central: 0.003, province: 0.01, city: 0.05, county: 0.27, township: 0.667 },
    )
    const centralVertical = affiliation === 'central' && ['transport', 'gas', 'hazardous_chemicals'].includes(industry.code) && rng.chance(0.5)
    const isOutlet = ['hazardous_chemicals', 'gas', 'retail'].includes(industry.code) && scale !== 'micro' && rng.chance(0.08)
    const tier = supervisionTier({ affiliation, scale, highHazard, centralVertical, isOutlet, delegateOutletsToCounty: true })
    const deptDivision = tier.tier === 'city' ? FACTS.city.code : county.fact.code
    const industrySpec = DEPARTMENT_SPECS.find((d) => d.kind === 'industry' && d.industries.includes(industry.code))!
    // ≈ 1.5 % lack an industry department: coverage gaps for the 全覆盖 report to find.
    const industryDept = centralVertical || rng.chance(0.015) ? null : ctx.departments.get(`${deptDivision}:${industrySpec.key}`)!
    const hasResponsible = !rng.chance(0.015)

    const id = takeId(ctx, 'enterprise')
    const individual = scale === 'micro' && (industry.code === 'retail' || industry.code === 'fireworks') && rng.chance(0.5)
    const form = individual
      ? rng.pick(['经营部', '商店'])
      : scale === 'large'
        ? rng.pick(['股份有限公司', '集团有限公司', '有限公司'])
        : scale === 'micro'
          ? rng.pick(['有限公司', '厂', '经营部'])
          : rng.pick(['有限公司', '有限责任公司'])
    const prefix = rng.chance(0.7) ? '沈阳' : county.short
    const outletSuffix = isOutlet ? `${county.short}${rng.pick(['分公司', '经营网点', '加油站'])}` : ''
    const name = `${prefix}${rng.pick(NAME_WORDS)}${rng.pick(industry.business)}${form}${outletSuffix}${DEMO_NOTE}`

    const stale = rng.chance(0.05)
    const lastReported = stale ? today - rng.int(400, 900) : today - rng.int(1, 330)
    const enterprise: EnterpriseRow = {
      id,
      uscc: usccFor(ctx, id, county.fact.code, individual),
      name,
      industry: industry.code,
      high_hazard: highHazard,
      scale,
      affiliation,
      central_vertical: centralVertical,
      is_outlet: isOutlet,
      tier: tier.tier,
      tier_source: 'rule',
      tier_reason: tier.reason,
      division_code: township.code,
      mgmt_grid_id: gridIndex >= 0 ? layout.grids[gridIndex]!.id : null,
      address: `${FACTS.city.name}${county.fact.name}${township.name.replace(DEMO_NOTE, '')}示例路${rng.int(1, 999)}号`,
      industry_department_id: industryDept?.id ?? null,
      responsible_person: hasResponsible ? personName(rng) : null,
      responsible_phone: hasResponsible ? demoPhone(rng) : null,
      credit_status: 'good',
      last_reported_at: isoDate(lastReported),
      report_due_at: isoDate(addMonths(lastReported, 12)),
      level: 0,
      inherent_level: 0,
      level_reason: { rule: 'baseline', text: '', textZh: '' },
      impact_radius_m: highHazard && rng.chance(0.05) ? rng.int(5, 20) * 100 : null,
      synthetic: true,
      geom: pointGeom(lonLat),
    }
    out.enterprise.push(enterprise)

    // Specialist departments: fire rescue for (almost) all, special equipment where there is some.
    const fire = ctx.departments.get(`${deptDivision}:fire`)!
    const market = ctx.departments.get(`${deptDivision}:market`)!
    if (!rng.chance(0.01)) out.enterprise_specialist_department.push({ enterprise_id: id, department_id: fire.id })
    if (rng.chance(industry.specialEquipment)) out.enterprise_specialist_department.push({ enterprise_id: id, department_id: market.id })

    // Major hazard installations.
    const urban = ctx.urbanWeight[cell]! > 4
    const hazards: Array<{ id: number; level: Level }> = []
    const pool = HAZARD_POOLS[industry.code]
    const k = pool ? Math.min(8, poisson(rng, industry.majorHazardMean * ctx.majorHazardFactor)) : 0
    if (pool && k > 0) {
      for (let h = 0; h < k; h++) {
        const plan = planMajorHazard(rng, pool, urban)
        const { result } = plan
        const grade = result.grade
        const hazardId = takeId(ctx, 'major_hazard')
        let reportedR: number | null = null
        let reportedGrade: number | null = null
        if (rng.chance(0.03)) {
          // A report that disagrees with the recomputation: grade off by one, R understated.
          reportedGrade = grade === 4 ? 3 : grade === 1 ? 2 : grade + (rng.chance(0.5) ? 1 : -1)
          reportedR = Math.round(result.R * rng.float(0.4, 0.8) * 100) / 100
        } else if (rng.chance(0.8)) {
          reportedR = Math.round(result.R * 100) / 100
          reportedGrade = grade
        }
        const reportedAt = lastReported - rng.int(0, 30)
        const mainName = plan.substances[0]!.spec.name.replace(/（.*）/, '')
        out.major_hazard.push({
          id: hazardId,
          enterprise_id: id,
          name: `${mainName}${rng.pick(pool.units)}${k > 1 ? `${h + 1}号` : ''}${DEMO_NOTE}`,
          population_500m: plan.population,
          reported_r: reportedR,
          reported_grade: reportedGrade,
          s: result.S,
          r: result.R,
          alpha: result.alpha,
          grade,
          level: result.level,
          grade_mismatch: compareReportedGrade({ R: reportedR, grade: reportedGrade }, { R: result.R, grade }),
          impact_radius_m: rng.chance(0.3) ? [0, 1500, 900, 600, 300][grade]! * rng.float(0.7, 1.4) : null,
          reported_at: isoDate(reportedAt),
          valid_until: isoDate(addMonths(reportedAt, 12)),
          rule_version: DEFAULT_RULES.version,
          geom: pointGeom(jitter(rng, lonLat, 150)),
        })
        plan.substances.forEach((s, k2) => {
          out.major_hazard_substance.push({
            id: takeId(ctx, 'major_hazard_substance'),
            major_hazard_id: hazardId,
            name: s.spec.name,
            cas: s.spec.cas,
            hazard_class: s.spec.hazardClass,
            q_t: s.q,
            critical_q_t: s.spec.Q,
            beta: result.betas[k2]!,
          })
        })
        hazards.push({ id: hazardId, level: result.level })
      }
    }

    // Reported safety risks.
    const risks: Array<{ id: number; level: Level }> = []
    if (rng.chance(industry.safetyRisk.p)) {
      const k = rng.int(1, industry.safetyRisk.max)
      const names = rng.sample(RISK_NAMES[industry.code] ?? RISK_NAMES.other!, k)
      for (const riskName of names) {
        const columns = assessmentColumns(rng, highHazard ? 1.5 : 1)
        const assessedAt = lastReported - rng.int(0, 30)
        const riskId = takeId(ctx, 'safety_risk')
        out.safety_risk.push({
          id: riskId,
          enterprise_id: id,
          name: `${riskName}${DEMO_NOTE}`,
          description: `${riskName}：企业自行辨识上报（示例数据）`,
          ...columns,
          impact_radius_m: rng.chance(0.1) ? rng.int(1, 10) * 100 : null,
          assessed_at: isoDate(assessedAt),
          valid_until: isoDate(addMonths(assessedAt, 12)),
          rule_version: DEFAULT_RULES.version,
          geom: pointGeom(jitter(rng, lonLat, 100)),
        })
        risks.push({ id: riskId, level: columns.level as Level })
      }
    }
    const inherent = Math.max(0, ...hazards.map((h) => h.level), ...risks.map((r) => r.level))

    // Inspections over the last two years, more often for higher risk (DESIGN §5).
    const inspections: Array<{ id: number; day: number; dept: DepartmentRow; inspectors: InspectorRow[] }> = []
    if (!centralVertical) {
      const baseLevel = Math.max(inherent, highHazard ? 2 : 1)
      const mean = [0, 1.0, 1.8, 2.6, 3.4][baseLevel]! * ctx.enforcementFactor
      const days = Array.from({ length: poisson(rng, mean) }, () => today - rng.int(1, HISTORY_DAYS)).sort((a, b) => a - b)
      let lastPair: number[] = []
      const emergency = ctx.departments.get(`${deptDivision}:emergency`)!
      for (const day of days) {
        const dept = rng.chance(0.15) ? fire : (industryDept ?? emergency)
        const roster = ctx.roster.get(dept.id)!
        let pair = rng.sample(roster, 2)
        // Avoid the same inspector on the same enterprise twice running when the roster allows it.
        for (let t = 0; t < 5 && roster.length >= 4 && pair.some((p) => lastPair.includes(p.id)); t++) pair = rng.sample(roster, 2)
        lastPair = pair.map((p) => p.id)
        const plan = ctx.plans.get(dept.id)?.find((p) => isoDate(day) >= p.period_start && isoDate(day) <= p.period_end)
        const usePlan = plan !== undefined && rng.chance(0.7)
        const result = rng.weightedKey({ compliant: 0.8, violations_found: 0.13, not_found: 0.035, closed: 0.035 })
        const inspectionId = takeId(ctx, 'inspection')
        out.inspection.push({
          id: inspectionId,
          enterprise_id: id,
          plan_id: usePlan ? plan.id : null,
          planned_for: usePlan ? isoDate(Math.max(day - rng.int(0, 14), Math.floor(Date.parse(plan.period_start) / DAY_MS))) : null,
          inspected_at: isoDate(day),
          findings: {
            compliant: '未发现违法违规行为（示例数据）',
            violations_found: '发现违法违规行为，已责令限期整改（示例数据）',
            not_found: '现场未找到该企业，疑似已迁址（示例数据）',
            closed: '企业已停产关闭（示例数据）',
          }[result],
          result,
        })
        for (const p of pair) out.inspection_inspector.push({ inspection_id: inspectionId, inspector_id: p.id })
        inspections.push({ id: inspectionId, day, dept, inspectors: pair })

        if (result === 'violations_found') {
          const nViolations = rng.weighted([1, 2, 3], [0.55, 0.3, 0.15])
          for (const [description, basis] of rng.sample(VIOLATIONS, nViolations)) {
            const deadline = day + rng.int(7, 60)
            const progress = findingProgress(rng, today, day, deadline, deadline < today ? { open: 0.12, rectified: 0.08, verified: 0.8 } : { open: 0.5, rectified: 0.3, verified: 0.2 })
            const reportedBy = pair[0]!.name
            const violationId = takeId(ctx, 'violation')
            out.violation.push({
              id: violationId,
              enterprise_id: id,
              inspection_id: inspectionId,
              description,
              legal_basis: basis,
              found_at: isoDate(day),
              deadline: isoDate(deadline),
              status: progress.status,
              reported_by: reportedBy,
              rectified_at: progress.rectifiedAt,
              verified_at: progress.verifiedAt,
              verified_by: progress.status === 'verified' ? otherPerson(rng, roster, reportedBy) : null,
            })
            const decided = day + rng.int(5, 40)
            if (rng.chance(0.37) && decided < today) {
              const spec = DEPARTMENT_SPECS.find((s) => dept.name.endsWith(s.countyName) || dept.name.endsWith(s.cityName))!
              const place = dept.division_code === FACTS.city.code ? '沈' : `沈${county.short}`
              const prefix = `${place}${spec.decision}罚〔${yearOf(decided)}〕`
              const number = (ctx.decisionCounters.get(prefix) ?? 0) + 1
              ctx.decisionCounters.set(prefix, number)
              out.penalty.push({
                id: takeId(ctx, 'penalty'),
                enterprise_id: id,
                violation_id: violationId,
                decision_no: `${prefix}${number}号`,
                amount_yuan: rng.weighted([5000, 10000, 20000, 30000, 50000, 100000, 200000], [0.2, 0.25, 0.2, 0.12, 0.12, 0.08, 0.03]),
                decided_at: isoDate(decided),
                description: `${description}，依据${basis}予以行政处罚（示例数据）`,
                published: decided < today - 7 && rng.chance(0.55),
              })
            }
          }
        }
      }
      if (rng.chance(0.03)) {
        // A planned, not yet performed inspection.
        const inspectionId = takeId(ctx, 'inspection')
        const dept = industryDept ?? emergency
        out.inspection.push({ id: inspectionId, enterprise_id: id, plan_id: null, planned_for: isoDate(today + rng.int(1, 60)), inspected_at: null, findings: null, result: null })
        for (const p of rng.sample(ctx.roster.get(dept.id)!, 2)) out.inspection_inspector.push({ inspection_id: inspectionId, inspector_id: p.id })
      }
    }

    // Major accident hidden dangers: some found at an inspection, some self-reported.
    const dangers: Array<{ id: number; isMajor: boolean; status: 'open' | 'rectified' | 'verified' }> = []
    if (rng.chance(industry.hiddenDanger)) {
      const linked = inspections.length > 0 && rng.chance(0.5) ? rng.pick(inspections) : null
      const status0 = rng.weightedKey({ open: 0.35, rectified: 0.12, verified: 0.53 })
      // Open ones are mostly recent, so some are still within their deadline and some overdue.
      const foundAt = linked ? linked.day : status0 === 'open' ? today - rng.int(0, 120) : today - rng.int(30, 540)
      const deadline = foundAt + rng.int(15, 90)
      const progress = findingProgress(rng, today, foundAt, deadline, { open: status0 === 'open' ? 1 : 0, rectified: status0 === 'rectified' ? 1 : 0, verified: status0 === 'verified' ? 1 : 0 })
      const roster = linked ? ctx.roster.get(linked.dept.id)! : ctx.roster.get((industryDept ?? ctx.departments.get(`${deptDivision}:emergency`)!).id)!
      const reportedBy = linked ? linked.inspectors[0]!.name : rng.pick([`企业自查上报${DEMO_NOTE}`, `网格员上报${DEMO_NOTE}`, `12350举报核实${DEMO_NOTE}`])
      const hazardId = takeId(ctx, 'hidden_danger')
      const isMajor = rng.chance(0.85)
      out.hidden_danger.push({
        id: hazardId,
        enterprise_id: id,
        inspection_id: linked?.id ?? null,
        description: `${rng.pick(HIDDEN_DANGERS[industry.code] ?? HIDDEN_DANGERS.other!)}${DEMO_NOTE}`,
        is_major: isMajor,
        found_at: isoDate(foundAt),
        deadline: isoDate(deadline),
        status: progress.status,
        reported_by: reportedBy,
        rectified_at: progress.rectifiedAt,
        rectified_by: progress.rectifiedAt ? (enterprise.responsible_person ?? `企业安全管理部门${DEMO_NOTE}`) : null,
        rectification: progress.rectifiedAt ? rng.pick(RECTIFICATIONS) : null,
        verified_at: progress.verifiedAt,
        verified_by: progress.verifiedAt ? otherPerson(rng, roster, reportedBy) : null,
        geom: pointGeom(jitter(rng, lonLat, 80)),
      })
      dangers.push({ id: hazardId, isMajor, status: progress.status })
    }

    // Credit: some penalised enterprises are warned or blacklisted (seed §二(八)).
    const penalties = out.penalty.filter((p) => p.enterprise_id === id)
    if (penalties.length > 0 && rng.chance(0.3)) {
      const first = Math.floor(Date.parse(penalties[0]!.decided_at) / DAY_MS)
      const start = Math.min(today, first + rng.int(5, 30))
      const status = rng.chance(0.3) ? 'blacklisted' : 'warned'
      const end = addMonths(start, status === 'blacklisted' ? 36 : 12)
      out.credit_event.push({
        id: takeId(ctx, 'credit_event'),
        enterprise_id: id,
        status,
        reason: `${status === 'blacklisted' ? '列入安全生产失信联合惩戒“黑名单”' : '安全生产不良记录警示'}：${penalties[0]!.decision_no}（示例数据）`,
        starts_on: isoDate(start),
        ends_on: isoDate(end),
      })
      enterprise.credit_status = end >= today ? status : 'good'
    }

    const graded = enterpriseLevel({ industry: industry.code, highHazard, majorHazards: hazards, safetyRisks: risks, hiddenDangers: dangers })
    enterprise.level = graded.level
    enterprise.inherent_level = graded.inherentLevel
    enterprise.level_reason = graded.reason
  }
  return out
}

/**
 * Generates the demo set as a stream of batches, in an order that satisfies every foreign key:
 * divisions, grids, departments, inspectors, plans, area assessments, resources, then enterprises
 * in chunks of 2 000, each chunk followed by its own records. Memory stays at one chunk.
 */
export function* generateDemoBatches(options: DemoOptions = {}): Generator<DemoBatch> {
  const seed = options.seed ?? 'riskmap-demo'
  const scale = options.scale ?? 1
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`)
  const today = dayOf(options.today ?? new Date())
  const layout = buildLayout()
  const profile = (name: ProfileName) => new CellSampler(layout.cityCells, (c) => profileWeight(PROFILES[name], layout.lattice.x[c]!, layout.lattice.y[c]!))
  const urbanWeight = new Float64Array(layout.lattice.size)
  for (const c of layout.cityCells) urbanWeight[c] = profileWeight(PROFILES.urban, layout.lattice.x[c]!, layout.lattice.y[c]!)
  const ctx: Context = {
    seed,
    scale,
    today,
    layout,
    samplers: {
      urban: profile('urban'),
      industrial: profile('industrial'),
      chemical: profile('chemical'),
      mining: profile('mining'),
      logistics: profile('logistics'),
      rural: profile('rural'),
    },
    urbanWeight,
    departments: new Map(),
    roster: new Map(),
    plans: new Map(),
    nextId: {},
    decisionCounters: new Map(),
    orgCodeOffset: Random.derive(seed, 'org-code').int(0, 99_999_999),
    majorHazardFactor: perEnterpriseFactor(SCALE_ANCHORS.majorHazard, scale),
    enforcementFactor: perEnterpriseFactor(SCALE_ANCHORS.enforcement, scale),
  }

  yield { table: 'division', rows: divisionRows(layout) }
  yield { table: 'mgmt_grid', rows: gridRows(layout) }
  yield { table: 'department', rows: departmentRows(ctx) }
  yield { table: 'inspector', rows: inspectorRows(ctx, Random.derive(seed, 'inspectors')) }
  yield { table: 'inspection_plan', rows: planRows(ctx) }
  yield { table: 'area_assessment', rows: areaAssessmentRows(ctx, Random.derive(seed, 'areas')) }
  yield { table: 'resource', rows: resourceRows(ctx, Random.derive(seed, 'resources')) }

  const total = scaledCount(SCALE_ANCHORS.enterprise, scale)
  for (let first = 0, chunk = 0; first < total; first += ENTERPRISE_CHUNK, chunk++) {
    const rows = generateChunk(ctx, Random.derive(seed, `enterprises/${chunk}`), Math.min(ENTERPRISE_CHUNK, total - first))
    for (const table of CHUNK_TABLES) {
      if (rows[table].length > 0) yield { table, rows: rows[table] } as DemoBatch
    }
  }
}
