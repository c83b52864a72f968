import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { gridDisk, latLngToCell } from 'h3-js'
import { buildUscc } from '../../server/domain/uscc'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { buildTestApp } from '../helpers/app'
import { signInOther, testUser, type TestSession } from '../helpers/auth'

// Enforcement on the shared graded demo database: inspections and what they find, the rectification
// loop of violations, penalties, credit status, overdue rectifications, double-random plans and an
// enterprise's history. Every test works on departments, inspectors and enterprises of its own, in
// 康平县 (210123).
let app: FastifyInstance
let db: Knex

const COUNTY = '210123'
const run = `${process.pid}-${Date.now() % 1_000_000}`
let township: string
let today: string
let inAMonth: string
let daysAgo: (n: number) => string

interface Inspector {
  id: number
  name: string
}
/** The industry department every enterprise below belongs to, its roster (r[0..4] active, inactive), another department and its roster. */
let dept: { id: number; name: string }
let r: Inspector[]
let inactive: Inspector
let otherDept: { id: number; name: string }
let other: Inspector[]
/** `app.inject` acts as the test admin; its user id, and a second account (an inspector of 康平县 in `dept`) that verifies what the admin reported. */
let adminId: number
let verifier: TestSession

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
type Response = Awaited<ReturnType<FastifyInstance['inject']>>
const send = (method: Method, url: string, payload?: object) => app.inject({ method, url, payload })

async function createDepartment(name: string, industries: string[], kind = 'industry') {
  const res = await send('POST', '/api/departments', { name: `${name}${run}`, kind, divisionCode: COUNTY, industries })
  expect(res.statusCode, res.body).toBe(201)
  return res.json() as { id: number; name: string }
}

async function addInspectors(departmentId: number, names: string[], active = true): Promise<Inspector[]> {
  const list: Inspector[] = []
  for (const name of names) {
    const res = await send('POST', `/api/departments/${departmentId}/inspectors`, { name, badgeNo: `${departmentId}-${name}-${run}`, active })
    expect(res.statusCode, res.body).toBe(201)
    list.push(res.json())
  }
  return list
}

beforeAll(async () => {
  app = await buildTestApp()
  db = app.db
  township = (await db('division').where({ rank: 'township' }).whereLike('code', `${COUNTY}%`).orderBy('code').first('code')).code
  const { rows } = await db.raw("SELECT to_char(current_date, 'YYYY-MM-DD') AS today, to_char(current_date + 30, 'YYYY-MM-DD') AS month")
  today = rows[0].today
  inAMonth = rows[0].month
  daysAgo = (n) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10)
  dept = await createDepartment('执法测试应急管理局', ['manufacturing', 'hazardous_chemicals'])
  r = await addInspectors(dept.id, ['执法一', '执法二', '执法三', '执法四', '执法五'])
  ;[inactive] = await addInspectors(dept.id, ['执法六'], false)
  otherDept = await createDepartment('执法测试住建局', ['construction'])
  other = await addInspectors(otherDept.id, ['住建一', '住建二'])
  adminId = (await testUser(db, 'admin')).id
  verifier = await signInOther(app, `test_verifier_${run}`, 'inspector', { departmentId: dept.id, divisionPrefix: COUNTY })
})
afterAll(async () => {
  await app?.close()
})

let serial = 0

/** An enterprise of our own (inserted directly; there is no enterprise write API), of `dept` unless told otherwise. */
async function createEnterprise(columns: Record<string, unknown> = {}, at?: { lon: number; lat: number }): Promise<number> {
  serial += 1
  const uscc = buildUscc(`Y2${COUNTY}${String(process.pid % 10_000).padStart(4, '0')}${String(serial).padStart(5, '0')}`)
  const point = at ?? (await db('division').where({ code: township }).first(db.raw('ST_X(label_point) AS lon, ST_Y(label_point) AS lat')))!
  const [row] = await db('enterprise')
    .insert({
      uscc,
      name: `执法测试企业${serial}`,
      industry: 'manufacturing',
      scale: 'small',
      affiliation: 'township',
      division_code: township,
      tier: 'township',
      industry_department_id: dept.id,
      responsible_person: '测试责任人',
      geom: db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [point.lon, point.lat]),
      ...columns,
    })
    .returning('id')
  return Number(row.id)
}

/** A point in 康平县 whose res-8 cell and the 6 rings around it hold no graded cell (searched from the south-east, away from other files' spots). */
async function quietSpot(): Promise<{ lon: number; lat: number; division: string }> {
  const occupied = new Set<string>(await db('cell').where({ res: 8 }).pluck('h3'))
  const { rows } = await db.raw<{ rows: Array<{ lon: string; lat: string; code: string }> }>(
    `SELECT lon, lat, d.code FROM generate_series(122.50, 123.80, 0.05) AS lon CROSS JOIN generate_series(41.30, 42.95, 0.05) AS lat
     JOIN division d ON d.rank = 'township' AND d.code LIKE ? AND ST_Contains(d.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
     ORDER BY lat, lon DESC`,
    [`${COUNTY}%`],
  )
  for (const row of rows) {
    const spot = { lon: Number(row.lon), lat: Number(row.lat), division: row.code }
    if (!gridDisk(latLngToCell(spot.lat, spot.lon, 8), 6).some((h) => occupied.has(h))) return spot
  }
  throw new Error('no quiet spot left in 康平县')
}

const levelAt = async (lon: number, lat: number) =>
  Number(
    (
      await db('cell')
        .where({ res: 8, h3: latLngToCell(lat, lon, 8) })
        .first('level')
    )?.level ?? 0,
  )
const enterpriseLevel = async (id: number) => Number((await db('enterprise').where({ id }).first('level')).level)
const auditTrail = (entity: string, id: number) =>
  db('audit_log')
    .where({ entity, entity_id: String(id) })
    .orderBy('id')
    .select('action', 'before', 'after')
const dataVersion = async () => Number((await db('data_version').first('version')).version)

function expectInvalid(res: Response, field: string, message: RegExp) {
  expect(res.statusCode, res.body).toBe(400)
  const { error } = res.json()
  expect(error.code).toBe('invalid_input')
  const detail = error.details.find((d: { field: string }) => d.field === field)
  expect(detail, JSON.stringify(error)).toBeDefined()
  expect(detail.message).toMatch(message)
}

