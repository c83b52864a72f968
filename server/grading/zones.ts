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
    shape = { h3, ring, lon, lat, circumradiusM }
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
  for (const rings of polygons) {
    for (const h3 of polygonToCellsExperimental(rings as number[][][], res, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)) {
      seen.add(h3)
    }
  }
  return [...seen].map((h3) => ({ h3, distanceM: 0 }))
}

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
