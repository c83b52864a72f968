import type { Map as MaplibreMap } from 'maplibre-gl'
import { fetchDivisions } from '../api/client'
import { collectionBounds, type LonLatBox } from './bounds'
import { setBasemapData, type BasemapData } from './style'

/** How much each division level is simplified for the basemap, in metres: coarser for larger units. */
const SIMPLIFY_M = { city: 100, county: 30, township: 15 } as const

/**
 * Loads the city, county and township polygons of the staff API into the offline basemap once the
 * style is there; returns them and the counties' bounds (the city's extent, for a first view).
 */
export async function loadDivisionBasemap(
  map: MaplibreMap,
  styleLoaded: Promise<unknown>,
  signal?: AbortSignal,
): Promise<{ data: BasemapData; box: LonLatBox | null }> {
  const [city, counties, townships] = await Promise.all([
    fetchDivisions('city', { simplifyM: SIMPLIFY_M.city, signal }),
    fetchDivisions('county', { simplifyM: SIMPLIFY_M.county, signal }),
    fetchDivisions('township', { simplifyM: SIMPLIFY_M.township, signal }),
  ])
  const data = { city, counties, townships }
  await styleLoaded
  setBasemapData(map, data)
  return { data, box: collectionBounds(counties) }
}
