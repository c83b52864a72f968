/**
 * Computing a what-if scenario (docs/scenarios.md): which cells and regions its changes would move,
 * and how emergency coverage would change. Everything runs in one read-only transaction at
 * REPEATABLE READ, so the answer is one consistent picture of today's data and nothing can be written.
 */
import type { Knex } from 'knex'
import { cellToLatLng } from 'h3-js'
import { geodesicDistanceM } from '../../domain/geo'
import type { Level } from '../../domain/levels'
import type { RuleSet } from '../../domain/rules'
import type { ScenarioChange } from '../../domain/scenario'
import { simulateCells, simulateRegions, type CellChange, type EnterpriseChange, type RegionChange } from '../../grading/scenario'
import type { ReadScope } from '../auth/access'
import { nearestResponders, RESPONSE_MEASURE } from '../resources'
import { scenarioRanking, type ScenarioRanking } from '../ranking'
import { backlogMoves, currentDataVersion, resolveReferences, type CoverageOptions, type Reference, type ScenarioResource } from './repository'

/** A share of area (0–1) that moved by less than this is the same share (as in the publication diff). */
const SHARE_TOLERANCE = 0.0005

export interface CoverageChange {
  resourceKind: 'rescue_team' | 'depot'
  capability: string | null
  thresholdM: number
  minLevel: number
  measure: string
  /** Cells checked: risk cells (≥ minLevel before or after) that changed level or lie near a moved resource. */
  cellsChecked: number
  gapsBefore: number
  gapsAfter: number
  /** Cells that would gain a resource within reach (or drop below minLevel). */
  closed: string[]
  /** Cells that would lose their resource within reach (or rise to minLevel without one). */
  opened: string[]
}

export interface ScenarioResult {
  dataVersion: number
  computedAt: string
  ruleVersion: string
  resolution: number
  ms: number
  /** Milliseconds per step: references, cells, regions, coverage. */
  stepsMs: Record<string, number>
  summary: {
    affectedCells: number
    cellsChanged: number
    cellsRaised: number
    cellsLowered: number
    staleOnly: number
    regionsChanged: number
    regionsRaised: number
    regionsLowered: number
    regionsReshared: number
    enterprisesChanged: number
    gapsClosed: number
    gapsOpened: number
  }
  cells: CellChange[]
  regions: Array<RegionChange & { change: 'raised' | 'lowered' | 'shares' }>
  enterprises: EnterpriseChange[]
  coverage: CoverageChange[]
  /** How the county ranking of safety-project priority (docs/ranking.md, default weights) would move. */
  ranking: ScenarioRanking
}

const change = (before: number, after: number) => (after > before ? ('raised' as const) : after < before ? ('lowered' as const) : ('shares' as const))

function sharesMoved(a: Record<string, number>, b: Record<string, number>): boolean {
  return ['0', '1', '2', '3', '4'].some((k) => Math.abs((a[k] ?? 0) - (b[k] ?? 0)) > SHARE_TOLERANCE)
}

/** Resources of a kind as the scenario leaves them: the ones it moves or withdraws, and where they would be. */
function resourceChanges(changes: ScenarioChange[], refs: Reference[], kind: 'rescue_team' | 'depot') {
  const touched: ScenarioResource[] = []
  const placed: Array<{ lon: number; lat: number; capabilities: string[]; available: boolean }> = []
  const moved = new Map<number, { lon: number; lat: number } | null>()
  changes.forEach((c, i) => {
    const r = refs[i]!.resource
    if (c.kind === 'add_resource' && c.resourceKind === kind) placed.push({ lon: c.lon, lat: c.lat, capabilities: c.capabilities, available: true })
    if ((c.kind === 'move_resource' || c.kind === 'remove_resource') && r && r.kind === kind) {
      touched.push(r)
      moved.set(r.id, c.kind === 'move_resource' ? { lon: c.lon, lat: c.lat } : null)
    }
  })
  for (const r of new Map(touched.map((t) => [t.id, t])).values()) {
    const to = moved.get(r.id)
    if (to) placed.push({ ...to, capabilities: r.capabilities, available: r.status === 'available' })
  }
  return { touched: [...new Map(touched.map((t) => [t.id, t])).values()], placed }
}

