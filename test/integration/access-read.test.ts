import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { latLngToCell } from 'h3-js'
import { checkAccess, readScope, ROLES, type Role, type SessionUser } from '../../server/modules/auth/access'
import { PUBLIC_TILE_LAYERS, TILE_LAYERS } from '../../server/modules/tiles/layers'
import { tileAt } from '../../server/modules/tiles/tile'
import { COLLECTIONS } from '../../server/modules/ogc/collections'
import yauzl from 'yauzl'
import initSqlJs from 'sql.js'
import { PbfReader as Pbf } from 'pbf'
import { VectorTile } from '@mapbox/vector-tile'
import { buildTestApp } from '../helpers/app'
import { signIn, type TestSession } from '../helpers/auth'
import { publishViaDraft } from '../helpers/publish'

// The read dimension of the authorization matrix (issue #14, docs/security.md): for every GET route,
// every export layer and every tile layer × every role, a record outside the role's read scope never
// appears in the response — checked by content (its name, USCC and phone), not only by status.
// The fixtures are demo enterprises chosen for the test (their rows are not changed):
// `outsider` lies outside the inspector's jurisdiction and the grid worker's grid and has a major
// hazard installation; `gridMember` lies in the grid worker's grid and has a phone the grid worker
// must not read (contacts are not in that role's scope). So that the routes reading reports,
// publications and scenarios have something to read, the test adds records of its own through the
// API (ensureRecordsToRead): a public report at the outsider naming it, publications, and a scenario
// about the outsider's installation.
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
  const q = app
    .db('enterprise as e')
    .whereNotNull('e.responsible_phone')
    .whereNotNull('e.responsible_person')
    // A name no other enterprise has, so finding it means finding this one.
    .whereNotExists((s) => s.select(1).from('enterprise as o').whereRaw('o.name = e.name AND o.id <> e.id'))
    .orderBy('e.level', 'desc')
    .orderBy('e.id')
  if (withHazard) q.whereExists((s) => s.select(1).from('major_hazard as m').whereRaw('m.enterprise_id = e.id'))
  where(q)
  const row = await q.first(
    'e.id',
    'e.name',
    'e.uscc',
    'e.responsible_phone',
    'e.responsible_person',
    'e.division_code',
    app.db.raw('ST_X(e.geom) AS lon'),
    app.db.raw('ST_Y(e.geom) AS lat'),
    app.db.raw('(SELECT min(m.id) FROM major_hazard m WHERE m.enterprise_id = e.id) AS major_hazard_id'),
  )
  expect(row, 'a fixture enterprise in the demo data').toBeTruthy()
  return {
    id: Number(row.id),
    name: row.name,
    uscc: row.uscc,
    phone: row.responsible_phone,
    person: row.responsible_person,
    divisionCode: row.division_code,
    lon: Number(row.lon),
    lat: Number(row.lat),
    majorHazardId: Number(row.major_hazard_id ?? 1),
  }
}

/** The records ensureRecordsToRead made (ids in the shared database). */
interface Made {
  reportId: number
  trackingCode: string
  draftId: number
  publicationId: number
  /** A publication older than `publicationId`, to compare it with. */
  againstId: number
  scenarioId: number
}

/**
 * Makes, through the API as a client would, the records the routes of reports, publications and
 * scenarios read, so those routes are read with a 200 and checked by content rather than exempted:
 * - a public report filed at the outsider that names it (name, USCC and phone in its text), so a
 *   reader outside the outsider's division or grid must not see it;
 * - a publication in two steps (a planner's draft, approved by the admin), and another while the
 *   database holds fewer than two, so a diff compares two publications and the public tiles and
 *   routes have published levels to show;
 * - a planner's what-if scenario removing the outsider's major hazard installation, named after it
 *   (a planner's scenario is scoped to every division, so an inspector must not read it).
 * Other test files add records to the shared database at the same time: only the ids made here are
 * relied on, never counts or "the newest".
 */
