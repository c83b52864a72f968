import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import type { Role } from '../../server/modules/auth/access'
import { SESSION_COOKIE } from '../../server/modules/auth/plugin'
import { createSession } from '../../server/modules/auth/sessions'
import { PUBLIC_REPORTS_PER_WINDOW } from '../../server/modules/reports/routes'
import { buildTestApp } from '../helpers/app'

// Public and grid-worker reports on the shared demo database: validation, the rate limit, tracking,
// triage, overdue, inspection tasks, grid-worker routing and jurisdiction. The app is anonymous;
// each staff call carries the session of an account made here (an inspector of 和平区 210102, one of
// 沈河区 210103, a planner, a grid worker of the first grid of 和平区).
let app: FastifyInstance
let db: Knex

const DEADLINE_DAYS = 10
const run = `${process.pid}_${Date.now() % 1_000_000}`
type Headers = Record<string, string>
type Method = 'GET' | 'POST' | 'PATCH'
type Response = Awaited<ReturnType<FastifyInstance['inject']>>

let heping: Headers // inspector, 和平区
let shenhe: Headers // inspector, 沈河区
let planner: Headers
let gridWorker: Headers
let gridWorkerName: string
/** A point inside grid 1 (和平区), one in another grid of 和平区, one in a county without grids. */
let inGrid: { lon: number; lat: number }
let inOtherGrid: { lon: number; lat: number }
let inShenhe: { lon: number; lat: number }
const OUTSIDE = { lon: 100, lat: 30 }
/** Client addresses: each test that files public reports uses its own, so the rate limit of one does not touch another. */
let clientNo = 0
const nextClient = () => `10.7.0.${++clientNo}`

async function account(role: Role, scope: Record<string, unknown>): Promise<{ headers: Headers; username: string }> {
  const username = `rep_${role}_${clientNo++}_${run}`
  const [row] = await db('app_user')
    .insert({ username, role, password_hash: 'unused: signed in by session', ...scope })
    .returning('id')
  const { token, csrfToken } = await createSession(db, (row as { id: number }).id)
  return { headers: { cookie: `${SESSION_COOKIE}=${token}`, 'x-csrf-token': csrfToken }, username }
}

const send = (method: Method, url: string, payload?: object, headers: Headers = {}, remoteAddress?: string) =>
  app.inject({ method, url, payload, headers, remoteAddress })

async function pointIn(table: 'mgmt_grid' | 'division', where: Record<string, unknown>) {
  const row = await db(table).where(where).first(db.raw('ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat'))
  return { lon: Number(row.lon), lat: Number(row.lat) }
}

const reportCount = async () => Number((await db('public_report').count<{ count: string }[]>('* as count'))[0]!.count)

function fieldOf(res: Response): string[] {
  return (res.json().error.details as Array<{ field?: string }>).map((d) => d.field ?? '')
}

async function filePublic(body: Record<string, unknown> = {}, client = nextClient()) {
  const res = await send(
    'POST',
    '/api/public/reports',
    { location: inGrid, category: 'illegal_business', description: '夜间有人在居民楼地下室灌装液化气', ...body },
    {},
    client,
  )
  expect(res.statusCode, res.body).toBe(201)
  const created = res.json() as { trackingCode: string; status: string; deadline: string }
  const row = await db('public_report').where({ tracking_code: created.trackingCode }).first('id')
  return { ...created, id: Number(row.id) }
}

const departmentId = async (name: string) => Number((await db('department').where({ name }).first('id')).id)

beforeAll(async () => {
  app = await buildTestApp({ REPORT_DEADLINE_DAYS: String(DEADLINE_DAYS) }, { as: null })
  db = app.db
  const hepingDept = await departmentId('和平区应急管理局')
  heping = (await account('inspector', { division_prefix: '210102', department_id: hepingDept })).headers
  shenhe = (await account('inspector', { division_prefix: '210103', department_id: await departmentId('沈河区应急管理局') })).headers
  planner = (await account('planner', {})).headers
  const grid = await db('mgmt_grid').where('division_code', 'like', '210102%').orderBy('id').first('id')
  const worker = await account('grid_worker', { mgmt_grid_id: grid.id })
  gridWorker = worker.headers
  gridWorkerName = worker.username
  inGrid = await pointIn('mgmt_grid', { id: grid.id })
  const other = await db('mgmt_grid').where('division_code', 'like', '210102%').whereNot('id', grid.id).orderBy('id').first('id')
  inOtherGrid = await pointIn('mgmt_grid', { id: other.id })
  inShenhe = await pointIn('division', { code: '210103' })
})

