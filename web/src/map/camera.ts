import type { Map as MaplibreMap } from 'maplibre-gl'
import type { MapTarget } from '../panels/view'
import { boxContains } from './bounds'

/**
 * How the map moves to show a target: `fly` animates to it, `jump` goes there at once (restoring
 * a link), `reveal` pans only when the target is out of sight, keeping the zoom.
 */
export type CameraMove = 'fly' | 'jump' | 'reveal'

/** Room to keep clear on each side of the map, pixels. */
export interface Padding {
  top: number
  bottom: number
  left: number
  right: number
}

/** Margin kept around a target, pixels. */
const MARGIN_PX = 24
/** Duration of an animated move, milliseconds. */
const FLY_DURATION_MS = 900

/**
 * The padding that keeps targets clear of an open side panel: on the right of a wide window, at the
 * bottom of a narrow one (see style.css).
 */
export function panelPadding(map: MaplibreMap, panel: HTMLElement | null): Padding {
  const base = { top: MARGIN_PX, bottom: MARGIN_PX, left: MARGIN_PX, right: MARGIN_PX }
  if (!panel || panel.hidden) return base
  const canvas = map.getCanvas().getBoundingClientRect()
  const rect = panel.getBoundingClientRect()
  if (rect.width === 0 || rect.height === 0) return base
  if (rect.left > canvas.left + canvas.width / 3) return { ...base, right: Math.max(MARGIN_PX, canvas.right - rect.left + MARGIN_PX) }
  if (rect.top > canvas.top + canvas.height / 4) return { ...base, bottom: Math.max(MARGIN_PX, canvas.bottom - rect.top + MARGIN_PX) }
  return base
}

/** True when the target lies within the part of the map not covered by the padding. */
function inSight(map: MaplibreMap, target: MapTarget, padding: Padding): boolean {
  const canvas = map.getCanvas()
  const west = map.unproject([padding.left, canvas.clientHeight - padding.bottom])
  const east = map.unproject([canvas.clientWidth - padding.right, padding.top])
  const box: [number, number, number, number] = [west.lng, west.lat, east.lng, east.lat]
  if ('center' in target) return boxContains(box, target.center[0], target.center[1])
  const [minLon, minLat, maxLon, maxLat] = target.bbox
  return boxContains(box, minLon, minLat) && boxContains(box, maxLon, maxLat)
}

/** Moves the map to show a target. */
export function moveTo(map: MaplibreMap, target: MapTarget, move: CameraMove, padding: Padding): void {
  if (move === 'reveal' && inSight(map, target, padding)) return
  const animate = move !== 'jump'
  if ('bbox' in target) {
    const [minLon, minLat, maxLon, maxLat] = target.bbox
    map.fitBounds([minLon, minLat, maxLon, maxLat], { padding, animate, duration: FLY_DURATION_MS })
    return
  }
  const zoom = move === 'reveal' ? map.getZoom() : target.zoom
  // An offset, not `padding`: camera padding would stay on the map and shift the centre kept in the URL.
  const offset: [number, number] = [(padding.left - padding.right) / 2, (padding.top - padding.bottom) / 2]
  if (animate) {
    map.flyTo({ center: target.center, zoom, offset, duration: FLY_DURATION_MS })
  } else {
    map.jumpTo({ center: target.center, zoom })
    if (offset[0] !== 0 || offset[1] !== 0) map.panBy([-offset[0], -offset[1]], { animate: false })
  }
}
