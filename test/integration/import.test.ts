import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildApp } from '../../server/app'
import { loadConfig, type Config } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { generateDemoBatches } from '../../server/demo/generate'
import { toEwkt } from '../../server/demo/load'
import { geodesicDistanceM } from '../../server/domain/geo'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { buildUscc } from '../../server/domain/uscc'
import { AppError } from '../../server/errors'
import { createUser } from '../../server/modules/auth/users'
import { runImport } from '../../server/modules/transfer/import'
import { FIXTURES, GBK_ENTERPRISES, GCJ_ENTERPRISES, GK_AREAS, USCC } from '../fixtures/make-fixtures'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import { injectSignedIn } from '../helpers/auth'

// Imports write, so they run against a scratch database holding only the demo divisions and
// management grids (the deployment's extent), never the shared demo database.

let scratch: ScratchDatabase
let app: FastifyInstance
let db: Knex

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name))
const TABLES = ['enterprise', 'major_hazard', 'safety_risk', 'hidden_danger', 'area_assessment', 'resource', 'division', 'mgmt_grid', 'audit_log'] as const

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of TABLES) out[t] = Number((await db(t).count<{ count: string }[]>('* as count'))[0]!.count)
  return out
}

/**
 * Nothing stored but the import's own audit row (docs/security.md "Imports and exports"): every table as
 * before, and one audit row more saying who, which kind and file, and the outcome.
 */
async function expectOnlyAudited(before: Record<string, number>, after: Record<string, unknown>): Promise<void> {
  expect(await counts()).toEqual({ ...before, audit_log: before.audit_log! + 1 })
  const audit = await db('audit_log').orderBy('id', 'desc').first('action', 'username', 'after')
  expect(audit).toMatchObject({ action: 'import_not_stored', after })
}

function post(url: string, payload: Buffer | string, contentType = 'application/octet-stream') {
  return app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload })
}

/** A multipart/form-data body with the given fields, in order. */
function multipart(parts: Array<{ name: string; value: Buffer | string; filename?: string }>): { body: Buffer; contentType: string } {
  const boundary = '----riskmap-test-boundary'
  const chunks: Buffer[] = []
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ''}`
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`))
    chunks.push(Buffer.isBuffer(p.value) ? p.value : Buffer.from(p.value))
    chunks.push(Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

/**
 * Migrates a fresh scratch database before an app is built on it: a fresh embedded database takes
 * seconds to migrate (PostGIS), which must not count against Fastify's plugin start-up timeout.
 */
async function migrateScratch(db: ScratchDatabase): Promise<void> {
  const knex = createKnex({ url: db.url, embedded: db.embedded, statementTimeoutMs: 0 })
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS postgis')
    await migrateLatest(knex)
  } finally {
    await knex.destroy()
  }
}

async function seedRegions(knex: Knex): Promise<void> {
  for (const batch of generateDemoBatches({ scale: 1 })) {
    if (batch.table !== 'division' && batch.table !== 'mgmt_grid') break
    const rows = (batch.rows as unknown as Array<Record<string, unknown>>).map((r) => ({ ...r, geom: toEwkt(r.geom as never) }))
    for (let i = 0; i < rows.length; i += 50) await knex(batch.table).insert(rows.slice(i, i + 50))
  }
  await knex.raw("SELECT setval(pg_get_serial_sequence('mgmt_grid', 'id'), (SELECT max(id) + 1 FROM mgmt_grid), false)")
}

async function buildScratchApp(extra: Partial<Config> & { importMaxBytes?: number } = {}): Promise<FastifyInstance> {
  const app = await buildApp({
    config: { ...loadConfig({ LOG_LEVEL: 'silent' }), ...extra } as Config,
    database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 },
  })
  await injectSignedIn(app)
  return app
}

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_import')
  await migrateScratch(scratch)
  app = await buildScratchApp()
  db = app.db
  await seedRegions(db)
})

afterAll(async () => {
  await app?.close()
  await scratch?.drop()
})

