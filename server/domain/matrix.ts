/**
 * Risk-matrix grading (风险矩阵法, docs/domain.md §3.2): R = L × S, with likelihood L and severity S integers 1..5.
 */
import { invalid } from './errors'
import type { Level } from './levels'
import { DEFAULT_RULES, type RuleSet } from './rules'

export interface MatrixInput {
  /** Likelihood, integer `rules.matrix.min`..`max` (1..5). */
  L: number
  /** Severity, integer `rules.matrix.min`..`max` (1..5). */
  S: number
}

export interface MatrixResult {
  /** L × S, dimensionless (1..25). */
  R: number
  level: Level
}

/** Grades a risk-matrix assessment; L or S not an integer in range throws `invalid('L'|'S')`. */
export function gradeMatrix(input: MatrixInput, rules: RuleSet = DEFAULT_RULES): MatrixResult {
  const { min, max } = rules.matrix
  for (const field of ['L', 'S'] as const) {
    const value = input[field]
    if (!Number.isInteger(value) || value < min || value > max) {
      throw invalid(field, `must be an integer from ${min} to ${max}`)
    }
  }
  const R = input.L * input.S
  return { R, level: matrixLevelForR(R, rules) }
}

/** The level of a matrix score R: at or above a band bound reaches that band. */
export function matrixLevelForR(R: number, rules: RuleSet = DEFAULT_RULES): Level {
  for (const band of rules.matrix.bands) {
    if (R >= band.bound) return band.level
  }
  return rules.matrix.lowest
}
