import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { gridDisk, latLngToCell } from 'h3-js'
import { buildUscc } from '../../server/domain/uscc'
import { buildTestApp } from '../helpers/app'
import { signInOther, type TestSession } from '../helpers/auth'

// The write side of grading on the shared demo database. Every test works on its own enterprises at
// "quiet" spots (no graded cell within ~5 km), so the levels it expects are exactly its own sources'.
let app: FastifyInstance
let db: Knex
/** `app.inject` acts as the test admin; a second account verifies what the admin reported (separation of duties). */
let verifier: TestSession

beforeAll(async () => {
  app = await buildTestApp()
  db = app.db
  verifier = await signInOther(app, 'test_verifier_sources', 'admin')
})
afterAll(async () => {
  await app?.close()
})

const today = new Date().toISOString().slice(0, 10)
const inAMonth = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10)

interface Spot {
  lon: number
  lat: number
  division: string
}

const usedSpots: Spot[] = []

/**
 * A point in a township (outside 210106, which grading-api.test.ts writes in) whose res-8 cell and
 * the 6 rings around it (≈ 5 km) hold no graded cell, and far from spots this file already used.
 */
async function quietSpot(): Promise<Spot> {
  const occupied = new Set<string>(await db('cell').where({ res: 8 }).pluck('h3'))
  const { rows } = await db.raw<{ rows: Array<{ lon: string; lat: string; code: string }> }>(
    `SELECT lon, lat, d.code FROM generate_series(122.50, 123.80, 0.05) AS lon CROSS JOIN generate_series(41.30, 42.95, 0.05) AS lat
     JOIN division d ON d.rank = 'township' AND d.code NOT LIKE '210106%' AND ST_Contains(d.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4326))
     ORDER BY lat DESC, lon`,
  )
  for (const r of rows) {
    const spot = { lon: Number(r.lon), lat: Number(r.lat), division: r.code }
    if (usedSpots.some((u) => Math.abs(u.lon - spot.lon) < 0.1 && Math.abs(u.lat - spot.lat) < 0.1)) continue
    if (gridDisk(latLngToCell(spot.lat, spot.lon, 8), 6).some((h) => occupied.has(h))) continue
    usedSpots.push(spot)
    return spot
  }
  throw new Error('no quiet spot left in the demo area')
}

let serial = 0

/** An enterprise of our own at the spot, inserted directly (there is no enterprise write API yet). */
async function createEnterprise(spot: Spot, industry = 'manufacturing'): Promise<number> {
  serial += 1
  const uscc = buildUscc(`91${spot.division.slice(0, 6)}${String(process.pid % 100_000).padStart(5, '0')}${String(serial).padStart(4, '0')}`)
  const [row] = await db('enterprise')
    .insert({
      uscc,
      name: `写接口测试企业${serial}`,
      industry,
      scale: 'small',
      affiliation: 'county',
      division_code: spot.division,
      geom: db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [spot.lon, spot.lat]),
    })
    .returning('id')
  return Number(row.id)
}

const h3At = (lon: number, lat: number) => latLngToCell(lat, lon, 8)

/** The level of the analysis cell at a point; 0 when no source reaches it. */
async function levelAt(lon: number, lat: number): Promise<number> {
  const cell = await db('cell')
    .where({ res: 8, h3: h3At(lon, lat) })
    .first('level')
  return cell ? Number(cell.level) : 0
}

async function send(method: 'POST' | 'PUT' | 'GET' | 'DELETE', url: string, payload?: object) {
  return app.inject({ method, url, payload })
}

/** The explanation of the cell at a point: the source of the given kind and id, with its rule. */
async function explained(lon: number, lat: number, kind: string, id: number) {
  const res = await send('GET', `/api/cells/${h3At(lon, lat)}`)
  expect(res.statusCode).toBe(200)
  return (res.json().sources as Array<{ kind: string; id: number; level: number; rule: string; ruleText: string }>).find((s) => s.kind === kind && s.id === id)
}

async function auditTrail(entity: string, id: number) {
  return db('audit_log')
    .where({ entity, entity_id: String(id) })
    .orderBy('id')
    .select('action', 'before', 'after', 'username')
}

/** The cause of the latest level change of the cell at a point. */
async function lastCause(lon: number, lat: number) {
  const row = await db('cell_level_history')
    .where({ res: 8, h3: h3At(lon, lat) })
    .orderBy('id', 'desc')
    .first('old_level', 'new_level', 'cause')
  return row
}

