import { boxContains, type LonLatBox } from '../map/bounds'

// Coordinates typed into the search box. The service speaks lon, lat (GeoJSON order), but people
// often paste "lat, lon" from a phone or a web map, so the order is detected when it is obvious.

/** A point read from text, WGS 84 degrees, and whether it was written latitude first. */
export interface ParsedCoordinates {
  lon: number
  lat: number
  latFirst: boolean
}

const NUMBER = String.raw`[-+]?\d+(?:\.\d+)?`
const HEMISPHERE = '[NSEWnsew]'
/** Two numbers, each with an optional hemisphere letter before or after, separated by a comma, semicolon or spaces. */
const PAIR = new RegExp(
  String.raw`^\s*(${HEMISPHERE})?\s*(${NUMBER})\s*°?\s*(${HEMISPHERE})?\s*(?:[,;]\s*|\s+)(${HEMISPHERE})?\s*(${NUMBER})\s*°?\s*(${HEMISPHERE})?\s*$`,
)

/** Applies a hemisphere letter's sign; returns the axis it names. */
function signed(value: number, letter: string | undefined): { value: number; axis: 'lat' | 'lon' | null } {
  if (!letter) return { value, axis: null }
  const l = letter.toUpperCase()
  const negative = l === 'S' || l === 'W'
  return { value: negative ? -Math.abs(value) : value, axis: l === 'N' || l === 'S' ? 'lat' : 'lon' }
}

const isLon = (x: number) => Math.abs(x) <= 180
const isLat = (x: number) => Math.abs(x) <= 90

/**
 * Reads "lon, lat" (also "lon lat", full-width commas, `°`, N/S/E/W letters). The order is taken as
 * latitude first when the letters say so, when the first number can only be a latitude and the
 * second only a longitude (|second| > 90: "41.80 123.43"), or, when both could be either, when only
 * the swapped reading falls inside `area` (the map's region, e.g. the divisions' bounds).
 * Returns null when the text is not a coordinate pair or is out of range.
 */
export function parseCoordinates(text: string, area?: LonLatBox | null): ParsedCoordinates | null {
  const normalised = text
    .replace(/[，、；]/g, (c) => (c === '；' ? ';' : ','))
    .replace(/[Ｅｅ]/g, 'E')
    .replace(/[Ｎｎ]/g, 'N')
  const match = PAIR.exec(normalised)
  if (!match) return null
  const [, before1, first, after1, before2, second, after2] = match
  if ((before1 && after1) || (before2 && after2)) return null
  const a = signed(Number(first), before1 ?? after1)
  const b = signed(Number(second), before2 ?? after2)
  if (!Number.isFinite(a.value) || !Number.isFinite(b.value)) return null

  let latFirst: boolean
  if (a.axis || b.axis) {
    if (a.axis && b.axis && a.axis === b.axis) return null
    latFirst = a.axis === 'lat' || b.axis === 'lon'
  } else if (isLat(a.value) && !isLat(b.value)) {
    latFirst = true
  } else if (isLat(b.value) && !isLat(a.value)) {
    latFirst = false
  } else {
    const asWritten = area ? boxContains(area, a.value, b.value) : true
    const swapped = area ? boxContains(area, b.value, a.value) : false
    latFirst = swapped && !asWritten
  }
  const lon = latFirst ? b.value : a.value
  const lat = latFirst ? a.value : b.value
  if (!isLon(lon) || !isLat(lat)) return null
  return { lon, lat, latFirst }
}
