/**
 * The response measure: how far help is from a place. Every "is there a capable team close
 * enough" question (coverage gaps today) goes through `nearestResponders`, so that road-network
 * travel time (pgRouting, docs/domain.md §6) can replace the straight line here and nowhere else.
 */
import type { Knex } from 'knex'
import { nearestSubquery, type NearestFilter } from './nearest'

/** What `Responder.distanceM` measures; returned by the API so clients can label it. */
export const RESPONSE_MEASURE = {
  id: 'geodesic',
  description: 'straight-line geodesic distance on the WGS 84 spheroid, metres (not road distance)',
} as const

export interface Origin {
  /** WGS 84 degrees. */
  lon: number
  lat: number
}

export interface Responder {
  id: number
  name: string
  /** Response distance from the origin, metres, by RESPONSE_MEASURE. */
  distanceM: number
}

/**
 * For each origin (same order), the nearest resource matching `filter` by the response measure,
 * or null when none matches. One statement for all origins: a LATERAL exact-KNN per origin.
 */
export async function nearestResponders(db: Knex, origins: readonly Origin[], filter: NearestFilter): Promise<Array<Responder | null>> {
  if (origins.length === 0) return []
  const sub = nearestSubquery('o.pt', 1, filter, 'r.id, r.name')
  const { rows } = await db.raw<{ rows: Array<{ i: number; id: string | null; name: string | null; distance_m: number | null }> }>(
    `SELECT o.i, n.id, n.name, n.distance_m
     FROM (SELECT j.i, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326)::geography AS pt
           FROM jsonb_to_recordset(?::jsonb) AS j(i integer, lon float8, lat float8)) o
     LEFT JOIN LATERAL (${sub.sql}) n ON true
     ORDER BY o.i`,
    [JSON.stringify(origins.map((o, i) => ({ i, lon: o.lon, lat: o.lat }))), ...sub.bindings],
  )
  const out: Array<Responder | null> = origins.map(() => null)
  for (const r of rows) {
    if (r.id !== null) out[r.i] = { id: Number(r.id), name: r.name as string, distanceM: Math.round(Number(r.distance_m) * 100) / 100 }
  }
  return out
}