async function ensureRecordsToRead(): Promise<Made> {
  const inspector = sessions.get('inspector')!.user
  const filed = await app.inject({
    method: 'POST',
    url: '/api/public/reports',
    // An address of our own, so the public rate limit is not shared with another caller.
    remoteAddress: '10.14.0.1',
    payload: {
      location: { lon: outsider.lon, lat: outsider.lat },
      category: 'illegal_business',
      description: `${outsider.name}（统一社会信用代码 ${outsider.uscc}）夜间在厂区外装卸危险化学品，负责人电话 ${outsider.phone}`,
      address: outsider.name,
    },
  })
  expect(filed.statusCode, filed.body).toBe(201)
  const trackingCode = (filed.json() as { trackingCode: string }).trackingCode
  const report = await app.db('public_report').where({ tracking_code: trackingCode }).first('id', 'division_code', 'mgmt_grid_id')
  // Routed by its place: to the outsider's division, outside the inspector's jurisdiction and the grid worker's grid.
  expect(String(report.division_code ?? ''), "the report lies outside the inspector's jurisdiction").not.toMatch(new RegExp(`^${inspector.divisionPrefix}`))
  expect(report.mgmt_grid_id, "the report lies outside the grid worker's grid").not.toBe(sessions.get('grid_worker')!.user.mgmtGridId)

  const saved = await app.inject({
    method: 'POST',
    url: '/api/scenarios',
    headers: sessions.get('planner')!.headers,
    payload: {
      name: `拆除${outsider.name}的重大危险源`,
      description: `若 ${outsider.uscc} 的重大危险源 ${outsider.majorHazardId} 拆除`,
      changes: [{ kind: 'remove_installation', majorHazardId: outsider.majorHazardId }],
    },
  })
  expect(saved.statusCode, saved.body).toBe(201)

  const publicationCount = async () => Number((await app.db('publication').count<{ count: string }[]>('* as count'))[0]!.count)
  let published = await publishViaDraft(app, '权限矩阵测试发布')
  // A second one only while the database holds one (others may have published meanwhile).
  if ((await publicationCount()) < 2) published = await publishViaDraft(app, '权限矩阵测试发布（二）')
  const draft = await app.db('publication_draft').where({ publication_id: published.id }).first('id')
  const before = await app.db('publication').where('id', '<', published.id).max('id as id').first()
  expect(before?.id, 'an earlier publication to compare with').toBeTruthy()
  return {
    reportId: Number(report.id),
    trackingCode,
    draftId: Number(draft.id),
    publicationId: published.id,
    againstId: Number(before!.id),
    scenarioId: Number((saved.json() as { id: number }).id),
  }
}

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  await app.ready()
  for (const role of ROLES) sessions.set(role, await signIn(app, role))
  const inspector = sessions.get('inspector')!.user
  const gridWorker = sessions.get('grid_worker')!.user
  outsider = await fixture(
    (q) =>
      q
        .whereNot('e.division_code', 'like', `${inspector.divisionPrefix}%`)
        .where((w) => w.whereNull('e.mgmt_grid_id').orWhereNot('e.mgmt_grid_id', gridWorker.mgmtGridId!)),
    true,
  )
  gridMember = await fixture((q) => q.where('e.mgmt_grid_id', gridWorker.mgmtGridId!), false)
  const made = await ensureRecordsToRead()
  const idOf = async (table: string) => {
    const row = (await app.db(table).orderBy('id', 'desc').first('id')) as { id: number } | undefined
    return String(row?.id ?? 1)
  }
  recordIds = [
    [/^\/api\/enterprises\/:id/, String(outsider.id)],
    [/^\/api\/major-hazards\/:id/, String(outsider.majorHazardId)],
    [/^\/api\/reports\/:id/, String(made.reportId)],
    [/^\/api\/publications\/drafts\/:id/, String(made.draftId)],
    [/^\/api\/publications\/:id/, String(made.publicationId)],
    [/^\/api\/scenarios\/:id/, String(made.scenarioId)],
    [/^\/api\/inspection-plans\/:id/, await idOf('inspection_plan')],
  ]
  named = { against: String(made.againstId), trackingCode: made.trackingCode }
}, 300_000)
afterAll(async () => {
  await app?.close()
})

