import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { gradeByMethod } from '../../server/modules/sources'
import { gradeMethod } from '../../server/modules/transfer/kind-sources'

// An imported row's method columns are graded by the same function as the API's method block
// (sources' gradeByMethod); the importer only maps its flat columns and words the problems per row.

describe('grading the method columns of an imported row', () => {
  it('gives what the API stores for the same assessment', () => {
    expect(gradeMethod({ lecL: 3, lecE: 6, lecC: 7 }, DEFAULT_RULES)).toEqual(gradeByMethod({ method: 'lec', lec: { L: 3, E: 6, C: 7 } }, DEFAULT_RULES))
    expect(gradeMethod({ method: 'matrix', matrixL: 4, matrixS: 5 }, DEFAULT_RULES)).toEqual(
      gradeByMethod({ method: 'matrix', matrix: { L: 4, S: 5 } }, DEFAULT_RULES),
    )
    expect(gradeMethod({ statedLevel: '3' }, DEFAULT_RULES)).toMatchObject({ method: 'stated', stated_method: '指定', level: 3, score: null })
  })

  it.each([
    [{}, [{ field: 'method', code: 'assessment_missing' }]],
    [
      { method: 'lec', lecL: 3 },
      [
        { field: 'lecE', code: 'required_for_method' },
        { field: 'lecC', code: 'required_for_method' },
      ],
    ],
    [{ lecL: 3, lecE: 5, lecC: 7 }, [{ field: 'lecE', value: 5, code: 'lec_not_in_set', params: { allowed: DEFAULT_RULES.lec.E.map(String) } }]],
    [{ matrixL: 9, matrixS: 2 }, [{ field: 'matrixL', value: 9, code: 'matrix_out_of_range', params: { min: 1, max: 5 } }]],
  ])('names the column and the rule of %j', (row, problems) => {
    const result = gradeMethod(row, DEFAULT_RULES)
    expect(Array.isArray(result)).toBe(true)
    expect(result).toEqual(problems.map((p) => expect.objectContaining(p)))
  })
})
