import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { buildUscc } from '../../server/domain/uscc'
import { gradeLec } from '../../server/domain/lec'
import { fullRegrade, regradeIncremental, type GradingOptions } from '../../server/grading/engine'
import { cellsAsOf, checkRecorded, diffCells, regionsFromCells, type CellAsOf } from '../../server/modules/history/repository'
import { buildTestApp } from '../helpers/app'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// The map as of a past instant, replayed from the level history, on a small world of its own.
const LON0 = 123.4
const LAT0 = 41.8
const T0 = new Date('2026-06-01T08:00:00Z')
const T1 = new Date('2026-06-10T08:00:00Z')
const T2 = new Date('2026-06-20T08:00:00Z')
const HOUR = 3_600_000

let scratch: ScratchDatabase
let db: Knex
const point = (lon: number, lat: number) => db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lon, lat])
const options = (now: Date): GradingOptions => ({ res: 8, rules: DEFAULT_RULES, now })

/** The live analysis cells as the history should replay them. */
async function liveCells(): Promise<CellAsOf[]> {
  const rows = await db('cell')
    .where({ res: 8 })
    .andWhere((q) => q.where('level', '>', 0).orWhere('stale', true))
    .select('h3', 'level', 'stale')
    .orderBy('h3')
  return rows.map((r: { h3: string; level: number; stale: boolean }) => ({ h3: r.h3, level: r.level as CellAsOf['level'], stale: r.stale }))
}

async function liveRegions() {
  return (await db('region_level').select('region_kind', 'region_key', 'level', 'max_level').orderBy(['region_kind', 'region_key'])).map((r) => ({
    kind: r.region_kind,
    key: r.region_key,
    level: r.level,
    highestLevel: r.max_level,
  }))
}

const regionLevels = (list: Awaited<ReturnType<typeof regionsFromCells>>) =>
  list.map((r) => ({ kind: r.kind, key: r.key, level: r.level, highestLevel: r.highestLevel }))

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_history')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 120_000 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
  const d = 0.03
  await db('division').insert({
    code: '210102',
    name: '和平区',
    rank: 'county',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - d, LAT0 - d, LON0 + d, LAT0 + d]),
  })
  await db('mgmt_grid').insert({
    code: 'G-HIST-1',
    name: '历史网格',
    division_code: '210102',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - d, LAT0 - d, LON0, LAT0]),
  })
}, 120_000)

afterAll(async () => {
  await db?.destroy()
  await scratch?.drop()
})

