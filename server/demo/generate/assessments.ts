/**
 * The LEC / risk-matrix / stated-level columns shared by reported safety risks and area assessments,
 * graded by the domain functions.
 */
import { gradeLec } from '../../domain/lec'
import { gradeMatrix } from '../../domain/matrix'
import { Random } from '../../domain/random'
import { type AssessmentColumns } from './rows'

export const STATED_METHODS = ['安全检查表法（SCL）', '危险与可操作性分析（HAZOP）', '作业危害分析（JHA）', '企业自评（示例）', '第三方安全评价']

/**
 * LEC, matrix or stated assessment columns, graded by the domain functions. `severity` scales the
 * weights of the two worst values of each factor: > 1 skews towards worse, < 1 towards better.
 */
export function assessmentColumns(rng: Random, severity: number): AssessmentColumns {
  const method = rng.weightedKey({ lec: 0.5, matrix: 0.35, stated: 0.15 })
  const blank = { lec_l: null, lec_e: null, lec_c: null, matrix_l: null, matrix_s: null, stated_method: null }
  if (method === 'lec') {
    const L = rng.weighted([10, 6, 3, 1, 0.5, 0.2, 0.1], [0.01 * severity, 0.05 * severity, 0.25, 0.4, 0.15, 0.09, 0.05])
    const E = rng.weighted([10, 6, 3, 2, 1, 0.5], [0.05 * severity, 0.25 * severity, 0.3, 0.2, 0.12, 0.08])
    const C = rng.weighted([100, 40, 15, 7, 3, 1], [0.02 * severity, 0.08 * severity, 0.3, 0.35, 0.18, 0.07])
    const { D, level } = gradeLec({ L, E, C })
    return { ...blank, method, lec_l: L, lec_e: E, lec_c: C, score: D, level }
  }
  if (method === 'matrix') {
    const L = rng.weighted([1, 2, 3, 4, 5], [0.25, 0.35, 0.25, 0.1 * severity, 0.05 * severity])
    const S = rng.weighted([1, 2, 3, 4, 5], [0.2, 0.3, 0.3, 0.13 * severity, 0.07 * severity])
    const { R, level } = gradeMatrix({ L, S })
    return { ...blank, method, matrix_l: L, matrix_s: S, score: R, level }
  }
  const level = rng.weighted([1, 2, 3, 4], [0.45, 0.35, 0.15 * severity, 0.05 * severity])
  return { ...blank, method, stated_method: rng.pick(STATED_METHODS), score: null, level }
}
