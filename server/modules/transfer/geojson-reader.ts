/**
 * GeoJSON (RFC 7946) read as a stream: the members of the top-level object are scanned, and each
 * element of `features` is cut out and parsed on its own, so a large FeatureCollection is never
 * held whole. A legacy `crs` member (GeoJSON 2008) is honoured when it precedes `features`.
 */
import type { Feature, Geometry } from 'geojson'
import { emptyFile, fileError } from './bytes'
import { decodeText } from './text-decode'
import type { KeyedRecord, RecordReader, SourceRecord } from './records'

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'])

/** Pulls characters from text chunks, counting lines. */
class Scanner {
  private buf = ''
  private pos = 0
  private ended = false
  line = 1

  constructor(private readonly chunks: AsyncIterator<string>) {}

  private async fill(): Promise<boolean> {
    if (this.ended) return false
    const next = await this.chunks.next()
    if (next.done) {
      this.ended = true
      return false
    }
    this.buf = this.buf.slice(this.pos) + next.value
    this.pos = 0
    return true
  }

  /** The next non-blank character without consuming it; null at the end. */
  async peek(): Promise<string | null> {
    for (;;) {
      while (this.pos < this.buf.length) {
        const c = this.buf.charCodeAt(this.pos)
        if (c === 0x20 || c === 0x09 || c === 0x0d || c === 0xfeff) this.pos++
        else if (c === 0x0a) {
          this.line++
          this.pos++
        } else return this.buf[this.pos]!
      }
      if (!(await this.fill())) return null
    }
  }

  async expect(ch: string, what: string): Promise<void> {
    const c = await this.peek()
    if (c !== ch)
      throw fileError(
        'geojson_invalid',
        { line: this.line },
        `not valid GeoJSON: expected ${what} at line ${this.line}, found ${c === null ? 'the end of the file' : `"${c}"`}`,
        'file',
        { line: this.line },
      )
    this.pos++
  }

  skip(): void {
    this.pos++
  }

  /** The raw text of the JSON value that starts at the next non-blank character. */
  async capture(): Promise<string> {
    const first = await this.peek()
    if (first === null)
      throw fileError('geojson_invalid', { line: this.line }, `not valid GeoJSON: the file ends at line ${this.line} in the middle of a value`, 'file', {
        line: this.line,
      })
    const pieces: string[] = []
    let depth = 0
    let inString = false
    let escaped = false
    const scalar = first !== '{' && first !== '[' && first !== '"'
    for (;;) {
      const buf = this.buf
      let i = this.pos
      let done = false
      for (; i < buf.length; i++) {
        const c = buf.charCodeAt(i)
        if (c === 0x0a) this.line++
        if (inString) {
          if (escaped) escaped = false
          else if (c === 0x5c) escaped = true
          else if (c === 0x22) {
            inString = false
            if (depth === 0) {
              i++
              done = true
              break
            }
          }
          continue
        }
        if (c === 0x22) inString = true
        else if (c === 0x7b || c === 0x5b) depth++
        else if (c === 0x7d || c === 0x5d) {
          if (depth === 0) {
            done = true
            break
          }
          depth--
          if (depth === 0) {
            i++
            done = true
            break
          }
        } else if (depth === 0 && scalar && (c === 0x2c || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09)) {
          if (c === 0x0a) this.line--
          done = true
          break
        }
      }
      pieces.push(buf.slice(this.pos, i))
      this.pos = i
      if (done) return pieces.join('')
      this.buf = ''
      this.pos = 0
      if (!(await this.fill())) {
        if (scalar && depth === 0 && !inString) return pieces.join('')
        throw fileError('geojson_invalid', { line: this.line }, `not valid GeoJSON: the file ends at line ${this.line} in the middle of a value`, 'file', {
          line: this.line,
        })
      }
    }
  }
}

function parseJson(text: string, line: number, what: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw fileError('geojson_invalid', { line }, `not valid GeoJSON: ${what} starting at line ${line} is not valid JSON (${(err as Error).message})`, 'file', {
      line,
    })
  }
}

function crsName(crs: unknown): string | null {
  const props = (crs as { properties?: { name?: unknown; href?: unknown } } | null)?.properties
  if (typeof props?.name === 'string') return props.name
  return null
}