function expectSeparation(res: Response, field: string, message: RegExp) {
  expect(res.statusCode, res.body).toBe(403)
  const { error } = res.json()
  expect(error.code).toBe('separation_of_duties')
  expect(error.details[0]).toMatchObject({ field, message: expect.stringMatching(message) })
}

function expectConflict(res: Response, message: RegExp, detail: Record<string, unknown>) {
  expect(res.statusCode, res.body).toBe(409)
  const { error } = res.json()
  expect(error.code).toBe('conflict')
  expect(error.message).toMatch(message)
  expect(error.details[0]).toMatchObject(detail)
}

const inspect = (enterpriseId: number, extra: Record<string, unknown> = {}) =>
  send('POST', '/api/inspections', { enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: today, result: 'compliant', ...extra })

async function violation(enterpriseId: number, extra: Record<string, unknown> = {}) {
  const res = await send('POST', '/api/violations', {
    enterpriseId,
    description: '未按规定对从业人员进行安全生产教育和培训',
    foundAt: today,
    deadline: inAMonth,
    ...extra,
  })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

describe('inspections', () => {
  it('records an inspection with what it found; a major hidden danger makes the enterprise and its cells red until verified', async () => {
    const spot = await quietSpot()
    const id = await createEnterprise({ division_code: spot.division }, spot)
    const res = await inspect(id, {
      result: 'violations_found',
      findings: '现场检查发现两处问题',
      violations: [{ description: '未如实记录安全生产教育和培训情况', legalBasis: '《中华人民共和国安全生产法》第九十七条', deadline: inAMonth }],
      hiddenDangers: [{ description: '液氨制冷车间未设置氨气泄漏报警装置', deadline: inAMonth }],
    })
    expect(res.statusCode, res.body).toBe(201)
    const { inspection, violations, hiddenDangers, regrade } = res.json()
    expect(inspection).toMatchObject({
      enterpriseId: id,
      inspectedAt: today,
      status: 'recorded',
      result: 'violations_found',
      planId: null,
      violations: 1,
      hiddenDangers: 1,
      inspectors: [
        { id: r[0]!.id, name: '执法一', departmentId: dept.id },
        { id: r[1]!.id, name: '执法二' },
      ],
    })
    // The account that recorded the inspection reported what it found (not a name from the body).
    expect(violations).toEqual([
      expect.objectContaining({
        inspectionId: inspection.id,
        status: 'open',
        foundAt: today,
        deadline: inAMonth,
        reportedBy: 'Test admin',
        reportedByUserId: adminId,
        overdue: false,
      }),
    ])
    expect(hiddenDangers).toEqual([
      expect.objectContaining({
        inspectionId: inspection.id,
        isMajor: true,
        status: 'open',
        reportedBy: 'Test admin',
        reportedByUserId: adminId,
        lon: spot.lon,
        lat: spot.lat,
      }),
    ])
    expect(regrade.changedCells).toBeGreaterThan(0)
    expect(await enterpriseLevel(id)).toBe(4)
    expect(await levelAt(spot.lon, spot.lat)).toBe(4)

    const dangerId = hiddenDangers[0].id
    expect((await send('POST', `/api/hidden-dangers/${dangerId}/rectify`, { rectification: '加装报警装置并联网' })).statusCode).toBe(200)
    expect(await enterpriseLevel(id)).toBe(4)
    expectSeparation(await send('POST', `/api/hidden-dangers/${dangerId}/verify`, {}), 'verifiedBy', /you reported this hidden danger/)
    const verified = await app.inject({ method: 'POST', url: `/api/hidden-dangers/${dangerId}/verify`, payload: {}, headers: verifier.headers })
    expect(verified.statusCode, verified.body).toBe(200)
    expect(await enterpriseLevel(id)).toBe(1) // manufacturing, nothing else reported: blue
    expect(await levelAt(spot.lon, spot.lat)).toBe(1)
    const cause = await db('cell_level_history')
      .where({ res: 8, h3: latLngToCell(spot.lat, spot.lon, 8) })
      .orderBy('id', 'desc')
      .first('cause')
    expect(cause.cause).toEqual({ kind: 'hidden_danger', id: dangerId, action: 'verified' })

    expect((await auditTrail('inspection', inspection.id)).map((a) => a.action)).toEqual(['created'])
    expect((await auditTrail('violation', violations[0].id)).map((a) => a.action)).toEqual(['created'])
    expect((await auditTrail('hidden_danger', dangerId)).map((a) => a.action)).toEqual(['created', 'rectified', 'verified'])
    expect((await send('GET', `/api/inspections/${inspection.id}`)).json()).toEqual(inspection)
    expect((await send('GET', `/api/inspections?enterpriseId=${id}`)).json()).toMatchObject({ total: 1, items: [{ id: inspection.id }] })
  })

  it("takes inspectors of the enterprise's specialist departments, and of the plan's department when under a plan", async () => {
    const fire = await createDepartment('执法测试消防大队', [], 'specialist')
    const [firefighter] = await addInspectors(fire.id, ['消防一'])
    const id = await createEnterprise()
    expectInvalid(await inspect(id, { inspectorIds: [r[0]!.id, firefighter!.id] }), 'inspectorIds[1]', /belongs to 执法测试消防大队/)
    await db('enterprise_specialist_department').insert({ enterprise_id: id, department_id: fire.id })
    expect((await inspect(id, { inspectorIds: [r[0]!.id, firefighter!.id] })).statusCode).toBe(201)

    expectInvalid(await inspect(id, { inspectorIds: [other[0]!.id, other[1]!.id] }), 'inspectorIds[0]', /not to enterprise \d+'s departments/)
    const [plan] = await db('inspection_plan')
      .insert({
        department_id: otherDept.id,
        division_prefix: COUNTY,
        period_start: daysAgo(30),
        period_end: inAMonth,
        seed: 'manual',
        rule_version: 'test',
        created_by: 'test',
      })
      .returning('id')
    const res = await inspect(id, { inspectorIds: [other[0]!.id, other[1]!.id], planId: plan.id })
    expect(res.statusCode, res.body).toBe(201)
    expect(res.json().inspection).toMatchObject({ planId: plan.id })
  })
})

describe('violations: open → rectified → verified', () => {
  const transition = (id: number, verb: string, payload: object) => send('POST', `/api/violations/${id}/${verb}`, payload)
  const rectify = (id: number, as?: TestSession) =>
    app.inject({
      method: 'POST',
      url: `/api/violations/${id}/rectify`,
      payload: { rectification: '补充培训并建立档案' },
      ...(as ? { headers: as.headers } : {}),
    })
  /** Verified by the second account unless `as` is null (the test admin, who reported it). */
  const verify = (id: number, as: TestSession | null = verifier) =>
    app.inject({ method: 'POST', url: `/api/violations/${id}/verify`, payload: {}, ...(as ? { headers: as.headers } : {}) })
  const reopen = (id: number) => transition(id, 'reopen', { reason: '培训档案不全' })
  const refused = (res: Response, id: number, current: string, message: string) =>
    expectConflict(res, new RegExp(`^violation ${id} is ${current}; ${message}$`), { field: 'status', current })

  it('refuses every illegal transition with 409 naming the current state; the legal ones are audited and bump the tile version', async () => {
    const { id } = await violation(await createEnterprise())
    refused(await verify(id), id, 'open', 'only a rectified violation can be verified')
    refused(await reopen(id), id, 'open', 'only a rectified violation can be reopened')

    const version = await dataVersion()
    const rectified = await rectify(id)
    expect(rectified.json()).toMatchObject({ status: 'rectified', rectifiedAt: expect.any(String) })
    expect(await dataVersion()).toBeGreaterThan(version)
    refused(await rectify(id), id, 'rectified', 'only an open violation can be rectified')

    expect((await reopen(id)).json()).toMatchObject({ status: 'open', rectifiedAt: null })
    expect((await rectify(id)).statusCode).toBe(200)
    expectSeparation(await verify(id, null), 'verifiedBy', /you reported this violation: it is verified by another account/)
    expect((await send('GET', `/api/violations/${id}`)).json().status).toBe('rectified')
    expect((await verify(id)).json()).toMatchObject({
      status: 'verified',
      verifiedBy: `Test test_verifier_${run}`,
      verifiedByUserId: verifier.user.id,
      verifiedAt: expect.any(String),
    })

    refused(await rectify(id), id, 'verified', 'only an open violation can be rectified')
    refused(await verify(id), id, 'verified', 'only a rectified violation can be verified')
    refused(await reopen(id), id, 'verified', 'only a rectified violation can be reopened')
    expect((await rectify(999_999_999)).statusCode).toBe(404)

    const trail = await auditTrail('violation', id)
    expect(trail.map((a) => a.action)).toEqual(['created', 'rectified', 'reopened', 'rectified', 'verified'])
    expect(trail[1]).toMatchObject({
      before: { status: 'open' },
      after: { status: 'rectified', rectifiedBy: 'Test admin', rectifiedByUserId: adminId, rectification: '补充培训并建立档案' },
    })
    expect(trail[2]).toMatchObject({
      before: { status: 'rectified' },
      after: { status: 'open', reopenedBy: 'Test admin', reopenedByUserId: adminId, reopenReason: '培训档案不全' },
    })
  })

  it('separates duties by account, not by name: neither the reporter nor the rectifier verifies; body names are refused; the database refuses it too', async () => {
    const { id } = await violation(await createEnterprise())
    expectInvalid(await transition(id, 'rectify', { rectification: 'x', rectifiedBy: '别人' }), 'rectifiedBy', /unknown property/)
    expect((await rectify(id, verifier)).statusCode).toBe(200) // the second account records the rectification
    expectSeparation(await verify(id, verifier), 'verifiedBy', /you rectified this violation/)
    expectSeparation(await verify(id, null), 'verifiedBy', /you reported this violation/)
    expectInvalid(await transition(id, 'verify', { verifiedBy: '执法二' }), 'verifiedBy', /unknown property/)
    const third = await signInOther(app, `test_third_${run}`, 'admin')
    expect((await verify(id, third)).json()).toMatchObject({
      status: 'verified',
      reportedByUserId: adminId,
      rectifiedByUserId: verifier.user.id,
      verifiedByUserId: third.user.id,
    })

    // The same rule as a CHECK: no write path can store a verifier who reported or rectified.
    const [row] = await db('violation')
      .insert({
        enterprise_id: (await violation(await createEnterprise())).enterpriseId,
        description: 'x',
        found_at: today,
        deadline: inAMonth,
        status: 'open',
        reported_by: 'x',
        reported_by_user_id: adminId,
      })
      .returning('id')
    await expect(
      db('violation')
        .where({ id: row.id })
        .update({ status: 'verified', rectified_at: db.fn.now(), verified_at: db.fn.now(), verified_by: 'x', verified_by_user_id: adminId }),
    ).rejects.toThrow(/violation_verifier_differs/)
    const danger = await send('POST', '/api/hidden-dangers', {
      enterpriseId: await createEnterprise(),
      description: '检查表',
      isMajor: false,
      foundAt: today,
      deadline: inAMonth,
    })
    expect(danger.json()).toMatchObject({ reportedByUserId: adminId })
    await expect(db('hidden_danger').where({ id: danger.json().id }).update({ verified_by_user_id: adminId })).rejects.toThrow(/hidden_danger_verifier_differs/)
  })

  it('lets only one of two concurrent transitions succeed (row lock)', async () => {
    const { id } = await violation(await createEnterprise())
    const results = await Promise.all([rectify(id), rectify(id)])
    expect(results.map((x) => x.statusCode).sort()).toEqual([200, 409])
    expect((await auditTrail('violation', id)).map((a) => a.action)).toEqual(['created', 'rectified'])
  })

  it('lists by enterprise, status and overdue', async () => {
    const enterpriseId = await createEnterprise()
    const late = await violation(enterpriseId, { foundAt: '2024-01-02', deadline: '2024-02-01' })
    const current = await violation(enterpriseId)
    expect(late).toMatchObject({ overdue: true })
    const ids = async (query: string) =>
      (await send('GET', `/api/violations?enterpriseId=${enterpriseId}&${query}`)).json().items.map((v: { id: number }) => v.id)
    expect(await ids('overdue=true')).toEqual([late.id])
    expect(await ids('overdue=false')).toEqual([current.id])
    expect(await ids('status=open')).toEqual([late.id, current.id])
  })
})

describe('penalties', () => {
  it('records, lists and publishes a decision; a decision number is unique', async () => {
    const enterpriseId = await createEnterprise()
    const v = await violation(enterpriseId)
    const decisionNo = `康应急罚〔2026〕${run}号`
    const res = await send('POST', '/api/penalties', {
      enterpriseId,
      violationId: v.id,
      decisionNo,
      amountYuan: 12345.67,
      decidedAt: today,
      description: '罚款',
    })
    expect(res.statusCode, res.body).toBe(201)
    const penalty = res.json()
    expect(penalty).toMatchObject({ enterpriseId, violationId: v.id, decisionNo, amountYuan: 12345.67, decidedAt: today, published: false })

    expectConflict(await send('POST', '/api/penalties', { enterpriseId, decisionNo, amountYuan: 1, decidedAt: today }), /already penalty/, {
      field: 'decisionNo',
    })
    const warning = await send('POST', '/api/penalties', { enterpriseId, decisionNo: `${decisionNo}-警告`, amountYuan: 0, decidedAt: today, published: true })
    expect(warning.json()).toMatchObject({ amountYuan: 0, published: true })

    expect((await send('POST', `/api/penalties/${penalty.id}/publish`)).json()).toMatchObject({ published: true })
    expectConflict(await send('POST', `/api/penalties/${penalty.id}/publish`), /already published/, { field: 'published', current: 'published' })
    const listed = (await send('GET', `/api/penalties?enterpriseId=${enterpriseId}&published=true`)).json()
    expect(listed.items.map((p: { id: number }) => p.id)).toEqual([penalty.id, warning.json().id])
    expect((await send('GET', `/api/penalties?division=${township}&enterpriseId=${enterpriseId}`)).json().total).toBe(2)
    expect((await auditTrail('penalty', penalty.id)).map((a) => a.action)).toEqual(['created', 'published'])
  })
})

describe('credit status', () => {
  const event = (id: number, body: object) => send('POST', `/api/enterprises/${id}/credit-events`, body)

  it('keeps enterprise.credit_status consistent with its credit events', async () => {
    const id = await createEnterprise()
    const warned = await event(id, { status: 'warned', reason: '安全生产不良记录警示', startsOn: daysAgo(20), endsOn: inAMonth })
    expect(warned.statusCode, warned.body).toBe(201)
    expect(warned.json()).toMatchObject({ creditStatus: 'warned', previousCreditStatus: 'good', event: { status: 'warned', inForce: true } })
    const black = (await event(id, { status: 'blacklisted', reason: '列入失信联合惩戒“黑名单”', startsOn: daysAgo(10) })).json()
    expect(black).toMatchObject({ creditStatus: 'blacklisted', previousCreditStatus: 'warned' })
    expect((await db('enterprise').where({ id }).first('credit_status')).credit_status).toBe('blacklisted')
    // An event that already ended changes nothing.
    expect((await event(id, { status: 'warned', reason: '旧记录补录', startsOn: '2024-01-01', endsOn: '2024-12-31' })).json()).toMatchObject({
      creditStatus: 'blacklisted',
      event: { inForce: false },
    })
    const repaired = (await event(id, { status: 'good', reason: '信用修复', startsOn: today })).json()
    expect(repaired).toMatchObject({ creditStatus: 'good', previousCreditStatus: 'blacklisted' })

    const history = (await send('GET', `/api/enterprises/${id}/credit-events`)).json()
    expect(history.creditStatus).toBe('good')
    expect(history.items.map((e: { status: string; inForce: boolean }) => [e.status, e.inForce])).toEqual([
      ['good', true],
      ['blacklisted', false],
      ['warned', false],
      ['warned', false],
    ])
    expect((await auditTrail('enterprise', id)).map((a) => [a.before.creditStatus, a.after.creditStatus])).toEqual([
      ['good', 'warned'],
      ['warned', 'blacklisted'],
      ['blacklisted', 'good'],
    ])
  })

  it('refreshes statuses that time has changed', async () => {
    const id = await createEnterprise()
    await event(id, { status: 'blacklisted', reason: '测试', startsOn: daysAgo(5), endsOn: inAMonth })
    // As if the event had ended since the column was written.
    await db('credit_event')
      .where({ enterprise_id: id })
      .update({ ends_on: daysAgo(1) })
    const res = await send('POST', '/api/enforcement/credit/refresh')
    expect(res.statusCode).toBe(200)
    expect(res.json().changed).toContainEqual({ id, before: 'blacklisted', after: 'good' })
    expect((await db('enterprise').where({ id }).first('credit_status')).credit_status).toBe('good')
  })
})

describe('overdue rectifications', () => {
  it('lists open items past their deadline and marks their enterprise', async () => {
    const id = await createEnterprise()
    const late = await violation(id, { foundAt: '2024-01-02', deadline: '2024-02-01' })
    await violation(id)
    const danger = await send('POST', '/api/hidden-dangers', {
      enterpriseId: id,
      description: '消防设施损坏未修复',
      isMajor: false,
      foundAt: '2024-03-01',
      deadline: '2024-03-31',
    })
    expect(danger.statusCode).toBe(201)

    const res = await send('GET', `/api/enforcement/overdue?division=${township}&limit=5000`)
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.today).toBe(today)
    const mine = body.items.filter((i: { enterpriseId: number }) => i.enterpriseId === id)
    // Most overdue first.
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'violation',
        id: late.id,
        deadline: '2024-02-01',
        isMajor: false,
        divisionCode: township,
        enterpriseName: expect.any(String),
      }),
      expect.objectContaining({ kind: 'hidden_danger', id: danger.json().id, deadline: '2024-03-31', isMajor: false }),
    ])
    const lateItem = mine.find((i: { kind: string }) => i.kind === 'violation')
    expect(lateItem.daysOverdue).toBe(Math.round((Date.parse(today) - Date.parse('2024-02-01')) / 86_400_000))
    expect(body.items.every((i: { divisionCode: string }) => i.divisionCode.startsWith(township))).toBe(true)
    const days = body.items.map((i: { daysOverdue: number }) => i.daysOverdue)
    expect(days).toEqual([...days].sort((a, b) => b - a))
    expect(body.total).toBe(body.counts.hidden_danger + body.counts.violation)

    const violationsOnly = (await send('GET', `/api/enforcement/overdue?division=${township}&kind=violation&enterpriseId=${id}`)).json()
    expect(violationsOnly).toMatchObject({ total: 1, enterprises: 1, counts: { hidden_danger: 1, violation: 1 }, items: [{ id: late.id }] })

    const detail = (await send('GET', `/api/enterprises/${id}`)).json().properties
    expect(detail.overdueItems).toEqual({ hiddenDangers: 1, violations: 1 })

    const history = (await send('GET', `/api/enterprises/${id}/enforcement`)).json()
    expect(history).toMatchObject({
      enterpriseId: id,
      overdue: { hiddenDangers: 1, violations: 1, oldestDeadline: '2024-02-01' },
      open: { hiddenDangers: 1, violations: 2 },
    })

    await send('POST', `/api/violations/${late.id}/rectify`, { rectification: '已整改' })
    expect((await send('GET', `/api/enterprises/${id}`)).json().properties.overdueItems).toEqual({ hiddenDangers: 1, violations: 0 })
    expectInvalid(await send('GET', '/api/enforcement/overdue?kind=penalty'), 'kind', /allowed values/)
  })
})

