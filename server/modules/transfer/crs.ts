/**
 * Coordinate systems of imported files. Geographic data may be WGS 84, CGCS2000 (EPSG:4490, taken
 * as WGS 84), GCJ-02 or BD-09 (see domain/coords.ts); projected data (a shapefile's .prj, a stated
 * EPSG code) is unprojected with proj4 first. CGCS2000 Gauss-Kruger grids use the GRS 80 ellipsoid,
 * which CGCS2000's differs from by 0.1 mm in the semi-minor axis.
 */
import proj4 from 'proj4'
import { CRS_VALUES, toWgs84, type Crs } from '../../domain/coords'
import { fileError } from './bytes'

export interface CoordinateSystem {
  /** Human-readable name for the report, e.g. `GCJ-02` or `EPSG:4550`. */
  name: string
  /** Degrees (so that latitude/longitude swaps can be recognised) rather than metres. */
  geographic: boolean
  /** The geographic system of domain/coords.ts this is (geographic systems only). */
  crs?: Crs
  /** Converts a position to WGS 84 lon/lat; throws `invalid('lon'|'lat')` for an impossible one. */
  toWgs84(x: number, y: number): [number, number]
}

const GEOGRAPHIC_NAMES: Record<Crs, string> = { wgs84: 'WGS 84', cgcs2000: 'CGCS2000', gcj02: 'GCJ-02', bd09: 'BD-09' }

/** A geographic system of domain/coords.ts. */
export function geographicCrs(crs: Crs): CoordinateSystem {
  return { name: GEOGRAPHIC_NAMES[crs], geographic: true, crs, toWgs84: (x, y) => toWgs84(x, y, crs) }
}

/**
 * proj4 definitions of the projected grids Chinese data comes in, by EPSG code: CGCS2000
 * Gauss-Kruger 6-degree (4491–4512) and 3-degree (4513–4554) zones, and WGS 84 / UTM (326xx, 327xx).
 */
export function projectedDefinition(code: number): string | null {
  const gk = (cm: number, falseEasting: number) =>
    `+proj=tmerc +lat_0=0 +lon_0=${cm} +k=1 +x_0=${falseEasting} +y_0=0 +ellps=GRS80 +towgs84=0,0,0 +units=m +no_defs`
  if (code >= 4491 && code <= 4501) {
    const zone = code - 4491 + 13
    return gk(zone * 6 - 3, zone * 1_000_000 + 500_000)
  }
  if (code >= 4502 && code <= 4512) return gk(75 + 6 * (code - 4502), 500_000)
  if (code >= 4513 && code <= 4533) {
    const zone = code - 4513 + 25
    return gk(zone * 3, zone * 1_000_000 + 500_000)
  }
  if (code >= 4534 && code <= 4554) return gk(75 + 3 * (code - 4534), 500_000)
  if (code >= 32601 && code <= 32660) return `+proj=utm +zone=${code - 32600} +datum=WGS84 +units=m +no_defs`
  if (code >= 32701 && code <= 32760) return `+proj=utm +zone=${code - 32700} +south +datum=WGS84 +units=m +no_defs`
  if (code === 3857) return '+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +no_defs'
  return null
}

function projected(name: string, definition: string, then: Crs): CoordinateSystem {
  let converter: proj4.Converter
  try {
    converter = proj4(definition, 'EPSG:4326')
  } catch (err) {
    throw fileError('crs_unusable', { crs: name, detail: (err as Error).message }, `cannot use the coordinate system ${name}: ${(err as Error).message}`, 'crs')
  }
  return {
    name: then === 'wgs84' || then === 'cgcs2000' ? name : `${name} then ${GEOGRAPHIC_NAMES[then]}`,
    geographic: false,
    toWgs84(x, y) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) return toWgs84(x, y, then)
      const [lon, lat] = converter.forward([x, y]) as [number, number]
      return toWgs84(lon, lat, then)
    },
  }
}

/** Geographic codes that are WGS 84 for our purposes: WGS 84 and CGCS2000. */
const WGS84_LIKE_EPSG = new Set([4326, 4490, 4479, 4480])