async function coverageChange(
  trx: Knex.Transaction,
  res: number,
  kind: 'rescue_team' | 'depot',
  options: CoverageOptions,
  changes: ScenarioChange[],
  refs: Reference[],
  levels: { changed: CellChange[] },
): Promise<CoverageChange> {
  const capability = kind === 'rescue_team' ? options.capability : null
  const { touched, placed } = resourceChanges(changes, refs, kind)
  const candidates = new Map<string, { before: Level; after: Level }>()
  for (const c of levels.changed) if (c.before >= options.minLevel || c.after >= options.minLevel) candidates.set(c.h3, { before: c.before, after: c.after })
  const spots = [...touched.map((t) => ({ lon: t.lon, lat: t.lat })), ...placed.map((p) => ({ lon: p.lon, lat: p.lat }))]
  if (spots.length > 0) {
    // Risk cells near an old or new position: their nearest resource may change.
    const { rows } = await trx.raw<{ rows: Array<{ h3: string; level: Level }> }>(
      `SELECT DISTINCT c.h3, c.level FROM cell c, jsonb_to_recordset(?::jsonb) AS p(lon float8, lat float8)
       WHERE c.res = ? AND c.level >= ?
         -- a box in degrees around the point first (index), wide enough for the distance at 70° latitude
         AND c.geom && ST_Expand(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), ? / 111000.0 * 3)
         AND ST_DWithin(c.geom::geography, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)::geography, ?)`,
      [JSON.stringify(spots), res, options.minLevel, options.thresholdM, options.thresholdM],
    )
    const after = new Map(levels.changed.map((c) => [c.h3, c.after]))
    for (const r of rows) if (!candidates.has(r.h3)) candidates.set(r.h3, { before: r.level, after: after.get(r.h3) ?? r.level })
  }
  const h3s = [...candidates.keys()].sort()
  const centres = h3s.map((h) => {
    const [lat, lon] = cellToLatLng(h)
    return { lon, lat }
  })
  // Only "is one within the threshold" matters: bounding the search by it keeps each lookup to the
  // index entries of a threshold-sized box, where an unbounded nearest walks far out for gap cells.
  const filter = { kind, ...(capability ? { capability: capability as never } : {}), status: 'available' as const, maxDistanceM: options.thresholdM }
  const before = await nearestResponders(trx, centres, filter)
  const excluded = touched.map((t) => t.id)
  const existingAfter = excluded.length > 0 ? await nearestResponders(trx, centres, { ...filter, excludeIds: excluded }) : before
  const usable = placed.filter((p) => p.available && (!capability || p.capabilities.includes(capability)))
  const closed: string[] = []
  const opened: string[] = []
  let gapsBefore = 0
  let gapsAfter = 0
  h3s.forEach((h3, i) => {
    const { before: lb, after: la } = candidates.get(h3)!
    const c = centres[i]!
    let distAfter = existingAfter[i]?.distanceM ?? Infinity
    for (const p of usable) distAfter = Math.min(distAfter, geodesicDistanceM(c.lon, c.lat, p.lon, p.lat))
    const gapB = lb >= options.minLevel && (before[i]?.distanceM ?? Infinity) > options.thresholdM
    const gapA = la >= options.minLevel && distAfter > options.thresholdM
    if (gapB) gapsBefore++
    if (gapA) gapsAfter++
    if (gapB && !gapA) closed.push(h3)
    if (!gapB && gapA) opened.push(h3)
  })
  return {
    resourceKind: kind,
    capability,
    thresholdM: options.thresholdM,
    minLevel: options.minLevel,
    measure: RESPONSE_MEASURE.id,
    cellsChecked: h3s.length,
    gapsBefore,
    gapsAfter,
    closed,
    opened,
  }
}

