import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import type { RoadClass } from '../../server/domain/roads'
import { createInProcessEngine } from '../../server/modules/roads/in-process'
import { bumpNetworkVersion, insertRoads, snapPoints } from '../../server/modules/roads/network'
import { createPgRoutingEngine } from '../../server/modules/roads/pgrouting'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import { buildTestApp } from '../helpers/app'
import { riverYKm } from '../../server/demo/roads'
import { injectSignedIn } from '../helpers/auth'
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js'

// A hand-built town on a river (metres east/north of an origin in Shenyang): a road along each
// bank, ONE bridge 2 km east, streets up and down from the bank roads, a one-way street, a street
// on an island with no bridge, and a resource 4 km from any road. Every expected time below is
// computed by hand from the lengths and speeds (emergency speed = limit × class factor).

const ORIGIN = { lon: 123.4, lat: 41.8 }
const RAD = Math.PI / 180
/** Metres per degree at the origin's latitude (series for the WGS 84 ellipsoid). */
const M_PER_DEG_LAT = 111132.954 - 559.822 * Math.cos(2 * ORIGIN.lat * RAD) + 1.175 * Math.cos(4 * ORIGIN.lat * RAD)
const M_PER_DEG_LON = 111412.84 * Math.cos(ORIGIN.lat * RAD) - 93.5 * Math.cos(3 * ORIGIN.lat * RAD)
const at = (x: number, y: number): [number, number] => [ORIGIN.lon + x / M_PER_DEG_LON, ORIGIN.lat + y / M_PER_DEG_LAT]

/** Emergency speeds, m/s: bank roads primary 50 km/h × 1.1, bridge secondary 40 × 1.1, streets residential 30 × 1.2. */
const BANK = (50 * 1.1) / 3.6
const BRIDGE = (40 * 1.1) / 3.6
const STREET = (30 * 1.2) / 3.6

type Line = { cls: RoadClass; maxspeed?: number; oneway?: boolean; from: [number, number]; to: [number, number] }
const ROADS: Line[] = [
  // north bank road y = 200, split at every junction
  ...[
    [-3000, -2500],
    [-2500, 0],
    [0, 1000],
    [1000, 2000],
    [2000, 3000],
  ].map(([a, b]) => ({ cls: 'primary' as const, maxspeed: 50, from: [a!, 200] as [number, number], to: [b!, 200] as [number, number] })),
  // south bank road y = -200
  ...[
    [-3000, 0],
    [0, 2000],
    [2000, 3000],
  ].map(([a, b]) => ({ cls: 'primary' as const, maxspeed: 50, from: [a!, -200] as [number, number], to: [b!, -200] as [number, number] })),
  { cls: 'secondary', maxspeed: 40, from: [2000, -200], to: [2000, 200] }, // the bridge
  { cls: 'residential', from: [0, 200], to: [0, 600] }, // the incident's street
  { cls: 'residential', from: [0, -200], to: [0, -600] }, // A's street, south bank
  { cls: 'residential', from: [-2500, 200], to: [-2500, 1000] }, // B's street
  { cls: 'residential', oneway: true, from: [1000, 200], to: [1000, 1000] }, // C's street: one-way northbound
  { cls: 'residential', from: [1000, 1000], to: [-2500, 1000] }, // the back street
  { cls: 'residential', from: [-1000, -400], to: [-1000, -800] }, // island: joins nothing
]

const INCIDENT = at(0, 400)
/** Hand-computed arrival times, seconds. */
const EXPECTED = {
  // A (0,-400): 200 m street, 2000 m south bank, 400 m bridge, 2000 m north bank, 200 m street
  A: 200 / STREET + 2000 / BANK + 400 / BRIDGE + 2000 / BANK + 200 / STREET,
  // B (-2500,600): 400 m down its street, 2500 m along the north bank, 200 m up
  B: 400 / STREET + 2500 / BANK + 200 / STREET,
  // C (1000,600): may not drive south; 400 m north, 3500 m back street, 800 m down B's street, 2500 m bank, 200 m up
  C: 400 / STREET + 3500 / STREET + 800 / STREET + 2500 / BANK + 200 / STREET,
}
const RESOURCES = {
  A: at(0, -400), // 800 m from the incident in a straight line, across the river
  B: at(-2500, 600),
  C: at(1000, 600),
  D: at(-1000, -600), // on the island
  E: at(0, 5000), // 4.4 km from the nearest road
}

