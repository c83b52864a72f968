import type { CircleLayerSpecification, GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl'
import type { EnterpriseCollection } from '../api/types'
import { FIRST_LABEL_LAYER } from './style'
import { LEVEL_OUTLINE_COLOR, levelColorExpression } from './levels'

// Thematic layers drawn over the offline basemap. Today: the enterprises as points coloured by
// level. Risk cells and regions from vector tiles (`/tiles/{layer}/{z}/{x}/{y}.mvt`) join here.

export const ENTERPRISE_SOURCE = 'enterprises'

/** Layer ids of the enterprise overlay; `ENTERPRISE_LAYERS.points` is the clickable one. */
export const ENTERPRISE_LAYERS = {
  points: 'enterprise-points',
  selected: 'enterprise-selected',
} as const

/** The enterprise points: radius in pixels grows with zoom; more severe levels are drawn on top. */
export function enterpriseLayers(): CircleLayerSpecification[] {
  return [
    {
      id: ENTERPRISE_LAYERS.points,
      type: 'circle',
      source: ENTERPRISE_SOURCE,
      layout: { 'circle-sort-key': ['get', 'level'] },
      paint: {
        'circle-color': levelColorExpression(),
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 2.5, 10, 4, 14, 8],
        'circle-stroke-color': LEVEL_OUTLINE_COLOR,
        'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 7, 0.4, 12, 1],
        'circle-stroke-opacity': 0.8,
      },
    },
    {
      // A ring around the enterprise shown in the side panel (feature-state `selected`).
      id: ENTERPRISE_LAYERS.selected,
      type: 'circle',
      source: ENTERPRISE_SOURCE,
      paint: {
        'circle-color': 'rgba(0, 0, 0, 0)',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, 7, 10, 9, 14, 13],
        'circle-stroke-color': '#111111',
        'circle-stroke-width': 2.5,
        'circle-stroke-opacity': ['case', ['boolean', ['feature-state', 'selected'], false], 1, 0],
      },
    },
  ]
}

/** Adds the enterprise source (empty until `setEnterpriseData`) and layers below the basemap labels. */
export function addEnterpriseLayers(map: MaplibreMap): void {
  map.addSource(ENTERPRISE_SOURCE, {
    type: 'geojson',
    data: { type: 'FeatureCollection', features: [] },
    // Feature ids are the enterprises' database ids, so feature-state can mark the selected one.
    promoteId: 'id',
  })
  for (const layer of enterpriseLayers()) map.addLayer(layer, FIRST_LABEL_LAYER)
}

/** Replaces the enterprises drawn on the map; resolves when the worker has taken the data. */
export async function setEnterpriseData(map: MaplibreMap, enterprises: EnterpriseCollection): Promise<void> {
  await map.getSource<GeoJSONSource>(ENTERPRISE_SOURCE)?.setData(enterprises)
}

/** Marks one enterprise as selected (or none with `null`); returns the id now selected. */
export function selectEnterprise(map: MaplibreMap, previous: number | null, next: number | null): number | null {
  if (previous !== null) map.setFeatureState({ source: ENTERPRISE_SOURCE, id: previous }, { selected: false })
  if (next !== null) map.setFeatureState({ source: ENTERPRISE_SOURCE, id: next }, { selected: true })
  return next
}
