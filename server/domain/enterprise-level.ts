/**
 * Enterprise level (docs/domain.md §3.3): direct red for an unverified major hidden danger, else the highest
 * source, else the industry baseline. Every result carries the rule and record that produced it.
 */
import { invalid } from './errors'
import { isLevel, LEVEL_LABELS, LEVEL_KEYS, type Level } from './levels'
import { DEFAULT_RULES, industryByCode, type RuleSet } from './rules'
import { highHazardIndustry } from './tier'

export type HiddenDangerStatus = 'open' | 'rectified' | 'verified'

export interface EnterpriseLevelInput {
  /** Industry code from `rules.industries`; null when the register did not give a known one. */
  industry: string | null
  /** High-hazard by explicit flag; an industry in `rules.enterprise.highHazardIndustries` is high-hazard too. */
  highHazard: boolean
  majorHazards: Array<{ id: number; level: Level }>
  safetyRisks: Array<{ id: number; level: Level }>
  hiddenDangers: Array<{ id: number; isMajor: boolean; status: HiddenDangerStatus }>
}

export type EnterpriseLevelRule = 'hidden_danger_red' | 'highest_source' | 'baseline'
export type EnterpriseSourceKind = 'major_hazard' | 'safety_risk' | 'hidden_danger'

export interface EnterpriseLevelReason {
  rule: EnterpriseLevelRule
  sourceKind?: EnterpriseSourceKind
  sourceId?: number
  /** English explanation. */
  text: string
  /** Chinese explanation. */
  textZh: string
}

export interface EnterpriseLevelResult {
  level: Level
  /** Highest level among major hazards and safety risks (0 when none), before hidden dangers and baseline. */
  inherentLevel: Level
  reason: EnterpriseLevelReason
}

const HIDDEN_DANGER_STATUSES: readonly HiddenDangerStatus[] = ['open', 'rectified', 'verified']

const KIND_NAMES: Record<EnterpriseSourceKind, { en: string; zh: string }> = {
  major_hazard: { en: 'major hazard installation', zh: '重大危险源' },
  safety_risk: { en: 'reported safety risk', zh: '安全风险' },
  hidden_danger: { en: 'major hidden danger', zh: '重大事故隐患' },
}

/** True when a hidden danger keeps the enterprise red: major and not yet verified after rectification. */
export function isUnverifiedMajorHiddenDanger(hd: { isMajor: boolean; status: HiddenDangerStatus }): boolean {
  return hd.isMajor && hd.status !== 'verified'
}

function checkLevels(list: Array<{ id: number; level: Level }>, field: string): void {
  list.forEach((item, i) => {
    if (!isLevel(item.level)) throw invalid(`${field}[${i}].level`, 'must be an integer 0..4')
  })
}

/**
 * Grades an enterprise. Rules in order: (1) a major hidden danger that is open, or rectified but not
 * verified, makes it red (the one with the lowest id is named); (2) the highest level among its major
 * hazards and safety risks (ties: major hazard first, then lowest id); (3) when no source has a level
 * ≥ 1, the baseline: yellow for high-hazard (flag or industry), else blue.
 * Throws `invalid()` for an unknown industry, a level outside 0..4 or an unknown hidden-danger status.
 */
export function enterpriseLevel(input: EnterpriseLevelInput, rules: RuleSet = DEFAULT_RULES): EnterpriseLevelResult {
  if (input.industry !== null && industryByCode(input.industry, rules) === undefined) {
    throw invalid('industry', `unknown industry code "${input.industry}"; expected one of ${rules.industries.map((i) => i.code).join(', ')}`)
  }
  checkLevels(input.majorHazards, 'majorHazards')
  checkLevels(input.safetyRisks, 'safetyRisks')
  input.hiddenDangers.forEach((hd, i) => {
    if (!HIDDEN_DANGER_STATUSES.includes(hd.status)) {
      throw invalid(`hiddenDangers[${i}].status`, `must be one of ${HIDDEN_DANGER_STATUSES.join(', ')}`)
    }
  })

  // Highest source, deterministic on ties: major hazards before safety risks, then lowest id.
  let top: { kind: EnterpriseSourceKind; id: number; level: Level } | undefined
  const candidates = [
    ...input.majorHazards.map((s) => ({ kind: 'major_hazard' as const, id: s.id, level: s.level })),
    ...input.safetyRisks.map((s) => ({ kind: 'safety_risk' as const, id: s.id, level: s.level })),
  ]
  for (const c of candidates) {
    if (c.level === 0) continue
    if (top === undefined || c.level > top.level || (c.level === top.level && c.kind === top.kind && c.id < top.id)) top = c
  }
  const inherentLevel: Level = top?.level ?? 0

  if (rules.enterprise.directRedOnMajorHiddenDanger) {
    const blocking = input.hiddenDangers.filter(isUnverifiedMajorHiddenDanger).sort((a, b) => a.id - b.id)[0]
    if (blocking !== undefined) {
      const statusEn = blocking.status === 'open' ? 'not rectified' : 'rectified but not verified'
      const statusZh = blocking.status === 'open' ? '未整改' : '已整改未验收'
      return {
        level: 4,
        inherentLevel,
        reason: {
          rule: 'hidden_danger_red',
          sourceKind: 'hidden_danger',
          sourceId: blocking.id,
          text: `Major hidden danger #${blocking.id} is ${statusEn}: the enterprise is red until the rectification is verified`,
          textZh: `重大事故隐患 #${blocking.id} ${statusZh}，整改验收前企业直接判定为重大风险（红）`,
        },
      }
    }
  }

  if (top !== undefined) {
    const name = KIND_NAMES[top.kind]
    return {
      level: top.level,
      inherentLevel,
      reason: {
        rule: 'highest_source',
        sourceKind: top.kind,
        sourceId: top.id,
        text: `Highest source: ${name.en} #${top.id} at level ${LEVEL_KEYS[top.level]}`,
        textZh: `就高：${name.zh} #${top.id}，${LEVEL_LABELS[top.level].zh}`,
      },
    }
  }

  const byIndustry = input.industry !== null && highHazardIndustry(input.industry, rules)
  const isHigh = input.highHazard || byIndustry
  const level: Level = isHigh ? rules.enterprise.baselineHighHazard : rules.enterprise.baselineOther
  // An unknown industry that is not flagged counts as not high-hazard for the baseline, and says so.
  const why = isHigh
    ? byIndustry
      ? `high-hazard industry ${input.industry}`
      : 'flagged high-hazard'
    : input.industry === null
      ? 'industry unknown, not flagged high-hazard'
      : 'not high-hazard'
  const whyZh = isHigh
    ? byIndustry
      ? `高危行业（${industryByCode(input.industry!, rules)?.zh}）`
      : '标记为高危企业'
    : input.industry === null
      ? '行业未知且未标记高危'
      : '非高危行业'
  return {
    level,
    inherentLevel,
    reason: {
      rule: 'baseline',
      text: `Baseline: nothing reported and ${why}, so ${LEVEL_KEYS[level]}`,
      textZh: `基线：未报告风险源，${whyZh}，定为${LEVEL_LABELS[level].zh}`,
    },
  }
}
