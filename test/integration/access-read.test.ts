import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { latLngToCell } from 'h3-js'
import { checkAccess, readScope, ROLES, type Role, type SessionUser } from '../../server/modules/auth/access'
import { TILE_LAYERS } from '../../server/modules/tiles/layers'
import { tileAt } from '../../server/modules/tiles/tile'
import { EXPORT_LAYERS } from '../../server/modules/transfer/export'
import { buildTestApp } from '../helpers/app'
import { signIn, type TestSession } from '../helpers/auth'

// The read dimension of the authorization matrix (issue #14, docs/security.md): for every GET route,
// every export layer and every tile layer × every role, a record outside the role's read scope never
// appears in the response — checked by content (its name, USCC and phone), not only by status.
// The fixtures are demo enterprises chosen for the test (the shared database is not changed):
// `outsider` lies outside the inspector's jurisdiction and the grid worker's grid and has a major
// hazard installation; `gridMember` lies in the grid worker's grid and has a phone the grid worker
// must not read (contacts are not in that role's scope).
let app: FastifyInstance
const sessions = new Map<Role, TestSession>()

interface Fixture {
  id: number
  name: string
  uscc: string
  phone: string
  person: string
  divisionCode: string
  lon: number
  lat: number
  majorHazardId: number
}
let outsider: Fixture
let gridMember: Fixture

async function fixture(where: (q: import('knex').Knex.QueryBuilder) => void, withHazard: boolean): Promise<Fixture> {
  const q = app.db('enterprise as e')
    .whereNotNull('e.responsible_phone')
    .whereNotNull('e.responsible_person')
    // A name no other enterprise has, so finding it means finding this one.
    .whereNotExists((s) => s.select(1).from('enterprise as o').whereRaw('o.name = e.name AND o.id <> e.id'))
    .orderBy('e.level', 'desc')
    .orderBy('e.id')
  if (withHazard) q.whereExists((s) => s.select(1).from('major_hazard as m').whereRaw('m.enterprise_id = e.id'))
  where(q)
  const row = await q.first(
    'e.id', 'e.name', 'e.uscc', 'e.responsible_phone', 'e.responsible_person', 'e.division_code',
    app.db.raw('ST_X(e.geom) AS lon'), app.db.raw('ST_Y(e.geom) AS lat'),
    app.db.raw('(SELECT min(m.id) FROM major_hazard m WHERE m.enterprise_id = e.id) AS major_hazard_id'),
  )
  expect(row, 'a fixture enterprise in the demo data').toBeTruthy()
  return {
    id: Number(row.id), name: row.name, uscc: row.uscc, phone: row.responsible_phone, person: row.responsible_person, divisionCode: row.division_code,
    lon: Number(row.lon), lat: Number(row.lat), majorHazardId: Number(row.major_hazard_id ?? 1),
  }
}

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  await app.ready()
  for (const role of ROLES) sessions.set(role, await signIn(app, role))
  const inspector = sessions.get('inspector')!.user
  const gridWorker = sessions.get('grid_worker')!.user
  outsider = await fixture((q) => q.whereNot('e.division_code', 'like', `${inspector.divisionPrefix}%`).where((w) => w.whereNull('e.mgmt_grid_id').orWhereNot('e.mgmt_grid_id', gridWorker.mgmtGridId!)), true)
  gridMember = await fixture((q) => q.where('e.mgmt_grid_id', gridWorker.mgmtGridId!), false)
})
afterAll(async () => {
  await app?.close()
})

/** The URLs that read a GET route pattern, aimed at the fixtures. */
function urlsFor(pattern: string, required: string[]): string[] {
  const f = outsider
  const recordIds: Array<[RegExp, number]> = [
    [/^\/api\/enterprises\/:id/, f.id],
    [/^\/api\/major-hazards\/:id/, f.majorHazardId],
  ]
  const id = recordIds.find(([re]) => re.test(pattern))?.[1] ?? 1
  const cell = latLngToCell(f.lat, f.lon, 8)
  const county = f.divisionCode.slice(0, 6)
  const query: Record<string, string> = {
    lon: String(f.lon), lat: String(f.lat), since: '2026-01-01', radiusM: '5000', h3: cell,
  }
  if (pattern.startsWith('/tiles/:layer/')) {
    return Object.keys(TILE_LAYERS).flatMap((layer) =>
      [10, 12, 14].map((z) => {
        const t = tileAt(f.lon, f.lat, z)
        return `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`
      }),
    )
  }
  if (pattern.startsWith('/tiles/public/:layer/')) {
    return ['cells', 'regions'].map((layer) => {
      const t = tileAt(f.lon, f.lat, 10)
      return `/tiles/public/${layer}/${t.z}/${t.x}/${t.y}.mvt`
    })
  }
  if (pattern === '/api/export/:layer.:format') return EXPORT_LAYERS.flatMap((layer) => [`/api/export/${layer}.geojson`, `/api/export/${layer}.csv`])
  const path = pattern
    .replace(':id', String(id))
    .replace(':h3', cell)
    .replace(/:key|:code/, county)
    .replace(':layer', 'enterprises')
    .replace(/:([A-Za-z]+)/g, '1')
  const params = new URLSearchParams()
  for (const name of required) params.set(name, query[name] ?? '1')
  // Lists: as many rows as they give, so a leak is not hidden on a later page.
  const lists: Record<string, string> = {
    '/api/enterprises': '10000', '/api/enforcement/overdue': '5000', '/api/supervision/coverage': '5000', '/api/resources': '10000', '/api/changes': '5000',
  }
  if (lists[pattern]) params.set('limit', lists[pattern]!)
  else if (['/api/major-hazards', '/api/safety-risks', '/api/hidden-dangers', '/api/inspections', '/api/violations', '/api/penalties', '/api/credit-events'].includes(pattern)) params.set('limit', '1000')
  const qs = params.toString()
  return [qs ? `${path}?${qs}` : path]
}