/**
 * Computes a scenario against today's data: checks the records its changes name (400/403 naming
 * `changes[i].<field>`), regrades the affected cells in memory, grades the regions they lie in, and
 * measures coverage for rescue teams (and depots, when the scenario moves one).
 */
export async function computeScenario(
  db: Knex,
  changes: ScenarioChange[],
  coverage: CoverageOptions,
  scope: ReadScope,
  grading: { res: number; rules: RuleSet },
): Promise<ScenarioResult> {
  const started = performance.now()
  const trx = await db.transaction()
  try {
    const stepsMs: Record<string, number> = {}
    let mark = performance.now()
    const step = (name: string) => {
      const now = performance.now()
      stepsMs[name] = Math.round(now - mark)
      mark = now
    }
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY')
    const refs = await resolveReferences(trx, changes, scope)
    const dataVersion = await currentDataVersion(trx)
    step('references')
    const simulated = await simulateCells(
      trx,
      changes.map((c, i) => ({ change: c, ...refs[i]! })),
      grading,
    )
    step('cells')
    const touchedRegions = await simulateRegions(trx, grading.res, simulated.cells, grading.rules)
    const regions = touchedRegions
      .filter((r) => r.before !== r.after || sharesMoved(r.sharesBefore, r.sharesAfter))
      .map((r) => ({ ...r, change: change(r.before, r.after) }))
    step('regions')
    const levelChanged = simulated.cells.filter((c) => c.before !== c.after)
    const kinds: Array<'rescue_team' | 'depot'> = ['rescue_team']
    if (changes.some((c) => c.kind === 'add_resource' && c.resourceKind === 'depot') || refs.some((r) => r.resource?.kind === 'depot')) kinds.push('depot')
    const coverageChanges: CoverageChange[] = []
    for (const kind of kinds) coverageChanges.push(await coverageChange(trx, grading.res, kind, coverage, changes, refs, { changed: levelChanged }))
    step('coverage')
    const teams = resourceChanges(changes, refs, 'rescue_team')
    const ranking = await scenarioRanking(
      trx,
      { level: 'region', rank: 'county', weights: grading.rules.ranking.weights, scope, res: grading.res, rules: grading.rules },
      {
        cells: new Map(
          [...simulated.before.keys(), ...simulated.after.keys()].map((h3) => {
            const after = simulated.after.get(h3)
            return [h3, { level: after?.level ?? 0, score: after?.score ?? 0 }]
          }),
        ),
        regions: new Map(touchedRegions.map((r) => [`${r.kind}:${r.key}`, { level: r.after, highest: r.highestAfter }])),
        backlog: await backlogMoves(trx, changes),
        teams: { excludeIds: teams.touched.map((t) => t.id), placed: teams.placed },
      },
      dataVersion,
    )
    step('ranking')
    const regionLevels = regions.filter((r) => r.change !== 'shares')
    const teamCoverage = coverageChanges[0]!
    return {
      dataVersion,
      computedAt: new Date().toISOString(),
      ruleVersion: grading.rules.version,
      resolution: grading.res,
      ms: Math.round(performance.now() - started),
      stepsMs,
      summary: {
        affectedCells: simulated.affectedCells,
        cellsChanged: levelChanged.length,
        cellsRaised: levelChanged.filter((c) => c.after > c.before).length,
        cellsLowered: levelChanged.filter((c) => c.after < c.before).length,
        staleOnly: simulated.cells.length - levelChanged.length,
        regionsChanged: regionLevels.length,
        regionsRaised: regionLevels.filter((r) => r.change === 'raised').length,
        regionsLowered: regionLevels.filter((r) => r.change === 'lowered').length,
        regionsReshared: regions.length - regionLevels.length,
        enterprisesChanged: simulated.enterprises.length,
        gapsClosed: teamCoverage.closed.length,
        gapsOpened: teamCoverage.opened.length,
      },
      cells: simulated.cells,
      regions,
      enterprises: simulated.enterprises,
      coverage: coverageChanges,
      ranking,
    }
  } finally {
    await trx.rollback().catch(() => undefined)
  }
}
