import type { FilterSpecification, GeoJSONSource, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl'
import type { Geometry } from 'geojson'
import { SELECTION_COLORS } from './levels'
import { overlaySourceId } from './layers'
import { FIRST_LABEL_LAYER } from './style'

// The highlight of what the side panel shows: a cell or an area's outline, a ring around a point,
// or a division or grid outlined from the region tiles. Drawn above every overlay, below the names.

const SELECTION_SOURCE = 'selection'

export const SELECTION_LAYERS = {
  polygonHalo: 'selection-polygon-halo',
  polygonLine: 'selection-polygon-line',
  point: 'selection-point',
  division: 'selection-division',
  grid: 'selection-grid',
} as const

/** Matches no feature: the region highlight's filter while no region is selected. */
const NOTHING: FilterSpecification = ['==', ['get', 'code'], '']

function selectionLayers(): LayerSpecification[] {
  const regions = overlaySourceId('regions')
  const isPolygon: FilterSpecification = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]]
  const regionLine = { 'line-color': SELECTION_COLORS.line, 'line-width': 3 }
  return [
    {
      id: SELECTION_LAYERS.polygonHalo,
      type: 'line',
      source: SELECTION_SOURCE,
      filter: isPolygon,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': SELECTION_COLORS.halo, 'line-width': 6, 'line-opacity': 0.9 },
    },
    {
      id: SELECTION_LAYERS.polygonLine,
      type: 'line',
      source: SELECTION_SOURCE,
      filter: isPolygon,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': SELECTION_COLORS.line, 'line-width': 2.5 },
    },
    {
      id: SELECTION_LAYERS.point,
      type: 'circle',
      source: SELECTION_SOURCE,
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-color': 'rgba(0, 0, 0, 0)',
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 9, 14, 13],
        'circle-stroke-color': SELECTION_COLORS.line,
        'circle-stroke-width': 2.5,
      },
    },
    { id: SELECTION_LAYERS.division, type: 'line', source: regions, 'source-layer': 'divisions', filter: NOTHING, paint: regionLine },
    { id: SELECTION_LAYERS.grid, type: 'line', source: regions, 'source-layer': 'mgmt_grids', filter: NOTHING, paint: regionLine },
  ]
}

/**
 * Adds the (empty) highlight source and layers; call after the overlays. On a map without the region
 * tiles (the ranking page) the region outlines are left out: there a region is highlighted by geometry.
 */
export function addSelectionLayers(map: MaplibreMap): void {
  if (!map.getSource(SELECTION_SOURCE)) map.addSource(SELECTION_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  const before = map.getLayer(FIRST_LABEL_LAYER) ? FIRST_LABEL_LAYER : undefined
  for (const layer of selectionLayers()) {
    const source = 'source' in layer ? layer.source : undefined
    if (!map.getLayer(layer.id) && typeof source === 'string' && map.getSource(source)) map.addLayer(layer, before)
  }
}

/** What to highlight: a geometry (cell, point, area), a region by code, or nothing. */
export type Highlight = { geometry: Geometry } | { regionCode: string } | null

/** Shows one highlight, replacing the previous one. */
export function showHighlight(map: MaplibreMap, highlight: Highlight): void {
  const geometry = highlight && 'geometry' in highlight ? highlight.geometry : null
  void map.getSource<GeoJSONSource>(SELECTION_SOURCE)?.setData({
    type: 'FeatureCollection',
    features: geometry ? [{ type: 'Feature', geometry, properties: {} }] : [],
  })
  const filter: FilterSpecification = highlight && 'regionCode' in highlight ? ['==', ['get', 'code'], highlight.regionCode] : NOTHING
  for (const id of [SELECTION_LAYERS.division, SELECTION_LAYERS.grid]) {
    if (map.getLayer(id)) map.setFilter(id, filter)
  }
}
