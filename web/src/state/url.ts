import { isOverlayId, orderedOverlays, type OverlayId } from '../map/overlays'
import { formatSelection, parseSelection, type Selection } from './selection'

// The page URL reproduces what is on screen. Its hash holds named parameters:
//   #map=12.5/41.8/123.43&layers=cells,regions&sel=cell:883025c2ebfffff
// `map` (zoom/lat/lon[/bearing/pitch]) is read and written by MapLibre itself (its `hash: 'map'`
// option keeps the other parameters); this module reads and writes `layers` and `sel`. The
// language is the `?lang=` query parameter (see i18n/index.ts).

/** The hash parameter MapLibre keeps the view in. */
export const VIEW_PARAM = 'map'
export const LAYERS_PARAM = 'layers'
export const SELECTION_PARAM = 'sel'

/** A map view as the `map=` parameter holds it. */
export interface UrlView {
  zoom: number
  lat: number
  lon: number
}

export interface UrlState {
  view: UrlView | null
  /** The overlays to show; null when the URL does not say (the defaults apply). */
  layers: OverlayId[] | null
  selection: Selection | null
}

function hashParams(hash: string): URLSearchParams {
  return new URLSearchParams(hash.replace(/^#/, ''))
}

/** Reads the view, overlays and selection from a location hash; unknown overlay names are ignored. */
export function parseUrlHash(hash: string): UrlState {
  const params = hashParams(hash)
  const layersText = params.get(LAYERS_PARAM)
  return {
    view: parseView(params.get(VIEW_PARAM)),
    layers:
      layersText === null
        ? null
        : orderedOverlays(
            layersText
              .split(',')
              .map((s) => s.trim())
              .filter(isOverlayId),
          ),
    selection: parseSelection(params.get(SELECTION_PARAM)),
  }
}

/** `zoom/lat/lon[/bearing[/pitch]]` → the view, or null when it is not one. */
export function parseView(text: string | null): UrlView | null {
  if (!text) return null
  const [zoom, lat, lon] = text.split('/').map(Number)
  if (zoom === undefined || lat === undefined || lon === undefined) return null
  if (![zoom, lat, lon].every(Number.isFinite) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null
  return { zoom, lat, lon }
}

/**
 * The hash with `layers` and `sel` set to these values (`sel` removed when nothing is selected),
 * keeping every other parameter (MapLibre's `map=`) where it was. Written readable, as MapLibre
 * writes its own: commas, colons and slashes unescaped.
 */
export function withUrlState(hash: string, state: { layers: readonly OverlayId[]; selection: Selection | null }): string {
  const params = hashParams(hash)
  params.set(LAYERS_PARAM, orderedOverlays(state.layers).join(','))
  if (state.selection) params.set(SELECTION_PARAM, formatSelection(state.selection))
  else params.delete(SELECTION_PARAM)
  const text = [...params.entries()].map(([key, value]) => (value === '' ? key : `${key}=${encodeHashValue(value)}`)).join('&')
  return text ? `#${text}` : ''
}

/** Escapes what would break the parameter list (`&`, `=`, `#`, `%`, spaces), nothing else. */
function encodeHashValue(value: string): string {
  return value.replace(/[%&=#\s]/g, (c) => encodeURIComponent(c))
}
