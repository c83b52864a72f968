import { invalid } from '../../errors'

/** A tile address in the XYZ scheme (Web Mercator, EPSG:3857; y grows southwards). */
export interface TileCoord {
  z: number
  x: number
  y: number
}

/** Deepest zoom served. */
export const MAX_ZOOM = 22

/** Checks z 0–22 and x, y within 0..2^z − 1; the error names the parameter at fault. */
export function checkTile(z: number, x: number, y: number): TileCoord {
  if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM) throw invalid('z', `must be a whole number from 0 to ${MAX_ZOOM}, got ${z}`)
  const last = 2 ** z - 1
  if (!Number.isInteger(x) || x < 0 || x > last) throw invalid('x', `must be a whole number from 0 to ${last} at zoom ${z}, got ${x}`)
  if (!Number.isInteger(y) || y < 0 || y > last) throw invalid('y', `must be a whole number from 0 to ${last} at zoom ${z}, got ${y}`)
  return { z, x, y }
}

/** The tile at zoom `z` containing a WGS 84 point (degrees); latitudes beyond ±85.0511° clamp. */
export function tileAt(lon: number, lat: number, z: number): TileCoord {
  const n = 2 ** z
  const phi = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180
  const x = Math.floor(((lon + 180) / 360) * n)
  const y = Math.floor(((1 - Math.log(Math.tan(phi) + 1 / Math.cos(phi)) / Math.PI) / 2) * n)
  return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) }
}
