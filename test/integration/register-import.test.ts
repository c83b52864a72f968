import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import iconv from 'iconv-lite'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildApp } from '../../server/app'
import { loadConfig, type Config } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { generateDemoBatches } from '../../server/demo/generate'
import { toEwkt } from '../../server/demo/load'
import { wgs84ToGcj02 } from '../../server/domain/coords'
import { geodesicDistanceM } from '../../server/domain/geo'
import { buildUscc } from '../../server/domain/uscc'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import { injectSignedIn } from '../helpers/auth'

// A market-regulation register as a city safety office holds it: GBK, only 企业名称, 统一社会信用代码,
// 行业 (GB/T 4754 names and codes), 经度/纬度 in GCJ-02 and 所在地. Everything else is unknown and must
// stay so: stored as NULL, the tier undetermined unless the rule gives one anyway, the gaps listed.

let scratch: ScratchDatabase
let app: FastifyInstance
let db: Knex

const uscc = (n: number) => buildUscc(`91210102MA0R${String(n).padStart(5, '0')}`)

/** The register's rows: true WGS 84 positions (the file holds GCJ-02). */
const REGISTER = [
  {
    name: '沈阳示例化工有限公司（登记册）',
    uscc: uscc(1),
    industry: '化学原料和化学制品制造业',
    lon: 123.41192,
    lat: 41.79034,
    at: '辽宁省沈阳市和平区示例路1号',
  },
  { name: '沈阳示例百货商店（登记册）', uscc: uscc(2), industry: 'F52', lon: 123.46696, lat: 41.79271, at: '沈阳市沈河区示例路2号' },
  { name: '沈阳示例仓储有限公司（登记册）', uscc: uscc(3), industry: '装卸搬运和仓储业', lon: 123.48164, lat: 41.81162, at: '沈阳市大东区示例路3号' },
  { name: '沈阳示例冶炼厂（登记册）', uscc: uscc(4), industry: 'C3120', lon: 123.32568, lat: 41.65797, at: '沈阳市于洪区示例路4号' },
  { name: '沈阳示例科技有限公司（登记册）', uscc: uscc(5), industry: '高新技术', lon: 123.42, lat: 41.8, at: '沈阳市和平区示例路5号' },
]

function registerCsv(): Buffer {
  const lines = ['企业名称,统一社会信用代码,行业,经度,纬度,所在地']
  for (const e of REGISTER) {
    const [lon, lat] = wgs84ToGcj02(e.lon, e.lat)
    lines.push([e.name, e.uscc, e.industry, lon.toFixed(7), lat.toFixed(7), e.at].join(','))
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk')
}

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_register')
  const knex = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 0 })
  try {
    await knex.raw('CREATE EXTENSION IF NOT EXISTS postgis')
    await migrateLatest(knex)
    // The demo's divisions, grids and departments: the deployment's area and who supervises in it.
    for (const batch of generateDemoBatches({ scale: 1 })) {
      if (!['division', 'mgmt_grid', 'department'].includes(batch.table)) break
      const rows = (batch.rows as unknown as Array<Record<string, unknown>>).map((r) => ('geom' in r ? { ...r, geom: toEwkt(r.geom as never) } : r))
      for (let i = 0; i < rows.length; i += 50) await knex(batch.table).insert(rows.slice(i, i + 50))
    }
  } finally {
    await knex.destroy()
  }
  app = await buildApp({
    config: { ...loadConfig({ LOG_LEVEL: 'silent' }) } as Config,
    database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 },
  })
  await injectSignedIn(app)
  db = app.db
})

afterAll(async () => {
  await app?.close()
  await scratch?.drop()
})