describe('major hazard installations', () => {
  it('create → read → update → delete, grading and explaining the cell at the installation', async () => {
    const spot = await quietSpot()
    const enterpriseId = await createEnterprise(spot)
    // Chlorine (β 4, GB 18218 table 3): S = 50/5 = 10, α = 2 for 120 residents, R = 2 × 4 × 10 = 80 → grade 2, orange.
    const body = {
      enterpriseId,
      name: '液氯储罐区',
      population500m: 120,
      substances: [{ name: '液氯', q: 50, Q: 5 }],
      reportedR: 80,
      reportedGrade: 1,
      reportedAt: today,
    }
    const created = await send('POST', '/api/major-hazards', body)
    expect(created.statusCode).toBe(201)
    const hazard = created.json()
    expect(hazard).toMatchObject({
      enterpriseId,
      S: 10,
      R: 80,
      alpha: 2,
      grade: 2,
      level: 3,
      lon: spot.lon,
      lat: spot.lat,
      substances: [{ name: '液氯', q: 50, Q: 5, beta: 4 }],
      gradeMismatch: 'reported grade 1 differs from computed grade 2',
    })
    expect(hazard.regrade.affectedCells).toBeGreaterThan(1)
    expect(hazard.regrade.changedCells).toBeGreaterThan(1)
    expect(await levelAt(spot.lon, spot.lat)).toBe(3)
    const source = await explained(spot.lon, spot.lat, 'major_hazard', hazard.id)
    expect(source).toMatchObject({ level: 3, rule: 'gb18218' })
    expect(source!.ruleText).toMatch(/R = 80 .*grade 2.*reported grade differs/)

    const { regrade: _, ...stored } = hazard
    expect((await send('GET', `/api/major-hazards/${hazard.id}`)).json()).toEqual(stored)
    const list = (await send('GET', `/api/major-hazards?enterpriseId=${enterpriseId}`)).json()
    expect(list).toMatchObject({ total: 1, limit: 100, offset: 0, items: [stored] })
    expect((await send('GET', `/api/major-hazards?enterpriseId=${enterpriseId}&level=4`)).json().total).toBe(0)

    // Moved ≈ 2.5 km east and enlarged: R = 2 × 4 × 14 = 112 → grade 1, red. The old zone empties.
    const moved = { lon: spot.lon + 0.03, lat: spot.lat }
    const updated = await send('PUT', `/api/major-hazards/${hazard.id}`, {
      ...body,
      ...moved,
      substances: [{ name: '液氯', q: 70, Q: 5 }],
      reportedR: null,
      reportedGrade: null,
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json()).toMatchObject({ R: 112, grade: 1, level: 4, gradeMismatch: null, ...moved })
    expect(await levelAt(spot.lon, spot.lat)).toBe(0)
    expect(await levelAt(moved.lon, moved.lat)).toBe(4)
    expect((await lastCause(moved.lon, moved.lat))?.cause).toEqual({ kind: 'major_hazard', id: hazard.id, action: 'updated' })

    const deleted = await send('DELETE', `/api/major-hazards/${hazard.id}`)
    expect(deleted.statusCode).toBe(200)
    expect(deleted.json()).toMatchObject({ id: hazard.id, deleted: true, regrade: { changedCells: expect.any(Number) } })
    expect((await send('GET', `/api/major-hazards/${hazard.id}`)).statusCode).toBe(404)
    expect(await levelAt(moved.lon, moved.lat)).toBe(0)
    expect(await levelAt(spot.lon, spot.lat)).toBe(1) // back to the manufacturing baseline: blue
    expect(await db('major_hazard_substance').where({ major_hazard_id: hazard.id }).first()).toBeUndefined()

    const trail = await auditTrail('major_hazard', hazard.id)
    expect(trail.map((a) => a.action)).toEqual(['created', 'updated', 'deleted'])
    expect(trail[0]).toMatchObject({ before: null, after: { R: 80, level: 3 }, username: 'test_admin' })
    expect(trail[1]).toMatchObject({ before: { R: 80 }, after: { R: 112, level: 4 } })
    expect(trail[2]).toMatchObject({ before: { R: 112 }, after: null })
  })
})

describe('reported safety risks', () => {
  it('create → read → update through all three methods → delete', async () => {
    const spot = await quietSpot()
    const enterpriseId = await createEnterprise(spot)
    const base = { enterpriseId, name: '有限空间作业', assessedAt: today }
    const created = await send('POST', '/api/safety-risks', { ...base, method: 'lec', lec: { L: 3, E: 6, C: 7 } })
    expect(created.statusCode).toBe(201)
    const risk = created.json()
    expect(risk).toMatchObject({ method: 'lec', lec: { L: 3, E: 6, C: 7 }, matrix: null, stated: null, score: 126, level: 2, lon: spot.lon, lat: spot.lat })
    expect(await levelAt(spot.lon, spot.lat)).toBe(2)
    expect(await explained(spot.lon, spot.lat, 'safety_risk', risk.id)).toMatchObject({
      level: 2,
      rule: 'lec',
      ruleText: expect.stringContaining('D = 3 × 6 × 7 = 126'),
    })

    const matrix = await send('PUT', `/api/safety-risks/${risk.id}`, { ...base, method: 'matrix', matrix: { L: 4, S: 5 } })
    expect(matrix.json()).toMatchObject({ method: 'matrix', lec: null, matrix: { L: 4, S: 5 }, score: 20, level: 4 })
    expect(await levelAt(spot.lon, spot.lat)).toBe(4)
    expect(await explained(spot.lon, spot.lat, 'safety_risk', risk.id)).toMatchObject({ rule: 'matrix' })

    const stated = await send('PUT', `/api/safety-risks/${risk.id}`, { ...base, method: 'stated', stated: { level: 3, method: 'HAZOP' }, impactRadiusM: 800 })
    expect(stated.json()).toMatchObject({ method: 'stated', matrix: null, stated: { level: 3, method: 'HAZOP' }, score: null, level: 3, impactRadiusM: 800 })
    expect(await levelAt(spot.lon, spot.lat)).toBe(3)
    expect(await explained(spot.lon, spot.lat, 'safety_risk', risk.id)).toMatchObject({ rule: 'stated', ruleText: expect.stringContaining('HAZOP') })
    expect((await send('GET', `/api/safety-risks?enterpriseId=${enterpriseId}&method=stated`)).json().items.map((r: { id: number }) => r.id)).toEqual([risk.id])

    expect((await send('DELETE', `/api/safety-risks/${risk.id}`)).statusCode).toBe(200)
    expect(await levelAt(spot.lon, spot.lat)).toBe(1)
    expect((await auditTrail('safety_risk', risk.id)).map((a) => a.action)).toEqual(['created', 'updated', 'updated', 'deleted'])
  })
})

describe('hidden dangers', () => {
  async function report(enterpriseId: number, extra: object = {}) {
    const res = await send('POST', '/api/hidden-dangers', { enterpriseId, description: '储罐区可燃气体报警失效', foundAt: today, deadline: inAMonth, ...extra })
    expect(res.statusCode).toBe(201)
    return res.json()
  }
  const transition = (id: number, verb: string, payload: object) => send('POST', `/api/hidden-dangers/${id}/${verb}`, payload)
  const rectify = (id: number) => transition(id, 'rectify', { rectification: '更换失效探头并联动测试' })
  const verify = (id: number, as: TestSession | null = verifier) =>
    app.inject({ method: 'POST', url: `/api/hidden-dangers/${id}/verify`, payload: {}, ...(as ? { headers: as.headers } : {}) })
  const reopen = (id: number) => transition(id, 'reopen', { reason: '联动测试未通过' })

  it('a cell lowered when its hidden danger is verified rectified', async () => {
    const spot = await quietSpot()
    const enterpriseId = await createEnterprise(spot, 'hazardous_chemicals')
    const danger = await report(enterpriseId)
    expect(danger).toMatchObject({ status: 'open', isMajor: true, overdue: false, reportedBy: 'Test admin', reportedByUserId: expect.any(Number) })
    expect(await levelAt(spot.lon, spot.lat)).toBe(4)
    expect(await explained(spot.lon, spot.lat, 'hidden_danger', danger.id)).toMatchObject({ level: 4, rule: 'direct_red' })

    const rectified = await rectify(danger.id)
    expect(rectified.statusCode).toBe(200)
    expect(rectified.json()).toMatchObject({
      status: 'rectified',
      rectifiedBy: 'Test admin',
      rectifiedByUserId: danger.reportedByUserId,
      rectifiedAt: expect.any(String),
    })
    expect(await levelAt(spot.lon, spot.lat)).toBe(4) // still red until verified

    const auditRows = (await auditTrail('hidden_danger', danger.id)).length
    const byReporter = await verify(danger.id, null) // the admin who reported and rectified it
    expect(byReporter.statusCode).toBe(403)
    expect(byReporter.json().error).toMatchObject({ code: 'separation_of_duties', details: [{ field: 'verifiedBy' }] })
    expect((await send('GET', `/api/hidden-dangers/${danger.id}`)).json().status).toBe('rectified')
    expect(await auditTrail('hidden_danger', danger.id)).toHaveLength(auditRows)

    const verified = await verify(danger.id)
    expect(verified.statusCode).toBe(200)
    expect(verified.json()).toMatchObject({
      status: 'verified',
      verifiedBy: 'Test test_verifier_sources',
      verifiedByUserId: verifier.user.id,
      regrade: { changedCells: expect.any(Number) },
    })
    expect(verified.json().regrade.changedCells).toBeGreaterThan(0)
    expect(await levelAt(spot.lon, spot.lat)).toBe(2) // high-hazard baseline: yellow
    expect(await lastCause(spot.lon, spot.lat)).toEqual({ old_level: 4, new_level: 2, cause: { kind: 'hidden_danger', id: danger.id, action: 'verified' } })
    const trail = await auditTrail('hidden_danger', danger.id)
    expect(trail.map((a) => a.action)).toEqual(['created', 'rectified', 'verified'])
    expect(trail[2]).toMatchObject({ before: { status: 'rectified' }, after: { status: 'verified', verifiedBy: 'Test test_verifier_sources' } })
  })

  it('refuses every illegal transition with 409 naming the current state', async () => {
    const spot = await quietSpot()
    const enterpriseId = await createEnterprise(spot)
    const { id } = await report(enterpriseId)
    const refused = async (res: Awaited<ReturnType<typeof send>>, current: string, message: RegExp) => {
      expect(res.statusCode).toBe(409)
      const { error } = res.json()
      expect(error.code).toBe('conflict')
      expect(error.message).toMatch(message)
      expect(error.details[0]).toMatchObject({ field: 'status', current })
    }
    await refused(await verify(id), 'open', new RegExp(`^hidden danger ${id} is open; only a rectified hidden danger can be verified$`))
    await refused(await reopen(id), 'open', /is open; only a rectified hidden danger can be reopened/)
    expect((await rectify(id)).statusCode).toBe(200)
    await refused(await rectify(id), 'rectified', /is rectified; only an open hidden danger can be rectified/)

    const reopened = await reopen(id)
    expect(reopened.json()).toMatchObject({ status: 'open', rectifiedAt: null, rectifiedBy: null, rectification: null })
    expect(await levelAt(spot.lon, spot.lat)).toBe(4)
    const [, , reopenAudit] = await auditTrail('hidden_danger', id)
    expect(reopenAudit).toMatchObject({
      action: 'reopened',
      before: { status: 'rectified', rectification: '更换失效探头并联动测试' },
      after: { status: 'open', reopenedBy: 'Test admin', reopenReason: '联动测试未通过' },
    })

    expect((await rectify(id)).statusCode).toBe(200)
    expect((await verify(id)).statusCode).toBe(200)
    await refused(await rectify(id), 'verified', new RegExp(`^hidden danger ${id} is verified; only an open hidden danger can be rectified$`))
    await refused(await verify(id), 'verified', /is verified; only a rectified hidden danger can be verified/)
    await refused(await reopen(id), 'verified', /is verified; only a rectified hidden danger can be reopened/)
    expect((await rectify(999_999_999)).statusCode).toBe(404)
  })

  it('lets only one of two concurrent transitions succeed (row lock)', async () => {
    const spot = await quietSpot()
    const { id } = await report(await createEnterprise(spot))
    const results = await Promise.all([rectify(id), rectify(id)])
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409])
    expect((await auditTrail('hidden_danger', id)).map((a) => a.action)).toEqual(['created', 'rectified'])
  })

  it('lists by enterprise, status and overdue (open and past the deadline)', async () => {
    const spot = await quietSpot()
    const enterpriseId = await createEnterprise(spot)
    const late = await report(enterpriseId, { foundAt: '2024-01-02', deadline: '2024-02-01', isMajor: false })
    const current = await report(enterpriseId)
    expect(late).toMatchObject({ overdue: true, isMajor: false })
    expect(await levelAt(spot.lon, spot.lat)).toBe(4) // the major one only
    const ids = async (query: string) =>
      (await send('GET', `/api/hidden-dangers?enterpriseId=${enterpriseId}&${query}`)).json().items.map((h: { id: number }) => h.id)
    expect(await ids('overdue=true')).toEqual([late.id])
    expect(await ids('overdue=false')).toEqual([current.id])
    expect(await ids('status=open')).toEqual([late.id, current.id])
    expect(await ids('status=verified')).toEqual([])
    const overdueAll = (await send('GET', '/api/hidden-dangers?overdue=true&limit=1000')).json()
    expect(overdueAll.items.every((h: { status: string; deadline: string }) => h.status === 'open' && h.deadline < today)).toBe(true)
  })
})

