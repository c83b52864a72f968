import { describe, expect, it } from 'vitest'
import { isLevel, isRiskLevel, LEVEL_COLORS, LEVEL_KEYS, levelFromKey, levelKey, maxLevel, type Level } from './levels'

describe('isLevel', () => {
  const cases: Array<[unknown, boolean]> = [
    [0, true],
    [1, true],
    [2, true],
    [3, true],
    [4, true],
    [5, false],
    [-1, false],
    [1.5, false],
    ['1', false],
    [null, false],
    [undefined, false],
    [Number.NaN, false],
  ]
  it.each(cases)('isLevel(%s) → %s', (x, expected) => {
    expect(isLevel(x)).toBe(expected)
  })

  it('isRiskLevel excludes 0', () => {
    expect(isRiskLevel(0)).toBe(false)
    expect(isRiskLevel(4)).toBe(true)
  })
})

describe('maxLevel', () => {
  const cases: Array<[Level[], Level]> = [
    [[], 0],
    [[0], 0],
    [[1, 3, 2], 3],
    [[4, 0], 4],
    [[2, 2], 2],
  ]
  it.each(cases)('maxLevel(%j) → %i', (levels, expected) => {
    expect(maxLevel(...levels)).toBe(expected)
  })
})

describe('keys and colours', () => {
  const cases: Array<[Level, string]> = [
    [0, 'none'],
    [1, 'blue'],
    [2, 'yellow'],
    [3, 'orange'],
    [4, 'red'],
  ]
  it.each(cases)('level %i is %s and round-trips', (level, key) => {
    expect(LEVEL_KEYS[level]).toBe(key)
    expect(levelKey(level)).toBe(key)
    expect(levelFromKey(key)).toBe(level)
    expect(LEVEL_COLORS[level]).toMatch(/^#[0-9a-f]{6}$/)
  })

  it('unknown key → undefined', () => {
    expect(levelFromKey('purple')).toBeUndefined()
  })
})