describe('a register as it is', () => {
  it('imports a GBK register with only name, USCC, GB/T 4754 industry, GCJ-02 coordinates and 所在地; nothing unknown is guessed', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/import/enterprises?crs=gcj02', headers: { 'content-type': 'text/csv' }, payload: registerCsv() })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ encoding: 'gbk', crs: 'GCJ-02', rows: 5, valid: 5, invalid: 0, created: 5, stored: true })
    expect(res.json().columns).toMatchObject({ 行业: 'industry', 所在地: 'address' })

    const rows = await db('enterprise')
      .whereIn(
        'uscc',
        REGISTER.map((e) => e.uscc),
      )
      .select(
        'id',
        'uscc',
        'industry',
        'industry_source',
        'industry_class',
        'high_hazard',
        'scale',
        'affiliation',
        'tier',
        'tier_reason',
        'address',
        'industry_department_id',
        'located_by',
        db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'),
      )
    const by = new Map(rows.map((r) => [r.uscc, r]))
    for (const e of REGISTER) {
      const r = by.get(e.uscc)
      expect(geodesicDistanceM(r.lon, r.lat, e.lon, e.lat), e.name).toBeLessThan(1)
      expect(r).toMatchObject({ scale: null, affiliation: null, address: e.at, located_by: 'point', industry_source: e.industry })
    }
    expect(by.get(uscc(1))).toMatchObject({ industry: 'hazardous_chemicals', industry_class: 'C26', high_hazard: true })
    expect(by.get(uscc(2))).toMatchObject({ industry: 'retail', industry_class: 'F52', high_hazard: false })
    expect(by.get(uscc(3))).toMatchObject({ industry: 'warehousing', industry_class: 'G59' })
    expect(by.get(uscc(4))).toMatchObject({ industry: 'metal_smelting', industry_class: 'C31', high_hazard: true })
    // Text the classification does not know: stored as written, the industry unknown.
    expect(by.get(uscc(5))).toMatchObject({ industry: null, industry_class: null, industry_source: '高新技术', high_hazard: false })
    // Scale and affiliation unknown: a high-hazard enterprise is city- or county-tier depending on them.
    expect(by.get(uscc(1))).toMatchObject({
      tier: null,
      tier_reason: 'undetermined: affiliation, scale unknown (the rule gives city or county depending on them)',
    })
    expect(by.get(uscc(5)).tier_reason).toMatch(/^undetermined: affiliation, scale, high-hazard \(industry unknown\) unknown/)

    // Departments from the industry: the chemical plant's industry department and both specialist fields it needs.
    for (const u of [1, 2, 3, 4]) expect(by.get(uscc(u)).industry_department_id, `enterprise ${u}`).not.toBeNull()
    expect(by.get(uscc(5)).industry_department_id).toBeNull()
    const specialties = await db('enterprise_specialist_department as s')
      .join('department as d', 'd.id', 's.department_id')
      .where('s.enterprise_id', by.get(uscc(1)).id)
      .orderBy('d.specialty')
      .pluck('d.specialty')
    expect(specialties).toEqual(['fire', 'special_equipment'])
    const chemDept = await db('department')
      .where({ id: by.get(uscc(1)).industry_department_id })
      .first('division_code', 'industries')
    expect(chemDept.industries).toContain('hazardous_chemicals')
    expect('210102001'.startsWith(chemDept.division_code.replace(/0+$/, ''))).toBe(true)
  })

  it('lists each enterprise in the data-quality report as lacking scale and affiliation, and the coverage report counts the undetermined tiers', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/supervision/data-quality?limit=100' })
    expect(res.statusCode, res.body).toBe(200)
    const report = res.json()
    expect(report).toMatchObject({ enterprises: 5, withGaps: 5, byGap: { scale: 5, affiliation: 5, industry: 1, tier: 5, location: 0, responsible_person: 5 } })
    for (const item of report.items) expect(item.gaps.map((g: { kind: string }) => g.kind)).toEqual(expect.arrayContaining(['scale', 'affiliation']))
    const unknown = report.items.find((i: { uscc: string }) => i.uscc === uscc(5))
    expect(unknown.gaps.find((g: { kind: string }) => g.kind === 'industry').message).toMatch(/"高新技术" is neither a GB\/T 4754 code or name/)
    expect(report.byDivision.reduce((n: number, d: { enterprises: number }) => n + d.enterprises, 0)).toBe(5)
    const hp = report.byDivision.find((d: { code: string }) => d.code === '210102')
    expect(hp).toMatchObject({ enterprises: 2, gaps: { scale: 2, industry: 1 } })

    const only = await app.inject({ method: 'GET', url: '/api/supervision/data-quality?gap=industry' })
    expect(only.json()).toMatchObject({ total: 1, items: [{ uscc: uscc(5), industrySource: '高新技术' }] })

    const csv = await app.inject({ method: 'GET', url: '/api/supervision/data-quality.csv?division=210102' })
    expect(csv.statusCode, csv.body).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]).toBe('编号,企业名称,统一社会信用代码,企业编号,行政区划代码,行业(原文),缺行业,缺规模,缺隶属关系,缺监管层级,缺精确位置,缺责任人,说明')
    expect(lines).toHaveLength(3)
    expect(lines.find((l) => l.includes(uscc(5)))).toMatch(/高新技术,是,是,是,是,,是,/)

    const coverage = (await app.inject({ method: 'GET', url: '/api/supervision/coverage' })).json()
    expect(coverage.byGap.tier).toBe(5)
    const gap = coverage.items.find((i: { uscc: string }) => i.uscc === uscc(1)).gaps.find((g: { kind: string }) => g.kind === 'tier')
    expect(gap.message).toMatch(/^supervision tier undetermined: affiliation, scale unknown/)
  })

  it('determines the tier once the register gives what decides it, keeping the departments', async () => {
    const csv = `企业名称,统一社会信用代码,行业,经度,纬度,规模,隶属关系\n${REGISTER[0]!.name},${uscc(1)},C26,${REGISTER[0]!.lon},${REGISTER[0]!.lat},中型,县级\n`
    const res = await app.inject({ method: 'POST', url: '/api/import/enterprises', headers: { 'content-type': 'text/csv' }, payload: csv })
    expect(res.statusCode, res.body).toBe(200)
    const row = await db('enterprise')
      .where({ uscc: uscc(1) })
      .first('tier', 'tier_reason', 'scale', 'industry_department_id')
    expect(row).toMatchObject({ tier: 'city', tier_reason: 'medium high-hazard enterprise', scale: 'medium' })
    expect(row.industry_department_id).not.toBeNull()
    const supervision = (
      await app.inject({
        method: 'GET',
        url: `/api/enterprises/${
          (
            await db('enterprise')
              .where({ uscc: uscc(2) })
              .first('id')
          ).id
        }/supervision`,
      })
    ).json()
    expect(supervision).toMatchObject({ affiliation: null, scale: null, tier: null, ruleTier: null })
    expect(supervision.ruleTierReason).toMatch(/^undetermined/)
  })

  it('takes its own export back unchanged, as CSV and as XLSX: each enterprise keeps its industry as the register wrote it, and its point', async () => {
    const read = () =>
      db('enterprise').orderBy('uscc').select(db.raw('uscc, industry, industry_source, industry_class, high_hazard, tier, ST_AsEWKB(geom) AS geom, updated_at'))
    const before = await read()
    expect(before.map((r: { industry_source: string }) => r.industry_source)).toEqual(expect.arrayContaining(['C26', 'F52', 'C3120', '高新技术']))
    for (const format of ['csv', 'xlsx']) {
      const out = await app.inject({ method: 'GET', url: `/api/export/enterprises.${format}` })
      expect(out.statusCode, out.body.slice(0, 300)).toBe(200)
      const res = await app.inject({
        method: 'POST',
        url: `/api/import/enterprises?format=${format}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: out.rawPayload,
      })
      expect(res.statusCode, res.body.slice(0, 500)).toBe(200)
      expect(res.json(), format).toMatchObject({ rows: 5, invalid: 0, created: 0, updated: 0, unchanged: 5 })
    }
    expect(await read()).toEqual(before)
  })
})

describe('rows without coordinates', () => {
  it('locates an address-only row at the most specific division its address names, flagged approximate, grading no cell from there', async () => {
    const township = await db('division')
      .where({ rank: 'township' })
      .whereLike('code', '210102%')
      .orderBy('code')
      .first('code', 'name', db.raw('ST_X(label_point) AS lon, ST_Y(label_point) AS lat'))
    const county = await db('division').where({ code: '210104' }).first('code', 'name', db.raw('ST_X(label_point) AS lon, ST_Y(label_point) AS lat'))
    const bare = (name: string) => name.replace(/[（(][^）)]*[）)]$/, '')
    const rows = [
      `沈阳示例五金商店（登记册）,${uscc(11)},零售业,,,沈阳市和平区${bare(township.name)}某路11号`,
      `沈阳示例加油站（登记册）,${uscc(12)},5265,,,辽宁省沈阳市${bare(county.name)}某路12号`,
    ]
    const csv = iconv.encode(`企业名称,统一社会信用代码,行业,经度,纬度,所在地\r\n${rows.join('\r\n')}\r\n`, 'gbk')
    const res = await app.inject({ method: 'POST', url: '/api/import/enterprises?crs=gcj02', headers: { 'content-type': 'text/csv' }, payload: csv })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ rows: 2, valid: 2, created: 2 })
    const stored = await db('enterprise')
      .whereIn('uscc', [uscc(11), uscc(12)])
      .orderBy('uscc')
      .select('id', 'uscc', 'division_code', 'located_by', 'mgmt_grid_id', 'level', db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
    expect(stored[0]).toMatchObject({ division_code: township.code, located_by: 'division', mgmt_grid_id: null })
    expect(stored[1]).toMatchObject({ division_code: '210104', located_by: 'division' })
    // At the division's label point (not shifted as if it were GCJ-02).
    expect(geodesicDistanceM(stored[0].lon, stored[0].lat, township.lon, township.lat)).toBeLessThan(0.01)
    expect(geodesicDistanceM(stored[1].lon, stored[1].lat, county.lon, county.lat)).toBeLessThan(0.01)
    // The fuel station is high-hazard (yellow baseline) but puts no source on any cell from its approximate point.
    expect(stored[1].level).toBe(2)
    const sources = await db('cell_source')
      .whereIn(
        'enterprise_id',
        stored.map((r) => r.id),
      )
      .count<{ count: string }[]>('* as count')
    expect(Number(sources[0]!.count)).toBe(0)
    const detail = (await app.inject({ method: 'GET', url: `/api/enterprises/${stored[0].id}` })).json()
    expect(detail.properties ?? detail).toMatchObject({ locatedBy: 'division' })
    const quality = (await app.inject({ method: 'GET', url: '/api/supervision/data-quality?gap=location' })).json()
    expect(quality.items.map((i: { uscc: string }) => i.uscc).sort()).toEqual([uscc(11), uscc(12)])
  })

  it('takes a register that has no coordinate columns at all, only 所在地, and refuses a file with neither', async () => {
    const township = await db('division').where({ rank: 'township' }).whereLike('code', '210103%').orderBy('code').first('code', 'name')
    const bare = township.name.replace(/[（(][^）)]*[）)]$/, '')
    const csv = iconv.encode(`单位名称,统一社会信用代码,所在地\r\n沈阳示例文具店（登记册）,${uscc(15)},沈阳市沈河区${bare}某路15号\r\n`, 'gbk')
    const res = await app.inject({ method: 'POST', url: '/api/import/enterprises', headers: { 'content-type': 'text/csv' }, payload: csv })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ rows: 1, created: 1, encoding: 'gbk' })
    expect(
      await db('enterprise')
        .where({ uscc: uscc(15) })
        .first('division_code', 'located_by'),
    ).toEqual({ division_code: township.code, located_by: 'division' })
    const nowhere = await app.inject({
      method: 'POST',
      url: '/api/import/enterprises',
      headers: { 'content-type': 'text/csv' },
      payload: `单位名称,统一社会信用代码\r\n无址企业（登记册）,${uscc(16)}\r\n`,
    })
    expect(nowhere.statusCode).toBe(400)
    expect(nowhere.json().error.details.map((d: { column: string }) => d.column)).toEqual(['经度', '纬度'])
  })

  it('refuses a row whose address names no division or several, naming the row, and stores nothing', async () => {
    const csv = `企业名称,统一社会信用代码,行业,经度,纬度,所在地\n无名企业（登记册）,${uscc(13)},零售业,,,北京市朝阳区某路1号\n无址企业（登记册）,${uscc(14)},零售业,,,\n`
    const before = await db('enterprise').count<{ count: string }[]>('* as count')
    const res = await app.inject({ method: 'POST', url: '/api/import/enterprises', headers: { 'content-type': 'text/csv' }, payload: csv })
    expect(res.statusCode, res.body).toBe(422)
    const details = res.json().error.details
    expect(details[0]).toMatchObject({ row: 1, column: '所在地', value: '北京市朝阳区某路1号' })
    expect(details[0].message).toMatch(/names no division of this deployment/)
    expect(details[1]).toMatchObject({ row: 2 })
    expect(details[1].message).toMatch(/the location is required/)
    expect(await db('enterprise').count<{ count: string }[]>('* as count')).toEqual(before)
  })
})

describe('what the upload page offers', () => {
  it('lists the accepted columns, required first, with the industry table named', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/import/enterprises/columns' })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json()
    expect(body.industryTable).toMatch(/^GB\/T 4754-2017/)
    const required = body.columns.filter((c: { required: boolean }) => c.required).map((c: { zh: string }) => c.zh)
    expect(required).toEqual(['统一社会信用代码', '企业名称', '经度', '纬度'])
    const scale = body.columns.find((c: { key: string }) => c.key === 'scale')
    expect(scale).toMatchObject({ zh: '规模', required: false, values: ['大型', '中型', '小型', '微型'] })
    expect(body.columns.find((c: { key: string }) => c.key === 'address').aliases).toContain('所在地')
  })

  it('offers CSV and XLSX templates with the Chinese headers that import again', async () => {
    const csv = await app.inject({ method: 'GET', url: '/api/import/enterprises/template.csv' })
    expect(csv.statusCode).toBe(200)
    const header = csv.body.replace(/^\ufeff/, '').trim()
    expect(header.startsWith('统一社会信用代码,企业名称,经度,纬度,行业,行业代码,规模,隶属关系')).toBe(true)
    const xlsx = await app.inject({ method: 'GET', url: '/api/import/enterprises/template.xlsx' })
    expect(xlsx.statusCode).toBe(200)
    expect(xlsx.rawPayload.readUInt32LE(0)).toBe(0x04034b50)
    // The template header with one row filled in imports with no column left over.
    const row = `${header}\r\n${uscc(9)},模板测试企业（登记册）,123.42,41.79,零售业${','.repeat(header.split(',').length - 5)}\r\n`
    const res = await app.inject({
      method: 'POST',
      url: '/api/import/enterprises?dryRun=true',
      headers: { 'content-type': 'text/csv' },
      payload: `\ufeff${row}`,
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ rows: 1, valid: 1, ignoredColumns: [] })
  })
})

describe('enterprises without a USCC', () => {
  // A register keyed by the old business registration number (注册号), with no USCC column at all.
  const registered = [
    { no: '210102000012345', name: '沈阳示例个体商店（注册号）', industry: '零售业', lon: 123.4301, lat: 41.7952 },
    { no: '210102000067890', name: '沈阳示例加工厂（注册号）', industry: 'C26', lon: 123.4402, lat: 41.7987 },
  ]
  const csv = (lines: string[]) => iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk')
  const post = (url: string, payload: Buffer | string) => app.inject({ method: 'POST', url, headers: { 'content-type': 'text/csv' }, payload })
  const stored = (no: string) => db('enterprise').where('external_id', no).first('id', 'uscc', 'name', 'industry')

  it('imports a register identified by 注册号 alone; the enterprise is found, listed and reported by that id', async () => {
    const res = await post(
      '/api/import/enterprises',
      csv(['企业名称,注册号,行业,经度,纬度', ...registered.map((e) => [e.name, e.no, e.industry, e.lon, e.lat].join(','))]),
    )
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ rows: 2, valid: 2, created: 2, stored: true })
    expect(res.json().columns).toMatchObject({ 注册号: 'externalId' })
    const first = await stored(registered[0]!.no)
    expect(first).toMatchObject({ uscc: null, name: registered[0]!.name, industry: 'retail' })

    const found = await app.inject({ method: 'GET', url: `/api/enterprises?q=${registered[1]!.no}` })
    expect(found.json().features.map((f: { properties: unknown }) => f.properties)).toEqual([
      expect.objectContaining({ uscc: null, externalId: registered[1]!.no, name: registered[1]!.name }),
    ])
    const one = await app.inject({ method: 'GET', url: `/api/enterprises/${first!.id}` })
    expect(one.json().properties).toMatchObject({ uscc: null, externalId: registered[0]!.no })
    const quality = await app.inject({ method: 'GET', url: '/api/supervision/data-quality?limit=500' })
    expect(quality.statusCode, quality.body).toBe(200)
    expect(quality.json().items.find((i: { id: number }) => i.id === Number(first!.id))).toMatchObject({ uscc: null, externalId: registered[0]!.no })
    const list = await app.inject({ method: 'GET', url: '/api/supervision/data-quality.csv' })
    expect(list.body).toContain(`,${registered[0]!.no},`)
  })

  it('attaches a hidden danger to the enterprise by 企业编号', async () => {
    const res = await post(
      '/api/import/hidden_dangers',
      ['编号,企业编号,隐患描述,发现日期,整改期限,报告人', `HD-REG-1,${registered[1]!.no},消防通道堵塞,2026-11-01,2026-12-31,检查员甲`].join('\r\n'),
    )
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ created: 1 })
    const danger = await db('hidden_danger').where('external_id', 'HD-REG-1').first('enterprise_id')
    expect(Number(danger.enterprise_id)).toBe(Number((await stored(registered[1]!.no))!.id))
    const unknown = await post(
      '/api/import/hidden_dangers',
      ['编号,企业编号,隐患描述,发现日期,整改期限,报告人', 'HD-REG-2,210102999999999,消防通道堵塞,2026-11-01,2026-12-31,检查员甲'].join('\r\n'),
    )
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().error.details).toEqual([expect.objectContaining({ row: 1, column: '企业编号', code: 'enterprise_unknown_external_id' })])
  })

  it('updates the same enterprise when the register later gives its USCC, and keeps an external id with one enterprise', async () => {
    const before = (await stored(registered[0]!.no))!
    const header = '统一社会信用代码,企业编号,企业名称,行业,经度,纬度'
    const e = registered[0]!
    const res = await post('/api/import/enterprises', [header, [uscc(21), e.no, e.name, e.industry, e.lon, e.lat].join(',')].join('\r\n'))
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ created: 0, updated: 1 })
    expect(await stored(e.no)).toMatchObject({ id: before.id, uscc: uscc(21) })

    // The same external id under another USCC, in the database or twice in the file: the rows are named, nothing is stored.
    const taken = await post('/api/import/enterprises', [header, [uscc(22), e.no, '另一家企业（注册号）', '零售业', 123.43, 41.79].join(',')].join('\r\n'))
    expect(taken.statusCode).toBe(422)
    expect(taken.json().error.details).toEqual([
      expect.objectContaining({ row: 1, column: '企业编号', code: 'external_id_taken', params: { key: e.no, other: uscc(21) } }),
    ])
    const twice = await post(
      '/api/import/enterprises',
      [
        header,
        [uscc(23), 'REG-NEW-1', '新企业甲（注册号）', '零售业', 123.43, 41.79].join(','),
        ['', 'REG-NEW-1', '新企业乙（注册号）', '零售业', 123.44, 41.79].join(','),
      ].join('\r\n'),
    )
    expect(twice.statusCode).toBe(422)
    expect(twice.json().error.details).toEqual([expect.objectContaining({ row: 2, column: '企业编号', code: 'duplicate_key' })])
    expect(
      Number(
        (await db('enterprise')
          .whereIn('uscc', [uscc(22), uscc(23)])
          .orWhere('external_id', 'REG-NEW-1')
          .count('* as n')
          .first())!.n,
      ),
    ).toBe(0)
  })

  it("keeps two enterprises of one file apart when one's external id reads like the other's USCC", async () => {
    const header = '统一社会信用代码,企业编号,企业名称,行业,经度,纬度'
    const res = await post(
      '/api/import/enterprises',
      [
        header,
        [uscc(33), '', '编号相似甲（登记册）', '零售业', 123.43, 41.79].join(','),
        ['', uscc(33), '编号相似乙（登记册）', '零售业', 123.44, 41.79].join(','),
      ].join('\r\n'),
    )
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ created: 2, invalid: 0 })
    const rows = await db('enterprise')
      .where({ uscc: uscc(33) })
      .orWhere({ external_id: uscc(33) })
      .orderBy('name')
      .select('name', 'uscc', 'external_id')
    expect(rows).toEqual([
      { name: '编号相似乙（登记册）', uscc: null, external_id: uscc(33) },
      { name: '编号相似甲（登记册）', uscc: uscc(33), external_id: null },
    ])
  })

  it('stores text with tabs, line breaks, backslashes and quotes as the file gives it, on insert and on update', async () => {
    const header = '统一社会信用代码,企业名称,地址,经度,纬度'
    const quoted = (v: string) => `"${v.replace(/"/g, '""')}"`
    const odd = ['C:\\仓库\\一号库', 'tab\there', 'two\r\nlines', 'say "hi"', '\\N'].join(' | ')
    const first = await post('/api/import/enterprises', [header, [uscc(41), '转义测试企业（登记册）', quoted(odd), 123.43, 41.79].join(',')].join('\r\n'))
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toMatchObject({ created: 1 })
    expect(
      (
        await db('enterprise')
          .where({ uscc: uscc(41) })
          .first('address')
      ).address,
    ).toBe(odd)
    const changed = `${odd}\n\\t`
    const second = await post('/api/import/enterprises', [header, [uscc(41), '转义测试企业（登记册）', quoted(changed), 123.43, 41.79].join(',')].join('\r\n'))
    expect(second.json()).toMatchObject({ created: 0, updated: 1 })
    expect(
      (
        await db('enterprise')
          .where({ uscc: uscc(41) })
          .first('address')
      ).address,
    ).toBe(changed)
  })

  it('names the row that has neither identifier, and the file that has neither column', async () => {
    const neither = await post('/api/import/enterprises', ['统一社会信用代码,企业编号,企业名称,经度,纬度', ',,无标识企业,123.43,41.79'].join('\r\n'))
    expect(neither.statusCode).toBe(422)
    expect(neither.json().error.details).toEqual([expect.objectContaining({ row: 1, column: '统一社会信用代码', code: 'uscc_or_external_id_required' })])
    const noColumn = await post('/api/import/enterprises', ['企业名称,经度,纬度', '无标识企业,123.43,41.79'].join('\r\n'))
    expect(noColumn.statusCode).toBe(400)
    expect(noColumn.json().error.message).toContain('统一社会信用代码 (uscc)')
  })
})