let scratch: ScratchDatabase
let app: FastifyInstance
let db: Knex
const ids: Record<string, number> = {}

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_route')
  app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 },
  })
  await injectSignedIn(app)
  db = app.db
  await db.transaction(async (trx) => {
    await insertRoads(
      trx,
      ROADS.map((r) => ({ roadClass: r.cls, maxspeedKmh: r.maxspeed ?? null, oneway: r.oneway ?? false, coordinates: [at(...r.from), at(...r.to)] })),
    )
    await bumpNetworkVersion(trx)
  })
  for (const [name, [lon, lat]] of Object.entries(RESOURCES)) {
    const { rows } = await db.raw<{ rows: Array<{ id: string }> }>(
      `INSERT INTO resource (name, kind, status, capabilities, team_type, headcount, geom)
       VALUES (?, 'rescue_team', 'available', ARRAY['fire'], '消防', 20, ST_SetSRID(ST_MakePoint(?, ?), 4326)) RETURNING id`,
      [`队伍${name}`, lon, lat],
    )
    ids[name] = Number(rows[0]!.id)
  }
}, 300_000)

afterAll(async () => {
  await app?.close()
  await scratch?.drop()
})

interface TimedItem {
  id: number
  lon: number
  lat: number
  etaS: number
  distanceM: number
  roadDistanceM: number
  route: { type: string; coordinates: number[][] } | null
  snap: { offRoadM: number }
}
interface TimedBody {
  items: TimedItem[]
  unreachable: Array<{ id: number; reason: string; offRoadM: number | null }>
  routing: { engine: string; incident: { offRoadM: number; fraction: number }; search: { maxDrivingS: number | null } }
}

async function nearest(query: string, expectStatus = 200) {
  const res = await app.inject(`/api/resources/nearest?lon=${INCIDENT[0]}&lat=${INCIDENT[1]}&capability=fire&${query}`)
  expect(res.statusCode, res.body).toBe(expectStatus)
  return res.json()
}

