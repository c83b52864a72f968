import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app'

let app: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
})
afterAll(async () => {
  await app.close()
})

describe('GET /api/health', () => {
  it('reports the database, PostGIS and the mode', async () => {
    const res = await app.inject('/api/health')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.status).toBe('ok')
    expect(body.embedded).toBe(inject('embedded'))
    expect(Number(body.postgres.split('.')[0])).toBeGreaterThanOrEqual(14)
    expect(body.postgis).toMatch(/^3\.\d+/)
    expect(body.pendingMigrations).toEqual([])
  })
})

describe('GET /api/health/live and /api/health/ready', () => {
  it('answer live without the database and ready with it', async () => {
    const live = await app.inject('/api/health/live')
    expect(live.statusCode).toBe(200)
    expect(live.json()).toMatchObject({ status: 'ok' })
    const ready = await app.inject('/api/health/ready')
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({ status: 'ok', pendingMigrations: [] })
  })
})

describe('GET /api/enterprises', () => {
  it('returns the demo enterprises as GeoJSON with the total', async () => {
    const total = Number((await app.db('enterprise').count<{ count: string }[]>('* as count'))[0]!.count)
    expect(total).toBeGreaterThan(1000)
    const res = await app.inject('/api/enterprises?limit=10000')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.type).toBe('FeatureCollection')
    expect(body.numberMatched).toBe(total)
    expect(body.features).toHaveLength(total)
    const f = body.features[0]
    expect(f.geometry.type).toBe('Point')
    expect(f.properties.uscc).toMatch(/^[0-9A-HJ-NPQRTUWXY]{18}$/)
    expect(f.id).toBe(f.properties.id)
  })

  it('filters by bbox: every point inside, and the count matches PostGIS', async () => {
    const bbox = [123.3, 41.7, 123.5, 41.9]
    const res = await app.inject(`/api/enterprises?limit=10000&bbox=${bbox.join(',')}`)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    const expected = await app
      .db('enterprise')
      .whereRaw('ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', bbox)
      .count<{ count: string }[]>('* as count')
    expect(body.numberMatched).toBe(Number(expected[0]!.count))
    expect(body.numberMatched).toBeGreaterThan(0)
    for (const f of body.features) {
      const [lon, lat] = f.geometry.coordinates
      expect(lon).toBeGreaterThanOrEqual(bbox[0]!)
      expect(lat).toBeGreaterThanOrEqual(bbox[1]!)
      expect(lon).toBeLessThanOrEqual(bbox[2]!)
      expect(lat).toBeLessThanOrEqual(bbox[3]!)
    }
  })

  it('filters by division prefix and paginates without overlap', async () => {
    const res = await app.inject('/api/enterprises?division=210106&limit=5')
    const page1 = res.json()
    expect(page1.numberReturned).toBe(5)
    for (const f of page1.features) expect(f.properties.divisionCode.startsWith('210106')).toBe(true)
    const page2 = (await app.inject('/api/enterprises?division=210106&limit=5&offset=5')).json()
    const ids1 = page1.features.map((f: { id: number }) => f.id)
    const ids2 = page2.features.map((f: { id: number }) => f.id)
    expect(ids2.filter((id: number) => ids1.includes(id))).toEqual([])
    expect(page2.numberMatched).toBe(page1.numberMatched)
  })

  it('finds an enterprise by its USCC', async () => {
    const one = await app.db('enterprise').first('id', 'uscc')
    const body = (await app.inject(`/api/enterprises?q=${one.uscc}`)).json()
    expect(body.features.map((f: { id: number }) => f.id)).toEqual([Number(one.id)])
  })

  it.each([
    ['unknown parameter', '?colour=red', 'colour', /unknown parameter/],
    ['bbox with three numbers', '?bbox=1,2,3', 'bbox', /four numbers/],
    ['bbox latitude out of range', '?bbox=123,41,124,95', 'bbox', /maxLat 95 is outside ±90/],
    ['bbox longitude out of range', '?bbox=-190,41,124,42', 'bbox', /minLon -190 is outside ±180/],
    ['bbox min above max', '?bbox=124,41,123,42', 'bbox', /minLon 124 must be less than maxLon 123/],
    ['limit zero', '?limit=0', 'limit', /must be >= 1/],
    ['limit not a number', '?limit=ten', 'limit', /must be integer/],
    ['division not digits', "?division=21'; DROP TABLE enterprise;--", 'division', /must match pattern/],
  ])('rejects %s with 400 naming the field', async (_name, query, field, message) => {
    const res = await app.inject(`/api/enterprises${query}`)
    expect(res.statusCode).toBe(400)
    const { error } = res.json()
    expect(error.code).toBe('invalid_input')
    expect(error.details.map((d: { field: string }) => d.field)).toContain(field)
    expect(error.message).toMatch(message)
  })

  it('returns one enterprise with its details, 404 for an unknown id', async () => {
    const one = await app.db('enterprise').first('id', 'name')
    const res = await app.inject(`/api/enterprises/${one.id}`)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.properties.name).toBe(one.name)
    expect(body.properties).toHaveProperty('majorHazards')
    expect(body.properties).toHaveProperty('divisionName')
    const missing = await app.inject('/api/enterprises/999999999')
    expect(missing.statusCode).toBe(404)
    expect(missing.json().error.code).toBe('not_found')
  })
})

