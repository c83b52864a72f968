import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { enterpriseLevel, isUnverifiedMajorHiddenDanger, type EnterpriseLevelInput } from './enterprise-level'
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

const base: EnterpriseLevelInput = { industry: 'manufacturing', highHazard: false, majorHazards: [], safetyRisks: [], hiddenDangers: [] }
const withOrange: EnterpriseLevelInput = { ...base, majorHazards: [{ id: 11, level: 3 }] }

describe('enterpriseLevel', () => {
  const cases: Array<{
    label: string
    input: EnterpriseLevelInput
    level: number
    inherentLevel: number
    rule: string
    sourceKind?: string
    sourceId?: number
  }> = [
    {
      label: 'open major hidden danger → red',
      input: { ...withOrange, hiddenDangers: [{ id: 5, isMajor: true, status: 'open' }] },
      level: 4,
      inherentLevel: 3,
      rule: 'hidden_danger_red',
      sourceKind: 'hidden_danger',
      sourceId: 5,
    },
    {
      label: 'rectified but not verified major hidden danger → still red',
      input: { ...withOrange, hiddenDangers: [{ id: 5, isMajor: true, status: 'rectified' }] },
      level: 4,
      inherentLevel: 3,
      rule: 'hidden_danger_red',
      sourceKind: 'hidden_danger',
      sourceId: 5,
    },
    {
      label: 'verified major hidden danger → highest source again',
      input: { ...withOrange, hiddenDangers: [{ id: 5, isMajor: true, status: 'verified' }] },
      level: 3,
      inherentLevel: 3,
      rule: 'highest_source',
      sourceKind: 'major_hazard',
      sourceId: 11,
    },
    {
      label: 'open non-major hidden danger is ignored',
      input: { ...withOrange, hiddenDangers: [{ id: 5, isMajor: false, status: 'open' }] },
      level: 3,
      inherentLevel: 3,
      rule: 'highest_source',
      sourceKind: 'major_hazard',
      sourceId: 11,
    },
    {
      label: 'several blocking hidden dangers → the lowest id is named',
      input: {
        ...base,
        hiddenDangers: [
          { id: 9, isMajor: true, status: 'open' },
          { id: 4, isMajor: true, status: 'rectified' },
          { id: 2, isMajor: true, status: 'verified' },
        ],
      },
      level: 4,
      inherentLevel: 0,
      rule: 'hidden_danger_red',
      sourceKind: 'hidden_danger',
      sourceId: 4,
    },
    {
      label: 'highest source, tie → major hazard before safety risk',
      input: {
        ...base,
        majorHazards: [
          { id: 1, level: 2 },
          { id: 2, level: 3 },
        ],
        safetyRisks: [{ id: 7, level: 3 }],
      },
      level: 3,
      inherentLevel: 3,
      rule: 'highest_source',
      sourceKind: 'major_hazard',
      sourceId: 2,
    },
    {
      label: 'highest source is a safety risk',
      input: {
        ...base,
        majorHazards: [{ id: 1, level: 2 }],
        safetyRisks: [
          { id: 8, level: 4 },
          { id: 7, level: 4 },
        ],
      },
      level: 4,
      inherentLevel: 4,
      rule: 'highest_source',
      sourceKind: 'safety_risk',
      sourceId: 7,
    },
    {
      label: 'high-hazard industry reporting a blue risk is blue (baseline only when nothing is reported)',
      input: { ...base, industry: 'hazardous_chemicals', safetyRisks: [{ id: 3, level: 1 }] },
      level: 1,
      inherentLevel: 1,
      rule: 'highest_source',
      sourceKind: 'safety_risk',
      sourceId: 3,
    },
    {
      label: 'baseline: high-hazard industry → yellow',
      input: { ...base, industry: 'mining' },
      level: 2,
      inherentLevel: 0,
      rule: 'baseline',
    },
    {
      label: 'baseline: high-hazard by flag → yellow',
      input: { ...base, industry: 'warehousing', highHazard: true },
      level: 2,
      inherentLevel: 0,
      rule: 'baseline',
    },
    {
      label: 'baseline: other → blue',
      input: { ...base, industry: 'retail' },
      level: 1,
      inherentLevel: 0,
      rule: 'baseline',
    },
    {
      label: 'sources of level 0 (not identified) count as nothing reported',
      input: { ...base, industry: 'fireworks', majorHazards: [{ id: 1, level: 0 }] },
      level: 2,
      inherentLevel: 0,
      rule: 'baseline',
    },
  ]
  it.each(cases)('$label', ({ input, level, inherentLevel, rule, sourceKind, sourceId }) => {
    const result = enterpriseLevel(input)
    expect(result.level).toBe(level)
    expect(result.inherentLevel).toBe(inherentLevel)
    expect(result.reason.rule).toBe(rule)
    expect(result.reason.sourceKind).toBe(sourceKind)
    expect(result.reason.sourceId).toBe(sourceId)
    expect(result.reason.text.length).toBeGreaterThan(10)
    expect(result.reason.textZh.length).toBeGreaterThan(5)
  })

  it('explains in English and Chinese', () => {
    const { reason } = enterpriseLevel({ ...withOrange, hiddenDangers: [{ id: 5, isMajor: true, status: 'rectified' }] })
    expect(reason.text).toMatch(/#5 is rectified but not verified/)
    expect(reason.textZh).toMatch(/已整改未验收/)
  })

  it('direct red can be switched off in the rule set', () => {
    const rules = structuredClone(DEFAULT_RULES)
    rules.enterprise.directRedOnMajorHiddenDanger = false
    const result = enterpriseLevel({ ...withOrange, hiddenDangers: [{ id: 5, isMajor: true, status: 'open' }] }, rules)
    expect(result.level).toBe(3)
    expect(result.reason.rule).toBe('highest_source')
  })

  const invalidCases: Array<[string, EnterpriseLevelInput, string]> = [
    ['unknown industry', { ...base, industry: 'bakery' }, 'industry'],
    ['major hazard level 7', { ...base, majorHazards: [{ id: 1, level: 7 as never }] }, 'majorHazards[0].level'],
    [
      'safety risk level 1.5',
      {
        ...base,
        safetyRisks: [
          { id: 1, level: 1 },
          { id: 2, level: 1.5 as never },
        ],
      },
      'safetyRisks[1].level',
    ],
    ['hidden danger status closed', { ...base, hiddenDangers: [{ id: 1, isMajor: true, status: 'closed' as never }] }, 'hiddenDangers[0].status'],
  ]
  it.each(invalidCases)('rejects %s naming %s', (_label, input, field) => {
    expect(fieldOf(() => enterpriseLevel(input))).toBe(field)
  })
})

describe('isUnverifiedMajorHiddenDanger', () => {
  const cases: Array<[boolean, 'open' | 'rectified' | 'verified', boolean]> = [
    [true, 'open', true],
    [true, 'rectified', true],
    [true, 'verified', false],
    [false, 'open', false],
    [false, 'rectified', false],
  ]
  it.each(cases)('isMajor %s, status %s → %s', (isMajor, status, expected) => {
    expect(isUnverifiedMajorHiddenDanger({ isMajor, status })).toBe(expected)
  })
})