/** Opens a GeoJSON byte stream (FeatureCollection, Feature or bare geometry). */
export async function openGeoJson(bytes: AsyncIterable<Buffer>): Promise<RecordReader> {
  const text = decodeText(bytes)
  const scanner = new Scanner(text.chunks[Symbol.asyncIterator]())
  const first = await scanner.peek()
  if (first === null) throw emptyFile()
  await scanner.expect('{', 'a JSON object "{"')

  const members: Record<string, unknown> = {}
  let declaredCrs: { name: string } | null = null
  let inFeatures = false
  let featureCount = 0

  /** Reads members until `features` opens (returns true) or the object ends (false). */
  const readMembers = async (): Promise<boolean> => {
    for (;;) {
      const c = await scanner.peek()
      if (c === ',') {
        scanner.skip()
        continue
      }
      if (c === '}') {
        scanner.skip()
        return false
      }
      if (c !== '"')
        throw fileError('geojson_invalid', { line: scanner.line }, `not valid GeoJSON: expected a member name at line ${scanner.line}`, 'file', {
          line: scanner.line,
        })
      const key = parseJson(await scanner.capture(), scanner.line, 'a member name') as string
      await scanner.expect(':', '":"')
      if (key === 'features' && (await scanner.peek()) === '[') {
        scanner.skip()
        return true
      }
      const line = scanner.line
      const value = parseJson(await scanner.capture(), line, `member "${key}"`)
      members[key] = value
      if (key === 'crs') {
        const name = crsName(value)
        if (featureCount > 0 && name !== null) {
          throw fileError(
            'geojson_crs_late',
            {},
            'the GeoJSON "crs" member comes after the features: put it first, or state the coordinate system with crs=',
            'crs',
          )
        }
        declaredCrs = name === null ? null : { name }
      }
    }
  }

  /** The next feature of the `features` array, or null after its end. */
  const nextFeature = async (): Promise<{ feature: Feature; line: number } | null> => {
    for (;;) {
      const c = await scanner.peek()
      if (c === ',') {
        scanner.skip()
        continue
      }
      if (c === ']') {
        scanner.skip()
        return null
      }
      if (c !== '{')
        throw fileError('geojson_invalid', { line: scanner.line }, `not valid GeoJSON: expected a Feature object at line ${scanner.line}`, 'file', {
          line: scanner.line,
        })
      const line = scanner.line
      const value = parseJson(await scanner.capture(), line, 'a feature') as Feature
      return { feature: value, line }
    }
  }

  inFeatures = await readMembers()
  const type = members.type
  const pending: Array<{ feature: Feature; line: number }> = []
  if (!inFeatures) {
    // No features array: a single Feature, or a bare geometry.
    if (type === 'Feature') pending.push({ feature: members as unknown as Feature, line: 1 })
    else if (typeof type === 'string' && GEOMETRY_TYPES.has(type))
      pending.push({ feature: { type: 'Feature', geometry: members as unknown as Geometry, properties: {} }, line: 1 })
    else if (type !== 'FeatureCollection')
      throw fileError(
        'geojson_not_collection',
        { type: String(type ?? null) },
        `not GeoJSON: the top-level "type" is ${JSON.stringify(type ?? null)}, expected "FeatureCollection" or "Feature"`,
        'file',
      )
  } else {
    const f = await nextFeature()
    if (f === null) inFeatures = false
    else pending.push(f)
  }
  if (pending.length === 0) throw fileError('geojson_no_features', {}, 'the GeoJSON has no features', 'file', { reason: 'empty' })
  const firstProps = pending[0]!.feature.properties ?? {}
  const headers = Object.keys(firstProps)

  async function* read(): AsyncGenerator<SourceRecord> {
    let row = 0
    const emit = (f: { feature: Feature; line: number }): SourceRecord => {
      row++
      featureCount++
      const feature = f.feature
      const record: KeyedRecord = { row, line: f.line, values: {}, geometry: null }
      if (feature === null || typeof feature !== 'object' || feature.type !== 'Feature') {
        record.problem = {
          code: 'not_a_feature',
          params: { type: String((feature as { type?: unknown } | null)?.type ?? null) },
          reason: `is not a GeoJSON Feature (type ${JSON.stringify((feature as { type?: unknown } | null)?.type ?? null)})`,
        }
        return record
      }
      const props = feature.properties
      record.values = props !== null && typeof props === 'object' && !Array.isArray(props) ? (props as Record<string, unknown>) : {}
      record.geometry = feature.geometry ?? null
      if (feature.id !== undefined && record.values.id === undefined) record.values = { ...record.values, '@id': feature.id }
      return record
    }
    for (const f of pending) yield emit(f)
    pending.length = 0
    if (!inFeatures) return
    for (;;) {
      const f = await nextFeature()
      if (f === null) break
      yield emit(f)
    }
    // The members after `features` (a late `crs` is refused there).
    await readMembers()
  }

  return {
    format: 'geojson',
    get encoding() {
      // Pure ASCII so far reads the same in both: it is UTF-8.
      return text.encoding ?? 'utf-8'
    },
    headers,
    get declaredCrs() {
      return declaredCrs
    },
    records: read(),
    async close() {},
  }
}
