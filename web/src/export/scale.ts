// The scale bar of an exported map: how long a ground distance is on the picture, and which round
// distance to draw. Pure functions; MapLibre's Web Mercator has a 512-pixel world at zoom 0.

/** Equatorial circumference of the WGS 84 ellipsoid, metres (2π · 6 378 137). */
const EARTH_CIRCUMFERENCE_M = 40_075_016.686
/** MapLibre's tile size: the whole world is this many CSS pixels wide at zoom 0. */
const WORLD_SIZE_PX = 512

/** Ground metres per CSS pixel at a latitude (degrees) and zoom, in Web Mercator. */
export function metresPerPixel(lat: number, zoom: number): number {
  return (EARTH_CIRCUMFERENCE_M * Math.cos((lat * Math.PI) / 180)) / (WORLD_SIZE_PX * 2 ** zoom)
}

/** The largest 1, 2 or 5 × 10ⁿ metres not above `maxM` (at least 1 m). */
export function roundDistance(maxM: number): number {
  if (!(maxM >= 1)) return 1
  const power = 10 ** Math.floor(Math.log10(maxM))
  const leading = maxM / power
  const step = leading >= 5 ? 5 : leading >= 2 ? 2 : 1
  return step * power
}

export interface ScaleBar {
  /** The ground distance the bar stands for, metres. */
  metres: number
  /** Its length on the picture, CSS pixels. */
  widthPx: number
  /** The number and unit to print: metres below a kilometre, kilometres from one up. */
  value: number
  unit: 'm' | 'km'
}

/**
 * The scale bar for a map view: the longest round distance (1, 2 or 5 × 10ⁿ m) whose bar is at most
 * `maxWidthPx` CSS pixels long at the latitude and zoom of the view's centre.
 */
export function scaleBar(lat: number, zoom: number, maxWidthPx: number): ScaleBar {
  const perPx = metresPerPixel(lat, zoom)
  const metres = roundDistance(perPx * maxWidthPx)
  const widthPx = metres / perPx
  return metres >= 1000 ? { metres, widthPx, value: metres / 1000, unit: 'km' } : { metres, widthPx, value: metres, unit: 'm' }
}