describe("an enterprise's enforcement history", () => {
  it('gathers inspections, violations, hidden dangers, penalties and credit events, latest first', async () => {
    const id = await createEnterprise()
    const first = (await inspect(id, { inspectedAt: daysAgo(40) })).json().inspection
    const second = (
      await inspect(id, { inspectedAt: daysAgo(3), result: 'violations_found', violations: [{ description: '未采取措施消除事故隐患', deadline: inAMonth }] })
    ).json()
    const penalty = (
      await send('POST', '/api/penalties', {
        enterpriseId: id,
        violationId: second.violations[0].id,
        decisionNo: `康应急罚〔历史〕${run}`,
        amountYuan: 5000,
        decidedAt: today,
      })
    ).json()
    await send('POST', `/api/enterprises/${id}/credit-events`, { status: 'warned', reason: penalty.decisionNo, startsOn: today })

    const res = await send('GET', `/api/enterprises/${id}/enforcement`)
    expect(res.statusCode).toBe(200)
    const history = res.json()
    expect(history).toMatchObject({
      enterpriseId: id,
      creditStatus: 'warned',
      today,
      overdue: { hiddenDangers: 0, violations: 0, oldestDeadline: null },
      lastInspection: { id: second.inspection.id },
      nextPlannedInspection: null,
      violations: [{ id: second.violations[0].id, inspectionId: second.inspection.id }],
      penalties: [{ id: penalty.id, amountYuan: 5000 }],
      creditEvents: [{ status: 'warned', inForce: true }],
      hiddenDangers: [],
    })
    expect(history.inspections.map((i: { id: number }) => i.id)).toEqual([second.inspection.id, first.id])
    expect((await send('GET', '/api/enterprises/999999999/enforcement')).statusCode).toBe(404)
  })
})

