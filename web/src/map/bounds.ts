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

/** The box around every coordinate of a collection, or null for an empty one. */
export function collectionBounds(collection: FeatureCollection): LonLatBox | null {
  let minLon = Infinity
  let minLat = Infinity
  let maxLon = -Infinity
  let maxLat = -Infinity
  for (const feature of collection.features) {
    if (!feature.geometry) continue
    eachPosition(feature.geometry, ([lon, lat]) => {
      if (lon === undefined || lat === undefined) return
      minLon = Math.min(minLon, lon)
      maxLon = Math.max(maxLon, lon)
      minLat = Math.min(minLat, lat)
      maxLat = Math.max(maxLat, lat)
    })
  }
  return minLon <= maxLon ? [minLon, minLat, maxLon, maxLat] : null
}
