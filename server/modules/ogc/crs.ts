/**
 * Coordinate reference systems of the OGC API (Part 2, CRS by reference). Features are stored in
 * EPSG:4326 and served in CRS84 (longitude, latitude) by default; CGCS2000 (EPSG:4490) is treated as
 * WGS 84 (docs/domain.md §9: the two differ by centimetres), so EPSG:4490 and EPSG:4326 are the same
 * coordinates in their registered axis order, latitude first.
 */
import { invalid } from '../../errors'

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'
export const EPSG_4326 = 'http://www.opengis.net/def/crs/EPSG/0/4326'
/** CGCS2000, China's geodetic system (2000 国家大地坐标系). */
export const EPSG_4490 = 'http://www.opengis.net/def/crs/EPSG/0/4490'

/** Every CRS offered, CRS84 (the default and storage CRS) first. */
export const SUPPORTED_CRS = [CRS84, EPSG_4490, EPSG_4326] as const

/** Whether coordinates in this CRS are written latitude first (the EPSG geographic CRSs are). */
export function latitudeFirst(crs: string): boolean {
  return crs !== CRS84
}

/** The CRS a `crs` or `bbox-crs` parameter names (full URI, or the short EPSG:n / CRS84 forms), or a 400. */
export function parseCrs(value: string | undefined, field: string): string {
  if (value === undefined || value === '') return CRS84
  const short: Record<string, string> = { CRS84, 'OGC:CRS84': CRS84, 'EPSG:4326': EPSG_4326, 'EPSG:4490': EPSG_4490 }
  const uri = short[value] ?? value.replace(/^https:/, 'http:')
  if (!(SUPPORTED_CRS as readonly string[]).includes(uri)) throw invalid(field, `unsupported CRS "${value}"; one of ${SUPPORTED_CRS.join(', ')}`)
  return uri
}
