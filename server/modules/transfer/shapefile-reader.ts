/**
 * Zipped ESRI shapefiles: the .shp geometry and the .dbf attributes are read side by side, record
 * by record; the .prj (WKT) names the coordinate system and the .cpg the attribute encoding
 * (Chinese shapefiles are often GBK: without a .cpg, each text value is read as UTF-8 when valid,
 * else as GBK). Polygon rings are sorted into shells (clockwise) and holes (counter-clockwise).
 */
import type { Geometry, Position } from 'geojson'
import iconv from 'iconv-lite'
import { fileError } from './bytes'
import type { RecordReader, SourceRecord } from './records'
import { chunksOf, openZip, type ZipArchive } from './zip'

/** Pulls exact byte counts from a chunk stream. */
export class ByteReader {
  private buf: Buffer = Buffer.alloc(0)
  private readonly iterator: AsyncIterator<Buffer>
  constructor(chunks: AsyncIterable<Buffer>) {
    this.iterator = chunks[Symbol.asyncIterator]()
  }
  /** Exactly n bytes, or null at a clean end; a truncated read is an error. */
  async read(n: number, what: string): Promise<Buffer | null> {
    while (this.buf.length < n) {
      const next = await this.iterator.next()
      if (next.done) {
        if (this.buf.length === 0) return null
        throw fileError('shapefile_damaged', {}, `the ${what} is truncated`)
      }
      this.buf = this.buf.length === 0 ? next.value : Buffer.concat([this.buf, next.value])
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }
}

/** Signed area of a ring (shoelace), in squared coordinate units: positive counter-clockwise, negative clockwise. */
export function ringArea(ring: Position[]): number {
  let sum = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) sum += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!)
  return sum / 2
}

function pointInRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/**
 * Groups shapefile rings into polygons: clockwise rings are shells, counter-clockwise rings holes of
 * the smallest shell that contains them (a hole inside no shell becomes a shell). Output follows
 * RFC 7946 winding (shells counter-clockwise).
 */
export function ringsToPolygons(rings: Position[][]): Position[][][] {
  const shells: Array<{ ring: Position[]; area: number; holes: Position[][] }> = []
  const holes: Position[][] = []
  for (const ring of rings) {
    if (ring.length < 4) continue
    const area = ringArea(ring)
    if (area <= 0) shells.push({ ring: [...ring].reverse(), area: -area, holes: [] })
    else holes.push(ring)
  }
  for (const hole of holes) {
    const [x, y] = hole[0] as [number, number]
    const owner = shells.filter((s) => pointInRing(x, y, s.ring)).sort((a, b) => a.area - b.area)[0]
    if (owner) owner.holes.push([...hole].reverse())
    else shells.push({ ring: hole, area: ringArea(hole), holes: [] })
  }
  return shells.map((s) => [s.ring, ...s.holes])
}

/** The geometry of one .shp record content (shape type first), or null for a null shape. */
export function parseShape(content: Buffer): Geometry | null {
  const type = content.readInt32LE(0)
  const points = (offset: number, count: number): Position[] => {
    const list: Position[] = new Array(count)
    for (let i = 0; i < count; i++) list[i] = [content.readDoubleLE(offset + 16 * i), content.readDoubleLE(offset + 16 * i + 8)]
    return list
  }
  switch (type) {
    case 0:
      return null
    case 1:
    case 11:
    case 21:
      return { type: 'Point', coordinates: [content.readDoubleLE(4), content.readDoubleLE(12)] }
    case 8:
    case 18:
    case 28: {
      const n = content.readInt32LE(36)
      const list = points(40, n)
      return list.length === 1 ? { type: 'Point', coordinates: list[0]! } : { type: 'MultiPoint', coordinates: list }
    }
    case 3:
    case 13:
    case 23:
    case 5:
    case 15:
    case 25: {
      const numParts = content.readInt32LE(36)
      const numPoints = content.readInt32LE(40)
      const starts: number[] = []
      for (let i = 0; i < numParts; i++) starts.push(content.readInt32LE(44 + 4 * i))
      const all = points(44 + 4 * numParts, numPoints)
      const parts = starts.map((s, i) => all.slice(s, i + 1 < starts.length ? starts[i + 1] : numPoints))
      if (type % 10 === 3) return parts.length === 1 ? { type: 'LineString', coordinates: parts[0]! } : { type: 'MultiLineString', coordinates: parts }
      const polygons = ringsToPolygons(parts)
      return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons }
    }
    default:
      throw fileError('shape_type_unsupported', { type }, `unsupported shape type ${type} in the .shp file`)
  }
}

