import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { loadDemo } from '../../server/demo/load'
import { fullRegrade } from '../../server/grading/engine'
import { recordValues } from '../../server/modules/transfer/records'
import { openXlsx } from '../../server/modules/transfer/xlsx-reader'
import { openZip } from '../../server/modules/transfer/zip'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import { injectSignedIn } from '../helpers/auth'

// The source is a scratch database of its own with a small graded demo set (so that no other test
// file's writes can race the comparison); the round trip imports its exports into an empty one.

let source: ScratchDatabase
let target: ScratchDatabase
let src: FastifyInstance
let dst: FastifyInstance
let tmp: string

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

async function open(db: ScratchDatabase): Promise<FastifyInstance> {
  const app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database: { url: db.url, embedded: db.embedded, statementTimeoutMs: 120_000 } })
  await injectSignedIn(app)
  return app
}

async function count(db: Knex, sql: string, bindings: Array<string | number> = []): Promise<number> {
  const { rows } = await db.raw<{ rows: Array<{ n: string }> }>(`SELECT count(*) AS n FROM ${sql}`, bindings)
  return Number(rows[0]!.n)
}

/** Lines of a CSV body that hold records (the header excluded); no field in these exports spans lines. */
function csvRecords(body: string): string[] {
  return body
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '')
    .slice(1)
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-export-'))
  source = await openScratch(inject('serverUrl'), 'riskmap_export_src')
  target = await openScratch(inject('serverUrl'), 'riskmap_export_dst')
  await migrateScratch(source)
  await migrateScratch(target)
  src = await open(source)
  await loadDemo(src.db, { scale: 0.15 })
  await fullRegrade(src.db, src.grading)
  dst = await open(target)
})

afterAll(async () => {
  await src?.close()
  await dst?.close()
  await source?.drop()
  await target?.drop()
  if (tmp) await fs.rm(tmp, { recursive: true, force: true })
})

describe('export', () => {
  it('writes CSV as UTF-8 with a BOM and Chinese headers, or English ones with lang=en', async () => {
    const res = await src.inject('/api/export/enterprises.csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="enterprises-\d{8}\.csv"$/)
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const header = res.body.replace(/^\uFEFF/, '').split('\r\n')[0]!
    expect(header.startsWith('统一社会信用代码,企业名称,行业,规模,隶属关系,高危')).toBe(true)
    expect(csvRecords(res.body)).toHaveLength(await count(src.db, 'enterprise'))
    expect(res.body).toMatch(/,危险化学品,/)

    const en = await src.inject('/api/export/enterprises.csv?lang=en')
    expect(
      en.body
        .replace(/^\uFEFF/, '')
        .split('\r\n')[0]!
        .startsWith('uscc,name,industry,scale,affiliation,highHazard'),
    ).toBe(true)
    expect(en.body).toMatch(/,hazardous_chemicals,/)
  })

  it('filters by division prefix, lowest level and bounding box', async () => {
    // The county with the most enterprises at orange or above (the recalibrated demo has few).
    const { rows } = await src.db.raw<{ rows: Array<{ county: string }> }>(
      'SELECT left(division_code, 6) AS county FROM enterprise WHERE level >= 3 GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1',
    )
    const county = rows[0]!.county
    const division = await src.inject(`/api/export/enterprises.csv?division=${county}&minLevel=3&lang=en`)
    expect(csvRecords(division.body)).toHaveLength(await count(src.db, 'enterprise WHERE division_code LIKE ? AND level >= 3', [`${county}%`]))
    expect(csvRecords(division.body).length).toBeGreaterThan(0)
    const bbox = '123.35,41.75,123.45,41.82'
    const boxed = await src.inject(`/api/export/resources.geojson?bbox=${bbox}`)
    expect(boxed.headers['content-type']).toBe('application/geo+json; charset=utf-8')
    const fc = boxed.json() as { type: string; features: Array<{ geometry: { type: string }; properties: Record<string, unknown> }> }
    expect(fc.type).toBe('FeatureCollection')
    expect(fc.features).toHaveLength(await count(src.db, 'resource WHERE ST_Intersects(geom, ST_MakeEnvelope(123.35, 41.75, 123.45, 41.82, 4326))'))
    expect(fc.features[0]!.geometry.type).toBe('Point')
    expect(fc.features[0]!.properties.externalId).toMatch(/^RS-\d+$/)
  })

  it('exports graded cells and refuses a level filter where levels do not apply', async () => {
    const res = await src.inject('/api/export/cells.geojson?minLevel=3')
    const fc = res.json() as { features: Array<{ geometry: { type: string }; properties: { level: number; h3: string } }> }
    expect(fc.features).toHaveLength(await count(src.db, 'cell WHERE res = ? AND level >= 3', [src.grading.res]))
    expect(fc.features.every((f) => f.properties.level >= 3 && f.geometry.type === 'Polygon')).toBe(true)
    const bad = await src.inject('/api/export/resources.csv?minLevel=2')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.details[0]).toMatchObject({ field: 'minLevel' })
    expect((await src.inject('/api/export/nothing.csv')).statusCode).toBe(400)
  })

  it('writes XLSX that reads back, one row per substance for major hazard installations', async () => {
    const res = await src.inject('/api/export/major_hazards.xlsx')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    const file = path.join(tmp, 'hazards.xlsx')
    await fs.writeFile(file, res.rawPayload)
    const reader = await openXlsx(file)
    try {
      expect(reader.headers.slice(0, 3)).toEqual(['编号', '企业统一社会信用代码', '危险源名称'])
      expect(reader.headers).toContain('物质名称')
      let rows = 0
      for await (const _ of reader.records) rows++
      expect(rows).toBe(await count(src.db, 'major_hazard_substance'))
    } finally {
      await reader.close()
    }
  })
})