describe('importing enterprises', () => {
  it('reads a GBK CSV from Excel with Chinese headers, computes tiers and derives missing divisions', async () => {
    const before = await counts()
    const res = await post('/api/import/enterprises', fixture('enterprises-gbk.csv'))
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({
      kind: 'enterprises',
      format: 'csv',
      encoding: 'gbk',
      rows: 4,
      valid: 4,
      invalid: 0,
      created: 4,
      updated: 0,
      stored: true,
      rejected: false,
      dryRun: false,
    })
    expect(report.columns).toMatchObject({
      企业名称: 'name',
      统一社会信用代码: 'uscc',
      经度: 'lon',
      纬度: 'lat',
      行业: 'industry',
      行政区划代码: 'divisionCode',
    })
    expect(report.regrade.mode).toBe('incremental')
    expect(report.regrade.enterprises).toBe(4)
    expect((await counts()).enterprise).toBe(before.enterprise + 4)

    const rows = await db('enterprise')
      .whereIn(
        'uscc',
        GBK_ENTERPRISES.map((e) => e.uscc),
      )
      .orderBy('uscc')
      .select(
        'uscc',
        'name',
        'industry',
        'scale',
        'affiliation',
        'high_hazard',
        'tier',
        'tier_source',
        'division_code',
        'mgmt_grid_id',
        'address',
        'level',
        db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'),
      )
    const byUscc = new Map(rows.map((r) => [r.uscc, r]))
    const chem = byUscc.get(GBK_ENTERPRISES[0]!.uscc)
    expect(chem).toMatchObject({
      name: '沈阳示例化工有限公司（测试）',
      industry: 'hazardous_chemicals',
      scale: 'medium',
      affiliation: 'county',
      high_hazard: true,
      tier: 'city',
      tier_source: 'rule',
      division_code: '210102001',
    })
    expect(chem.level).toBe(2) // high-hazard baseline: yellow
    expect(chem.mgmt_grid_id).not.toBeNull()
    // The division left empty in the file is the township that contains the point.
    expect(byUscc.get(GBK_ENTERPRISES[1]!.uscc).division_code).toBe('210103001')
    expect(byUscc.get(GBK_ENTERPRISES[2]!.uscc)).toMatchObject({ industry: 'retail', address: '沈阳市大东区示例路3号, 2楼', tier: 'county' })
    expect(byUscc.get(GBK_ENTERPRISES[3]!.uscc)).toMatchObject({ address: '沈阳市于洪区示例路"4"号', tier: 'city', industry: 'metal_smelting' })
    expect(byUscc.get(GBK_ENTERPRISES[3]!.uscc).division_code).toMatch(/^210111/)
  })

  it('updates by USCC when the same file is imported again instead of duplicating', async () => {
    const before = await counts()
    const res = await post('/api/import/enterprises?mode=valid', fixture('enterprises-gbk.csv'))
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ rows: 4, valid: 4, created: 0, updated: 0, unchanged: 4, stored: true })
    const after = await counts()
    expect(after.enterprise).toBe(before.enterprise)
  })

  it('audits every existing enterprise it renames or moves with its before and after, and the import itself with the account', async () => {
    const uscc = buildUscc('91210102MA0T00021')
    const header = '企业名称,统一社会信用代码,经度,纬度,行业,规模,隶属关系'
    expect((await post('/api/import/enterprises', `${header}\n原名企业（测试）,${uscc},123.42,41.79,其他,小型,乡镇\n`)).json()).toMatchObject({ created: 1 })
    const old = await db('enterprise').where({ uscc }).first('id', 'name', db.raw('ST_X(geom) AS lon'))
    const res = await post('/api/import/enterprises', `${header}\n改名企业（测试）,${uscc},123.45,41.81,其他,小型,乡镇\n`)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ rows: 1, updated: 1, stored: true })
    const [change, summary] = await db('audit_log')
      .orderBy('id', 'desc')
      .limit(2)
      .select('action', 'entity', 'entity_id', 'username', 'before', 'after')
      .then((r) => r.reverse())
    expect(change).toMatchObject({
      action: 'updated_by_import',
      entity: 'enterprise',
      entity_id: String(old.id),
      username: 'test_admin',
      before: { id: Number(old.id), name: old.name, geometry: [old.lon, 41.79] },
      after: { id: Number(old.id), name: '改名企业（测试）', geometry: [123.45, 41.81] },
    })
    expect(summary).toMatchObject({
      action: 'imported',
      entity: 'enterprises',
      username: 'test_admin',
      after: { outcome: 'stored', rows: 1, updated: 1, created: 0 },
    })
  })

  it('audits every existing record of the other kinds it changes, and none it leaves as it was', async () => {
    const uscc = buildUscc('91210102MA0T00031')
    const ok = async (url: string, body: string, contentType = 'application/octet-stream') => {
      const res = await post(url, body, contentType)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().stored, res.body).toBe(true)
      return res.json()
    }
    const lastAudit = async () => Number((await db('audit_log').max<{ max: string }[]>('id as max'))[0]!.max)
    const changesSince = (id: number) =>
      db('audit_log').where('id', '>', id).where({ action: 'updated_by_import' }).orderBy('id').select('entity', 'entity_id', 'username', 'before', 'after')
    await ok('/api/import/enterprises', `企业名称,统一社会信用代码,经度,纬度,行业,规模,隶属关系\n审计企业（测试）,${uscc},123.43,41.80,其他,小型,乡镇\n`)

    const danger = (status: string, rectifiedAt: string) =>
      `编号,企业统一社会信用代码,隐患描述,重大隐患,发现日期,整改期限,整改状态,报告人,整改完成时间\nHD-AUDIT-1,${uscc},消防通道堵塞,是,2026-01-05,2026-12-31,${status},张三,${rectifiedAt}\n`
    const resource = (phone: string) =>
      `编号,资源类型,名称,值班电话,队伍类型,人数,救援能力,经度,纬度\nRS-AUDIT-1,救援队伍,审计救援队（测试）,${phone},专职消防队,20,火灾扑救,123.44,41.80\n`
    const grid = (name: string, east: number) =>
      JSON.stringify({
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            properties: { 网格编码: 'GRID-AUDIT-1', 网格名称: name, 行政区划代码: '210102' },
            geometry: {
              type: 'Polygon',
              coordinates: [
                [
                  [123.4, 41.78],
                  [east, 41.78],
                  [east, 41.79],
                  [123.4, 41.79],
                  [123.4, 41.78],
                ],
              ],
            },
          },
        ],
      })
    expect(await ok('/api/import/hidden_dangers', danger('未整改', ''))).toMatchObject({ created: 1 })
    expect(await ok('/api/import/resources', resource('024-1111'))).toMatchObject({ created: 1 })
    const hazard = (q: number) =>
      `编号,企业统一社会信用代码,危险源名称,500米内人口,备案日期,物质名称,CAS号,设计最大量(吨),临界量(吨)\nMH-AUDIT-1,${uscc},液氨罐区,120,2026-01-10,液氨,7664-41-7,${q},10\n`
    expect(await ok('/api/import/mgmt_grids?format=geojson', grid('审计网格', 123.41))).toMatchObject({ created: 1 })
    expect(await ok('/api/import/major_hazards', hazard(50))).toMatchObject({ created: 1 })
    const [dangerId, resourceId] = [
      (await db('hidden_danger').where({ external_id: 'HD-AUDIT-1' }).first('id')).id,
      (await db('resource').where({ external_id: 'RS-AUDIT-1' }).first('id')).id,
    ]

    // The same files again change nothing and audit no record.
    let mark = await lastAudit()
    await ok('/api/import/hidden_dangers', danger('未整改', ''))
    await ok('/api/import/resources', resource('024-1111'))
    await ok('/api/import/mgmt_grids?format=geojson', grid('审计网格', 123.41))
    await ok('/api/import/major_hazards', hazard(50))
    expect(await changesSince(mark)).toEqual([])

    // Changed files: each changed record audited once, with the account and what it was and is.
    mark = await lastAudit()
    await ok('/api/import/hidden_dangers', danger('已整改', '2026-02-01 10:00'))
    await ok('/api/import/resources', resource('024-2222'))
    await ok('/api/import/mgmt_grids?format=geojson', grid('审计网格（改）', 123.42))
    await ok('/api/import/major_hazards', hazard(80))
    const changes = await changesSince(mark)
    const hazardId = (await db('major_hazard').where({ external_id: 'MH-AUDIT-1' }).first('id')).id
    expect(changes.map((c) => [c.entity, c.entity_id, c.username])).toEqual([
      ['hidden_danger', String(dangerId), 'test_admin'],
      ['resource', String(resourceId), 'test_admin'],
      ['mgmt_grid', 'GRID-AUDIT-1', 'test_admin'],
      ['major_hazard', String(hazardId), 'test_admin'],
    ])
    const [d, r, g, h] = changes
    // An installation's substances are part of it: the quantity change shows in them and in S.
    expect(h!.before).toMatchObject({ s: 5, substances: [{ name: '液氨', q_t: 50, critical_q_t: 10 }] })
    expect(h!.after).toMatchObject({ s: 8, substances: [{ name: '液氨', q_t: 80, critical_q_t: 10 }] })
    expect(d!.before).toMatchObject({ id: Number(dangerId), status: 'open', rectified_at: null })
    expect(d!.after).toMatchObject({ id: Number(dangerId), status: 'rectified' })
    expect(r!.before).toMatchObject({ duty_phone: '024-1111', geometry: [123.44, 41.8] })
    expect(r!.after).toMatchObject({ duty_phone: '024-2222', geometry: [123.44, 41.8] })
    expect(g!.before).toMatchObject({ name: '审计网格', geometry: { type: 'MULTIPOLYGON', vertices: 5 } })
    expect(g!.after).toMatchObject({ name: '审计网格（改）', geometry: { type: 'MULTIPOLYGON', vertices: 5 } })
    expect((g!.after as { geometry: { areaM2: number } }).geometry.areaM2).toBeGreaterThan((g!.before as { geometry: { areaM2: number } }).geometry.areaM2)
  })

  it('reads an XLSX with Chinese headers, shared strings and date cells, through multipart with a mapping', async () => {
    const form = multipart([
      { name: 'mapping', value: fixture('enterprises-xlsx-mapping.json') },
      { name: 'file', value: fixture('enterprises-zh.xlsx'), filename: 'enterprises-zh.xlsx' },
    ])
    const res = await post('/api/import/enterprises', form.body, form.contentType)
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ format: 'xlsx', encoding: null, rows: 2, valid: 2, created: 2 })
    expect(report.columns.单位全称).toBe('name')
    const gas = await db('enterprise')
      .where({ uscc: USCC[6] })
      .first('name', 'industry', 'responsible_phone', 'division_code', db.raw("to_char(last_reported_at, 'YYYY-MM-DD') AS last_reported_at"))
    expect(gas).toMatchObject({
      name: '沈阳示例燃气有限公司（测试）',
      industry: 'gas',
      responsible_phone: '13800138000',
      division_code: '210102001',
      last_reported_at: '2026-03-15',
    })
    const fireworks = await db('enterprise').where({ uscc: USCC[7] }).first('industry', 'high_hazard', db.raw("to_char(last_reported_at, 'YYYY-MM-DD') AS d"))
    expect(fireworks).toMatchObject({ industry: 'fireworks', high_hazard: true, d: '2025-12-31' })
  })

  it('converts GCJ-02 coordinates to WGS 84 within a metre of the true point', async () => {
    const res = await post('/api/import/enterprises?crs=gcj02', fixture('enterprises-gcj02.csv'), 'text/csv')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ crs: 'GCJ-02', encoding: 'utf-8', created: 2 })
    for (const e of GCJ_ENTERPRISES) {
      const row = await db('enterprise').where({ uscc: e.uscc }).first(db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
      expect(geodesicDistanceM(row.lon, row.lat, e.lon, e.lat)).toBeLessThan(1)
    }
    // Without the declared system the same rows land hundreds of metres off.
    const raw = fs.readFileSync(path.join(FIXTURES, 'enterprises-gcj02.csv'), 'utf8').split('\n')[1]!.split(',')
    expect(geodesicDistanceM(Number(raw[2]), Number(raw[3]), GCJ_ENTERPRISES[0]!.lon, GCJ_ENTERPRISES[0]!.lat)).toBeGreaterThan(100)
  })

  it('validates without storing on a dry run', async () => {
    const before = await counts()
    const csv = `\uFEFF企业名称,统一社会信用代码,经度,纬度,行业,规模,隶属关系\n新企业（测试）,${buildUscc('91210102MA0T00009')},123.4,41.8,其他,小型,乡镇\n`
    const res = await post('/api/import/enterprises?dryRun=true', csv)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ dryRun: true, stored: false, rows: 1, valid: 1, created: 1 })
    await expectOnlyAudited(before, { kind: 'enterprises', dryRun: true, outcome: 'dry_run', rows: 1, valid: 1, invalid: 0, created: 0 })
    expect((await db('audit_log').orderBy('id', 'desc').first('username')).username).toBe('test_admin')
  })
})

