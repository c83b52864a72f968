/**
 * The priority of an area (region or cell) for safety projects (docs/ranking.md): a score made of
 * parts — risk level, risk score, exposure, coverage gap, response distance, overdue
 * rectifications, open hidden dangers — each the part's weight times how full its input is.
 * The parts add up to the score exactly (both are kept in hundredths of a point). Pure: the caller
 * measures the inputs.
 */
import { invalid } from './errors'
import type { Level } from './levels'
import { DEFAULT_RULES, PRIORITY_PARTS, type PriorityPart, type RankingRules, type RuleSet } from './rules'

/** What is measured of one area; every count is within the reader's scope (docs/ranking.md). */
export interface PriorityInputs {
  /** The area's level: a region's grade, a cell's level. */
  level: Level
  /** Cell score points (docs/domain.md §4.3); for a region, the area-weighted mean over its graded cells. */
  riskScore: number
  /** Residents within 500 m of the area's major hazard installations, persons. */
  population: number
  /** Share (0–1) of the area's risk cells (level ≥ coverage.minLevel) farther than thresholdM from a capable team, by area. */
  gapShare: number
  /**
   * Mean distance (metres, geodesic) from the area's risk cells to the nearest capable team, each
   * capped at full.responseM (no team at all counts as the cap); null when the area has no risk cell.
   */
  responseM: number | null
  /** Hidden dangers and violations open past their deadline. */
  overdue: number
  /** Hidden dangers not yet rectified. */
  openHiddenDangers: number
}

export interface PriorityPartResult {
  part: PriorityPart
  /** Points at a full input. */
  weight: number
  /** The input this part reads (level, points, persons, share, metres or a count). */
  input: number | null
  /** How full the input is, 0–1. */
  fill: number
  /** weight × fill, rounded to hundredths of a point. */
  points: number
}

export interface PriorityResult {
  /** Σ points of the parts, hundredths of a point. */
  score: number
  parts: PriorityPartResult[]
}

/** Chinese and English names of the parts, for tables and exports. */
export const PRIORITY_PART_LABELS: Readonly<Record<PriorityPart, { zh: string; en: string }>> = {
  riskLevel: { zh: '风险等级', en: 'risk level' },
  riskScore: { zh: '风险分值', en: 'risk score' },
  exposure: { zh: '暴露人口', en: 'exposure' },
  coverageGap: { zh: '救援覆盖缺口', en: 'coverage gap' },
  responseDistance: { zh: '救援距离', en: 'response distance' },
  overdue: { zh: '逾期整改', en: 'overdue rectifications' },
  openHiddenDangers: { zh: '未整改隐患', en: 'open hidden dangers' },
}

const isPart = (name: string): name is PriorityPart => (PRIORITY_PARTS as readonly string[]).includes(name)

/** Throws `invalid` naming the rule field when the ranking rules cannot work. */
export function checkRankingRules(ranking: RankingRules, field = 'ranking'): void {
  let total = 0
  for (const part of PRIORITY_PARTS) {
    const w = ranking.weights?.[part]
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 1000)
      throw invalid(`${field}.weights.${part}`, 'must be a number of points from 0 to 1000')
    total += w
  }
  if (total <= 0) throw invalid(`${field}.weights`, 'at least one weight must be above 0')
  for (const [key, value] of Object.entries(ranking.full ?? {})) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw invalid(`${field}.full.${key}`, 'must be a positive number')
  }
}

/**
 * The weights of a request: the rule set's, with the parts named in `text` replaced. `text` is a
 * comma-separated list `part:points` (e.g. `exposure:0,overdue:30`); an unknown part or a bad number
 * is a 400 naming `weights.<part>`.
 */
