import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildTestApp } from '../helpers/app'
import { signIn, type TestSession } from '../helpers/auth'
import { COLLECTIONS } from '../../server/modules/ogc/collections'
import { CONFORMANCE } from '../../server/modules/ogc/routes'
import { publishViaDraft } from '../helpers/publish'

// OGC API – Features over the graded demo database: the documents a client walks (landing page,
// conformance, OpenAPI, collections), the items with every parameter, and access: public
// collections for anyone, staff ones with a session or token, an inspector's rows in their jurisdiction.
let app: FastifyInstance
let admin: TestSession
let inspector: TestSession

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  admin = await signIn(app, 'admin')
  inspector = await signIn(app, 'inspector')
})
afterAll(async () => {
  await app.close()
})

const get = (url: string, session?: TestSession) => app.inject({ url, headers: session ? session.headers : {} })
const json = (res: LightMyRequestResponse) => res.json() as Record<string, any>

describe('the service documents', () => {
  it('landing page links the OpenAPI document, conformance and collections; conformance lists Core, GeoJSON, OAS30 and CRS', async () => {
    const landing = json(await get('/ogc'))
    const rels = Object.fromEntries((landing.links as Array<{ rel: string; href: string; type: string }>).map((l) => [l.rel, l]))
    expect(rels['service-desc']!.type).toBe('application/vnd.oai.openapi+json;version=3.0')
    expect(rels.conformance!.href).toMatch(/\/ogc\/conformance$/)
    expect(rels.data!.href).toMatch(/\/ogc\/collections$/)
    expect(json(await get('/ogc/conformance')).conformsTo).toEqual([...CONFORMANCE])

    const api = await get('/ogc/api')
    expect(api.headers['content-type']).toContain('application/vnd.oai.openapi+json')
    const doc = json(api)
    expect(doc.openapi).toMatch(/^3\.0/)
    expect(doc.components.parameters.limit.schema).toMatchObject({ default: 100, maximum: 10000 })
    expect(Object.keys(doc.paths)).toContain('/collections/{collectionId}/items')
    const levelFilter = doc.paths['/collections/enterprises/items'].get.parameters.find((p: { name?: string }) => p.name === 'level')
    expect(levelFilter.schema.type).toBe('integer')
  })

  it('lists the public collections anonymously and every collection to staff', async () => {
    const publicIds = Object.values(COLLECTIONS)
      .filter((c) => c.access === 'public')
      .map((c) => c.id)
    const anonymous = json(await get('/ogc/collections')).collections.map((c: { id: string }) => c.id)
    expect(anonymous).toEqual(publicIds)
    const staff = json(await get('/ogc/collections', inspector)).collections as Array<Record<string, any>>
    expect(staff.map((c) => c.id)).toEqual(Object.keys(COLLECTIONS))
    const cells = staff.find((c) => c.id === 'cells')!
    expect(cells.crs).toEqual([
      'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
      'http://www.opengis.net/def/crs/EPSG/0/4490',
      'http://www.opengis.net/def/crs/EPSG/0/4326',
    ])
    const [minLon, minLat, maxLon, maxLat] = cells.extent.spatial.bbox[0]
    expect(minLon).toBeGreaterThan(115)
    expect(maxLon).toBeLessThan(130)
    expect(minLat).toBeLessThan(maxLat)
    expect(cells.links.find((l: { rel: string }) => l.rel === 'items').type).toBe('application/geo+json')
  })

  it('refuses a staff collection without a session or token (401) and names an unknown one (404)', async () => {
    const res = await get('/ogc/collections/enterprises/items')
    expect(res.statusCode).toBe(401)
    expect(json(res).error.message).toMatch(/API token/)
    const unknown = await get('/ogc/collections/nope', admin)
    expect(unknown.statusCode).toBe(404)
    expect(json(unknown).error.message).toContain('enterprises')
  })
})

