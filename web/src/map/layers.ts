import type { ExpressionSpecification, FilterSpecification, LayerSpecification, Map as MaplibreMap, SourceSpecification } from 'maplibre-gl'
import { FIRST_LABEL_LAYER } from './style'
import { CELL_FILL_OPACITY, CELL_OUTLINE_COLOR, COVERAGE_GAP_COLORS, LEVEL_OUTLINE_COLOR, RED_CELL_EDGE, REGION_COLORS, levelColorExpression } from './levels'
import { IMAGE_NAMES } from './images'
import { OVERLAY_IDS, TILE_OVERLAY_IDS, type OverlayId, type TileOverlayId } from './overlays'

// The thematic overlays drawn over the offline basemap from the server's vector tiles
// (`/tiles/{layer}/{z}/{x}/{y}.mvt`, properties in server/modules/tiles/layers.ts). Each overlay is
// one tile source and one or more style layers, all inserted below the basemap's place names.

/** The MapLibre source id of an overlay's tiles. */
export function overlaySourceId(id: TileOverlayId): string {
  return `tiles-${id}`
}

/** The GeoJSON source of the coverage-gap overlay (filled by map/gaps.ts). */
export const COVERAGE_GAP_SOURCE = 'coverage-gaps'

/**
 * The overlay's tile source: the TileJSON URL, so that MapLibre takes the versioned tile URL
 * template (`…/{z}/{x}/{y}.mvt?v=<dataVersion>`) and the zoom range from the server.
 */
export function overlaySource(id: TileOverlayId, origin: string): SourceSpecification {
  return { type: 'vector', url: new URL(`/tiles/${id}.json`, origin).href }
}

/** Style layer ids, by what they draw. */
export const LAYER_IDS = {
  areaFill: 'area-assessment-fill',
  cellFill: 'cell-fill',
  cellHatch: 'cell-stale-hatch',
  cellOutline: 'cell-outline',
  cellRedEdge: 'cell-red-edge',
  areaLine: 'area-assessment-line',
  regionHit: 'region-hit',
  gridHit: 'grid-hit',
  countyHalo: 'region-county-halo',
  countyLine: 'region-county-line',
  townshipHalo: 'region-township-halo',
  townshipLine: 'region-township-line',
  gridLine: 'region-grid-line',
  enterprises: 'enterprise-points',
  majorHazards: 'major-hazard-icons',
  resources: 'resource-icons',
  overdueHiddenDangers: 'overdue-hidden-danger-icons',
  overdueViolations: 'overdue-violation-icons',
  coverageGapFill: 'coverage-gap-fill',
  coverageGapHalo: 'coverage-gap-halo',
  coverageGapLine: 'coverage-gap-line',
} as const

/** The style layers of each overlay; switching an overlay sets their visibility. */
export const OVERLAY_LAYERS: Readonly<Record<OverlayId, readonly string[]>> = {
  cells: [LAYER_IDS.cellFill, LAYER_IDS.cellHatch, LAYER_IDS.cellOutline, LAYER_IDS.cellRedEdge],
  regions: [
    LAYER_IDS.regionHit,
    LAYER_IDS.gridHit,
    LAYER_IDS.townshipHalo,
    LAYER_IDS.countyHalo,
    LAYER_IDS.townshipLine,
    LAYER_IDS.countyLine,
    LAYER_IDS.gridLine,
  ],
  enterprises: [LAYER_IDS.enterprises],
  major_hazards: [LAYER_IDS.majorHazards],
  area_assessments: [LAYER_IDS.areaFill, LAYER_IDS.areaLine],
  resources: [LAYER_IDS.resources],
  overdue: [LAYER_IDS.overdueHiddenDangers, LAYER_IDS.overdueViolations],
  coverage_gaps: [LAYER_IDS.coverageGapFill, LAYER_IDS.coverageGapHalo, LAYER_IDS.coverageGapLine],
}

/** Point layers a click opens a record from, topmost first. */
export const POINT_LAYERS = [
  LAYER_IDS.overdueHiddenDangers,
  LAYER_IDS.overdueViolations,
  LAYER_IDS.resources,
  LAYER_IDS.majorHazards,
  LAYER_IDS.enterprises,
] as const

