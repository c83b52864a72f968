import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { AppError } from '../../server/errors'
import { createInProcessEngine } from '../../server/modules/roads/in-process'
import { applyClassSpeeds, snapPoints } from '../../server/modules/roads/network'
import { runImport, type ImportOptions } from '../../server/modules/transfer/import'
import { osmPbf, type PbfWay } from '../helpers/osm-pbf'
import { roadCollection, roadFeature, SMALL_ROAD_NETWORK } from '../helpers/roads'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'

// Road imports (docs/domain.md §6) on both databases: GeoJSON lines with a class, a speed and a
// direction, and a real OpenStreetMap PBF file written field by field (test/helpers/osm-pbf.ts) and
// read by the import's streaming parser. Lines split where they share a vertex; one-way and
// reversed one-way roads keep their driving direction; a bad file or row stores nothing.

let scratch: ScratchDatabase
let db: Knex

const run = (file: Buffer, fileName: string, extra: Partial<ImportOptions> = {}) =>
  runImport(db, { stream: Readable.from([file]), fileName }, { kind: 'roads', grading: { res: 8, rules: DEFAULT_RULES }, ...extra })

interface EdgeRow {
  road_class: string
  name: string | null
  oneway: boolean
  speed_kmh: number
  cost_s: number
  reverse_cost_s: number
  length_m: number
  osm_way_id: string | null
  coords: Array<[number, number]>
}
async function edges(): Promise<EdgeRow[]> {
  const { rows } = await db.raw<{ rows: Array<EdgeRow & { g: string }> }>(
    'SELECT road_class, name, oneway, speed_kmh, cost_s, reverse_cost_s, length_m, osm_way_id, ST_AsGeoJSON(geom) AS g FROM road_edge ORDER BY id',
  )
  return rows.map(({ g, ...r }) => ({ ...r, coords: (JSON.parse(g) as { coordinates: Array<[number, number]> }).coordinates }))
}
const version = async () => Number((await db.raw<{ rows: Array<{ version: string }> }>('SELECT version FROM road_network')).rows[0]!.version)

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_roadimport')
  db = createKnex({ url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 0 })
  await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
  await migrateLatest(db)
})

afterAll(async () => {
  await db?.destroy()
  await scratch?.drop()
})

