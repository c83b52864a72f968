/**
 * Batch lookups that imports share: division codes and the deployment extent, the division and
 * management grid that contain a point, enterprises by USCC, records by external id. Row sets
 * travel as one JSON parameter, so every value is bound.
 */
import Flatbush from 'flatbush'
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
  return {
    minLon: r.minlon - EXTENT_MARGIN_DEG,
    minLat: r.minlat - EXTENT_MARGIN_DEG,
    maxLon: r.maxlon + EXTENT_MARGIN_DEG,
    maxLat: r.maxlat + EXTENT_MARGIN_DEG,
  }
}

export function inExtent(extent: Extent | null, lon: number, lat: number): boolean {
  return extent === null || (lon >= extent.minLon && lon <= extent.maxLon && lat >= extent.minLat && lat <= extent.maxLat)
}

/**
 * The divisions or management grids indexed by bounding box (WGS 84 degrees), to pick in memory the
 * few areas a point may lie in. Asking PostGIS per point (a GiST probe each) costs ~15 µs a point;
 * sending the candidates and testing only those (one hash join) costs a tenth of that. The index is a
 * static R-tree (flatbush), so a province's tens of thousands of grids cost a log, not a scan.
 */
export interface AreaBoxes {
  /** Division code or grid id of item i. */
  keys: Array<string | number>
  /** Null when there is no area with a geometry. */
  index: Flatbush | null
}

/** Boxes are widened by this much (degrees, ≈ 0.1 mm) so rounding never drops a candidate; the exact test is PostGIS's. */
const BOX_PAD_DEG = 1e-9

async function loadBoxes(db: Db, table: 'division' | 'mgmt_grid', key: 'code' | 'id'): Promise<AreaBoxes> {
  const { rows } = await db.raw<{ rows: Array<{ key: string | number; minlon: number; minlat: number; maxlon: number; maxlat: number }> }>(
    'SELECT ?? AS key, ST_XMin(geom) AS minlon, ST_YMin(geom) AS minlat, ST_XMax(geom) AS maxlon, ST_YMax(geom) AS maxlat FROM ?? WHERE geom IS NOT NULL',
    [key, table],
  )
  const keys = rows.map((r) => (key === 'id' ? Number(r.key) : String(r.key)))
  if (rows.length === 0) return { keys, index: null }
  const index = new Flatbush(rows.length)
  for (const r of rows) index.add(r.minlon - BOX_PAD_DEG, r.minlat - BOX_PAD_DEG, r.maxlon + BOX_PAD_DEG, r.maxlat + BOX_PAD_DEG)
  index.finish()
  return { keys, index }
}

/** The divisions' boxes, for divisionsAt. */
export const loadDivisionBoxes = (db: Db): Promise<AreaBoxes> => loadBoxes(db, 'division', 'code')
/** The management grids' boxes, for gridsAt. */
export const loadGridBoxes = (db: Db): Promise<AreaBoxes> => loadBoxes(db, 'mgmt_grid', 'id')

/** One row per point and area whose box holds the point. */
function candidates(
  boxes: AreaBoxes,
  points: Array<{ i: number; lon: number; lat: number }>,
): Array<{ i: number; lon: number; lat: number; k: string | number }> {
  const out: Array<{ i: number; lon: number; lat: number; k: string | number }> = []
  if (boxes.index === null) return out
  for (const p of points) {
    for (const j of boxes.index.search(p.lon, p.lat, p.lon, p.lat)) out.push({ i: p.i, lon: p.lon, lat: p.lat, k: boxes.keys[j]! })
  }
  return out
}

/**
 * The most detailed division that contains each point: a township (9 digits) before its county,
 * a county before its city. Points on a shared boundary take the lowest code. `boxes` (loadDivisionBoxes)
 * may be loaded once for many calls.
 */
export async function divisionsAt(db: Db, points: Array<{ i: number; lon: number; lat: number }>, boxes?: AreaBoxes): Promise<Map<number, string>> {
  const found = await areasAt(
    db,
    points,
    boxes ?? (await loadDivisionBoxes(db)),
    'division',
    'code',
    'text',
    "CASE a.rank WHEN 'township' THEN 0 WHEN 'county' THEN 1 WHEN 'city' THEN 2 ELSE 3 END, a.code",
  )
  return new Map([...found].map(([i, k]) => [i, String(k)]))
}

/** The management grid that contains each point (lowest code on a shared boundary). `boxes`: loadGridBoxes, once for many calls. */
export async function gridsAt(db: Db, points: Array<{ i: number; lon: number; lat: number }>, boxes?: AreaBoxes): Promise<Map<number, number>> {
  const found = await areasAt(db, points, boxes ?? (await loadGridBoxes(db)), 'mgmt_grid', 'id', 'int', 'a.code')
  return new Map([...found].map(([i, k]) => [i, Number(k)]))
}

/** The area of `table` containing each point, among the candidates its box gives; `order` picks one on a shared boundary. */
async function areasAt(
  db: Db,
  points: Array<{ i: number; lon: number; lat: number }>,
  boxes: AreaBoxes,
  table: 'division' | 'mgmt_grid',
  key: 'code' | 'id',
  keyType: 'text' | 'int',
  order: string,
): Promise<Map<number, string | number>> {
  if (points.length === 0) return new Map()
  const pairs = candidates(boxes, points)
  if (pairs.length === 0) return new Map()
  const { rows } = await db.raw<{ rows: Array<{ i: number; k: string | number }> }>(
    `SELECT DISTINCT ON (x.i) x.i, a.${key} AS k
     FROM jsonb_to_recordset(?::jsonb) AS x(i int, lon float8, lat float8, k ${keyType}) JOIN ${table} a ON a.${key} = x.k
     WHERE ST_Intersects(a.geom, ST_SetSRID(ST_MakePoint(x.lon, x.lat), 4326))
     ORDER BY x.i, ${order}`,
    [jsonRows(pairs)],
  )
  return new Map(rows.map((r) => [r.i, r.k]))
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

/** Enterprises by USCC and by external id, with their location. */
export async function enterprisesByIdentifier(
  db: Db,
  usccs: string[],
  externalIds: string[] = [],
): Promise<{ byUscc: Map<string, EnterpriseRef>; byExternalId: Map<string, EnterpriseRef> }> {
  if (usccs.length === 0 && externalIds.length === 0) return { byUscc: new Map(), byExternalId: new Map() }
  const rows = (await db('enterprise')
    .whereIn('uscc', [...new Set(usccs)])
    .orWhereIn('external_id', [...new Set(externalIds)])
    .select(db.raw('rtrim(uscc) AS uscc'), 'external_id', 'id', db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))) as Array<{
    uscc: string | null
    external_id: string | null
    id: string
    lon: number
    lat: number
  }>
  const ref = (r: (typeof rows)[number]): EnterpriseRef => ({ id: Number(r.id), lon: r.lon, lat: r.lat })
  return {
    byUscc: new Map(rows.filter((r) => r.uscc !== null).map((r) => [r.uscc!, ref(r)])),
    byExternalId: new Map(rows.filter((r) => r.external_id !== null).map((r) => [r.external_id!, ref(r)])),
  }
}

/**
 * Records of `table` by external id. A record that was exported without one carries the id
 * `<prefix>-<id>` in the file (see export.ts); such an id also finds that record while it has no
 * external id of its own, so exporting and re-importing into the same database updates in place.
 */
export async function recordsByExternalId<T extends { id: number }>(
  db: Db,
  table: string,
  prefix: string,
  externalIds: string[],
  columns: string[],
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