describe('GET /api/divisions', () => {
  it('lists the county-level units of Shenyang with valid polygons', async () => {
    const res = await app.inject('/api/divisions?rank=county')
    expect(res.statusCode).toBe(200)
    const body = res.json()
    const codes = body.features.map((f: { properties: { code: string } }) => f.properties.code)
    expect(codes).toEqual(expect.arrayContaining(['210102', '210106', '210112', '210181']))
    // REGION_CODE defaults to 210100: only Shenyang's county-level units, all with a boundary.
    expect(codes.every((c: string) => c.startsWith('2101'))).toBe(true)
    expect(
      body.features.every(
        (f: { geometry: { type: string }; properties: { boundary: boolean } }) => f.geometry.type === 'MultiPolygon' && f.properties.boundary,
      ),
    ).toBe(true)
  })

  it('lists every county-level unit of Liaoning with REGION_CODE=210000, those without a boundary as such', async () => {
    const liaoning = await buildTestApp({ REGION_CODE: '210000' })
    try {
      const body = (await liaoning.inject('/api/divisions?rank=county')).json()
      type F = { geometry: { type: string } | null; properties: { code: string; name: string; boundary: boolean; parentCode: string } }
      const features = body.features as F[]
      // GB/T 2260 (data/gbt2260-21.json): Liaoning has 100 county-level units in 14 cities.
      expect(features).toHaveLength(100)
      expect(new Set(features.map((f) => f.properties.parentCode)).size).toBe(14)
      const stored = (await liaoning.db('division').where('rank', 'county').pluck('code')) as string[]
      for (const f of features) {
        expect(f.properties.boundary).toBe(stored.includes(f.properties.code))
        if (!f.properties.boundary) expect(f.geometry).toBeNull()
      }
      const dalian = features.find((f) => f.properties.code === '210202')!
      expect(dalian.properties).toMatchObject({ name: '中山区', boundary: false, parentCode: '210200' })
      const without = (await liaoning.inject('/api/divisions?rank=county&boundary=false')).json().features as F[]
      expect(without.length).toBe(100 - stored.filter((c) => c.startsWith('21')).length)
      expect(without.every((f) => !f.properties.boundary)).toBe(true)
      const withOnly = (await liaoning.inject('/api/divisions?rank=county&boundary=true')).json().features as F[]
      expect(withOnly.map((f) => f.properties.code).sort()).toEqual([...stored].sort())
      const one = await liaoning.inject('/api/divisions/210202')
      expect(one.statusCode).toBe(200)
      expect(one.json().properties).toMatchObject({ name: '中山区', boundary: false, enterprises: 0 })
      expect(one.json().properties.children).toBeGreaterThan(0)
      const cities = (await liaoning.inject('/api/divisions?rank=city')).json().features as F[]
      expect(cities.map((f) => f.properties.name)).toContain('葫芦岛市')
      expect(cities).toHaveLength(14)
    } finally {
      await liaoning.close()
    }
  })

  it('returns one division with counts, 404 for an unknown code, 400 for a malformed one', async () => {
    const res = await app.inject('/api/divisions/210106')
    expect(res.statusCode).toBe(200)
    expect(res.json().properties.name).toBe('铁西区')
    expect(res.json().properties.enterprises).toBeGreaterThan(0)
    expect((await app.inject('/api/divisions/219999')).statusCode).toBe(404)
    const bad = await app.inject('/api/divisions/abc')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.details[0].field).toBe('code')
  })
})

describe('errors and documentation', () => {
  it('answers an unknown route with the JSON error shape', async () => {
    const res = await app.inject('/api/nothing-here')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.stringContaining('/api/nothing-here'), details: [] } })
  })

  it('serves the OpenAPI document with request and response schemas for every route', async () => {
    const res = await app.inject('/api/docs/json')
    expect(res.statusCode).toBe(200)
    const doc = res.json()
    expect(doc.openapi).toMatch(/^3\./)
    for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(methods)) {
        const success = Object.keys(op.responses).filter((code) => /^2\d\d$/.test(code))
        expect(success, `${method} ${path} documents its success response`).not.toEqual([])
      }
    }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/enterprises/', '/api/enterprises/{id}']))
    const ui = await app.inject('/api/docs/')
    expect(ui.statusCode).toBe(200)
    expect(ui.headers['content-type']).toMatch(/html/)
  })

  it('documents sign-in and CSRF, and who may call each route with its 401 and 403, from the route table', async () => {
    const doc = (await app.inject('/api/docs/json')).json()
    expect(doc.info.description).toMatch(/POST \/api\/auth\/login/)
    expect(doc.info.description).toMatch(/X-CSRF-Token/)
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'csrf', 'session'])
    const toPath = (url: string) => url.replace(/:([A-Za-z]+)/g, '{$1}')
    let guarded = 0
    for (const rule of app.accessRules) {
      const op = doc.paths[toPath(rule.url)]?.[rule.method.toLowerCase()]
      if (!op) continue // hidden from the docs
      const where = `${rule.method} ${rule.url}`
      expect(op.description, where).toMatch(/\*\*Access:\*\*/)
      if (rule.access === 'public') continue
      guarded++
      expect(op.responses['401'], where).toBeDefined()
      expect(op.security, where).toContainEqual({ bearer: [] })
      if (rule.access !== 'staff' || rule.method !== 'GET') expect(op.responses['403'], where).toBeDefined()
    }
    expect(guarded).toBeGreaterThan(50)
  })
})
