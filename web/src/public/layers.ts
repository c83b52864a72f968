import type { GeoJSONSource, LayerSpecification, Map as MaplibreMap } from 'maplibre-gl'
import { IMAGE_NAMES } from '../map/images'
import { CELL_FILL_OPACITY, MARKER_COLORS, RED_CELL_EDGE, levelColorExpression } from '../map/levels'
import { FIRST_LABEL_LAYER } from '../map/style'
import type { ShelterCollection } from './api'

// The public map's overlays: the latest publication's cells and public-area zones from the public
// tiles (`/tiles/public/{layer}`, properties: level, stale, h3), and the shelters as GeoJSON. They
// look like the staff map's cells and areas (same colours, same hatching of stale cells).

export const PUBLIC_SOURCES = {
  cells: 'public-cells',
  areas: 'public-areas',
  shelters: 'public-shelters',
} as const

export const PUBLIC_LAYER_IDS = {
  areaFill: 'public-area-fill',
  areaLine: 'public-area-line',
  cellFill: 'public-cell-fill',
  cellHatch: 'public-cell-hatch',
  cellRedEdge: 'public-cell-red-edge',
  shelters: 'public-shelters',
} as const

function layers(): LayerSpecification[] {
  return [
    {
      id: PUBLIC_LAYER_IDS.areaFill,
      type: 'fill',
      source: PUBLIC_SOURCES.areas,
      'source-layer': 'areas',
      paint: { 'fill-color': levelColorExpression(), 'fill-opacity': 0.14 },
    },
    {
      id: PUBLIC_LAYER_IDS.cellFill,
      type: 'fill',
      source: PUBLIC_SOURCES.cells,
      'source-layer': 'cells',
      filter: ['>', ['get', 'level'], 0],
      // Antialiased edges of neighbouring translucent hexagons would overlap into seams.
      paint: { 'fill-color': levelColorExpression(), 'fill-opacity': CELL_FILL_OPACITY, 'fill-antialias': false },
    },
    {
      id: PUBLIC_LAYER_IDS.cellHatch,
      type: 'fill',
      source: PUBLIC_SOURCES.cells,
      'source-layer': 'cells',
      filter: ['==', ['get', 'stale'], true],
      paint: { 'fill-pattern': IMAGE_NAMES.staleHatch, 'fill-antialias': false },
    },
    {
      // Red cells carry the dark edge they have on the staff map, for colour-blind readers (RED_CELL_EDGE).
      id: PUBLIC_LAYER_IDS.cellRedEdge,
      type: 'line',
      source: PUBLIC_SOURCES.cells,
      'source-layer': 'cells',
      filter: ['==', ['get', 'level'], 4],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': RED_CELL_EDGE, 'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.6, 10, 1, 14, 1.6], 'line-opacity': 0.9 },
    },
    {
      id: PUBLIC_LAYER_IDS.areaLine,
      type: 'line',
      source: PUBLIC_SOURCES.areas,
      'source-layer': 'areas',
      paint: { 'line-color': levelColorExpression(), 'line-width': 1.5, 'line-dasharray': [2, 1] },
    },
    {
      id: PUBLIC_LAYER_IDS.shelters,
      type: 'circle',
      source: PUBLIC_SOURCES.shelters,
      minzoom: 9,
      paint: {
        'circle-color': MARKER_COLORS.resource,
        // pixels: a dot when the city is in view, a marker at street level
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 9, 2.5, 14, 6],
        'circle-stroke-color': MARKER_COLORS.halo,
        'circle-stroke-width': 1,
      },
    },
  ]
}

/**
 * Adds the public overlays below the basemap's place names. The tile sources read their TileJSON,
 * whose tile URLs carry the publication (`?v=p<id>`), so a new publication is new URLs.
 */
export function addPublicOverlays(map: MaplibreMap, origin: string): void {
  map.addSource(PUBLIC_SOURCES.cells, { type: 'vector', url: new URL('/tiles/public/cells.json', origin).href })
  map.addSource(PUBLIC_SOURCES.areas, { type: 'vector', url: new URL('/tiles/public/areas.json', origin).href })
  map.addSource(PUBLIC_SOURCES.shelters, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  for (const layer of layers()) map.addLayer(layer, map.getLayer(FIRST_LABEL_LAYER) ? FIRST_LABEL_LAYER : undefined)
}

export function setShelters(map: MaplibreMap, shelters: ShelterCollection): void {
  map.getSource<GeoJSONSource>(PUBLIC_SOURCES.shelters)?.setData(shelters)
}
