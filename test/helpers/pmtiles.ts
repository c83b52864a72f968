// A minimal PMTiles v3 writer for tests (spec: github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// a 127-byte header, one uncompressed root directory, "{}" metadata and uncompressed MVT tiles.
// The tiles are real vector tiles encoded with vt-pbf, in the Protomaps basemap schema's layers.
import { zxyToTileId } from 'pmtiles'
import vtpbf, { type VtFeature } from 'vt-pbf'

export interface PmtilesTile {
  z: number
  x: number
  y: number
  data: Uint8Array
}

function varint(out: number[], value: number): void {
  let v = value
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80)
    v = Math.floor(v / 0x80)
  }
  out.push(v)
}

/** A whole PMTiles v3 file holding the given tiles (tile compression and internal compression: none). */
export function writePmtiles(tiles: PmtilesTile[], bounds: { minLon: number; minLat: number; maxLon: number; maxLat: number }): Buffer {
  const entries = tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.id - b.id)
  const dir: number[] = []
  varint(dir, entries.length)
  let last = 0
  for (const e of entries) {
    varint(dir, e.id - last)
    last = e.id
  }
  for (const _e of entries) varint(dir, 1) // run length
  for (const e of entries) varint(dir, e.data.length)
  for (let i = 0; i < entries.length; i++) varint(dir, i === 0 ? 1 : 0) // offset + 1, then 0 = right after the previous
  const root = Buffer.from(dir)
  const metadata = Buffer.from('{}')
  const data = Buffer.concat(entries.map((e) => Buffer.from(e.data)))
  const header = Buffer.alloc(127)
  header.write('PMTiles', 0, 'ascii')
  header.writeUInt8(3, 7)
  const rootOffset = 127
  const metadataOffset = rootOffset + root.length
  const dataOffset = metadataOffset + metadata.length
  header.writeBigUInt64LE(BigInt(rootOffset), 8)
  header.writeBigUInt64LE(BigInt(root.length), 16)
  header.writeBigUInt64LE(BigInt(metadataOffset), 24)
  header.writeBigUInt64LE(BigInt(metadata.length), 32)
  header.writeBigUInt64LE(BigInt(dataOffset + data.length), 40) // no leaf directories
  header.writeBigUInt64LE(0n, 48)
  header.writeBigUInt64LE(BigInt(dataOffset), 56)
  header.writeBigUInt64LE(BigInt(data.length), 64)
  header.writeBigUInt64LE(BigInt(entries.length), 72)
  header.writeBigUInt64LE(BigInt(entries.length), 80)
  header.writeBigUInt64LE(BigInt(entries.length), 88)
  header.writeUInt8(1, 96) // clustered
  header.writeUInt8(1, 97) // internal compression: none
  header.writeUInt8(1, 98) // tile compression: none
  header.writeUInt8(1, 99) // tile type: MVT
  const zooms = tiles.map((t) => t.z)
  header.writeUInt8(Math.min(...zooms), 100)
  header.writeUInt8(Math.max(...zooms), 101)
  header.writeInt32LE(Math.round(bounds.minLon * 1e7), 102)
  header.writeInt32LE(Math.round(bounds.minLat * 1e7), 106)
  header.writeInt32LE(Math.round(bounds.maxLon * 1e7), 110)
  header.writeInt32LE(Math.round(bounds.maxLat * 1e7), 114)
  header.writeUInt8(Math.max(...zooms), 118)
  header.writeInt32LE(Math.round(((bounds.minLon + bounds.maxLon) / 2) * 1e7), 119)
  header.writeInt32LE(Math.round(((bounds.minLat + bounds.maxLat) / 2) * 1e7), 123)
  return Buffer.concat([header, root, metadata, data])
}

/** The tile x/y at zoom z that contains a lon/lat (web mercator). */
export function tileAt(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z
  const x = Math.floor(((lon + 180) / 360) * n)
  const r = (lat * Math.PI) / 180
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n)
  return { x, y }
}

/**
 * A vector tile whose `earth` and `water` layers (Protomaps basemap schema) each hold one polygon
 * covering the whole tile, so the basemap's earth and water layers draw wherever the tile is.
 */
export function fullTileMvt(): Uint8Array {
  const extent = 4096
  const square = [
    [
      [0, 0],
      [extent, 0],
      [extent, extent],
      [0, extent],
      [0, 0],
    ],
  ]
  const polygon = (kind: string): VtFeature => ({ id: 1, type: 3, geometry: square, tags: { kind } })
  return vtpbf.fromGeojsonVt({ earth: { features: [polygon('earth')] }, water: { features: [polygon('lake')] } }, { version: 2, extent })
}