describe('formulas and the audit', () => {
  it('guards a formula in CSV with an apostrophe, and writes it to XLSX as a typed string that reads back exactly', async () => {
    const formula = '\t=HYPERLINK("http://example.invalid","点击")'
    const [row] = await src.db('enterprise').orderBy('id').limit(1).select('id', 'name', 'uscc')
    await src.db('enterprise').where({ id: row.id }).update({ name: formula })
    try {
      const csv = await src.inject(`/api/export/enterprises.csv?lang=en`)
      const line = csvRecords(csv.body).find((l) => l.startsWith(`${row.uscc},`))!
      expect(line.split(',').slice(1, 2).join()).toBe(`"'\t=HYPERLINK(""http://example.invalid""`)

      const res = await src.inject('/api/export/enterprises.xlsx?lang=en')
      const file = path.join(tmp, 'formula.xlsx')
      await fs.writeFile(file, res.rawPayload)
      const zip = await openZip(file)
      const sheet = await zip.text('xl/worksheets/sheet1.xml')
      zip.close()
      expect(sheet).not.toMatch(/<f[ >]/) // no cell is a formula
      expect(sheet).toContain(`t="inlineStr"><is><t xml:space="preserve">\t=HYPERLINK(&quot;http://example.invalid&quot;,&quot;点击&quot;)</t>`)
      const reader = await openXlsx(file)
      try {
        let name: unknown
        for await (const record of reader.records) {
          const values = recordValues(reader.headers, record)
          if (values.uscc === row.uscc) name = values.name
        }
        expect(name).toBe(formula) // the text itself, no apostrophe shown as data
      } finally {
        await reader.close()
      }
    } finally {
      await src.db('enterprise').where({ id: row.id }).update({ name: row.name })
    }
  })

  it('audits every export with the account, the file, its filters and the rows sent', async () => {
    const last = Number((await src.db('audit_log').max('id as id').first())?.id ?? 0)
    const res = await src.inject('/api/export/resources.csv?lang=en&minLevel=0')
    expect(res.statusCode).toBe(200)
    const sent = csvRecords(res.body).length
    let audit: { action: string; entity: string; username: string; after: Record<string, unknown> } | undefined
    for (let i = 0; i < 50 && !audit; i++) {
      audit = await src
        .db('audit_log')
        .where({ action: 'exported', entity: 'resources' })
        .where('id', '>', last)
        .orderBy('id', 'desc')
        .first('action', 'entity', 'username', 'after')
      if (!audit) await new Promise((r) => setTimeout(r, 20))
    }
    expect(audit).toMatchObject({
      username: 'test_admin',
      after: { layer: 'resources', format: 'csv', rows: sent, outcome: 'sent', filters: { minLevel: 0, lang: 'en' } },
    })
    expect(audit!.after.file).toMatch(/^resources-\d{8}\.csv$/)
  })
})