describe('public-area assessments', () => {
  /** A square of `halfSideDeg` degrees around a spot, counter-clockwise. */
  const square = (s: Spot, d: number) => ({
    type: 'Polygon',
    coordinates: [
      [
        [s.lon - d, s.lat - d],
        [s.lon + d, s.lat - d],
        [s.lon + d, s.lat + d],
        [s.lon - d, s.lat + d],
        [s.lon - d, s.lat - d],
      ],
    ],
  })

  it('an area: create → read → update → delete, regrading the cells it covers', async () => {
    const spot = await quietSpot()
    const body = {
      name: '人员密集广场',
      kind: 'area',
      geometry: square(spot, 0.004),
      method: 'lec',
      lec: { L: 6, E: 6, C: 15 },
      assessor: '第三方评估机构',
      assessedAt: today,
    }
    const created = await send('POST', '/api/area-assessments', body)
    expect(created.statusCode).toBe(201)
    const area = created.json()
    expect(area).toMatchObject({
      kind: 'area',
      score: 540,
      level: 4,
      bufferM: null,
      divisionCode: spot.division,
      geometry: { type: 'MultiPolygon' },
      zone: { type: 'MultiPolygon' },
    })
    expect(area.areaKm2).toBeGreaterThan(0.5) // 0.008° × 0.008° at 41–43° N
    expect(area.areaKm2).toBeLessThan(0.7)
    expect(await levelAt(spot.lon, spot.lat)).toBe(4)
    expect(await explained(spot.lon, spot.lat, 'area_assessment', area.id)).toMatchObject({ level: 4, rule: 'lec', ruleText: expect.stringContaining('540') })
    const one = (await send('GET', `/api/area-assessments/${area.id}`)).json()
    expect(one.geometry.coordinates[0][0]).toHaveLength(5)
    const listed = (await send('GET', `/api/area-assessments?division=${spot.division}&kind=area`)).json()
    const item = listed.items.find((a: { id: number }) => a.id === area.id)
    expect(item).toMatchObject({ name: '人员密集广场', level: 4 })
    expect(item).not.toHaveProperty('geometry')

    const updated = await send('PUT', `/api/area-assessments/${area.id}`, {
      ...body,
      method: 'matrix',
      lec: undefined,
      matrix: { L: 3, S: 3 },
      geometry: one.geometry,
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json()).toMatchObject({ method: 'matrix', score: 9, level: 2 })
    expect(await levelAt(spot.lon, spot.lat)).toBe(2)
    expect((await lastCause(spot.lon, spot.lat))?.cause).toEqual({ kind: 'area_assessment', id: area.id, action: 'updated' })

    expect((await send('DELETE', `/api/area-assessments/${area.id}`)).statusCode).toBe(200)
    expect(await levelAt(spot.lon, spot.lat)).toBe(0)
    expect((await auditTrail('area_assessment', area.id)).map((a) => a.action)).toEqual(['created', 'updated', 'deleted'])
  })

  it('a corridor: the line buffered geodesically by bufferM metres', async () => {
    const spot = await quietSpot()
    const line = {
      type: 'LineString',
      coordinates: [
        [spot.lon - 0.018, spot.lat],
        [spot.lon + 0.018, spot.lat],
      ],
    }
    const res = await send('POST', '/api/area-assessments', {
      name: '燃气管道穿越段',
      kind: 'corridor',
      geometry: line,
      bufferM: 200,
      method: 'stated',
      stated: { level: 3, method: '管道完整性评价' },
      assessor: '燃气公司',
      assessedAt: today,
    })
    expect(res.statusCode).toBe(201)
    const corridor = res.json()
    expect(corridor).toMatchObject({ kind: 'corridor', bufferM: 200, level: 3, geometry: { type: 'MultiLineString' }, zone: { type: 'MultiPolygon' } })
    // 3 km × 400 m plus two half-discs of 200 m
    expect(corridor.areaKm2).toBeCloseTo(3.0 * 0.4 + Math.PI * 0.04, 1)
    const inside = async (metresNorth: number) => {
      const { rows } = await db.raw(
        `SELECT ST_Intersects(geom, ST_Project(ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography, ?::float8, 0::float8)::geometry) AS hit FROM area_assessment WHERE id = ?`,
        [spot.lon, spot.lat, metresNorth, corridor.id],
      )
      return rows[0].hit as boolean
    }
    expect(await inside(190)).toBe(true)
    expect(await inside(210)).toBe(false)
    expect(await levelAt(spot.lon, spot.lat)).toBe(3)
  })
})

describe('bad input is refused with the field named, and nothing is written', () => {
  const marker = `写接口拒绝测试-${process.pid}`
  let enterpriseId = 0

  beforeAll(async () => {
    enterpriseId = await createEnterprise(await quietSpot())
  })

  /** Rows that a refused write could have left behind: its records (by marker), audit rows and explanation rows. */
  async function footprint(): Promise<number[]> {
    const count = async (q: Knex.QueryBuilder) => Number((await q.count<{ n: string }[]>('* as n'))[0]!.n)
    return Promise.all([
      count(db('major_hazard').where({ name: marker })),
      count(db('major_hazard_substance').where({ name: marker })),
      count(db('safety_risk').where({ name: marker })),
      count(db('hidden_danger').where({ description: marker })),
      count(db('area_assessment').where({ name: marker })),
      count(db('audit_log').whereRaw("after->>'name' = ? OR after->>'description' = ?", [marker, marker])),
      count(db('cell_source').where({ enterprise_id: enterpriseId })),
    ])
  }

  const hazard = (extra: object = {}) => ({
    enterpriseId,
    name: marker,
    population500m: 10,
    substances: [{ name: marker, q: 10, Q: 5 }],
    reportedAt: today,
    ...extra,
  })
  const risk = (extra: object = {}) => ({ enterpriseId, name: marker, method: 'lec', lec: { L: 3, E: 6, C: 7 }, assessedAt: today, ...extra })
  const danger = (extra: object = {}) => ({ enterpriseId, description: marker, foundAt: today, deadline: inAMonth, ...extra })
  const polygon = (ring: number[][]) => ({ type: 'Polygon', coordinates: [ring] })
  const area = (extra: object = {}) => ({
    name: marker,
    kind: 'area',
    geometry: polygon([
      [123.1, 41.6],
      [123.11, 41.6],
      [123.11, 41.61],
      [123.1, 41.6],
    ]),
    method: 'stated',
    stated: { level: 2, method: '现场评估' },
    assessor: '评估机构',
    assessedAt: today,
    ...extra,
  })
  const substance = (s: object) => hazard({ substances: [{ name: marker, ...s }] })

  it.each([
    ['zero quantity', '/api/major-hazards', () => substance({ q: 0, Q: 5 }), 'substances[0].q', /> 0/],
    ['negative quantity', '/api/major-hazards', () => substance({ q: -3, Q: 5 }), 'substances[0].q', /> 0/],
    ['critical quantity missing', '/api/major-hazards', () => substance({ q: 3 }), 'substances[0].Q', /required/],
    ['unknown substance class', '/api/major-hazards', () => substance({ q: 10, Q: 5, class: 'W99' }), 'substances[0].class', /unknown hazard class "W99"/],
    ['negative population', '/api/major-hazards', () => hazard({ population500m: -1 }), 'population500m', />= 0/],
    ['S below 1', '/api/major-hazards', () => substance({ q: 73, Q: 100 }), 'substances', /^not a major hazard installation: S = 0.73 < 1$/],
    [
      'validity before the report',
      '/api/major-hazards',
      () => hazard({ reportedAt: '2026-03-01', validUntil: '2026-02-28' }),
      'validUntil',
      /before reportedAt/,
    ],
    ['impossible date', '/api/major-hazards', () => hazard({ reportedAt: '2026-02-30' }), 'reportedAt', /format "date"/],
    ['unknown enterprise', '/api/major-hazards', () => hazard({ enterpriseId: 999_999_999 }), 'enterpriseId', /no enterprise with id 999999999/],
    ['longitude outside ±180', '/api/major-hazards', () => hazard({ lon: 190, lat: 41.8 }), 'lon', /-180 to 180/],
    ['latitude outside ±90', '/api/safety-risks', () => risk({ lon: 123.4, lat: -91 }), 'lat', /-90 to 90/],
    ['longitude without latitude', '/api/hidden-dangers', () => danger({ lon: 123.4 }), 'lat', /required when lon is given/],
    ['unknown property', '/api/safety-risks', () => risk({ colour: 'red' }), 'colour', /unknown property/],
    ['LEC L outside its set', '/api/safety-risks', () => risk({ lec: { L: 4, E: 6, C: 7 } }), 'lec.L', /one of 10, 6, 3, 1, 0.5, 0.2, 0.1/],
    ['LEC E outside its set', '/api/safety-risks', () => risk({ lec: { L: 3, E: 4, C: 7 } }), 'lec.E', /one of/],
    ['LEC C outside its set', '/api/safety-risks', () => risk({ lec: { L: 3, E: 6, C: 8 } }), 'lec.C', /one of/],
    ['method without its block', '/api/safety-risks', () => risk({ lec: undefined }), 'lec', /required when method is lec/],
    ['a second method block', '/api/safety-risks', () => risk({ matrix: { L: 2, S: 2 } }), 'matrix', /must be omitted when method is lec/],
    ['matrix S out of range', '/api/safety-risks', () => risk({ method: 'matrix', lec: undefined, matrix: { L: 2, S: 6 } }), 'matrix.S', /integer from 1 to 5/],
    [
      'stated level out of range',
      '/api/safety-risks',
      () => risk({ method: 'stated', lec: undefined, stated: { level: 5, method: 'x' } }),
      'stated.level',
      /<= 4/,
    ],
    [
      'deadline before foundAt',
      '/api/hidden-dangers',
      () => danger({ foundAt: '2026-05-01', deadline: '2026-04-30' }),
      'deadline',
      /2026-04-30 is before foundAt 2026-05-01/,
    ],
    ['unknown inspection', '/api/hidden-dangers', () => danger({ inspectionId: 999_999_999 }), 'inspectionId', /no inspection/],
    [
      'self-intersecting polygon',
      '/api/area-assessments',
      () =>
        area({
          geometry: polygon([
            [123.1, 41.6],
            [123.11, 41.61],
            [123.11, 41.6],
            [123.1, 41.61],
            [123.1, 41.6],
          ]),
        }),
      'geometry',
      /Self-intersection.*rejected, not repaired/,
    ],
    [
      'unclosed ring',
      '/api/area-assessments',
      () =>
        area({
          geometry: polygon([
            [123.1, 41.6],
            [123.11, 41.6],
            [123.11, 41.61],
            [123.1, 41.61],
          ]),
        }),
      'geometry',
      /must be closed/,
    ],
    [
      'ring of three points',
      '/api/area-assessments',
      () =>
        area({
          geometry: polygon([
            [123.1, 41.6],
            [123.11, 41.6],
            [123.1, 41.6],
          ]),
        }),
      'geometry',
      /at least 4 positions/,
    ],
    [
      'ring collapsed to a line',
      '/api/area-assessments',
      () =>
        area({
          geometry: polygon([
            [123.1, 41.6],
            [123.11, 41.6],
            [123.11, 41.6],
            [123.1, 41.6],
          ]),
        }),
      'geometry',
      /Too few points/,
    ],
    [
      'hole outside its shell',
      '/api/area-assessments',
      () =>
        area({
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [123.1, 41.6],
                [123.11, 41.6],
                [123.11, 41.61],
                [123.1, 41.6],
              ],
              [
                [123.2, 41.6],
                [123.21, 41.6],
                [123.21, 41.61],
                [123.2, 41.6],
              ],
            ],
          },
        }),
      'geometry',
      /Hole lies outside shell/,
    ],
    [
      'polygon longitude outside ±180',
      '/api/area-assessments',
      () =>
        area({
          geometry: polygon([
            [183.1, 41.6],
            [123.11, 41.6],
            [123.11, 41.61],
            [183.1, 41.6],
          ]),
        }),
      'geometry',
      /longitude 183.1 is outside ±180/,
    ],
    [
      'polygon latitude outside ±90',
      '/api/area-assessments',
      () =>
        area({
          geometry: polygon([
            [123.1, 91.6],
            [123.11, 41.6],
            [123.11, 41.61],
            [123.1, 91.6],
          ]),
        }),
      'geometry',
      /latitude 91.6 is outside ±90/,
    ],
    [
      'position that is not a pair',
      '/api/area-assessments',
      () => area({ geometry: polygon([[123.1], [123.11, 41.6], [123.11, 41.61], [123.1]]) }),
      'geometry',
      /position \[lon, lat\]/,
    ],
    [
      'a Point for an area',
      '/api/area-assessments',
      () => area({ geometry: { type: 'Point', coordinates: [123.1, 41.6] } }),
      'geometry.type',
      /allowed values/,
    ],
    [
      'a line for an area',
      '/api/area-assessments',
      () =>
        area({
          geometry: {
            type: 'LineString',
            coordinates: [
              [123.1, 41.6],
              [123.2, 41.6],
            ],
          },
        }),
      'geometry.type',
      /an area needs Polygon or MultiPolygon, got LineString/,
    ],
    [
      'a polygon for a corridor',
      '/api/area-assessments',
      () => area({ kind: 'corridor', bufferM: 50 }),
      'geometry.type',
      /a corridor needs LineString or MultiLineString/,
    ],
    [
      'a corridor without bufferM',
      '/api/area-assessments',
      () =>
        area({
          kind: 'corridor',
          geometry: {
            type: 'LineString',
            coordinates: [
              [123.1, 41.6],
              [123.2, 41.6],
            ],
          },
        }),
      'bufferM',
      /required for a corridor/,
    ],
    [
      'a corridor 6 km wide',
      '/api/area-assessments',
      () =>
        area({
          kind: 'corridor',
          bufferM: 6000,
          geometry: {
            type: 'LineString',
            coordinates: [
              [123.1, 41.6],
              [123.2, 41.6],
            ],
          },
        }),
      'bufferM',
      /<= 5000/,
    ],
    [
      'LEC outside its set for an area',
      '/api/area-assessments',
      () => area({ method: 'lec', stated: undefined, lec: { L: 3, E: 6, C: 50 } }),
      'lec.C',
      /one of/,
    ],
    ['unknown division', '/api/area-assessments', () => area({ divisionCode: '219999' }), 'divisionCode', /no division/],
  ])('%s → 400 naming the field', async (_name, url, payload, field, message) => {
    const before = await footprint()
    const res = await send('POST', url, payload())
    expect(res.statusCode).toBe(400)
    const { error } = res.json()
    expect(error.code).toBe('invalid_input')
    const detail = error.details.find((d: { field: string }) => d.field === field)
    expect(detail, JSON.stringify(error)).toBeDefined()
    expect(detail.message).toMatch(message)
    expect(await footprint()).toEqual(before)
  })

  it('refuses a bad replacement the same way and leaves the stored record as it was', async () => {
    const created = await send('POST', '/api/safety-risks', risk({ name: `${marker}-ok` }))
    expect(created.statusCode).toBe(201)
    const { id } = created.json()
    const res = await send('PUT', `/api/safety-risks/${id}`, risk({ lec: { L: 3, E: 6, C: 2 } }))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.details[0].field).toBe('lec.C')
    expect((await send('GET', `/api/safety-risks/${id}`)).json()).toMatchObject({ name: `${marker}-ok`, lec: { C: 7 } })
    expect((await auditTrail('safety_risk', id)).map((a) => a.action)).toEqual(['created'])
    expect((await send('PUT', '/api/safety-risks/999999999', risk())).statusCode).toBe(404)
    expect((await send('DELETE', '/api/area-assessments/999999999')).statusCode).toBe(404)
  })
})

