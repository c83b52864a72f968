import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { buildTestApp } from '../helpers/app'
import { publishViaDraft } from '../helpers/publish'
import { PUBLIC_TILE_LAYERS } from '../../server/modules/tiles/layers'
import { tileAt } from '../../server/modules/tiles/tile'
import { cellToLatLng } from 'h3-js'

// The leak test of issue 7: publish, then crawl every public endpoint (the routes whose access is
// 'public' under /api/public, found from the route table, so a new one is crawled without being
// listed here) and the public tiles over the whole demo area at several zooms, decoded, and look for
// every enterprise name, USCC and substance name of the demo data in what came back.

let anonymous: FastifyInstance
let planner: FastifyInstance

/** What must never reach the public, read from the database. */
let secrets: { kind: string; value: string }[] = []

beforeAll(async () => {
  planner = await buildTestApp({}, { as: 'planner' })
  anonymous = await buildTestApp({}, { as: null })
  const db = planner.db
  const enterprises = (await db('enterprise').select('name', 'uscc')) as Array<{ name: string; uscc: string }>
  const substances = (await db('major_hazard_substance').distinct('name')) as Array<{ name: string }>
  secrets = [
    ...enterprises.map((e) => ({ kind: 'enterprise name', value: e.name })),
    ...enterprises.map((e) => ({ kind: 'USCC', value: e.uscc.trim() })),
    ...substances.map((s) => ({ kind: 'substance', value: s.name })),
  ]
  await publishViaDraft(planner, '泄露测试发布')
})
afterAll(async () => {
  await anonymous?.close()
  await planner?.close()
})

/** Extra query strings a public route is crawled with, beyond its plain URL. */
const QUERY_VARIANTS: Record<string, string[]> = {
  '/api/public/divisions': ['?rank=city', '?rank=county', '?rank=township'],
  '/api/public/regions': ['', '?kind=division', '?kind=mgmt_grid'],
  '/api/public/place': ['?lon=123.43&lat=41.8', '?lon=123.35&lat=41.75'],
}

/** Values for path parameters of public routes; a route with any other parameter fails the test. */
async function paramValue(name: string): Promise<string> {
  if (name === 'trackingCode') {
    const row = await planner.db('public_report').orderBy('id').first('tracking_code')
    return (row?.tracking_code as string | undefined) ?? 'ZZZZZZZZZZ' // well-formed (10 of 23456789ABCDEFGHJKMNPQRSTUVWXYZ), filed by nobody
  }
  throw new Error(`The leak test does not know how to fill the path parameter :${name}; teach paramValue`)
}

/** Every string in a decoded JSON value, plus its keys. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value)
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out))
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k)
      strings(v, out)
    }
  } else if (value !== null && value !== undefined) out.push(String(value))
  return out
}

interface Crawled {
  url: string
  text: string
}

function findLeaks(crawled: Crawled[]): string[] {
  const leaks: string[] = []
  for (const { url, text } of crawled) {
    for (const s of secrets) if (text.includes(s.value)) leaks.push(`${url}: ${s.kind} "${s.value}"`)
  }
  return leaks
}

/** The demo area's extent (WGS 84) from the division polygons. */
async function demoBox(): Promise<[number, number, number, number]> {
  const { rows } = await planner.db.raw(
    "SELECT ST_XMin(e) AS w, ST_YMin(e) AS s, ST_XMax(e) AS e, ST_YMax(e) AS n FROM (SELECT ST_Extent(geom) AS e FROM division WHERE rank = 'county') x",
  )
  return [Number(rows[0].w), Number(rows[0].s), Number(rows[0].e), Number(rows[0].n)]
}

