// `npm run bench -- scenario [--database-url URL] [--scenarios N] [--skip-full]`: what-if scenarios
// of 10 changes each (docs/scenarios.md) computed against the province-sized set, against a full
// regrade of the same set. Each scenario rectifies open major hidden danger(s), removes, reduces and
// relocates major hazard installations, changes a public-area assessment, adds a rescue team and
// moves one — records picked at random (a different draw per scenario), so no two runs read the
// same cells. Without --database-url it uses riskmap_bench_province on the local server, loaded
// with scale 60 and graded if empty. --skip-full leaves the full regrade out (full_regrade_s null).
// --quick: a scratch database with the small demo set and 5 scenarios, dropped afterwards.
import { parseArgs } from 'node:util'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { parseScenarioChanges } from '../../server/domain/scenario'
import { CAPABILITIES } from '../../server/domain/resources'
import { fullRegrade, type GradingOptions } from '../../server/grading/engine'
import { isDatabaseEmpty, loadDemo } from '../../server/demo/load'
import { computeScenario } from '../../server/modules/scenarios/service'
import { median, quickDatabase } from '../lib/bench'
import { localBenchDatabase } from '../lib/database'

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    scenarios: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'skip-full': { type: 'boolean', default: false },
  },
})
const quick = values.quick ? await quickDatabase('scenario') : null
const url = quick?.url ?? values['database-url'] ?? process.env.DATABASE_URL ?? (await localBenchDatabase())
const count = Number(values.scenarios ?? (quick ? 5 : 20))
const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
await migrateLatest(db)
if (await isDatabaseEmpty(db)) {
  console.error('loading the province-sized demo set (scale 60) …')
  await loadDemo(db, { scale: 60 })
}
const options: GradingOptions = { res: 8, rules: DEFAULT_RULES }
const graded = await db('cell').first('id')
let fullS: number | null = null
if (!values['skip-full'] || !graded) {
  console.error('full regrade …')
  fullS = (await fullRegrade(db, options)).seconds
}

/** `n` ids of a table drawn at random (salted by the scenario's number), with an optional condition. */
async function draw(table: string, n: number, salt: number, where = 'true'): Promise<Array<{ id: number; level: number | null; lon: number; lat: number }>> {
  const { rows } = await db.raw<{ rows: Array<{ id: string; level: number | null; lon: number; lat: number }> }>(
    `SELECT id, ${table === 'major_hazard' || table === 'area_assessment' ? 'level' : 'NULL::int AS level'},
            ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat
     FROM ${table} WHERE ${where} ORDER BY md5(id::text || ?) LIMIT ?`,
    [String(salt), n],
  )
  return rows.map((r) => ({ id: Number(r.id), level: r.level, lon: Number(r.lon), lat: Number(r.lat) }))
}

/** Ten changes: the kinds a planner tries, on records drawn with `salt`; short draws are filled with added hidden dangers. */
async function tenChanges(salt: number): Promise<unknown[]> {
  const changes: unknown[] = []
  for (const d of await draw('hidden_danger', 3, salt, "is_major AND status <> 'verified'"))
    changes.push({ kind: 'rectify_hidden_danger', hiddenDangerId: d.id })
  const hazards = await draw('major_hazard', 3, salt)
  if (hazards[0]) changes.push({ kind: 'remove_installation', majorHazardId: hazards[0].id })
  if (hazards[1]) changes.push({ kind: 'reduce_installation', majorHazardId: hazards[1].id, level: Math.max(1, (hazards[1].level ?? 1) - 1) })
  // ≈ 500 m east: a relocation within the same district
  if (hazards[2]) changes.push({ kind: 'relocate_installation', majorHazardId: hazards[2].id, lon: hazards[2].lon + 0.006, lat: hazards[2].lat })
  const [area] = await draw('area_assessment', 1, salt)
  if (area) changes.push({ kind: 'change_area_assessment', areaAssessmentId: area.id, level: area.level === 1 ? 2 : 1 })
  const [red] = await db
    .raw<{ rows: Array<{ lon: number; lat: number }> }>(
      'SELECT ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM cell WHERE res = ? AND level = 4 ORDER BY md5(h3 || ?) LIMIT 1',
      [options.res, String(salt)],
    )
    .then((r) => r.rows)
  if (red)
    changes.push({
      kind: 'add_resource',
      resourceKind: 'rescue_team',
      name: 'bench',
      capabilities: ['hazmat', 'fire'],
      lon: Number(red.lon),
      lat: Number(red.lat),
    })
  // a team whose moved position stays inside the deployment (a move outside it is refused)
  const [team] = await draw(
    'resource',
    1,
    salt,
    "kind = 'rescue_team' AND EXISTS (SELECT 1 FROM division d WHERE ST_Contains(d.geom, ST_Translate(resource.geom, 0.01, 0)))",
  )
  if (team) changes.push({ kind: 'move_resource', resourceId: team.id, lon: team.lon + 0.01, lat: team.lat })
  const fill = await draw('enterprise', 10, salt)
  for (const e of fill) if (changes.length < 10) changes.push({ kind: 'add_hidden_danger', enterpriseId: e.id })
  return changes.slice(0, 10)
}

const scope = { divisionPrefix: null, mgmtGridId: null, contacts: true, all: true }
const coverage = { thresholdM: 5000, minLevel: 3, capability: null }
const times: number[] = []
const changed: number[] = []
const affected: number[] = []
for (let i = 0; i < count; i++) {
  const changes = parseScenarioChanges(await tenChanges(i), CAPABILITIES)
  const started = performance.now()
  const result = await computeScenario(db, changes, coverage, scope, options)
  times.push(performance.now() - started)
  changed.push(result.summary.cellsChanged)
  affected.push(result.summary.affectedCells)
  console.error(
    `scenario ${i + 1}/${count}: ${Math.round(times[times.length - 1]!)} ms ${JSON.stringify(result.stepsMs)}, ${result.summary.cellsChanged} cells change level`,
  )
}
const sorted = [...times].sort((a, b) => a - b)
console.log(
  JSON.stringify({
    case: 'scenario',
    scenario_p50_ms: Math.round(median(times)),
    scenario_max_ms: Math.round(sorted[sorted.length - 1]!),
    changed_cells: median(changed),
    affected_cells: median(affected),
    full_regrade_s: fullS === null ? null : Math.round(fullS * 10) / 10,
    changes_per_scenario: 10,
    scenarios: count,
    ...(quick ? { quick: true } : {}),
  }),
)
await db.destroy()
await quick?.drop()
