import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { loadConfig } from '../../server/config'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { runImport, type ImportOptions } from '../../server/modules/transfer/import'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// Boundary files as they come: a self-intersecting loop, an outward spike, a bow-tie at a corner and
// repeated vertices, as a one-line GeoJSON (rows are features, not lines). Without repair nothing is
// stored and every bad feature is named with where it is invalid; with repair all import and each
// repair is reported with its change of area; a repair that changes the area too much is refused.

let scratch: ScratchDatabase
let db: Knex

/** A ring in 0–10 units placed as ≈ 1 km around (123.40, 41.78). */
const place = (ring: number[][]) => ring.map(([x, y]) => [123.4 + x! * 0.001, 41.78 + y! * 0.001])
const SHAPES: Record<string, number[][]> = {
  duplicates: [
    [0, 0],
    [10, 0],
    [10, 0],
    [10, 10],
    [0, 10],
    [0, 10],
    [0, 0],
  ],
  loop: [
    [0, 0],
    [10, 0],
    [10, 10],
    [0.3, 10],
    [0, 9.7],
    [0, 10],
    [0.3, 9.7],
    [0, 9.5],
    [0, 0],
  ],
  spike: [
    [0, 0],
    [10, 0],
    [10, 5],
    [15, 5],
    [10, 5],
    [10, 10],
    [0, 10],
    [0, 0],
  ],
  cornerBowTie: [
    [0, 0],
    [10, 0],
    [10, 10],
    [0.05, 10],
    [0, 9.95],
    [0.05, 9.95],
    [0, 10],
    [0, 0],
  ],
  bowTie: [
    [0, 0],
    [10, 10],
    [10, 0],
    [0, 10],
    [0, 0],
  ],
}

function geojson(shapes: string[]): Buffer {
  const features = shapes.map((s, i) => ({
    type: 'Feature',
    properties: { 区划代码: `2101${String(i + 2).padStart(2, '0')}`, 区划名称: `${s}区（测试）` },
    geometry: { type: 'Polygon', coordinates: [place(SHAPES[s]!)] },
  }))
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }))
}

const run = (file: Buffer, extra: Partial<ImportOptions> = {}) =>
  runImport(db, { stream: Readable.from([file]), fileName: 'boundaries.geojson' }, { kind: 'divisions', grading: { res: 8, rules: DEFAULT_RULES }, ...extra })

const divisions = async () => Number((await db('division').count<{ count: string }[]>('* as count'))[0]!.count)

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_repair')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 0 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
})

afterAll(async () => {
  await db?.destroy()
  await scratch?.drop()
})

describe('boundaries as they come', () => {
  const file = geojson(['duplicates', 'loop', 'spike', 'cornerBowTie'])

  it('without repair stores nothing and names every bad feature (1-based), the fault, where it is and the hint', async () => {
    const report = await run(file)
    expect(report).toMatchObject({ format: 'geojson', rows: 4, valid: 1, invalid: 3, rejected: true, stored: false, repairs: [] })
    expect(report.errors.map((e) => e.row)).toEqual([2, 3, 4])
    for (const e of report.errors) {
      expect(e.column).toBe('geometry')
      expect(e.reason).toMatch(
        /^self-intersecting polygon: (Ring )?Self-intersection at \(123\.\d+, 41\.\d+\); import with repair \(--repair, or tick 修复无效多边形\)/,
      )
    }
    // The loop crosses itself at (0.15, 9.85) units: the fault's location is reported in WGS 84.
    expect(report.errors[0]!.reason).toContain('at (123.40015, 41.78985)')
    expect(await divisions()).toBe(0)
  })

  it('with repair imports every feature, reports each repair with its change of area, and stores valid polygons', async () => {
    const report = await run(file, { repair: true })
    expect(report).toMatchObject({ rows: 4, valid: 4, invalid: 0, created: 4, stored: true })
    expect(report.repairs.map((r) => r.row)).toEqual([2, 3, 4])
    for (const r of report.repairs) {
      expect(r.areaChangePct).toBeGreaterThanOrEqual(0)
      expect(r.areaChangePct).toBeLessThan(1)
      expect(r.location).toHaveLength(2)
    }
    expect(report.repairs[0]).toMatchObject({ reason: 'Self-intersection', areaChangePct: 0.05 })
    expect(report.repairs[1]).toMatchObject({ reason: 'Self-intersection', areaChangePct: 0, location: [123.415, 41.785] })
    const stored = await db('division').orderBy('code').select('code', db.raw('ST_IsValid(geom) AS valid'), db.raw('ST_NPoints(geom) AS points'))
    expect(stored.map((s) => s.valid)).toEqual([true, true, true, true])
    expect(stored.map((s) => s.code)).toEqual(['210102', '210103', '210104', '210105'])
  })

  it('refuses a repair that changes the area by more than the allowed share, for that feature, and stores nothing', async () => {
    await db('division').del()
    const report = await run(geojson(['duplicates', 'bowTie']), { repair: true })
    expect(report).toMatchObject({ rows: 2, valid: 1, invalid: 1, rejected: true, stored: false, repairs: [] })
    expect(report.errors[0]).toMatchObject({ row: 2, column: 'geometry' })
    expect(report.errors[0]!.reason).toMatch(
      /^invalid polygon: Self-intersection at \(123\.405, 41\.785\); repairing it would change its area by more than 100 %, more than the 1 % allowed/,
    )
    const loose = await run(geojson(['loop']), { repair: true, repairMaxAreaChange: 0.0001, dryRun: true })
    expect(loose.errors[0]!.reason).toMatch(/would change its area by 0\.05 %, more than the 0\.01 % allowed/)
    expect(await divisions()).toBe(0)
  })
})