describe('nearest by travel time on a river town with one bridge', () => {
  it('ranks by time differently from the straight line, with hand-computed times within 1 %', async () => {
    const byDistance = (await nearest('k=3')) as { items: Array<{ id: number }> }
    expect(byDistance.items.map((i) => i.id)).toEqual([ids.A, ids.C, ids.D])
    const body = (await nearest('k=5&by=time')) as TimedBody
    expect(body.routing.engine).toBe(scratch.embedded ? 'in-process' : 'pgrouting')
    expect(body.routing.incident.offRoadM).toBeLessThan(0.5)
    // B is 2.5 km away but on this bank: first. A is 800 m away across the river: second. C is
    // 1 km away but its one-way street sends it round the back: last.
    expect(body.items.map((i) => i.id)).toEqual([ids.B, ids.A, ids.C])
    for (const item of body.items) {
      const name = Object.keys(ids).find((n) => ids[n] === item.id) as 'A' | 'B' | 'C'
      expect(Math.abs(item.etaS - EXPECTED[name]) / EXPECTED[name], `${name}: ${item.etaS} s vs ${EXPECTED[name]} s`).toBeLessThan(0.01)
      expect(item.snap.offRoadM).toBeLessThan(0.5)
      // one line driven from the resource to the incident (every edge in its driving direction)
      expect(item.route?.type).toBe('LineString')
      const line = item.route!.coordinates
      expect(line[0]![0]).toBeCloseTo(item.lon, 5)
      expect(line[0]![1]).toBeCloseTo(item.lat, 5)
      expect(line.at(-1)![0]).toBeCloseTo(INCIDENT[0], 5)
      expect(line.at(-1)![1]).toBeCloseTo(INCIDENT[1], 5)
    }
    const a = body.items.find((i) => i.id === ids.A)!
    expect(Math.abs(a.roadDistanceM - 4800) / 4800).toBeLessThan(0.01)
    expect(a.distanceM).toBeLessThan(810)
    // A's route crosses the bridge at x = 2000 m
    const coords = a.route!.type === 'LineString' ? a.route!.coordinates : (a.route!.coordinates as unknown as number[][][]).flat()
    expect(Math.max(...coords.map((c) => c[0]!))).toBeCloseTo(at(2000, 0)[0], 5)
  })

  it('reports the island resource as unreachable and the far one as off the network, not hidden', async () => {
    const body = (await nearest('k=5&by=time')) as TimedBody
    expect(body.items.map((i) => i.id)).not.toContain(ids.D)
    const d = body.unreachable.find((u) => u.id === ids.D)
    expect(d?.reason).toBe('no_route')
    const e = body.unreachable.find((u) => u.id === ids.E)
    expect(e?.reason).toBe('off_network')
    expect(e!.offRoadM!).toBeGreaterThan(3900)
  })

  it('refuses an incident outside the network, and k out of range, naming the parameter; by=distance still answers there', async () => {
    const far = at(0, 8000)
    const res = await app.inject(`/api/resources/nearest?lon=${far[0]}&lat=${far[1]}&by=time`)
    expect(res.statusCode).toBe(422)
    expect(res.json().error.code).toBe('outside_network')
    expect(res.json().error.message).toMatch(/from the nearest road/)
    expect((await app.inject(`/api/resources/nearest?lon=${far[0]}&lat=${far[1]}`)).statusCode).toBe(200)
    const bad = await app.inject(`/api/resources/nearest?lon=${INCIDENT[0]}&lat=${INCIDENT[1]}&by=time&k=0`)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.details[0].field).toBe('k')
    const badBy = await app.inject(`/api/resources/nearest?lon=${INCIDENT[0]}&lat=${INCIDENT[1]}&by=fastest`)
    expect(badBy.statusCode).toBe(400)
    expect(badBy.json().error.details[0].field).toBe('by')
  })

  it('gives the same times on both engines (pgRouting only on a real server)', async () => {
    const [incident] = await snapPoints(db, [{ lon: INCIDENT[0], lat: INCIDENT[1] }])
    const origins = (
      await snapPoints(
        db,
        [RESOURCES.A, RESOURCES.B, RESOURCES.C, RESOURCES.D].map(([lon, lat]) => ({ lon, lat })),
      )
    ).map((s) => s!)
    const engines = [createInProcessEngine(db)]
    if (!scratch.embedded) engines.push(createPgRoutingEngine(db, async () => 55 / 3.6))
    const results = await Promise.all(engines.map((e) => e.routesTo(incident!, origins, Infinity)))
    for (const routes of results) {
      expect(routes[3]).toBeNull() // the island
      ;(['A', 'B', 'C'] as const).forEach((name, i) => {
        expect(Math.abs(routes[i]!.graphTimeS - EXPECTED[name]) / EXPECTED[name]).toBeLessThan(0.01)
      })
    }
    if (results.length === 2) {
      results[0]!.forEach((r, i) => {
        expect(results[1]![i] === null).toBe(r === null)
        if (r) expect(Math.abs(results[1]![i]!.graphTimeS - r.graphTimeS)).toBeLessThan(1e-6)
        if (r) expect(results[1]![i]!.pieces!.map((p) => p.edge)).toEqual(r.pieces!.map((p) => p.edge))
      })
      // asked for the pieces of the k fastest by time + extra only, pgRouting sends just those (the
      // same pieces), and every route's time
      const full = results[1]!
      const times = full.map((r) => r?.graphTimeS ?? Infinity)
      const fastest = times.indexOf(Math.min(...times))
      for (const extraS of [[0, 0, 0, 0], times.map((_, i) => (i === fastest ? 3600 : 0))]) {
        const total = times.map((t, i) => t + extraS[i]!)
        const pick = total.indexOf(Math.min(...total))
        const some = await engines[1]!.routesTo(incident!, origins, Infinity, undefined, { piecesFor: { k: 1, extraS } })
        expect(some.map((r) => r?.graphTimeS ?? null)).toEqual(full.map((r) => r?.graphTimeS ?? null))
        expect(some.map((r) => r !== null && r.pieces !== null)).toEqual(full.map((_, i) => i === pick))
        expect(some[pick]!.pieces).toEqual(full[pick]!.pieces)
      }
      // a bounded search finds only what arrives within the bound, on both engines alike
      const bounded = await Promise.all(engines.map((e) => e.routesTo(incident!, origins, EXPECTED.A - 1)))
      expect(bounded[0]!.map((r) => r !== null)).toEqual([false, true, false, false])
      expect(bounded[1]!.map((r) => r !== null)).toEqual([false, true, false, false])
    }
  })

  it('reloads the in-process graph when the network changes: a second bridge next to the incident makes A first', async () => {
    await db.transaction(async (trx) => {
      await insertRoads(trx, [{ roadClass: 'secondary', maxspeedKmh: 40, coordinates: [at(0, -200), at(0, 200)] }])
      await bumpNetworkVersion(trx)
    })
    try {
      const body = (await nearest('k=2&by=time')) as TimedBody
      expect(body.items.map((i) => i.id)).toEqual([ids.A, ids.B])
      const eta = 200 / STREET + 400 / BRIDGE + 200 / STREET
      expect(Math.abs(body.items[0]!.etaS - eta) / eta).toBeLessThan(0.01)
    } finally {
      await db.transaction(async (trx) => {
        await trx.raw("DELETE FROM road_edge WHERE road_class = 'secondary' AND id = (SELECT max(id) FROM road_edge)")
        await bumpNetworkVersion(trx)
      })
    }
  })
})

