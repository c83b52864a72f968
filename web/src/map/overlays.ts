// The thematic overlays a user can switch on and off, one per tile layer of the server
// (server/modules/tiles/layers.ts). Their ids are also the names used in the URL (`layers=`).

/** Overlay ids, in legend order. Each is served as `/tiles/{id}/{z}/{x}/{y}.mvt`. */
export const OVERLAY_IDS = ['cells', 'regions', 'enterprises', 'major_hazards', 'area_assessments', 'resources', 'overdue', 'coverage_gaps'] as const

export type OverlayId = (typeof OVERLAY_IDS)[number]

/**
 * The overlays drawn from the server's vector tiles. The others are GeoJSON the page fetches
 * itself: `coverage_gaps` (rescue-team coverage gaps, /api/resources/coverage-gaps).
 */
export const TILE_OVERLAY_IDS = ['cells', 'regions', 'enterprises', 'major_hazards', 'area_assessments', 'resources', 'overdue'] as const

export type TileOverlayId = (typeof TILE_OVERLAY_IDS)[number]

export function isTileOverlay(id: OverlayId): id is TileOverlayId {
  return (TILE_OVERLAY_IDS as readonly string[]).includes(id)
}

/** Shown on a first visit: the risk map itself, its regions, and the enterprises and installations behind it. */
export const DEFAULT_OVERLAYS: readonly OverlayId[] = ['cells', 'regions', 'enterprises', 'major_hazards']

export function isOverlayId(x: unknown): x is OverlayId {
  return typeof x === 'string' && (OVERLAY_IDS as readonly string[]).includes(x)
}

/** The overlays in legend order, without duplicates. */
export function orderedOverlays(ids: Iterable<OverlayId>): OverlayId[] {
  const set = new Set(ids)
  return OVERLAY_IDS.filter((id) => set.has(id))
}
