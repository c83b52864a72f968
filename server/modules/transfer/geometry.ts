/**
 * GeoJSON geometry helpers for import: coordinate conversion of every position, bounding boxes,
 * promotion to the stored Multi* types, and reading a geometry from a table cell (GeoJSON text or
 * WKT, e.g. `POLYGON((123.1 41.7, …))`).
 */
import type { ProblemCode, ProblemParams } from './problems'
import type { Geometry, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson'

/** A copy of `geometry` with every position passed through `fn` (x, y → lon, lat). */
export function mapPositions(geometry: Geometry, fn: (x: number, y: number) => [number, number]): Geometry {
  const p = (pos: Position): Position => fn(pos[0]!, pos[1]!)
  switch (geometry.type) {
    case 'Point':
      return { type: 'Point', coordinates: p(geometry.coordinates) }
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: geometry.coordinates.map(p) }
    case 'LineString':
      return { type: 'LineString', coordinates: geometry.coordinates.map(p) }
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: geometry.coordinates.map((l) => l.map(p)) }
    case 'Polygon':
      return { type: 'Polygon', coordinates: geometry.coordinates.map((r) => r.map(p)) }
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((poly) => poly.map((r) => r.map(p))) }
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: geometry.geometries.map((g) => mapPositions(g, fn)) }
  }
}

/** [minX, minY, maxX, maxY] of every position. */
export function bbox(geometry: Geometry): [number, number, number, number] {
  const box: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  const visit = (pos: Position) => {
    if (pos[0]! < box[0]) box[0] = pos[0]!
    if (pos[1]! < box[1]) box[1] = pos[1]!
    if (pos[0]! > box[2]) box[2] = pos[0]!
    if (pos[1]! > box[3]) box[3] = pos[1]!
  }
  const walk = (g: Geometry) => {
    switch (g.type) {
      case 'Point':
        return visit(g.coordinates)
      case 'MultiPoint':
      case 'LineString':
        return g.coordinates.forEach(visit)
      case 'MultiLineString':
      case 'Polygon':
        return g.coordinates.forEach((l) => l.forEach(visit))
      case 'MultiPolygon':
        return g.coordinates.forEach((poly) => poly.forEach((r) => r.forEach(visit)))
      case 'GeometryCollection':
        return g.geometries.forEach(walk)
    }
  }
  walk(geometry)
  return box
}

/** What is wrong with a geometry's structure: the English reason, and its code and numbers for a page. */
export interface GeometryFault {
  reason: string
  code: ProblemCode
  params?: ProblemParams
}

/** Structural check of a GeoJSON geometry's coordinates; returns the fault or null. */
export function geometryProblem(geometry: unknown): GeometryFault | null {
  const g = geometry as { type?: unknown; coordinates?: unknown; geometries?: unknown }
  if (g === null || typeof g !== 'object') return { code: 'geometry_not_object', reason: 'is not a geometry object' }
  const isPos = (p: unknown) => Array.isArray(p) && p.length >= 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v))
  const isLine = (l: unknown, min: number) => Array.isArray(l) && l.length >= min && l.every(isPos)
  const isRing = (r: unknown) => isLine(r, 4) && JSON.stringify((r as unknown[])[0]) === JSON.stringify((r as unknown[])[(r as unknown[]).length - 1])
  const c = g.coordinates
  const fault = (type: string, reason: string): GeometryFault => ({ code: 'geometry_malformed', params: { type }, reason })
  switch (g.type) {
    case 'Point':
      return isPos(c) ? null : fault('Point', 'Point coordinates must be [x, y] numbers')
    case 'MultiPoint':
      return isLine(c, 1) ? null : fault('MultiPoint', 'MultiPoint coordinates must be a list of [x, y]')
    case 'LineString':
      return isLine(c, 2) ? null : fault('LineString', 'a LineString needs at least 2 positions')
    case 'MultiLineString':
      return Array.isArray(c) && c.length > 0 && c.every((l) => isLine(l, 2))
        ? null
        : fault('MultiLineString', 'every line of a MultiLineString needs at least 2 positions')
    case 'Polygon':
      return Array.isArray(c) && c.length > 0 && c.every(isRing)
        ? null
        : fault('Polygon', 'every Polygon ring needs at least 4 positions and must be closed (first = last)')
    case 'MultiPolygon':
      return Array.isArray(c) && c.length > 0 && c.every((poly) => Array.isArray(poly) && poly.length > 0 && poly.every(isRing))
        ? null
        : fault('MultiPolygon', 'every MultiPolygon ring needs at least 4 positions and must be closed (first = last)')
    default:
      return {
        code: 'geometry_type_unsupported',
        params: { type: String(g.type ?? null) },
        reason: `unsupported geometry type ${JSON.stringify(g.type ?? null)}`,
      }
  }
}