afterAll(async () => {
  await app?.close()
})

describe('POST /api/public/reports', () => {
  it('stores a report with a tracking code, its grid, division, department and deadline', async () => {
    const before = Date.now()
    const created = await filePublic({ contact: '13800000000', address: '和平区某小区3号楼' })
    expect(created.trackingCode).toMatch(/^[2-9A-HJKMNP-Z]{10}$/)
    expect(created.status).toBe('received')
    const deadlineMs = Date.parse(created.deadline) - before
    expect(deadlineMs).toBeGreaterThan((DEADLINE_DAYS - 0.01) * 86_400_000)
    expect(deadlineMs).toBeLessThan((DEADLINE_DAYS + 0.01) * 86_400_000)

    const res = await send('GET', `/api/reports/${created.id}`, undefined, heping)
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({
      source: 'public',
      category: 'illegal_business',
      contact: '13800000000',
      address: '和平区某小区3号楼',
      status: 'received',
      filedBy: null,
      departmentName: '和平区应急管理局',
      overdue: false,
    })
    expect(report.divisionCode).toMatch(/^210102\d{3}$/)
    expect(report.mgmtGridId).toBeGreaterThan(0)
    const audit = await db('audit_log')
      .where({ entity: 'public_report', entity_id: String(created.id) })
      .first()
    expect(audit).toMatchObject({ action: 'created', before: null, username: null })
  })

  it('routes each category to the department that handles it', async () => {
    const cases: Array<[string, string]> = [
      ['fire_hazard', '和平区消防救援大队'],
      ['construction', '和平区住房和城乡建设局'],
      ['special_equipment', '和平区市场监督管理局（特种设备）'],
      ['hazardous_chemicals', '和平区应急管理局'],
    ]
    const client = nextClient()
    for (const [category, department] of cases) {
      const { id } = await filePublic({ category }, client)
      const report = (await send('GET', `/api/reports/${id}`, undefined, heping)).json()
      expect(report.departmentName, category).toBe(department)
    }
    const { id } = await filePublic({ location: inShenhe })
    const report = (await send('GET', `/api/reports/${id}`, undefined, shenhe)).json()
    expect(report).toMatchObject({ departmentName: '沈河区应急管理局' })
    expect(report.divisionCode.startsWith('210103')).toBe(true)
  })

  it('refuses every invalid field, naming it, and stores nothing', async () => {
    const valid = { location: inGrid, category: 'other', description: '有异味' }
    const cases: Array<[string, Record<string, unknown>]> = [
      ['location', { location: undefined }],
      ['location.lon', { location: { lon: 200, lat: 41.8 } }],
      ['location.lat', { location: { lon: 123.4 } }],
      ['location.lon', { location: { lon: '东经123', lat: 41.8 } }],
      ['location.alt', { location: { ...inGrid, alt: 3 } }],
      ['location', { location: OUTSIDE }],
      ['category', { category: 'bogus' }],
      ['category', { category: 'enterprise_opened' }],
      ['category', { category: undefined }],
      ['description', { description: '' }],
      ['description', { description: '   ' }],
      ['description', { description: 'x'.repeat(2001) }],
      ['description', { description: undefined }],
      ['contact', { contact: 'x'.repeat(201) }],
      ['address', { address: 'x'.repeat(201) }],
      ['reporter', { reporter: '张三' }],
    ]
    const count = await reportCount()
    const client = nextClient()
    for (const [field, change] of cases) {
      const res = await send('POST', '/api/public/reports', { ...valid, ...change }, {}, client)
      expect(res.statusCode, `${field}: ${res.body}`).toBe(400)
      expect(fieldOf(res), `${field}: ${res.body}`).toContain(field)
    }
    expect(await reportCount()).toBe(count)
    // The refusals did not use up the client's quota.
    await filePublic({}, client)
  })

  it(`answers 429 with Retry-After after ${PUBLIC_REPORTS_PER_WINDOW} reports from one client within an hour, storing nothing more`, async () => {
    const client = nextClient()
    for (let i = 0; i < PUBLIC_REPORTS_PER_WINDOW; i++) await filePublic({ description: `第${i + 1}次举报` }, client)
    const count = await reportCount()
    const res = await send('POST', '/api/public/reports', { location: inGrid, category: 'other', description: '再一次' }, {}, client)
    expect(res.statusCode, res.body).toBe(429)
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000)
    expect(res.json().error).toMatchObject({ code: 'rate_limited' })
    expect(res.json().error.message).toMatch(/at most 5 per hour/)
    expect(await reportCount()).toBe(count)
    // Another client is not affected.
    await filePublic({}, nextClient())
  })
})