/** Zoom from which the cells get a thin outline (analysis cells are ≈ 25 px across at zoom 12). */
const CELL_OUTLINE_MIN_ZOOM = 11
/** Zoom from which township boundaries replace county boundaries in the regions overlay. */
export const TOWNSHIP_MIN_ZOOM = 10
/** Zoom from which management grids are outlined (a grid is ≈ 1–2 km², ≈ 40 px across at zoom 13). */
export const GRID_MIN_ZOOM = 13

const rankIs = (rank: string): FilterSpecification => ['==', ['get', 'rank'], rank]
/** The city outline and the county boundaries, drawn alike. */
const cityOrCounty: FilterSpecification = ['in', ['get', 'rank'], ['literal', ['city', 'county']]]

/** Line width (pixels) growing with zoom: [zoom, width] stops. */
function widthByZoom(...stops: Array<[number, number]>): ExpressionSpecification {
  return ['interpolate', ['linear'], ['zoom'], ...stops.flat()] as ExpressionSpecification
}

function iconLayout(image: ExpressionSpecification | string, size: ExpressionSpecification): LayerSpecification['layout'] {
  return {
    'icon-image': image,
    'icon-size': size,
    // Every marker is drawn and clickable: the tiles are already thinned by level at low zoom.
    'icon-allow-overlap': true,
    'icon-ignore-placement': true,
    // Higher levels are drawn last, on top.
    'symbol-sort-key': ['coalesce', ['get', 'level'], 0],
  }
}

