import type { Map as MaplibreMap, MapGeoJSONFeature, PointLike } from 'maplibre-gl'
import type { Selection } from '../state/selection'
import { GRID_MIN_ZOOM, LAYER_IDS, POINT_LAYERS, TOWNSHIP_MIN_ZOOM } from './layers'
import { DIVISION_LABEL_LAYERS } from './style'

// What a click on the map selects. In order: a marker (enterprise, installation, resource,
// overdue rectification), a division's name, a risk cell, a public-area assessment, and the region
// under the click. With the region modifier (Shift) only regions are considered.

/** Pixels around the click that still hit a marker: fingers and small circles. */
const MARKER_TOLERANCE_PX = 4

function box(point: { x: number; y: number }, tolerance: number): [PointLike, PointLike] {
  return [
    [point.x - tolerance, point.y - tolerance],
    [point.x + tolerance, point.y + tolerance],
  ]
}

/** Only layers that exist (and so can be queried) in the current style. */
function existing(map: MaplibreMap, layers: readonly string[]): string[] {
  return layers.filter((id) => map.getLayer(id) !== undefined)
}

/** A positive safe integer feature id or property, else null. */
function idOf(value: unknown): number | null {
  const id = Number(value)
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

/** The selection a marker stands for. */
export function markerSelection(feature: MapGeoJSONFeature): Selection | null {
  switch (feature.layer.id) {
    case LAYER_IDS.enterprises: {
      const id = idOf(feature.id)
      return id ? { kind: 'enterprise', id } : null
    }
    case LAYER_IDS.majorHazards: {
      const id = idOf(feature.id)
      return id ? { kind: 'major_hazard', id } : null
    }
    case LAYER_IDS.resources: {
      const id = idOf(feature.id)
      return id ? { kind: 'resource', id } : null
    }
    case LAYER_IDS.overdueHiddenDangers: {
      const id = idOf(feature.id)
      return id ? { kind: 'hidden_danger', id } : null
    }
    case LAYER_IDS.overdueViolations: {
      // A violation has no page of its own: its enterprise's panel lists the enforcement state.
      const id = idOf(feature.properties.enterpriseId)
      return id ? { kind: 'enterprise', id } : null
    }
    default:
      return null
  }
}

/** The region drawn at the point for this zoom: a grid from GRID_MIN_ZOOM, a township from TOWNSHIP_MIN_ZOOM, else a county. */
export function regionAt(map: MaplibreMap, point: { x: number; y: number }): Selection | null {
  const zoom = map.getZoom()
  if (zoom >= GRID_MIN_ZOOM) {
    const grid = map.queryRenderedFeatures([point.x, point.y], { layers: existing(map, [LAYER_IDS.gridHit]) })[0]
    if (grid && typeof grid.properties.code === 'string') return { kind: 'region', code: grid.properties.code }
  }
  const divisions = map.queryRenderedFeatures([point.x, point.y], { layers: existing(map, [LAYER_IDS.regionHit]) })
  const wanted = zoom >= TOWNSHIP_MIN_ZOOM ? ['township', 'county'] : ['county', 'township']
  for (const rank of wanted) {
    const division = divisions.find((f) => f.properties.rank === rank)
    if (division && typeof division.properties.code === 'string') return { kind: 'region', code: division.properties.code }
  }
  return null
}

/** A division name under the point (its label), as a region selection. */
function labelAt(map: MaplibreMap, point: { x: number; y: number }): Selection | null {
  const label = map.queryRenderedFeatures([point.x, point.y], { layers: existing(map, DIVISION_LABEL_LAYERS) })[0]
  return label && typeof label.properties.code === 'string' ? { kind: 'region', code: label.properties.code } : null
}

/** What a click at `point` (canvas pixels) selects; null for empty map. */
export function selectionAt(map: MaplibreMap, point: { x: number; y: number }, options: { regionOnly: boolean }): Selection | null {
  if (options.regionOnly) return labelAt(map, point) ?? regionAt(map, point)
  const markers = map.queryRenderedFeatures(box(point, MARKER_TOLERANCE_PX), { layers: existing(map, POINT_LAYERS) })
  // queryRenderedFeatures lists the topmost layer first; within it, the feature drawn last first.
  for (const feature of markers) {
    const selection = markerSelection(feature)
    if (selection) return selection
  }
  const label = labelAt(map, point)
  if (label) return label
  const cell = map.queryRenderedFeatures([point.x, point.y], { layers: existing(map, [LAYER_IDS.cellFill]) })[0]
  if (cell && typeof cell.properties.h3 === 'string') return { kind: 'cell', h3: cell.properties.h3 }
  const area = map.queryRenderedFeatures([point.x, point.y], { layers: existing(map, [LAYER_IDS.areaFill]) })[0]
  const areaId = area ? idOf(area.id) : null
  if (areaId) return { kind: 'area_assessment', id: areaId }
  return regionAt(map, point)
}

/** True when something clickable is under the point (for the pointer cursor). */
export function isClickableAt(map: MaplibreMap, point: { x: number; y: number }): boolean {
  const layers = existing(map, [...POINT_LAYERS, ...DIVISION_LABEL_LAYERS, LAYER_IDS.cellFill, LAYER_IDS.areaFill])
  return map.queryRenderedFeatures(box(point, MARKER_TOLERANCE_PX), { layers }).length > 0
}