describe('GET /api/public/reports/:trackingCode', () => {
  it('shows the status and never the contact, location, staff note or department', async () => {
    const created = await filePublic({ contact: 'secret-contact-13912345678', address: '秘密地址' })
    await db('public_report').where({ id: created.id }).update({ staff_note: 'secret-staff-note' })
    const res = await send('GET', `/api/public/reports/${created.trackingCode.toLowerCase()}`)
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(Object.keys(body).sort()).toEqual(['category', 'createdAt', 'deadline', 'resolution', 'status', 'trackingCode', 'updatedAt'])
    expect(body).toMatchObject({ trackingCode: created.trackingCode, category: 'illegal_business', status: 'received', resolution: null })
    for (const secret of ['secret-contact', '秘密地址', 'secret-staff-note', '应急管理局', String(inGrid.lon).slice(0, 7)])
      expect(res.body).not.toContain(secret)
  })

  it('answers 404 for an unknown code and 400 for a malformed one', async () => {
    const unknown = await send('GET', '/api/public/reports/ZZZZZZZZZZ')
    expect(unknown.statusCode).toBe(404)
    expect(unknown.json().error.message).toMatch(/No report has the tracking code ZZZZZZZZZZ/)
    for (const bad of ['abc', 'ABCDEFGHJ0', encodeURIComponent("' OR 1=1 --"), 'x'.repeat(41)]) {
      const res = await send('GET', `/api/public/reports/${bad}`)
      expect(res.statusCode, bad).toBe(400)
      expect(fieldOf(res)).toContain('trackingCode')
    }
  })
})