/** Every overlay style layer, bottom to top; all start visible (see `addOverlays`). */
export function overlayLayers(): LayerSpecification[] {
  const cells = overlaySourceId('cells')
  const regions = overlaySourceId('regions')
  const areas = overlaySourceId('area_assessments')
  return [
    {
      id: LAYER_IDS.areaFill,
      type: 'fill',
      source: areas,
      'source-layer': 'area_assessments',
      paint: { 'fill-color': levelColorExpression(), 'fill-opacity': 0.14 },
    },
    {
      id: LAYER_IDS.cellFill,
      type: 'fill',
      source: cells,
      'source-layer': 'cells',
      filter: ['>', ['get', 'level'], 0],
      paint: {
        'fill-color': levelColorExpression(),
        'fill-opacity': CELL_FILL_OPACITY,
        // Antialiased edges of neighbouring translucent hexagons would overlap into seams.
        'fill-antialias': false,
      },
    },
    {
      // Cells resting on out-of-date records only: hatched over their colour (never silently blue).
      id: LAYER_IDS.cellHatch,
      type: 'fill',
      source: cells,
      'source-layer': 'cells',
      filter: ['==', ['get', 'stale'], true],
      paint: { 'fill-pattern': IMAGE_NAMES.staleHatch, 'fill-antialias': false },
    },
    {
      id: LAYER_IDS.cellOutline,
      type: 'line',
      source: cells,
      'source-layer': 'cells',
      minzoom: CELL_OUTLINE_MIN_ZOOM,
      paint: {
        'line-color': CELL_OUTLINE_COLOR,
        'line-width': widthByZoom([CELL_OUTLINE_MIN_ZOOM, 0.4], [14, 1], [17, 1.5]),
        'line-opacity': ['interpolate', ['linear'], ['zoom'], CELL_OUTLINE_MIN_ZOOM, 0, CELL_OUTLINE_MIN_ZOOM + 0.5, 0.75],
      },
    },
    {
      // Red cells carry a dark edge, so that red and orange stay apart without hue (RED_CELL_EDGE).
      id: LAYER_IDS.cellRedEdge,
      type: 'line',
      source: cells,
      'source-layer': 'cells',
      filter: ['==', ['get', 'level'], 4],
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': RED_CELL_EDGE,
        'line-width': widthByZoom([6, 0.6], [10, 1], [14, 1.6]),
        'line-opacity': 0.9,
      },
    },
    {
      id: LAYER_IDS.areaLine,
      type: 'line',
      source: areas,
      'source-layer': 'area_assessments',
      paint: {
        'line-color': levelColorExpression(),
        'line-width': widthByZoom([8, 1], [14, 2.5]),
        'line-dasharray': [3, 1.5],
      },
    },
    {
      // Invisible fills that make the divisions and grids clickable (see map/hit.ts).
      id: LAYER_IDS.regionHit,
      type: 'fill',
      source: regions,
      'source-layer': 'divisions',
      filter: ['!=', ['get', 'rank'], 'city'],
      paint: { 'fill-color': REGION_COLORS.ungraded, 'fill-opacity': 0 },
    },
    {
      id: LAYER_IDS.gridHit,
      type: 'fill',
      source: regions,
      'source-layer': 'mgmt_grids',
      minzoom: GRID_MIN_ZOOM,
      paint: { 'fill-color': REGION_COLORS.grid, 'fill-opacity': 0 },
    },
    // Boundaries: a neutral dark line over a light halo (REGION_COLORS), townships first so that a
    // county boundary is drawn over the township boundary it runs along.
    {
      id: LAYER_IDS.townshipHalo,
      type: 'line',
      source: regions,
      'source-layer': 'divisions',
      minzoom: TOWNSHIP_MIN_ZOOM,
      filter: rankIs('township'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': REGION_COLORS.halo,
        'line-width': widthByZoom([TOWNSHIP_MIN_ZOOM, 2.6], [14, 4]),
        'line-opacity': ['interpolate', ['linear'], ['zoom'], TOWNSHIP_MIN_ZOOM, 0, TOWNSHIP_MIN_ZOOM + 0.5, 0.8],
      },
    },
    {
      id: LAYER_IDS.countyHalo,
      type: 'line',
      source: regions,
      'source-layer': 'divisions',
      filter: cityOrCounty,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': REGION_COLORS.halo,
        'line-width': widthByZoom([7, 3.6], [10, 4.6], [14, 6]),
        'line-opacity': 0.9,
      },
    },
    {
      id: LAYER_IDS.townshipLine,
      type: 'line',
      source: regions,
      'source-layer': 'divisions',
      minzoom: TOWNSHIP_MIN_ZOOM,
      filter: rankIs('township'),
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': REGION_COLORS.line,
        'line-width': widthByZoom([TOWNSHIP_MIN_ZOOM, 0.8], [14, 1.6]),
        'line-dasharray': [4, 2],
        'line-opacity': ['interpolate', ['linear'], ['zoom'], TOWNSHIP_MIN_ZOOM, 0, TOWNSHIP_MIN_ZOOM + 0.5, 0.9],
      },
    },
    {
      id: LAYER_IDS.countyLine,
      type: 'line',
      source: regions,
      'source-layer': 'divisions',
      filter: cityOrCounty,
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': REGION_COLORS.line,
        'line-width': widthByZoom([7, 1.4], [10, 2], [14, 2.8]),
      },
    },
    {
      id: LAYER_IDS.gridLine,
      type: 'line',
      source: regions,
      'source-layer': 'mgmt_grids',
      minzoom: GRID_MIN_ZOOM,
      paint: {
        'line-color': REGION_COLORS.grid,
        'line-width': widthByZoom([GRID_MIN_ZOOM, 0.8], [16, 1.5]),
        'line-dasharray': [4, 2],
        'line-opacity': 0.9,
      },
    },
    {
      // Coverage gaps: a light wash and a bold outline (on a white halo) above the cells.
      id: LAYER_IDS.coverageGapFill,
      type: 'fill',
      source: COVERAGE_GAP_SOURCE,
      paint: { 'fill-color': COVERAGE_GAP_COLORS.fill, 'fill-opacity': COVERAGE_GAP_COLORS.fillOpacity },
    },
    {
      id: LAYER_IDS.coverageGapHalo,
      type: 'line',
      source: COVERAGE_GAP_SOURCE,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': COVERAGE_GAP_COLORS.halo, 'line-width': widthByZoom([8, 2.5], [14, 5]), 'line-opacity': 0.8 },
    },
    {
      id: LAYER_IDS.coverageGapLine,
      type: 'line',
      source: COVERAGE_GAP_SOURCE,
      layout: { 'line-join': 'round' },
      paint: { 'line-color': COVERAGE_GAP_COLORS.line, 'line-width': widthByZoom([8, 1.5], [14, 3]) },
    },
    {
      id: LAYER_IDS.enterprises,
      type: 'circle',
      source: overlaySourceId('enterprises'),
      'source-layer': 'enterprises',
      layout: { 'circle-sort-key': ['get', 'level'] },
      // An approximately located enterprise (placed at the division its address names) is a ring:
      // white inside, its level's colour as a thick outline, so it never reads as a precise point.
      paint: {
        'circle-color': ['case', ['to-boolean', ['get', 'approximate']], '#ffffff', levelColorExpression()],
        'circle-radius': widthByZoom([10, 3], [13, 4.5], [16, 7]),
        'circle-stroke-color': ['case', ['to-boolean', ['get', 'approximate']], levelColorExpression(), LEVEL_OUTLINE_COLOR],
        // A zoom curve must be the outermost expression: the case goes inside each stop.
        'circle-stroke-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          10,
          ['case', ['to-boolean', ['get', 'approximate']], 2, 0.6],
          13,
          ['case', ['to-boolean', ['get', 'approximate']], 2.5, 1],
        ],
        'circle-stroke-opacity': 0.85,
      },
    },
    {
      id: LAYER_IDS.majorHazards,
      type: 'symbol',
      source: overlaySourceId('major_hazards'),
      'source-layer': 'major_hazards',
      layout: iconLayout(['concat', 'major-hazard-', ['to-string', ['coalesce', ['get', 'level'], 0]]], widthByZoom([8, 0.7], [12, 0.95], [16, 1.25])),
    },
    {
      id: LAYER_IDS.resources,
      type: 'symbol',
      source: overlaySourceId('resources'),
      'source-layer': 'resources',
      layout: iconLayout(
        ['case', ['==', ['get', 'status'], 'available'], IMAGE_NAMES.resourceAvailable, IMAGE_NAMES.resourceUnavailable],
        widthByZoom([9, 0.6], [13, 0.8], [16, 1.1]),
      ),
    },
    {
      id: LAYER_IDS.overdueViolations,
      type: 'symbol',
      source: overlaySourceId('overdue'),
      'source-layer': 'overdue_violations',
      layout: { ...iconLayout(IMAGE_NAMES.overdue, widthByZoom([10, 0.7], [14, 1])), 'icon-offset': [6, -6] },
    },
    {
      id: LAYER_IDS.overdueHiddenDangers,
      type: 'symbol',
      source: overlaySourceId('overdue'),
      'source-layer': 'overdue_hidden_dangers',
      layout: iconLayout(IMAGE_NAMES.overdue, widthByZoom([10, 0.8], [14, 1.1])),
    },
  ]
}

