/**
 * The k nearest emergency resources to a point, exactly by geodesic distance on the WGS 84
 * spheroid (docs/domain.md §6).
 *
 * The GiST KNN operator on geography (`geog <-> point`) orders by distance on the mean sphere, which
 * differs from the spheroid by up to ≈ 0.5 %, so its k nearest are not always the true k nearest.
 * The query therefore runs in two index-backed steps:
 *  1. the KNN scan finds the k sphere-nearest matches and D, the largest of their exact spheroid
 *     distances: at least k matches lie within D, so the true k nearest all lie within D;
 *  2. every match with spheroid distance ≤ D (`ST_DWithin(…, true)`, whose index box PostGIS widens
 *     by 1 % for exactly this reason) is ranked by `ST_Distance(geog, point, true)` and cut at k.
 * Every filter is applied in SQL in both steps, so filters never return fewer than k when k exist.
 */
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { isEmbedded } from '../../db/knex'
import { bearingDeg } from '../../domain/geo'
import type { Capability, DepotItem, ResourceKind, ResourceStatus } from '../../domain/resources'
import type { NearestItem } from './schemas'

/** Largest k the API serves. */
export const MAX_K = 100

/**
 * Added to D in step 2, metres: `ST_DWithin` and `ST_Distance` compute the spheroid distance by
 * different code paths that may disagree in the last bits; 1 mm keeps the k-th match inside.
 */
const RECHECK_MARGIN_M = 0.001

export interface NearestFilter {
  kind?: ResourceKind
  capability?: Capability
  /** Only resources in this status; null for any status. */
  status: ResourceStatus | null
  /** Only resources within this geodesic distance, metres. */
  maxDistanceM?: number
  /** Leave these resources out (a what-if scenario moves or withdraws them, docs/scenarios.md). */
  excludeIds?: readonly number[]
}

export interface SqlPiece {
  sql: string
  bindings: Array<string | number>
}

/** The columns a nearest item is built from (alias `r`). */
export const NEAREST_COLUMNS = `r.id, r.kind, r.name, r.organisation, r.duty_phone, r.contact, r.status, r.status_updated_at,
  r.capabilities, r.team_type, r.headcount, r.equipment_type, r.quantity, r.items, r.capacity, r.expert_field,
  ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat`

/** The filter as SQL conditions on the resource alias `alias` (an identifier of this file, never input). */
function conditions(alias: 'r' | 'c', filter: NearestFilter, point: string): SqlPiece {
  const parts: string[] = []
  const bindings: Array<string | number> = []
  if (filter.kind) {
    parts.push(`${alias}.kind = ?`)
    bindings.push(filter.kind)
  }
  if (filter.capability) {
    // `@>` with a one-element array can use the GIN index on capabilities
    parts.push(`${alias}.capabilities @> ARRAY[?]::text[]`)
    bindings.push(filter.capability)
  }
  if (filter.status) {
    parts.push(`${alias}.status = ?`)
    bindings.push(filter.status)
  }
  if (filter.maxDistanceM !== undefined) {
    parts.push(`ST_DWithin(${alias}.geog, ${point}, ?::float8, true)`)
    bindings.push(filter.maxDistanceM)
  }
  if (filter.excludeIds && filter.excludeIds.length > 0) {
    parts.push(`NOT (${alias}.id = ANY(?::bigint[]))`)
    bindings.push(`{${filter.excludeIds.map((id) => String(Math.trunc(id))).join(',')}}`)
  }
  return { sql: parts.length ? parts.join(' AND ') : 'TRUE', bindings }
}

/**
 * A subquery giving the exact k nearest resources matching `filter` to `point`, a geography
 * expression (usually a column of an outer row: use it in `CROSS JOIN LATERAL (…)`), with the
 * columns `columns` of alias `r` and `distance_m` (spheroid metres), ordered by distance then id.
 */
