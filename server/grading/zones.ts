/**
 * Impact zones on the H3 grid (docs/domain.md §4.1–4.2): which analysis cells a source influences, and
 * how far each cell is from it. Pure functions over h3-js; distances in geodesic metres.
 */
import { cellToBoundary, cellToLatLng, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js'
import type { MultiPolygon, Polygon } from 'geojson'
import { WGS84_A, WGS84_F } from '../domain/geo'

export interface CellDistance {
  h3: string
  /** Geodesic distance from the source to the nearest point of the cell, metres (0 inside). */
  distanceM: number
}

const E2 = WGS84_F * (2 - WGS84_F)
const RAD = Math.PI / 180

/**
 * Metres per radian of latitude (meridional radius M) and of longitude (N·cos φ) at latitude φ
 * on the WGS 84 ellipsoid. Over a source's impact zone (≤ a few km) this local projection
 * reproduces ellipsoidal distances to well under a metre.
 */
function localScale(latDeg: number): { mPerRadLat: number; mPerRadLonAtEquatorOfCos: number } {
  const s = Math.sin(latDeg * RAD)
  const w = Math.sqrt(1 - E2 * s * s)
  return { mPerRadLat: (WGS84_A * (1 - E2)) / (w * w * w), mPerRadLonAtEquatorOfCos: WGS84_A / w }
}

/** Projects [lon, lat] to metres east/north of (lon0, lat0), using the mid-latitude for the east scale. */
function toLocal(lon0: number, lat0: number, lon: number, lat: number): [number, number] {
  const mid = (lat0 + lat) / 2
  const { mPerRadLat, mPerRadLonAtEquatorOfCos } = localScale(mid)
  return [(lon - lon0) * RAD * mPerRadLonAtEquatorOfCos * Math.cos(mid * RAD), (lat - lat0) * RAD * mPerRadLat]
}

/** Distance from the origin to segment a–b in the plane. */
function distanceToSegment(a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0]
  const dy = b[1] - a[1]
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(a[0] * dx + a[1] * dy) / len2))
  return Math.hypot(a[0] + t * dx, a[1] + t * dy)
}

/** A cell, its boundary ([lon, lat] vertices), its centre, and its farthest vertex from the centre, metres. */
interface CellShape {
  h3: string
  ring: number[][]
  lon: number
  lat: number
  circumradiusM: number
  /** Its bounding box. */
  west: number
  south: number
  east: number
  north: number
}

/**
 * Cell shapes and grid disks (by origin cell and ring count) already computed. A full regrade asks
 * for the same cells and disks hundreds of thousands of times (the sources of one enterprise,
 * neighbouring enterprises); both caches are cleared when they grow past their bound.
 */
const shapes = new Map<string, CellShape>()
const disks = new Map<string, CellShape[]>()
const CACHE_MAX = 250_000

function cellShape(h3: string): CellShape {
  let shape = shapes.get(h3)
  if (!shape) {
    if (shapes.size >= CACHE_MAX) shapes.clear()
    const ring = cellToBoundary(h3, true)
    const [lat, lon] = cellToLatLng(h3)
    const circumradiusM = Math.max(...ring.map(([x, y]) => Math.hypot(...toLocal(lon, lat, x!, y!))))
    const xs = ring.map(([x]) => x!)
    const ys = ring.map(([, y]) => y!)
    shape = { h3, ring, lon, lat, circumradiusM, west: Math.min(...xs), south: Math.min(...ys), east: Math.max(...xs), north: Math.max(...ys) }
    shapes.set(h3, shape)
  }
  return shape
}

function diskShapes(origin: string, k: number): CellShape[] {
  const key = `${origin}/${k}`
  let disk = disks.get(key)
  if (!disk) {
    if (disks.size >= CACHE_MAX / 10) disks.clear()
    disk = gridDisk(origin, k).map(cellShape)
    disks.set(key, disk)
  }
  return disk
}