/** A Polygon or MultiPolygon as a MultiPolygon; null for other types. */
export function asMultiPolygon(geometry: Geometry): MultiPolygon | null {
  if (geometry.type === 'MultiPolygon') return geometry
  if (geometry.type === 'Polygon') return { type: 'MultiPolygon', coordinates: [geometry.coordinates] }
  return null
}

/** A LineString or MultiLineString as a MultiLineString; null for other types. */
export function asMultiLineString(geometry: Geometry): MultiLineString | null {
  if (geometry.type === 'MultiLineString') return geometry
  if (geometry.type === 'LineString') return { type: 'MultiLineString', coordinates: [geometry.coordinates] }
  return null
}

export type Areal = Polygon | MultiPolygon
export type Linear = LineString | MultiLineString

// ------------------------------------------------------------------------- WKT

class WktScanner {
  private i = 0
  constructor(private readonly s: string) {}
  word(): string {
    this.ws()
    const m = /^[A-Za-z]+/.exec(this.s.slice(this.i))
    if (!m) throw new Error(`expected a keyword at ${this.i}`)
    this.i += m[0].length
    return m[0].toUpperCase()
  }
  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++
  }
  peek(): string {
    this.ws()
    return this.s[this.i] ?? ''
  }
  take(ch: string): void {
    if (this.peek() !== ch) throw new Error(`expected "${ch}" at ${this.i}`)
    this.i++
  }
  number(): number {
    this.ws()
    const m = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(this.s.slice(this.i))
    if (!m) throw new Error(`expected a number at ${this.i}`)
    this.i += m[0].length
    return Number(m[0])
  }
  atEnd(): boolean {
    this.ws()
    return this.i >= this.s.length
  }
}

function wktPosition(sc: WktScanner): Position {
  const pos = [sc.number(), sc.number()]
  while (/[-+\d.]/.test(sc.peek())) sc.number() // Z / M ignored
  return pos
}

function wktList<T>(sc: WktScanner, item: () => T): T[] {
  sc.take('(')
  const out = [item()]
  while (sc.peek() === ',') {
    sc.take(',')
    out.push(item())
  }
  sc.take(')')
  return out
}

/** Parses WKT (optionally EWKT with `SRID=…;`) of points, lines and polygons into GeoJSON. */
export function parseWkt(text: string): Geometry {
  const body = text.replace(/^\s*SRID=\d+\s*;/i, '')
  const sc = new WktScanner(body)
  const type = sc.word()
  if (sc.peek() !== '(') {
    const dim = sc.word()
    if (!/^(Z|M|ZM)$/.test(dim)) throw new Error(`unexpected ${dim}`)
  }
  const line = () => wktList(sc, () => wktPosition(sc))
  const polygon = () => wktList(sc, line)
  let g: Geometry
  switch (type) {
    case 'POINT':
      sc.take('(')
      g = { type: 'Point', coordinates: wktPosition(sc) }
      sc.take(')')
      break
    case 'MULTIPOINT':
      g = { type: 'MultiPoint', coordinates: wktList(sc, () => (sc.peek() === '(' ? wktList(sc, () => wktPosition(sc))[0]! : wktPosition(sc))) }
      break
    case 'LINESTRING':
      g = { type: 'LineString', coordinates: line() }
      break
    case 'MULTILINESTRING':
      g = { type: 'MultiLineString', coordinates: wktList(sc, line) }
      break
    case 'POLYGON':
      g = { type: 'Polygon', coordinates: polygon() }
      break
    case 'MULTIPOLYGON':
      g = { type: 'MultiPolygon', coordinates: wktList(sc, polygon) }
      break
    default:
      throw new Error(`unsupported WKT type ${type}`)
  }
  if (!sc.atEnd()) throw new Error('unexpected text after the geometry')
  return g
}

/** A geometry from a table cell: GeoJSON geometry text or WKT. Throws with a reason. */
export function geometryFromCell(value: unknown): Geometry {
  if (value !== null && typeof value === 'object') return value as Geometry
  const text = String(value).trim()
  if (text.startsWith('{')) {
    const parsed = JSON.parse(text) as { type?: string; geometry?: Geometry }
    return parsed.type === 'Feature' && parsed.geometry ? parsed.geometry : (parsed as Geometry)
  }
  return parseWkt(text)
}