describe('the map as of a past instant', () => {
  it('equals the cell and region levels recorded then, after each of three gradings', async () => {
    const [{ id: e }] = await db('enterprise')
      .insert({
        uscc: buildUscc('91210102000000001'),
        name: '历史测试企业',
        industry: 'manufacturing',
        scale: 'small',
        affiliation: 'county',
        division_code: '210102',
        geom: point(LON0 - 0.01, LAT0 - 0.01),
      })
      .returning('id')
    const [{ id: danger }] = await db('hidden_danger')
      .insert({
        enterprise_id: e,
        description: '粉尘防爆措施缺失',
        is_major: true,
        found_at: '2026-05-01',
        deadline: '2026-05-31',
        reported_by: '检查员',
        geom: point(LON0 - 0.01, LAT0 - 0.01),
      })
      .returning('id')
    await fullRegrade(db, options(T0))
    const cells0 = await liveCells()
    const regions0 = await liveRegions()
    expect(cells0.some((c) => c.level === 4)).toBe(true)

    // T1: a yellow reported risk elsewhere in the district.
    const lec = gradeLec({ L: 3, E: 6, C: 7 })
    await db('safety_risk').insert({
      enterprise_id: e,
      name: '有限空间作业',
      method: 'lec',
      lec_l: 3,
      lec_e: 6,
      lec_c: 7,
      score: lec.D,
      level: lec.level,
      assessed_at: '2026-06-01',
      rule_version: DEFAULT_RULES.version,
      geom: point(LON0 + 0.015, LAT0 + 0.015),
    })
    await db.transaction((trx) => regradeIncremental(trx, { enterpriseIds: [Number(e)] }, { kind: 'test', id: 1, action: 'risk' }, options(T1)))
    const cells1 = await liveCells()

    // T2: the hidden danger is rectified and verified: its red zone goes.
    await db('hidden_danger').where({ id: danger }).update({
      status: 'verified',
      rectified_at: '2026-06-15',
      rectified_by: '企业',
      rectification: '已整改',
      verified_at: '2026-06-18',
      verified_by: '复查员',
    })
    await db.transaction((trx) =>
      regradeIncremental(trx, { enterpriseIds: [Number(e)] }, { kind: 'hidden_danger', id: Number(danger), action: 'verified' }, options(T2)),
    )
    const cells2 = await liveCells()
    expect(cells2.some((c) => c.level === 4)).toBe(false)

    expect(await cellsAsOf(db, 8, T0)).toEqual(cells0)
    expect(await cellsAsOf(db, 8, new Date(T1.getTime() - 1))).toEqual(cells0)
    expect(await cellsAsOf(db, 8, new Date(T1.getTime() + HOUR))).toEqual(cells1)
    expect(await cellsAsOf(db, 8, new Date(T2.getTime() + HOUR))).toEqual(cells2)
    expect(cells1).not.toEqual(cells0)

    // Regions replayed from the cells of then equal the grades stored then, and now.
    expect(regionLevels(await regionsFromCells(db, 8, await cellsAsOf(db, 8, T0), DEFAULT_RULES))).toEqual(regions0)
    expect(regionLevels(await regionsFromCells(db, 8, cells2, DEFAULT_RULES))).toEqual(await liveRegions())
    expect(regions0.find((r) => r.kind === 'division')!.highestLevel).toBe(4)

    // What changed between T0 and T2: the red zone fell, the yellow risk rose.
    const changes = diffCells(await cellsAsOf(db, 8, T0), await cellsAsOf(db, 8, T2))
    expect(changes.some((c) => c.before === 4 && c.after < 4)).toBe(true)
    expect(changes.some((c) => c.after > c.before)).toBe(true)
    for (const c of changes) expect(c.before).not.toBe(c.after)
  })

  it('refuses an instant before the first grading, naming the field', async () => {
    await expect(checkRecorded(db, 8, new Date(T0.getTime() - HOUR), 'at')).rejects.toMatchObject({
      statusCode: 400,
      details: [{ field: 'at', message: expect.stringMatching(/before the first grading \(2026-06-01T08:00:00.000Z\)/) }],
    })
    await expect(checkRecorded(db, 8, T0, 'at')).resolves.toEqual(T0)
  })
})

describe('GET /api/history/*', () => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp({}, { as: 'planner' })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('serves the cells and regions of an instant, and the diff between two', async () => {
    const now = new Date().toISOString()
    const cells = await app.inject(`/api/history/cells?at=${encodeURIComponent(now)}`)
    expect(cells.statusCode).toBe(200)
    const body = cells.json()
    expect(body.features.length).toBeGreaterThan(100)
    expect(body.features[0].properties).toMatchObject({ h3: expect.any(String), level: expect.any(Number) })
    const regions = await app.inject(`/api/history/regions?at=${encodeURIComponent(now)}&kind=division`)
    expect(regions.statusCode).toBe(200)
    expect(regions.json().items.find((r: { code: string }) => r.code === '210106')).toMatchObject({ name: '铁西区', level: expect.any(Number) })
    const diff = await app.inject(`/api/history/diff?from=${encodeURIComponent(body.firstGradedAt)}`)
    expect(diff.statusCode).toBe(200)
    expect(diff.json()).toMatchObject({ from: body.firstGradedAt, cells: { type: 'FeatureCollection' }, summary: { raised: expect.any(Number) } })
  })

  it.each([
    ['/api/history/cells?at=2000-01-01', 'at', /before the first grading/],
    ['/api/history/cells?at=yesterday', 'at', /ISO 8601/],
    ['/api/history/regions?at=2999-01-01', 'at', /in the future/],
    ['/api/history/diff?from=2000-01-01', 'from', /before the first grading/],
    ['/api/history/diff?from=2026-03-02&to=2026-03-01', 'to', /after from/],
  ])('%s → 400 naming %s', async (url, field, message) => {
    const res = await app.inject(url)
    expect(res.statusCode).toBe(400)
    expect(res.json().error.details[0]).toMatchObject({ field, message: expect.stringMatching(message) })
  })
})
