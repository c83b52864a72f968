// The incident of the commander view in the URL hash: `incident=lon,lat` (WGS 84 degrees, 6
// decimals), beside `map=`, `layers=` and `sel=` (see url.ts), so that a link reproduces it.

export const INCIDENT_PARAM = 'incident'

/** The incident point in the hash, or null when there is none or it is not a point. */
export function parseIncidentParam(hash: string): [number, number] | null {
  const text = new URLSearchParams(hash.replace(/^#/, '')).get(INCIDENT_PARAM)
  if (!text) return null
  const parts = text.split(',').map(Number)
  if (parts.length !== 2) return null
  const [lon, lat] = parts as [number, number]
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lon) > 180 || Math.abs(lat) > 90) return null
  return [lon, lat]
}

/** The hash with `incident` set to a point (or removed), every other parameter kept as written. */
export function withIncidentParam(hash: string, point: [number, number] | null): string {
  const parts = hash
    .replace(/^#/, '')
    .split('&')
    .filter((p) => p !== '' && p.split('=')[0] !== INCIDENT_PARAM)
  if (point) parts.push(`${INCIDENT_PARAM}=${point[0].toFixed(6)},${point[1].toFixed(6)}`)
  return parts.length ? `#${parts.join('&')}` : ''
}
