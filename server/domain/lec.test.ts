import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { gradeLec, lecLevelForD, type LecInput } from './lec'
import { DEFAULT_RULES } from './rules'

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.details[0]?.field
    throw e
  }
  throw new Error('expected an AppError')
}

/**
 * Band bounds reachable with members of the standard sets (checked by enumerating all 252 products):
 * D = 70 is reachable (10 × 1 × 7, 1 × 10 × 7); the next product above it is 75.
 * D = 160 is NOT reachable: the neighbours are 150 (≤ 160, yellow) and 180 (> 160, orange).
 * D = 320 is NOT reachable: the neighbours are 300 (≤ 320, orange) and 360 (> 320, red).
 */
describe('gradeLec', () => {
  const cases: Array<[LecInput, number, number]> = [
    [{ L: 10, E: 1, C: 7 }, 70, 1],
    [{ L: 1, E: 10, C: 7 }, 70, 1],
    [{ L: 10, E: 0.5, C: 15 }, 75, 2],
    [{ L: 10, E: 1, C: 15 }, 150, 2],
    [{ L: 3, E: 0.5, C: 100 }, 150, 2],
    [{ L: 10, E: 6, C: 3 }, 180, 3],
    [{ L: 10, E: 10, C: 3 }, 300, 3],
    [{ L: 6, E: 0.5, C: 100 }, 300, 3],
    [{ L: 3, E: 3, C: 40 }, 360, 4],
    [{ L: 10, E: 10, C: 100 }, 10000, 4],
    [{ L: 0.1, E: 0.5, C: 1 }, 0.05, 1],
    // 0.1 × 6 × 100 is 60.00000000000001 in floating point; D is reported as 60.
    [{ L: 0.1, E: 6, C: 100 }, 60, 1],
    [{ L: 0.1, E: 10, C: 7 }, 7, 1],
  ]
  it.each(cases)('%j → D %d, level %i', (input, D, level) => {
    expect(gradeLec(input)).toEqual({ D, level })
  })

  it('covers every product of the sets with a level 1..4', () => {
    for (const L of DEFAULT_RULES.lec.L)
      for (const E of DEFAULT_RULES.lec.E) for (const C of DEFAULT_RULES.lec.C) expect([1, 2, 3, 4]).toContain(gradeLec({ L, E, C }).level)
  })
})

describe('lecLevelForD on the bounds', () => {
  const cases: Array<[number, number]> = [
    [70, 1],
    [70 + 1e-12, 1],
    [70.01, 2],
    [72, 2],
    [160, 2],
    [160.01, 3],
    [162, 3],
    [320, 3],
    [320.01, 4],
    [324, 4],
  ]
  it.each(cases)('D %d → level %i', (D, level) => {
    expect(lecLevelForD(D)).toBe(level)
  })
})

describe('gradeLec rejects values outside the sets', () => {
  const cases: Array<[LecInput, string]> = [
    [{ L: 2, E: 1, C: 1 }, 'L'],
    [{ L: Number.NaN, E: 1, C: 1 }, 'L'],
    [{ L: '10' as unknown as number, E: 1, C: 1 }, 'L'],
    [{ L: 1, E: 4, C: 1 }, 'E'],
    [{ L: 1, E: 0, C: 1 }, 'E'],
    [{ L: 1, E: 1, C: 50 }, 'C'],
    [{ L: 1, E: 1, C: -1 }, 'C'],
  ]
  it.each(cases)('%j → field %s', (input, field) => {
    expect(fieldOf(() => gradeLec(input))).toBe(field)
  })

  it('names the allowed values', () => {
    expect(() => gradeLec({ L: 2, E: 1, C: 1 })).toThrow(/must be one of 10, 6, 3, 1, 0.5, 0.2, 0.1/)
  })
})
