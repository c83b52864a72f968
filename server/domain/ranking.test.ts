import { describe, expect, it } from 'vitest'
import { parseWeights, priorityScore, rankAreas, type PriorityInputs } from './ranking'
import { DEFAULT_RULES, PRIORITY_PARTS, type RuleSet } from './rules'
import { AppError } from './errors'

const none: PriorityInputs = { level: 0, riskScore: 0, population: 0, gapShare: 0, responseM: null, overdue: 0, openHiddenDangers: 0 }

describe('priorityScore (docs/ranking.md)', () => {
  it('has documented default weights that add up to 100 points', () => {
    expect(DEFAULT_RULES.version).toBe('2026.3')
    expect(DEFAULT_RULES.ranking.weights).toEqual({
      riskLevel: 25,
      riskScore: 15,
      exposure: 15,
      coverageGap: 10,
      responseDistance: 10,
      overdue: 15,
      openHiddenDangers: 10,
    })
    expect(Object.values(DEFAULT_RULES.ranking.weights).reduce((a, b) => a + b, 0)).toBe(100)
  })

  // [what, inputs, score, points by part (omitted parts are 0)]
  const cases: Array<[string, Partial<PriorityInputs>, number, Partial<Record<(typeof PRIORITY_PARTS)[number], number>>]> = [
    ['nothing at all', {}, 0, {}],
    ['a blue area, nothing else', { level: 1 }, 6.25, { riskLevel: 6.25 }],
    ['a red area', { level: 4 }, 25, { riskLevel: 25 }],
    ['risk score at half of full', { level: 2, riskScore: 150 }, 20, { riskLevel: 12.5, riskScore: 7.5 }],
    ['risk score beyond full is capped', { riskScore: 3000 }, 15, { riskScore: 15 }],
    ['exposure 1 000 persons of 5 000', { population: 1000 }, 3, { exposure: 3 }],
    [
      'all of the risk area out of reach, no team at all',
      { level: 3, gapShare: 1, responseM: 15000 },
      38.75,
      { riskLevel: 18.75, coverageGap: 10, responseDistance: 10 },
    ],
    ['a third of the risk area out of reach', { gapShare: 1 / 3, responseM: 5000 }, 6.66, { coverageGap: 3.33, responseDistance: 3.33 }],
    ['no risk cell: no response distance', { level: 1, responseM: null }, 6.25, { riskLevel: 6.25, responseDistance: 0 }],
    ['two overdue, three open', { overdue: 2, openHiddenDangers: 3 }, 9, { overdue: 6, openHiddenDangers: 3 }],
    ['backlog beyond full is capped', { overdue: 50, openHiddenDangers: 100 }, 25, { overdue: 15, openHiddenDangers: 10 }],
    [
      'everything full',
      { level: 4, riskScore: 300, population: 5000, gapShare: 1, responseM: 15000, overdue: 5, openHiddenDangers: 10 },
      100,
      {
        riskLevel: 25,
        riskScore: 15,
        exposure: 15,
        coverageGap: 10,
        responseDistance: 10,
        overdue: 15,
        openHiddenDangers: 10,
      },
    ],
    [
      'rounding: every part a third',
      { level: 4, riskScore: 100, population: 5000 / 3, gapShare: 1 / 3, responseM: 5000, overdue: 5 / 3, openHiddenDangers: 10 / 3 },
      49.99,
      {
        riskLevel: 25,
        riskScore: 5,
        exposure: 5,
        coverageGap: 3.33,
        responseDistance: 3.33,
        overdue: 5,
        openHiddenDangers: 3.33,
      },
    ],
  ]

  it.each(cases)('%s', (_what, partial, score, points) => {
    const result = priorityScore({ ...none, ...partial })
    expect(result.score).toBe(score)
    expect(result.parts.map((p) => p.part)).toEqual([...PRIORITY_PARTS])
    for (const part of result.parts) expect(part.points).toBe(points[part.part] ?? 0)
    // The parts add up to the score.
    expect(result.parts.reduce((sum, p) => sum + p.points, 0)).toBeCloseTo(result.score, 9)
  })

  it('parts add up to the score over many random areas and weights', () => {
    let seed = 17
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 500; i++) {
      const weights = Object.fromEntries(PRIORITY_PARTS.map((p) => [p, Math.round(random() * 4000) / 100])) as Record<(typeof PRIORITY_PARTS)[number], number>
      const inputs: PriorityInputs = {
        level: Math.floor(random() * 5) as PriorityInputs['level'],
        riskScore: random() * 600,
        population: random() * 9000,
        gapShare: random(),
        responseM: random() < 0.2 ? null : random() * 30000,
        overdue: Math.floor(random() * 9),
        openHiddenDangers: Math.floor(random() * 20),
      }
      const result = priorityScore(inputs, DEFAULT_RULES, weights)
      const sum = result.parts.reduce((s, p) => s + p.points, 0)
      expect(Math.abs(sum - result.score)).toBeLessThan(1e-9)
      const maxScore = Object.values(weights).reduce((a, b) => a + b, 0)
      expect(result.score).toBeLessThanOrEqual(maxScore + 0.01)
    }
  })

  it('raising any input never lowers the score', () => {
    const base: PriorityInputs = { level: 2, riskScore: 50, population: 300, gapShare: 0.2, responseM: 4000, overdue: 1, openHiddenDangers: 2 }
    const before = priorityScore(base).score
    const raised: Array<Partial<PriorityInputs>> = [
      { level: 3 },
      { riskScore: 60 },
      { population: 400 },
      { gapShare: 0.3 },
      { responseM: 5000 },
      { overdue: 2 },
      { openHiddenDangers: 3 },
    ]
    for (const change of raised) expect(priorityScore({ ...base, ...change }).score).toBeGreaterThan(before)
  })

  it('uses the rule set it is given', () => {
    const rules: RuleSet = structuredClone(DEFAULT_RULES) as RuleSet
    rules.ranking.full.population = 1000
    expect(priorityScore({ ...none, population: 1000 }, rules).score).toBe(15)
  })

  const badInputs: Array<[Partial<PriorityInputs>, string]> = [
    [{ level: 5 as PriorityInputs['level'] }, 'inputs.level'],
    [{ riskScore: -1 }, 'inputs.riskScore'],
    [{ population: Number.NaN }, 'inputs.population'],
    [{ gapShare: 1.5 }, 'inputs.gapShare'],
    [{ responseM: -3 }, 'inputs.responseM'],
    [{ overdue: Number.POSITIVE_INFINITY }, 'inputs.overdue'],
  ]
  it.each(badInputs)('refuses %o naming %s', (partial, field) => {
    try {
      priorityScore({ ...none, ...partial })
      expect.unreachable('accepted a bad input')
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).details[0]!.field).toBe(field)
    }
  })
})