/** A PMTiles file with one full tile at each zoom 0..maxZoom over the given point. */
export function pmtilesAround(lon: number, lat: number, maxZoom = 6): Buffer {
  const mvt = fullTileMvt()
  const tiles: PmtilesTile[] = []
  for (let z = 0; z <= maxZoom; z++) tiles.push({ z, ...tileAt(lon, lat, z), data: mvt })
  return writePmtiles(tiles, { minLon: lon - 1, minLat: lat - 1, maxLon: lon + 1, maxLat: lat + 1 })
}

/** A street and a place (Protomaps basemap schema) to put into a street basemap for tests. */
export interface StreetFixture {
  /** A major road running west–east at `lat` from `fromLon` to `toLon`. */
  road: { name: string; nameEn: string; lat: number; fromLon: number; toLon: number }
  /** A town (`places` layer, kind locality) at a point. */
  place: { name: string; nameEn: string; lon: number; lat: number }
}

/** Tile pixel coordinates (extent units) of a lon/lat within tile z/x/y. */
function tilePixel(lon: number, lat: number, z: number, x: number, y: number, extent: number): [number, number] {
  const n = 2 ** z
  const r = (lat * Math.PI) / 180
  const fx = ((lon + 180) / 360) * n
  const fy = ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n
  return [Math.round((fx - x) * extent), Math.round((fy - y) * extent)]
}

/**
 * A vector tile of a street basemap: `earth` over the whole tile, the fixture's road in `roads`
 * (clipped to the tile and a small buffer; left out where it misses the tile) and its place in
 * `places` where it falls in the tile. Names as Protomaps writes them: `name`, `name:zh-Hans`,
 * `name:en` and the script of the local name.
 */
export function streetTileMvt(z: number, x: number, y: number, fixture: StreetFixture): Uint8Array {
  const extent = 4096
  const buffer = 64
  const square = [
    [
      [0, 0],
      [extent, 0],
      [extent, extent],
      [0, extent],
      [0, 0],
    ],
  ]
  const layers: Record<string, { features: VtFeature[] }> = { earth: { features: [{ id: 1, type: 3, geometry: square, tags: { kind: 'earth' } }] } }
  const names = (name: string, nameEn: string) => ({ name, 'name:zh-Hans': name, 'name:en': nameEn, script: 'Han' })
  const { road, place } = fixture
  const [x0, ry] = tilePixel(road.fromLon, road.lat, z, x, y, extent)
  const [x1] = tilePixel(road.toLon, road.lat, z, x, y, extent)
  const [a, b] = [Math.max(x0, -buffer), Math.min(x1, extent + buffer)]
  if (ry >= -buffer && ry <= extent + buffer && a < b) {
    layers.roads = {
      features: [
        {
          id: 2,
          type: 2,
          geometry: [
            [
              [a, ry],
              [b, ry],
            ],
          ],
          tags: { kind: 'major_road', kind_detail: 'primary', min_zoom: 5, ...names(road.name, road.nameEn) },
        },
      ],
    }
  }
  const [px, py] = tilePixel(place.lon, place.lat, z, x, y, extent)
  if (px >= 0 && px < extent && py >= 0 && py < extent) {
    layers.places = {
      features: [{ id: 3, type: 1, geometry: [[px, py]], tags: { kind: 'locality', min_zoom: 4, population_rank: 13, ...names(place.name, place.nameEn) } }],
    }
  }
  return vtpbf.fromGeojsonVt(layers, { version: 2, extent })
}

/** A PMTiles street basemap holding the fixture at zooms 0..maxZoom (every tile its road or place touches). */
export function streetPmtiles(fixture: StreetFixture, maxZoom = 14): Buffer {
  const { road, place } = fixture
  const [west, east] = [Math.min(road.fromLon, place.lon), Math.max(road.toLon, place.lon)]
  const [south, north] = [Math.min(road.lat, place.lat), Math.max(road.lat, place.lat)]
  const tiles: PmtilesTile[] = []
  for (let z = 0; z <= maxZoom; z++) {
    const nw = tileAt(west, north, z)
    const se = tileAt(east, south, z)
    for (let x = nw.x; x <= se.x; x++) for (let y = nw.y; y <= se.y; y++) tiles.push({ z, x, y, data: streetTileMvt(z, x, y, fixture) })
  }
  return writePmtiles(tiles, { minLon: west - 0.01, minLat: south - 0.01, maxLon: east + 0.01, maxLat: north + 0.01 })
}
