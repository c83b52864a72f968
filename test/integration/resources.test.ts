import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { wgs84ToBd09, wgs84ToGcj02 } from '../../server/domain/coords'
import { bearingDeg } from '../../server/domain/geo'
import { CAPABILITIES, RESOURCE_KINDS, RESOURCE_STATUSES } from '../../server/domain/resources'
import { buildTestApp } from '../helpers/app'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import { injectSignedIn } from '../helpers/auth'

// Two worlds: the shared graded demo database (read-only here: validation, coverage gaps), and a
// scratch database with 2 000 random resources around Shenyang for the exactness of the nearest
// query and for every write, so that nothing here disturbs other test files.

let demo: FastifyInstance
let scratch: ScratchDatabase
let app: FastifyInstance
let db: Knex

/** Deterministic PRNG (mulberry32) so a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The random resources lie in this box (WGS 84 degrees): most of urban Shenyang. */
const BOX = { minLon: 123.0, minLat: 41.5, maxLon: 123.8, maxLat: 42.2 }
const RANDOM_RESOURCES = 2000
/** Trap pairs: A 400 m due north and B 400.8 m due east of a centre (spheroid distances). */
const TRAP_CENTRES: Array<[number, number]> = [
  [123.15, 41.62],
  [123.45, 41.95],
  [123.7, 42.1],
  [123.3, 41.75],
  [123.6, 41.55],
]

interface Row {
  id: number
  d: number
}

/** Brute force: every matching resource's exact spheroid distance, no index, sorted by distance then id. */
async function bruteForce(
  lon: number,
  lat: number,
  k: number,
  f: { kind?: string; capability?: string; status?: string | null; maxDistanceM?: number },
): Promise<Row[]> {
  const { rows } = await db.raw<{ rows: Array<{ id: string; d: number }> }>(
    `SELECT id, d FROM (
       SELECT id, ST_Distance(geog, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326)::geography, true) AS d, kind, capabilities, status
       FROM resource) t
     WHERE (?::text IS NULL OR kind = ?) AND (?::text IS NULL OR ? = ANY(capabilities)) AND (?::text IS NULL OR status = ?)
       AND (?::float8 IS NULL OR d <= ?)
     ORDER BY d, id LIMIT ?`,
    [
      lon,
      lat,
      f.kind ?? null,
      f.kind ?? null,
      f.capability ?? null,
      f.capability ?? null,
      f.status ?? null,
      f.status ?? null,
      f.maxDistanceM ?? null,
      f.maxDistanceM ?? null,
      k,
    ],
  )
  return rows.map((r) => ({ id: Number(r.id), d: r.d }))
}