describe('regrading what an import touched', () => {
  it('regrades everything after commit when more records are touched than the threshold, and audits the import', async () => {
    const csv = [
      '企业名称,统一社会信用代码,经度,纬度,行业,规模,隶属关系',
      ...[11, 12, 13].map((n, i) => `阈值测试${n}（测试）,${buildUscc(`91210102MA0T000${n}`)},${123.41 + i * 0.01},41.79,其他,小型,乡镇`),
    ].join('\n')
    const audits = (await counts()).audit_log
    const report = await runImport(
      db,
      { stream: Readable.from([Buffer.from(csv)]) },
      {
        kind: 'enterprises',
        grading: { res: 8, rules: DEFAULT_RULES },
        fullRegradeThreshold: 2,
        fullRegradeAfterCommit: 'await',
      },
    )
    expect(report).toMatchObject({ created: 3, stored: true, regrade: { mode: 'full', enterprises: 3 } })
    expect(report.regrade.note).toMatch(/3 records touched \(over 2\): regraded everything after commit/)
    expect(await db('grading_run').where({ id: report.regrade.runId }).first('status', 'kind')).toEqual({ status: 'done', kind: 'full' })
    expect(
      (
        await db('enterprise')
          .whereIn('uscc', [buildUscc('91210102MA0T00011')])
          .first('level')
      ).level,
    ).toBe(1)
    expect((await counts()).audit_log).toBe(audits + 1)
    const audit = await db('audit_log').orderBy('id', 'desc').first('action', 'entity', 'after')
    expect(audit).toMatchObject({
      action: 'imported',
      entity: 'enterprises',
      after: { kind: 'enterprises', outcome: 'stored', rows: 3, created: 3, format: 'csv' },
    })
  })
})