describe('triage', () => {
  it('moves a report through its states, refuses illegal moves with 409, audits each write', async () => {
    const { id, trackingCode } = await filePublic()
    const patch = (body: object, headers = heping) => send('PATCH', `/api/reports/${id}`, body, headers)

    const skip = await patch({ status: 'closed', resolution: '已处理' })
    expect(skip.statusCode, skip.body).toBe(409)
    expect(skip.json().error.message).toMatch(/is received/)

    expect((await patch({ status: 'triaged', staffNote: '核实中' })).json()).toMatchObject({ status: 'triaged', staffNote: '核实中' })
    expect((await patch({ status: 'assigned' })).json()).toMatchObject({ status: 'assigned' })

    const noResolution = await patch({ status: 'closed' })
    expect(noResolution.statusCode).toBe(400)
    expect(fieldOf(noResolution)).toEqual(['resolution'])
    const early = await patch({ resolution: '写早了' })
    expect(early.statusCode).toBe(400)
    expect(fieldOf(early)).toEqual(['resolution'])

    const closed = await patch({ status: 'closed', resolution: '经查属实，已责令停止并立案查处。' })
    expect(closed.statusCode, closed.body).toBe(200)
    expect(closed.json()).toMatchObject({ status: 'closed', overdue: false })
    expect(closed.json().closedAt).not.toBeNull()

    const reopen = await patch({ status: 'triaged' })
    expect(reopen.statusCode).toBe(409)
    expect(reopen.json().error.message).toMatch(/is closed/)
    expect((await patch({ departmentId: 8 })).statusCode).toBe(409)

    const publicView = (await send('GET', `/api/public/reports/${trackingCode}`)).json()
    expect(publicView).toMatchObject({ status: 'closed', resolution: '经查属实，已责令停止并立案查处。' })

    const audits = await db('audit_log')
      .where({ entity: 'public_report', entity_id: String(id) })
      .orderBy('id')
    expect(audits.map((a) => a.action)).toEqual(['created', 'updated', 'updated', 'updated'])
    expect(audits[3]).toMatchObject({ before: { status: 'assigned' }, after: { status: 'closed' } })
    expect(audits[3].username).toMatch(/^rep_inspector_/)
  })

  it('reassigns the department and refuses an unknown one', async () => {
    const { id } = await filePublic()
    const housing = await departmentId('和平区住房和城乡建设局')
    const res = await send('PATCH', `/api/reports/${id}`, { departmentId: housing }, heping)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ departmentId: housing, departmentName: '和平区住房和城乡建设局', status: 'received' })
    const bad = await send('PATCH', `/api/reports/${id}`, { departmentId: 999_999 }, heping)
    expect(bad.statusCode).toBe(400)
    expect(fieldOf(bad)).toEqual(['departmentId'])
    const empty = await send('PATCH', `/api/reports/${id}`, {}, heping)
    expect(empty.statusCode).toBe(400)
  })

  it('lists overdue reports: open ones whose deadline has passed', async () => {
    const late = await filePublic({ description: '逾期未处理的举报' })
    const lateClosed = await filePublic({ description: '逾期但已办结' })
    const fresh = await filePublic({ description: '未到期' })
    await db('public_report')
      .whereIn('id', [late.id, lateClosed.id])
      .update({ deadline_at: db.raw("now() - interval '1 day'") })
    await db('public_report').where({ id: lateClosed.id }).update({ status: 'rejected', resolution: '重复举报' })

    const res = await send('GET', '/api/reports?overdue=true&limit=1000', undefined, heping)
    expect(res.statusCode, res.body).toBe(200)
    const ids = (res.json().items as Array<{ id: number; overdue: boolean }>).map((r) => r.id)
    expect(ids).toContain(late.id)
    expect(ids).not.toContain(lateClosed.id)
    expect(ids).not.toContain(fresh.id)
    expect(res.json().items.every((r: { overdue: boolean }) => r.overdue)).toBe(true)

    const notOverdue = (await send('GET', '/api/reports?overdue=false&status=received&limit=1000', undefined, heping)).json()
    expect(notOverdue.items.map((r: { id: number }) => r.id)).toContain(fresh.id)
    expect(notOverdue.items.map((r: { id: number }) => r.id)).not.toContain(late.id)
  })

  it('filters by status, source, department and division, paged', async () => {
    const { id } = await filePublic({ category: 'gas' })
    const gasDept = await departmentId('和平区住房和城乡建设局')
    const res = await send('GET', `/api/reports?status=received&source=public&departmentId=${gasDept}&division=210102&limit=2&offset=0`, undefined, planner)
    expect(res.statusCode, res.body).toBe(200)
    const page = res.json()
    expect(page).toMatchObject({ limit: 2, offset: 0 })
    expect(page.total).toBeGreaterThanOrEqual(1)
    expect(page.items.length).toBeLessThanOrEqual(2)
    expect(page.items[0].id).toBe(id) // newest first
    for (const r of page.items) expect(r).toMatchObject({ status: 'received', source: 'public', departmentId: gasDept })
    const bad = await send('GET', '/api/reports?status=lost&division=21x', undefined, planner)
    expect(bad.statusCode).toBe(400)
    expect(fieldOf(bad).sort()).toEqual(['division', 'status'])
  })

  it('turns a report into an inspection task', async () => {
    const { id } = await filePublic()
    const enterprise = await db('enterprise').where('division_code', 'like', '210102%').orderBy('id').first('id')
    const other = await db('enterprise').where('division_code', 'like', '210103%').orderBy('id').first('id')
    const { rows } = await db.raw("SELECT to_char(current_date + 3, 'YYYY-MM-DD') AS soon, to_char(current_date - 1, 'YYYY-MM-DD') AS yesterday")
    const url = `/api/reports/${id}/inspection`

    const past = await send('POST', url, { enterpriseId: enterprise.id, plannedFor: rows[0].yesterday }, heping)
    expect(past.statusCode).toBe(400)
    expect(fieldOf(past)).toEqual(['plannedFor'])
    const unknown = await send('POST', url, { enterpriseId: 999_999_999, plannedFor: rows[0].soon }, heping)
    expect(unknown.statusCode).toBe(400)
    expect(fieldOf(unknown)).toEqual(['enterpriseId'])
    const foreign = await send('POST', url, { enterpriseId: other.id, plannedFor: rows[0].soon }, heping)
    expect(foreign.statusCode).toBe(403)

    const res = await send('POST', url, { enterpriseId: enterprise.id, plannedFor: rows[0].soon }, heping)
    expect(res.statusCode, res.body).toBe(201)
    const report = res.json()
    expect(report.status).toBe('assigned')
    const inspection = await db('inspection')
      .where({ id: report.inspectionId })
      .first('enterprise_id', db.raw("to_char(planned_for, 'YYYY-MM-DD') AS planned_for"), 'inspected_at')
    expect(inspection).toMatchObject({ enterprise_id: enterprise.id, planned_for: rows[0].soon, inspected_at: null })
    const audit = await db('audit_log')
      .where({ entity: 'inspection', entity_id: String(report.inspectionId) })
      .first()
    expect(audit.after).toMatchObject({ fromReport: id })

    const again = await send('POST', url, { enterpriseId: enterprise.id, plannedFor: rows[0].soon }, heping)
    expect(again.statusCode).toBe(409)
    expect(again.json().error.message).toMatch(/already has inspection/)
  })
})