describe('GeoJSON roads', () => {
  // SMALL_ROAD_NETWORK (test/helpers/roads.ts): a primary road west→east through (123.41, 41.78), a
  // residential street crossing it at that shared vertex, a secondary road one-way against its drawing.
  const good = SMALL_ROAD_NETWORK

  it('splits lines at shared vertices, takes the class default when no speed is given and keeps the driving direction', async () => {
    const before = await version()
    const report = await run(good, 'roads.geojson')
    expect(report).toMatchObject({ kind: 'roads', format: 'geojson', rows: 3, valid: 3, invalid: 0, stored: true, created: 3 })
    expect(report.note).toMatch(/5 edges between 6 junctions and road ends/)
    expect(await version()).toBe(before + 1)
    const stored = await edges()
    expect(stored).toHaveLength(5)
    const primary = stored.filter((e) => e.road_class === 'primary')
    expect(primary.map((e) => e.coords).sort((a, b) => a[0]![0] - b[0]![0])).toEqual([
      [
        [123.4, 41.78],
        [123.41, 41.78],
      ],
      [
        [123.41, 41.78],
        [123.42, 41.78],
      ],
    ])
    for (const e of primary) {
      expect(e.speed_kmh).toBeCloseTo(66, 4) // 60 km/h × 1.1
      expect(e.cost_s).toBeCloseTo(e.length_m / (66 / 3.6), 6)
      expect(e.reverse_cost_s).toBeCloseTo(e.cost_s, 6)
    }
    const residential = stored.filter((e) => e.road_class === 'residential')
    expect(residential).toHaveLength(2)
    for (const e of residential) expect(e.speed_kmh).toBeCloseTo(36, 4) // class default 30 × 1.2
    const [secondary] = stored.filter((e) => e.road_class === 'secondary')
    // One-way against the drawing: stored in driving order (west → east), backwards forbidden.
    expect(secondary!.coords).toEqual([
      [123.42, 41.78],
      [123.43, 41.78],
    ])
    expect(secondary!.oneway).toBe(true)
    expect(secondary!.reverse_cost_s).toBe(-1)
  })

  it('refuses a road without class or with a negative speed, naming the features (1-based), and stores nothing', async () => {
    const before = { version: await version(), edges: await edges() }
    const bad = roadCollection([
      roadFeature({ class: 'primary', maxspeed: 60 }, [
        [123.4, 41.8],
        [123.41, 41.8],
      ]),
      roadFeature({ maxspeed: 50 }, [
        [123.41, 41.8],
        [123.42, 41.8],
      ]),
      roadFeature({ class: 'tertiary', maxspeed: -30 }, [
        [123.42, 41.8],
        [123.43, 41.8],
      ]),
      roadFeature({ class: 'footpath' }, [
        [123.43, 41.8],
        [123.44, 41.8],
      ]),
    ])
    const report = await run(bad, 'roads.geojson')
    expect(report).toMatchObject({ rows: 4, valid: 1, invalid: 3, rejected: true, stored: false })
    expect(report.errors.map((e) => [e.row, e.column])).toEqual([
      [2, 'class'],
      [3, 'maxspeed'],
      [4, 'class'],
    ])
    expect(report.errors[0]!.reason).toMatch(/required/)
    expect(report.errors[1]!.reason).toMatch(/must be positive, got -30/)
    expect(report.errors[2]!.reason).toMatch(/unknown road class "footpath"/)
    expect(await version()).toBe(before.version)
    expect(await edges()).toEqual(before.edges)
  })
})