describe('importing polygons', () => {
  it('reads a zipped shapefile in CGCS2000 Gauss-Kruger (EPSG:4550) with GBK attributes and honours its .prj', async () => {
    const res = await post('/api/import/area_assessments', fixture('areas-gk123.zip'))
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ format: 'shapefile', encoding: 'gbk', rows: 2, created: 2 })
    expect(report.crs).toContain('CGCS2000_3_Degree_GK_CM_123E')
    expect(report.regrade.mode).toBe('incremental')
    for (const a of GK_AREAS) {
      const row = await db('area_assessment')
        .where({ external_id: a.id })
        .first(
          'name',
          'level',
          'method',
          'assessor',
          db.raw(
            "to_char(assessed_at, 'YYYY-MM-DD') AS assessed_at, ST_NumInteriorRings(ST_GeometryN(geom, 1)) AS holes, ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1",
          ),
        )
      expect(row).toMatchObject({ name: a.name, method: 'stated', assessor: '沈阳市应急管理局（测试）', assessed_at: '2026-01-01', holes: a.hole ? 1 : 0 })
      expect(row.level).toBe(a.level === '重大风险' ? 4 : 3)
      const xs = a.shell.map((p) => p[0]!)
      const ys = a.shell.map((p) => p[1]!)
      // Unprojected back to within 1e-7° (≈ 1 cm) of the true corners.
      expect(Math.abs(row.x0 - Math.min(...xs))).toBeLessThan(1e-7)
      expect(Math.abs(row.y1 - Math.max(...ys))).toBeLessThan(1e-7)
    }
  })

  it('reads GeoJSON MultiPolygons with holes and regrades the cells they cover', async () => {
    const res = await post('/api/import/area_assessments', fixture('areas-multipolygon.geojson'))
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ format: 'geojson', rows: 2, valid: 2, created: 2 })
    expect(report.regrade.affectedCells).toBeGreaterThan(0)
    const multi = await db('area_assessment')
      .where({ external_id: 'GJ-1' })
      .first('level', 'score', db.raw('ST_NumGeometries(geom) AS parts, ST_NumInteriorRings(ST_GeometryN(geom, 1)) AS holes'))
    expect(multi).toMatchObject({ level: 3, score: 16, parts: 2, holes: 1 })
    const lec = await db('area_assessment').where({ external_id: 'GJ-2' }).first('level', 'score', 'method')
    expect(lec).toMatchObject({ method: 'lec', score: 270, level: 3 })
    const cells = await db('cell_source').where({ source_kind: 'area_assessment' }).count<{ count: string }[]>('* as count')
    expect(Number(cells[0]!.count)).toBeGreaterThan(0)
  })
})