interface DbfField {
  name: string
  type: string
  length: number
}

type TextDecoderFn = (bytes: Buffer) => string

/** Chooses how .dbf text is decoded: the .cpg when present, else the language driver byte, else per value. */
function dbfDecoder(cpg: string | null, languageDriver: number): { name: string; decode: TextDecoderFn } {
  const code =
    cpg
      ?.trim()
      .toLowerCase()
      .replace(/[\s_-]/g, '') ?? ''
  if (/^(utf8|65001)$/.test(code)) return { name: 'utf-8', decode: (b) => b.toString('utf8') }
  if (/^(gbk|gb2312|gb18030|cp936|936|ansi936)$/.test(code) || (code === '' && languageDriver === 0x4d)) {
    return { name: 'gbk', decode: (b) => iconv.decode(b, 'gbk') }
  }
  if (code !== '' && iconv.encodingExists(code)) return { name: code, decode: (b) => iconv.decode(b, code) }
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  return {
    name: 'utf-8/gbk',
    decode: (b) => {
      try {
        return utf8.decode(b)
      } catch {
        return iconv.decode(b, 'gbk')
      }
    },
  }
}

async function readDbfHeader(
  reader: ByteReader,
  cpg: string | null,
): Promise<{ fields: DbfField[]; recordLength: number; count: number; encoding: string; decode: TextDecoderFn }> {
  const head = await reader.read(32, '.dbf header')
  if (head === null) throw fileError('shapefile_damaged', {}, 'the .dbf file is empty')
  const count = head.readUInt32LE(4)
  const headerLength = head.readUInt16LE(8)
  const recordLength = head.readUInt16LE(10)
  const { name: encoding, decode } = dbfDecoder(cpg, head[29]!)
  const rest = await reader.read(headerLength - 32, '.dbf header')
  if (rest === null) throw fileError('shapefile_damaged', {}, 'the .dbf header is truncated')
  const fields: DbfField[] = []
  for (let at = 0; at + 32 <= rest.length && rest[at] !== 0x0d; at += 32) {
    const raw = rest.subarray(at, at + 11)
    const end = raw.indexOf(0)
    fields.push({ name: decode(raw.subarray(0, end < 0 ? 11 : end)).trim(), type: String.fromCharCode(rest[at + 11]!), length: rest[at + 16]! })
  }
  return { fields, recordLength, count, encoding, decode }
}

