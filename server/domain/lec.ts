/**
 * LEC job-hazard grading (作业条件危险性评价法, docs/domain.md §3.2): D = L × E × C, all dimensionless.
 */
import { invalid } from './errors'
import type { Level } from './levels'
import { DEFAULT_RULES, type RuleSet } from './rules'

export interface LecInput {
  /** Likelihood L, one of `rules.lec.L`. */
  L: number
  /** Exposure frequency E, one of `rules.lec.E`. */
  E: number
  /** Consequence C, one of `rules.lec.C`. */
  C: number
}

export interface LecResult {
  /** L × E × C, rounded to 6 decimals so 0.1 × 10 × 7 reads 7, not 7.000000000000001. */
  D: number
  level: Level
}

/**
 * Products of decimal factors carry float noise (0.1 × 6 × 100 = 60.00000000000001); D within this
 * of a band bound counts as on the bound, so D = 70 is blue and anything above it yellow.
 */
const D_EPSILON = 1e-9

/** Grades an LEC assessment; L, E and C outside their value sets throw `invalid('L'|'E'|'C')`. */
export function gradeLec(input: LecInput, rules: RuleSet = DEFAULT_RULES): LecResult {
  const sets = { L: rules.lec.L, E: rules.lec.E, C: rules.lec.C }
  for (const field of ['L', 'E', 'C'] as const) {
    const value = input[field]
    if (typeof value !== 'number' || !sets[field].includes(value)) {
      throw invalid(field, `must be one of ${sets[field].join(', ')}`)
    }
  }
  const D = Math.round(input.L * input.E * input.C * 1e6) / 1e6
  return { D, level: lecLevelForD(D, rules) }
}

/** The level of an LEC score D: strictly above a band bound reaches that band. */
export function lecLevelForD(D: number, rules: RuleSet = DEFAULT_RULES): Level {
  for (const band of rules.lec.bands) {
    if (D > band.bound + D_EPSILON) return band.level
  }
  return rules.lec.lowest
}
