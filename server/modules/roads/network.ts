/**
 * The road network in the database (docs/domain.md §6): writing edges with their topology and
 * travel times, the network version engines and caches key on, and snapping points to the network.
 */
import type { Knex } from 'knex'
import type { Db } from '../../db/db'
import { classSpeeds, roadVertexKey, type ClassSpeedOverrides, type RoadClass } from '../../domain/roads'

/** One road edge to store: a line between two junctions (or dead ends), WGS 84 degrees. */
export interface RoadWrite {
  roadClass: RoadClass
  name?: string | null
  /** Posted limit, km/h; null → the class default. */
  maxspeedKmh?: number | null
  /** Traffic runs only in the direction of `coordinates`. */
  oneway?: boolean
  coordinates: Array<[number, number]>
  osmWayId?: number | null
  synthetic?: boolean
}

/** Vertex key: the coordinates rounded to 1e-7° (≈ 1 cm), so end points that coincide join. */
export const vertexKey = roadVertexKey

/** Rows per INSERT statement (keeps the bound JSON parameter a few megabytes at most). */
const CHUNK = 5000

/**
 * Stores edges with their topology (end points become vertices, shared with existing ones when
 * they coincide) and travel times from their class. Run it in the caller's transaction, then
 * `bumpNetworkVersion`. Returns the number of edges stored.
 */
export async function insertRoads(trx: Db, roads: readonly RoadWrite[]): Promise<number> {
  let stored = 0
  for (let at = 0; at < roads.length; at += CHUNK) {
    const rows = roads.slice(at, at + CHUNK).map((r) => {
      const first = r.coordinates[0]!
      const last = r.coordinates[r.coordinates.length - 1]!
      return {
        cls: r.roadClass,
        name: r.name ?? null,
        maxspeed: r.maxspeedKmh ?? null,
        oneway: r.oneway ?? false,
        osm: r.osmWayId ?? null,
        synthetic: r.synthetic ?? false,
        geom: JSON.stringify({ type: 'LineString', coordinates: r.coordinates }),
        skey: vertexKey(first),
        slon: first[0],
        slat: first[1],
        tkey: vertexKey(last),
        tlon: last[0],
        tlat: last[1],
      }
    })
    const json = JSON.stringify(rows)
    await trx.raw(
      `INSERT INTO road_vertex (key, geom)
       SELECT DISTINCT ON (key) key, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
       FROM (SELECT r.skey AS key, r.slon AS lon, r.slat AS lat FROM jsonb_to_recordset(?::jsonb) AS r(skey text, slon float8, slat float8)
             UNION ALL
             SELECT r.tkey, r.tlon, r.tlat FROM jsonb_to_recordset(?::jsonb) AS r(tkey text, tlon float8, tlat float8)) p
       ON CONFLICT (key) DO NOTHING`,
      [json, json],
    )
    const result = await trx.raw(
      `INSERT INTO road_edge (source, target, road_class, name, maxspeed_kmh, oneway, length_m, speed_kmh, cost_s, reverse_cost_s, osm_way_id, synthetic, geom)
       SELECT vs.id, vt.id, r.cls, r.name, r.maxspeed, r.oneway, e.length_m, e.speed, e.length_m / (e.speed / 3.6),
              CASE WHEN r.oneway THEN -1 ELSE e.length_m / (e.speed / 3.6) END, r.osm, r.synthetic, e.geom
       FROM jsonb_to_recordset(?::jsonb) AS r(cls text, name text, maxspeed real, oneway boolean, osm bigint, synthetic boolean, geom text, skey text, tkey text)
       JOIN road_class c ON c.class = r.cls
       JOIN road_vertex vs ON vs.key = r.skey
       JOIN road_vertex vt ON vt.key = r.tkey
       CROSS JOIN LATERAL (SELECT g AS geom, ST_Length(g::geography) AS length_m, (coalesce(r.maxspeed, c.default_speed_kmh) * c.emergency_factor)::float8 AS speed
                           FROM ST_SetSRID(ST_GeomFromGeoJSON(r.geom), 4326) AS g) e`,
      [json],
    )
    stored += (result as { rowCount: number }).rowCount
  }
  return stored
}