describe('round trip into an empty database', () => {
  it('exports every layer, imports them into an empty database and grades to the same enterprise and cell levels', async () => {
    const steps: Array<[string, string]> = [
      ['divisions', 'geojson'],
      ['mgmt_grids', 'geojson'],
      ['enterprises', 'csv'],
      ['major_hazards', 'xlsx'],
      ['safety_risks', 'geojson'],
      ['hidden_dangers', 'csv'],
      ['area_assessments', 'geojson'],
      ['resources', 'xlsx'],
    ]
    for (const [layer, format] of steps) {
      const out = await src.inject(`/api/export/${layer}.${format}`)
      expect(out.statusCode, `${layer}: ${out.body.slice(0, 200)}`).toBe(200)
      const res = await dst.inject({
        method: 'POST',
        url: `/api/import/${layer}?format=${format === 'geojson' ? 'geojson' : format}`,
        headers: { 'content-type': 'application/octet-stream' },
        payload: out.rawPayload,
      })
      expect(res.statusCode, `${layer}: ${res.body.slice(0, 500)}`).toBe(200)
      expect(res.json(), layer).toMatchObject({ invalid: 0, stored: true, updated: 0 })
    }
    for (const table of [
      'division',
      'mgmt_grid',
      'enterprise',
      'major_hazard',
      'major_hazard_substance',
      'safety_risk',
      'hidden_danger',
      'area_assessment',
      'resource',
    ]) {
      expect(await count(dst.db, table), table).toBe(await count(src.db, table))
    }
    await fullRegrade(dst.db, dst.grading)

    const enterprises = (db: Knex) =>
      db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT e.uscc, e.name, e.industry, e.scale, e.affiliation, e.high_hazard, e.tier, e.division_code, g.code AS grid, e.address, e.responsible_person,
              e.responsible_phone, e.credit_status, e.last_reported_at::text, e.report_due_at::text, e.impact_radius_m, e.synthetic, ST_AsText(e.geom) AS geom,
              e.level, e.inherent_level, e.level_reason
       FROM enterprise e LEFT JOIN mgmt_grid g ON g.id = e.mgmt_grid_id ORDER BY e.uscc`,
      )
    const before = (await enterprises(src.db)).rows
    const after = (await enterprises(dst.db)).rows
    expect(after.map((r) => r.uscc)).toEqual(before.map((r) => r.uscc))
    // Level reasons name source ids, which differ between databases; the rule must not.
    const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ level_reason, ...r }) => ({ ...r, rule: (level_reason as { rule: string }).rule }))
    expect(strip(after)).toEqual(strip(before))
    expect(new Set(before.map((r) => r.level)).size).toBeGreaterThan(2)

    const cells = (db: Knex) => db.raw<{ rows: Array<Record<string, unknown>> }>('SELECT res, h3, level, stale, rule, score FROM cell ORDER BY res, h3')
    const cellsBefore = (await cells(src.db)).rows
    expect(cellsBefore.length).toBeGreaterThan(100)
    expect((await cells(dst.db)).rows).toEqual(cellsBefore)

    const regions = (db: Knex) =>
      db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT rl.region_kind, coalesce(g.code, rl.region_key) AS key, rl.level, rl.stale, rl.shares
       FROM region_level rl LEFT JOIN mgmt_grid g ON rl.region_kind = 'mgmt_grid' AND g.id::text = rl.region_key ORDER BY 1, 2`,
      )
    expect((await regions(dst.db)).rows).toEqual((await regions(src.db)).rows)

    const substances = (db: Knex) =>
      db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT e.uscc, m.name, m.s, m.r, m.grade, m.level, m.grade_mismatch, s.name AS substance, s.cas, s.hazard_class, s.q_t, s.critical_q_t, s.beta
       FROM major_hazard_substance s JOIN major_hazard m ON m.id = s.major_hazard_id JOIN enterprise e ON e.id = m.enterprise_id ORDER BY e.uscc, m.name, s.name, s.q_t`,
      )
    expect((await substances(dst.db)).rows).toEqual((await substances(src.db)).rows)
  })
})
