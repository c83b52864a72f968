/**
 * Synthetic demo data over the real layout of Shenyang (docs/domain.md §11). Division codes, names and
 * centres are real (data/shenyang.json); every boundary, enterprise, record and person is generated
 * from a seed, flagged `synthetic` where the schema has the column and labelled （示例） in names.
 * An enterprise's `division_code` is the 9-digit (synthetic) township that contains its point.
 *
 * Geometry is built on a hexagonal lattice (edge HEX_SIZE_KM) in a local equirectangular plane:
 * every division, township and management grid is a union of lattice cells, traced into rings
 * whose shared vertices are bit-identical. Three hexagons meet at every vertex, so a region's
 * boundary never touches itself: the polygons are valid, siblings never overlap and they exactly
 * cover their parent.
 *
 * This file is the orchestrator; the generators live in ./generate/, one per thing they build:
 * rows.ts (the row types), lattice.ts and layout.ts (the hexagonal lattice and the synthetic
 * Shenyang layout), dates.ts, people.ts, places.ts (where things are), context.ts (ids, scale),
 * divisions.ts, supervision.ts (departments, inspectors, plans), assessments.ts, areas.ts,
 * resources.ts, enterprises.ts (enterprises, installations, risks) and enforcement.ts
 * (inspections, findings, penalties, credit).
 */
import { Random } from '../domain/random'
import { areaAssessmentRows } from './generate/areas'
import { CHUNK_TABLES, ENTERPRISE_CHUNK, SCALE_ANCHORS, perEnterpriseFactor, scaledCount, type Context } from './generate/context'
import { dayOf } from './generate/dates'
import { divisionRows, gridRows } from './generate/divisions'
import { generateChunk } from './generate/enterprises'
import { buildLayout } from './generate/layout'
import { CellSampler, PROFILES, profileWeight, type ProfileName } from './generate/places'
import { resourceRows } from './generate/resources'
import { DEMO_TABLES, type DemoBatch, type DemoOptions, type DemoTable, type DemoTables } from './generate/rows'
import { departmentRows, inspectorRows, planRows } from './generate/supervision'

export * from './generate/rows'

/**
 * Generates the whole demo set in memory. For large scales prefer `generateDemoBatches`, which
 * holds one chunk of enterprises (and their records) at a time.
 */
export function generateDemo(options: DemoOptions = {}): DemoTables {
  const tables = Object.fromEntries(DEMO_TABLES.map((t) => [t, [] as unknown[]])) as Record<DemoTable, unknown[]>
  for (const batch of generateDemoBatches(options)) {
    const target = tables[batch.table]
    for (const row of batch.rows) target.push(row)
  }
  return tables as unknown as DemoTables
}

/**
 * Generates the demo set as a stream of batches, in an order that satisfies every foreign key:
 * divisions, grids, departments, inspectors, plans, area assessments, resources, then enterprises
 * in chunks of 2 000, each chunk followed by its own records. Memory stays at one chunk.
 */
export function* generateDemoBatches(options: DemoOptions = {}): Generator<DemoBatch> {
  const seed = options.seed ?? 'riskmap-demo'
  const scale = options.scale ?? 1
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`)
  const today = dayOf(options.today ?? new Date())
  const layout = buildLayout()
  const profile = (name: ProfileName) => new CellSampler(layout.cityCells, (c) => profileWeight(PROFILES[name], layout.lattice.x[c]!, layout.lattice.y[c]!))
  const urbanWeight = new Float64Array(layout.lattice.size)
  for (const c of layout.cityCells) urbanWeight[c] = profileWeight(PROFILES.urban, layout.lattice.x[c]!, layout.lattice.y[c]!)
  const ctx: Context = {
    seed,
    scale,
    today,
    layout,
    samplers: {
      urban: profile('urban'),
      industrial: profile('industrial'),
      chemical: profile('chemical'),
      mining: profile('mining'),
      logistics: profile('logistics'),
      rural: profile('rural'),
    },
    urbanWeight,
    departments: new Map(),
    roster: new Map(),
    plans: new Map(),
    nextId: {},
    decisionCounters: new Map(),
    orgCodeOffset: Random.derive(seed, 'org-code').int(0, 99_999_999),
    majorHazardFactor: perEnterpriseFactor(SCALE_ANCHORS.majorHazard, scale),
    enforcementFactor: perEnterpriseFactor(SCALE_ANCHORS.enforcement, scale),
  }

  yield { table: 'division', rows: divisionRows(layout) }
  yield { table: 'mgmt_grid', rows: gridRows(layout) }
  yield { table: 'department', rows: departmentRows(ctx) }
  yield { table: 'inspector', rows: inspectorRows(ctx, Random.derive(seed, 'inspectors')) }
  yield { table: 'inspection_plan', rows: planRows(ctx) }
  yield { table: 'area_assessment', rows: areaAssessmentRows(ctx, Random.derive(seed, 'areas')) }
  yield { table: 'resource', rows: resourceRows(ctx, Random.derive(seed, 'resources')) }

  const total = scaledCount(SCALE_ANCHORS.enterprise, scale)
  for (let first = 0, chunk = 0; first < total; first += ENTERPRISE_CHUNK, chunk++) {
    const rows = generateChunk(ctx, Random.derive(seed, `enterprises/${chunk}`), Math.min(ENTERPRISE_CHUNK, total - first))
    for (const table of CHUNK_TABLES) {
      if (rows[table].length > 0) yield { table, rows: rows[table] } as DemoBatch
    }
  }
}