describe('isochrones', () => {
  const contains = async (geometry: unknown, [lon, lat]: [number, number]) => {
    const { rows } = await db.raw<{ rows: Array<{ inside: boolean }> }>(
      'SELECT ST_Contains(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), ST_SetSRID(ST_MakePoint(?, ?), 4326)) AS inside',
      [JSON.stringify(geometry), lon, lat],
    )
    return rows[0]!.inside
  }

  it('draws what A reaches in 5 and 10 minutes: the incident across the river only in 10; cached until the network changes', async () => {
    const res = await app.inject(`/api/roads/isochrones?resourceId=${ids.A}&minutes=10,5`)
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json() as { cached: boolean; features: Array<{ geometry: unknown; properties: { minutes: number; vertices: number } }> }
    expect(body.features.map((f) => f.properties.minutes)).toEqual([5, 10])
    expect(body.cached).toBe(false)
    // A needs 334 s to the incident: outside the 5-minute area, inside the 10-minute one
    expect(await contains(body.features[0]!.geometry, INCIDENT)).toBe(false)
    expect(await contains(body.features[1]!.geometry, INCIDENT)).toBe(true)
    expect(await contains(body.features[0]!.geometry, at(1500, -200))).toBe(true)
    expect((await app.inject(`/api/roads/isochrones?resourceId=${ids.A}&minutes=5,10`)).json().cached).toBe(true)
    await db.transaction((trx) => bumpNetworkVersion(trx))
    expect((await app.inject(`/api/roads/isochrones?resourceId=${ids.A}&minutes=5,10`)).json().cached).toBe(false)
  })

  it('refuses minutes out of range and a resource off the network, naming the parameter', async () => {
    const zero = await app.inject(`/api/roads/isochrones?resourceId=${ids.A}&minutes=0`)
    expect(zero.statusCode).toBe(400)
    expect(zero.json().error.details[0].field).toBe('minutes')
    const off = await app.inject(`/api/roads/isochrones?resourceId=${ids.E}`)
    expect(off.statusCode).toBe(422)
    expect(off.json().error.details[0].field).toBe('resourceId')
  })

  it('joins the isochrones of every available resource of a capability, leaves out the one off the network, and caches the union until a resource changes', async () => {
    type Collection = {
      cached: boolean
      resources: number
      resourceIds: number[]
      offNetworkIds: number[]
      features: Array<{ geometry: unknown; properties: { minutes: number; resources: number } }>
    }
    const get = async (query: string) => {
      const res = await app.inject(`/api/roads/isochrones?${query}`)
      expect(res.statusCode, res.body).toBe(200)
      return res.json() as Collection
    }
    const union = await get('capability=fire&minutes=10,5')
    expect(union.features.map((f) => f.properties.minutes)).toEqual([5, 10])
    expect(union.resources).toBe(5)
    expect(union.resourceIds).toEqual([ids.A, ids.B, ids.C, ids.D].sort((a, b) => a - b))
    expect(union.offNetworkIds).toEqual([ids.E])
    // The union, by its definition: the per-resource areas joined by PostGIS here, same area within 0.1 %.
    const own = await Promise.all([ids.A, ids.B, ids.C, ids.D].map((id) => get(`resourceId=${id}&minutes=5,10`)))
    for (const [n, minutes] of [5, 10].entries()) {
      const parts = own
        .map((o) => o.features[n]!.geometry)
        .filter((g) => g !== null)
        .map((g) => JSON.stringify(g))
      const { rows } = await db.raw<{ rows: Array<{ expected: number; got: number; outside: number }> }>(
        `WITH e AS (SELECT ST_Union(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326))) AS g FROM unnest(?::text[]) AS t(g)),
              u AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON(?), 4326) AS g)
         SELECT ST_Area(e.g::geography) AS expected, ST_Area(u.g::geography) AS got, ST_Area(ST_Difference(e.g, u.g)::geography) AS outside FROM e, u`,
        [parts, JSON.stringify(union.features[n]!.geometry)],
      )
      expect(Math.abs(rows[0]!.got - rows[0]!.expected) / rows[0]!.expected, `${minutes} min`).toBeLessThan(0.001)
      expect(rows[0]!.outside / rows[0]!.expected).toBeLessThan(0.001)
      expect(union.features[n]!.properties.resources).toBe(parts.length)
    }
    // The end of the island's street (D) and the incident's bank are both covered in 10 minutes, though no one resource reaches both.
    expect(await contains(union.features[1]!.geometry, at(-1000, -790))).toBe(true)
    expect(await contains(union.features[1]!.geometry, INCIDENT)).toBe(true)
    expect((await get('capability=fire&minutes=5,10')).cached).toBe(true)
    // B moves 100 m up its street: the union is recomputed, A's own isochrones stay cached.
    await db.raw('UPDATE resource SET geom = ST_SetSRID(ST_MakePoint(?, ?), 4326), updated_at = now() WHERE id = ?', [...at(-2500, 700), ids.B])
    expect((await get('capability=fire&minutes=5,10')).cached).toBe(false)
    expect((await get(`resourceId=${ids.A}&minutes=5,10`)).cached).toBe(true)
    // C is deployed: left out of the set.
    await db.raw("UPDATE resource SET status = 'deployed', updated_at = now() WHERE id = ?", [ids.C])
    try {
      const without = await get('capability=fire&minutes=5,10')
      expect(without.cached).toBe(false)
      expect(without.resourceIds).not.toContain(ids.C)
    } finally {
      await db.raw("UPDATE resource SET status = 'available', geom = ST_SetSRID(ST_MakePoint(?, ?), 4326), updated_at = now() WHERE id IN (?, ?) AND id = ?", [
        ...at(-2500, 600),
        ids.B,
        ids.C,
        ids.B,
      ])
      await db.raw("UPDATE resource SET status = 'available', updated_at = now() WHERE id = ?", [ids.C])
    }
    // The network changes: recomputed.
    await db.transaction((trx) => bumpNetworkVersion(trx))
    expect((await get('capability=fire&minutes=5,10')).cached).toBe(false)
  })

  it('takes a resource or a capability, not both nor neither, and refuses an unknown capability, naming the parameter', async () => {
    const both = await app.inject(`/api/roads/isochrones?resourceId=${ids.A}&capability=fire`)
    expect(both.statusCode).toBe(400)
    expect(both.json().error.details[0].field).toBe('capability')
    const neither = await app.inject('/api/roads/isochrones?minutes=5')
    expect(neither.statusCode).toBe(400)
    expect(neither.json().error.details[0].field).toBe('resourceId')
    const unknown = await app.inject('/api/roads/isochrones?capability=juggling')
    expect(unknown.statusCode).toBe(400)
    expect(JSON.stringify(unknown.json().error.details)).toContain('capability')
  })
})

