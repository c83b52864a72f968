/**
 * Level of a region (division unit, management grid) from the shares of its area at each cell
 * level (docs/domain.md §4.4, docs/region-grading.md). Pure: the caller measures the shares.
 */
import { invalid } from './errors'
import { LEVEL_KEYS, LEVEL_LABELS, type Level, type RiskLevel } from './levels'
import { DEFAULT_RULES, type RuleSet } from './rules'

/** Share of a region's area (0–1) at each level, keyed '0'..'4'; a missing key is 0. */
export type LevelShares = Partial<Record<'0' | '1' | '2' | '3' | '4', number>>

export type RegionRule = 'shares' | 'highest' | 'none'

export interface RegionLevelResult {
  /** The region's grade. */
  level: Level
  /** The highest level of any cell in the region (就高), reported beside the grade. */
  highestLevel: Level
  rule: RegionRule
  /** Share of the area at each level or above, keyed '1'..'4' (the quantity the thresholds compare). */
  atOrAbove: Record<'1' | '2' | '3' | '4', number>
  explanation: string
  explanationZh: string
}

const RISK_LEVELS: RiskLevel[] = [4, 3, 2, 1]

const percent = (x: number) => `${(Math.round(x * 1000) / 10).toString()} %`

/** Throws `invalid` naming the rule field when the region thresholds cannot work. */
export function checkRegionRules(rules: RuleSet): void {
  const { method, minShare } = rules.region
  if (method !== 'shares' && method !== 'highest') throw invalid('region.method', "must be 'shares' or 'highest'")
  for (const level of RISK_LEVELS) {
    const share = minShare?.[level]
    if (typeof share !== 'number' || !Number.isFinite(share) || share < 0 || share > 1) {
      throw invalid(`region.minShare.${level}`, 'must be a share between 0 and 1')
    }
  }
}

/**
 * Grades a region. `highest` (rule version 2026.1) takes its highest cell level (就高); `shares`
 * takes the highest level L whose area share at L or above is > 0 and ≥ `rules.region.minShare[L]`,
 * so raising any cell never lowers the region, and one small red spot does not paint a district red.
 * A region without graded area is level 0, rule 'none'. Shares outside 0–1 throw `invalid` naming
 * the key.
 */
export function regionLevel(shares: LevelShares, rules: RuleSet = DEFAULT_RULES): RegionLevelResult {
  checkRegionRules(rules)
  const share = (key: string): number => {
    const value = (shares as Record<string, number | undefined>)[key] ?? 0
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1 + 1e-9) throw invalid(`shares.${key}`, 'must be a share between 0 and 1')
    return value
  }
  const atOrAbove = { '1': 0, '2': 0, '3': 0, '4': 0 }
  let cumulative = 0
  let highestLevel: Level = 0
  for (const level of RISK_LEVELS) {
    const own = share(String(level))
    if (own > 0 && highestLevel === 0) highestLevel = level
    cumulative += own
    atOrAbove[String(level) as '1'] = Math.min(1, cumulative)
  }
  share('0')

  if (highestLevel === 0) {
    return { level: 0, highestLevel, rule: 'none', atOrAbove, explanation: 'No cell of the region has a level', explanationZh: '区域内无已定级网格' }
  }
  if (rules.region.method === 'highest') {
    return {
      level: highestLevel,
      highestLevel,
      rule: 'highest',
      atOrAbove,
      explanation: `Highest cell level: ${LEVEL_KEYS[highestLevel]}`,
      explanationZh: `就高：区域内最高网格等级为${LEVEL_LABELS[highestLevel].zh}`,
    }
  }
  let level: RiskLevel = 1
  for (const candidate of RISK_LEVELS) {
    const at = atOrAbove[String(candidate) as '1']
    if (at > 0 && at >= rules.region.minShare[candidate] - 1e-9) {
      level = candidate
      break
    }
  }
  const at = atOrAbove[String(level) as '1']
  const min = rules.region.minShare[level]
  let explanation = `${percent(at)} of the area is ${LEVEL_KEYS[level]}${level < 4 ? ' or above' : ''}${min > 0 ? ` (at least ${percent(min)} makes a region ${LEVEL_KEYS[level]})` : ''}`
  let explanationZh = `${LEVEL_LABELS[level].zh}${level < 4 ? '及以上' : ''}面积占 ${percent(at)}${min > 0 ? `（不低于 ${percent(min)} 即为${LEVEL_LABELS[level].zh}）` : ''}`
  if (level < 4) {
    const next = (level + 1) as RiskLevel
    explanation += `; ${percent(atOrAbove[String(next) as '1'])} is ${LEVEL_KEYS[next]}${next < 4 ? ' or above' : ''}, below ${percent(rules.region.minShare[next])}`
    explanationZh += `；${LEVEL_LABELS[next].zh}${next < 4 ? '及以上' : ''}仅占 ${percent(atOrAbove[String(next) as '1'])}，低于 ${percent(rules.region.minShare[next])}`
  }
  if (highestLevel > level) {
    explanation += `; its highest cell is ${LEVEL_KEYS[highestLevel]}`
    explanationZh += `；区域内最高网格等级为${LEVEL_LABELS[highestLevel].zh}`
  }
  return { level, highestLevel, rule: 'shares', atOrAbove, explanation, explanationZh }
}