describe('double-random inspection plans', () => {
  let planDept: { id: number; name: string }
  let roster: Inspector[]
  let red: number[]
  let blacklistedOrange: number
  let orange: number
  let blue: number[]
  let central: number
  let notOurs: number
  const quarter = { periodStart: '2027-01-01', periodEnd: '2027-03-31' }

  async function graded(level: number, columns: Record<string, unknown> = {}): Promise<number> {
    const id = await createEnterprise({ industry_department_id: planDept.id, ...columns })
    const res = await send('POST', '/api/safety-risks', {
      enterpriseId: id,
      name: '测试风险',
      method: 'stated',
      stated: { level, method: '测试评估' },
      assessedAt: today,
    })
    expect(res.statusCode, res.body).toBe(201)
    return id
  }

  const propose = (extra: Record<string, unknown> = {}) =>
    send('POST', '/api/inspection-plans', { departmentId: planDept.id, divisionPrefix: township, ...quarter, ...extra })

  beforeAll(async () => {
    planDept = await createDepartment('执法测试双随机应急局', ['manufacturing'])
    roster = await addInspectors(planDept.id, ['随机一', '随机二', '随机三', '随机四', '随机五'])
    await addInspectors(planDept.id, ['随机六'], false)
    red = [await graded(4), await graded(4), await graded(4)]
    orange = await graded(3)
    blacklistedOrange = await graded(3)
    await send('POST', `/api/enterprises/${blacklistedOrange}/credit-events`, { status: 'blacklisted', reason: '测试', startsOn: daysAgo(1) })
    blue = [await createEnterprise({ industry_department_id: planDept.id }), await createEnterprise({ industry_department_id: planDept.id })]
    central = await createEnterprise({ industry_department_id: planDept.id, central_vertical: true, affiliation: 'central' })
    notOurs = await graded(4, { industry_department_id: dept.id })
    // The previous inspection of red[0] was by 随机一 and 随机二.
    const previous = await send('POST', '/api/inspections', {
      enterpriseId: red[0],
      inspectorIds: [roster[0]!.id, roster[1]!.id],
      inspectedAt: daysAgo(2),
      result: 'compliant',
    })
    expect(previous.statusCode, previous.body).toBe(201)
  })

  it('draws by level, two inspectors from the active roster, never those of the previous inspection, and stores the plan', async () => {
    const res = await propose()
    expect(res.statusCode, res.body).toBe(201)
    const plan = res.json()
    expect(plan).toMatchObject({
      departmentId: planDept.id,
      divisionPrefix: township,
      ...quarter,
      ruleVersion: DEFAULT_RULES.version,
      status: 'draft',
      publishedAt: null,
      createdBy: 'Test admin',
      createdByUserId: adminId,
      seedSource: 'generated',
    })
    expect(plan.seed).toMatch(/^[0-9a-f]{24}$/)
    const byEnterprise = new Map<number, Array<{ plannedFor: string; inspectedAt: null; inspectors: Inspector[] }>>()
    for (const i of plan.inspections) byEnterprise.set(i.enterpriseId, [...(byEnterprise.get(i.enterpriseId) ?? []), i])
    // Red 4/yr over a quarter: exactly one each; a blacklisted orange is sampled as red.
    for (const id of [...red, blacklistedOrange]) expect(byEnterprise.get(id), `enterprise ${id}`).toHaveLength(1)
    // Orange 0.5 and blue 0.125 over the quarter: at most one.
    for (const id of [orange, ...blue]) expect((byEnterprise.get(id) ?? []).length).toBeLessThanOrEqual(1)
    expect(byEnterprise.has(central)).toBe(false)
    expect(byEnterprise.has(notOurs)).toBe(false)

    const active = roster.map((p) => p.id)
    for (const i of plan.inspections) {
      expect(i.plannedFor >= quarter.periodStart && i.plannedFor <= quarter.periodEnd).toBe(true)
      expect(i.inspectedAt).toBeNull()
      expect(i.inspectors).toHaveLength(2)
      for (const p of i.inspectors) expect(active).toContain(p.id)
    }
    const redFirst = byEnterprise.get(red[0]!)![0]!.inspectors.map((p) => p.id)
    expect(redFirst).not.toContain(roster[0]!.id)
    expect(redFirst).not.toContain(roster[1]!.id)
    expect(plan.counts).toMatchObject({ inspections: plan.inspections.length, recorded: 0, pending: plan.inspections.length, enterprises: byEnterprise.size })

    const stored = await db('inspection')
      .where({ plan_id: plan.id })
      .select('enterprise_id', 'inspected_at', db.raw("to_char(planned_for, 'YYYY-MM-DD') AS planned_for"))
    expect(stored).toHaveLength(plan.inspections.length)
    expect(stored.every((s) => s.inspected_at === null)).toBe(true)
    const [audit] = await auditTrail('inspection_plan', plan.id)
    expect(audit).toMatchObject({
      action: 'created',
      after: { seed: plan.seed, draw: { rules: { version: DEFAULT_RULES.version, inspection: { perYear: { 4: 4 }, blacklistRaise: 1 } } } },
    })
    expect(audit.after.draw.inputs.enterprises.map((e: { id: number }) => e.id)).toEqual([...red, orange, blacklistedOrange, ...blue].sort((a, b) => a - b))

    // A second plan sees the first one's planned inspections as the previous ones: no inspector twice running.
    // (The admin replays the first plan's recorded seed.)
    const next = (await propose({ seed: plan.seed })).json()
    expect(next).toMatchObject({ seed: plan.seed, seedSource: 'replayed' })
    for (const i of next.inspections) {
      const before = byEnterprise.get(i.enterpriseId)?.at(-1)
      if (!before) continue
      expect(
        i.inspectors.some((p: Inspector) => before.inspectors.some((q) => q.id === p.id)),
        `enterprise ${i.enterpriseId}`,
      ).toBe(false)
    }
  })

  it('reproduces a draw from its stored seed and inputs, and notices a stored plan that was changed', async () => {
    const plan = (await propose()).json()
    expect(plan.seed).toMatch(/^[0-9a-f]{24}$/) // generated and stored when not given
    const check = async () => (await send('GET', `/api/inspection-plans/${plan.id}/reproduce`)).json()
    expect(await check()).toMatchObject({
      planId: plan.id,
      seed: plan.seed,
      ruleVersion: DEFAULT_RULES.version,
      matches: true,
      storedInspections: plan.inspections.length,
      redrawnInspections: plan.inspections.length,
      differences: [],
    })

    const first = plan.inspections[0]
    await db('inspection')
      .where({ id: first.id })
      .update({ planned_for: '2027-03-31' === first.plannedFor ? '2027-03-30' : '2027-03-31' })
    const tampered = await check()
    expect(tampered.matches).toBe(false)
    expect(tampered.differences).toEqual(
      expect.arrayContaining([
        { side: 'redrawn', enterpriseId: first.enterpriseId, plannedFor: first.plannedFor, inspectorIds: first.inspectors.map((p: Inspector) => p.id) },
        expect.objectContaining({ side: 'stored', enterpriseId: first.enterpriseId }),
      ]),
    )
    await db('inspection').where({ id: first.id }).update({ planned_for: first.plannedFor })
    expect((await check()).matches).toBe(true)

    const [demoPlan] = await db('inspection_plan').where({ created_by: 'demo-generator' }).limit(1).pluck('id')
    expectConflict(await send('GET', `/api/inspection-plans/${demoPlan}/reproduce`), /has no stored draw inputs/, { field: 'id' })
  })

  it('refuses a roster too small for the plan (409 naming the department and how many are needed) and stores nothing', async () => {
    const small = await createDepartment('执法测试小队', ['manufacturing'])
    await addInspectors(small.id, ['小一', '小二', '小三'])
    const id = await createEnterprise({ industry_department_id: small.id })
    await send('POST', '/api/safety-risks', {
      enterpriseId: id,
      name: '测试风险',
      method: 'stated',
      stated: { level: 4, method: '测试评估' },
      assessedAt: today,
    })
    const auditRows = async () =>
      Number(
        (
          await db('audit_log').where({ entity: 'inspection_plan' }).whereRaw("(after->>'departmentId')::int = ?", [small.id]).count<{ n: string }[]>('* as n')
        )[0]!.n,
      )

    // Red over half a year: two inspections of one enterprise, so four inspectors to avoid a repeat.
    const res = await send('POST', '/api/inspection-plans', {
      departmentId: small.id,
      divisionPrefix: COUNTY,
      periodStart: '2027-01-01',
      periodEnd: '2027-06-30',
    })
    expectConflict(res, new RegExp(`^department ${small.id} \\(执法测试小队${run}\\) has 3 active inspector\\(s\\); this plan needs at least 4`), {
      field: 'departmentId',
      departmentId: small.id,
      department: `执法测试小队${run}`,
      needed: 4,
      available: 3,
    })
    expect(await db('inspection_plan').where({ department_id: small.id })).toEqual([])
    expect(await db('inspection').where({ enterprise_id: id })).toEqual([])
    expect(await auditRows()).toBe(0)
  })

  it('publishes a plan, then its results once every planned inspection is recorded — each step refused (409) out of order', async () => {
    const plan = (await propose({ periodStart: '2027-04-01', periodEnd: '2027-06-30' })).json()
    expect(plan.inspections.length).toBeGreaterThan(0)
    // The test admin drew it; another account publishes it.
    const approver = await signInOther(app, `test_plan_approver_${run}`, 'admin')
    const publish = (as: TestSession | null = approver) =>
      app.inject({ method: 'POST', url: `/api/inspection-plans/${plan.id}/publish`, ...(as ? { headers: as.headers } : {}) })
    const publishResults = () => send('POST', `/api/inspection-plans/${plan.id}/publish-results`)

    expectConflict(await publishResults(), /is a draft; publish the plan before its results/, { field: 'status', current: 'draft' })
    expectSeparation(await publish(null), 'id', new RegExp(`you drew inspection plan ${plan.id}: it is published by another account`))
    const published = await publish()
    expect(published.json()).toMatchObject({
      status: 'published',
      publishedAt: expect.any(String),
      resultsPublishedAt: null,
      createdByUserId: adminId,
      publishedByUserId: approver.user.id,
    })
    expectConflict(await publish(), /is already published/, { current: 'published' })
    expectConflict(await publishResults(), new RegExp(`has ${plan.inspections.length} planned inspection\\(s\\) without a recorded result`), {
      current: 'published',
    })

    for (const [k, i] of plan.inspections.entries()) {
      const outcome =
        k === 0
          ? {
              inspectedAt: today,
              result: 'violations_found',
              findings: '发现问题',
              violations: [{ description: '未对安全设备进行经常性维护', deadline: inAMonth }],
            }
          : { inspectedAt: today, result: 'compliant' }
      const res = await send('POST', `/api/inspections/${i.id}/result`, outcome)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().inspection).toMatchObject({
        status: 'recorded',
        planId: plan.id,
        inspectors: i.inspectors.map((p: Inspector) => expect.objectContaining({ id: p.id })),
      })
    }
    const first = plan.inspections[0]
    expectConflict(await send('POST', `/api/inspections/${first.id}/result`, { inspectedAt: today, result: 'compliant' }), /is already recorded/, {
      field: 'status',
      current: 'recorded',
    })
    // The account that recorded the result reported the violation.
    expect(await db('violation').where({ inspection_id: first.id }).first('reported_by', 'reported_by_user_id')).toEqual({
      reported_by: 'Test admin',
      reported_by_user_id: adminId,
    })

    const results = await publishResults()
    expect(results.statusCode, results.body).toBe(200)
    expect(results.json()).toMatchObject({
      status: 'results_published',
      counts: { pending: 0, recorded: plan.inspections.length, byResult: { violations_found: 1 } },
    })
    expectConflict(await publishResults(), /results are already published/, { current: 'results_published' })
    expect((await auditTrail('inspection_plan', plan.id)).map((a) => a.action)).toEqual(['created', 'published', 'results_published'])
    expect(
      (await send('GET', `/api/inspection-plans?departmentId=${planDept.id}&status=results_published`)).json().items.map((p: { id: number }) => p.id),
    ).toEqual([plan.id])
  })

  it('keeps an inspector to their own department and jurisdiction, takes no seed from them, and lets another account publish what they drew', async () => {
    const inspector = await signInOther(app, `test_plan_inspector_${run}`, 'inspector', { departmentId: planDept.id, divisionPrefix: COUNTY })
    const draw = (body: Record<string, unknown>) =>
      app.inject({
        method: 'POST',
        url: '/api/inspection-plans',
        payload: { departmentId: planDept.id, divisionPrefix: township, periodStart: '2027-07-01', periodEnd: '2027-09-30', ...body },
        headers: inspector.headers,
      })
    const plans = async () => Number((await db('inspection_plan').where({ department_id: planDept.id }).count<{ n: string }[]>('* as n'))[0]!.n)
    const before = await plans()
    const refused = (res: Response, code: string, field: string, message: RegExp) => {
      expect(res.statusCode, res.body).toBe(403)
      expect(res.json().error).toMatchObject({ code, details: [{ field, message: expect.stringMatching(message) }] })
    }
    refused(
      await draw({ departmentId: otherDept.id }),
      'out_of_jurisdiction',
      'departmentId',
      new RegExp(`your own department \\(${planDept.id}\\), not department ${otherDept.id}`),
    )
    refused(await draw({ divisionPrefix: '210102' }), 'out_of_jurisdiction', 'divisionPrefix', /210102 is outside your jurisdiction \(210123\)/)
    refused(await draw({ seed: 'chosen-by-me' }), 'forbidden', 'seed', /only an admin may replay a recorded seed/)
    expect(await plans()).toBe(before)

    const drawn = await draw({})
    expect(drawn.statusCode, drawn.body).toBe(201)
    const plan = drawn.json()
    expect(plan).toMatchObject({ createdBy: `Test test_plan_inspector_${run}`, createdByUserId: inspector.user.id, seedSource: 'generated' })
    const own = await app.inject({ method: 'POST', url: `/api/inspection-plans/${plan.id}/publish`, headers: inspector.headers })
    expectSeparation(own, 'id', /you drew inspection plan/)
    expect(await db('inspection_plan').where({ id: plan.id }).first('published_at')).toEqual({ published_at: null })
    // An inspector of another department cannot publish it either; the admin can.
    const stranger = await signInOther(app, `test_plan_stranger_${run}`, 'inspector', { departmentId: otherDept.id, divisionPrefix: COUNTY })
    expect((await app.inject({ method: 'POST', url: `/api/inspection-plans/${plan.id}/publish`, headers: stranger.headers })).json().error.code).toBe(
      'out_of_jurisdiction',
    )
    expect((await send('POST', `/api/inspection-plans/${plan.id}/publish`)).json()).toMatchObject({ status: 'published', publishedByUserId: adminId })
    await expect(db('inspection_plan').where({ id: plan.id }).update({ published_by_user_id: inspector.user.id })).rejects.toThrow(/inspection_plan_four_eyes/)
  })

  it.each([
    [
      'periodEnd before periodStart',
      () => ({ periodStart: '2027-03-01', periodEnd: '2027-02-28' }),
      'periodEnd',
      /2027-02-28 is not after periodStart 2027-03-01/,
    ],
    ['periodEnd equal to periodStart', () => ({ periodStart: '2027-03-01', periodEnd: '2027-03-01' }), 'periodEnd', /is not after periodStart/],
    ['a period of a year or more', () => ({ periodStart: '2027-01-01', periodEnd: '2028-01-01' }), 'periodEnd', /less than a year/],
    ['an impossible date', () => ({ periodStart: '2027-02-30' }), 'periodStart', /format "date"/],
    ['an unknown department', () => ({ departmentId: 999_999_999 }), 'departmentId', /no department with id 999999999/],
    ['a division outside the jurisdiction', () => ({ divisionPrefix: '210102' }), 'divisionPrefix', /outside the jurisdiction of department/],
    ['a division where it supervises nothing', () => ({ divisionPrefix: `${COUNTY}999` }), 'divisionPrefix', /supervises no enterprise under/],
    ['a malformed division prefix', () => ({ divisionPrefix: '2101x' }), 'divisionPrefix', /pattern/],
    ['an unknown property', () => ({ frequency: 2 }), 'frequency', /unknown property/],
    ['an author in the body (the author is the session)', () => ({ createdBy: '张三' }), 'createdBy', /unknown property/],
    ['a seed no plan has (an admin only replays a recorded one)', () => ({ seed: `never-drawn-${run}` }), 'seed', /not the seed of a recorded plan/],
  ])('refuses %s (400 naming the field) and stores nothing', async (_name, change, field, message) => {
    const plans = async () => Number((await db('inspection_plan').where({ department_id: planDept.id }).count<{ n: string }[]>('* as n'))[0]!.n)
    const before = await plans()
    expectInvalid(await propose(change()), field, message)
    expect(await plans()).toBe(before)
  })
})