describe('coverage gaps in minutes', () => {
  // Risk cells around the town: the incident's street, A's street across the river, the far east
  // end of the south bank, and one 8 km north, beyond every road (E, 4.4 km from a road, stands
  // nearer to it than any team stands to the others).
  const places = { incident: INCIDENT, south: at(0, -400), east: at(3000, -200), north: at(0, 8000) }
  const cells: Record<string, string> = {}
  beforeAll(async () => {
    for (const [name, [lon, lat]] of Object.entries(places)) {
      const h3 = latLngToCell(lat, lon, app.grading.res)
      cells[name] = h3
      const ring = cellToBoundary(h3, true)
      await db.raw(`INSERT INTO cell (h3, res, level, rule, geom) VALUES (?, ?, 4, 'highest', ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))`, [
        h3,
        app.grading.res,
        JSON.stringify({ type: 'Polygon', coordinates: [[...ring, ring[0]]] }),
      ])
    }
  })
  afterAll(async () => {
    await db.raw('DELETE FROM cell WHERE h3 = ANY(?::text[])', [`{${Object.values(cells).join(',')}}`])
  })

  interface Gap {
    h3: string
    bestTimeS?: number | null
    offNetwork?: boolean
    nearestTeam: { id: number; distanceM: number } | null
  }
  const gaps = async (query: string) => {
    const res = await app.inject(`/api/resources/coverage-gaps?capability=fire&${query}`)
    expect(res.statusCode, res.body).toBe(200)
    return res.json() as { query: { measure: string; minutes: number | null; teams?: number; teamsOffNetwork?: number }; cellsChecked: number; gaps: Gap[] }
  }

  it('lists the cells no team reaches within N minutes by road, each with the best time of the nearest-by-time query at its centre', async () => {
    // The best time to each cell centre, by the nearest-by-time query checked by hand above.
    const eta: Record<string, number> = {}
    for (const name of ['incident', 'south', 'east']) {
      const [lat, lon] = cellToLatLng(cells[name]!)
      const res = await app.inject(`/api/resources/nearest?lon=${lon}&lat=${lat}&capability=fire&k=1&by=time`)
      expect(res.statusCode, res.body).toBe(200)
      eta[name] = (res.json() as TimedBody).items[0]!.etaS
    }
    const times = Object.values(eta)
    const minutes = Math.ceil(Math.min(...times) / 60)
    expect(Math.max(...times), 'the cells must straddle the limit for the test to mean something').toBeGreaterThan(minutes * 60)

    const body = await gaps(`minutes=${minutes}`)
    expect(body.query).toMatchObject({ measure: 'road_time', minutes, teams: 5, teamsOffNetwork: 1 })
    expect(body.cellsChecked).toBe(4)
    const expected = Object.keys(eta)
      .filter((n) => eta[n]! > minutes * 60)
      .map((n) => cells[n])
      .concat(cells.north)
      .sort()
    expect(body.gaps.map((g) => g.h3).sort()).toEqual(expected)
    for (const g of body.gaps) {
      const name = Object.keys(cells).find((n) => cells[n] === g.h3)!
      if (name === 'north') {
        expect(g).toMatchObject({ bestTimeS: null, offNetwork: true })
        continue
      }
      expect(g.offNetwork).toBe(false)
      expect(Math.abs(g.bestTimeS! - eta[name]!), `${name}: ${g.bestTimeS} s vs ${eta[name]} s`).toBeLessThan(0.5)
    }
    // By straight-line distance the northern cell is covered (E stands 3.6 km from it), the others too.
    const byDistance = await gaps('thresholdM=5000')
    expect(byDistance.query.measure).toBe('geodesic')
    expect(byDistance.gaps).toEqual([])
  })

  it('answers in GeoJSON for the map overlay, with the best time per cell, and refuses minutes out of range', async () => {
    const res = await app.inject('/api/resources/coverage-gaps?capability=fire&minutes=1&format=geojson')
    expect(res.statusCode, res.body).toBe(200)
    const fc = res.json() as { features: Array<{ geometry: { type: string }; properties: { h3: string; bestTimeS: number | null; offNetwork: boolean } }> }
    expect(fc.features.length).toBeGreaterThan(0)
    for (const f of fc.features) {
      expect(f.geometry.type).toBe('Polygon')
      expect(f.properties.offNetwork || f.properties.bestTimeS! > 60).toBe(true)
    }
    for (const bad of ['0', '121', 'ten']) {
      const r = await app.inject(`/api/resources/coverage-gaps?capability=fire&minutes=${bad}`)
      expect(r.statusCode).toBe(400)
      expect(r.json().error.details[0].field).toBe('minutes')
    }
  })
})