function dbfValue(field: DbfField, raw: Buffer, decode: TextDecoderFn): unknown {
  switch (field.type) {
    case 'N':
    case 'F': {
      const text = raw.toString('latin1').trim()
      if (text === '' || /^\*+$/.test(text)) return null
      const n = Number(text)
      return Number.isFinite(n) ? n : text
    }
    case 'L': {
      const c = raw.toString('latin1').trim().toUpperCase()
      return c === 'T' || c === 'Y' ? true : c === 'F' || c === 'N' ? false : null
    }
    case 'D': {
      const t = raw.toString('latin1').trim()
      return /^\d{8}$/.test(t) ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}` : null
    }
    default: {
      const text = decode(raw)
        .replace(/\u0000+$/, '')
        .trim()
      return text === '' ? null : text
    }
  }
}

function findSibling(zip: ZipArchive, shp: string, ext: string): string | null {
  const base = shp.slice(0, -4).toLowerCase()
  return zip.names.find((n) => n.toLowerCase() === `${base}.${ext}`) ?? null
}

/** Opens a zipped shapefile on disk. */
export async function openShapefileZip(file: string): Promise<RecordReader> {
  const zip = await openZip(file)
  try {
    const shps = zip.names.filter((n) => n.toLowerCase().endsWith('.shp') && !n.startsWith('__MACOSX/'))
    if (shps.length === 0) {
      const listed = zip.names.slice(0, 10).join(', ') || 'nothing'
      throw fileError(
        'zip_no_shp',
        {},
        `the zip holds no .shp file (found: ${listed}); a zipped shapefile needs .shp, .dbf and, for its coordinate system, .prj`,
      )
    }
    if (shps.length > 1)
      throw fileError('zip_many_shp', { count: shps.length }, `the zip holds ${shps.length} shapefiles (${shps.join(', ')}): import one at a time`)
    const shp = shps[0]!
    const dbf = findSibling(zip, shp, 'dbf')
    if (dbf === null) throw fileError('shp_no_dbf', { name: shp }, `${shp} has no .dbf attribute table beside it in the zip`)
    const prj = findSibling(zip, shp, 'prj')
    const cpg = findSibling(zip, shp, 'cpg')
    const wkt = prj === null ? null : (await zip.text(prj)).trim()
    const cpgText = cpg === null ? null : await zip.text(cpg)

    const shpReader = new ByteReader(chunksOf(await zip.open(shp)))
    const dbfReader = new ByteReader(chunksOf(await zip.open(dbf)))
    const header = await shpReader.read(100, '.shp header')
    if (header === null) throw fileError('shapefile_damaged', {}, `${shp} is empty`)
    if (header.readInt32BE(0) !== 9994) throw fileError('shapefile_damaged', {}, `${shp} is not a shapefile (bad file code)`)
    const dbfHeader = await readDbfHeader(dbfReader, cpgText)
    if (dbfHeader.count === 0) throw fileError('shapefile_no_records', {}, 'the shapefile has no records', 'file', { reason: 'empty' })
    const headers = dbfHeader.fields.map((f) => f.name)

    async function* read(): AsyncGenerator<SourceRecord> {
      let row = 0
      for (let n = 1; ; n++) {
        const recordHeader = await shpReader.read(8, '.shp file')
        if (recordHeader === null) {
          if (n <= dbfHeader.count) throw fileError('shapefile_damaged', {}, `the .shp file has ${n - 1} records but the .dbf ${dbfHeader.count}`)
          return
        }
        if (n > dbfHeader.count) throw fileError('shapefile_damaged', {}, `the .shp file has more records than the .dbf (${dbfHeader.count})`)
        const attributes = await dbfReader.read(dbfHeader.recordLength, '.dbf file')
        if (attributes === null) throw fileError('shapefile_damaged', {}, `the .dbf file ends before record ${n}`)
        const content = await shpReader.read(recordHeader.readInt32BE(4) * 2, '.shp file')
        if (content === null) throw fileError('shapefile_damaged', {}, 'the .shp file is truncated')
        if (attributes[0] === 0x2a) continue // deleted in the .dbf
        row++
        const values: Record<string, unknown> = {}
        let at = 1
        for (const f of dbfHeader.fields) {
          values[f.name] = dbfValue(f, attributes.subarray(at, at + f.length), dbfHeader.decode)
          at += f.length
        }
        let geometry: Geometry | null
        try {
          geometry = parseShape(content)
        } catch (err) {
          yield {
            row,
            line: n,
            values,
            geometry: null,
            problem: { column: 'geometry', code: 'shape_unreadable', params: { detail: (err as Error).message }, reason: (err as Error).message },
          }
          continue
        }
        yield { row, line: n, values, geometry }
      }
    }
    return {
      format: 'shapefile',
      encoding: dbfHeader.encoding,
      headers,
      declaredCrs: wkt ? { wkt } : null,
      records: read(),
      close: async () => zip.close(),
    }
  } catch (err) {
    zip.close()
    throw err
  }
}