function fromEpsg(code: number, then: Crs, label = `EPSG:${code}`): CoordinateSystem {
  if (WGS84_LIKE_EPSG.has(code)) return geographicCrs(code === 4326 ? then : then === 'wgs84' ? 'cgcs2000' : then)
  if (code === 4214 || code === 4610) {
    throw fileError(
      'crs_needs_datum',
      { crs: label },
      `${label} (${code === 4214 ? 'Beijing 1954' : 'Xian 1980'}) needs a datum transformation with local parameters: reproject the data to CGCS2000 first`,
      'crs',
    )
  }
  const definition = projectedDefinition(code)
  if (definition === null)
    throw fileError(
      'crs_unsupported',
      { crs: label },
      `unsupported coordinate system ${label}: use WGS 84 / CGCS2000 (or GCJ-02, BD-09), a CGCS2000 Gauss-Kruger zone or UTM`,
      'crs',
    )
  return projected(label, definition, then)
}

/** Parses the `crs` parameter: wgs84, cgcs2000, gcj02, bd09, or EPSG:nnnn for a projected grid. */
export function parseCrsParam(value: string): CoordinateSystem {
  const v = value
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '')
  if ((CRS_VALUES as readonly string[]).includes(v)) return geographicCrs(v as Crs)
  const epsg = /^epsg:?(\d{4,5})$/.exec(v)
  if (epsg) return fromEpsg(Number(epsg[1]), 'wgs84')
  throw fileError('crs_value', { text: String(value) }, `crs must be one of ${CRS_VALUES.join(', ')} or EPSG:<code>, got "${value}"`, 'crs')
}

/** The coordinate system of a .prj (ESRI or OGC WKT 1); `then` applies to the geographic result. */
export function fromWkt(wkt: string, then: Crs): CoordinateSystem {
  const name = /^\s*(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS)\s*\[\s*"([^"]*)"/i.exec(wkt)?.[1] ?? 'the .prj coordinate system'
  if (/(beijing|xian|xi'an)[ _]?19(54|80)|beijing54|xian80/i.test(wkt)) {
    throw fileError(
      'crs_needs_datum',
      { crs: name },
      `the .prj says ${name} (Beijing 1954 / Xian 1980), which needs a datum transformation with local parameters: reproject the data to CGCS2000 first`,
      'crs',
    )
  }
  if (/^\s*GEOG(CS|CRS)\b/i.test(wkt)) return geographicCrs(then === 'wgs84' && /2000/.test(wkt) ? 'cgcs2000' : then)
  const epsg = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(wkt)
  if (epsg && projectedDefinition(Number(epsg[1])) !== null) return fromEpsg(Number(epsg[1]), then, `EPSG:${epsg[1]} (${name})`)
  return projected(name, wkt, then)
}

/** The coordinate system named by a GeoJSON 2008 `crs` member, e.g. `urn:ogc:def:crs:EPSG::4550`. */
export function fromCrsName(name: string, then: Crs): CoordinateSystem {
  if (/CRS84$/i.test(name)) return geographicCrs(then)
  const code = /EPSG:{1,2}(?:[\d.]*:)?(\d{4,5})$/i.exec(name)?.[1]
  if (!code) throw fileError('crs_unsupported', { crs: name }, `unsupported GeoJSON crs "${name}": use WGS 84 (RFC 7946) or state crs=`, 'crs')
  return fromEpsg(Number(code), then)
}

/**
 * The coordinate system an import uses: a stated projected system wins, then what the file
 * declares (.prj, GeoJSON `crs`), then the stated geographic system (default WGS 84).
 */
export function resolveCrs(stated: string | undefined, declared: { wkt?: string; name?: string } | null): CoordinateSystem {
  const statedCrs = stated === undefined ? null : parseCrsParam(stated)
  if (statedCrs !== null && !statedCrs.geographic) return statedCrs
  const then: Crs = statedCrs?.crs ?? 'wgs84'
  if (declared?.wkt) return fromWkt(declared.wkt, then)
  if (declared?.name) return fromCrsName(declared.name, then)
  return statedCrs ?? geographicCrs('wgs84')
}
