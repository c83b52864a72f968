/**
 * Parsing of the items parameters (OGC API – Features Part 1 §7.15, Part 2 §6): bbox, bbox-crs,
 * datetime and the property filters. Each bad value is a 400 naming the parameter.
 */
import { invalid } from '../../errors'
import type { Collection, CollectionProperty } from './collections'
import { CRS84, latitudeFirst, parseCrs } from './crs'
import type { DatetimeFilter, LonLatBox } from './sql'

/** Parameters every items request may carry; anything else must name a filterable property. */
export const STANDARD_ITEM_PARAMETERS = new Set(['limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'crs', 'f'])

/** `bbox=minx,miny,maxx,maxy` (or 6 numbers with heights, which are ignored) in `bbox-crs`, as CRS84 degrees. */
export function parseBbox(value: string, bboxCrs: string | undefined): LonLatBox {
  const crs = parseCrs(bboxCrs, 'bbox-crs')
  const numbers = value.split(',').map((s) => Number(s.trim()))
  if ((numbers.length !== 4 && numbers.length !== 6) || numbers.some((n) => !Number.isFinite(n))) {
    throw invalid('bbox', 'must be 4 numbers: minx,miny,maxx,maxy (or 6 with heights)')
  }
  const [a, b, c, d] = numbers.length === 6 ? [numbers[0]!, numbers[1]!, numbers[3]!, numbers[4]!] : (numbers as [number, number, number, number])
  // In EPSG:4326 and EPSG:4490 the first axis is latitude.
  const [minLon, minLat, maxLon, maxLat] = latitudeFirst(crs) ? [b, a, d, c] : [a, b, c, d]
  const axes = crs === CRS84 ? 'longitude,latitude' : 'latitude,longitude'
  if (minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) throw invalid('bbox', `is outside the range of ${axes} degrees`)
  if (minLat > maxLat) throw invalid('bbox', 'its minimum latitude is above its maximum')
  if (minLon > maxLon) throw invalid('bbox', 'a box across the antimeridian is not supported (minimum longitude above maximum)')
  return { minLon, minLat, maxLon, maxLat }
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/

function instant(text: string): string | null {
  if (text === '' || text === '..') return null
  if (!INSTANT.test(text) || Number.isNaN(Date.parse(text)))
    throw invalid('datetime', `"${text}" is not an RFC 3339 date (2026-01-31) or date-time (2026-01-31T08:00:00Z)`)
  return text
}

/** `datetime`: an instant, or an interval `start/end` where either end may be `..` or empty (open). */
export function parseDatetime(value: string, collection: Collection): DatetimeFilter {
  if (!collection.datetime) throw invalid('datetime', `collection ${collection.id} has no date to filter on`)
  const parts = value.split('/')
  if (parts.length === 1) {
    const at = instant(parts[0]!)
    if (at === null) throw invalid('datetime', 'an instant cannot be open (..)')
    return { start: at, end: at, instant: true }
  }
  if (parts.length !== 2) throw invalid('datetime', 'must be an instant or an interval start/end')
  const start = instant(parts[0]!)
  const end = instant(parts[1]!)
  if (start === null && end === null) throw invalid('datetime', 'an interval needs at least one closed end')
  if (start !== null && end !== null && Date.parse(start) > Date.parse(end)) throw invalid('datetime', 'the interval ends before it starts')
  return { start, end, instant: false }
}

/** The property filters of a query string: every non-standard parameter must be a filterable property. */
export function parsePropertyFilters(
  query: Record<string, unknown>,
  collection: Collection,
): Array<{ property: CollectionProperty; value: string | number | boolean }> {
  const filters: Array<{ property: CollectionProperty; value: string | number | boolean }> = []
  const filterable = collection.properties.filter((p) => p.filter)
  for (const [name, raw] of Object.entries(query)) {
    if (STANDARD_ITEM_PARAMETERS.has(name)) continue
    const property = filterable.find((p) => p.name === name)
    if (!property) {
      throw invalid(name, `unknown parameter; the properties of ${collection.id} you may filter on are ${filterable.map((p) => p.name).join(', ') || '(none)'}`)
    }
    if (Array.isArray(raw)) throw invalid(name, 'give one value')
    const text = String(raw)
    if (property.type === 'integer') {
      if (!/^-?\d{1,15}$/.test(text)) throw invalid(name, 'must be a whole number')
      filters.push({ property, value: Number(text) })
    } else if (property.type === 'number') {
      const n = Number(text)
      if (text.trim() === '' || !Number.isFinite(n)) throw invalid(name, 'must be a number')
      filters.push({ property, value: n })
    } else if (property.type === 'boolean') {
      if (text !== 'true' && text !== 'false') throw invalid(name, 'must be true or false')
      filters.push({ property, value: text === 'true' })
    } else {
      if (text.length > 200) throw invalid(name, 'is longer than 200 characters')
      filters.push({ property, value: text })
    }
  }
  return filters
}
