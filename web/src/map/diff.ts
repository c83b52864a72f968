import type { ExpressionSpecification, GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl'
import type { FeatureCollection } from 'geojson'
import { geometriesBounds } from './bounds'
import { FIRST_LABEL_LAYER } from './style'

/** Colours of a level diff (publications, what-if scenarios): apart from the four level colours, so a change is not read as a level. */
export const DIFF_COLORS = { raised: '#c2185b', lowered: '#00897b', shares: '#5b6670' } as const

const FIT_PADDING_PX = 24

/**
 * The diff map of a publication comparison or a scenario: the cells whose level would be raised or
 * lowered (property `change`), drawn under the labels. `prefix` names its source and layers.
 */
export function diffLayer(map: MaplibreMap, prefix: string) {
  const source = `${prefix}-diff`
  const add = () => {
    if (map.getSource(source)) return
    map.addSource(source, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
    const color: ExpressionSpecification = ['match', ['get', 'change'], 'raised', DIFF_COLORS.raised, 'lowered', DIFF_COLORS.lowered, DIFF_COLORS.shares]
    const before = map.getLayer(FIRST_LABEL_LAYER) ? FIRST_LABEL_LAYER : undefined
    map.addLayer({ id: `${source}-fill`, type: 'fill', source, paint: { 'fill-color': color, 'fill-opacity': 0.55 } }, before)
    map.addLayer({ id: `${source}-line`, type: 'line', source, paint: { 'line-color': color, 'line-width': 1.2 } }, before)
  }
  // Added once the style is there, and again after a style change.
  map.on('style.load', add)
  if (map.isStyleLoaded()) add()
  return {
    /** Adds the layers now if the style is loaded and they are missing. */
    ensure: add,
    /** Draws the cells and fits the view to them (when there are any). */
    show(cells: FeatureCollection, { maxZoom, animate = true }: { maxZoom: number; animate?: boolean }): void {
      map.getSource<GeoJSONSource>(source)?.setData(cells)
      const box = geometriesBounds(cells.features.map((f) => f.geometry))
      if (box) map.fitBounds(box, { padding: FIT_PADDING_PX, maxZoom, animate })
    },
  }
}
