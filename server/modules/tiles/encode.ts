/**
 * The Node encoder: tile-space rows (from sql.ts tileSpaceQuery) to a Mapbox Vector Tile 2.1 with
 * vt-pbf, for databases whose PostGIS lacks protobuf (the embedded PGlite). It writes what
 * ST_AsMVT writes: the feature id, the non-null properties with their JSON types (numbers stay
 * numbers), MVT geometry types, and polygon rings oriented as the specification wants.
 */
import vtpbf, { type VtFeature } from 'vt-pbf'
import type { Geometry, Position } from 'geojson'
import { TILE_EXTENT } from './sql'

/** One row of a source layer in tile units: `id`, its properties, and `geom` as GeoJSON. */
export type TileSpaceRow = { id: number | string | null; geom: Geometry } & Record<string, unknown>

/** Twice the signed area of a closed ring by the shoelace formula, in tile units (y down). */
export function ringArea(ring: Position[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += ring[j]![0]! * ring[i]![1]! - ring[i]![0]! * ring[j]![1]!
  }
  return sum
}

/** Rings enclosing less than this many square tile units are dropped, as ST_AsMVTGeom (wagyu) drops them. */
const MIN_RING_AREA = 1

/**
 * Orients one polygon's rings for MVT: the exterior ring with positive area and holes negative in
 * tile coordinates, i.e. clockwise on screen with y pointing down (MVT spec 4.3.4.4). vt-pbf writes
 * rings as given, so this is the only place winding is decided. Sub-pixel rings are dropped; without
 * its exterior ring the polygon is dropped.
 */
export function orientPolygon(rings: Position[][]): Position[][] {
  const out: Position[][] = []
  for (const [i, ring] of rings.entries()) {
    const area = ringArea(ring)
    if (Math.abs(area) < 2 * MIN_RING_AREA) {
      if (i === 0) return []
      continue
    }
    out.push(area > 0 === (i === 0) ? ring : [...ring].reverse())
  }
  return out
}

const round = (p: Position): number[] => [Math.round(p[0]!), Math.round(p[1]!)]

/** The MVT geometry type and vt-pbf coordinates of a GeoJSON geometry in tile units; null if empty. */
export function tileGeometry(geom: Geometry): Pick<VtFeature, 'type' | 'geometry'> | null {
  switch (geom.type) {
    case 'Point':
      return { type: 1, geometry: [round(geom.coordinates)] }
    case 'MultiPoint':
      return geom.coordinates.length ? { type: 1, geometry: geom.coordinates.map(round) } : null
    case 'LineString':
      return geom.coordinates.length >= 2 ? { type: 2, geometry: [geom.coordinates.map(round)] } : null
    case 'MultiLineString': {
      const lines = geom.coordinates.filter((l) => l.length >= 2).map((l) => l.map(round))
      return lines.length ? { type: 2, geometry: lines } : null
    }
    case 'Polygon': {
      const rings = orientPolygon(geom.coordinates.map((r) => r.map(round)))
      return rings.length ? { type: 3, geometry: rings } : null
    }
    case 'MultiPolygon': {
      // Each polygon's exterior ring starts a new polygon for decoders (classifyRings).
      const rings = geom.coordinates.flatMap((poly) => orientPolygon(poly.map((r) => r.map(round))))
      return rings.length ? { type: 3, geometry: rings } : null
    }
    default:
      return null
  }
}

/** Encodes source layers of tile-space rows as one MVT tile; empty layers are left out, an empty tile is an empty buffer. */
export function encodeTile(layers: Array<{ name: string; rows: TileSpaceRow[] }>): Buffer {
  const out: Record<string, { features: VtFeature[] }> = {}
  let count = 0
  for (const { name, rows } of layers) {
    const features: VtFeature[] = []
    for (const row of rows) {
      const geometry = tileGeometry(row.geom)
      if (!geometry) continue
      const { id, geom: _geom, ...tags } = row
      // ST_AsMVT leaves out a null or negative id; ids are bigint columns, read as strings or numbers.
      const featureId = id === null || id === undefined ? undefined : Number(id)
      features.push({ ...(featureId !== undefined && featureId >= 0 ? { id: featureId } : {}), ...geometry, tags: tags as VtFeature['tags'] })
    }
    if (features.length) {
      out[name] = { features }
      count += features.length
    }
  }
  if (count === 0) return Buffer.alloc(0)
  const bytes = vtpbf.fromGeojsonVt(out, { version: 2, extent: TILE_EXTENT })
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