/** Recomputes every edge's speed and travel times from its class (after a class's speeds change). */
export async function recomputeTravelTimes(trx: Db): Promise<void> {
  await trx.raw(
    // (the UPDATE's target cannot be referenced from a LATERAL in its FROM: the speed is computed per class and edge limit first)
    `UPDATE road_edge e SET speed_kmh = s.speed, cost_s = e.length_m / (s.speed / 3.6),
            reverse_cost_s = CASE WHEN e.oneway THEN -1 ELSE e.length_m / (s.speed / 3.6) END
     FROM (SELECT e2.id, (coalesce(e2.maxspeed_kmh, c.default_speed_kmh) * c.emergency_factor)::float8 AS speed
           FROM road_edge e2 JOIN road_class c ON c.class = e2.road_class) s
     WHERE s.id = e.id`,
  )
}

/**
 * Makes the `road_class` table hold the class speeds in force (the defaults with ROAD_CLASS_SPEEDS
 * applied); when any changed, every edge's travel times are recomputed and the network version rises
 * (engines reload, cached isochrones drop). Returns the classes changed. One transaction.
 */
export async function applyClassSpeeds(db: Knex, overrides: ClassSpeedOverrides): Promise<string[]> {
  const wanted = Object.entries(classSpeeds(overrides)).map(([cls, s]) => ({ cls, speed: s.defaultSpeedKmh, factor: s.emergencyFactor }))
  return db.transaction(async (trx) => {
    const { rows } = await trx.raw<{ rows: Array<{ class: string }> }>(
      `UPDATE road_class c SET default_speed_kmh = w.speed, emergency_factor = w.factor
       FROM jsonb_to_recordset(?::jsonb) AS w(cls text, speed real, factor real)
       WHERE c.class = w.cls AND (c.default_speed_kmh IS DISTINCT FROM w.speed OR c.emergency_factor IS DISTINCT FROM w.factor)
       RETURNING c.class`,
      [JSON.stringify(wanted)],
    )
    if (rows.length > 0) {
      await recomputeTravelTimes(trx)
      await bumpNetworkVersion(trx)
    }
    return rows.map((r) => r.class).sort()
  })
}

/** Removes every edge and vertex (before replacing the whole network). */
export async function clearNetwork(trx: Db): Promise<void> {
  await trx.raw('DELETE FROM road_edge')
  await trx.raw('DELETE FROM road_vertex')
}

/** Marks the network changed: engines reload their graph and cached isochrones are dropped. */
export async function bumpNetworkVersion(trx: Db): Promise<number> {
  const { rows } = await trx.raw<{ rows: Array<{ version: string }> }>(
    'UPDATE road_network SET version = version + 1, updated_at = now() WHERE id = 1 RETURNING version',
  )
  return Number(rows[0]!.version)
}

export async function networkVersion(db: Knex): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ version: string }> }>('SELECT version FROM road_network WHERE id = 1')
  return Number(rows[0]?.version ?? 0)
}

export interface NetworkSummary {
  version: number
  edges: number
  vertices: number
  /** Highest emergency speed on any edge, km/h (0 without edges): the bound of the search radius. */
  maxSpeedKmh: number
  /** [minLon, minLat, maxLon, maxLat], or null without edges. */
  bbox: [number, number, number, number] | null
  /** Sum of the edges' lengths, metres. */
  totalLengthM: number
}