describe('parseWeights', () => {
  it('returns the rule set weights without a parameter', () => {
    expect(parseWeights(undefined)).toEqual(DEFAULT_RULES.ranking.weights)
    expect(parseWeights('')).toEqual(DEFAULT_RULES.ranking.weights)
  })

  it('replaces the named parts', () => {
    expect(parseWeights('exposure:0, overdue:30.5')).toEqual({ ...DEFAULT_RULES.ranking.weights, exposure: 0, overdue: 30.5 })
  })

  const bad: Array<[string, string]> = [
    ['population:10', 'weights.population'],
    ['riskLevel:-1', 'weights.riskLevel'],
    ['riskLevel:abc', 'weights.riskLevel'],
    ['riskLevel:5000', 'weights.riskLevel'],
    ['riskLevel', 'weights'],
    [PRIORITY_PARTS.map((p) => `${p}:0`).join(','), 'weights'],
  ]
  it.each(bad)('%s → 400 naming %s', (text, field) => {
    try {
      parseWeights(text)
      expect.unreachable('accepted bad weights')
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).statusCode).toBe(400)
      expect((err as AppError).details[0]!.field).toBe(field)
    }
  })
})

describe('rankAreas', () => {
  it('orders by score, ties by key, equal scores share a rank', () => {
    const ranked = rankAreas([
      { key: 'b', score: 10 },
      { key: 'a', score: 30 },
      { key: 'd', score: 10 },
      { key: 'c', score: 5 },
    ])
    expect(ranked.map((r) => [r.key, r.rank])).toEqual([
      ['a', 1],
      ['b', 2],
      ['d', 2],
      ['c', 4],
    ])
  })

  it('ranks nothing as nothing', () => {
    expect(rankAreas([])).toEqual([])
  })
})
