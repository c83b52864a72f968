import type { Knex } from 'knex'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEMO_TABLES, generateDemo, type DemoTables } from '../../server/demo/generate'
import { isDatabaseEmpty, loadDemo, type DemoCounts } from '../../server/demo/load'
import { createScratchDatabase, dropScratchDatabase } from '../helpers/scratch-db'

// Always real PostGIS: this test checks geometry validity and topology as PostGIS judges them.
const SERVER_URL = inject('serverUrl') ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const OPTIONS = { seed: 'integration', scale: 1, today: new Date('2026-03-15T00:00:00Z') }

describe('loadDemo on PostGIS', () => {
  let url: string
  let db: Knex
  let counts: DemoCounts
  let expected: DemoTables
  let loadSeconds: number

  beforeAll(async () => {
    url = await createScratchDatabase(SERVER_URL, 'riskmap_demo_test')
    db = createKnex({ url, embedded: false, statementTimeoutMs: 120_000 })
    await migrateLatest(db)
    expect(await isDatabaseEmpty(db)).toBe(true)
    const started = performance.now()
    counts = await loadDemo(db, OPTIONS)
    loadSeconds = (performance.now() - started) / 1000
    expected = generateDemo(OPTIONS)
  }, 180_000)

  afterAll(async () => {
    await db?.destroy()
    if (url) await dropScratchDatabase(SERVER_URL, url)
  })

  it('inserts exactly the generated rows, quickly', async () => {
    for (const table of DEMO_TABLES) {
      const [{ n }] = await db(table).count<{ n: string }[]>({ n: '*' })
      expect(Number(n), table).toBe(expected[table].length)
      expect(counts[table], table).toBe(expected[table].length)
    }
    expect(await isDatabaseEmpty(db)).toBe(false)
    expect(loadSeconds).toBeLessThan(60)
  })

  it('refuses to load twice', async () => {
    await expect(loadDemo(db, OPTIONS)).rejects.toThrow(/empty database/)
  })

  it('stores valid MultiPolygons in EPSG:4326', async () => {
    const rows = await db('division').select('code', db.raw('ST_IsValid(geom) AS valid'), db.raw('ST_SRID(geom) AS srid'), db.raw('GeometryType(geom) AS type'))
    expect(rows).toHaveLength(expected.division.length)
    for (const row of rows) expect(row, row.code).toMatchObject({ valid: true, srid: 4326, type: 'MULTIPOLYGON' })
    const [grids] = (await db.raw('SELECT bool_and(ST_IsValid(geom)) AS valid FROM mgmt_grid')).rows
    expect(grids.valid).toBe(true)
    const [areas] = (await db.raw('SELECT bool_and(ST_IsValid(geom)) AS valid FROM area_assessment')).rows
    expect(areas.valid).toBe(true)
  })

  it('splits every parent into non-overlapping children that cover it', async () => {
    const overlaps = await db.raw(`
      SELECT a.code AS a, b.code AS b, ST_Area(ST_Intersection(a.geom, b.geom)) AS area
      FROM division a JOIN division b ON a.parent_code = b.parent_code AND a.code < b.code AND a.geom && b.geom
      WHERE ST_Overlaps(a.geom, b.geom) OR ST_Area(ST_Intersection(a.geom, b.geom)) > 1e-12`)
    expect(overlaps.rows).toEqual([])
    const coverage = await db.raw(`
      SELECT p.code, ST_Area(ST_SymDifference(p.geom, ST_Union(c.geom))) / ST_Area(p.geom) AS gap
      FROM division p JOIN division c ON c.parent_code = p.code
      GROUP BY p.code, p.geom`)
    expect(coverage.rows.length).toBe(14)
    for (const row of coverage.rows) expect(Number(row.gap), row.code).toBeLessThan(1e-9)
    const gridOverlaps = await db.raw(`
      SELECT count(*)::int AS n FROM mgmt_grid a JOIN mgmt_grid b ON a.id < b.id AND a.geom && b.geom
      WHERE ST_Overlaps(a.geom, b.geom)`)
    expect(gridOverlaps.rows[0].n).toBe(0)
  })

  it('puts every enterprise within its division and grid', async () => {
    const outside = await db.raw(`
      SELECT e.id FROM enterprise e JOIN division d ON d.code = e.division_code
      WHERE NOT ST_Within(e.geom, d.geom)`)
    expect(outside.rows).toEqual([])
    const outsideGrid = await db.raw(`
      SELECT e.id FROM enterprise e JOIN mgmt_grid g ON g.id = e.mgmt_grid_id
      WHERE NOT ST_Within(e.geom, g.geom)`)
    expect(outsideGrid.rows).toEqual([])
    const inGridWithoutId = await db.raw(`
      SELECT count(*)::int AS n FROM enterprise e JOIN mgmt_grid g ON ST_Within(e.geom, g.geom)
      WHERE e.mgmt_grid_id IS DISTINCT FROM g.id`)
    expect(inGridWithoutId.rows[0].n).toBe(0)
  })

  it('moves id sequences past the explicit ids', async () => {
    const [row] = await db('enterprise')
      .insert({
        uscc: '91210102MA0000000X',
        name: '序列测试企业（示例）',
        industry: 'other',
        scale: 'micro',
        affiliation: 'township',
        division_code: expected.division.find((d) => d.rank === 'township')!.code,
        geom: db.raw("ST_GeomFromText('POINT(123.4 41.8)', 4326)"),
      })
      .returning('id')
    expect(Number(row.id)).toBe(expected.enterprise.length + 1)
  })
})
