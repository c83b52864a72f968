/**
 * Cell level from the sources that influence a grid cell (docs/domain.md §4.1, §4.3, §4.5).
 * Distances and radii are geodesic metres.
 */
import { invalid } from './errors'
import { isLevel, LEVEL_KEYS, LEVEL_LABELS, type Level, type RiskLevel } from './levels'
import { DEFAULT_RULES, type RuleSet } from './rules'

/** The kinds of record that influence a cell: the four grading sources and an enterprise's industry baseline. */
export const CELL_SOURCE_KINDS = ['major_hazard', 'safety_risk', 'hidden_danger', 'enterprise', 'area_assessment'] as const
export type CellSourceKind = (typeof CELL_SOURCE_KINDS)[number]

/** A record that influences a cell, as the caller selected it (within its impact zone, or polygon intersecting). */
export interface CellSource {
  kind: CellSourceKind
  id: number
  level: Level
  /** Geodesic distance from the source to the cell, metres; 0 for an area assessment whose polygon intersects the cell. */
  distanceM: number
  /** Impact radius of the source, metres (see `impactRadiusM`); 0 for an area assessment. */
  radiusM: number
  /** The record is past its validity (see `isStale`). */
  stale: boolean
  /** The record's name, for the explanation (optional). */
  name?: string
}

/** What each kind of source is called in explanations. */
export const SOURCE_KIND_LABELS: Readonly<Record<CellSourceKind, { en: string; zh: string }>> = {
  major_hazard: { en: 'major hazard installation', zh: '重大危险源' },
  safety_risk: { en: 'reported safety risk', zh: '安全风险' },
  hidden_danger: { en: 'unrectified major hidden danger', zh: '未销号重大事故隐患' },
  enterprise: { en: 'enterprise (industry baseline)', zh: '企业（行业基准）' },
  area_assessment: { en: 'public-area assessment', zh: '公共区域风险评估' },
}

/** How a cell got its level: the highest source (就高), several sources together, or none. */
export const CELL_RULES = ['highest', 'accumulation', 'none'] as const
export type CellRule = (typeof CELL_RULES)[number]

export interface CellLevelResult {
  level: Level
  rule: CellRule
  /** Every influencing source is stale: draw hatched, never silently blue. False for a cell without sources. */
  stale: boolean
  /** Σ weight(level) × decay(distance, radius) over influencing sources, points, rounded to 3 decimals. */
  score: number
  counts: {
    byLevel: Record<'1' | '2' | '3' | '4', number>
    byKind: Record<string, number>
  }
  /** English explanation of the rule applied. */
  explanation: string
  /** Chinese explanation of the rule applied. */
  explanationZh: string
  /** The source named by the explanation: the nearest of the highest level (absent without sources). */
  lead?: { kind: CellSourceKind; id: number }
}

/**
 * Distance decay of a source's score, dimensionless in [0, 1]:
 * max(0, 1 − d / (reachMultiple · radius)); d and radius in metres. A source with radius 0 (an area
 * assessment) counts fully at d = 0 and not at all beyond.
 */
export function distanceDecay(distanceM: number, radiusM: number, rules: RuleSet = DEFAULT_RULES): number {
  const reach = rules.score.decayReachMultiple * radiusM
  if (reach <= 0) return distanceM <= 0 ? 1 : 0
  return Math.max(0, Math.min(1, 1 - distanceM / reach))
}

