import { describe, expect, it } from 'vitest'
import { generateDemo } from '../../server/demo/generate'
import { DEMO_TARGET_SHARES, generatedDemoShares } from '../../server/demo/shares'
import { DEFAULT_RULES } from '../../server/domain/rules'

// The demo city as served (default seed, scale 1) should look like a published four-colour map:
// a few percent red, more orange, more yellow, mostly blue (docs/region-grading.md, "The demo city").
describe('the demo city’s area shares', () => {
  it('lie within the target ranges, each level rarer than the one below', { timeout: 120_000 }, () => {
    const today = new Date('2026-03-15T00:00:00Z')
    const shares = generatedDemoShares(generateDemo({ scale: 1, today }), today, 8, DEFAULT_RULES)
    for (const level of ['1', '2', '3', '4'] as const) {
      const [min, max] = DEMO_TARGET_SHARES[level]
      expect(shares[level], `level ${level}: ${JSON.stringify(shares)}`).toBeGreaterThanOrEqual(min)
      expect(shares[level], `level ${level}: ${JSON.stringify(shares)}`).toBeLessThanOrEqual(max)
    }
    expect(shares['4']).toBeLessThan(shares['3'])
    expect(shares['3']).toBeLessThan(shares['2'])
    expect(shares['2']).toBeLessThan(shares['1'])
    expect(shares['1'] + shares['2'] + shares['3'] + shares['4']).toBeCloseTo(1, 9)
  })
})
