/**
 * Conversions between the coordinate systems that Chinese data arrives in (docs/architecture.md §9), all as
 * `[lon, lat]` in decimal degrees:
 * - WGS 84 (EPSG:4326) and CGCS2000 (EPSG:4490, treated as WGS 84: they differ by centimetres);
 * - GCJ-02 (国测局, Amap/Tencent): WGS 84 with an obfuscating offset of a few hundred metres, applied
 *   only inside China's bounding box (outside it GCJ-02 = WGS 84);
 * - BD-09 (Baidu): a further rotation and scaling of GCJ-02.
 */
import { invalid } from './errors'
import { validateLonLat } from './geo'

export type LonLat = [lon: number, lat: number]
export type Crs = 'wgs84' | 'cgcs2000' | 'gcj02' | 'bd09'

/** Coordinate systems accepted on import; CGCS2000 (EPSG:4490) is treated as WGS 84. */
export const CRS_VALUES: readonly Crs[] = ['wgs84', 'cgcs2000', 'gcj02', 'bd09']

/** Krasovsky 1940 semi-major axis used by GCJ-02, metres. */
const KRASOVSKY_A = 6378245.0
/** Krasovsky 1940 first eccentricity squared. */
const KRASOVSKY_EE = 0.006693421622965943
/** BD-09 rotation constant, radians per degree × 3000. */
const X_PI = (Math.PI * 3000.0) / 180.0
/** Inverse iteration stops when the forward image is this close to the target, degrees (≈ 1 mm). */
const INVERSE_TOLERANCE_DEG = 1e-8
const INVERSE_MAX_ITERATIONS = 30

/** True outside the rough bounding box of China, where GCJ-02 applies no offset. */
export function outOfChina(lon: number, lat: number): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x))
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0
  return ret
}

function transformLon(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x))
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0
  return ret
}

/** WGS 84 → GCJ-02 (the published forward formula). */
export function wgs84ToGcj02(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat]
  let dLat = transformLat(lon - 105.0, lat - 35.0)
  let dLon = transformLon(lon - 105.0, lat - 35.0)
  const radLat = (lat / 180.0) * Math.PI
  let magic = Math.sin(radLat)
  magic = 1 - KRASOVSKY_EE * magic * magic
  const sqrtMagic = Math.sqrt(magic)
  dLat = (dLat * 180.0) / (((KRASOVSKY_A * (1 - KRASOVSKY_EE)) / (magic * sqrtMagic)) * Math.PI)
  dLon = (dLon * 180.0) / ((KRASOVSKY_A / sqrtMagic) * Math.cos(radLat) * Math.PI)
  return [lon + dLon, lat + dLat]
}

/**
 * Inverts a forward transform by fixed-point iteration: x ← x − (f(x) − target). The offsets vary
 * slowly, so it converges to ≈ 1 mm in a few steps (the one-step inverse errs by up to a few metres).
 */
function invert(forward: (lon: number, lat: number) => LonLat, lon: number, lat: number, start: LonLat): LonLat {
  let [x, y] = start
  for (let i = 0; i < INVERSE_MAX_ITERATIONS; i++) {
    const [fx, fy] = forward(x, y)
    const dx = fx - lon
    const dy = fy - lat
    x -= dx
    y -= dy
    if (Math.abs(dx) < INVERSE_TOLERANCE_DEG && Math.abs(dy) < INVERSE_TOLERANCE_DEG) break
  }
  return [x, y]
}

/** GCJ-02 → WGS 84 by iterative inverse (error < 0.01 m); identity outside China. */
export function gcj02ToWgs84(lon: number, lat: number): LonLat {
  if (outOfChina(lon, lat)) return [lon, lat]
  return invert(wgs84ToGcj02, lon, lat, [lon, lat])
}

/** GCJ-02 → BD-09 (Baidu's published forward formula). */
export function gcj02ToBd09(lon: number, lat: number): LonLat {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI)
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI)
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006]
}

/** BD-09 → GCJ-02: the usual closed-form inverse refined by iteration on `gcj02ToBd09` (error < 0.01 m). */
export function bd09ToGcj02(lon: number, lat: number): LonLat {
  const x = lon - 0.0065
  const y = lat - 0.006
  const z = Math.sqrt(x * x + y * y) - 0.00002 * Math.sin(y * X_PI)
  const theta = Math.atan2(y, x) - 0.000003 * Math.cos(x * X_PI)
  return invert(gcj02ToBd09, lon, lat, [z * Math.cos(theta), z * Math.sin(theta)])
}

/** BD-09 → WGS 84 (via GCJ-02). */
export function bd09ToWgs84(lon: number, lat: number): LonLat {
  const [gLon, gLat] = bd09ToGcj02(lon, lat)
  return gcj02ToWgs84(gLon, gLat)
}

/** WGS 84 → BD-09 (via GCJ-02). */
export function wgs84ToBd09(lon: number, lat: number): LonLat {
  const [gLon, gLat] = wgs84ToGcj02(lon, lat)
  return gcj02ToBd09(gLon, gLat)
}

/**
 * Converts a position given in `crs` to WGS 84. CGCS2000 is returned unchanged. Throws `invalid('crs')`
 * for an unknown system and `invalid('lon'|'lat')` for an impossible position.
 */
export function toWgs84(lon: number, lat: number, crs: Crs): LonLat {
  validateLonLat(lon, lat)
  switch (crs) {
    case 'wgs84':
    case 'cgcs2000':
      return [lon, lat]
    case 'gcj02':
      return gcj02ToWgs84(lon, lat)
    case 'bd09':
      return bd09ToWgs84(lon, lat)
    default:
      throw invalid('crs', `must be one of ${CRS_VALUES.join(', ')}`)
  }
}
