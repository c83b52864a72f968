import type { Map as MaplibreMap, VectorTileSource } from 'maplibre-gl'

/**
 * Reloads the TileJSON of every tile source of the server (`/tiles/{layer}.json`) after an import:
 * its tile URL template carries the data version (`?v=`), so the map then asks for the new tiles
 * instead of the cached ones.
 */
export function refreshOverlayTiles(map: MaplibreMap): void {
  for (const id of Object.keys(map.getStyle().sources)) {
    const source = map.getSource(id) as VectorTileSource | undefined
    if (source?.type === 'vector' && typeof source.url === 'string' && new URL(source.url, window.location.href).pathname.startsWith('/tiles/')) {
      source.setUrl(source.url)
    }
  }
}