/** Ids of records the parametrised routes read: the fixtures, the records made here, else the newest in the shared database (1 when it holds none). */
let recordIds: Array<[RegExp, string]> = []
/** The publication before ours (for a diff) and our public report's tracking code. */
let named: { against: string; trackingCode: string } = { against: '1', trackingCode: 'AAAAAAAAAA' }

/** An OpenAPI parameter as @fastify/swagger lists it. */
interface SpecParameter {
  in: string
  name: string
  required?: boolean
  schema?: { enum?: unknown[] }
}

/**
 * The URLs that read a GET route pattern, aimed at the fixtures. Every path parameter and required
 * query parameter with a closed set of values (an enum in the schema, a tile layer, an OGC collection)
 * is expanded to all of them, so a new export format, layer or collection is covered without a change here.
 */
function urlsFor(pattern: string, parameters: SpecParameter[]): string[] {
  const f = outsider
  const cell = latLngToCell(f.lat, f.lon, 8)
  const county = f.divisionCode.slice(0, 6)
  // History: an instant after the latest grading (an earlier one is refused as before the first grading).
  const now = new Date().toISOString()
  const values: Record<string, string[]> = {
    lon: [String(f.lon)],
    lat: [String(f.lat)],
    since: ['2026-01-01'],
    radiusM: ['5000'],
    h3: [cell],
    at: [now],
    from: [now],
    to: [now],
    until: [now],
    id: [recordIds.find(([re]) => re.test(pattern))?.[1] ?? '1'],
    against: [named.against],
    trackingCode: [named.trackingCode],
    key: [county],
    code: [county],
    layer: pattern.startsWith('/tiles/public/') ? Object.keys(PUBLIC_TILE_LAYERS) : pattern.startsWith('/tiles/') ? Object.keys(TILE_LAYERS) : ['enterprises'],
    collectionId: Object.keys(COLLECTIONS),
  }
  for (const p of parameters) {
    if (p.schema?.enum && (p.in === 'path' || p.required)) values[p.name] = p.schema.enum.map(String)
  }
  // Path parameters, expanded (z/x/y: the tile holding the outsider at three zooms).
  let paths = [pattern]
  if (pattern.includes(':z/:x/:y')) {
    paths = [10, 12, 14].map((z) => {
      const t = tileAt(f.lon, f.lat, z)
      return pattern.replace(':z/:x/:y', `${t.z}/${t.x}/${t.y}`)
    })
  }
  for (const name of [...pattern.matchAll(/:([A-Za-z0-9]+)/g)].map((m) => m[1]!).filter((n) => !['z', 'x', 'y'].includes(n))) {
    paths = paths.flatMap((path) => (values[name] ?? ['1']).map((v) => path.replace(`:${name}`, v)))
  }
  // OGC features: the outsider itself (or its installation) in the collections that hold them.
  paths = paths.map((path) =>
    path
      .replace('/ogc/collections/enterprises/items/1', `/ogc/collections/enterprises/items/${f.id}`)
      .replace('/ogc/collections/major_hazards/items/1', `/ogc/collections/major_hazards/items/${f.majorHazardId}`),
  )
  const params = new URLSearchParams()
  for (const p of parameters.filter((q) => q.in === 'query' && q.required)) params.set(p.name, (values[p.name] ?? ['1'])[0]!)
  // Lists: as many rows as they give, so a leak is not hidden on a later page.
  const lists: Record<string, string> = {
    '/api/enterprises': '10000',
    '/api/enforcement/overdue': '5000',
    '/api/supervision/coverage': '5000',
    '/api/resources': '10000',
    '/api/changes': '5000',
    '/api/reports': '1000',
    '/api/scenarios': '200',
  }
  if (lists[pattern]) params.set('limit', lists[pattern]!)
  else if (
    ['/api/major-hazards', '/api/safety-risks', '/api/hidden-dangers', '/api/inspections', '/api/violations', '/api/penalties', '/api/credit-events'].includes(
      pattern,
    )
  )
    params.set('limit', '1000')
  else if (pattern.startsWith('/ogc/collections/:collectionId/items') && !pattern.endsWith(':featureId')) params.set('limit', '10000')
  const qs = params.toString()
  return paths.map((path) => (qs ? `${path}?${qs}` : path))
}

