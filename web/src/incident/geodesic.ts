import type { Polygon } from 'geojson'

// Small spherical geometry for the incident view: distance rings drawn in the page. A sphere of the
// mean Earth radius is within 0.5 % of the WGS 84 spheroid, far finer than a ring's line width.

/** Mean Earth radius, metres (IUGG). */
export const EARTH_RADIUS_M = 6_371_008.8
const RAD = Math.PI / 180

/** The point `distanceM` from [lon, lat] along the initial bearing `bearingDeg` (great circle). */
export function destinationPoint([lon, lat]: [number, number], bearingDeg: number, distanceM: number): [number, number] {
  const d = distanceM / EARTH_RADIUS_M
  const b = bearingDeg * RAD
  const φ1 = lat * RAD
  const λ1 = lon * RAD
  const φ2 = Math.asin(Math.sin(φ1) * Math.cos(d) + Math.cos(φ1) * Math.sin(d) * Math.cos(b))
  const λ2 = λ1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(φ1), Math.cos(d) - Math.sin(φ1) * Math.sin(φ2))
  return [((λ2 / RAD + 540) % 360) - 180, φ2 / RAD]
}

/** A circle of `radiusM` around a point as a closed polygon of `vertices` points. */
export function geodesicCircle(center: [number, number], radiusM: number, vertices = 64): Polygon {
  const ring: Array<[number, number]> = []
  for (let i = 0; i < vertices; i++) ring.push(destinationPoint(center, (360 * i) / vertices, radiusM))
  ring.push(ring[0]!)
  return { type: 'Polygon', coordinates: [ring] }
}

/** Great-circle distance between two points, metres (haversine). */
export function haversineM([lon1, lat1]: [number, number], [lon2, lat2]: [number, number]): number {
  const dφ = (lat2 - lat1) * RAD
  const dλ = (lon2 - lon1) * RAD
  const a = Math.sin(dφ / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dλ / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)))
}

/** The 8 compass points, clockwise from north. */
export const COMPASS_POINTS = ['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW'] as const
export type CompassPoint = (typeof COMPASS_POINTS)[number]

/** The compass point nearest a bearing (degrees clockwise from north). */
export function compassPoint(bearingDeg: number): CompassPoint {
  const normalised = ((bearingDeg % 360) + 360) % 360
  return COMPASS_POINTS[Math.round(normalised / 45) % 8]!
}
