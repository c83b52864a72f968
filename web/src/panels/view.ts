import type { Messages } from '../i18n'
import type { LonLatBox } from '../map/bounds'
import type { DivisionRef } from '../map/contains'
import type { Highlight } from '../map/selection'
import type { Selection } from '../state/selection'
import type { ErrorContext } from '../ui/banner'

// The contract between the side panel (panels/host.ts) and what it can show: an enterprise, a
// cell, a region, or one record. A view loads its data once, then renders it as often as asked
// (after a language switch); parts that load later (the region's changes) update themselves.

/** Where the map should look. */
export type MapTarget = { center: [number, number]; zoom: number } | { bbox: LonLatBox }

/** What a view shows on the map: its highlight and where to look for it. */
export interface PanelFocus {
  highlight: Highlight
  target: MapTarget
}

/** What views may ask of the page. */
export interface PanelDeps {
  /** Opens another selection in the panel; Back returns to this one. */
  navigate(selection: Selection): void
  /** Moves the map to a target (a "zoom to" button). */
  showOnMap(target: MapTarget): void
  /** The divisions containing a point, coarsest first, from the basemap's polygons. */
  divisionsAt(lon: number, lat: number): DivisionRef[]
  /** Reports a failure of a view's own later load (not its first one). */
  reportError(context: ErrorContext, error: unknown): void
  /** Whether the signed-in user may build what-if scenarios: record panels then link to one (scenario-link.ts). */
  scenarios: boolean
}

export interface PanelView {
  /** The banner's wording when the first load fails. */
  readonly errorContext: ErrorContext
  /** Fetches what the view shows; rejects with the AbortError when `signal` aborts. */
  load(signal: AbortSignal): Promise<void>
  /** Small heading above the title: what kind of thing this is. */
  kindLabel(m: Messages): string
  /** Heading while loading (from the selection alone) and once loaded: text, or text with marked parts (codes). */
  title(m: Messages): string | Node
  /** The panel's content below the header; only called after `load` resolved. */
  body(m: Messages): Node[]
  /** Highlight and target once loaded; null when there is nothing to show on the map. */
  focus(): PanelFocus | null
  /** Aborts the view's own later loads when it is closed. */
  dispose?(): void
}