describe('atomicity', () => {
  // The audit row is the last step of every write, after the record, its substances and the whole
  // regrade. A CHECK constraint that refuses this one request's audit row makes that step fail for
  // real (SQLSTATE 23514); everything before it must be rolled back, and the same app goes on.
  const probe = `原子性探针-${process.pid}`
  const constraint = `sources_write_probe_${process.pid}`

  it('stores nothing when the last step of a write fails', async () => {
    const spot = await quietSpot()
    const enterpriseId = await createEnterprise(spot, 'hazardous_chemicals')
    const body = { enterpriseId, name: probe, population500m: 150, substances: [{ name: '液氨', q: 100, Q: 10 }], reportedAt: today }
    const count = async (table: string, where: object) => Number((await db(table).where(where).count<{ n: string }[]>('* as n'))[0]!.n)
    const snapshot = async () => ({
      hazards: await count('major_hazard', { enterprise_id: enterpriseId }),
      audit: Number((await db('audit_log').whereRaw("after->>'name' = ?", [probe]).count<{ n: string }[]>('* as n'))[0]!.n),
      cellSources: await count('cell_source', { enterprise_id: enterpriseId }),
      history: await count('cell_level_history', { res: 8, h3: h3At(spot.lon, spot.lat) }),
      cell: await levelAt(spot.lon, spot.lat),
      enterprise: await db('enterprise').where({ id: enterpriseId }).first('level', 'level_reason'),
    })
    const before = await snapshot()
    await db.raw(`ALTER TABLE audit_log ADD CONSTRAINT ${constraint} CHECK (after->>'name' IS DISTINCT FROM '${probe}') NOT VALID`)
    try {
      const res = await send('POST', '/api/major-hazards', body)
      expect(res.statusCode).toBe(500)
      expect(res.json().error).toEqual({ code: 'internal', message: 'Internal server error', details: [] })
    } finally {
      await db.raw(`ALTER TABLE audit_log DROP CONSTRAINT IF EXISTS ${constraint}`)
    }
    expect(await snapshot()).toEqual(before)
    // The same request succeeds once the audit step can: it was that step, and only it, that failed.
    const res = await send('POST', '/api/major-hazards', body)
    expect(res.statusCode).toBe(201)
    expect(await levelAt(spot.lon, spot.lat)).toBe(res.json().level)
  })
})