describe('bad input → 400 naming the field, nothing written', () => {
  let enterpriseId: number
  let otherEnterprise: number
  let otherViolation: number

  beforeAll(async () => {
    enterpriseId = await createEnterprise()
    otherEnterprise = await createEnterprise()
    otherViolation = (await violation(otherEnterprise)).id
  })

  /** Rows a refused write could have left: records of the enterprise and audit rows naming it. */
  async function footprint(): Promise<number[]> {
    const count = async (q: Knex.QueryBuilder) => Number((await q.count<{ n: string }[]>('* as n'))[0]!.n)
    return Promise.all([
      count(db('inspection').where({ enterprise_id: enterpriseId })),
      count(db('violation').where({ enterprise_id: enterpriseId })),
      count(db('hidden_danger').where({ enterprise_id: enterpriseId })),
      count(db('penalty').where({ enterprise_id: enterpriseId })),
      count(db('credit_event').where({ enterprise_id: enterpriseId })),
      count(
        db('audit_log').whereRaw("(after->>'enterpriseId')::bigint = ? OR (entity = 'enterprise' AND entity_id = ?)", [enterpriseId, String(enterpriseId)]),
      ),
    ])
  }

  const finding = { description: '未按规定配备安全管理人员', deadline: '2026-05-01' }
  it.each([
    [
      'inspector not in the department',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, other[0]!.id], inspectedAt: today, result: 'compliant' }),
      'inspectorIds[1]',
      /belongs to 执法测试住建局.*not to enterprise/,
    ],
    [
      'inactive inspector',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [inactive.id, r[0]!.id], inspectedAt: today, result: 'compliant' }),
      'inspectorIds[0]',
      /is not active/,
    ],
    [
      'unknown inspector',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, 999_999_999], inspectedAt: today, result: 'compliant' }),
      'inspectorIds[1]',
      /no inspector with id 999999999/,
    ],
    [
      'one inspector only',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id], inspectedAt: today, result: 'compliant' }),
      'inspectorIds',
      /fewer than 2 items/,
    ],
    [
      'the same inspector twice',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[0]!.id], inspectedAt: today, result: 'compliant' }),
      'inspectorIds',
      /duplicate items/,
    ],
    [
      'an inspection in the future',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: inAMonth, result: 'compliant' }),
      'inspectedAt',
      /is in the future/,
    ],
    [
      'a deadline before the inspection',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: '2026-05-02', result: 'violations_found', violations: [finding] }),
      'violations[0].deadline',
      /2026-05-01 is before inspectedAt 2026-05-02/,
    ],
    [
      'a hidden danger deadline before the inspection',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: '2026-05-02', result: 'violations_found', hiddenDangers: [finding] }),
      'hiddenDangers[0].deadline',
      /before inspectedAt/,
    ],
    [
      'a hidden danger with a longitude only',
      '/api/inspections',
      () => ({
        enterpriseId,
        inspectorIds: [r[0]!.id, r[1]!.id],
        inspectedAt: today,
        result: 'violations_found',
        violations: [{ ...finding, deadline: inAMonth }],
        hiddenDangers: [{ ...finding, deadline: inAMonth, lon: 123.1 }],
      }),
      'hiddenDangers[0].lat',
      /required when lon is given/,
    ],
    [
      'compliant with findings',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: today, result: 'compliant', violations: [{ ...finding, deadline: inAMonth }] }),
      'result',
      /use violations_found/,
    ],
    [
      'an unknown result',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: today, result: 'fine' }),
      'result',
      /allowed values/,
    ],
    [
      'an unknown plan',
      '/api/inspections',
      () => ({ enterpriseId, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: today, result: 'compliant', planId: 999_999_999 }),
      'planId',
      /no inspection plan/,
    ],
    [
      'an unknown enterprise',
      '/api/inspections',
      () => ({ enterpriseId: 999_999_999, inspectorIds: [r[0]!.id, r[1]!.id], inspectedAt: today, result: 'compliant' }),
      'enterpriseId',
      /no enterprise with id 999999999/,
    ],
    [
      'a violation deadline before the finding',
      '/api/violations',
      () => ({ enterpriseId, description: 'x', foundAt: '2026-05-02', deadline: '2026-05-01' }),
      'deadline',
      /2026-05-01 is before foundAt 2026-05-02/,
    ],
    [
      "a violation of another enterprise's inspection",
      '/api/violations',
      () => ({ enterpriseId: otherEnterprise, inspectionId: 999_999_999, description: 'x', foundAt: today, deadline: inAMonth }),
      'inspectionId',
      /no inspection/,
    ],
    ['a negative penalty', '/api/penalties', () => ({ enterpriseId, decisionNo: `负数-${run}`, amountYuan: -100, decidedAt: today }), 'amountYuan', />= 0/],
    [
      "a penalty for another enterprise's violation",
      '/api/penalties',
      () => ({ enterpriseId, violationId: otherViolation, decisionNo: `他人-${run}`, amountYuan: 100, decidedAt: today }),
      'violationId',
      /is of enterprise/,
    ],
    [
      'a penalty decided before the violation was found',
      '/api/penalties',
      () => ({ enterpriseId: otherEnterprise, violationId: otherViolation, decisionNo: `早于-${run}`, amountYuan: 100, decidedAt: '2020-01-01' }),
      'decidedAt',
      /before violation \d+ was found/,
    ],
    ['a penalty without a decision number', '/api/penalties', () => ({ enterpriseId, amountYuan: 100, decidedAt: today }), 'decisionNo', /required/],
    [
      'a credit event ending before it starts',
      `/api/enterprises/{id}/credit-events`,
      () => ({ status: 'warned', reason: 'x', startsOn: '2026-05-02', endsOn: '2026-05-01' }),
      'endsOn',
      /2026-05-01 is before startsOn 2026-05-02/,
    ],
    [
      'an unknown credit status',
      `/api/enterprises/{id}/credit-events`,
      () => ({ status: 'excellent', reason: 'x', startsOn: today }),
      'status',
      /allowed values/,
    ],
  ])('%s', async (_name, url, payload, field, message) => {
    const before = await footprint()
    const res = await send('POST', url.replace('{id}', String(enterpriseId)), payload())
    expectInvalid(res, field, message)
    expect(await footprint()).toEqual(before)
  })
})
