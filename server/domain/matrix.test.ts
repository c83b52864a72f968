import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { gradeMatrix, type MatrixInput } from './matrix'

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.details[0]?.field
    throw e
  }
  throw new Error('expected an AppError')
}

/** Reachable products of 1..5 × 1..5: 1–6, 8, 9, 10, 12, 15, 16, 20, 25; every band edge is reachable. */
describe('gradeMatrix', () => {
  const cases: Array<[MatrixInput, number, number]> = [
    [{ L: 1, S: 1 }, 1, 1],
    [{ L: 2, S: 4 }, 8, 1],
    [{ L: 3, S: 3 }, 9, 2],
    [{ L: 2, S: 5 }, 10, 2],
    [{ L: 4, S: 3 }, 12, 2],
    [{ L: 3, S: 5 }, 15, 3],
    [{ L: 4, S: 4 }, 16, 3],
    [{ L: 5, S: 4 }, 20, 4],
    [{ L: 5, S: 5 }, 25, 4],
  ]
  it.each(cases)('%j → R %i, level %i', (input, R, level) => {
    expect(gradeMatrix(input)).toEqual({ R, level })
  })

  const invalidCases: Array<[MatrixInput, string]> = [
    [{ L: 0, S: 1 }, 'L'],
    [{ L: 6, S: 1 }, 'L'],
    [{ L: 2.5, S: 1 }, 'L'],
    [{ L: 1, S: 0 }, 'S'],
    [{ L: 1, S: 6 }, 'S'],
    [{ L: 1, S: Number.NaN }, 'S'],
  ]
  it.each(invalidCases)('rejects %j naming %s', (input, field) => {
    expect(fieldOf(() => gradeMatrix(input))).toBe(field)
  })
})
