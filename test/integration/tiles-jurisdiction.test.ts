import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { buildTestApp } from '../helpers/app'
import { signIn, testUser } from '../helpers/auth'
import { TILE_LAYERS } from '../../server/modules/tiles/layers'
import type { TileCoord } from '../../server/modules/tiles/tile'

// An inspector's live tiles of the layers that name enterprises hold only their jurisdiction
// (division-code prefix); everyone else keeps every enterprise, and the layers that describe areas
// are one tile for all. Real tiles over the graded demo database, decoded with @mapbox/vector-tile;
// on real PostGIS ST_AsMVT encodes them (and the Node encoder is checked against it), on the
// embedded database the Node encoder does.

/** Signed in as the test inspector (app.inject's default session). */
let app: FastifyInstance
/** The admin's session headers, for the same app and so the same tile cache. */
let adminHeaders: Record<string, string>
let prefix: string
const embedded = inject('embedded')

beforeAll(async () => {
  app = await buildTestApp({}, { as: 'inspector' })
  adminHeaders = (await signIn(app, 'admin')).headers
  const inspector = await testUser(app.db, 'inspector')
  expect(inspector.divisionPrefix).toMatch(/^[0-9]+$/)
  prefix = inspector.divisionPrefix!
})
afterAll(async () => {
  await app?.close()
})

interface Feature {
  id: number | undefined
  properties: Record<string, unknown>
}

function decode(bytes: Uint8Array): Record<string, Feature[]> {
  const tile = new VectorTile(new PbfReader(bytes))
  return Object.fromEntries(
    Object.entries(tile.layers).map(([name, layer]) => [
      name,
      Array.from({ length: layer.length }, (_, i) => {
        const f = layer.feature(i)
        return { id: f.id, properties: { ...f.properties } }
      }),
    ]),
  )
}

const url = (layer: string, t: TileCoord) => `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`

async function get(layer: string, t: TileCoord, as: 'admin' | 'inspector', headers: Record<string, string> = {}) {
  return app.inject({ url: url(layer, t), headers: { ...(as === 'admin' ? adminHeaders : {}), ...headers } })
}

/**
 * The tile at zoom z holding the most rows both inside and outside the jurisdiction, among rows
 * `SELECT g (EPSG:3857 point), division_code` given by `rowsSql`.
 */
async function mixedTile(rowsSql: string, z: number): Promise<TileCoord> {
  const half = 20037508.342789244
  const { rows } = await app.db.raw<{ rows: Array<{ x: number; y: number }> }>(
    `SELECT x, y FROM (
       SELECT floor((ST_X(r.g) + ?) / ? * 2 ^ ?)::int AS x, floor((? - ST_Y(r.g)) / ? * 2 ^ ?)::int AS y,
              r.division_code LIKE ? AS inside
       FROM (${rowsSql}) r) s
     GROUP BY x, y
     HAVING bool_or(inside) AND NOT bool_and(inside)
     ORDER BY least(count(*) FILTER (WHERE inside), count(*) FILTER (WHERE NOT inside)) DESC, x, y
     LIMIT 1`,
    [half, 2 * half, z, half, 2 * half, z, `${prefix}%`],
  )
  expect(rows[0], `a zoom-${z} tile with rows both inside and outside ${prefix}: ${rowsSql}`).toBeDefined()
  return { z, x: rows[0]!.x, y: rows[0]!.y }
}

/** Division codes of enterprises by id. */
async function divisionsOf(ids: number[]): Promise<Map<number, string>> {
  const rows: Array<{ id: string; division_code: string }> = await app.db('enterprise').whereIn('id', ids).select('id', 'division_code')
  return new Map(rows.map((r) => [Number(r.id), r.division_code]))
}

const OVERDUE = (table: string, geom: string) =>
  `SELECT ${geom} AS g, e.division_code FROM ${table} t JOIN enterprise e ON e.id = t.enterprise_id WHERE t.status = 'open' AND t.deadline < current_date`

/** Each layer naming enterprises: a zoom drawing every level, its rows, and a feature's enterprise id. */
const CASES = [
  { layer: 'enterprises', z: 14, rows: 'SELECT geom_3857 AS g, division_code FROM enterprise', mvt: ['enterprises'], enterpriseOf: (f: Feature) => f.id! },
  {
    layer: 'major_hazards',
    z: 12,
    rows: 'SELECT t.geom_3857 AS g, e.division_code FROM major_hazard t JOIN enterprise e ON e.id = t.enterprise_id',
    mvt: ['major_hazards'],
    enterpriseOf: (f: Feature) => f.properties.enterpriseId as number,
  },
  {
    layer: 'overdue',
    z: 10,
    rows: `${OVERDUE('hidden_danger', 't.geom_3857')} UNION ALL ${OVERDUE('violation', 'e.geom_3857')}`,
    mvt: ['overdue_hidden_dangers', 'overdue_violations'],
    enterpriseOf: (f: Feature) => f.properties.enterpriseId as number,
  },
]