describe("the deployment's own industry table (INDUSTRY_TABLE)", () => {
  it('maps the industries of an import through the rows it lays over the built-in table, and the upload page names it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskmap-industries-'))
    const file = path.join(dir, 'shenyang-industries.csv')
    fs.writeFileSync(file, 'code,name,industry,high_hazard\n5162,石油及制品批发,gas,1\n')
    const local = await buildApp({
      config: { ...loadConfig({ LOG_LEVEL: 'silent', INDUSTRY_TABLE: file }) } as Config,
      database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 },
    })
    try {
      await injectSignedIn(local)
      const columns = await local.inject({ method: 'GET', url: '/api/import/enterprises/columns' })
      expect(columns.json().industryTable).toMatch(/; with shenyang-industries\.csv: 1 rows replaced, 0 added$/)
      const res = await local.inject({
        method: 'POST',
        url: '/api/import/enterprises',
        headers: { 'content-type': 'text/csv' },
        payload: `企业名称,统一社会信用代码,行业,经度,纬度\n沈阳示例油品批发公司（本地行业表）,${uscc(31)},F5162,123.431,41.796\n`,
      })
      expect(res.statusCode, res.body).toBe(200)
      expect(await db('enterprise').where('uscc', uscc(31)).first('industry', 'industry_class', 'high_hazard')).toEqual({
        industry: 'gas',
        industry_class: 'F5162',
        high_hazard: true,
      })
    } finally {
      await local.close()
    }
  })
})
