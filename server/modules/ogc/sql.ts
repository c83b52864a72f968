/**
 * The statements behind the items of a collection: one page, its count, one feature. Identifiers
 * come from the registry (collections.ts) only; bbox, datetime, property values, limit and offset
 * are bound parameters.
 */
import type { Knex } from 'knex'
import { invalid } from '../../errors'
import type { ReadScope } from '../auth/access'
import { scopeSql } from '../auth/jurisdiction'
import { latestPublicationId } from '../publication'
import type { Collection, CollectionProperty, SelectionContext, SqlFragment } from './collections'
import { latitudeFirst } from './crs'

/** Decimal places of coordinates written (7 ≈ 1 cm). */
const COORDINATE_DECIMALS = 7

/** A bounding box in CRS84 degrees. */
export interface LonLatBox {
  minLon: number
  minLat: number
  maxLon: number
  maxLat: number
}

/** A `datetime` interval; an open end is null. Values are RFC 3339 dates or date-times. */
export interface DatetimeFilter {
  start: string | null
  end: string | null
  /** A single instant or day, not an interval. */
  instant: boolean
}

export interface ItemsFilter {
  bbox?: LonLatBox
  datetime?: DatetimeFilter
  /** Equality filters on properties marked `filter`, values already typed. */
  properties: Array<{ property: CollectionProperty; value: string | number | boolean }>
  /** The caller's read scope (readScope), applied through the collection's enterprise or division. */
  scope: ReadScope
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** The WHERE clause of a selection. */
function conditions(c: Collection, ctx: SelectionContext, f: ItemsFilter): SqlFragment {
  const parts: string[] = []
  const bindings: unknown[] = []
  const add = (frag: SqlFragment) => {
    parts.push(`(${frag.sql})`)
    bindings.push(...frag.bindings)
  }
  if (c.where) add(c.where(ctx))
  if (c.scopeEnterprise && !f.scope.all) add(scopeSql(f.scope, c.scopeEnterprise))
  else if (c.jurisdictionDivision && f.scope.divisionPrefix !== null)
    add({ sql: `${c.jurisdictionDivision} LIKE ? || '%'`, bindings: [f.scope.divisionPrefix] })
  if (f.bbox) {
    const b = f.bbox
    add({
      sql: `${c.geom} && ST_MakeEnvelope(?, ?, ?, ?, 4326) AND ST_Intersects(${c.geom}, ST_MakeEnvelope(?, ?, ?, ?, 4326))`,
      bindings: [b.minLon, b.minLat, b.maxLon, b.maxLat, b.minLon, b.minLat, b.maxLon, b.maxLat],
    })
  }
  if (f.datetime && c.datetime) {
    const { start, end, instant } = f.datetime
    const column = c.datetime.sql
    if (instant && start !== null)
      add(DATE_ONLY.test(start) ? { sql: `${column}::date = ?::date`, bindings: [start] } : { sql: `${column} = ?::timestamptz`, bindings: [start] })
    else {
      if (start !== null)
        add(DATE_ONLY.test(start) ? { sql: `${column}::date >= ?::date`, bindings: [start] } : { sql: `${column} >= ?::timestamptz`, bindings: [start] })
      if (end !== null)
        add(DATE_ONLY.test(end) ? { sql: `${column}::date <= ?::date`, bindings: [end] } : { sql: `${column} <= ?::timestamptz`, bindings: [end] })
    }
  }
  for (const { property, value } of f.properties) add({ sql: `${property.sql} = ?`, bindings: [value] })
  return { sql: parts.length > 0 ? parts.join(' AND ') : 'true', bindings }
}

function selectList(c: Collection, crs: string): string {
  const geometry = latitudeFirst(crs) ? `ST_FlipCoordinates(${c.geom})` : c.geom
  const properties = c.properties.map((p) => `${p.sql} AS "${p.name}"`)
  return [`${c.featureId} AS "_id"`, ...properties, `ST_AsGeoJSON(${geometry}, ${COORDINATE_DECIMALS})::json AS "_geometry"`].join(', ')
}

export interface FeatureRow {
  id: number | string
  geometry: unknown
  properties: Record<string, unknown>
}

function toFeature(c: Collection, row: Record<string, unknown>): FeatureRow {
  const { _id, _geometry, ...properties } = row
  for (const p of c.properties) {
    const v = properties[p.name]
    // bigint and numeric come back from pg as strings.
    if (v !== null && v !== undefined && (p.type === 'integer' || p.type === 'number')) properties[p.name] = Number(v)
  }
  return { id: c.idType === 'integer' ? Number(_id) : String(_id), geometry: _geometry, properties }
}

/** One page of features, ordered by id, and the number of features matched. */
export async function selectItems(
  db: Knex,
  c: Collection,
  ctx: SelectionContext,
  filter: ItemsFilter,
  page: { limit: number; offset: number },
  crs: string,
): Promise<{ features: FeatureRow[]; numberMatched: number }> {
  const where = conditions(c, ctx, filter)
  const [{ rows }, { rows: count }] = await Promise.all([
    db.raw<{ rows: Array<Record<string, unknown>> }>(
      `SELECT ${selectList(c, crs)} FROM ${c.from} WHERE ${where.sql} ORDER BY ${c.featureId} LIMIT ? OFFSET ?`,
      [...where.bindings, page.limit, page.offset] as Knex.RawBinding[],
    ),
    db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM ${c.from} WHERE ${where.sql}`, where.bindings as Knex.RawBinding[]),
  ])
  return { features: rows.map((r) => toFeature(c, r)), numberMatched: Number(count[0]!.n) }
}

/** One feature by id within what the caller may read, or undefined. */
export async function selectItem(db: Knex, c: Collection, ctx: SelectionContext, scope: ReadScope, id: string, crs: string): Promise<FeatureRow | undefined> {
  if (c.idType === 'integer' && !/^\d{1,18}$/.test(id)) throw invalid('featureId', `must be a whole number in collection ${c.id}`)
  const where = conditions(c, ctx, { properties: [], scope })
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT ${selectList(c, crs)} FROM ${c.from} WHERE ${where.sql} AND ${c.featureId} = ? LIMIT 1`,
    [...where.bindings, id] as Knex.RawBinding[],
  )
  return rows[0] ? toFeature(c, rows[0]) : undefined
}

/** The extent of every division unit, CRS84: the service area, given as every collection's spatial extent. */
export async function serviceExtent(db: Knex): Promise<[number, number, number, number] | null> {
  const { rows } = await db.raw<{ rows: Array<{ xmin: number | null; ymin: number; xmax: number; ymax: number }> }>(
    'SELECT ST_XMin(e) AS xmin, ST_YMin(e) AS ymin, ST_XMax(e) AS xmax, ST_YMax(e) AS ymax FROM (SELECT ST_Extent(geom)::geometry AS e FROM division) q',
  )
  const r = rows[0]
  return r && r.xmin !== null ? [Number(r.xmin), Number(r.ymin), Number(r.xmax), Number(r.ymax)] : null
}

/** The latest publication and the H3 resolution of its map (what the public collections show), null when nothing is published. */
export async function latestPublication(db: Knex): Promise<SelectionContext['publication']> {
  const id = await latestPublicationId(db)
  if (id === null) return null
  const row = await db('publication').where('id', id).first<{ h3_res: number | string }>('h3_res')
  return { id, res: Number(row.h3_res) }
}