describe('inspector jurisdiction in the live tiles', () => {
  it('the layers naming enterprises are the jurisdiction-dependent ones, and TileJSON says so', async () => {
    const dependent = Object.values(TILE_LAYERS)
      .filter((l) => l.dependsOnJurisdiction)
      .map((l) => l.id)
    expect(dependent.sort()).toEqual(['enterprises', 'major_hazards', 'overdue'])
    const doc = (await app.inject('/tiles/overdue.json')).json()
    expect(doc.description).toContain('jurisdiction')
    for (const layer of doc.vector_layers) expect(layer.description, layer.id).toContain('jurisdiction')
    // The same document for everyone.
    const adminDoc = (await app.inject({ url: '/tiles/overdue.json', headers: adminHeaders })).json()
    expect(adminDoc).toEqual(doc)
  })

  it.each(CASES)('$layer: the admin sees both counties, the inspector only theirs', async ({ layer, z, rows, mvt, enterpriseOf }) => {
    const t = await mixedTile(rows, z)
    const admin = await get(layer, t, 'admin')
    const inspector = await get(layer, t, 'inspector')
    expect(admin.statusCode).toBe(200)
    expect(inspector.statusCode).toBe(200)
    const adminTile = decode(admin.rawPayload)
    const inspectorTile = decode(inspector.rawPayload)
    const all = mvt.flatMap((name) => adminTile[name] ?? [])
    const mine = mvt.flatMap((name) => inspectorTile[name] ?? [])
    const divisions = await divisionsOf([...all, ...mine].map(enterpriseOf))
    const inside = (f: Feature) => divisions.get(enterpriseOf(f))!.startsWith(prefix)
    expect(all.some(inside), 'admin: an enterprise of the jurisdiction').toBe(true)
    expect(
      all.some((f) => !inside(f)),
      'admin: an enterprise of another county',
    ).toBe(true)
    expect(mine.length).toBeGreaterThan(0)
    for (const f of mine) expect(divisions.get(enterpriseOf(f)), `feature ${f.id}`).toMatch(new RegExp(`^${prefix}`))
    // Exactly the admin's features of the jurisdiction, layer by layer.
    for (const name of mvt) {
      const ids = (features: Feature[] = []) => features.map((f) => f.id!).sort((a, b) => a - b)
      expect(ids(inspectorTile[name]), name).toEqual(ids((adminTile[name] ?? []).filter(inside)))
    }
    expect(inspector.headers.etag).not.toBe(admin.headers.etag)
    expect(inspector.headers.etag).toContain(`-j${prefix}`)
    expect(inspector.headers.vary).toBe('accept-encoding, cookie, authorization')
  })

  it("keeps one cache entry per jurisdiction: neither user is ever served the other one's tile", async () => {
    const t = await mixedTile(CASES[0]!.rows, 14)
    const first = await get('enterprises', t, 'admin', { 'accept-encoding': 'gzip' }) // cached now
    const inspector = await get('enterprises', t, 'inspector', { 'accept-encoding': 'gzip' })
    const again = await get('enterprises', t, 'admin', { 'accept-encoding': 'gzip' })
    const mine = await get('enterprises', t, 'inspector', { 'accept-encoding': 'gzip' })
    const count = (res: { rawPayload: Buffer }) => decode(zlib.gunzipSync(res.rawPayload)).enterprises!.length
    expect(count(inspector)).toBeLessThan(count(first))
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true)
    expect(again.headers.etag).toBe(first.headers.etag)
    expect(mine.rawPayload.equals(inspector.rawPayload)).toBe(true)
    // The other user's entity tag does not revalidate.
    expect((await get('enterprises', t, 'inspector', { 'if-none-match': first.headers.etag as string })).statusCode).toBe(200)
    expect((await get('enterprises', t, 'admin', { 'if-none-match': inspector.headers.etag as string })).statusCode).toBe(200)
    expect((await get('enterprises', t, 'inspector', { 'if-none-match': inspector.headers.etag as string })).statusCode).toBe(304)
  })

  it('cells: the same bytes, ETag and cache entry for both', async () => {
    const t = await mixedTile(CASES[0]!.rows, 12)
    const admin = await get('cells', t, 'admin')
    const hits = app.tiles.cache.hits
    const inspector = await get('cells', t, 'inspector')
    expect(admin.statusCode).toBe(200)
    expect(decode(admin.rawPayload).cells!.length).toBeGreaterThan(0)
    expect(inspector.rawPayload.equals(admin.rawPayload)).toBe(true)
    expect(inspector.headers.etag).toBe(admin.headers.etag)
    expect(inspector.headers.vary).toBe('accept-encoding')
    expect(app.tiles.cache.hits).toBe(hits + 1)
  })

  it('both encoders select the same features for the inspector', async () => {
    expect(app.tiles.encoder).toBe(embedded ? 'node' : 'postgis')
    const state = await app.tiles.state()
    for (const { layer, z, rows, mvt } of CASES) {
      const t = await mixedTile(rows, z)
      const served = decode((await get(layer, t, 'inspector')).rawPayload)
      const node = decode(await app.tiles.render(TILE_LAYERS[layer]!, t, state, 'node', prefix))
      const postgis = embedded ? served : decode(await app.tiles.render(TILE_LAYERS[layer]!, t, state, 'postgis', prefix))
      for (const name of mvt) {
        const ids = (features: Feature[] = []) => features.map((f) => f.id!).sort((a, b) => a - b)
        expect(ids(node[name]), `${layer}/${name}`).toEqual(ids(served[name]))
        expect(ids(postgis[name]), `${layer}/${name}`).toEqual(ids(served[name]))
      }
    }
  })
})