describe('the demo network', () => {
  it('is loaded with the demo, and makes travel time rank differently from the straight line beside its river', async () => {
    const demo = await buildTestApp({}, { as: 'commander' })
    try {
      const summary = await demo.roads.summary()
      expect(summary.edges).toBeGreaterThan(2000)
      // Points 600 m north of the river, every 3 km along it: some have their straight-line nearest fire team across it.
      let differ = 0
      for (let x = -18; x <= 18; x += 3) {
        const lon = 123.43 + x / (111.32 * Math.cos((41.8 * Math.PI) / 180))
        const lat = 41.8 + (riverYKm(x) + 0.6) / 111.05
        const q = `lon=${lon}&lat=${lat}&capability=fire&k=3`
        const byDistance = await demo.inject(`/api/resources/nearest?${q}`)
        const byTime = await demo.inject(`/api/resources/nearest?${q}&by=time`)
        expect(byDistance.statusCode, byDistance.body).toBe(200)
        // a point in a block whose streets the demo left out may lie beyond the snap limit
        if (byTime.statusCode === 422 && byTime.json().error.code === 'outside_network') continue
        expect(byTime.statusCode, byTime.body).toBe(200)
        if (byDistance.json().items[0]?.id !== byTime.json().items[0]?.id) differ++
      }
      expect(differ).toBeGreaterThan(0)
    } finally {
      await demo.close()
    }
  })
})
