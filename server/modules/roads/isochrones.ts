/**
 * Isochrones (docs/domain.md §6): the area a resource reaches within N minutes, as the concave
 * hull of the network vertices its search reaches in time (hull.ts). Cached per resource, keyed by the network
 * version and the resource's place and last update, so a network or resource change invalidates it.
 * The isochrones of a capability are the union of those of its available resources.
 */
import { createHash } from 'node:crypto'
import type { MultiPolygon, Polygon } from 'geojson'
import type { Knex } from 'knex'
import type { Capability } from '../../domain/resources'
import { AppError, notFound } from '../../errors'
import type { EngineName } from './engine'
import { reachOutline } from './hull'
import { outsideNetwork } from './travel'
import type { Routing } from './plugin'

/** Minutes a request may ask for, and the largest. */
export const DEFAULT_MINUTES = [5, 10, 15, 30] as const
export const MAX_MINUTES = 60
/** Cached isochrone sets kept, least recently used dropped first. */
const CACHE_SIZE = 200

export interface Isochrone {
  minutes: number
  /** GeoJSON Polygon or MultiPolygon (WGS 84), null when nothing is reached in time. */
  geometry: Polygon | MultiPolygon | null
  /** Network vertices reached within the time (a capability's: summed over its resources). */
  vertices: number
}

export interface IsochroneSet {
  resourceId: number
  engine: EngineName
  networkVersion: number
  offRoadM: number
  isochrones: Isochrone[]
  cached: boolean
}

const cache = new WeakMap<Routing, Map<string, Omit<IsochroneSet, 'cached'>>>()

/** The places of some network vertices, with the seconds the search took to each. */
async function vertexPlaces(db: Knex, reached: ReadonlyMap<number, number>): Promise<Array<{ s: number; point: [number, number] }>> {
  const { rows } = await db.raw<{ rows: Array<{ id: string; lon: number; lat: number }> }>(
    'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_vertex WHERE id = ANY(?::bigint[])',
    [[...reached.keys()]],
  )
  return rows.map((r) => ({ s: reached.get(Number(r.id))!, point: [r.lon, r.lat] }))
}

/** The isochrones of one resource for the given minutes (ascending, unique). */
export async function resourceIsochrones(db: Knex, routing: Routing, resourceId: number, minutes: readonly number[]): Promise<IsochroneSet> {
  const engine = routing.require()
  const { rows } = await db.raw<{ rows: Array<{ lon: number; lat: number; updated_at: Date }> }>(
    'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, updated_at FROM resource WHERE id = ?',
    [resourceId],
  )
  const resource = rows[0]
  if (!resource) throw notFound('resource', resourceId)
  const summary = await routing.summary()
  if (summary.edges === 0) throw outsideNetwork(null, routing.settings.maxSnapM)
  const key = `${summary.version}:${resourceId}:${resource.lon},${resource.lat}:${resource.updated_at.toISOString()}:${minutes.join(',')}`
  let entries = cache.get(routing)
  if (!entries) cache.set(routing, (entries = new Map()))
  const hit = entries.get(key)
  if (hit) {
    entries.delete(key)
    entries.set(key, hit)
    return { ...hit, cached: true }
  }
  const [snap] = await routing.snaps.snap(db, summary.version, [resource])
  if (!snap || snap.offRoadM > routing.settings.maxSnapM) {
    throw new AppError(
      422,
      'outside_network',
      `resource ${resourceId} is ${Math.round(snap?.offRoadM ?? 0)} m from the nearest road, beyond the ${routing.settings.maxSnapM} m limit`,
      [{ field: 'resourceId', message: 'the resource is outside the road network' }],
    )
  }
  const startS = snap.offRoadM / (routing.settings.offRoadKmh / 3.6)
  const topSpeedMps = Math.max(summary.maxSpeedKmh, routing.settings.offRoadKmh) / 3.6
  const reached = await engine.reach([{ snap, startS }], Math.max(...minutes) * 60, { version: summary.version, topSpeedMps })
  const places = await vertexPlaces(db, reached)
  const hulls = minutes.map((m) => {
    const points = places.filter((p) => p.s <= m * 60).map((p) => p.point)
    return { minutes: m, vertices: points.length, geometry: reachOutline(points) }
  })
  const set = {
    resourceId,
    engine: engine.name,
    networkVersion: summary.version,
    offRoadM: Math.round(snap.offRoadM * 100) / 100,
    isochrones: hulls,
  }
  entries.set(key, set)
  if (entries.size > CACHE_SIZE) entries.delete(entries.keys().next().value!)
  return { ...set, cached: false }
}