function distanceToShapeM(lon: number, lat: number, shape: CellShape): number {
  const ring = shape.ring.map(([x, y]) => toLocal(lon, lat, x!, y!))
  let inside = false
  let best = Infinity
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j]!
    const b = ring[i]!
    if (a[1] > 0 !== b[1] > 0 && 0 < ((b[0] - a[0]) * (0 - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside
    best = Math.min(best, distanceToSegment(a, b))
  }
  return inside ? 0 : best
}

/** Geodesic distance from a point to an H3 cell: 0 inside, else to its nearest edge, metres. */
export function distanceToCellM(lon: number, lat: number, h3: string): number {
  return distanceToShapeM(lon, lat, cellShape(h3))
}

/** Analysis cells whose nearest point lies within `radiusM` of the point source, with their distances. */
export function pointZoneCells(lon: number, lat: number, radiusM: number, res: number): CellDistance[] {
  const origin = latLngToCell(lat, lon, res)
  // Hexagon inradius is ≈ 0.866·edge; one ring more than the radius needs guards against distortion.
  const k = Math.ceil(radiusM / (getHexagonEdgeLengthAvg(res, 'm') * 0.8)) + 1
  // Most cells of the disk lie certainly beyond the radius: their centre is farther than the radius
  // plus the cell's circumradius (triangle inequality). That one distance, in the source's local
  // scale with a margin of 1 % and 1 m for the two projections, skips the exact one.
  const { mPerRadLat, mPerRadLonAtEquatorOfCos } = localScale(lat)
  const kx = RAD * mPerRadLonAtEquatorOfCos * Math.cos(lat * RAD)
  const ky = RAD * mPerRadLat
  const cells: CellDistance[] = []
  for (const shape of diskShapes(origin, k)) {
    if (shape.h3 === origin) {
      cells.push({ h3: origin, distanceM: 0 })
      continue
    }
    const dx = (shape.lon - lon) * kx
    const dy = (shape.lat - lat) * ky
    if (Math.sqrt(dx * dx + dy * dy) - shape.circumradiusM * 1.01 - 1 > radiusM) continue
    const distanceM = distanceToShapeM(lon, lat, shape)
    if (distanceM <= radiusM) cells.push({ h3: shape.h3, distanceM })
  }
  return cells
}

/** Analysis cells that a polygon (an area assessment) intersects; distance 0 for each. */
export function areaZoneCells(geometry: Polygon | MultiPolygon, res: number): CellDistance[] {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  const seen = new Set<string>()
  for (const rings of polygons) for (const h3 of overlappingCells(rings as number[][][], res)) seen.add(h3)
  return [...seen].map((h3) => ({ h3, distanceM: 0 }))
}

/**
 * Above this many cells of the polygon's bounding box, h3's own polygon fill is used; below it, a
 * walk from the cell of one of the polygon's vertices. h3's polygonToCellsExperimental (overlapping mode)
 * costs about 0.7 ms even for a polygon of a few cells, which made it most of a province regrade's
 * Node time (20 000 area assessments); the walk gives the same cells (zones.test.ts compares them)
 * in a tenth of that.
 */
const WALK_MAX_BOX_CELLS = 400

/** The cells of one polygon (outer ring, then holes; [lon, lat]) that overlap its area, as h3's overlapping fill. */
function overlappingCells(rings: number[][][], res: number): string[] {
  const outer = rings[0]!
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of outer) {
    x0 = Math.min(x0, x!)
    y0 = Math.min(y0, y!)
    x1 = Math.max(x1, x!)
    y1 = Math.max(y1, y!)
  }
  const edgeM = getHexagonEdgeLengthAvg(res, 'm')
  const { mPerRadLat, mPerRadLonAtEquatorOfCos } = localScale((y0 + y1) / 2)
  const boxM2 = (x1 - x0) * RAD * mPerRadLonAtEquatorOfCos * Math.cos(((y0 + y1) / 2) * RAD) * (y1 - y0) * RAD * mPerRadLat
  const hexM2 = ((3 * Math.sqrt(3)) / 2) * edgeM * edgeM
  if (boxM2 / hexM2 > WALK_MAX_BOX_CELLS || x1 - x0 > 90) {
    return polygonToCellsExperimental(rings, res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)
  }
  // The cells overlapping a connected area are connected: start from the cell holding one of its
  // vertices (which overlaps it) and step to the neighbours of every overlapping cell until none is left.
  const seed = latLngToCell(outer[0]![1]!, outer[0]![0]!, res)
  const found = [seed]
  const tested = new Set(found)
  const queue = [seed]
  while (queue.length > 0) {
    for (const next of gridDisk(queue.pop()!, 1)) {
      if (tested.has(next)) continue
      tested.add(next)
      const shape = cellShape(next)
      if (shape.west <= x1 && shape.east >= x0 && shape.south <= y1 && shape.north >= y0 && cellOverlaps(shape.ring, rings)) {
        found.push(next)
        queue.push(next)
      }
    }
  }
  return found
}