describe('OpenStreetMap PBF', () => {
  const nodes = [
    { id: 1, lon: 123.4, lat: 41.78 },
    { id: 2, lon: 123.41, lat: 41.78 },
    { id: 3, lon: 123.42, lat: 41.78 },
    { id: 4, lon: 123.41, lat: 41.77 },
    { id: 5, lon: 123.41, lat: 41.79 },
    { id: 6, lon: 123.43, lat: 41.78 },
  ]
  const ways: PbfWay[] = [
    { id: 100, refs: [1, 2, 3], tags: { highway: 'primary', maxspeed: '60', name: '测试路' } },
    { id: 101, refs: [4, 2, 5], tags: { highway: 'residential', maxspeed: 'CN:urban' } },
    { id: 102, refs: [3, 6], tags: { highway: 'secondary', oneway: '-1', maxspeed: '30 mph' } },
    { id: 103, refs: [5, 6], tags: { highway: 'footway' } },
    { id: 104, refs: [5, 998, 6], tags: { highway: 'tertiary' } }, // both parts one node long: left out
    { id: 105, refs: [4, 1, 999], tags: { highway: 'service' } }, // cut at the extract's border
  ]
  const file = osmPbf(nodes, ways)

  it('imports highway ways as edges split at shared nodes, with maxspeed parsed or the class default and oneway=-1 reversed', async () => {
    const before = await version()
    const report = await run(file, 'shenyang.osm.pbf')
    expect(report).toMatchObject({ format: 'osm-pbf', rows: 4, valid: 4, invalid: 0, stored: true })
    expect(report.note).toMatch(/1 ways reach beyond the extract/)
    expect(report.note).toMatch(/1 ways have fewer than two nodes inside the extract/)
    expect(await version()).toBe(before + 1)
    const stored = await edges()
    // way 100 and way 101 split at node 2; way 102 and 105 whole: the footway and way 104 are not roads here.
    expect(stored.map((e) => [e.osm_way_id, e.road_class]).sort()).toEqual([
      ['100', 'primary'],
      ['100', 'primary'],
      ['101', 'residential'],
      ['101', 'residential'],
      ['102', 'secondary'],
      ['105', 'service'],
    ])
    const by = (id: string) => stored.filter((e) => e.osm_way_id === id)
    expect(by('100')[0]!.name).toBe('测试路')
    expect(by('100')[0]!.speed_kmh).toBeCloseTo(66, 4)
    expect(by('101')[0]!.speed_kmh).toBeCloseTo(36, 4) // CN:urban is no number: class default 30 × 1.2
    const way102 = by('102')[0]!
    expect(way102.speed_kmh).toBeCloseTo(30 * 1.609344 * 1.1, 3)
    expect(way102.coords).toEqual([
      [123.43, 41.78],
      [123.42, 41.78],
    ]) // driven from node 6 to node 3
    expect(way102.reverse_cost_s).toBe(-1)
    expect(by('105')[0]!.coords).toEqual([
      [123.41, 41.77],
      [123.4, 41.78],
    ])
  })

  it('routes over the imported network in the driving direction only', async () => {
    const engine = createInProcessEngine(db)
    const [node3, node6] = await snapPoints(db, [
      { lon: 123.42, lat: 41.78 },
      { lon: 123.43, lat: 41.78 },
    ])
    const way102 = (await edges()).find((e) => e.osm_way_id === '102')!
    const [from6] = await engine.routesTo(node3!, [node6!], Infinity)
    expect(from6!.graphTimeS).toBeCloseTo(way102.cost_s, 3)
    const [from3] = await engine.routesTo(node6!, [node3!], Infinity)
    expect(from3).toBeNull()
  })

  it('refuses a file that is not PBF, a truncated one, and PBF for another kind, storing nothing', async () => {
    const before = { version: await version(), edges: (await edges()).length }
    const refused = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => null,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(AppError)
      return err as AppError
    }
    const json = await refused(run(roadCollection([]), 'roads.osm.pbf'))
    expect(json).toMatchObject({ statusCode: 400, code: 'invalid_file' })
    expect(json.message).toMatch(/not an OpenStreetMap PBF file: it is JSON/)
    const xml = await refused(run(Buffer.from('<?xml version="1.0"?><osm version="0.6"></osm>'), 'roads.pbf'))
    expect(xml.message).toMatch(/not an OpenStreetMap PBF file: it is XML/)
    const truncated = await refused(run(file.subarray(0, file.length - 20), 'roads.osm.pbf'))
    expect(truncated.message).toMatch(/not a readable OpenStreetMap PBF file/)
    const wrongKind = await refused(run(file, 'roads.osm.pbf', { kind: 'resources' }))
    expect(wrongKind.message).toMatch(/import it as kind roads/)
    expect(await version()).toBe(before.version)
    expect((await edges()).length).toBe(before.edges)
  })
})

describe('class speeds (ROAD_CLASS_SPEEDS)', () => {
  it('recomputes the travel times of the class changed and bumps the network version; applying the same again changes nothing', async () => {
    const before = await version()
    expect(await applyClassSpeeds(db, { residential: { defaultSpeedKmh: 20 } })).toEqual(['residential'])
    expect(await version()).toBe(before + 1)
    for (const e of (await edges()).filter((x) => x.road_class === 'residential')) {
      expect(e.speed_kmh).toBeCloseTo(24, 4) // 20 km/h × 1.2
      expect(e.cost_s).toBeCloseTo(e.length_m / (24 / 3.6), 6)
    }
    const primary = (await edges()).find((x) => x.road_class === 'primary')!
    expect(primary.speed_kmh).toBeCloseTo(66, 4) // its own limit: unchanged
    expect(await applyClassSpeeds(db, { residential: { defaultSpeedKmh: 20 } })).toEqual([])
    expect(await version()).toBe(before + 1)
    // Without the setting the defaults come back.
    expect(await applyClassSpeeds(db, {})).toEqual(['residential'])
    for (const e of (await edges()).filter((x) => x.road_class === 'residential')) expect(e.speed_kmh).toBeCloseTo(36, 4)
  })
})
