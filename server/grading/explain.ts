/**
 * Human explanations of why a source has its level: the rule and the figures that produced it,
 * in English and Chinese. Pure; fed by the joined source rows of the cells repository.
 */
import { LEVEL_LABELS, type Level } from '../domain/levels'

export interface SourceFacts {
  kind: string
  level: Level
  // major hazard
  r?: number | null
  alpha?: number | null
  grade?: number | null
  gradeMismatch?: string | null
  // safety risk / area assessment
  method?: string | null
  score?: number | null
  lec?: [number, number, number] | null
  matrix?: [number, number] | null
  statedMethod?: string | null
  // hidden danger
  status?: string | null
  deadline?: string | null
  // enterprise baseline
  baselineReason?: { text?: string; textZh?: string } | null
}

/** The rules that give a source its own level (GB 18218 grade, LEC, risk matrix, a stated level, direct red, industry baseline). */
export const SOURCE_RULES = ['gb18218', 'lec', 'matrix', 'stated', 'direct_red', 'baseline'] as const

export interface SourceRule {
  rule: (typeof SOURCE_RULES)[number]
  text: string
  textZh: string
}

const GRADE_ZH = ['', '一级', '二级', '三级', '四级']

/** The rule that gave a source its level, with its figures. */
export function explainSource(f: SourceFacts): SourceRule {
  const lvl = LEVEL_LABELS[f.level]
  switch (f.kind) {
    case 'major_hazard': {
      const mismatch = f.gradeMismatch ? ` (reported grade differs: ${f.gradeMismatch})` : ''
      return {
        rule: 'gb18218',
        text: `GB 18218-2018: R = ${f.r} (α ${f.alpha}) → grade ${f.grade} → ${lvl.en}${mismatch}`,
        textZh: `GB 18218-2018：R = ${f.r}（α = ${f.alpha}）→ ${GRADE_ZH[f.grade ?? 0]}重大危险源 → ${lvl.zh}${f.gradeMismatch ? '（与申报分级不一致）' : ''}`,
      }
    }
    case 'hidden_danger':
      return {
        rule: 'direct_red',
        text: `Unrectified major accident hidden danger (${f.status}, deadline ${f.deadline}): the enterprise is red until rectification is verified`,
        textZh: `未整改销号的重大事故隐患（状态：${f.status === 'open' ? '未整改' : '已整改待验收'}，期限 ${f.deadline}）：直接判定为重大风险`,
      }
    case 'enterprise':
      return {
        rule: 'baseline',
        text: f.baselineReason?.text ?? `Industry baseline → ${lvl.en}`,
        textZh: f.baselineReason?.textZh ?? `行业基准 → ${lvl.zh}`,
      }
    default:
      return methodRule(f, lvl)
  }
}

function methodRule(f: SourceFacts, lvl: { zh: string; en: string }): SourceRule {
  if (f.method === 'lec' && f.lec) {
    const [L, E, C] = f.lec
    return { rule: 'lec', text: `LEC: D = ${L} × ${E} × ${C} = ${f.score} → ${lvl.en}`, textZh: `LEC 法：D = ${L} × ${E} × ${C} = ${f.score} → ${lvl.zh}` }
  }
  if (f.method === 'matrix' && f.matrix) {
    const [L, S] = f.matrix
    return { rule: 'matrix', text: `Risk matrix: R = ${L} × ${S} = ${f.score} → ${lvl.en}`, textZh: `风险矩阵法：R = ${L} × ${S} = ${f.score} → ${lvl.zh}` }
  }
  const method = f.statedMethod ? ` (${f.statedMethod})` : ''
  return { rule: 'stated', text: `Stated level${method}: ${lvl.en}`, textZh: `评估结论${method ? `（${f.statedMethod}）` : ''}：${lvl.zh}` }
}
