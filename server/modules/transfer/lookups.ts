/**
 * Batch lookups that imports share: division codes and the deployment extent, the division and
 * management grid that contain a point, enterprises by USCC, records by external id. Row sets
 * travel as one JSON parameter, so every value is bound.
 */
import type { Db } from '../../db/db'
import type { Extent } from './kinds'
import { jsonRows } from './kinds'


/** Margin around the divisions' bounding box within which imported coordinates are accepted, degrees (≈ 5 km). */
export const EXTENT_MARGIN_DEG = 0.05

export async function loadDivisionCodes(db: Db): Promise<Set<string>> {
  const rows = (await db('division').select('code')) as Array<{ code: string }>
  return new Set(rows.map((r) => r.code))
}

/** The bounding box of every division plus EXTENT_MARGIN_DEG; null when there is none. */
export async function loadExtent(db: Db): Promise<Extent | null> {
  const { rows } = await db.raw<{ rows: Array<{ minlon: number | null; minlat: number; maxlon: number; maxlat: number }> }>(
    'SELECT ST_XMin(b) AS minlon, ST_YMin(b) AS minlat, ST_XMax(b) AS maxlon, ST_YMax(b) AS maxlat FROM (SELECT ST_Extent(geom) AS b FROM division) e',
  )
  const r = rows[0]
  if (!r || r.minlon === null) return null
  return { minLon: r.minlon - EXTENT_MARGIN_DEG, minLat: r.minlat - EXTENT_MARGIN_DEG, maxLon: r.maxlon + EXTENT_MARGIN_DEG, maxLat: r.maxlat + EXTENT_MARGIN_DEG }
}

export function inExtent(extent: Extent | null, lon: number, lat: number): boolean {
  return extent === null || (lon >= extent.minLon && lon <= extent.maxLon && lat >= extent.minLat && lat <= extent.maxLat)
}

/**
 * The most detailed division that contains each point: a township (9 digits) before its county,
 * a county before its city. Points on a shared boundary take the lowest code.
 */
export async function divisionsAt(db: Db, points: Array<{ i: number; lon: number; lat: number }>): Promise<Map<number, string>> {
  if (points.length === 0) return new Map()
  const { rows } = await db.raw<{ rows: Array<{ i: number; code: string | null }> }>(
    `SELECT x.i, (SELECT d.code FROM division d
                  WHERE ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326))
                  ORDER BY CASE d.rank WHEN 'township' THEN 0 WHEN 'county' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, d.code
                  LIMIT 1) AS code
     FROM jsonb_to_recordset(?::jsonb) AS x(i int, lon float8, lat float8)`,
    [jsonRows(points)],
  )
  return new Map(rows.filter((r) => r.code !== null).map((r) => [r.i, r.code!]))
}

/** The management grid that contains each point (lowest code on a shared boundary). */
export async function gridsAt(db: Db, points: Array<{ i: number; lon: number; lat: number }>): Promise<Map<number, number>> {
  if (points.length === 0) return new Map()
  const { rows } = await db.raw<{ rows: Array<{ i: number; id: number | null }> }>(
    `SELECT x.i, (SELECT g.id FROM mgmt_grid g
                  WHERE ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326))
                  ORDER BY g.code LIMIT 1) AS id
     FROM jsonb_to_recordset(?::jsonb) AS x(i int, lon float8, lat float8)`,
    [jsonRows(points)],
  )
  return new Map(rows.filter((r) => r.id !== null).map((r) => [r.i, r.id!]))
}

export async function loadGridCodes(db: Db): Promise<Map<string, number>> {
  const rows = (await db('mgmt_grid').select('code', 'id')) as Array<{ code: string; id: number }>
  return new Map(rows.map((r) => [r.code, r.id]))
}

export interface EnterpriseRef {
  id: number
  lon: number
  lat: number
}

/** Enterprises by USCC, with their location. */
export async function enterprisesByUscc(db: Db, usccs: string[]): Promise<Map<string, EnterpriseRef>> {
  if (usccs.length === 0) return new Map()
  const rows = (await db('enterprise')
    .whereIn('uscc', [...new Set(usccs)])
    .select('uscc', 'id', db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))) as Array<{ uscc: string; id: string; lon: number; lat: number }>
  return new Map(rows.map((r) => [r.uscc, { id: Number(r.id), lon: r.lon, lat: r.lat }]))
}

/**
 * Records of `table` by external id. A record that was exported without one carries the id
 * `<prefix>-<id>` in the file (see export.ts); such an id also finds that record while it has no
 * external id of its own, so exporting and re-importing into the same database updates in place.
 */
export async function recordsByExternalId<T extends { id: number }>(
  db: Db, table: string, prefix: string, externalIds: string[], columns: string[],
): Promise<Map<string, T & { external_id: string | null }>> {
  if (externalIds.length === 0) return new Map()
  const unique = [...new Set(externalIds)]
  const localIds = unique.map((x) => new RegExp(`^${prefix}-(\\d{1,15})$`).exec(x)?.[1]).filter((x): x is string => x !== undefined)
  const rows = (await db(table)
    .where((q) => {
      q.whereIn('external_id', unique)
      if (localIds.length > 0) q.orWhere((w) => w.whereNull('external_id').whereIn('id', localIds))
    })
    .select('id', 'external_id', ...columns)) as Array<Record<string, unknown>>
  const out = new Map<string, T & { external_id: string | null }>()
  for (const r of rows) {
    const rec = { ...r, id: Number(r.id) } as T & { external_id: string | null }
    out.set(rec.external_id ?? `${prefix}-${rec.id}`, rec)
  }
  return out
}
