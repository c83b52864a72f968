import type { Map as MaplibreMap } from 'maplibre-gl'

/** What the page exposes to browser tests as `window.__riskmap`. */
export interface RiskmapTestHook {
  map: MaplibreMap
  /**
   * Resolves when the basemap is drawn, every overlay's TileJSON is read, the panel of a selection in
   * the URL is shown, and the map is idle; rejects on a load error.
   */
  ready: Promise<void>
}

declare global {
  interface Window {
    __riskmap?: RiskmapTestHook
  }
}

/** Publishes the hook; `ready` keeps its rejection for awaiters but is not an unhandled rejection. */
export function exposeTestHook(hook: RiskmapTestHook): void {
  hook.ready.catch(() => undefined)
  window.__riskmap = hook
}
