import type { FeatureCollection, Geometry, Position } from 'geojson'

/** A lon/lat box in WGS 84 degrees: [minLon, minLat, maxLon, maxLat]. */
export type LonLatBox = [number, number, number, number]

function eachPosition(geometry: Geometry, visit: (p: Position) => void): void {
  switch (geometry.type) {
    case 'Point':
      visit(geometry.coordinates)
      break
    case 'MultiPoint':
    case 'LineString':
      geometry.coordinates.forEach(visit)
      break
    case 'MultiLineString':
    case 'Polygon':
      geometry.coordinates.forEach((ring) => ring.forEach(visit))
      break
    case 'MultiPolygon':
      geometry.coordinates.forEach((polygon) => polygon.forEach((ring) => ring.forEach(visit)))
      break
    case 'GeometryCollection':
      geometry.geometries.forEach((g) => eachPosition(g, visit))
      break
  }
}

/** The box around every coordinate of these geometries, or null when there is none. */
export function geometriesBounds(geometries: Iterable<Geometry | null>): LonLatBox | null {
  let minLon = Infinity
  let minLat = Infinity
  let maxLon = -Infinity
  let maxLat = -Infinity
  for (const geometry of geometries) {
    if (!geometry) continue
    eachPosition(geometry, ([lon, lat]) => {
      if (lon === undefined || lat === undefined) return
      minLon = Math.min(minLon, lon)
      maxLon = Math.max(maxLon, lon)
      minLat = Math.min(minLat, lat)
      maxLat = Math.max(maxLat, lat)
    })
  }
  return minLon <= maxLon ? [minLon, minLat, maxLon, maxLat] : null
}

/** The box around every coordinate of a collection (features without a geometry add nothing), or null for an empty one. */
export function collectionBounds(collection: FeatureCollection<Geometry | null>): LonLatBox | null {
  return geometriesBounds(collection.features.map((f) => f.geometry))
}

/** True when (lon, lat) lies in the box (edges included). */
export function boxContains([minLon, minLat, maxLon, maxLat]: LonLatBox, lon: number, lat: number): boolean {
  return lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat
}