export async function networkSummary(db: Knex): Promise<NetworkSummary> {
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT (SELECT version FROM road_network WHERE id = 1) AS version, count(*) AS edges,
            (SELECT count(*) FROM road_vertex) AS vertices, coalesce(max(speed_kmh), 0) AS max_speed,
            ST_XMin(ST_Extent(geom)) AS x0, ST_YMin(ST_Extent(geom)) AS y0, ST_XMax(ST_Extent(geom)) AS x1, ST_YMax(ST_Extent(geom)) AS y1,
            coalesce(sum(length_m), 0) AS total_m
     FROM road_edge`,
  )
  const r = rows[0]!
  return {
    version: Number(r.version),
    edges: Number(r.edges),
    vertices: Number(r.vertices),
    maxSpeedKmh: Number(r.max_speed),
    bbox: r.x0 === null ? null : [Number(r.x0), Number(r.y0), Number(r.x1), Number(r.y1)],
    totalLengthM: Number(r.total_m),
  }
}

/**
 * A point placed on the network: its nearest edge, where along it (`fraction` of the way from
 * `source` to `target`), and the straight off-road leg between the point and that place.
 */
export interface Snap {
  edge: number
  source: number
  target: number
  /** 0 at `source`, 1 at `target`. */
  fraction: number
  /** Seconds from `source` to `target` along the whole edge, and back (-1: one-way). */
  costS: number
  reverseCostS: number
  lengthM: number
  /** Straight distance from the point to its place on the edge, metres. */
  offRoadM: number
  /** The place on the edge, WGS 84 degrees. */
  lon: number
  lat: number
}

/**
 * A lateral subquery placing the point `point` (a geometry expression in EPSG:4326, usually a column
 * of an outer row: use it in `CROSS JOIN LATERAL (…)`) on its nearest edge: by geodesic distance
 * among the 4 nearest by the index, ties by edge id. No row when the network is empty. Its columns
 * are read by `snapOfRow`.
 */
export function snapSubquery(point: string): string {
  return `SELECT c.id AS snap_edge, c.source AS snap_source, c.target AS snap_target, c.cost_s AS snap_cost_s,
              c.reverse_cost_s AS snap_reverse_cost_s, c.length_m AS snap_length_m, c.fraction AS snap_fraction,
              ST_X(c.at) AS snap_lon, ST_Y(c.at) AS snap_lat, ST_Distance(${point}::geography, c.at::geography) AS snap_off_m
       FROM (SELECT e.id, e.source, e.target, e.cost_s, e.reverse_cost_s, e.length_m, l.fraction, ST_LineInterpolatePoint(e.geom, l.fraction) AS at
             FROM (SELECT * FROM road_edge ORDER BY geom <-> ${point} LIMIT 4) e
             CROSS JOIN LATERAL (SELECT ST_LineLocatePoint(e.geom, ${point}) AS fraction) l) c
       ORDER BY snap_off_m, c.id LIMIT 1`
}

/** The snap in a row selected with `snapSubquery`'s columns, or null when it has none (LEFT JOIN). */
export function snapOfRow(r: Record<string, unknown>): Snap | null {
  if (r.snap_edge === null || r.snap_edge === undefined) return null
  return {
    edge: Number(r.snap_edge),
    source: Number(r.snap_source),
    target: Number(r.snap_target),
    fraction: Number(r.snap_fraction),
    costS: Number(r.snap_cost_s),
    reverseCostS: Number(r.snap_reverse_cost_s),
    lengthM: Number(r.snap_length_m),
    offRoadM: Number(r.snap_off_m),
    lon: Number(r.snap_lon),
    lat: Number(r.snap_lat),
  }
}

/**
 * Snaps each point to its nearest edge (by geodesic distance among the 4 nearest by the index),
 * or null when the network is empty. One statement for all points.
 */
export async function snapPoints(db: Knex, points: ReadonlyArray<{ lon: number; lat: number }>): Promise<Array<Snap | null>> {
  if (points.length === 0) return []
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
    `SELECT p.i, s.*
     FROM (SELECT j.i, ST_SetSRID(ST_MakePoint(j.lon, j.lat), 4326) AS pt
           FROM jsonb_to_recordset(?::jsonb) AS j(i integer, lon float8, lat float8)) p
     CROSS JOIN LATERAL (${snapSubquery('p.pt')}) s
     ORDER BY p.i`,
    [JSON.stringify(points.map((p, i) => ({ i, lon: p.lon, lat: p.lat })))],
  )
  const out: Array<Snap | null> = points.map(() => null)
  for (const r of rows) out[Number(r.i)] = snapOfRow(r)
  return out
}

/**
 * Snaps kept per network version and point: resources stay put while incidents vary, so the
 * candidates of a nearest-by-time search are mostly snapped already. Least recently used first out.
 */
export class SnapCache {
  private readonly entries = new Map<string, Snap | null>()

  /** @param size points kept */
  constructor(private readonly size: number) {}

  /** Snaps the points like `snapPoints`, reading the network only for those not cached under `version`. */
  async snap(db: Knex, version: number, points: ReadonlyArray<{ lon: number; lat: number }>): Promise<Array<Snap | null>> {
    const keys = points.map((p) => `${version}:${p.lon},${p.lat}`)
    const out: Array<Snap | null> = []
    const missing: number[] = []
    keys.forEach((key, i) => {
      const hit = this.entries.get(key)
      if (hit === undefined) {
        missing.push(i)
        out.push(null)
        return
      }
      this.entries.delete(key)
      this.entries.set(key, hit)
      out.push(hit)
    })
    if (missing.length === 0) return out
    const snapped = await snapPoints(
      db,
      missing.map((i) => points[i]!),
    )
    missing.forEach((i, n) => {
      out[i] = snapped[n]!
      this.entries.set(keys[i]!, snapped[n]!)
    })
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.size) break
      this.entries.delete(key)
    }
    return out
  }
}