/** The text of an export file: XLSX unzipped (every part), GeoPackage read row by row with SQLite. */
async function fileText(bytes: Buffer, url: string): Promise<string> {
  if (/\.xlsx(\?|$)/.test(url)) {
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (e, z) => (e ? reject(e) : resolve(z!))))
    const parts: string[] = []
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e)
          const chunks: Buffer[] = []
          stream!.on('data', (c: Buffer) => chunks.push(c))
          stream!.on('end', () => {
            parts.push(Buffer.concat(chunks).toString('utf8'))
            zip.readEntry()
          })
        })
      })
      zip.on('end', resolve)
      zip.on('error', reject)
      zip.readEntry()
    })
    expect(parts.length, url).toBeGreaterThan(0)
    return parts.join('\n')
  }
  if (/\.gpkg(\?|$)/.test(url)) {
    const SQL = await initSqlJs()
    const db = new SQL.Database(new Uint8Array(bytes))
    try {
      const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table'")[0]?.values.map((v) => String(v[0])) ?? []
      expect(tables.length, url).toBeGreaterThan(0)
      return tables
        .flatMap((t) =>
          db.exec(`SELECT * FROM "${t}"`).flatMap((r) => r.values.map((row) => row.map((v) => (v instanceof Uint8Array ? '' : String(v))).join('\t'))),
        )
        .join('\n')
    } finally {
      db.close()
    }
  }
  return bytes.toString('utf8')
}

/**
 * The response body as text: gzip undone; a vector tile decoded, every feature's properties listed
 * (and the raw bytes kept, so a name stored elsewhere in the tile is found too); export files opened.
 */
async function text(body: Buffer, encoding: string | undefined, url: string, contentType: string): Promise<string> {
  const bytes = encoding === 'gzip' ? zlib.gunzipSync(body) : body
  if (contentType.includes('vnd.mapbox-vector-tile') || /\.mvt(\?|$)/.test(url)) {
    const tile = new VectorTile(new Pbf(bytes))
    const properties: string[] = []
    for (const name of Object.keys(tile.layers)) {
      const layer = tile.layers[name]!
      for (let i = 0; i < layer.length; i++) properties.push(JSON.stringify(layer.feature(i).properties))
    }
    return `${properties.join('\n')}\n${bytes.toString('utf8')}`
  }
  return fileText(bytes, url)
}

