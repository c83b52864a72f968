import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { buildUscc } from '../../server/domain/uscc'
import { fullRegrade, regradeIncremental, type GradingOptions } from '../../server/grading/engine'
import { tileAt } from '../../server/modules/tiles/tile'
import { injectAs, signIn } from '../helpers/auth'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// What-if scenarios (docs/scenarios.md) on a small world of their own (a scratch database, so the
// row counts and tiles checked here are not moved by other test files): a 6 km square district
// with a management grid in its south-west quarter, one retail shop whose open major hidden danger
// paints the grid red, a second enterprise with an orange safety risk, and a rescue team.

let scratch: ScratchDatabase
let db: Knex
let planner: FastifyInstance
let commander: FastifyInstance
let inspector: FastifyInstance
const RES = 8
const options: GradingOptions = { res: RES, rules: DEFAULT_RULES }
const LON0 = 123.4
const LAT0 = 41.8
const D = 0.04
let shop: number
let danger: number
let plant: number
let team: number
let area: number

const point = (lon: number, lat: number) => db.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [lon, lat])

async function addEnterprise(n: number, lon: number, lat: number, industry: string, division = '210102'): Promise<number> {
  const uscc = buildUscc(`91210102${String(100000000 + n).slice(-9)}`)
  const [row] = await db('enterprise')
    .insert({ uscc, name: `情景企业${n}`, industry, scale: 'small', affiliation: 'county', division_code: division, geom: point(lon, lat) })
    .returning('id')
  return Number(row.id)
}

async function appAs(role: 'planner' | 'commander' | 'inspector'): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent', H3_RES: String(RES) })
  const app = await buildApp({ config, database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 } })
  injectAs(app, (await signIn(app, role)).headers)
  return app
}

/** What a scenario must never change: every row count the grading or a source write touches, the data version and a tile. */
async function liveState(app: FastifyInstance) {
  const tables = [
    'enterprise',
    'hidden_danger',
    'major_hazard',
    'safety_risk',
    'area_assessment',
    'resource',
    'cell',
    'cell_source',
    'cell_level_history',
    'region_level',
    'region_cell',
    'grading_run',
  ]
  const counts: Record<string, number> = {}
  for (const t of tables) counts[t] = Number((await db(t).count<{ count: string }[]>('* as count'))[0]!.count)
  const levels = await db('cell').select('res', 'h3', 'level', 'stale').orderBy(['res', 'h3'])
  const regions = await db('region_level').select('region_kind', 'region_key', 'level', 'shares').orderBy(['region_kind', 'region_key'])
  const dangers = await db('hidden_danger').select('id', 'status').orderBy('id')
  const version = Number((await db('data_version').first('version')).version)
  const { z, x, y } = tileAt(LON0 - D / 2, LAT0 - D / 2, 12)
  const tile = await app.inject({ method: 'GET', url: `/tiles/cells/${z}/${x}/${y}.mvt` })
  expect(tile.statusCode).toBe(200)
  return { counts, levels, regions, dangers, version, tile: tile.rawPayload.toString('base64') }
}

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_scenario')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 120_000 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
  await db('division').insert({
    code: '210100',
    name: '测试市',
    rank: 'city',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - D, LAT0 - D, LON0 + D, LAT0 + D]),
  })
  await db('division').insert({
    code: '210102',
    name: '和平区',
    rank: 'county',
    parent_code: '210100',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - D, LAT0 - D, LON0 + D, LAT0 + D]),
  })
  await db('mgmt_grid').insert({
    code: 'G-SCN-1',
    name: '情景网格',
    division_code: '210102',
    geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 - D, LAT0 - D, LON0, LAT0]),
  })
  const [gx, gy] = [LON0 - D / 2, LAT0 - D / 2]
  shop = await addEnterprise(1, gx, gy, 'retail')
  const [hd] = await db('hidden_danger')
    .insert({
      enterprise_id: shop,
      description: '消防通道堵塞',
      is_major: true,
      found_at: '2026-05-01',
      deadline: '2026-05-31',
      reported_by: '张三',
      geom: point(gx, gy),
    })
    .returning('id')
  danger = Number(hd.id)
  plant = await addEnterprise(2, LON0 + D / 2, LAT0 + D / 2, 'manufacturing')
  await db('safety_risk').insert({
    enterprise_id: plant,
    name: '有限空间作业',
    method: 'stated',
    stated_method: '企业自评',
    score: null,
    level: 3,
    assessed_at: new Date().toISOString().slice(0, 10),
    rule_version: DEFAULT_RULES.version,
    geom: point(LON0 + D / 2, LAT0 + D / 2),
  })
  const [t] = await db('resource')
    .insert({ kind: 'rescue_team', name: '测试救援队', capabilities: ['fire'], status: 'available', geom: point(LON0 + D * 0.9, LAT0 + D * 0.9) })
    .returning('id')
  team = Number(t.id)
  const [a] = await db('area_assessment')
    .insert({
      name: '商业街',
      area_kind: 'area',
      method: 'stated',
      stated_method: '评估机构',
      level: 2,
      assessor: '评估机构',
      assessed_at: new Date().toISOString().slice(0, 10),
      rule_version: DEFAULT_RULES.version,
      division_code: '210102',
      geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 + 0.01, LAT0 - 0.03, LON0 + 0.02, LAT0 - 0.02]),
    })
    .returning('id')
  area = Number(a.id)
  await fullRegrade(db, options)
  planner = await appAs('planner')
  commander = await appAs('commander')
}, 600_000)