describe('grid workers', () => {
  it('file reports from their own grid, routed to the supervising department of that grid', async () => {
    const res = await send(
      'POST',
      '/api/reports',
      { location: inGrid, category: 'enterprise_opened', description: '新开一家五金加工作坊', address: '某路12号' },
      gridWorker,
    )
    expect(res.statusCode, res.body).toBe(201)
    const report = res.json()
    expect(report).toMatchObject({
      source: 'grid_worker',
      filedBy: gridWorkerName,
      category: 'enterprise_opened',
      departmentName: '和平区应急管理局',
      contact: null,
    })
    expect(report.trackingCode).toMatch(/^[2-9A-HJKMNP-Z]{10}$/)
    const grid = await db('app_user').where({ username: gridWorkerName }).first('mgmt_grid_id')
    expect(report.mgmtGridId).toBe(grid.mgmt_grid_id)

    // They see their own reports, and only those.
    const list = (await send('GET', '/api/reports?limit=1000', undefined, gridWorker)).json()
    expect(list.items.map((r: { id: number }) => r.id)).toEqual([report.id])
  })

  it('refuses a point outside their grid, a public category, and non-grid-workers', async () => {
    const count = await reportCount()
    const outside = await send('POST', '/api/reports', { location: inOtherGrid, category: 'enterprise_closed', description: '关门了' }, gridWorker)
    expect(outside.statusCode).toBe(400)
    expect(fieldOf(outside)).toEqual(['location'])
    expect(outside.json().error.message).toMatch(/outside your management grid/)
    const wrongCategory = await send('POST', '/api/reports', { location: inGrid, category: 'gas', description: '燃气' }, gridWorker)
    expect(fieldOf(wrongCategory)).toEqual(['category'])
    const byPlanner = await send('POST', '/api/reports', { location: inGrid, category: 'enterprise_closed', description: '关门了' }, planner)
    expect(byPlanner.statusCode).toBe(403)
    const anonymous = await send('POST', '/api/reports', { location: inGrid, category: 'enterprise_closed', description: '关门了' })
    expect(anonymous.statusCode).toBe(401)
    expect(await reportCount()).toBe(count)
    // Grid workers do not triage.
    const { id } = await filePublic()
    expect((await send('PATCH', `/api/reports/${id}`, { status: 'triaged' }, gridWorker)).statusCode).toBe(403)
  })
})

describe('jurisdiction', () => {
  it('limits an inspector to the reports of their division prefix, in the list and by id', async () => {
    const here = await filePublic()
    const there = await filePublic({ location: inShenhe })

    const hepingIds = (await send('GET', '/api/reports?limit=1000', undefined, heping)).json().items.map((r: { id: number; divisionCode: string }) => r)
    expect(hepingIds.map((r: { id: number }) => r.id)).toContain(here.id)
    expect(hepingIds.map((r: { id: number }) => r.id)).not.toContain(there.id)
    expect(hepingIds.every((r: { divisionCode: string }) => r.divisionCode.startsWith('210102'))).toBe(true)

    const shenheList = (await send('GET', '/api/reports?limit=1000', undefined, shenhe)).json()
    expect(shenheList.items.map((r: { id: number }) => r.id)).toContain(there.id)
    expect(shenheList.items.map((r: { id: number }) => r.id)).not.toContain(here.id)
    // A division filter cannot widen it.
    const widened = (await send('GET', '/api/reports?division=2101&limit=1000', undefined, shenhe)).json()
    expect(widened.items.map((r: { id: number }) => r.id)).not.toContain(here.id)

    const read = await send('GET', `/api/reports/${here.id}`, undefined, shenhe)
    expect(read.statusCode).toBe(403)
    expect(read.json().error.code).toBe('out_of_jurisdiction')
    const write = await send('PATCH', `/api/reports/${here.id}`, { status: 'rejected', resolution: '越权' }, shenhe)
    expect(write.statusCode).toBe(403)
    expect((await db('public_report').where({ id: here.id }).first('status')).status).toBe('received')

    // A planner sees both.
    const all = (await send('GET', '/api/reports?limit=1000', undefined, planner)).json().items.map((r: { id: number }) => r.id)
    expect(all).toEqual(expect.arrayContaining([here.id, there.id]))
    // Planners read but do not triage; nobody anonymous reads.
    expect((await send('PATCH', `/api/reports/${here.id}`, { status: 'triaged' }, planner)).statusCode).toBe(403)
    expect((await send('GET', '/api/reports')).statusCode).toBe(401)
  })
})