/**
 * Whether a cell (its boundary ring, [lon, lat]) and a polygon with holes share area, in the plane
 * of longitude and latitude as h3's fill tests it: an edge of one crosses an edge of the other, or
 * (none does) the cell lies wholly inside the polygon and outside its holes. A polygon wholly inside
 * a cell is not looked for: that cell is the walk's first, the one holding its vertex.
 */
function cellOverlaps(cell: number[][], rings: number[][][]): boolean {
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[j]!
      const b = ring[i]!
      for (let k = 0, l = cell.length - 1; k < cell.length; l = k++) if (segmentsCross(a, b, cell[l]!, cell[k]!)) return true
    }
  }
  const [x, y] = cell[0]!
  if (!insideRing(x!, y!, rings[0]!)) return false
  for (let h = 1; h < rings.length; h++) if (insideRing(x!, y!, rings[h]!)) return false
  return true
}

function insideRing(x: number, y: number, ring: number[][]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi! > y !== yj! > y && x < ((xj! - xi!) * (y - yi!)) / (yj! - yi!) + xi!) inside = !inside
  }
  return inside
}

/** Whether segments a–b and c–d cross (touching counts). */
function segmentsCross(a: number[], b: number[], c: number[], d: number[]): boolean {
  if (Math.max(a[0]!, b[0]!) < Math.min(c[0]!, d[0]!) || Math.max(c[0]!, d[0]!) < Math.min(a[0]!, b[0]!)) return false
  if (Math.max(a[1]!, b[1]!) < Math.min(c[1]!, d[1]!) || Math.max(c[1]!, d[1]!) < Math.min(a[1]!, b[1]!)) return false
  const o1 = orient(a, b, c)
  const o2 = orient(a, b, d)
  const o3 = orient(c, d, a)
  const o4 = orient(c, d, b)
  return o1 * o2 <= 0 && o3 * o4 <= 0
}

const orient = (a: number[], b: number[], c: number[]) => Math.sign((b[0]! - a[0]!) * (c[1]! - a[1]!) - (b[1]! - a[1]!) * (c[0]! - a[0]!))

/** The cells of each point source (with distances) and of each area (null: an area that grades nothing), in order. */
export interface SourceCells {
  points: CellDistance[][]
  areas: string[][]
}

/** The zones of many sources at once: what a full regrade asks of a zone worker (zone-pool.ts). */
export function sourceCells(
  points: ReadonlyArray<{ lon: number; lat: number; radiusM: number }>,
  areas: ReadonlyArray<Polygon | MultiPolygon | null>,
  res: number,
): SourceCells {
  return {
    points: points.map((p) => pointZoneCells(p.lon, p.lat, p.radiusM, res)),
    areas: areas.map((g) => (g === null ? [] : areaZoneCells(g, res).map((c) => c.h3))),
  }
}

/** The cell's polygon as a closed GeoJSON ring, [lon, lat] in EPSG:4326. */
export function cellPolygon(h3: string): Polygon {
  const ring = cellToBoundary(h3, true)
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
}