describe('boundaries named without a code', () => {
  // A Shenyang deployment's register (REGION_CODE=210100), as the service loads it at start-up.
  const config = loadConfig({ REGION_CODE: '210100' })
  const named = (names: Array<[string, string | null]>) =>
    Buffer.from(
      JSON.stringify({
        type: 'FeatureCollection',
        features: names.map(([name, parent], i) => ({
          type: 'Feature',
          properties: { NAME: name, ...(parent ? { 上级区划代码: parent } : {}) },
          geometry: {
            type: 'Polygon',
            coordinates: [
              place([
                [i * 10, 0],
                [i * 10 + 10, 0],
                [i * 10 + 10, 10],
                [i * 10, 10],
                [i * 10, 0],
              ]),
            ],
          },
        })),
      }),
    )

  it('attaches each boundary to the register code of its name', async () => {
    await db('division').del()
    const report = await run(
      named([
        ['和平区', null],
        ['沈河区', null],
      ]),
      { mapping: { NAME: 'name' }, register: config.regionDivisions, regionCode: config.regionCode },
    )
    expect(report).toMatchObject({ rows: 2, valid: 2, created: 2, stored: true })
    expect(await db('division').orderBy('code').select('code', 'name', 'rank')).toEqual([
      { code: '210102', name: '和平区', rank: 'county' },
      { code: '210103', name: '沈河区', rank: 'county' },
    ])
  })

  it('names the row whose name is not in the register or names several divisions, and stores nothing', async () => {
    await db('division').del()
    const province = loadConfig({ REGION_CODE: '210000' })
    const report = await run(
      named([
        ['和平区', null],
        ['铁西区', null],
        ['北京市朝阳区', null],
      ]),
      { mapping: { NAME: 'name' }, register: province.regionDivisions, regionCode: province.regionCode },
    )
    expect(report).toMatchObject({ rows: 3, valid: 1, invalid: 2, stored: false })
    expect(report.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'NAME', 'division_name_ambiguous'],
      [3, 'NAME', 'division_name_unknown'],
    ])
    expect(report.errors[0]!.reason).toMatch(/铁西区 210106.*铁西区 210303/)
    expect(await divisions()).toBe(0)
    // The parent code tells the two apart.
    const parented = await run(
      named([
        ['鞍山市', null],
        ['铁西区', '210300'],
      ]),
      { mapping: { NAME: 'name' }, register: province.regionDivisions, regionCode: province.regionCode },
    )
    expect(parented.errors).toEqual([])
    expect(await db('division').orderBy('code').select('code', 'parent_code')).toEqual([
      { code: '210300', parent_code: null },
      { code: '210303', parent_code: '210300' },
    ])
  })
})
