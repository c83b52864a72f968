import type { MultiPolygon, Polygon, Position } from 'geojson'
import type { BasemapDivisions, DivisionRank } from '../api/contract'

// Which division a point lies in, answered in the page from the basemap's own polygons: the cell
// panel names the county and township of a cell without asking the server.

/** True when the point is inside the ring (even-odd rule; a point on an edge may go either way). */
function ringContains(ring: Position[], lon: number, lat: number): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number]
    const [xj, yj] = ring[j] as [number, number]
    if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** True when (lon, lat) lies inside the polygon: in its exterior ring and in none of its holes. */
export function polygonContains(geometry: Polygon | MultiPolygon, lon: number, lat: number): boolean {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  return polygons.some(
    ([exterior, ...holes]) => exterior !== undefined && ringContains(exterior, lon, lat) && !holes.some((hole) => ringContains(hole, lon, lat)),
  )
}

/** A division a point lies in. */
export interface DivisionRef {
  code: string
  name: string
  nameEn: string | null
  rank: DivisionRank
}

/** The divisions of these collections that contain (lon, lat), coarsest first (city, county, then township). */
export function divisionsAt(collections: BasemapDivisions[], lon: number, lat: number): DivisionRef[] {
  const found: DivisionRef[] = []
  for (const collection of collections) {
    for (const feature of collection.features) {
      const geometry = feature.geometry
      if (!geometry || (geometry.type !== 'Polygon' && geometry.type !== 'MultiPolygon') || !polygonContains(geometry, lon, lat)) continue
      const { code, name, nameEn, rank } = feature.properties
      found.push({ code, name, nameEn, rank })
    }
  }
  const order: Record<DivisionRank, number> = { province: 0, city: 1, county: 2, township: 3 }
  return found.sort((a, b) => order[a.rank] - order[b.rank])
}