/** The response body as text: tiles and gzip decompressed, so a name inside a tile is found. */
function text(body: Buffer, encoding: string | undefined): string {
  const bytes = encoding === 'gzip' ? zlib.gunzipSync(body) : body
  return bytes.toString('utf8')
}

describe('the read dimension of the authorization matrix', () => {
  it('every GET route × role: a record outside the role’s scope never appears, and the admin does see it', async () => {
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean }> }>> }
    const requiredOf = (pattern: string) => {
      const openapi = pattern.replace(/:([A-Za-z]+)/g, '{$1}').replace('{layer}.{format}', '{layer}.{format}')
      return (spec.paths[openapi]?.get?.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name)
    }
    const leaks: string[] = []
    const seenByAdmin = new Set<string>()
    const gets = app.accessRules.filter((r) => r.method === 'GET' && !r.url.startsWith('/api/auth/'))
    expect(gets.length).toBeGreaterThan(50)
    for (const rule of gets) {
      for (const url of urlsFor(rule.url, requiredOf(rule.url))) {
        for (const role of [null, ...ROLES] as Array<Role | null>) {
          const user: SessionUser | null = role ? sessions.get(role)!.user : null
          if (checkAccess(rule.access, user) !== 'ok') continue
          const res = await app.inject({ url, headers: role ? sessions.get(role)!.headers : {} })
          if (res.statusCode >= 500) leaks.push(`${role ?? 'anonymous'} ${url}: ${res.statusCode} ${res.body.slice(0, 160)}`)
          if (res.statusCode !== 200) continue
          const body = text(res.rawPayload, res.headers['content-encoding'] as string | undefined)
          const scope = readScope(user)
          const outsiderVisible = scope.all
          for (const [what, value] of [['name', outsider.name], ['USCC', outsider.uscc], ['phone', outsider.phone]] as const) {
            const found = body.includes(value)
            if (found && !outsiderVisible) leaks.push(`${role ?? 'anonymous'} ${url}: the ${what} of enterprise ${outsider.id} (outside the scope)`)
            if (found && role === 'admin') seenByAdmin.add(`${rule.url}`)
          }
          if (!scope.contacts && (body.includes(gridMember.phone) || body.includes(gridMember.person))) {
            leaks.push(`${role ?? 'anonymous'} ${url}: the contacts of enterprise ${gridMember.id} (contacts are outside the scope)`)
          }
        }
      }
    }
    expect(leaks).toEqual([])
    // The fixture does reach the reader whose scope includes it, through every kind of path: so the
    // checks above can fail.
    for (const path of ['/api/enterprises', '/api/enterprises/:id', '/api/cells/:h3', '/api/incident/context', '/api/export/:layer.:format', '/tiles/:layer/:z/:x/:y.mvt']) {
      expect(seenByAdmin, path).toContain(path)
    }
  }, 600_000)

  it('the grid worker reads the enterprises of the grid (names, not contacts); the inspector those of the jurisdiction with contacts', async () => {
    const grid = await app.inject({ url: '/api/enterprises?limit=10000', headers: sessions.get('grid_worker')!.headers })
    const names = (grid.json().features as Array<{ properties: { name: string; mgmtGridId: number } }>)
    expect(names.map((f) => f.properties.name)).toContain(gridMember.name)
    expect(names.every((f) => f.properties.mgmtGridId === sessions.get('grid_worker')!.user.mgmtGridId)).toBe(true)
    const one = await app.inject({ url: `/api/enterprises/${gridMember.id}`, headers: sessions.get('grid_worker')!.headers })
    expect(one.statusCode).toBe(200)
    expect(one.json().properties).toMatchObject({ name: gridMember.name, responsiblePhone: null, responsiblePerson: null })
    const denied = await app.inject({ url: `/api/enterprises/${outsider.id}`, headers: sessions.get('grid_worker')!.headers })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('out_of_jurisdiction')

    const inspector = sessions.get('inspector')!
    const inside = await app.db('enterprise').whereLike('division_code', `${inspector.user.divisionPrefix}%`).whereNotNull('responsible_phone').first('id', 'responsible_phone')
    const mine = await app.inject({ url: `/api/enterprises/${inside.id}`, headers: inspector.headers })
    expect(mine.json().properties.responsiblePhone).toBe(inside.responsible_phone)
  })
})