export function nearestSubquery(point: string, k: number, filter: NearestFilter, columns: string = NEAREST_COLUMNS): SqlPiece {
  const outer = conditions('r', filter, point)
  const inner = conditions('c', filter, point)
  return {
    sql: `SELECT ${columns}, ST_Distance(r.geog, ${point}, true) AS distance_m
      FROM resource r
      WHERE ${outer.sql}
        AND ST_DWithin(r.geog, ${point}, (
          SELECT max(ST_Distance(c.geog, ${point}, true)) + ${RECHECK_MARGIN_M}
          FROM (SELECT c.geog FROM resource c WHERE ${inner.sql} ORDER BY c.geog <-> ${point} LIMIT ?) c
        ), true)
      ORDER BY distance_m, r.id
      LIMIT ?`,
    bindings: [...outer.bindings, ...inner.bindings, k, k],
  }
}

export interface NearestQuery {
  /** WGS 84 degrees. */
  lon: number
  lat: number
  k: number
  filter: NearestFilter
}

/** The nearest-resources statement for one point, for knex (and, via `.toSQL().toNative()`, for raw `pg`). */
export function nearestStatement(db: Knex, query: NearestQuery): Knex.Raw {
  const sub = nearestSubquery('o.pt', query.k, query.filter)
  return db.raw(
    `SELECT n.* FROM (SELECT ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326)::geography AS pt) o
     CROSS JOIN LATERAL (${sub.sql}) n`,
    [query.lon, query.lat, ...sub.bindings],
  )
}

/** One resource near an incident, as the API gives it (nearestItemSchema); kind-specific fields only when set. */
export type NearestResource = NearestItem

/** Builds the API item of a row selected with NEAREST_COLUMNS and distance_m, seen from (lon, lat). */
export function nearestItem(row: Record<string, unknown>, fromLon: number, fromLat: number): NearestResource {
  const lon = Number(row.lon)
  const lat = Number(row.lat)
  const item: NearestResource = {
    id: Number(row.id),
    name: row.name as string,
    kind: row.kind as ResourceKind,
    capabilities: row.capabilities as Capability[],
    status: row.status as ResourceStatus,
    statusUpdatedAt: (row.status_updated_at as Date).toISOString(),
    distanceM: Math.round(Number(row.distance_m) * 100) / 100,
    bearingDeg: Math.round(bearingDeg(fromLon, fromLat, lon, lat) * 10) / 10,
    contact: (row.contact as string | null) ?? null,
    dutyPhone: (row.duty_phone as string | null) ?? null,
    organisation: (row.organisation as string | null) ?? null,
    lon,
    lat,
  }
  if (row.team_type !== null) item.teamType = row.team_type as string
  if (row.headcount !== null) item.headcount = row.headcount as number
  if (row.equipment_type !== null) item.equipmentType = row.equipment_type as string
  if (row.quantity !== null) item.quantity = row.quantity as number
  if (row.kind === 'depot') item.items = row.items as DepotItem[]
  if (row.capacity !== null) item.capacity = row.capacity as number
  if (row.expert_field !== null) item.expertField = row.expert_field as string
  return item
}

/** A `pg` connection as the knex pool hands it out. */
interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>
}

/**
 * Runs a statement as a named prepared statement on a pooled connection, so that PostgreSQL parses
 * it once per connection instead of on every call (knex has no prepared statements). The name is
 * a hash of the SQL text: each filter combination is its own statement, at most 16 per connection.
 */
async function runPrepared(db: Knex, statement: Knex.Raw): Promise<Array<Record<string, unknown>>> {
  // The embedded database is one session shared by every connection: names would collide there.
  if (isEmbedded(db)) return ((await statement) as { rows: Array<Record<string, unknown>> }).rows
  const { sql, bindings } = statement.toSQL().toNative()
  const name = `riskmap_nearest_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 16)}`
  const connection = (await db.client.acquireConnection()) as PgConnection
  try {
    return (await connection.query({ name, text: sql, values: bindings as unknown[] })).rows
  } finally {
    await db.client.releaseConnection(connection)
  }
}

/** The exact k nearest resources matching the filter, nearest first (ties by id). */
export async function nearestResources(db: Knex, query: NearestQuery): Promise<NearestResource[]> {
  const rows = await runPrepared(db, nearestStatement(db, query))
  return rows.map((row) => nearestItem(row, query.lon, query.lat))
}
