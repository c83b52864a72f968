import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { identifyAndGradeMajorHazard } from '../../server/domain/major-hazard'
import { gradeLec } from '../../server/domain/lec'
import { buildUscc } from '../../server/domain/uscc'
import { fullRegrade, regradeIncremental, type GradingOptions } from '../../server/grading/engine'
import { regionTopSources } from '../../server/grading/regions'
import { regionLevel } from '../../server/domain/region-level'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// The engine on its own small world: a 6 km square division around (123.40, 41.80) in a scratch
// database, so edits here never disturb the shared demo database.
let scratch: ScratchDatabase
let db: Knex
const NOW = new Date('2026-06-01T00:00:00Z')
const options: GradingOptions = { res: 8, rules: DEFAULT_RULES, now: NOW }
const LON0 = 123.4
const LAT0 = 41.8

/** Deterministic PRNG (mulberry32) so a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const point = (lon: number, lat: number) => db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lon, lat])

async function addEnterprise(n: number, lon: number, lat: number, industry = 'manufacturing'): Promise<number> {
  const uscc = buildUscc(`91210102${String(100000000 + n).slice(-9)}`)
  const [row] = await db('enterprise')
    .insert({ uscc, name: `测试企业${n}`, industry, scale: 'small', affiliation: 'county', division_code: '210102', geom: point(lon, lat) })
    .returning('id')
  return Number(row.id)
}

async function addHazard(enterpriseId: number, lon: number, lat: number, population: number, q: number): Promise<number> {
  const g = identifyAndGradeMajorHazard({ population500m: population, substances: [{ name: '氯', q, Q: 5 }] })
  const [row] = await db('major_hazard')
    .insert({
      enterprise_id: enterpriseId,
      name: '液氯储罐区',
      population_500m: population,
      s: g.S,
      r: g.R,
      alpha: g.alpha,
      grade: g.grade,
      level: g.level,
      reported_at: '2026-01-10',
      rule_version: DEFAULT_RULES.version,
      geom: point(lon, lat),
    })
    .returning('id')
  return Number(row.id)
}

async function addRisk(
  enterpriseId: number,
  lon: number,
  lat: number,
  lec: { L: number; E: number; C: number },
  assessedAt = '2026-01-10',
  validUntil: string | null = null,
): Promise<number> {
  const g = gradeLec(lec)
  const [row] = await db('safety_risk')
    .insert({
      enterprise_id: enterpriseId,
      name: '有限空间作业',
      method: 'lec',
      lec_l: lec.L,
      lec_e: lec.E,
      lec_c: lec.C,
      score: g.D,
      level: g.level,
      assessed_at: assessedAt,
      valid_until: validUntil,
      rule_version: DEFAULT_RULES.version,
      geom: point(lon, lat),
    })
    .returning('id')
  return Number(row.id)
}

async function addHiddenDanger(enterpriseId: number, lon: number, lat: number): Promise<number> {
  const [row] = await db('hidden_danger')
    .insert({
      enterprise_id: enterpriseId,
      description: '储罐区可燃气体报警失效',
      is_major: true,
      found_at: '2026-05-01',
      deadline: '2026-05-31',
      reported_by: '张三',
      geom: point(lon, lat),
    })
    .returning('id')
  return Number(row.id)
}

async function regrade(scope: { enterpriseIds?: number[]; areaIds?: number[] }, action: string) {
  return db.transaction((trx) => regradeIncremental(trx, scope, { kind: 'test', id: 0, action }, options))
}

async function snapshot() {
  const cells = await db('cell').select('res', 'h3', 'level', 'rule', 'stale', 'score', 'counts').orderBy(['res', 'h3'])
  const sources = await db('cell_source').select('h3', 'source_kind', 'source_id', 'level', 'distance_m', 'stale').orderBy(['h3', 'source_kind', 'source_id'])
  const regions = await db('region_level').select('region_kind', 'region_key', 'level', 'stale', 'shares').orderBy(['region_kind', 'region_key'])
  const regionCells = await db('region_cell as rc')
    .join('cell as c', 'c.id', 'rc.cell_id')
    .select('rc.region_kind', 'rc.region_key', 'c.h3', 'rc.area_m2')
    .orderBy(['rc.region_kind', 'rc.region_key', 'c.h3'])
  const enterprises = await db('enterprise').select('id', 'level', 'inherent_level', 'level_reason').orderBy('id')
  return { cells, sources, regions, regionCells, enterprises }
}

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_engine')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 120_000 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
  const d = 0.04 // degrees: ≈ 3.3 km east-west, 4.4 km north-south around the centre
  await db('division').insert({
    code: '210102',
    name: '和平区',
    rank: 'county',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - d, LAT0 - d, LON0 + d, LAT0 + d]),
  })
  await db('mgmt_grid').insert({
    code: 'G-TEST-1',
    name: '测试网格',
    division_code: '210102',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - d, LAT0 - d, LON0, LAT0]),
  })
}, 120_000)

afterAll(async () => {
  await db?.destroy()
  await scratch?.drop()
})

describe('golden cases', () => {
  it('grades a baseline enterprise, raises a cell by accumulation, and explains it', async () => {
    // Three yellow safety risks (LEC D = 3 × 6 × 7 = 126) at one spot: the cell rises to orange.
    const e = await addEnterprise(1, LON0 + 0.02, LAT0 + 0.02)
    await regrade({ enterpriseIds: [e] }, 'created')
    const h3 = latLngToCell(LAT0 + 0.02, LON0 + 0.02, 8)
    let cell = await db('cell').where({ res: 8, h3 }).first()
    expect(cell).toMatchObject({ level: 1, rule: 'highest' }) // manufacturing baseline: blue

    for (let i = 0; i < 3; i++) await addRisk(e, LON0 + 0.02, LAT0 + 0.02, { L: 3, E: 6, C: 7 })
    await regrade({ enterpriseIds: [e] }, 'risks reported')
    cell = await db('cell').where({ res: 8, h3 }).first()
    expect(cell).toMatchObject({ level: 3, rule: 'accumulation', stale: false })
    const sources = await db('cell_source').where({ h3 })
    expect(sources.map((s: { source_kind: string }) => s.source_kind)).toEqual(['safety_risk', 'safety_risk', 'safety_risk'])
    const history = await db('cell_level_history').where({ h3, res: 8 }).orderBy('id')
    expect(history.map((r: { old_level: number; new_level: number }) => [r.old_level, r.new_level])).toEqual([
      [0, 1],
      [1, 3],
    ])
    expect(history[1].cause).toEqual({ kind: 'test', id: 0, action: 'risks reported' })
    const enterprise = await db('enterprise').where({ id: e }).first()
    expect(enterprise.level).toBe(2)
  })

  it('turns cells red for an unrectified major hidden danger and lowers them once it is verified', async () => {
    const lon = LON0 - 0.02
    const lat = LAT0 - 0.02
    const e = await addEnterprise(2, lon, lat, 'hazardous_chemicals')
    const h3 = latLngToCell(lat, lon, 8)
    await regrade({ enterpriseIds: [e] }, 'created')
    expect((await db('cell').where({ res: 8, h3 }).first()).level).toBe(2) // high-hazard baseline: yellow

    const hd = await addHiddenDanger(e, lon, lat)
    await regrade({ enterpriseIds: [e] }, 'hidden danger reported')
    expect((await db('cell').where({ res: 8, h3 }).first()).level).toBe(4)
    // the red zone reaches 1 000 m: a cell ~800 m away is red too
    const near = latLngToCell(lat, lon + 0.0095, 8)
    expect((await db('cell').where({ res: 8, h3: near }).first())?.level).toBe(4)
    expect((await db('enterprise').where({ id: e }).first()).level_reason.rule).toBe('hidden_danger_red')

    await db('hidden_danger').where({ id: hd }).update({ status: 'rectified', rectified_at: NOW, rectified_by: '企业' })
    await regrade({ enterpriseIds: [e] }, 'rectified')
    expect((await db('cell').where({ res: 8, h3 }).first()).level).toBe(4) // still red until verified

    await db('hidden_danger').where({ id: hd }).update({ status: 'verified', verified_at: NOW, verified_by: '李四' })
    await regrade({ enterpriseIds: [e] }, 'verified')
    expect((await db('cell').where({ res: 8, h3 }).first()).level).toBe(2)
    expect(await db('cell').where({ res: 8, h3: near }).first()).toBeUndefined()
    const last = await db('cell_level_history').where({ res: 8, h3 }).orderBy('id', 'desc').first()
    expect(last).toMatchObject({ old_level: 4, new_level: 2, cause: { kind: 'test', id: 0, action: 'verified' } })
  })

  it('marks a cell stale when all its sources are past their validity', async () => {
    const lon = LON0 + 0.02
    const lat = LAT0 - 0.025
    const e = await addEnterprise(3, lon, lat)
    await addRisk(e, lon, lat, { L: 6, E: 6, C: 15 }, '2024-01-01', '2025-01-01') // D = 540: red, expired
    await regrade({ enterpriseIds: [e] }, 'stale risk')
    const cell = await db('cell')
      .where({ res: 8, h3: latLngToCell(lat, lon, 8) })
      .first()
    expect(cell).toMatchObject({ level: 4, stale: true })
  })

  it('keeps the pyramid and the regions consistent with the analysis cells', async () => {
    const maxLevel = (await db('cell').where({ res: 8 }).max('level as m'))[0].m
    for (const res of [7, 6, 5, 4]) {
      expect((await db('cell').where({ res }).max('level as m'))[0].m).toBe(maxLevel)
    }
    const region = await db('region_level').where({ region_kind: 'division', region_key: '210102' }).first()
    expect(region.max_level).toBe(maxLevel)
    expect(region.level).toBe(regionLevel(region.shares, DEFAULT_RULES).level)
    expect(region.rule_version).toBe(DEFAULT_RULES.version)
    const shareSum = Object.values(region.shares as Record<string, number>).reduce((a, b) => a + b, 0)
    expect(shareSum).toBeCloseTo(1, 3)
    const top = await regionTopSources(db, 8, { kind: 'division', key: '210102' }, region.max_level)
    expect(top[0]!.level).toBe(4)
    expect(top.every((t) => t.cells > 0)).toBe(true)
  })
})

describe('incremental regrading', () => {
  it('equals a fresh full regrade, cell by cell, after random sequences of edits', async () => {
    const random = rng(20261128)
    const at = () => [LON0 + (random() - 0.5) * 0.07, LAT0 + (random() - 0.5) * 0.07] as const
    const enterprises: number[] = []
    for (let i = 0; i < 12; i++) {
      const [lon, lat] = at()
      enterprises.push(await addEnterprise(100 + i, lon, lat, random() < 0.3 ? 'hazardous_chemicals' : 'retail'))
    }
    await fullRegrade(db, options)
    const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!
    const lecSets = DEFAULT_RULES.lec
    for (let step = 0; step < 40; step++) {
      const e = pick(enterprises)
      const [lon, lat] = at()
      const op = Math.floor(random() * 7)
      let scope: { enterpriseIds?: number[]; areaIds?: number[] } = { enterpriseIds: [e] }
      if (op === 0) await addHazard(e, lon, lat, Math.floor(random() * 150), 5 + random() * 200)
      else if (op === 1) await addRisk(e, lon, lat, { L: pick(lecSets.L), E: pick(lecSets.E), C: pick(lecSets.C) })
      else if (op === 2) await addHiddenDanger(e, lon, lat)
      else if (op === 3) {
        const hd = await db('hidden_danger').where({ enterprise_id: e, status: 'open' }).first('id')
        if (hd) await db('hidden_danger').where({ id: hd.id }).update({ status: 'verified', rectified_at: NOW, verified_at: NOW, verified_by: '王五' })
      } else if (op === 4) {
        const victim = await db('major_hazard').where({ enterprise_id: e }).first('id')
        if (victim) await db('major_hazard').where({ id: victim.id }).del()
      } else if (op === 5) {
        await db('safety_risk')
          .where({ enterprise_id: e })
          .update({ geom: point(lon, lat) })
        await db('enterprise')
          .where({ id: e })
          .update({ report_due_at: random() < 0.5 ? '2026-01-01' : null })
      } else {
        const existing = await db('area_assessment').first('id')
        const size = 0.002 + random() * 0.01
        const geom = db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [lon, lat, lon + size, lat + size])
        let id: number
        if (existing && random() < 0.5) {
          id = Number(existing.id)
          await db('area_assessment')
            .where({ id })
            .update({ geom, level: 1 + Math.floor(random() * 4) })
        } else {
          const [row] = await db('area_assessment')
            .insert({
              name: '人员密集场所',
              area_kind: 'area',
              method: 'stated',
              level: 1 + Math.floor(random() * 4),
              assessor: '评估机构',
              assessed_at: random() < 0.2 ? '2024-01-01' : '2026-03-01',
              rule_version: DEFAULT_RULES.version,
              geom,
            })
            .returning('id')
          id = Number(row.id)
        }
        scope = { areaIds: [id] }
      }
      await regrade(scope, `step ${step}`)
    }
    const incremental = await snapshot()
    expect(incremental.cells.length).toBeGreaterThan(10)
    await fullRegrade(db, options)
    const full = await snapshot()
    expect(incremental.sources).toEqual(full.sources)
    expect(incremental.cells).toEqual(full.cells)
    expect(incremental.enterprises).toEqual(full.enterprises)
    expect(incremental.regions).toEqual(full.regions)
    expect(incremental.regionCells.map((r: { area_m2: number }) => ({ ...r, area_m2: Math.round(r.area_m2) }))).toEqual(
      full.regionCells.map((r: { area_m2: number }) => ({ ...r, area_m2: Math.round(r.area_m2) })),
    )
    // the full regrade after exact incremental upkeep changes nothing
    const run = await db('grading_run').orderBy('id', 'desc').first()
    expect(run).toMatchObject({ status: 'done', rule_version: DEFAULT_RULES.version })
    expect(run.counts.changedCells).toBe(0)
  })
})
