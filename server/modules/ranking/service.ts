/**
 * The priority ranking of areas for safety projects (docs/ranking.md): measures each area's inputs
 * (repository.ts, the response measure of the resources module) and scores them with the pure
 * `priorityScore` of server/domain/ranking.ts.
 */
import type { Knex } from 'knex'
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js'
import { invalid } from '../../errors'
import { MAX_RANKED_AREAS } from '../../http/bounds'
import type { Level } from '../../domain/levels'
import { priorityScore, rankAreas, type PriorityInputs, type PriorityPartResult } from '../../domain/ranking'
import type { PriorityPart, RuleSet } from '../../domain/rules'
import type { Capability } from '../../domain/resources'
import type { ReadScope } from '../auth/access'
import { nearestResponders, RESPONSE_MEASURE } from '../resources'
import { countGradedCells, gradedCells, pointFigures, regionCells, regionOutlines, regionsToRank, type RegionOutline, type RegionRank } from './repository'

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

/** For each risk cell (level ≥ coverage.minLevel), its nearest capable available team's distance (null: none). */
async function responseDistances(db: Knex, cells: readonly CoverageCell[], rules: RuleSet): Promise<Map<string, number | null>> {
  const risk = [...new Set(cells.filter((c) => c.level >= rules.ranking.coverage.minLevel).map((c) => c.h3))]
  const origins = risk.map((h3) => {
    const [lat, lon] = cellToLatLng(h3)
    return { lon, lat }
  })
  const teams = await nearestResponders(db, origins, { kind: 'rescue_team', capability: rules.ranking.coverage.capability as Capability, status: 'available' })
  return new Map(risk.map((h3, i) => [h3, teams[i]?.distanceM ?? null]))
}

/** A risk cell's coverage figures: whether it is a gap, and its capped response distance, metres. */
function cellCoverage(distance: number | null, rules: RuleSet): { gap: number; responseM: number } {
  const { thresholdM } = rules.ranking.coverage
  const cap = rules.ranking.full.responseM
  return { gap: distance === null || distance > thresholdM ? 1 : 0, responseM: Math.min(distance ?? cap, cap) }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits

/** Every area of the query, scored and ranked (highest priority first). */
export async function rankAreasFor(db: Knex, q: RankingQuery): Promise<{ areas: RankedArea[]; measure: typeof RESPONSE_MEASURE }> {
  const prefixes = [...(q.regionCode ? [divisionPrefix(q.regionCode)] : []), ...(q.scope.divisionPrefix ? [q.scope.divisionPrefix] : [])]
  const scored: Array<Omit<RankedArea, 'rank'>> = []
  if (q.level === 'cell') {
    const count = await countGradedCells(db, q.res, prefixes)
    if (count > MAX_RANKED_AREAS) throw invalid('regionCode', `${count} graded cells lie in the area asked for, more than the ${MAX_RANKED_AREAS} one ranking may score; choose a smaller region`)
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
      const coverage = isRisk ? cellCoverage(distances.get(c.h3) ?? null, q.rules) : null
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
      scored.push({ key: c.h3, kind: 'cell', code: c.h3, name: null, areaRank: 'cell', level: c.level as Level, highestLevel: c.level as Level, stale: c.stale, score: result.score, inputs, parts: result.parts })
    }
  } else {
    const regions = await regionsToRank(db, q.rank, prefixes)
    if (regions.length > MAX_RANKED_AREAS) throw invalid('regionCode', `${regions.length} regions to rank, more than the ${MAX_RANKED_AREAS} one ranking may score; choose a smaller region`)
    const kind = q.rank === 'grid' ? 'mgmt_grid' : 'division'
    const keys = regions.map((r) => r.key)
    const cells = await regionCells(db, q.res, kind, keys)
    const distances = await responseDistances(db, cells, q.rules)
    const figures = new Map((await pointFigures(db, q.scope, { kind, keys })).map((f) => [f.key!, f]))
    const byRegion = new Map<string, { area: number; scoreArea: number; riskArea: number; gapArea: number; responseArea: number }>()
    for (const c of cells) {
      const acc = byRegion.get(c.key) ?? { area: 0, scoreArea: 0, riskArea: 0, gapArea: 0, responseArea: 0 }
      acc.area += c.areaM2
      acc.scoreArea += c.score * c.areaM2
      if (c.level >= q.rules.ranking.coverage.minLevel) {
        const coverage = cellCoverage(distances.get(c.h3) ?? null, q.rules)
        acc.riskArea += c.areaM2
        acc.gapArea += coverage.gap * c.areaM2
        acc.responseArea += coverage.responseM * c.areaM2
      }
      byRegion.set(c.key, acc)
    }
    for (const r of regions) {
      const acc = byRegion.get(r.key)
      const f = figures.get(r.key)
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
      scored.push({ key: r.key, kind: r.kind, code: r.code, name: r.name, areaRank: r.rank, level: r.level as Level, highestLevel: r.highestLevel as Level, stale: r.stale, score: result.score, inputs, parts: result.parts })
    }
  }
  return { areas: rankAreas(scored), measure: RESPONSE_MEASURE }
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
    for (const o of await regionOutlines(db, kind, top.map((a) => a.key))) outlines.set(o.key, o)
  }
  const features: RankingMapFeature[] = []
  for (const [i, area] of top.entries()) {
    const outline = outlines.get(area.key)
    if (!outline) continue // a region deleted between the two reads
    features.push({ type: 'Feature', id: i + 1, geometry: outline.geometry, properties: { ...area, position: i + 1, label: outline.label } })
  }
  return { total: areas.length, features }
}