/** Score contribution of one source, points: weight(level) × decay. Level 0 contributes nothing. */
export function sourceScore(source: Pick<CellSource, 'level' | 'distanceM' | 'radiusM'>, rules: RuleSet = DEFAULT_RULES): number {
  if (source.level === 0) return 0
  return rules.score.weights[source.level] * distanceDecay(source.distanceM, source.radiusM, rules)
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

function checkSource(source: CellSource, i: number): void {
  if (!isLevel(source.level)) throw invalid(`sources[${i}].level`, 'must be an integer 0..4')
  if (!Number.isFinite(source.distanceM) || source.distanceM < 0) throw invalid(`sources[${i}].distanceM`, 'must be a finite distance ≥ 0 (metres)')
  if (!Number.isFinite(source.radiusM) || source.radiusM < 0) throw invalid(`sources[${i}].radiusM`, 'must be a finite radius ≥ 0 (metres)')
}

/**
 * Level of one cell, rules in order: (1) highest source level (就高); (2) accumulation: at least
 * `rules.accumulation.n` sources at that level, below red, raise it one level; (3) stale when every
 * influencing source is stale (the level is kept); (4) no source → level 0, rule 'none'.
 * Sources of level 0 do not influence the cell. The caller decides which sources reach the cell.
 */
export function cellLevel(sources: CellSource[], rules: RuleSet = DEFAULT_RULES): CellLevelResult {
  sources.forEach(checkSource)
  const influencing = sources.filter((s) => s.level > 0)
  const byLevel: Record<'1' | '2' | '3' | '4', number> = { '1': 0, '2': 0, '3': 0, '4': 0 }
  const byKind: Record<string, number> = {}
  let score = 0
  let top: Level = 0
  for (const s of influencing) {
    byLevel[String(s.level) as '1' | '2' | '3' | '4'] += 1
    byKind[s.kind] = (byKind[s.kind] ?? 0) + 1
    score += sourceScore(s, rules)
    if (s.level > top) top = s.level
  }
  if (top === 0) {
    return {
      level: 0,
      rule: 'none',
      stale: false,
      score: 0,
      counts: { byLevel, byKind },
      explanation: 'No risk source influences this cell',
      explanationZh: '无风险源影响本网格',
    }
  }

  const n = rules.accumulation.n
  const atTop = byLevel[String(top) as '1' | '2' | '3' | '4']
  const accumulated = atTop >= n && top < 4
  const level = (accumulated ? top + 1 : top) as Level
  const stale = influencing.every((s) => s.stale)
  // The named source: the highest-level one that is nearest, then lowest id.
  const lead = influencing.filter((s) => s.level === top).sort((a, b) => a.distanceM - b.distanceM || a.id - b.id)[0]

  let explanation: string
  let explanationZh: string
  if (accumulated) {
    explanation = `Accumulation: ${atTop} ${LEVEL_KEYS[top]} sources (at least ${n}) raise the cell from ${LEVEL_KEYS[top]} to ${LEVEL_KEYS[level]}`
    explanationZh = `叠加：${atTop} 个${LEVEL_LABELS[top].zh}源（不少于 ${n} 个），由${LEVEL_LABELS[top].zh}升为${LEVEL_LABELS[level].zh}`
  } else {
    const why = top === 4 ? 'red is not raised' : `fewer than ${n} at that level`
    const label = SOURCE_KIND_LABELS[lead.kind] ?? { en: lead.kind, zh: lead.kind }
    const named = lead.name ? `“${lead.name}”` : `#${lead.id}`
    explanation = `Highest source: ${LEVEL_KEYS[top]} from ${label.en} ${named} (${atTop} ${LEVEL_KEYS[top]} source${atTop === 1 ? '' : 's'}, ${why})`
    explanationZh = `就高：${label.zh}${lead.name ? `“${lead.name}”` : ` #${lead.id}`}为${LEVEL_LABELS[top].zh}（同级源 ${atTop} 个）`
  }
  if (stale) {
    explanation += `; all ${influencing.length} influencing record${influencing.length === 1 ? ' is' : 's are'} stale (insufficient data)`
    explanationZh += `；全部 ${influencing.length} 条影响记录已过期（数据不足）`
  }
  return {
    level,
    rule: accumulated ? 'accumulation' : 'highest',
    stale,
    score: round3(score),
    counts: { byLevel, byKind },
    explanation,
    explanationZh,
    lead: { kind: lead.kind, id: lead.id },
  }
}

/**
 * Impact radius of a point source, metres: the radius the enterprise reported (e.g. from a consequence
 * model) when given, else the default for its level; 0 for level 0. A reported radius that is not a
 * finite number > 0 throws `invalid('impactRadiusM')`; null or undefined means "not reported".
 */
export function impactRadiusM(level: Level, reportedRadiusM?: number | null, rules: RuleSet = DEFAULT_RULES): number {
  if (!isLevel(level)) throw invalid('level', 'must be an integer 0..4')
  if (reportedRadiusM !== undefined && reportedRadiusM !== null) {
    if (!Number.isFinite(reportedRadiusM) || reportedRadiusM <= 0) {
      throw invalid('impactRadiusM', 'must be a finite radius > 0 (metres)')
    }
    return reportedRadiusM
  }
  return level === 0 ? 0 : rules.impactRadiusM[level as RiskLevel]
}

/** `date` plus whole calendar months in UTC, clamped to the month's last day (31 Jan + 1 month → 28/29 Feb). */
export function addMonthsUtc(date: Date, months: number): Date {
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  const result = new Date(date.getTime())
  result.setUTCDate(1)
  result.setUTCMonth(m)
  result.setUTCDate(Math.min(date.getUTCDate(), lastDay))
  return result
}

/**
 * Whether a record is stale at `now`: past its own `validUntil` when it has one, else more than
 * `rules.staleness.months` calendar months after `reportedAt`. Exactly at the limit it is still valid.
 */
export function isStale(reportedAt: Date, validUntil: Date | null, now: Date, rules: RuleSet = DEFAULT_RULES): boolean {
  if (Number.isNaN(now.getTime())) throw invalid('now', 'must be a valid date')
  if (validUntil !== null && validUntil !== undefined) {
    if (Number.isNaN(validUntil.getTime())) throw invalid('validUntil', 'must be a valid date')
    return now.getTime() > validUntil.getTime()
  }
  if (Number.isNaN(reportedAt.getTime())) throw invalid('reportedAt', 'must be a valid date')
  return now.getTime() > addMonthsUtc(reportedAt, rules.staleness.months).getTime()
}

/** A cell of the pyramid: its level, score and stale flag. */
export interface PyramidCell {
  level: Level
  /** Points. */
  score: number
  stale: boolean
}

/**
 * Level of a coarser pyramid cell from its children (docs/domain.md §4.5): the highest child level, scores
 * summed, and stale only when every child with a level ≥ 1 is stale (children of level 0 carry no data).
 */
export function parentLevel(children: PyramidCell[]): PyramidCell {
  let level: Level = 0
  let score = 0
  let levelled = 0
  let staleCount = 0
  for (const child of children) {
    if (child.level > level) level = child.level
    score += child.score
    if (child.level > 0) {
      levelled += 1
      if (child.stale) staleCount += 1
    }
  }
  return { level, score: round3(score), stale: levelled > 0 && staleCount === levelled }
}