/** Adds every overlay source and layer below the basemap labels, showing only the overlays in `visible`. */
export function addOverlays(map: MaplibreMap, visible: ReadonlySet<OverlayId>, origin: string): void {
  for (const id of TILE_OVERLAY_IDS) {
    if (!map.getSource(overlaySourceId(id))) map.addSource(overlaySourceId(id), overlaySource(id, origin))
  }
  // Empty until the overlay is first switched on (map/gaps.ts fetches it).
  if (!map.getSource(COVERAGE_GAP_SOURCE)) map.addSource(COVERAGE_GAP_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  const hidden = new Set(OVERLAY_IDS.filter((id) => !visible.has(id)).flatMap((id) => OVERLAY_LAYERS[id]))
  for (const layer of overlayLayers()) {
    if (map.getLayer(layer.id)) continue
    map.addLayer({ ...layer, layout: { ...layer.layout, visibility: hidden.has(layer.id) ? 'none' : 'visible' } } as LayerSpecification, FIRST_LABEL_LAYER)
  }
}

/** Shows or hides one overlay. */
export function setOverlayVisible(map: MaplibreMap, id: OverlayId, visible: boolean): void {
  for (const layer of OVERLAY_LAYERS[id]) {
    if (map.getLayer(layer)) map.setLayoutProperty(layer, 'visibility', visible ? 'visible' : 'none')
  }
}
