/**
 * Geodesic helpers on the WGS 84 ellipsoid (EPSG:4326; CGCS2000 differs by < 0.1 mm here).
 * Longitudes and latitudes in decimal degrees, distances in metres, bearings in degrees clockwise from north.
 */
import { invalid } from './errors'

/** WGS 84 semi-major axis, metres. */
export const WGS84_A = 6378137
/** WGS 84 flattening. */
export const WGS84_F = 1 / 298.257223563
/** WGS 84 semi-minor axis, metres. */
export const WGS84_B = WGS84_A * (1 - WGS84_F)
/** Mean Earth radius (IUGG R1), metres; used only by the near-antipodal fallback. */
export const MEAN_EARTH_RADIUS_M = 6371008.8

const RAD = Math.PI / 180
/** Vincenty convergence: change in λ below this (radians, ≈ 0.06 mm on the ground). */
const CONVERGENCE_RAD = 1e-12
const MAX_ITERATIONS = 200

interface Inverse {
  distanceM: number
  /** Initial bearing, degrees 0–360. */
  bearingDeg: number
}

/** Great-circle distance and bearing on the mean sphere: error ≤ 0.6 %, used only where Vincenty fails. */
function sphericalInverse(lon1: number, lat1: number, lon2: number, lat2: number): Inverse {
  const φ1 = lat1 * RAD
  const φ2 = lat2 * RAD
  const Δφ = φ2 - φ1
  const Δλ = (lon2 - lon1) * RAD
  const h = Math.sin(Δφ / 2) ** 2 + Math.cos(φ1) * Math.cos(φ2) * Math.sin(Δλ / 2) ** 2
  const distanceM = 2 * MEAN_EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
  const y = Math.sin(Δλ) * Math.cos(φ2)
  const x = Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ)
  return { distanceM, bearingDeg: normaliseBearing(Math.atan2(y, x) / RAD) }
}

function normaliseBearing(deg: number): number {
  const b = ((deg % 360) + 360) % 360
  return b === 360 ? 0 : b
}

/**
 * Vincenty's inverse formula (1975) on WGS 84: sub-millimetre except for nearly antipodal points,
 * where the iteration may not converge; then the spherical great circle is used (error ≤ 0.6 %).
 */
function vincentyInverse(lon1: number, lat1: number, lon2: number, lat2: number): Inverse {
  if (lon1 === lon2 && lat1 === lat2) return { distanceM: 0, bearingDeg: 0 }
  const a = WGS84_A
  const b = WGS84_B
  const f = WGS84_F
  const L = (lon2 - lon1) * RAD
  const U1 = Math.atan((1 - f) * Math.tan(lat1 * RAD))
  const U2 = Math.atan((1 - f) * Math.tan(lat2 * RAD))
  const sinU1 = Math.sin(U1)
  const cosU1 = Math.cos(U1)
  const sinU2 = Math.sin(U2)
  const cosU2 = Math.cos(U2)

  let λ = L
  let sinλ = 0
  let cosλ = 0
  let sinσ = 0
  let cosσ = 0
  let σ = 0
  let cos2α = 0
  let cos2σm = 0
  let converged = false
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    sinλ = Math.sin(λ)
    cosλ = Math.cos(λ)
    const t1 = cosU2 * sinλ
    const t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosλ
    sinσ = Math.sqrt(t1 * t1 + t2 * t2)
    if (sinσ === 0) return { distanceM: 0, bearingDeg: 0 } // coincident points
    cosσ = sinU1 * sinU2 + cosU1 * cosU2 * cosλ
    σ = Math.atan2(sinσ, cosσ)
    const sinα = (cosU1 * cosU2 * sinλ) / sinσ
    cos2α = 1 - sinα * sinα
    // Both points on the equator: cos²α = 0 and the term drops out.
    cos2σm = cos2α !== 0 ? cosσ - (2 * sinU1 * sinU2) / cos2α : 0
    const C = (f / 16) * cos2α * (4 + f * (4 - 3 * cos2α))
    const λPrev = λ
    λ = L + (1 - C) * f * sinα * (σ + C * sinσ * (cos2σm + C * cosσ * (-1 + 2 * cos2σm * cos2σm)))
    if (Math.abs(λ) > Math.PI) break // diverging: nearly antipodal
    if (Math.abs(λ - λPrev) < CONVERGENCE_RAD) {
      converged = true
      break
    }
  }
  if (!converged) return sphericalInverse(lon1, lat1, lon2, lat2)

  const u2 = (cos2α * (a * a - b * b)) / (b * b)
  const A = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
  const B = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
  const Δσ = B * sinσ * (cos2σm + (B / 4) * (cosσ * (-1 + 2 * cos2σm * cos2σm) - (B / 6) * cos2σm * (-3 + 4 * sinσ * sinσ) * (-3 + 4 * cos2σm * cos2σm)))
  const distanceM = b * A * (σ - Δσ)
  const α1 = Math.atan2(cosU2 * sinλ, cosU1 * sinU2 - sinU1 * cosU2 * cosλ)
  return { distanceM, bearingDeg: normaliseBearing(α1 / RAD) }
}

/** Geodesic distance between two WGS 84 points, metres (Vincenty; spherical fallback near antipodes). */
export function geodesicDistanceM(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return vincentyInverse(lon1, lat1, lon2, lat2).distanceM
}

/** Initial geodesic bearing from point 1 to point 2, degrees clockwise from north in [0, 360); 0 for coincident points. */
export function bearingDeg(lon1: number, lat1: number, lon2: number, lat2: number): number {
  return vincentyInverse(lon1, lat1, lon2, lat2).bearingDeg
}

/**
 * Checks a WGS 84 position: finite numbers with |lon| ≤ 180 and |lat| ≤ 90. Throws `invalid('lon'|'lat')`,
 * or `invalid('<prefix>.lon'|'<prefix>.lat')` when a field prefix such as `location` is given.
 */
export function validateLonLat(lon: unknown, lat: unknown, fieldPrefix?: string): void {
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180) {
    throw invalid(fieldPrefix ? `${fieldPrefix}.lon` : 'lon', 'must be a finite longitude from -180 to 180 (degrees, WGS 84)')
  }
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90) {
    throw invalid(fieldPrefix ? `${fieldPrefix}.lat` : 'lat', 'must be a finite latitude from -90 to 90 (degrees, WGS 84)')
  }
}