afterAll(async () => {
  await planner?.close()
  await commander?.close()
  await inspector?.close()
  await db?.destroy()
  await scratch?.drop()
})

describe('what-if scenarios', () => {
  let saved: {
    id: number
    result: {
      summary: Record<string, number>
      cells: { features: Array<{ properties: { h3: string; before: number; after: number } }> }
      regions: Array<Record<string, unknown>>
    }
  }

  it('rectifying the only red source of cells turns those cells and their region down, and leaves the live data as it was', async () => {
    const red = await db('cell_source as s')
      .join('cell as c', function () {
        this.on('c.h3', 's.h3').andOn('c.res', db.raw('?', [RES]))
      })
      .where({ 's.source_kind': 'hidden_danger', 's.source_id': danger, 'c.level': 4 })
      .select('c.h3')
    expect(red.length).toBeGreaterThan(5)
    const grid = await db('region_level').where({ region_kind: 'mgmt_grid' }).first('region_key', 'level')
    expect(grid.level).toBe(4)

    const before = await liveState(planner)
    const ranked = await planner.inject({ method: 'GET', url: '/api/ranking?level=region&rank=county' })
    expect(ranked.statusCode, ranked.body).toBe(200)
    const liveCounty = ranked.json().items.find((i: { code: string }) => i.code === '210102')
    expect(liveCounty.score).toBeGreaterThan(0)
    const response = await planner.inject({
      method: 'POST',
      url: '/api/scenarios',
      payload: { name: '整改消防通道', description: '若整改该重大隐患', changes: [{ kind: 'rectify_hidden_danger', hiddenDangerId: danger }] },
    })
    expect(response.statusCode, response.body).toBe(201)
    saved = response.json()
    const after = await liveState(planner)
    // the saved scenario and its audit row are the only writes
    expect(after).toEqual(before)

    const byH3 = new Map(saved.result.cells.features.map((f) => [f.properties.h3, f.properties]))
    for (const { h3 } of red) {
      expect(byH3.get(h3)?.before).toBe(4)
      expect(byH3.get(h3)!.after).toBeLessThan(4)
    }
    const region = saved.result.regions.find((r) => r.kind === 'mgmt_grid' && r.key === grid.region_key)
    expect(region).toMatchObject({ before: 4, change: 'lowered' })
    expect(Number(region!.after)).toBeLessThan(4)
    expect(saved.result.summary.cellsLowered).toBe(saved.result.cells.features.filter((f) => f.properties.after < f.properties.before).length)
    expect(saved.result.summary.cellsRaised).toBe(0)
    // the county ranking: the district's priority falls from what the live ranking gives today
    const ranking = (saved.result as unknown as { ranking: { rank: string; areas: number; moves: Array<Record<string, number | string>> } }).ranking
    expect(ranking).toMatchObject({ rank: 'county', areas: 1 })
    expect(ranking.moves).toHaveLength(1)
    expect(ranking.moves[0]).toMatchObject({ code: '210102', rankBefore: 1, rankAfter: 1, scoreBefore: liveCounty.score, levelBefore: 4 })
    expect(Number(ranking.moves[0]!.scoreAfter)).toBeLessThan(liveCounty.score)

    const audit = await db('audit_log')
      .where({ entity: 'scenario', entity_id: String(saved.id) })
      .first()
    expect(audit).toMatchObject({ action: 'created', username: 'test_planner', before: null })
    expect(audit.after).toMatchObject({ name: '整改消防通道' })
  })

  it("is shared by URL, listed, and recomputed against today's data", async () => {
    const one = await commander.inject({ method: 'GET', url: `/api/scenarios/${saved.id}` })
    expect(one.statusCode).toBe(200)
    expect(one.json()).toMatchObject({ id: saved.id, name: '整改消防通道', url: `/scenario.html?id=${saved.id}`, outdated: false })
    expect(one.json().result.cells.features.length).toBe(saved.result.cells.features.length)
    const list = await commander.inject({ method: 'GET', url: '/api/scenarios' })
    expect(list.json().items.map((s: { id: number }) => s.id)).toContain(saved.id)

    // Today's data changes: the danger's enterprise gets an orange risk next to it; the stored result is outdated.
    await db('safety_risk').insert({
      enterprise_id: shop,
      name: '仓储',
      method: 'stated',
      stated_method: '企业自评',
      level: 3,
      assessed_at: new Date().toISOString().slice(0, 10),
      rule_version: DEFAULT_RULES.version,
      geom: point(LON0 - D / 2, LAT0 - D / 2),
    })
    await db.transaction((trx) => regradeIncremental(trx, { enterpriseIds: [shop] }, { kind: 'test', id: 0, action: 'risk added' }, options))
    expect((await planner.inject({ method: 'GET', url: `/api/scenarios/${saved.id}` })).json().outdated).toBe(true)
    const again = await planner.inject({ method: 'POST', url: `/api/scenarios/${saved.id}/recompute` })
    expect(again.statusCode, again.body).toBe(200)
    expect(again.json().outdated).toBe(false)
    // now the cells at the danger fall to orange, not below
    const centre = again.json().result.cells.features.filter((f: { properties: { before: number } }) => f.properties.before === 4)
    expect(centre.length).toBeGreaterThan(0)
    expect(centre.some((f: { properties: { after: number } }) => f.properties.after === 3)).toBe(true)
    expect(
      await db('audit_log')
        .where({ entity: 'scenario', entity_id: String(saved.id), action: 'recomputed' })
        .first('username'),
    ).toMatchObject({ username: 'test_planner' })
  })

  it('predicts exactly what the edit and the incremental regrade then do', async () => {
    const newTeam = { kind: 'add_resource', resourceKind: 'rescue_team', name: '新建消防站', capabilities: ['fire'], lon: LON0 - D / 2, lat: LAT0 - D / 2 }
    const changes = [{ kind: 'rectify_hidden_danger', hiddenDangerId: danger }, { kind: 'change_area_assessment', areaAssessmentId: area, level: 4 }, newTeam]
    const preview = await planner.inject({ method: 'POST', url: '/api/scenarios/preview', payload: { changes } })
    expect(preview.statusCode, preview.body).toBe(200)
    const predicted = preview.json()
    expect(predicted.coverage[0]).toMatchObject({ resourceKind: 'rescue_team', minLevel: 3 })
    // the new team sits where the orange cells are: their gaps close
    expect(predicted.coverage[0].closed.length).toBeGreaterThan(0)

    const cellsBefore = new Map((await db('cell').where({ res: RES }).select('h3', 'level')).map((c) => [c.h3 as string, Number(c.level)]))
    const regionsBefore = await db('region_level').select('region_kind', 'region_key', 'level')
    await db('hidden_danger').where({ id: danger }).update({ status: 'verified', rectified_at: new Date(), verified_at: new Date(), verified_by: '王五' })
    await db('area_assessment').where({ id: area }).update({ level: 4 })
    await db.transaction((trx) => regradeIncremental(trx, { enterpriseIds: [shop], areaIds: [area] }, { kind: 'test', id: 0, action: 'applied' }, options))
    const cellsAfter = new Map((await db('cell').where({ res: RES }).select('h3', 'level')).map((c) => [c.h3 as string, Number(c.level)]))
    const actual = [...new Set([...cellsBefore.keys(), ...cellsAfter.keys()])]
      .filter((h) => (cellsBefore.get(h) ?? 0) !== (cellsAfter.get(h) ?? 0))
      .map((h) => ({ h3: h, before: cellsBefore.get(h) ?? 0, after: cellsAfter.get(h) ?? 0 }))
      .sort((a, b) => a.h3.localeCompare(b.h3))
    const forecast = predicted.cells.features
      .map((f: { properties: { h3: string; before: number; after: number } }) => f.properties)
      .filter((c: { before: number; after: number }) => c.before !== c.after)
      .map(({ h3, before, after }: { h3: string; before: number; after: number }) => ({ h3, before, after }))
      .sort((a: { h3: string }, b: { h3: string }) => a.h3.localeCompare(b.h3))
    expect(actual.length).toBeGreaterThan(5)
    expect(forecast).toEqual(actual)
    const regionsAfter = await db('region_level').select('region_kind', 'region_key', 'level')
    const moved = regionsAfter
      .map((r) => ({
        kind: r.region_kind,
        key: r.region_key,
        before: regionsBefore.find((b) => b.region_kind === r.region_kind && b.region_key === r.region_key)?.level ?? 0,
        after: r.level,
      }))
      .filter((r) => r.before !== r.after)
    for (const r of moved) expect(predicted.regions).toContainEqual(expect.objectContaining(r))
    for (const r of predicted.regions.filter((x: { change: string }) => x.change !== 'shares')) {
      expect(regionsAfter.find((x) => x.region_kind === r.kind && x.region_key === r.key)?.level).toBe(r.after)
    }
    // The ranking: with the team built for real too, the live county ranking gives the score the
    // scenario predicted (risk, backlog and response distance all moved).
    const [built] = await db('resource')
      .insert({ kind: 'rescue_team', name: newTeam.name, capabilities: newTeam.capabilities, status: 'available', geom: point(newTeam.lon, newTeam.lat) })
      .returning('id')
    try {
      const live = (await planner.inject({ method: 'GET', url: '/api/ranking?level=region&rank=county' }))
        .json()
        .items.find((i: { code: string }) => i.code === '210102')
      const move = predicted.ranking.moves.find((m: { code: string }) => m.code === '210102')
      expect(move.scoreAfter).not.toBe(move.scoreBefore)
      expect(Math.abs(move.scoreAfter - live.score)).toBeLessThanOrEqual(0.02)
      expect(move.levelAfter).toBe(live.level)
    } finally {
      await db('resource').where({ id: built.id }).del()
    }
    // Today's ranking is measured once per data version: a preview after the real edits starts from
    // the edited data (the live ranking), not from the measure the first preview kept.
    const again = await planner.inject({
      method: 'POST',
      url: '/api/scenarios/preview',
      payload: { changes: [{ kind: 'add_hidden_danger', enterpriseId: shop }] },
    })
    expect(again.statusCode, again.body).toBe(200)
    const today = (await planner.inject({ method: 'GET', url: '/api/ranking?level=region&rank=county' }))
      .json()
      .items.find((i: { code: string }) => i.code === '210102')
    const moveAgain = again.json().ranking.moves.find((m: { code: string }) => m.code === '210102')
    expect(Math.abs(moveAgain.scoreBefore - today.score)).toBeLessThanOrEqual(0.02)
    expect(moveAgain.scoreBefore).not.toBe(predicted.ranking.moves.find((m: { code: string }) => m.code === '210102').scoreBefore)
  })

  it('refuses bad changes with a 400 naming the change and its field', async () => {
    const bad = async (changes: unknown[], field: string, app = planner) => {
      const r = await app.inject({ method: 'POST', url: '/api/scenarios', payload: { name: '坏情景', changes } })
      expect(r.statusCode, r.body).toBe(400)
      expect(r.json().error.details[0].field).toBe(field)
    }
    const scenarios = Number((await db('scenario').count<{ count: string }[]>('* as count'))[0]!.count)
    await bad(
      [
        { kind: 'change_area_assessment', areaAssessmentId: area, level: 1 },
        { kind: 'remove_installation', majorHazardId: 987654 },
      ],
      'changes[1].majorHazardId',
    )
    // the danger was verified for real in the previous test: it no longer counts as a source to rectify
    await bad([{ kind: 'rectify_hidden_danger', hiddenDangerId: danger }], 'changes[0].hiddenDangerId')
    await bad([{ kind: 'move_resource', resourceId: team, lon: LON0, lat: LAT0 }, { kind: 'demolish_city' }], 'changes[1].kind')
    await bad([{ kind: 'add_resource', resourceKind: 'rescue_team', capabilities: ['fire'], lon: 116.4, lat: 39.9 }], 'changes[0].lon')
    await bad([{ kind: 'add_resource', resourceKind: 'rescue_team', capabilities: ['telepathy'], lon: LON0, lat: LAT0 }], 'changes[0].capabilities[0]')
    await bad([{ kind: 'change_area_assessment', areaAssessmentId: area, level: 7 }], 'changes[0].level')
    await bad([{ kind: 'move_resource', resourceId: team, lon: LON0 }], 'changes[0].lat')
    await bad([{ kind: 'rectify_hidden_danger', hiddenDangerId: danger, level: 2 }], 'changes[0].level')
    await bad([], 'changes')
    // a deleted record
    const [gone] = await db('hidden_danger')
      .insert({
        enterprise_id: plant,
        description: '临时',
        is_major: true,
        found_at: '2026-05-01',
        deadline: '2026-05-31',
        reported_by: '张三',
        geom: point(LON0, LAT0),
      })
      .returning('id')
    await db('hidden_danger').where({ id: gone.id }).del()
    await bad([{ kind: 'rectify_hidden_danger', hiddenDangerId: Number(gone.id) }], 'changes[0].hiddenDangerId')
    expect(Number((await db('scenario').count<{ count: string }[]>('* as count'))[0]!.count)).toBe(scenarios)
  })

  it("keeps to the reader's jurisdiction", async () => {
    // An inspector of another district: the planner's scenario is not theirs to read, nor are this district's records.
    await db('division').insert({
      code: '210103',
      name: '沈河区',
      rank: 'county',
      parent_code: '210100',
      geom: db.raw('ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))', [LON0 + D, LAT0 - D, LON0 + 2 * D, LAT0 + D]),
    })
    const other = await addEnterprise(3, LON0 + 1.5 * D, LAT0, 'retail', '210103')
    await db('department')
      .insert({ name: '沈河区应急管理局', division_code: '210103', kind: 'industry' })
      .catch(() => undefined)
    inspector = await appAs('inspector')
    const prefix = (await db('app_user').where({ username: 'test_inspector' }).first('division_prefix')).division_prefix
    expect(prefix).toBeTruthy()
    const own = prefix === '210103' ? other : shop
    const foreign = prefix === '210103' ? shop : other
    expect((await inspector.inject({ method: 'GET', url: `/api/scenarios/${saved.id}` })).statusCode).toBe(404)
    expect((await inspector.inject({ method: 'GET', url: '/api/scenarios' })).json().items).toEqual([])
    const refused = await inspector.inject({
      method: 'POST',
      url: '/api/scenarios/preview',
      payload: { changes: [{ kind: 'add_hidden_danger', enterpriseId: foreign }] },
    })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().error.details[0].field).toBe('changes[0].enterpriseId')
    const mine = await inspector.inject({
      method: 'POST',
      url: '/api/scenarios',
      payload: { name: '本辖区', changes: [{ kind: 'add_hidden_danger', enterpriseId: own }] },
    })
    expect(mine.statusCode, mine.body).toBe(201)
    expect(mine.json().divisionPrefix).toBe(prefix)
    expect(mine.json().result.summary.cellsRaised).toBeGreaterThan(0)
  })
})
