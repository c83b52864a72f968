import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildUscc } from '../../server/domain/uscc'
import { buildTestApp } from '../helpers/app'

// Supervision on the shared demo database: departments and rosters, an enterprise's tier (rule or
// explicit), departments and responsible person, the tier recompute and the coverage report. Every
// test works on departments and enterprises of its own, in 法库县 (210124).
let app: FastifyInstance
let db: Knex

const COUNTY = '210124'
let township: string
/** Unique per run: department names and badges must not collide with another run's on a reused database. */
const run = `${process.pid}-${Date.now() % 1_000_000}`

beforeAll(async () => {
  app = await buildTestApp()
  db = app.db
  township = (await db('division').where({ rank: 'township' }).whereLike('code', `${COUNTY}%`).orderBy('code').first('code')).code
})
afterAll(async () => {
  await app?.close()
})

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'
const send = (method: Method, url: string, payload?: object) => app.inject({ method, url, payload })

let serial = 0

/** An enterprise of our own, inserted directly (there is no enterprise write API), graded nowhere. */
async function createEnterprise(columns: Record<string, unknown> = {}): Promise<number> {
  serial += 1
  const uscc = buildUscc(`Y1${COUNTY}${String(process.pid % 10_000).padStart(4, '0')}${String(serial).padStart(5, '0')}`)
  const point = await db('division').where({ code: township }).first(db.raw('ST_X(label_point) AS lon, ST_Y(label_point) AS lat'))
  const [row] = await db('enterprise')
    .insert({
      uscc,
      name: `监管测试企业${serial}`,
      industry: 'manufacturing',
      scale: 'small',
      affiliation: 'township',
      division_code: township,
      geom: db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [point.lon, point.lat]),
      ...columns,
    })
    .returning('id')
  return Number(row.id)
}