describe('bad input: a clear report and nothing stored', () => {
  async function refused(url: string, body: Buffer | string, status: number) {
    const before = await counts()
    const res = await post(url, body)
    expect(res.statusCode, res.body).toBe(status)
    await expectOnlyAudited(before, { kind: url.split('/api/import/')[1]!.split('?')[0], outcome: status === 422 ? 'rejected' : 'failed' })
    return res.json().error as { code: string; message: string; details: Array<Record<string, unknown>> }
  }

  it('a file that is neither UTF-8 nor GBK', async () => {
    const error = await refused('/api/import/enterprises', fixture('bad-encoding.csv'), 400)
    expect(error.code).toBe('invalid_file')
    expect(error.message).toMatch(/neither UTF-8 nor GBK/)
    expect(error.details[0]).toMatchObject({ field: 'file', reason: 'encoding', code: 'encoding_unknown', params: {} })
  })

  it('binary garbage', async () => {
    const error = await refused('/api/import/enterprises?format=csv', fixture('bad-binary.csv'), 400)
    expect(error.message).toMatch(/not text/)
  })

  it('a missing required column', async () => {
    const error = await refused('/api/import/enterprises', fixture('bad-missing-column.csv'), 400)
    expect(error.message).toMatch(/missing required column.*统一社会信用代码 \(uscc\)/)
    expect(error.details).toEqual([
      expect.objectContaining({
        field: '统一社会信用代码',
        column: '统一社会信用代码',
        message: 'required column is missing',
        code: 'column_missing',
        params: { column: '统一社会信用代码' },
      }),
    ])
  })

  it('non-numeric and swapped coordinates, an invalid USCC and a duplicate USCC, each named by row and column', async () => {
    const error = await refused('/api/import/enterprises', fixture('bad-rows.csv'), 422)
    expect(error.code).toBe('import_rejected')
    expect(error.message).toMatch(/4 of 5 rows are invalid, so nothing was stored/)
    const byRow = new Map(error.details.map((d) => [d.row, d]))
    expect(byRow.get(2)).toMatchObject({ line: 3, column: '经度', value: 'abc', message: 'is not a number: "abc"', field: 'row 2, column 经度' })
    expect(byRow.get(3)).toMatchObject({ line: 4, column: '经度' })
    expect(byRow.get(3)!.message).toMatch(/looks like latitude and longitude are swapped/)
    expect(byRow.get(4)).toMatchObject({ column: '统一社会信用代码' })
    expect(byRow.get(4)!.message).toMatch(/check character expected/)
    expect(byRow.get(5)).toMatchObject({ column: '统一社会信用代码' })
    expect(byRow.get(5)!.message).toMatch(/duplicate USCC .* also at row 1/)
    expect(byRow.has(1)).toBe(false)
    // Each reason also by its code and what it names, for a page to word in its language.
    expect(byRow.get(2)).toMatchObject({ code: 'not_a_number', params: { text: 'abc' } })
    expect(byRow.get(3)).toMatchObject({ code: 'lat_lon_swapped', params: { lon: expect.any(Number), lat: expect.any(Number) } })
    expect(byRow.get(4)).toMatchObject({ code: 'uscc_check_character', params: { expected: expect.any(String), got: expect.any(String) } })
    expect(byRow.get(5)).toMatchObject({ code: 'duplicate_key', params: { row: 1 } })
    // The same in the dry run's report (its schema keeps them).
    const dry = await post('/api/import/enterprises?dryRun=true', fixture('bad-rows.csv'))
    expect((dry.json() as { errors: unknown[] }).errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ row: 2, code: 'not_a_number', params: { text: 'abc' } })]),
    )
  })

  it("lists all of a row's problems at once: its unreadable cells and its kind's own (an invalid USCC), nothing made up from the cells that failed", async () => {
    const csv = [
      '统一社会信用代码,企业名称,行业,经度,纬度,高危,地址',
      '123,全部问题企业（测试）,化工,abc,41.79,也许,不存在的街道',
      `${USCC[1]},坐标有误企业（测试）,化工,abc,41.79,是,不存在的街道`,
    ].join('\n')
    const error = await refused('/api/import/enterprises', csv, 422)
    const found = error.details.filter((d) => d.row === 1).map((d) => [d.column, d.code])
    expect(found).toEqual(
      expect.arrayContaining([
        ['经度', 'not_a_number'],
        ['高危', 'not_yes_no'],
        ['统一社会信用代码', expect.stringMatching(/^uscc_/)],
      ]),
    )
    // The longitude failed, so the row is not taken for one without coordinates (no address lookup, no "location required").
    expect(found).toHaveLength(3)
    expect(error.details.filter((d) => d.row === 2).map((d) => [d.column, d.code])).toEqual([['经度', 'not_a_number']])

    // A resource whose latitude cannot be read, and whose kind is unknown: both, and no "location required".
    const resource = '编号,资源类型,名称,经度,纬度\nRS-ALL-1,飞船,全部问题救援队（测试）,123.44,北纬41度\n'
    const refusedResource = await refused('/api/import/resources', resource, 422)
    expect(refusedResource.details.map((d) => [d.column, d.code])).toEqual([
      ['资源类型', 'not_one_of'],
      ['纬度', 'not_a_number'],
    ])
  })

  it('stores only the valid rows in mode=valid and reports the rest', async () => {
    await db('enterprise').where({ uscc: USCC[0] }).update({ name: 'renamed before the import' })
    const res = await post('/api/import/enterprises?mode=valid', fixture('bad-rows.csv'))
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ rows: 5, valid: 1, invalid: 4, created: 0, updated: 1, stored: true, rejected: false })
    expect(report.errors.map((e: { row: number }) => e.row)).toEqual([2, 3, 4, 5])
    expect((await db('enterprise').where({ uscc: USCC[0] }).first('name')).name).toBe('正常企业（测试）')
  })

  it('a self-intersecting polygon', async () => {
    const error = await refused('/api/import/area_assessments', fixture('bad-self-intersecting.geojson'), 422)
    expect(error.details).toEqual([expect.objectContaining({ row: 2, column: 'geometry' })])
    expect(error.details[0]!.message).toMatch(/self-intersecting polygon: Self-intersection/)
  })

  it('an empty file', async () => {
    const error = await refused('/api/import/enterprises?format=csv', fixture('empty.csv'), 400)
    expect(error.message).toBe('the file is empty')
  })

  it('a zip without a .shp', async () => {
    const error = await refused('/api/import/area_assessments?format=shapefile', fixture('no-shp.zip'), 400)
    expect(error.message).toMatch(/the zip holds no \.shp file \(found: readme\.txt, areas\.dbf\)/)
  })

  it('a stream over the limit fails while reading, before anything is stored', async () => {
    const before = await counts()
    const big = Buffer.concat([fixture('enterprises-gbk.csv'), Buffer.alloc(4096, 0x20)])
    const stream = Readable.from([big.subarray(0, 1000), big.subarray(1000)])
    const error = await runImport(db, { stream, size: null }, { kind: 'enterprises', maxBytes: 2048, grading: { res: 8, rules: DEFAULT_RULES } }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ statusCode: 413, code: 'payload_too_large' })
    await expectOnlyAudited(before, { kind: 'enterprises', outcome: 'failed', error: { code: 'payload_too_large' } })
  })

  it('a file over the configured limit is refused before parsing (413)', async () => {
    await app.close()
    const limited = await buildScratchApp({ importMaxBytes: 512 })
    try {
      const res = await limited.inject({
        method: 'POST',
        url: '/api/import/enterprises',
        headers: { 'content-type': 'application/octet-stream' },
        payload: fixture('enterprises-gbk.csv'),
      })
      expect(res.statusCode, res.body).toBe(413)
      expect(res.json().error).toMatchObject({ code: 'payload_too_large', details: [expect.objectContaining({ field: 'file', limitBytes: 512 })] })
      expect(res.json().error.message).toMatch(/over the import limit of 512 bytes/)
    } finally {
      await limited.close()
      app = await buildScratchApp()
      db = app.db
    }
  })
})