export function parseWeights(text: string | undefined, rules: RuleSet = DEFAULT_RULES): Record<PriorityPart, number> {
  const weights = { ...rules.ranking.weights }
  if (text === undefined || text.trim() === '') return weights
  for (const entry of text.split(',')) {
    const match = /^\s*([A-Za-z]+)\s*:\s*([^\s,]+)\s*$/.exec(entry)
    if (!match) throw invalid('weights', `"${entry}" is not part:points (known parts: ${PRIORITY_PARTS.join(', ')})`)
    const [, name, raw] = match as unknown as [string, string, string]
    if (!isPart(name)) throw invalid(`weights.${name}`, `unknown part; known parts: ${PRIORITY_PARTS.join(', ')}`)
    const value = Number(raw)
    if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(value) || value > 1000) throw invalid(`weights.${name}`, 'must be a number of points from 0 to 1000')
    weights[name] = value
  }
  if (PRIORITY_PARTS.every((part) => weights[part] === 0)) throw invalid('weights', 'at least one weight must be above 0')
  return weights
}

function checkInputs(inputs: PriorityInputs): void {
  const count = (key: keyof PriorityInputs, value: number | null, max = Number.POSITIVE_INFINITY) => {
    if (value === null) return
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max)
      throw invalid(`inputs.${key}`, max === 1 ? 'must be a share from 0 to 1' : 'must be a number ≥ 0')
  }
  if (![0, 1, 2, 3, 4].includes(inputs.level)) throw invalid('inputs.level', 'must be a level 0–4')
  count('riskScore', inputs.riskScore)
  count('population', inputs.population)
  count('gapShare', inputs.gapShare, 1 + 1e-9)
  count('responseM', inputs.responseM)
  count('overdue', inputs.overdue)
  count('openHiddenDangers', inputs.openHiddenDangers)
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x))

/**
 * The priority score of one area and its parts. Each part is weight × fill, fill = input / full
 * (capped at 1; the level's fill is level / 4, the gap's its share); points are rounded to hundredths
 * and the score is their sum, so the parts add up to the score. `weights` defaults to the rule set's.
 */
export function priorityScore(
  inputs: PriorityInputs,
  rules: RuleSet = DEFAULT_RULES,
  weights: Record<PriorityPart, number> = rules.ranking.weights,
): PriorityResult {
  checkInputs(inputs)
  const full = rules.ranking.full
  const measured: Record<PriorityPart, { input: number | null; fill: number }> = {
    riskLevel: { input: inputs.level, fill: inputs.level / 4 },
    riskScore: { input: inputs.riskScore, fill: clamp01(inputs.riskScore / full.riskScore) },
    exposure: { input: inputs.population, fill: clamp01(inputs.population / full.population) },
    coverageGap: { input: inputs.gapShare, fill: clamp01(inputs.gapShare) },
    responseDistance: { input: inputs.responseM, fill: inputs.responseM === null ? 0 : clamp01(inputs.responseM / full.responseM) },
    overdue: { input: inputs.overdue, fill: clamp01(inputs.overdue / full.overdue) },
    openHiddenDangers: { input: inputs.openHiddenDangers, fill: clamp01(inputs.openHiddenDangers / full.openHiddenDangers) },
  }
  let hundredths = 0
  const parts = PRIORITY_PARTS.map((part) => {
    const { input, fill } = measured[part]
    const h = Math.round(weights[part] * fill * 100)
    hundredths += h
    return { part, weight: weights[part], input, fill: Math.round(fill * 10_000) / 10_000, points: h / 100 }
  })
  return { score: hundredths / 100, parts }
}

/** An area with its score, as `rankAreas` orders them. */
export interface Scored {
  key: string
  score: number
}

/**
 * Areas ordered by score, highest first (ties by key, so the order is stable), each with its rank
 * (1 = highest priority; equal scores share a rank, the next rank skips: 1, 2, 2, 4).
 */
export function rankAreas<T extends Scored>(areas: readonly T[]): Array<T & { rank: number }> {
  const sorted = [...areas].sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  let rank = 0
  return sorted.map((area, i) => {
    if (i === 0 || area.score !== sorted[i - 1]!.score) rank = i + 1
    return { ...area, rank }
  })
}