async function createDepartment(body: Record<string, unknown>) {
  const res = await send('POST', '/api/departments', { divisionCode: COUNTY, ...body })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

async function auditTrail(entity: string, id: number) {
  return db('audit_log')
    .where({ entity, entity_id: String(id) })
    .orderBy('id')
    .select('action', 'before', 'after')
}

/** Expects a 400 whose details name `field` with a message matching `message`. */
function expectInvalid(res: Awaited<ReturnType<typeof send>>, field: string, message: RegExp) {
  expect(res.statusCode, res.body).toBe(400)
  const { error } = res.json()
  expect(error.code).toBe('invalid_input')
  const detail = error.details.find((d: { field: string }) => d.field === field)
  expect(detail, JSON.stringify(error)).toBeDefined()
  expect(detail.message).toMatch(message)
}

/** Expects a 409 whose first detail names `field` and, when given, the current state. */
function expectConflict(res: Awaited<ReturnType<typeof send>>, field: string, message: RegExp, current?: string) {
  expect(res.statusCode, res.body).toBe(409)
  const { error } = res.json()
  expect(error.code).toBe('conflict')
  expect(error.message).toMatch(message)
  expect(error.details[0]).toMatchObject({ field, ...(current === undefined ? {} : { current }) })
}

describe('departments and rosters', () => {
  it('creates, lists and updates departments, reading a specialist field from the name', async () => {
    const industry = await createDepartment({ name: `测试应急管理局${run}`, kind: 'industry', industries: ['manufacturing', 'hazardous_chemicals'] })
    expect(industry).toMatchObject({
      kind: 'industry',
      divisionCode: COUNTY,
      divisionName: '法库县',
      industries: ['manufacturing', 'hazardous_chemicals'],
      specialty: null,
      inspectors: 0,
      enterprises: 0,
    })
    const fire = await createDepartment({ name: `测试消防救援大队${run}`, kind: 'specialist' })
    expect(fire).toMatchObject({ kind: 'specialist', specialty: 'fire', industries: [] })

    const listed = (await send('GET', `/api/departments?division=${COUNTY}&kind=specialist`)).json().items
    expect(listed.map((d: { id: number }) => d.id)).toContain(fire.id)
    expect(listed.every((d: { kind: string; divisionCode: string }) => d.kind === 'specialist' && d.divisionCode.startsWith(COUNTY))).toBe(true)
    expect((await send('GET', `/api/departments?industry=hazardous_chemicals&division=${COUNTY}`)).json().items.map((d: { id: number }) => d.id)).toContain(
      industry.id,
    )

    const renamed = await send('PUT', `/api/departments/${fire.id}`, { name: `测试市场监督管理局（特种设备）${run}`, kind: 'specialist', divisionCode: COUNTY })
    expect(renamed.json()).toMatchObject({ specialty: 'special_equipment' })
    expect((await send('GET', `/api/departments/${fire.id}`)).json().name).toBe(`测试市场监督管理局（特种设备）${run}`)
    expect((await auditTrail('department', fire.id)).map((a) => a.action)).toEqual(['created', 'updated'])
  })

  it('refuses a duplicate name (409), an unknown division or industry (400), and a kind change while in use (409)', async () => {
    const dept = await createDepartment({ name: `测试住建局${run}`, kind: 'industry', industries: ['construction'] })
    expectConflict(
      await send('POST', '/api/departments', { name: `测试住建局${run}`, kind: 'industry', divisionCode: COUNTY }),
      'name',
      /already has a department named/,
    )
    expectInvalid(await send('POST', '/api/departments', { name: `x${run}`, kind: 'industry', divisionCode: '219999' }), 'divisionCode', /no division 219999/)
    expectInvalid(
      await send('POST', '/api/departments', { name: `x${run}`, kind: 'industry', divisionCode: COUNTY, industries: ['construction', 'shipbuilding'] }),
      'industries[1]',
      /unknown industry "shipbuilding"/,
    )
    expectInvalid(
      await send('POST', '/api/departments', { name: `x${run}`, kind: 'specialist', divisionCode: COUNTY, industries: ['construction'] }),
      'industries',
      /leave industries empty/,
    )
    expectInvalid(await send('POST', '/api/departments', { name: `x${run}`, kind: 'agency', divisionCode: COUNTY }), 'kind', /allowed values/)

    await createEnterprise({ industry: 'construction', industry_department_id: dept.id })
    const change = await send('PUT', `/api/departments/${dept.id}`, { name: `测试住建局${run}`, kind: 'specialist', divisionCode: COUNTY, specialty: 'fire' })
    expectConflict(change, 'kind', /is the industry department of 1 enterprise/, 'industry')
    expect((await send('GET', `/api/departments/${dept.id}`)).json()).toMatchObject({ kind: 'industry', enterprises: 1 })
    expect((await send('GET', '/api/departments/999999999')).statusCode).toBe(404)
  })

  it('keeps a roster: add, list, deactivate, move; badge numbers are unique', async () => {
    const a = await createDepartment({ name: `测试交通运输局${run}`, kind: 'industry', industries: ['transport'] })
    const b = await createDepartment({ name: `测试商务局${run}`, kind: 'industry', industries: ['retail'] })
    const add = (name: string, badgeNo: string) => send('POST', `/api/departments/${a.id}/inspectors`, { name, badgeNo: `${badgeNo}-${run}` })
    const one = (await add('赵一', 'JT001')).json()
    const two = (await add('钱二', 'JT002')).json()
    expect(one).toMatchObject({ departmentId: a.id, name: '赵一', active: true })
    expectConflict(await add('孙三', 'JT001'), 'badgeNo', /is already inspector/)

    const off = await send('PUT', `/api/inspectors/${two.id}`, { name: '钱二', badgeNo: `JT002-${run}`, active: false })
    expect(off.json()).toMatchObject({ active: false })
    expect((await send('GET', `/api/departments/${a.id}/inspectors?active=true`)).json().items.map((i: { id: number }) => i.id)).toEqual([one.id])
    expect((await send('GET', `/api/departments/${a.id}`)).json()).toMatchObject({ inspectors: 2, activeInspectors: 1 })

    const moved = await send('PUT', `/api/inspectors/${one.id}`, { name: '赵一', badgeNo: `JT001-${run}`, departmentId: b.id })
    expect(moved.json()).toMatchObject({ departmentId: b.id, active: true })
    expectInvalid(
      await send('PUT', `/api/inspectors/${one.id}`, { name: '赵一', badgeNo: `JT001-${run}`, departmentId: 999_999_999 }),
      'departmentId',
      /no department/,
    )
    expect((await auditTrail('inspector', one.id)).map((x) => x.action)).toEqual(['created', 'updated'])
    expect((await send('POST', '/api/departments/999999999/inspectors', { name: 'x', badgeNo: `x-${run}` })).statusCode).toBe(404)
  })
})

describe("an enterprise's supervision", () => {
  let industryDept: { id: number }
  let fireDept: { id: number }
  let equipmentDept: { id: number }
  let otherCountyDept: { id: number }

  beforeAll(async () => {
    industryDept = await createDepartment({ name: `测试监管应急局${run}`, kind: 'industry', industries: ['manufacturing', 'hazardous_chemicals'] })
    fireDept = await createDepartment({ name: `测试监管消防大队${run}`, kind: 'specialist' })
    equipmentDept = await createDepartment({ name: `测试监管特种设备科${run}`, kind: 'specialist' })
    otherCountyDept = await createDepartment({ name: `测试康平应急局${run}`, kind: 'industry', divisionCode: '210123', industries: ['manufacturing'] })
  })

  it('sets departments and the responsible person, closing the coverage gaps', async () => {
    const id = await createEnterprise({ industry: 'hazardous_chemicals', high_hazard: true })
    const before = (await send('GET', `/api/enterprises/${id}/supervision`)).json()
    expect(before.gaps.map((g: { kind: string }) => g.kind)).toEqual([
      'industry_department',
      'specialist_department',
      'specialist_department',
      'responsible_person',
      'tier',
    ])

    const res = await send('PUT', `/api/enterprises/${id}/supervision`, {
      industryDepartmentId: industryDept.id,
      specialistDepartmentIds: [fireDept.id, equipmentDept.id],
      responsiblePerson: ' 周五 ',
      responsiblePhone: '024-55500000',
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({
      industryDepartment: { id: industryDept.id },
      responsiblePerson: '周五',
      tier: 'county',
      tierSource: 'rule',
      tierReason: 'small high-hazard enterprise',
      gaps: [],
      regrade: null,
      specialistDepartments: [
        { id: fireDept.id, specialty: 'fire' },
        { id: equipmentDept.id, specialty: 'special_equipment' },
      ],
    })
    const [audit] = await auditTrail('enterprise', id)
    expect(audit).toMatchObject({
      action: 'supervision_updated',
      before: { tier: null, responsiblePerson: null },
      after: { tier: 'county', responsiblePerson: '周五' },
    })

    // Detail of the enterprise module shows the same.
    const detail = (await send('GET', `/api/enterprises/${id}`)).json().properties
    expect(detail).toMatchObject({ tier: 'county', responsiblePerson: '周五', overdueItems: { hiddenDangers: 0, violations: 0 } })
    expect(detail.specialistDepartments).toHaveLength(2)

    const cleared = await send('PUT', `/api/enterprises/${id}/supervision`, { specialistDepartmentIds: [], responsiblePerson: null })
    expect(cleared.json().gaps.map((g: { kind: string }) => g.kind)).toEqual(['specialist_department', 'specialist_department', 'responsible_person'])
  })

  it('recomputes the tier by rule on every change, and regrades when the high-hazard flag changes', async () => {
    const id = await createEnterprise()
    const put = async (body: object) => {
      const res = await send('PUT', `/api/enterprises/${id}/supervision`, body)
      expect(res.statusCode, res.body).toBe(200)
      return res.json()
    }
    expect(await put({ responsiblePerson: '吴六' })).toMatchObject({ tier: 'township', tierSource: 'rule' })
    expect(await put({ affiliation: 'county' })).toMatchObject({ tier: 'county', tierReason: 'affiliated to the county level' })
    expect(await put({ scale: 'large' })).toMatchObject({ tier: 'county', tierReason: 'large enterprise, not high-hazard' })
    const hazardous = await put({ highHazard: true })
    expect(hazardous).toMatchObject({
      tier: 'city',
      tierReason: 'large high-hazard enterprise',
      highHazard: true,
      regrade: { affectedCells: expect.any(Number) },
    })
    expect(hazardous.regrade.affectedCells).toBeGreaterThan(0)
    // Baseline of a high-hazard enterprise with nothing reported: yellow (docs/domain.md §3.3).
    expect((await db('enterprise').where({ id }).first('level')).level).toBe(2)
    expect(await put({ isOutlet: true })).toMatchObject({ tier: 'county', tierReason: /delegated to the county/ })
    expect(await put({ centralVertical: true })).toMatchObject({ tier: null, gaps: [] })
    expect(await put({ centralVertical: false, highHazard: false })).toMatchObject({ tier: 'county', regrade: { changedCells: expect.any(Number) } })
    expect((await db('enterprise').where({ id }).first('level')).level).toBe(1)
  })

  it.each([
    ['an unknown industry department', () => ({ industryDepartmentId: 999_999_999 }), 'industryDepartmentId', /no department with id 999999999/],
    [
      'a specialist department as industry department',
      () => ({ industryDepartmentId: fireDept.id }),
      'industryDepartmentId',
      /is a specialist department, not an industry one/,
    ],
    [
      'an industry department of another county',
      () => ({ industryDepartmentId: otherCountyDept.id }),
      'industryDepartmentId',
      /covers division 210123, not the enterprise's division 210124/,
    ],
    [
      'an industry department of other industries',
      () => ({ industryDepartmentId: industryDept.id }),
      'industryDepartmentId',
      /supervises manufacturing, hazardous_chemicals, not retail/,
    ],
    [
      'an industry department in the specialist list',
      () => ({ specialistDepartmentIds: [fireDept.id, industryDept.id] }),
      'specialistDepartmentIds[1]',
      /is an industry department, not a specialist one/,
    ],
    ['a repeated specialist department', () => ({ specialistDepartmentIds: [fireDept.id, fireDept.id] }), 'specialistDepartmentIds', /duplicate/],
    ['an unknown scale', () => ({ scale: 'huge' }), 'scale', /allowed values/],
    ['an empty change', () => ({}), 'body', /fewer than 1 properties/],
  ])('refuses %s (400 naming the field), changing nothing', async (_name, body, field, message) => {
    const id = await createEnterprise({ industry: 'retail' })
    const before = await db('enterprise').where({ id }).first()
    expectInvalid(await send('PUT', `/api/enterprises/${id}/supervision`, body()), field, message)
    expect(await db('enterprise').where({ id }).first()).toEqual(before)
    expect(await auditTrail('enterprise', id)).toEqual([])
  })

  it('404 for an unknown enterprise', async () => {
    expect((await send('PUT', '/api/enterprises/999999999/supervision', { scale: 'small' })).statusCode).toBe(404)
    expect((await send('GET', '/api/enterprises/999999999/supervision')).statusCode).toBe(404)
  })
})

describe('explicit tier assignment', () => {
  // Who assigned it is the signed-in account (the test admin, display name 'Test admin'), never a name in the body.
  const assign = (id: number, tier: string, reason = '跨区经营，市级统一监管') => send('PUT', `/api/enterprises/${id}/tier`, { tier, reason })
  const unassign = (id: number) => send('DELETE', `/api/enterprises/${id}/tier`)

  it('overrides the rule, survives changes and recomputes, and is removed back to the rule — each step audited', async () => {
    const id = await createEnterprise()
    await send('PUT', `/api/enterprises/${id}/supervision`, { responsiblePerson: '郑七' })
    const today = (await db.raw("SELECT to_char(current_date, 'YYYY-MM-DD') AS d")).rows[0].d

    const assigned = await assign(id, 'city')
    expect(assigned.statusCode, assigned.body).toBe(200)
    expect(assigned.json()).toMatchObject({
      tier: 'city',
      tierSource: 'explicit',
      tierReason: `explicit: 跨区经营，市级统一监管 (by Test admin, ${today})`,
      ruleTier: 'township',
    })

    const changed = (await send('PUT', `/api/enterprises/${id}/supervision`, { scale: 'large' })).json()
    expect(changed).toMatchObject({ tier: 'city', tierSource: 'explicit', ruleTier: 'county' })

    const recompute = await send('POST', '/api/supervision/tiers/recompute')
    expect(recompute.statusCode).toBe(200)
    expect(recompute.json().changes.map((c: { id: number }) => c.id)).not.toContain(id)
    expect(await db('enterprise').where({ id }).first('tier', 'tier_source')).toEqual({ tier: 'city', tier_source: 'explicit' })

    const reassigned = (await assign(id, 'township', '乡镇属地管理')).json()
    expect(reassigned).toMatchObject({ tier: 'township', tierSource: 'explicit', tierReason: `explicit: 乡镇属地管理 (by Test admin, ${today})` })

    const removed = await unassign(id)
    expect(removed.json()).toMatchObject({ tier: 'county', tierSource: 'rule', tierReason: 'large enterprise, not high-hazard', ruleTier: 'county' })
    expectConflict(await unassign(id), 'tier', /has no explicit tier: its tier \(county\) already follows the rule/, 'rule')

    const trail = await auditTrail('enterprise', id)
    expect(trail.map((a) => a.action)).toEqual(['supervision_updated', 'tier_assigned', 'supervision_updated', 'tier_assigned', 'tier_assignment_removed'])
    expect(trail[1]).toMatchObject({ before: { tier: 'township', tierSource: 'rule' }, after: { tier: 'city', tierSource: 'explicit' } })
    expect(trail[4]).toMatchObject({ before: { tier: 'township', tierSource: 'explicit' }, after: { tier: 'county', tierSource: 'rule' } })
  })

  it.each([
    ['an unknown tier', { tier: 'province', reason: 'x' }, 'tier', /allowed values/],
    ['no reason', { tier: 'city' }, 'reason', /required/],
    ['a name in the body (the author is the session)', { tier: 'city', reason: 'x', by: '张处长' }, 'by', /unknown property/],
  ])('refuses %s (400 naming the field)', async (_name, body, field, message) => {
    const id = await createEnterprise()
    expectInvalid(await send('PUT', `/api/enterprises/${id}/tier`, body), field, message)
  })

  it('keeps central vertical supervision and explicit tiers apart (409)', async () => {
    const central = await createEnterprise({ affiliation: 'central', central_vertical: true })
    expectConflict(await assign(central, 'city'), 'tier', /under central vertical supervision/, 'central_vertical')
    const local = await createEnterprise()
    expect((await assign(local, 'county')).statusCode).toBe(200)
    expectConflict(
      await send('PUT', `/api/enterprises/${local}/supervision`, { centralVertical: true }),
      'centralVertical',
      /has an explicit county tier; remove it/,
      'explicit',
    )
    expect((await db('enterprise').where({ id: local }).first('central_vertical')).central_vertical).toBe(false)
  })
})

describe('POST /api/supervision/tiers/recompute', () => {
  it('brings rule-based tiers up to date, leaves explicit ones, and audits each change', async () => {
    const stale = await createEnterprise({ scale: 'medium', tier: 'township', tier_reason: 'stale' })
    const untiered = await createEnterprise()
    const explicit = await createEnterprise({ tier: 'city', tier_source: 'explicit', tier_reason: 'explicit: 测试 (by 测试员, 2026-01-01)' })
    const res = await send('POST', '/api/supervision/tiers/recompute')
    expect(res.statusCode).toBe(200)
    const summary = res.json()
    expect(summary.explicit).toBeGreaterThanOrEqual(1)
    expect(summary.changes).toEqual(
      expect.arrayContaining([
        { id: stale, before: { tier: 'township', reason: 'stale' }, after: { tier: 'county', reason: 'medium enterprise, not high-hazard' } },
        { id: untiered, before: { tier: null, reason: null }, after: { tier: 'township', reason: expect.stringContaining('small enterprise') } },
      ]),
    )
    expect(summary.changes.map((c: { id: number }) => c.id)).not.toContain(explicit)
    expect(await db('enterprise').where({ id: explicit }).first('tier', 'tier_source', 'tier_reason')).toEqual({
      tier: 'city',
      tier_source: 'explicit',
      tier_reason: 'explicit: 测试 (by 测试员, 2026-01-01)',
    })
    expect(await auditTrail('enterprise', stale)).toEqual([
      {
        action: 'tier_recomputed',
        before: { tier: 'township', tierSource: 'rule', reason: 'stale' },
        after: { tier: 'county', tierSource: 'rule', reason: 'medium enterprise, not high-hazard' },
      },
    ])
    // A second run has nothing left to do for these.
    const again = (await send('POST', '/api/supervision/tiers/recompute')).json()
    expect(again.changes.map((c: { id: number }) => c.id)).not.toContain(stale)
  })
})

describe('GET /api/supervision/coverage', () => {
  it('names every gap per enterprise, excludes central vertical ones, and counts per county', async () => {
    const fire = await createDepartment({ name: `测试覆盖消防大队${run}`, kind: 'specialist' })
    const industry = await createDepartment({ name: `测试覆盖应急局${run}`, kind: 'industry', industries: ['hazardous_chemicals', 'manufacturing'] })
    const covered = await createEnterprise({ industry: 'hazardous_chemicals', industry_department_id: industry.id, responsible_person: '甲', tier: 'county' })
    await db('enterprise_specialist_department').insert({ enterprise_id: covered, department_id: fire.id })
    const noEquipment = covered // hazardous chemicals also need 特种设备: still one gap
    const bare = await createEnterprise({ industry: 'gas' })
    const manufacturing = await createEnterprise({ industry_department_id: industry.id, responsible_person: '乙', tier: 'township' })
    const central = await createEnterprise({ industry: 'gas', affiliation: 'central', central_vertical: true })

    const res = await send('GET', `/api/supervision/coverage?division=${COUNTY}&limit=5000`)
    expect(res.statusCode).toBe(200)
    const report = res.json()
    const byId = new Map(report.items.map((i: { id: number }) => [i.id, i]))
    expect(byId.get(noEquipment)).toMatchObject({
      countyCode: COUNTY,
      gaps: [{ kind: 'specialist_department', specialty: 'special_equipment', message: expect.stringContaining('特种设备') }],
    })
    expect((byId.get(bare) as { gaps: Array<{ kind: string; specialty?: string }> }).gaps.map((g) => g.specialty ?? g.kind)).toEqual([
      'industry_department',
      'fire',
      'special_equipment',
      'responsible_person',
      'tier',
    ])
    expect(byId.has(manufacturing)).toBe(false)
    expect(byId.has(central)).toBe(false)
    expect(report.excluded).toBeGreaterThanOrEqual(1)

    // Counts agree with the items and per county.
    expect(report.division).toBe(COUNTY)
    expect(report.byDivision).toEqual([expect.objectContaining({ code: COUNTY, name: '法库县' })])
    expect(report.byDivision[0].withGaps).toBe(report.withGaps)
    expect(report.total).toBe(report.withGaps)
    expect(report.items).toHaveLength(report.withGaps)
    for (const kind of ['industry_department', 'specialist_department', 'responsible_person', 'tier']) {
      expect(report.byGap[kind]).toBe(report.items.filter((i: { gaps: Array<{ kind: string }> }) => i.gaps.some((g) => g.kind === kind)).length)
    }

    const onlyTier = (await send('GET', `/api/supervision/coverage?division=${COUNTY}&gap=tier&limit=5000`)).json()
    expect(onlyTier.items.map((i: { id: number }) => i.id)).toContain(bare)
    expect(onlyTier.items.every((i: { gaps: Array<{ kind: string }> }) => i.gaps.some((g) => g.kind === 'tier'))).toBe(true)
    expect(onlyTier.total).toBe(report.byGap.tier)

    const whole = (await send('GET', '/api/supervision/coverage?limit=1')).json()
    expect(whole.byDivision.length).toBeGreaterThan(5)
    expect(whole.byDivision.reduce((n: number, d: { withGaps: number }) => n + d.withGaps, 0)).toBe(whole.withGaps)
    expect(whole.items).toHaveLength(1)
    // The demo set has its ≈1.5 % gaps of each kind for the report to find.
    expect(whole.byGap.industry_department).toBeGreaterThan(0)
    expect(whole.byGap.responsible_person).toBeGreaterThan(0)
  })

  it('rejects a malformed division (400 naming it)', async () => {
    expectInvalid(await send('GET', '/api/supervision/coverage?division=21x'), 'division', /pattern/)
  })
})
