/**
 * The priority ranking of areas for safety projects (docs/ranking.md): measures each area's inputs
 * (repository.ts, the response measure of the resources module) and scores them with the pure
 * `priorityScore` of server/domain/ranking.ts.
 */
import type { Knex } from 'knex'
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js'
import { invalid } from '../../errors'
import { MAX_RANKED_AREAS } from '../../http/bounds'
import { geodesicDistanceM } from '../../domain/geo'
import type { Level } from '../../domain/levels'
import { priorityScore, rankAreas, type PriorityInputs, type PriorityPartResult } from '../../domain/ranking'
import type { PriorityPart, RuleSet } from '../../domain/rules'
import type { Capability } from '../../domain/resources'
import type { ReadScope } from '../auth/access'
import { nearestResponders, RESPONSE_MEASURE } from '../resources'
import {
  countGradedCells,
  gradedCells,
  pointFigures,
  regionCells,
  regionOutlines,
  regionsContaining,
  regionsToRank,
  type PointFigures,
  type RankedRegionRow,
  type RegionCellRow,
  type RegionOutline,
  type RegionRank,
} from './repository'

export interface RankingQuery {
  level: 'region' | 'cell'
  /** Regions only: which regions are ranked. */
  rank: RegionRank
  /** Limit to a division (its code as a prefix of the areas' division codes). */
  regionCode?: string
  weights: Record<PriorityPart, number>
  scope: ReadScope
  res: number
  rules: RuleSet
}

export interface RankedArea {
  rank: number
  key: string
  kind: 'division' | 'mgmt_grid' | 'cell'
  /** Division code, grid code or H3 index: what the map's `sel=` deep link takes. */
  code: string
  name: string | null
  /** Division rank (county, township), 'grid' or 'cell'. */
  areaRank: string
  level: Level
  highestLevel: Level
  stale: boolean
  score: number
  inputs: PriorityInputs
  parts: PriorityPartResult[]
}

/** The division-code prefix of a code: a city's 6-digit code ends in 00 and covers 4 digits (210100 → 2101). */
export function divisionPrefix(code: string): string {
  return code.length === 6 && code.endsWith('00') ? code.slice(0, code.endsWith('0000') ? 2 : 4) : code
}

interface CoverageCell {
  h3: string
  level: number
}

/** A risk cell's nearest capable available team: its id (a scenario's new team: -1) and distance; null when there is none within the cap. */
type Nearest = { id: number; distanceM: number } | null

function centre(h3: string): { lon: number; lat: number } {
  const [lat, lon] = cellToLatLng(h3)
  return { lon, lat }
}

/** For each risk cell (level ≥ coverage.minLevel), its nearest capable available team, leaving out `excludeIds`. */
async function responseDistances(db: Knex, cells: readonly CoverageCell[], rules: RuleSet, excludeIds: readonly number[] = []): Promise<Map<string, Nearest>> {
  const risk = [...new Set(cells.filter((c) => c.level >= rules.ranking.coverage.minLevel).map((c) => c.h3))]
  // Scores read a distance only up to the cap (and the gap test up to the threshold): a team farther
  // away counts as none (cellCoverage), so the search stops there instead of walking the whole
  // index for the cells no capable team is near.
  const teams = await nearestResponders(db, risk.map(centre), {
    kind: 'rescue_team',
    capability: rules.ranking.coverage.capability as Capability,
    status: 'available',
    ...(excludeIds.length > 0 ? { excludeIds } : {}),
    maxDistanceM: Math.max(rules.ranking.full.responseM, rules.ranking.coverage.thresholdM),
  })
  return new Map(risk.map((h3, i) => [h3, teams[i] ? { id: teams[i].id, distanceM: teams[i].distanceM } : null]))
}