describe('the read dimension of the authorization matrix', () => {
  it('every GET route × role: a record outside the role’s scope never appears, and the admin does see it', async () => {
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { parameters?: SpecParameter[] }>> }
    const parametersOf = (pattern: string) => (spec.paths[pattern.replace(/:([A-Za-z0-9]+)/g, '{$1}')]?.get?.parameters ?? []) as SpecParameter[]
    const leaks: string[] = []
    const seenByAdmin = new Set<string>()
    const answered = new Set<string>()
    const statuses: string[] = []
    const gets = app.accessRules.filter((r) => r.method === 'GET' && !r.url.startsWith('/api/auth/'))
    expect(gets.length).toBeGreaterThan(50)
    for (const rule of gets) {
      for (const url of urlsFor(rule.url, parametersOf(rule.url))) {
        for (const role of [null, ...ROLES] as Array<Role | null>) {
          const user: SessionUser | null = role ? sessions.get(role)!.user : null
          if (checkAccess(rule.access, user) !== 'ok') continue
          const res = await app.inject({ url, headers: role ? sessions.get(role)!.headers : {} })
          if (res.statusCode === 200) answered.add(rule.url)
          else statuses.push(`${role ?? 'anonymous'} ${url}: ${res.statusCode} ${res.body.slice(0, 120)}`)
          if (res.statusCode >= 500) leaks.push(`${role ?? 'anonymous'} ${url}: ${res.statusCode} ${res.body.slice(0, 160)}`)
          if (res.statusCode !== 200) continue
          const body = await text(res.rawPayload, res.headers['content-encoding'] as string | undefined, url, String(res.headers['content-type'] ?? ''))
          const scope = readScope(user)
          const outsiderVisible = scope.all
          for (const [what, value] of [
            ['name', outsider.name],
            ['USCC', outsider.uscc],
            ['phone', outsider.phone],
          ] as const) {
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
    if (process.env.READ_DEBUG) console.log(statuses.join('\n'))
    expect(leaks).toEqual([])
    // Every GET route was read with a 200 by some role (else the check above proved nothing for it),
    // but for these, whose answer needs data this file cannot make without changing what other files
    // read in the shared database (ensureRecordsToRead makes the rest):
    const exempt: Record<string, string> = {
      // A road network: there is one per database (the demo loads none), and importing one here would
      // change every other file's routing answers and network version. Its answer is a resource's
      // reach (geometry and counts), not enterprise data.
      '/api/roads/isochrones': 'a resource on a road network',
      // A plan drawn by this service (demo plans have no stored draw inputs): a draw writes planned
      // inspections for every enterprise a department supervises, and no route makes an enterprise,
      // so they would land on demo enterprises whose inspections other files read. Its answer holds
      // ids and a seed, not names, USCCs or phones.
      '/api/inspection-plans/:id/reproduce': 'a plan drawn by this service',
    }
    const unanswered = gets.filter((r) => !answered.has(r.url)).map((r) => r.url)
    expect(
      unanswered.filter((url) => !(url in exempt)),
      statuses.filter((line) => unanswered.some((u) => line.includes(u.split(':')[0]!))).join('\n'),
    ).toEqual([])
    // The fixture does reach the reader whose scope includes it, through every kind of path: so the
    // checks above can fail.
    for (const path of [
      '/api/enterprises',
      '/api/enterprises/:id',
      '/api/cells/:h3',
      '/api/incident/context',
      '/api/export/:layer.:format',
      '/tiles/:layer/:z/:x/:y.mvt',
      '/api/reports/:id',
      '/api/scenarios/:id',
    ]) {
      expect(seenByAdmin, path).toContain(path)
    }
  }, 600_000)

  it('the grid worker reads the enterprises of the grid (names, not contacts); the inspector those of the jurisdiction with contacts', async () => {
    const grid = await app.inject({ url: '/api/enterprises?limit=10000', headers: sessions.get('grid_worker')!.headers })
    const names = grid.json().features as Array<{ properties: { name: string; mgmtGridId: number } }>
    expect(names.map((f) => f.properties.name)).toContain(gridMember.name)
    expect(names.every((f) => f.properties.mgmtGridId === sessions.get('grid_worker')!.user.mgmtGridId)).toBe(true)
    const one = await app.inject({ url: `/api/enterprises/${gridMember.id}`, headers: sessions.get('grid_worker')!.headers })
    expect(one.statusCode).toBe(200)
    expect(one.json().properties).toMatchObject({ name: gridMember.name, responsiblePhone: null, responsiblePerson: null })
    const denied = await app.inject({ url: `/api/enterprises/${outsider.id}`, headers: sessions.get('grid_worker')!.headers })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('out_of_jurisdiction')

    const inspector = sessions.get('inspector')!
    const inside = await app
      .db('enterprise')
      .whereLike('division_code', `${inspector.user.divisionPrefix}%`)
      .whereNotNull('responsible_phone')
      .first('id', 'responsible_phone')
    const mine = await app.inject({ url: `/api/enterprises/${inside.id}`, headers: inspector.headers })
    expect(mine.json().properties.responsiblePhone).toBe(inside.responsible_phone)
  })
})