/** Resources a capability's isochrones may join (each needs its own search the first time). */
export const MAX_CAPABILITY_RESOURCES = 300

export interface CapabilityIsochroneSet {
  capability: Capability
  engine: EngineName
  networkVersion: number
  /** Available resources with the capability, those joined, and those too far from any road. */
  resources: number
  resourceIds: number[]
  offNetworkIds: number[]
  isochrones: Array<Isochrone & { resources: number }>
  cached: boolean
}

const unionCache = new WeakMap<Routing, Map<string, Omit<CapabilityIsochroneSet, 'cached'>>>()

/**
 * The area the available resources of one capability reach within N minutes: the union of their
 * own isochrones (each from `resourceIsochrones`, so each is cached on its own). The union is cached
 * under the network version and the set's ids, places and last updates, so a network change, a
 * resource that moves, changes status or gains or loses the capability invalidates it, while the
 * resources that did not change keep their cached isochrones. A resource too far from every road is
 * left out and listed.
 */
export async function capabilityIsochrones(db: Knex, routing: Routing, capability: Capability, minutes: readonly number[]): Promise<CapabilityIsochroneSet> {
  const engine = routing.require()
  const summary = await routing.summary()
  if (summary.edges === 0) throw outsideNetwork(null, routing.settings.maxSnapM)
  const { rows } = await db.raw<{ rows: Array<{ id: string; lon: number; lat: number; updated_at: Date }> }>(
    `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, updated_at FROM resource
     WHERE status = 'available' AND ? = ANY(capabilities) ORDER BY id LIMIT ?`,
    [capability, MAX_CAPABILITY_RESOURCES + 1],
  )
  if (rows.length > MAX_CAPABILITY_RESOURCES) {
    throw new AppError(
      422,
      'too_many_resources',
      `more than ${MAX_CAPABILITY_RESOURCES} available resources have the capability ${capability}: their isochrones are not joined (ask per resource)`,
      [{ field: 'capability', message: `more than ${MAX_CAPABILITY_RESOURCES} available resources` }],
    )
  }
  const fingerprint = createHash('sha256')
    .update(rows.map((r) => `${r.id}:${r.lon},${r.lat}:${r.updated_at.toISOString()}`).join(';'))
    .digest('hex')
  const key = `${summary.version}:${capability}:${minutes.join(',')}:${fingerprint}`
  let entries = unionCache.get(routing)
  if (!entries) unionCache.set(routing, (entries = new Map()))
  const hit = entries.get(key)
  if (hit) {
    entries.delete(key)
    entries.set(key, hit)
    return { ...hit, cached: true }
  }
  const parts: Array<{ id: number; minutes: number; vertices: number; geometry: string }> = []
  const resourceIds: number[] = []
  const offNetworkIds: number[] = []
  for (const r of rows) {
    const id = Number(r.id)
    try {
      const set = await resourceIsochrones(db, routing, id, minutes)
      resourceIds.push(id)
      for (const i of set.isochrones) if (i.geometry) parts.push({ id, minutes: i.minutes, vertices: i.vertices, geometry: JSON.stringify(i.geometry) })
    } catch (err) {
      if (err instanceof AppError && err.code === 'outside_network') offNetworkIds.push(id)
      else throw err
    }
  }
  const { rows: unions } = await db.raw<{ rows: Array<{ minutes: number; geometry: string | null; resources: number; vertices: number }> }>(
    `SELECT m.minutes, count(p.id)::int AS resources, coalesce(sum(p.vertices), 0)::int AS vertices,
            ST_AsGeoJSON(ST_CollectionExtract(ST_Union(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(p.geometry), 4326))), 3), 6) AS geometry
     FROM unnest(?::int[]) AS m(minutes)
     LEFT JOIN jsonb_to_recordset(?::jsonb) AS p(id bigint, minutes int, vertices int, geometry text) ON p.minutes = m.minutes
     GROUP BY m.minutes ORDER BY m.minutes`,
    [[...minutes], JSON.stringify(parts)],
  )
  const set = {
    capability,
    engine: engine.name,
    networkVersion: summary.version,
    resources: rows.length,
    resourceIds,
    offNetworkIds,
    isochrones: unions.map((u) => ({ minutes: u.minutes, resources: u.resources, vertices: u.vertices, geometry: u.geometry ? JSON.parse(u.geometry) : null })),
  }
  entries.set(key, set)
  if (entries.size > CACHE_SIZE) entries.delete(entries.keys().next().value!)
  return { ...set, cached: false }
}