/** A risk cell's coverage figures: whether it is a gap, and its capped response distance, metres. */
function cellCoverage(distance: number | null | undefined, rules: RuleSet): { gap: number; responseM: number } {
  const { thresholdM } = rules.ranking.coverage
  const cap = rules.ranking.full.responseM
  return { gap: distance == null || distance > thresholdM ? 1 : 0, responseM: Math.min(distance ?? cap, cap) }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

/** Every area of the query, scored and ranked (highest priority first). */
export async function rankAreasFor(db: Knex, q: RankingQuery): Promise<{ areas: RankedArea[]; measure: typeof RESPONSE_MEASURE }> {
  const prefixes = [...(q.regionCode ? [divisionPrefix(q.regionCode)] : []), ...(q.scope.divisionPrefix ? [q.scope.divisionPrefix] : [])]
  const scored: Array<Omit<RankedArea, 'rank'>> = []
  if (q.level === 'cell') {
    const count = await countGradedCells(db, q.res, prefixes)
    if (count > MAX_RANKED_AREAS)
      throw invalid(
        'regionCode',
        `${count} graded cells lie in the area asked for, more than the ${MAX_RANKED_AREAS} one ranking may score; choose a smaller region`,
      )
    const cells = await gradedCells(db, q.res, prefixes)
    const distances = await responseDistances(db, cells, q.rules)
    const figures = new Map<string, { population: number; overdue: number; openHiddenDangers: number }>()
    for (const p of await pointFigures(db, q.scope, null)) {
      const h3 = latLngToCell(p.lat, p.lon, q.res)
      const f = figures.get(h3) ?? { population: 0, overdue: 0, openHiddenDangers: 0 }
      f.population += p.population
      f.overdue += p.overdue
      f.openHiddenDangers += p.openHiddenDangers
      figures.set(h3, f)
    }
    for (const c of cells) {
      const isRisk = c.level >= q.rules.ranking.coverage.minLevel
      const coverage = isRisk ? cellCoverage(distances.get(c.h3)?.distanceM, q.rules) : null
      const f = figures.get(c.h3) ?? { population: 0, overdue: 0, openHiddenDangers: 0 }
      const inputs: PriorityInputs = {
        level: c.level as Level,
        riskScore: round(c.score, 2),
        population: f.population,
        gapShare: coverage?.gap ?? 0,
        responseM: coverage ? round(coverage.responseM, 0) : null,
        overdue: f.overdue,
        openHiddenDangers: f.openHiddenDangers,
      }
      const result = priorityScore(inputs, q.rules, q.weights)
      scored.push({
        key: c.h3,
        kind: 'cell',
        code: c.h3,
        name: null,
        areaRank: 'cell',
        level: c.level as Level,
        highestLevel: c.level as Level,
        stale: c.stale,
        score: result.score,
        inputs,
        parts: result.parts,
      })
    }
  } else {
    scored.push(...scoreRegions(await measureRegions(db, q, prefixes), q))
  }
  return { areas: rankAreas(scored), measure: RESPONSE_MEASURE }
}

/** What a ranking of regions reads from the database, before scoring: measured once, scored as today or under a scenario. */
export interface RegionMeasure {
  regions: RankedRegionRow[]
  /** The regions' graded cells (level > 0), with their area inside each region. */
  cells: RegionCellRow[]
  /** Each risk cell's nearest capable team. */
  distances: Map<string, Nearest>
  /** Residents and backlog per region key. */
  figures: Map<string, PointFigures>
}

async function measureRegions(db: Knex, q: RankingQuery, prefixes: readonly string[]): Promise<RegionMeasure> {
  const regions = await regionsToRank(db, q.rank, prefixes)
  if (regions.length > MAX_RANKED_AREAS)
    throw invalid('regionCode', `${regions.length} regions to rank, more than the ${MAX_RANKED_AREAS} one ranking may score; choose a smaller region`)
  const kind = q.rank === 'grid' ? 'mgmt_grid' : 'division'
  const keys = regions.map((r) => r.key)
  const cells = await regionCells(db, q.res, kind, keys)
  const distances = await responseDistances(db, cells, q.rules)
  const figures = new Map((await pointFigures(db, q.scope, { kind, keys })).map((f) => [f.key!, f]))
  return { regions, cells, distances, figures }
}

function scoreRegions(m: RegionMeasure, q: RankingQuery): Array<Omit<RankedArea, 'rank'>> {
  const byRegion = new Map<string, { area: number; scoreArea: number; riskArea: number; gapArea: number; responseArea: number }>()
  for (const c of m.cells) {
    const acc = byRegion.get(c.key) ?? { area: 0, scoreArea: 0, riskArea: 0, gapArea: 0, responseArea: 0 }
    acc.area += c.areaM2
    acc.scoreArea += c.score * c.areaM2
    if (c.level >= q.rules.ranking.coverage.minLevel) {
      const coverage = cellCoverage(m.distances.get(c.h3)?.distanceM, q.rules)
      acc.riskArea += c.areaM2
      acc.gapArea += coverage.gap * c.areaM2
      acc.responseArea += coverage.responseM * c.areaM2
    }
    byRegion.set(c.key, acc)
  }
  return m.regions.map((r) => {
    const acc = byRegion.get(r.key)
    const f = m.figures.get(r.key)
    const inputs: PriorityInputs = {
      level: r.level as Level,
      riskScore: acc && acc.area > 0 ? round(acc.scoreArea / acc.area, 2) : 0,
      population: f?.population ?? 0,
      gapShare: acc && acc.riskArea > 0 ? round(Math.min(1, acc.gapArea / acc.riskArea), 4) : 0,
      responseM: acc && acc.riskArea > 0 ? round(acc.responseArea / acc.riskArea, 0) : null,
      overdue: f?.overdue ?? 0,
      openHiddenDangers: f?.openHiddenDangers ?? 0,
    }
    const result = priorityScore(inputs, q.rules, q.weights)
    return {
      key: r.key,
      kind: r.kind,
      code: r.code,
      name: r.name,
      areaRank: r.rank,
      level: r.level as Level,
      highestLevel: r.highestLevel as Level,
      stale: r.stale,
      score: result.score,
      inputs,
      parts: result.parts,
    }
  })
}

/**
 * A scenario's changes as the ranking sees them (modules/scenarios): today's data with these
 * replaced. Cells a scenario newly grades that have no stored cell yet are not in a region's
 * mean risk score (their region's level, from the scenario's region grading, still moves).
 */
export interface RankingOverlay {
  /** Affected cells after the scenario: level (0: no longer graded) and score. */
  cells: ReadonlyMap<string, { level: number; score: number }>
  /** `kind:key` of a region → its level and highest cell level after the scenario. */
  regions: ReadonlyMap<string, { level: Level; highest: Level }>
  /** Backlog the scenario moves, at the enterprise's location: -1 per rectified hidden danger, +1 per added one. */
  backlog: ReadonlyArray<{ lon: number; lat: number; openHiddenDangers: number; overdue: number }>
  /** Rescue teams the scenario withdraws or moves away, and the teams it places (added or moved to). */
  teams: { excludeIds: readonly number[]; placed: ReadonlyArray<{ lon: number; lat: number; capabilities: readonly string[]; available: boolean }> }
}

/** The measure of a region ranking with a scenario's overlay applied (a few more reads: the cells whose nearest team changes, the regions of the backlog). */
async function overlaid(db: Knex, m: RegionMeasure, o: RankingOverlay, q: RankingQuery): Promise<RegionMeasure> {
  const regions = m.regions.map((r) => {
    const after = o.regions.get(`${r.kind}:${r.key}`)
    return after ? { ...r, level: after.level, highestLevel: after.highest } : r
  })
  const cells = m.cells
    .map((c) => {
      const after = o.cells.get(c.h3)
      return after ? { ...c, level: after.level, score: after.score } : c
    })
    .filter((c) => c.level > 0)
  const distances = new Map(m.distances)
  const excluded = new Set(o.teams.excludeIds)
  const again = cells.filter((c) => c.level >= q.rules.ranking.coverage.minLevel && (!distances.has(c.h3) || excluded.has(distances.get(c.h3)?.id ?? 0)))
  for (const [h3, nearest] of await responseDistances(db, again, q.rules, o.teams.excludeIds)) distances.set(h3, nearest)
  const usable = o.teams.placed.filter((t) => t.available && t.capabilities.includes(q.rules.ranking.coverage.capability))
  if (usable.length > 0) {
    for (const [h3, nearest] of distances) {
      const c = centre(h3)
      for (const t of usable) {
        const d = Math.round(geodesicDistanceM(c.lon, c.lat, t.lon, t.lat) * 100) / 100
        if (nearest === null || d < nearest.distanceM) distances.set(h3, { id: -1, distanceM: d })
      }
    }
  }
  const figures = new Map([...m.figures].map(([k, f]) => [k, { ...f }]))
  const kind = q.rank === 'grid' ? 'mgmt_grid' : 'division'
  const homes = await regionsContaining(
    db,
    kind,
    m.regions.map((r) => r.key),
    o.backlog,
  )
  o.backlog.forEach((b, i) => {
    const key = homes.get(i)
    if (key === undefined) return
    const f = figures.get(key) ?? { key, lon: 0, lat: 0, population: 0, overdue: 0, openHiddenDangers: 0 }
    f.openHiddenDangers = Math.max(0, f.openHiddenDangers + b.openHiddenDangers)
    f.overdue = Math.max(0, f.overdue + b.overdue)
    figures.set(key, f)
  })
  return { regions, cells, distances, figures }
}

/** One region whose priority a scenario moves. */
export interface RankingMove {
  code: string
  name: string | null
  rankBefore: number
  rankAfter: number
  scoreBefore: number
  scoreAfter: number
  levelBefore: Level
  levelAfter: Level
}

export interface ScenarioRanking {
  rank: RegionRank
  /** Regions ranked (within the reader's scope). */
  areas: number
  /** The regions whose score or rank the scenario moves, by their rank after it. */
  moves: RankingMove[]
}

/** Today's measures of region rankings, by database, data version and query: the previews of one day's data share them. */
const measures = new Map<string, RegionMeasure>()
const MEASURES_KEPT = 8

/**
 * The measure of today's ranking for `q`, computed once per data version (every write that can move
 * a level, a team or the backlog bumps it) and day, and kept for the next scenario on the same data.
 */
async function measuredToday(db: Knex, q: RankingQuery, dataVersion: number): Promise<RegionMeasure> {
  // The day too: what is overdue changes at midnight without a write.
  const { rows } = await db.raw<{ rows: Array<{ name: string; today: string }> }>('SELECT current_database() AS name, current_date::text AS today')
  const key = JSON.stringify([rows[0]!.name, rows[0]!.today, dataVersion, q.rank, q.res, q.rules.version, q.scope])
  const kept = measures.get(key)
  if (kept) {
    measures.delete(key)
    measures.set(key, kept)
    return kept
  }
  const measured = await measureRegions(db, q, q.scope.divisionPrefix ? [q.scope.divisionPrefix] : [])
  measures.set(key, measured)
  if (measures.size > MEASURES_KEPT) measures.delete(measures.keys().next().value!)
  return measured
}

/**
 * How a scenario would move the ranking of regions of `q.rank` (default weights of the rule set):
 * the ranking measured once, scored as today and with the overlay. Movements of regions whose own
 * score stays are listed too (another region overtook them).
 */
export async function scenarioRanking(db: Knex, q: RankingQuery, overlay: RankingOverlay, dataVersion: number): Promise<ScenarioRanking> {
  const measured = await measuredToday(db, q, dataVersion)
  const before = new Map(rankAreas(scoreRegions(measured, q)).map((a) => [a.key, a]))
  const after = rankAreas(scoreRegions(await overlaid(db, measured, overlay, q), q))
  const moves: RankingMove[] = []
  for (const a of after) {
    const b = before.get(a.key)!
    if (b.score === a.score && b.rank === a.rank) continue
    moves.push({
      code: a.code,
      name: a.name,
      rankBefore: b.rank,
      rankAfter: a.rank,
      scoreBefore: b.score,
      scoreAfter: a.score,
      levelBefore: b.level,
      levelAfter: a.level,
    })
  }
  return { rank: q.rank, areas: after.length, moves }
}

/** One area of the ranking map: its outline and what the map's labels and info box show. */
export interface RankingMapFeature {
  type: 'Feature'
  /** The area's position in the ranking, 1 = first (unique, unlike `rank`, which equal scores share). */
  id: number
  geometry: RegionOutline['geometry']
  properties: RankedArea & {
    /** Equal to the feature's id. */
    position: number
    /** A point inside the area, [lon, lat]: where its rank number is drawn. */
    label: [number, number]
  }
}

/**
 * The first `limit` areas of the ranking as GeoJSON features in rank order: regions with their
 * simplified outlines (repository `regionOutlines`), cells with their H3 boundaries. `total` counts
 * every ranked area, drawn or not.
 */
export async function rankingMap(db: Knex, q: RankingQuery, limit: number): Promise<{ total: number; features: RankingMapFeature[] }> {
  const { areas } = await rankAreasFor(db, q)
  const top = areas.slice(0, limit)
  const outlines = new Map<string, Pick<RegionOutline, 'geometry' | 'label'>>()
  if (q.level === 'cell') {
    for (const a of top) {
      // GeoJSON order ([lon, lat]) and a closed ring: 7 positions for a hexagon, 6 for a pentagon.
      const [lat, lon] = cellToLatLng(a.code)
      outlines.set(a.key, { geometry: { type: 'Polygon', coordinates: [cellToBoundary(a.code, true)] }, label: [lon, lat] })
    }
  } else {
    const kind = q.rank === 'grid' ? 'mgmt_grid' : 'division'
    for (const o of await regionOutlines(
      db,
      kind,
      top.map((a) => a.key),
    ))
      outlines.set(o.key, o)
  }
  const features: RankingMapFeature[] = []
  for (const [i, area] of top.entries()) {
    const outline = outlines.get(area.key)
    if (!outline) continue // a region deleted between the two reads
    features.push({ type: 'Feature', id: i + 1, geometry: outline.geometry, properties: { ...area, position: i + 1, label: outline.label } })
  }
  return { total: areas.length, features }
}
