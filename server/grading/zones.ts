/**
 * Impact zones on the H3 grid (docs/domain.md §4.1–4.2): which analysis cells a source influences, and
 * how far each cell is from it. Pure functions over h3-js; distances in geodesic metres.
 */
import { cellToBoundary, getHexagonEdgeLengthAvg, gridDisk, latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js'
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

/**
 * Cell boundaries ([lon, lat] vertices) already computed. A full regrade asks for the same few
 * thousand cells hundreds of thousands of times (neighbouring sources share cells), and the
 * boundary is the costly part of a distance; the cache is cleared when it grows past its bound.
 */
const boundaries = new Map<string, number[][]>()
const BOUNDARY_CACHE_MAX = 250_000

function cellBoundary(h3: string): number[][] {
  let ring = boundaries.get(h3)
  if (!ring) {
    if (boundaries.size >= BOUNDARY_CACHE_MAX) boundaries.clear()
    ring = cellToBoundary(h3, true)
    boundaries.set(h3, ring)
  }
  return ring
}

/** Geodesic distance from a point to an H3 cell: 0 inside, else to its nearest edge, metres. */
export function distanceToCellM(lon: number, lat: number, h3: string): number {
  const ring = cellBoundary(h3).map(([x, y]) => toLocal(lon, lat, x!, y!))
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

/** Analysis cells whose nearest point lies within `radiusM` of the point source, with their distances. */
export function pointZoneCells(lon: number, lat: number, radiusM: number, res: number): CellDistance[] {
  const origin = latLngToCell(lat, lon, res)
  // Hexagon inradius is ≈ 0.866·edge; one ring more than the radius needs guards against distortion.
  const k = Math.ceil(radiusM / (getHexagonEdgeLengthAvg(res, 'm') * 0.8)) + 1
  const cells: CellDistance[] = []
  for (const h3 of gridDisk(origin, k)) {
    const distanceM = h3 === origin ? 0 : distanceToCellM(lon, lat, h3)
    if (distanceM <= radiusM) cells.push({ h3, distanceM })
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

/** The cell's polygon as a closed GeoJSON ring, [lon, lat] in EPSG:4326. */
export function cellPolygon(h3: string): Polygon {
  const ring = cellToBoundary(h3, true)
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] }
}