async function nearestApi(query: string) {
  const res = await app.inject(`/api/resources/nearest?${query}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as {
    query: { lon: number; lat: number; crs: string }
    items: Array<{ id: number; distanceM: number; bearingDeg: number; lon: number; lat: number; kind: string; status: string; capabilities: string[] }>
  }
}

/** Same ids in the same order, distances within 0.5 % (or 1 cm) of ST_Distance on geography. */
function expectSameRanking(items: Array<{ id: number; distanceM: number }>, expected: Row[], label: string) {
  expect(
    items.map((i) => i.id),
    label,
  ).toEqual(expected.map((r) => r.id))
  items.forEach((item, i) => {
    const d = expected[i]!.d
    expect(Math.abs(item.distanceM - d), `${label}: distance of ${item.id}`).toBeLessThanOrEqual(Math.max(0.005 * d, 0.01))
  })
}

const dataVersion = async () => Number((await db('data_version').first('version')).version)

beforeAll(async () => {
  demo = await buildTestApp()
  scratch = await openScratch(inject('serverUrl'), 'riskmap_res')
  app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 },
  })
  await injectSignedIn(app)
  db = app.db
  // Two division units for the derived division code: a county over the west half, a township in it.
  await db('division').insert({ code: '210106', name: '铁西区', rank: 'county', geom: db.raw('ST_Multi(ST_MakeEnvelope(123.0, 41.5, 123.4, 42.2, 4326))') })
  await db('division').insert({
    code: '210106001',
    name: '测试街道',
    rank: 'township',
    parent_code: '210106',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(123.1, 41.6, 123.2, 41.7, 4326))'),
  })

  const random = rng(20260601)
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!
  const rows = Array.from({ length: RANDOM_RESOURCES }, (_, i) => {
    const kind = pick(RESOURCE_KINDS)
    const capabilities = CAPABILITIES.filter(() => random() < 0.2)
    const r = random()
    return {
      name: `随机资源${i}`,
      kind,
      status: r < 0.7 ? 'available' : r < 0.85 ? 'deployed' : 'out_of_service',
      capabilities,
      lon: BOX.minLon + random() * (BOX.maxLon - BOX.minLon),
      lat: BOX.minLat + random() * (BOX.maxLat - BOX.minLat),
    }
  })
  await db.raw(
    `INSERT INTO resource (name, kind, status, capabilities, geom)
     SELECT name, kind, status, ARRAY(SELECT jsonb_array_elements_text(capabilities)), ST_SetSRID(ST_MakePoint(lon, lat), 4326)
     FROM jsonb_to_recordset(?::jsonb) AS t(name text, kind text, status text, capabilities jsonb, lon float8, lat float8)`,
    [JSON.stringify(rows)],
  )
  for (const [i, [lon, lat]] of TRAP_CENTRES.entries()) {
    const centre = db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography', [lon, lat])
    for (const [name, distance, azimuth] of [
      [`陷阱${i}A`, 400, 0],
      [`陷阱${i}B`, 400.8, Math.PI / 2],
    ] as const) {
      await db.raw(`INSERT INTO resource (name, kind, status, geom) VALUES (?, 'shelter', 'available', ST_Project(?, ?::float8, ?::float8)::geometry)`, [
        name,
        centre,
        distance,
        azimuth,
      ])
    }
  }
  await db.raw('ANALYZE resource')
}, 180_000)

afterAll(async () => {
  await demo?.close()
  await app?.close()
  await scratch?.drop()
})

describe('GET /api/resources/nearest is exact', () => {
  it('ranks like a brute-force spheroid scan over random points, inside, at the edges and outside the data', async () => {
    const random = rng(7)
    const points: Array<[number, number]> = []
    for (let i = 0; i < 60; i++) points.push([BOX.minLon + random() * 0.8, BOX.minLat + random() * 0.7])
    // corners, edges and beyond: the KNN scan has to walk far into the index
    for (const lon of [BOX.minLon - 0.5, BOX.minLon, (BOX.minLon + BOX.maxLon) / 2, BOX.maxLon, BOX.maxLon + 0.5]) {
      for (const lat of [BOX.minLat - 0.5, BOX.minLat, BOX.maxLat, BOX.maxLat + 0.5]) points.push([lon, lat])
    }
    for (const [i, [lon, lat]] of points.entries()) {
      const k = 1 + Math.floor(random() * 30)
      const body = await nearestApi(`lon=${lon}&lat=${lat}&k=${k}&status=any`)
      expect(body.query).toMatchObject({ lon, lat, crs: 'wgs84' })
      expectSameRanking(body.items, await bruteForce(lon, lat, k, { status: null }), `point ${i} (${lon}, ${lat}) k=${k}`)
    }
  })

  it('ranks exactly with kind, capability and status filters, never returning fewer than k when k exist', async () => {
    const random = rng(11)
    for (let i = 0; i < 60; i++) {
      const lon = BOX.minLon - 0.1 + random() * 1.0
      const lat = BOX.minLat - 0.1 + random() * 0.9
      const k = 1 + Math.floor(random() * 20)
      const capability = CAPABILITIES[Math.floor(random() * CAPABILITIES.length)]!
      const kind = random() < 0.5 ? RESOURCE_KINDS[Math.floor(random() * RESOURCE_KINDS.length)]! : undefined
      const status = random() < 0.7 ? 'available' : RESOURCE_STATUSES[Math.floor(random() * 3)]!
      const query = `lon=${lon}&lat=${lat}&k=${k}&capability=${capability}${kind ? `&kind=${kind}` : ''}${status === 'available' ? '' : `&status=${status}`}`
      const body = await nearestApi(query)
      const expected = await bruteForce(lon, lat, k, { kind, capability, status })
      expectSameRanking(body.items, expected, query)
      for (const item of body.items) {
        expect(item.capabilities).toContain(capability)
        expect(item.status).toBe(status)
        if (kind) expect(item.kind).toBe(kind)
      }
    }
  })

  it('returns every match when k exceeds the matches', async () => {
    const f = { kind: 'expert', capability: 'mine', status: 'out_of_service' }
    const all = await bruteForce(123.4, 41.8, 1000, f)
    expect(all.length).toBeGreaterThan(0)
    expect(all.length).toBeLessThan(100)
    const body = await nearestApi(`lon=123.4&lat=41.8&k=100&kind=expert&capability=mine&status=out_of_service`)
    expectSameRanking(body.items, all, 'k=100, few matches')
  })

  it('honours maxDistanceM exactly', async () => {
    for (const maxDistanceM of [500, 3000, 8000]) {
      const body = await nearestApi(`lon=123.41&lat=41.83&k=50&status=any&maxDistanceM=${maxDistanceM}`)
      const expected = await bruteForce(123.41, 41.83, 50, { status: null, maxDistanceM })
      expectSameRanking(body.items, expected, `maxDistanceM=${maxDistanceM}`)
      for (const item of body.items) expect(item.distanceM).toBeLessThanOrEqual(maxDistanceM)
    }
    expect((await nearestApi('lon=100&lat=30&maxDistanceM=1000')).items).toEqual([])
  })

  it('re-ranks where the sphere-based KNN order is wrong (north vs east at 41–42° N)', async () => {
    let knnWrong = 0
    for (const [i, [lon, lat]] of TRAP_CENTRES.entries()) {
      const body = await nearestApi(`lon=${lon}&lat=${lat}&k=3&kind=shelter&status=any`)
      const expected = await bruteForce(lon, lat, 3, { kind: 'shelter', status: null })
      expectSameRanking(body.items, expected, `trap ${i}`)
      const names = await db('resource')
        .whereIn(
          'id',
          body.items.map((it) => it.id),
        )
        .pluck('name')
      expect(names).toEqual(expect.arrayContaining([`陷阱${i}A`, `陷阱${i}B`]))
      const { rows } = await db.raw<{ rows: Array<{ id: string }> }>(
        `SELECT id FROM resource WHERE kind = 'shelter' ORDER BY geog <-> ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography LIMIT 3`,
        [lon, lat],
      )
      if (rows.map((r) => Number(r.id)).join() !== body.items.map((it) => it.id).join()) knnWrong++
    }
    // The data set really exercises the re-ranking: the bare KNN gets some of these wrong.
    expect(knnWrong).toBeGreaterThan(0)
  })

  it('gives the bearing from the query point and converts GCJ-02 / BD-09 query points', async () => {
    const [lon, lat] = [123.4321, 41.7654]
    const plain = await nearestApi(`lon=${lon}&lat=${lat}&k=5`)
    for (const item of plain.items) expect(item.bearingDeg).toBeCloseTo(bearingDeg(lon, lat, item.lon, item.lat), 1)
    for (const [crs, convert] of [
      ['gcj02', wgs84ToGcj02],
      ['bd09', wgs84ToBd09],
    ] as const) {
      const [x, y] = convert(lon, lat)
      const body = await nearestApi(`lon=${x}&lat=${y}&k=5&crs=${crs}`)
      expect(body.query.crs).toBe(crs)
      expect(body.query.lon).toBeCloseTo(lon, 6)
      expect(body.query.lat).toBeCloseTo(lat, 6)
      expect(body.items.map((i) => i.id)).toEqual(plain.items.map((i) => i.id))
    }
  })
})

describe('bad input → 400 naming the parameter', () => {
  it.each([
    ['longitude out of range', 'lon=181&lat=41.8', 'lon'],
    ['latitude out of range', 'lon=123.4&lat=-90.5', 'lat'],
    ['longitude not a number', 'lon=east&lat=41.8', 'lon'],
    ['latitude not a number', 'lon=123.4&lat=41.8N', 'lat'],
    ['latitude missing', 'lon=123.4', 'lat'],
    ['k below 1', 'lon=123.4&lat=41.8&k=0', 'k'],
    ['k above 100', 'lon=123.4&lat=41.8&k=101', 'k'],
    ['k not an integer', 'lon=123.4&lat=41.8&k=2.5', 'k'],
    ['unknown kind', 'lon=123.4&lat=41.8&kind=helicopter', 'kind'],
    ['unknown capability', 'lon=123.4&lat=41.8&capability=flying', 'capability'],
    ['unknown status', 'lon=123.4&lat=41.8&status=lost', 'status'],
    ['negative maxDistanceM', 'lon=123.4&lat=41.8&maxDistanceM=-5', 'maxDistanceM'],
    ['unknown crs', 'lon=123.4&lat=41.8&crs=epsg3857', 'crs'],
    ['unknown parameter', 'lon=123.4&lat=41.8&radius=5', 'radius'],
  ])('nearest: %s', async (_name, query, field) => {
    const res = await demo.inject(`/api/resources/nearest?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error.code).toBe('invalid_input')
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field)
  })

  it.each([
    ['capability missing', '', 'capability'],
    ['unknown capability', 'capability=flying', 'capability'],
    ['negative threshold', 'capability=hazmat&thresholdM=-1', 'thresholdM'],
    ['minLevel out of range', 'capability=hazmat&minLevel=5', 'minLevel'],
    ['unknown format', 'capability=hazmat&format=kml', 'format'],
  ])('coverage gaps: %s', async (_name, query, field) => {
    const res = await demo.inject(`/api/resources/coverage-gaps?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field)
  })

  it.each([
    ['unknown kind', 'kind=boat', 'kind'],
    ['unknown capability', 'capability=flying', 'capability'],
    ['bad bbox', 'bbox=1,2,3', 'bbox'],
    ['limit 0', 'limit=0', 'limit'],
  ])('list: %s', async (_name, query, field) => {
    const res = await demo.inject(`/api/resources?${query}`)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error.details.map((d: { field: string }) => d.field)).toContain(field)
  })
})

const team = {
  kind: 'rescue_team',
  name: '测试危化救援队',
  organisation: '测试应急管理局',
  dutyPhone: '024-12345678',
  contact: '张三',
  capabilities: ['hazmat', 'fire'],
  teamType: 'hazmat',
  headcount: 30,
  lon: 123.15,
  lat: 41.65,
}

async function post(body: object) {
  return app.inject({ method: 'POST', url: '/api/resources', payload: body })
}

function fields(res: { json(): { error: { details: Array<{ field: string }> } } }) {
  return res.json().error.details.map((d) => d.field)
}

describe('writes', () => {
  it('creates, reads, replaces, reports status and deletes, bumping the data version each time', async () => {
    let version = await dataVersion()
    const created = await post(team)
    expect(created.statusCode, created.body).toBe(201)
    const feature = created.json()
    expect(feature.dataVersion).toBe(version + 1)
    version += 1
    expect(await dataVersion()).toBe(version)
    const id = feature.id as number
    expect(created.headers.location).toBe(`/api/resources/${id}`)
    expect(feature.geometry.coordinates).toEqual([123.15, 41.65])
    expect(feature.properties).toMatchObject({
      kind: 'rescue_team',
      status: 'available',
      capabilities: ['hazmat', 'fire'],
      headcount: 30,
      teamType: 'hazmat',
      dutyPhone: '024-12345678',
      organisation: '测试应急管理局',
      divisionCode: '210106001',
      divisionName: '测试街道',
    })
    const statusTime = feature.properties.statusUpdatedAt as string

    const got = await app.inject(`/api/resources/${id}`)
    expect(got.statusCode).toBe(200)
    expect(got.json().properties.name).toBe(team.name)

    // PUT without status keeps status and its time; the point moves and the division follows it
    const put = await app.inject({ method: 'PUT', url: `/api/resources/${id}`, payload: { ...team, headcount: 35, lon: 123.3, lat: 42.0 } })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json().dataVersion).toBe(++version)
    expect(put.json().properties).toMatchObject({ headcount: 35, status: 'available', statusUpdatedAt: statusTime, divisionCode: '210106' })

    const patch = await app.inject({ method: 'PATCH', url: `/api/resources/${id}/status`, payload: { status: 'deployed' } })
    expect(patch.statusCode, patch.body).toBe(200)
    expect(patch.json().dataVersion).toBe(++version)
    expect(patch.json().properties.status).toBe('deployed')
    expect(Date.parse(patch.json().properties.statusUpdatedAt)).toBeGreaterThan(Date.parse(statusTime))
    // a deployed team is not offered by default
    const near = await nearestApi('lon=123.3&lat=42.0&k=3&kind=rescue_team')
    expect(near.items.map((i) => i.id)).not.toContain(id)
    const anyStatus = await nearestApi('lon=123.3&lat=42.0&k=1&kind=rescue_team&status=deployed')
    expect(anyStatus.items[0]!.id).toBe(id)

    const del = await app.inject({ method: 'DELETE', url: `/api/resources/${id}` })
    expect(del.statusCode).toBe(200)
    expect(del.json()).toEqual({ id, deleted: true, dataVersion: ++version })
    expect((await app.inject(`/api/resources/${id}`)).statusCode).toBe(404)
    expect(await dataVersion()).toBe(version)
  })

  it('answers 404 for an unknown id without bumping the data version', async () => {
    const before = await dataVersion()
    expect((await app.inject({ method: 'PUT', url: '/api/resources/99999999', payload: team })).statusCode).toBe(404)
    expect((await app.inject({ method: 'PATCH', url: '/api/resources/99999999/status', payload: { status: 'deployed' } })).statusCode).toBe(404)
    expect((await app.inject({ method: 'DELETE', url: '/api/resources/99999999' })).statusCode).toBe(404)
    expect(await dataVersion()).toBe(before)
  })

  it('creates each kind with its own fields, and converts GCJ-02 / BD-09 coordinates', async () => {
    const bodies = [
      { kind: 'equipment', name: '泡沫消防车', equipmentType: '泡沫消防车', quantity: 2, capabilities: ['fire', 'hazmat'] },
      {
        kind: 'depot',
        name: '物资库',
        items: [
          { item: '沙袋', quantity: 5000, unit: '个' },
          { item: '吸附棉', quantity: 120.5, unit: 'kg' },
        ],
      },
      { kind: 'shelter', name: '避难场所', capacity: 3000, status: 'out_of_service' },
      { kind: 'expert', name: '李四（危化专家）', expertField: '危险化学品', contact: '李四', dutyPhone: '13800000000', capabilities: ['hazmat'] },
    ]
    const [lon, lat] = [123.5, 41.9]
    for (const [i, body] of bodies.entries()) {
      const crs = (['wgs84', 'gcj02', 'bd09', 'cgcs2000'] as const)[i]!
      const [x, y] = crs === 'gcj02' ? wgs84ToGcj02(lon, lat) : crs === 'bd09' ? wgs84ToBd09(lon, lat) : [lon, lat]
      const res = await post({ ...body, lon: x, lat: y, crs })
      expect(res.statusCode, res.body).toBe(201)
      const f = res.json()
      expect(f.geometry.coordinates[0]).toBeCloseTo(lon, 6)
      expect(f.geometry.coordinates[1]).toBeCloseTo(lat, 6)
      expect(f.properties.divisionCode).toBeNull() // outside both test divisions
      expect(f.properties).toMatchObject(body)
      await app.inject({ method: 'DELETE', url: `/api/resources/${f.id}` })
    }
  })

  it.each([
    ['no coordinates', { ...team, lon: undefined, lat: undefined }, ['lon', 'lat']],
    ['no latitude', { ...team, lat: undefined }, ['lat']],
    ['longitude out of range', { ...team, lon: 200 }, ['lon']],
    ['an unknown capability', { ...team, capabilities: ['hazmat', 'flying'] }, ['capabilities[1]']],
    ['a repeated capability', { ...team, capabilities: ['hazmat', 'hazmat'] }, ['capabilities[1]']],
    ['a rescue team without headcount', { ...team, headcount: undefined }, ['headcount']],
    ['a rescue team without capabilities', { ...team, capabilities: [] }, ['capabilities']],
    ['a shelter with a headcount', { kind: 'shelter', name: '避难场所', capacity: 100, headcount: 5, lon: 123.4, lat: 41.8 }, ['headcount']],
    ['a shelter without capacity', { kind: 'shelter', name: '避难场所', lon: 123.4, lat: 41.8 }, ['capacity']],
    ['a depot without items', { kind: 'depot', name: '物资库', items: [], lon: 123.4, lat: 41.8 }, ['items']],
    ['a depot item without unit', { kind: 'depot', name: '物资库', items: [{ item: '沙袋', quantity: 1 }], lon: 123.4, lat: 41.8 }, ['items[0].unit']],
    ['an expert without contact', { kind: 'expert', name: '王五', expertField: '消防', lon: 123.4, lat: 41.8 }, ['contact']],
    ['an unknown kind', { ...team, kind: 'helicopter' }, ['kind']],
    ['an unknown property', { ...team, colour: 'red' }, ['colour']],
    ['a malformed phone', { ...team, dutyPhone: 'call me' }, ['dutyPhone']],
    ['an unknown division', { ...team, divisionCode: '219999' }, ['divisionCode']],
    ['an unknown crs', { ...team, crs: 'mars' }, ['crs']],
  ])('rejects a resource with %s', async (_name, body, expected) => {
    const before = await dataVersion()
    const res = await post(body)
    expect(res.statusCode, res.body).toBe(400)
    expect(res.json().error.code).toBe('invalid_input')
    expect(fields(res)).toEqual(expect.arrayContaining(expected))
    expect(await dataVersion()).toBe(before)
  })
})

describe('GET /api/resources', () => {
  it('lists as GeoJSON with filters matching SQL counts and pages without overlap', async () => {
    const count = async (q: Knex.QueryBuilder) => Number((await q.count<{ count: string }[]>('* as count'))[0]!.count)
    const page1 = (await app.inject('/api/resources?kind=equipment&capability=fire&status=available&limit=10')).json()
    expect(page1.type).toBe('FeatureCollection')
    expect(page1.numberMatched).toBe(await count(db('resource').where({ kind: 'equipment', status: 'available' }).whereRaw("'fire' = ANY(capabilities)")))
    expect(page1.numberReturned).toBe(10)
    const page2 = (await app.inject('/api/resources?kind=equipment&capability=fire&status=available&limit=10&offset=10')).json()
    const ids1 = page1.features.map((f: { id: number }) => f.id)
    expect(page2.features.filter((f: { id: number }) => ids1.includes(f.id))).toEqual([])

    const bbox = [123.2, 41.6, 123.3, 41.7]
    const inBox = (await app.inject(`/api/resources?bbox=${bbox.join(',')}&limit=10000`)).json()
    expect(inBox.numberMatched).toBe(await count(db('resource').whereRaw('ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', bbox)))
    for (const f of inBox.features) {
      expect(f.geometry.coordinates[0]).toBeGreaterThanOrEqual(bbox[0]!)
      expect(f.geometry.coordinates[1]).toBeLessThanOrEqual(bbox[3]!)
    }
  })

  it('serves the vocabulary with labels in both languages', async () => {
    const body = (await demo.inject('/api/resources/vocabulary')).json()
    expect(body.capabilities.map((c: { key: string }) => c.key)).toEqual([...CAPABILITIES])
    expect(body.kinds).toContainEqual({ key: 'rescue_team', zh: '救援队伍', en: 'rescue team' })
    // every capability in the demo data is in the vocabulary
    const { rows } = await demo.db.raw<{ rows: Array<{ c: string }> }>('SELECT DISTINCT unnest(capabilities) AS c FROM resource')
    for (const { c } of rows) expect(CAPABILITIES).toContain(c)
  })
})

describe('GET /api/resources/coverage-gaps on the demo data', () => {
  const capable = `kind = 'rescue_team' AND status = 'available' AND ? = ANY(capabilities)`

  it.each([
    ['hazmat', 5000, 3],
    ['water', 3000, 4],
    ['mine', 5000, 3],
  ])(
    '%s within %i m, level ≥ %i: every listed cell has no capable team within the threshold, every other one has',
    async (capability, thresholdM, minLevel) => {
      // Other test files may regrade the shared database meanwhile: read the API and the cells it
      // should have checked between two identical fingerprints of the cell table.
      const { body, cells, covered } = await whileCellsUnchanged(async () => {
        const res = await demo.inject(`/api/resources/coverage-gaps?capability=${capability}&thresholdM=${thresholdM}&minLevel=${minLevel}`)
        expect(res.statusCode, res.body).toBe(200)
        const cells = (await demo.db('cell').where({ res: 8 }).where('level', '>=', minLevel).select('h3', 'level')) as Array<{ h3: string; level: number }>
        // brute force: the cells with a capable team within the threshold of their centre, no index
        const { rows } = await demo.db.raw<{ rows: Array<{ h3: string }> }>(
          `SELECT c.h3 FROM cell c, LATERAL (SELECT x.lon, x.lat FROM jsonb_to_record(?::jsonb -> c.h3) AS x(lon float8, lat float8)) p
         WHERE c.res = 8 AND c.level >= ? AND EXISTS (
           SELECT 1 FROM resource WHERE ${capable}
             AND ST_Distance(geog, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography, true) <= ?)`,
          [JSON.stringify(Object.fromEntries(await centres(cells.map((c) => c.h3)))), minLevel, capability, thresholdM],
        )
        return { body: res.json(), cells, covered: new Set(rows.map((r) => r.h3)) }
      })
      expect(body.query).toMatchObject({ capability, thresholdM, minLevel, res: 8, measure: 'geodesic' })
      expect(body.cellsChecked).toBe(cells.length)
      const levels = new Map(cells.map((c) => [c.h3, c.level]))
      const listed = new Set<string>()
      for (const gap of body.gaps) {
        listed.add(gap.h3)
        expect(gap.level).toBe(levels.get(gap.h3))
        // brute force: the nearest capable team by exact spheroid distance, no index
        const { rows } = await demo.db.raw<{ rows: Array<{ id: string; d: number }> }>(
          `SELECT id, ST_Distance(geog, ST_SetSRID(ST_MakePoint(?::float8, ?::float8), 4326)::geography, true) AS d
         FROM resource WHERE ${capable} ORDER BY d, id LIMIT 1`,
          [gap.lon, gap.lat, capability],
        )
        if (rows.length === 0) {
          expect(gap.nearestTeam).toBeNull()
        } else {
          expect(rows[0]!.d).toBeGreaterThan(thresholdM)
          expect(gap.nearestTeam.id).toBe(Number(rows[0]!.id))
          expect(gap.nearestTeam.distanceM).toBeCloseTo(rows[0]!.d, 1)
        }
      }
      // completeness: a cell is listed exactly when no capable team is within the threshold
      for (const { h3 } of cells) expect(listed.has(h3) !== covered.has(h3), h3).toBe(true)
      if (capability === 'mine') expect(body.gaps.length).toBe(cells.length) // the demo has no mine rescue team
    },
  )

  it('draws the gaps as GeoJSON cell polygons', async () => {
    const { json, geo } = await whileCellsUnchanged(async () => ({
      json: (await demo.inject('/api/resources/coverage-gaps?capability=hazmat')).json(),
      geo: (await demo.inject('/api/resources/coverage-gaps?capability=hazmat&format=geojson')).json(),
    }))
    expect(geo.type).toBe('FeatureCollection')
    expect(geo.numberMatched).toBe(json.gaps.length)
    expect(geo.features.map((f: { id: string }) => f.id)).toEqual(json.gaps.map((g: { h3: string }) => g.h3))
    for (const f of geo.features.slice(0, 20)) {
      expect(f.geometry.type).toBe('Polygon')
      expect(f.properties.level).toBeGreaterThanOrEqual(3)
      expect(f.properties).toHaveProperty('nearestTeamDistanceM')
    }
  })
})

/** Runs `work` until the analysis cells of the demo database are the same before and after it. */
async function whileCellsUnchanged<T>(work: () => Promise<T>): Promise<T> {
  const fingerprint = async () =>
    (await demo.db.raw<{ rows: Array<{ f: string | null }> }>("SELECT md5(string_agg(h3 || level || stale, ',' ORDER BY h3)) AS f FROM cell WHERE res = 8"))
      .rows[0]!.f
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await fingerprint()
    const result = await work()
    if ((await fingerprint()) === before) return result
  }
  throw new Error('the cell table kept changing under the test')
}

/** H3 cell centres as [h3, { lon, lat }] (WGS 84), as the API computes them. */
async function centres(h3s: string[]): Promise<Array<[string, { lon: number; lat: number }]>> {
  const { cellToLatLng } = await import('h3-js')
  return h3s.map((h3) => {
    const [lat, lon] = cellToLatLng(h3)
    return [h3, { lon, lat }]
  })
}
