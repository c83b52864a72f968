import { Map as MaplibreMap, NavigationControl, ScaleControl, setWorkerUrl } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import type { Lang, Messages } from '../i18n'
import { VIEW_PARAM } from '../state/url'
import { LABEL_FONT_FAMILY, createOfflineStyle, setMapLanguage } from './style'
import { addStreetBasemap } from './streets'

// MapLibre finds its worker next to its own module, which bundling breaks; point it at the copy
// that Vite emits with the build (served from this origin like everything else).
setWorkerUrl(workerUrl)

/** Shenyang city centre (WGS 84 lon/lat), the view until the divisions have loaded. */
export const INITIAL_CENTER: [number, number] = [123.43, 41.8]
/** Zoom showing the whole city on a typical screen, until the divisions' bounds are known. */
export const INITIAL_ZOOM = 8

/**
 * Creates the map over the offline basemap, with navigation and scale controls and the view in the
 * URL hash; the street basemap is added under the risk layers when the service has one (streets.ts).
 */
export function createMap(container: HTMLElement, lang: Lang, messages: Messages): MaplibreMap {
  const map = new MaplibreMap({
    container,
    style: createOfflineStyle(lang),
    center: INITIAL_CENTER,
    zoom: INITIAL_ZOOM,
    minZoom: 5,
    maxZoom: 18,
    // The view is kept in the URL hash as `map=zoom/lat/lon`, beside the page's own parameters
    // (`layers=`, `sel=`: see state/url.ts), which MapLibre leaves as they are.
    hash: VIEW_PARAM,
    // Every character is drawn locally (the style has no glyphs URL, nor has the street basemap's:
    // see streets.ts); CJK with these fonts.
    localIdeographFontFamily: LABEL_FONT_FAMILY,
    attributionControl: false,
    // Shift+click selects the region under the click (map/hit.ts); box zoom would swallow it.
    boxZoom: false,
    locale: messages.mapControls,
  })
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right')
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right')
  setMapLanguage(map, lang)
  void addStreetBasemap(map, map.once('style.load'))
  return map
}

/** Re-labels the built-in controls and the canvas after a language switch (MapLibre reads `locale` only when they are built). */
export function relabelControls(container: HTMLElement, messages: Messages): void {
  const labelled: Array<[string, string]> = [
    ['.maplibregl-ctrl-zoom-in', 'NavigationControl.ZoomIn'],
    ['.maplibregl-ctrl-zoom-out', 'NavigationControl.ZoomOut'],
    ['.maplibregl-ctrl-compass', 'NavigationControl.ResetBearing'],
    ['.maplibregl-canvas', 'Map.Title'],
  ]
  for (const [selector, key] of labelled) {
    const text = messages.mapControls[key]
    const element = container.querySelector<HTMLElement>(selector)
    if (!element || !text) continue
    if (element.tagName === 'BUTTON') element.title = text
    element.setAttribute('aria-label', text)
  }
}