describe('items', () => {
  it('pages by limit and offset with next/prev links, every feature once, numberMatched the true count', async () => {
    const [{ n }] = await app.db('resource').count({ n: '*' })
    const seen = new Set<number>()
    let url: string | undefined = '/ogc/collections/resources/items?limit=150'
    let pages = 0
    while (url) {
      const res = await get(url, admin)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.headers['content-type']).toContain('application/geo+json')
      expect(res.headers['content-crs']).toBe('<http://www.opengis.net/def/crs/OGC/1.3/CRS84>')
      const body = json(res)
      expect(body.numberMatched).toBe(Number(n))
      expect(body.numberReturned).toBe(body.features.length)
      for (const f of body.features) {
        expect(seen.has(f.id), `feature ${f.id} twice`).toBe(false)
        seen.add(f.id)
      }
      if (pages > 0) expect(body.links.some((l: { rel: string }) => l.rel === 'prev')).toBe(true)
      const next = body.links.find((l: { rel: string }) => l.rel === 'next')
      url = next ? new URL(next.href).pathname + new URL(next.href).search : undefined
      pages++
    }
    expect(pages).toBeGreaterThan(1)
    expect(seen.size).toBe(Number(n))
  })

  it('filters by bbox (CRS84 and latitude-first EPSG:4490), datetime and properties, and types the properties', async () => {
    const all = json(await get('/ogc/collections/enterprises/items?limit=1', admin)).numberMatched as number
    const box = '123.30,41.75,123.50,41.85'
    const inBox = json(await get(`/ogc/collections/enterprises/items?bbox=${box}&limit=10000`, admin))
    expect(inBox.numberMatched).toBeGreaterThan(0)
    expect(inBox.numberMatched).toBeLessThan(all)
    for (const f of inBox.features) {
      const [lon, lat] = f.geometry.coordinates
      expect(lon).toBeGreaterThanOrEqual(123.3)
      expect(lon).toBeLessThanOrEqual(123.5)
      expect(lat).toBeGreaterThanOrEqual(41.75)
      expect(lat).toBeLessThanOrEqual(41.85)
    }
    const flipped = json(
      await get(
        `/ogc/collections/enterprises/items?bbox=41.75,123.30,41.85,123.50&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490&crs=http://www.opengis.net/def/crs/EPSG/0/4490&limit=10000`,
        admin,
      ),
    )
    expect(flipped.numberMatched).toBe(inBox.numberMatched)
    expect(flipped.features[0].geometry.coordinates).toEqual([...inBox.features[0].geometry.coordinates].reverse())

    const red = json(await get('/ogc/collections/enterprises/items?level=4&highHazard=true&limit=10000', admin))
    expect(red.numberMatched).toBe(Number((await app.db('enterprise').where({ level: 4, high_hazard: true }).count({ n: '*' }))[0]!.n))
    for (const f of red.features) expect(f.properties).toMatchObject({ level: 4, highHazard: true })
    expect(typeof red.features[0].properties.name).toBe('string')

    const found = json(await get('/ogc/collections/hidden_dangers/items?datetime=2026-01-01/..&limit=10000', admin))
    const expected = Number((await app.db('hidden_danger').where('found_at', '>=', '2026-01-01').count({ n: '*' }))[0]!.n)
    expect(found.numberMatched).toBe(expected)
    for (const f of found.features) expect(f.properties.foundAt >= '2026-01-01').toBe(true)
  })

  it('answers a bad parameter with 400 naming it', async () => {
    const cases: Array<[string, string]> = [
      ['/ogc/collections/enterprises/items?bbox=1,2,3', 'bbox'],
      ['/ogc/collections/enterprises/items?bbox=10,50,5,60', 'bbox'],
      ['/ogc/collections/enterprises/items?colour=red', 'colour'],
      ['/ogc/collections/enterprises/items?level=high', 'level'],
      ['/ogc/collections/enterprises/items?datetime=yesterday', 'datetime'],
      ['/ogc/collections/resources/items?datetime=2026-01-01', 'datetime'],
      ['/ogc/collections/enterprises/items?crs=EPSG:3857', 'crs'],
      ['/ogc/collections/enterprises/items?limit=10001', 'limit'],
    ]
    for (const [url, field] of cases) {
      const res = await get(url, admin)
      expect(res.statusCode, url).toBe(400)
      expect(json(res).error.details[0].field, url).toBe(field)
    }
  })

  it('limits an inspector to their jurisdiction, in the items and by id', async () => {
    const prefix = inspector.user.divisionPrefix!
    const mine = json(await get('/ogc/collections/enterprises/items?limit=1', inspector)).numberMatched
    const [{ n }] = await app.db('enterprise').whereLike('division_code', `${prefix}%`).count({ n: '*' })
    expect(mine).toBe(Number(n))
    const overdue = json(await get('/ogc/collections/overdue_rectifications/items?limit=10000', inspector))
    const ids = overdue.features.map((f: { properties: { enterpriseId: number } }) => f.properties.enterpriseId)
    if (ids.length > 0) {
      const outside = await app.db('enterprise').whereIn('id', ids).whereNot('division_code', 'like', `${prefix}%`).count({ n: '*' })
      expect(Number(outside[0]!.n)).toBe(0)
    }
    const foreign = await app.db('enterprise').whereNot('division_code', 'like', `${prefix}%`).first('id')
    expect((await get(`/ogc/collections/enterprises/items/${foreign.id}`, inspector)).statusCode).toBe(404)
    const own = await app.db('enterprise').whereLike('division_code', `${prefix}%`).first('id')
    const feature = await get(`/ogc/collections/enterprises/items/${own.id}`, inspector)
    expect(feature.statusCode).toBe(200)
    expect(json(feature).id).toBe(Number(own.id))
  })

  it('serves the latest publication anonymously, never enterprise names', async () => {
    await publishViaDraft(app, 'OGC API test')
    const cells = await get('/ogc/collections/public_cells/items?limit=50')
    expect(cells.statusCode).toBe(200)
    const body = json(cells)
    expect(body.numberMatched).toBeGreaterThan(0)
    expect(Object.keys(body.features[0].properties).sort()).toEqual(['h3', 'level', 'stale'])
    const regions = json(await get('/ogc/collections/public_regions/items?rank=county'))
    expect(regions.features.length).toBeGreaterThan(0)
    expect(typeof regions.features[0].id).toBe('string')
    const shelters = json(await get('/ogc/collections/shelters/items?limit=5'))
    expect(Object.keys(shelters.features[0].properties).sort()).toEqual(['capacity', 'name', 'status'])
  })
})
