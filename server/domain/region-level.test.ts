import { describe, expect, it } from 'vitest'
import { regionLevel, type LevelShares } from './region-level'
import { DEFAULT_RULES, RULES_2026_1, type RuleSet } from './rules'
import type { Level } from './levels'

describe('regionLevel (rule version 2026.2: area shares)', () => {
  it('uses the documented default thresholds', () => {
    expect(DEFAULT_RULES.version).toBe('2026.3')
    expect(DEFAULT_RULES.region).toEqual({ method: 'shares', minShare: { 4: 0.05, 3: 0.15, 2: 0.3, 1: 0 } })
  })

  // [what, shares, level, highest cell level, rule]
  const cases: Array<[string, LevelShares, Level, Level, string]> = [
    ['nothing graded', { 0: 1 }, 0, 0, 'none'],
    ['empty shares', {}, 0, 0, 'none'],
    ['a sliver of blue', { 0: 0.999, 1: 0.001 }, 1, 1, 'shares'],
    ['one small red spot in a rural county', { 0: 0.96, 1: 0.02, 2: 0.01, 3: 0.005, 4: 0.005 }, 1, 4, 'shares'],
    ['red exactly at 5 %', { 0: 0.95, 4: 0.05 }, 4, 4, 'shares'],
    ['red just below 5 %, nothing else', { 0: 0.951, 4: 0.049 }, 1, 4, 'shares'],
    ['red 4.9 % + orange 10.1 % = 15 % orange or above', { 0: 0.85, 3: 0.101, 4: 0.049 }, 3, 4, 'shares'],
    ['orange 14.9 % with yellow 15.1 % = 30 % yellow or above', { 0: 0.7, 2: 0.151, 3: 0.149 }, 2, 3, 'shares'],
    ['yellow 29.9 %', { 0: 0.701, 2: 0.299 }, 1, 2, 'shares'],
    ['an urban district mostly yellow', { 0: 0.1, 1: 0.3, 2: 0.45, 3: 0.1, 4: 0.05 }, 4, 4, 'shares'],
    ['a whole red region', { 4: 1 }, 4, 4, 'shares'],
    ['a whole blue region', { 1: 1 }, 1, 1, 'shares'],
  ]
  it.each(cases)('%s', (_what, shares, level, highest, rule) => {
    const result = regionLevel(shares)
    expect(result).toMatchObject({ level, highestLevel: highest, rule })
    expect(result.level).toBeLessThanOrEqual(result.highestLevel)
    expect(result.explanation.length).toBeGreaterThan(10)
    expect(result.explanationZh.length).toBeGreaterThan(5)
  })

  it('explains which threshold decided, in both languages', () => {
    const result = regionLevel({ 0: 0.85, 3: 0.101, 4: 0.049 })
    expect(result.explanation).toBe(
      '15 % of the area is orange or above (at least 15 % makes a region orange); 4.9 % is red, below 5 %; its highest cell is red',
    )
    expect(result.explanationZh).toContain('较大风险及以上面积占 15 %')
    expect(result.explanationZh).toContain('区域内最高网格等级为重大风险')
  })

  it('is monotone: raising any cell (moving area up a level) never lowers the region', () => {
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 500; i++) {
      const raw = [random(), random(), random(), random() * 0.3, random() * 0.1]
      const sum = raw.reduce((a, b) => a + b, 0)
      const shares = Object.fromEntries(raw.map((v, k) => [String(k), v / sum])) as Record<string, number>
      const from = Math.floor(random() * 4)
      const moved = { ...shares }
      const amount = shares[String(from)]! * random()
      moved[String(from)] = shares[String(from)]! - amount
      moved[String(from + 1)] = shares[String(from + 1)]! + amount
      expect(regionLevel(moved).level).toBeGreaterThanOrEqual(regionLevel(shares).level)
    }
  })

  it('follows configurable thresholds', () => {
    const strict: RuleSet = structuredClone(DEFAULT_RULES)
    strict.region.minShare = { 4: 0.2, 3: 0.4, 2: 0.6, 1: 0.1 }
    expect(regionLevel({ 0: 0.85, 3: 0.101, 4: 0.049 }, strict)).toMatchObject({ level: 1, highestLevel: 4 })
    expect(regionLevel({ 0: 0.95, 1: 0.05 }, strict)).toMatchObject({ level: 1 })
  })

  it('rule version 2026.1 takes the highest cell level (就高)', () => {
    expect(RULES_2026_1.version).toBe('2026.1')
    expect(regionLevel({ 0: 0.96, 1: 0.02, 4: 0.02 }, RULES_2026_1)).toMatchObject({ level: 4, highestLevel: 4, rule: 'highest' })
  })

  it('names the field of a bad share or threshold', () => {
    expect(() => regionLevel({ 4: 1.5 })).toThrow(/shares\.4: must be a share between 0 and 1/)
    expect(() => regionLevel({ 2: -0.1 })).toThrow(/shares\.2/)
    const bad: RuleSet = structuredClone(DEFAULT_RULES)
    bad.region.minShare[3] = Number.NaN
    expect(() => regionLevel({ 3: 0.5 }, bad)).toThrow(/region\.minShare\.3/)
  })
})