describe('the command line', () => {
  it.skipIf(scratchIsEmbedded())('prints progress and the report, and exits 1 when the import is rejected', async () => {
    const run = promisify(execFile)
    const env = { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' }
    const ok = await run('npx', ['tsx', 'scripts/import.ts', '--kind', 'enterprises', '--dry-run', path.join(FIXTURES, 'enterprises-gbk.csv')], { env })
    expect(JSON.parse(ok.stdout)).toMatchObject({ encoding: 'gbk', rows: 4, dryRun: true })
    expect(ok.stderr).toMatch(/import enterprises: 4 rows \(4 valid, 0 invalid\)/)
    const bad = await run('npx', ['tsx', 'scripts/import.ts', '--kind', 'enterprises', path.join(FIXTURES, 'bad-rows.csv')], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    )
    expect((bad as { code: number }).code).toBe(1)
    expect((bad as { stderr: string }).stderr).toMatch(/row 3 \(line 4\), 经度: looks like latitude and longitude are swapped/)
  })

  // --as: the account the import is audited under, as an upload is under the signed-in one; only an
  // active admin or planner, named case-insensitively; a refused --as stores and audits nothing.
  it.skipIf(scratchIsEmbedded())(
    'audits the import under the account named by --as, which must be an active planner or admin',
    async () => {
      const run = promisify(execFile)
      const env = { ...process.env, DATABASE_URL: scratch.url, LOG_LEVEL: 'silent' }
      await db.transaction(async (trx) => {
        await createUser(trx, { username: 'cli_planner', role: 'planner' }, null)
        await createUser(trx, { username: 'cli_commander', role: 'commander' }, null)
        await createUser(trx, { username: 'cli_gone', role: 'planner' }, null)
      })
      await db('app_user').where({ username: 'cli_gone' }).update({ disabled: true })
      const file = path.join(FIXTURES, 'enterprises-gbk.csv')
      const refused: Array<[string, RegExp]> = [
        ['nobody', /import failed: --as: no account is named "nobody"/],
        ['cli_commander', /import failed: --as: the account "cli_commander" \(role commander\) may not do this: it needs the role admin or planner/],
        ['cli_gone', /import failed: --as: the account "cli_gone" is disabled/],
      ]
      for (const [as, message] of refused) {
        const before = await counts()
        const failed = await run('npx', ['tsx', 'scripts/import.ts', '--kind', 'enterprises', '--as', as, file], { env }).catch(
          (e: { code: number; stderr: string }) => e,
        )
        expect((failed as { code: number }).code).toBe(1)
        expect((failed as { stderr: string }).stderr).toMatch(message)
        expect(await counts()).toEqual(before)
      }
      const before = await counts()
      const ok = await run('npx', ['tsx', 'scripts/import.ts', '--kind', 'enterprises', '--dry-run', '--as', 'CLI_Planner', file], { env })
      expect(ok.stderr).not.toMatch(/no --as/)
      await expectOnlyAudited(before, { kind: 'enterprises', outcome: 'dry_run' })
      expect(await db('audit_log').orderBy('id', 'desc').first('username')).toEqual({ username: 'cli_planner' })
      const anonymous = await run('npx', ['tsx', 'scripts/import.ts', '--kind', 'enterprises', '--dry-run', file], { env })
      expect(anonymous.stderr).toMatch(/no --as <username> given; the audit rows will name no account/)
      expect(await db('audit_log').orderBy('id', 'desc').first('username')).toEqual({ username: null })
    },
    300_000,
  )
})

function scratchIsEmbedded(): boolean {
  return !inject('serverUrl')
}
