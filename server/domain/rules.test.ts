import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES, industryByCode, KNOWN_HAZARD_CLASSES } from './rules'

describe('DEFAULT_RULES', () => {
  it('is version 2026.3 and frozen', () => {
    expect(DEFAULT_RULES.version).toBe('2026.3')
    expect(Object.isFrozen(DEFAULT_RULES)).toBe(true)
    expect(Object.isFrozen(DEFAULT_RULES.majorHazard.alphaBands[0])).toBe(true)
  })

  it('can be copied and varied', () => {
    const copy = structuredClone(DEFAULT_RULES)
    copy.accumulation.n = 2
    expect(copy.accumulation.n).toBe(2)
    expect(DEFAULT_RULES.accumulation.n).toBe(3)
  })

  it('alpha bands descend and end at 0 persons', () => {
    const mins = DEFAULT_RULES.majorHazard.alphaBands.map((b) => b.minPopulation)
    expect(mins).toEqual([...mins].sort((a, b) => b - a))
    expect(mins[mins.length - 1]).toBe(0)
  })

  it('has a beta for every known hazard class and no other', () => {
    expect(Object.keys(DEFAULT_RULES.majorHazard.classBetas).sort()).toEqual([...KNOWN_HAZARD_CLASSES].sort())
    expect(KNOWN_HAZARD_CLASSES).toHaveLength(25)
  })

  const classCases: Array<[string, number]> = [
    ['J1', 4],
    ['J2', 1],
    ['J3', 2],
    ['J4', 2],
    ['J5', 1],
    ['W1.1', 2],
    ['W1.2', 2],
    ['W1.3', 2],
    ['W2', 1.5],
    ['W3', 1],
    ['W4', 1],
    ['W5.1', 1.5],
    ['W5.2', 1],
    ['W6.1', 1.5],
    ['W6.2', 1],
    ['W7.1', 1.5],
    ['W7.2', 1],
    ['W8', 1],
    ['W11', 1],
  ]
  it.each(classCases)('class %s has beta %d', (c, beta) => {
    expect(DEFAULT_RULES.majorHazard.classBetas[c]).toBe(beta)
  })

  it('toxic gases have unique CAS numbers and 14 entries', () => {
    const cas = DEFAULT_RULES.majorHazard.toxicGasBetas.map((g) => g.cas)
    expect(new Set(cas).size).toBe(cas.length)
    expect(cas).toHaveLength(14)
  })

  it('every high-hazard industry is in the vocabulary', () => {
    for (const code of DEFAULT_RULES.enterprise.highHazardIndustries) expect(industryByCode(code)).toBeDefined()
    expect(industryByCode('bakery')).toBeUndefined()
  })

  it('defaults of docs/domain.md §4–§5', () => {
    expect(DEFAULT_RULES.impactRadiusM).toEqual({ 4: 1000, 3: 500, 2: 300, 1: 100 })
    expect(DEFAULT_RULES.score.weights).toEqual({ 4: 100, 3: 30, 2: 10, 1: 3 })
    expect(DEFAULT_RULES.inspection.perYear).toEqual({ 4: 4, 3: 2, 2: 1, 1: 0.5 })
    expect(DEFAULT_RULES.accumulation.n).toBe(3)
    expect(DEFAULT_RULES.staleness.months).toBe(12)
    expect(DEFAULT_RULES.publicReport.deadlineDays).toBe(15)
    expect(DEFAULT_RULES.grid.h3Resolution).toBe(8)
  })
})