describe('the public API and public tiles', () => {
  it('never contain an enterprise name, USCC or substance name from the demo data', async () => {
    expect(secrets.length).toBeGreaterThan(1000)
    const routes = anonymous.accessRules.filter((r) => r.access === 'public' && r.method === 'GET' && r.url.startsWith('/api/public/'))
    const urls = routes.map((r) => r.url)
    for (const expected of ['/api/public/publication', '/api/public/regions', '/api/public/shelters', '/api/public/penalties']) expect(urls).toContain(expected)

    const crawled: Crawled[] = []
    for (const route of routes) {
      let path = route.url
      for (const [, name] of route.url.matchAll(/:([A-Za-z]+)/g)) path = path.replace(`:${name}`, encodeURIComponent(await paramValue(name!)))
      const hasParams = path !== route.url
      for (const query of QUERY_VARIANTS[route.url] ?? ['']) {
        const url = path + query
        const res = await anonymous.inject({ method: 'GET', url })
        // a parameter route may not find what it was given (no public report yet): its 404 is crawled too
        expect(hasParams ? [200, 404] : [200], `${url}: ${res.body.slice(0, 200)}`).toContain(res.statusCode)
        crawled.push({ url, text: res.body + '\n' + strings(res.json()).join('\n') })
      }
    }
    // every page of the published penalties
    const total = JSON.parse(crawled.find((c) => c.url === '/api/public/penalties')!.text.split('\n')[0]!).total as number
    expect(total).toBeGreaterThan(0)
    for (let offset = 0; offset < total; offset += 200) {
      const res = await anonymous.inject({ method: 'GET', url: `/api/public/penalties?limit=200&offset=${offset}` })
      expect(res.statusCode).toBe(200)
      crawled.push({ url: `/api/public/penalties?offset=${offset}`, text: res.body })
    }

    // tiles: TileJSON of every public layer, and tiles over the demo area, decoded
    const [w, s, e, n] = await demoBox()
    let features = 0
    for (const layer of Object.keys(PUBLIC_TILE_LAYERS)) {
      const tileJson = await anonymous.inject({ method: 'GET', url: `/tiles/public/${layer}.json` })
      expect(tileJson.statusCode).toBe(200)
      crawled.push({ url: `/tiles/public/${layer}.json`, text: tileJson.body })
      const coords: Array<{ z: number; x: number; y: number }> = []
      for (const z of [5, 7, 9, 10, 11]) {
        const [a, b] = [tileAt(w, n, z), tileAt(e, s, z)]
        for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) coords.push({ z, x, y })
      }
      for (const z of [12, 14]) {
        const c = tileAt((w + e) / 2, (s + n) / 2, z)
        for (let dx = -2; dx <= 2; dx++) for (let dy = -2; dy <= 2; dy++) coords.push({ z, x: c.x + dx, y: c.y + dy })
      }
      for (const { z, x, y } of coords) {
        const url = `/tiles/public/${layer}/${z}/${x}/${y}.mvt`
        const res = await anonymous.inject({ method: 'GET', url })
        expect([200, 204], url).toContain(res.statusCode)
        if (res.statusCode !== 200) continue
        const tile = new VectorTile(new PbfReader(res.rawPayload))
        const texts: string[] = []
        for (const [name, vectorLayer] of Object.entries(tile.layers)) {
          texts.push(name)
          for (let i = 0; i < vectorLayer.length; i++) {
            const feature = vectorLayer.feature(i)
            features++
            for (const [k, v] of Object.entries(feature.properties)) texts.push(k, String(v))
            // only levels leave through the public tiles
            expect(
              Object.keys(feature.properties).every((k) => ['h3', 'level', 'stale'].includes(k)),
              url,
            ).toBe(true)
          }
        }
        crawled.push({ url, text: texts.join('\n') })
      }
    }
    expect(features).toBeGreaterThan(100)
    expect(findLeaks(crawled)).toEqual([])
  })

  it('finds a leak when there is one (the check itself works)', () => {
    const name = secrets.find((s) => s.kind === 'enterprise name')!.value
    const uscc = secrets.find((s) => s.kind === 'USCC')!.value
    // other tests share this database: a shorter secret (a name inside this name) may be found too
    expect(findLeaks([{ url: '/x', text: `{"a":"${name}","b":"${uscc}"}` }])).toEqual(
      expect.arrayContaining([`/x: enterprise name "${name}"`, `/x: USCC "${uscc}"`]),
    )
    expect(findLeaks([{ url: '/x', text: '{"level":"red"}' }])).toEqual([])
  })

  it('live data needs a session: anonymous requests to staff tiles and APIs answer 401', async () => {
    const { x, y } = tileAt(123.43, 41.8, 10)
    for (const url of [
      '/tiles/cells.json',
      `/tiles/cells/10/${x}/${y}.mvt`,
      `/tiles/enterprises/10/${x}/${y}.mvt`,
      '/api/publications',
      '/api/enterprises?limit=1',
    ]) {
      const res = await anonymous.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBe(401)
    }
    expect((await anonymous.inject({ method: 'POST', url: '/api/publications/drafts', payload: {} })).statusCode).toBe(401)
  })

  it("tell a visitor what the latest publication says about a place: its cell's level, its township and county, the nearest shelters", async () => {
    const { id, h3_res: res } = (await planner.db('publication').orderBy('id', 'desc').first('id', 'h3_res')) as { id: number; h3_res: number }
    const cell = (await planner
      .db('publication_cell')
      .where({ publication_id: id, res })
      .orderBy([{ column: 'level', order: 'desc' }, { column: 'h3' }])
      .first('h3', 'level')) as { h3: string; level: number }
    expect(cell.level).toBeGreaterThan(0)
    const [lat, lon] = cellToLatLng(cell.h3)
    const res1 = await anonymous.inject({ method: 'GET', url: `/api/public/place?lon=${lon}&lat=${lat}` })
    expect(res1.statusCode, res1.body).toBe(200)
    const place = res1.json()
    expect(place).toMatchObject({ publicationId: id, h3: cell.h3, level: Number(cell.level) })
    // the township first, then its county, each with the published level
    const { rows: around } = await planner.db.raw(
      `SELECT d.code, d.rank, r.level FROM division d JOIN publication_region r ON r.region_kind = 'division' AND r.region_key = d.code AND r.publication_id = ?
       WHERE d.rank IN ('county', 'township') AND ST_Intersects(d.geom, ST_SetSRID(ST_MakePoint(?, ?), 4326)) ORDER BY length(d.code) DESC`,
      [id, lon, lat],
    )
    expect(place.regions.map((r: { key: string; rank: string; level: number }) => [r.key, r.rank, r.level])).toEqual(
      around.map((r: { code: string; rank: string; level: number }) => [r.code, r.rank, Number(r.level)]),
    )
    expect(place.regions[0].rank).toBe('township')
    // the nearest shelters, nearest first, at their distance on the spheroid
    const { rows: nearest } = await planner.db.raw(
      `SELECT name, round(ST_Distance(geog, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography))::int AS d FROM resource WHERE kind = 'shelter' ORDER BY 2, id LIMIT 3`,
      [lon, lat],
    )
    expect(place.shelters.map((s: { distanceM: number }) => s.distanceM)).toEqual(nearest.map((r: { d: number }) => r.d))

    // outside every division: level 0 and no region; a missing coordinate is named
    const away = (await anonymous.inject({ method: 'GET', url: '/api/public/place?lon=10&lat=10' })).json()
    expect(away).toMatchObject({ level: 0, regions: [] })
    const bad = await anonymous.inject({ method: 'GET', url: '/api/public/place?lon=123.4' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('lat')
  })
})
