import { describe, expect, it } from 'vitest'
import {
  coverageGaps,
  explicitTierReason,
  jurisdictionPrefix,
  resolveTier,
  specialtyOf,
  SPECIALIST_FIELDS,
  SPECIALIST_NEEDS,
  type CoverageInput,
  type StoredTier,
} from './supervision'
import { DEFAULT_RULES } from './rules'
import type { SupervisionTierInput } from './tier'

const small: SupervisionTierInput = { affiliation: 'township', scale: 'small', highHazard: false, centralVertical: false, delegateOutletsToCounty: true }
const byRule = (tier: StoredTier['tier'], reason: string | null): StoredTier => ({ tier, source: 'rule', reason })
const explicit = (tier: StoredTier['tier']): StoredTier => ({ tier, source: 'explicit', reason: explicitTierReason('协调会议决定', '王科长', '2026-03-01') })

describe('resolveTier: the rule unless an explicit assignment stands', () => {
  const cases: Array<[string, SupervisionTierInput, StoredTier, { tier: string | null; source: string; changed: boolean; ruleTier: string | null }]> = [
    [
      'rule-based and current: unchanged',
      small,
      byRule('township', 'small enterprise, not high-hazard, affiliated to the township level'),
      { tier: 'township', source: 'rule', changed: false, ruleTier: 'township' },
    ],
    [
      'rule-based, attributes changed: follows the rule',
      { ...small, highHazard: true, scale: 'large' },
      byRule('township', 'old'),
      { tier: 'city', source: 'rule', changed: true, ruleTier: 'city' },
    ],
    ['rule-based with no tier yet: gets one', small, byRule(null, null), { tier: 'township', source: 'rule', changed: true, ruleTier: 'township' }],
    ['explicit city over a township rule: kept', small, explicit('city'), { tier: 'city', source: 'explicit', changed: false, ruleTier: 'township' }],
    [
      'explicit township over a city rule: kept',
      { ...small, affiliation: 'city' },
      explicit('township'),
      { tier: 'township', source: 'explicit', changed: false, ruleTier: 'city' },
    ],
    ['explicit equal to the rule: still explicit', small, explicit('township'), { tier: 'township', source: 'explicit', changed: false, ruleTier: 'township' }],
    [
      'explicit, attributes change: kept',
      { ...small, scale: 'large', highHazard: true },
      explicit('county'),
      { tier: 'county', source: 'explicit', changed: false, ruleTier: 'city' },
    ],
    [
      'removed assignment (stored as rule): back to the rule',
      small,
      { ...explicit('city'), source: 'rule' },
      { tier: 'township', source: 'rule', changed: true, ruleTier: 'township' },
    ],
    [
      'rule-based, central vertical: excluded',
      { ...small, centralVertical: true },
      byRule('county', 'x'),
      { tier: null, source: 'rule', changed: true, ruleTier: null },
    ],
    [
      'rule-based outlet, delegation on: county',
      { ...small, scale: 'medium', highHazard: true, isOutlet: true },
      byRule('city', 'x'),
      { tier: 'county', source: 'rule', changed: true, ruleTier: 'county' },
    ],
  ]
  it.each(cases)('%s', (_name, input, stored, expected) => {
    const resolved = resolveTier(input, stored)
    expect(resolved).toMatchObject({ tier: expected.tier, source: expected.source, changed: expected.changed })
    expect(resolved.rule.tier).toBe(expected.ruleTier)
    if (expected.source === 'explicit') expect(resolved.reason).toBe(stored.reason)
    else expect(resolved.reason).toBe(resolved.rule.reason)
  })

  it('records an explicit assignment as "explicit: <reason> (by <who>, <date>)"', () => {
    expect(explicitTierReason(' 跨区经营，市级统一监管 ', ' 张处长 ', '2026-05-04')).toBe('explicit: 跨区经营，市级统一监管 (by 张处长, 2026-05-04)')
  })
})

describe('coverageGaps', () => {
  const fire = { specialty: 'fire' }
  const equipment = { specialty: 'special_equipment' }
  const covered: CoverageInput = {
    industry: 'hazardous_chemicals',
    centralVertical: false,
    industryDepartmentId: 7,
    specialistDepartments: [fire, equipment],
    responsiblePerson: '李四',
    tier: 'county',
  }
  const cases: Array<[string, Partial<CoverageInput>, Array<{ kind: string; specialty?: string }>]> = [
    ['fully covered', {}, []],
    ['no industry department', { industryDepartmentId: null }, [{ kind: 'industry_department' }]],
    ['chemicals without special equipment', { specialistDepartments: [fire] }, [{ kind: 'specialist_department', specialty: 'special_equipment' }]],
    [
      'gas without any specialist',
      { industry: 'gas', specialistDepartments: [] },
      [
        { kind: 'specialist_department', specialty: 'fire' },
        { kind: 'specialist_department', specialty: 'special_equipment' },
      ],
    ],
    [
      'fireworks with a specialist of no stated field',
      { industry: 'fireworks', specialistDepartments: [{ specialty: null }, fire] },
      [{ kind: 'specialist_department', specialty: 'special_equipment' }],
    ],
    ['retail needs fire only', { industry: 'retail', specialistDepartments: [fire] }, []],
    ['manufacturing needs no specialist', { industry: 'manufacturing', specialistDepartments: [] }, []],
    ['blank responsible person', { responsiblePerson: '  ' }, [{ kind: 'responsible_person' }]],
    ['no tier', { tier: null }, [{ kind: 'tier' }]],
    [
      'everything missing',
      { industry: 'warehousing', industryDepartmentId: null, specialistDepartments: [], responsiblePerson: null, tier: null },
      [{ kind: 'industry_department' }, { kind: 'specialist_department', specialty: 'fire' }, { kind: 'responsible_person' }, { kind: 'tier' }],
    ],
    ['central vertical: excluded, never a gap', { centralVertical: true, industryDepartmentId: null, tier: null, responsiblePerson: null }, []],
  ]
  it.each(cases)('%s', (_name, change, gaps) => {
    const result = coverageGaps({ ...covered, ...change })
    expect(result.map(({ kind, specialty }) => (specialty ? { kind, specialty } : { kind }))).toEqual(gaps)
    for (const g of result) expect(g.message.length).toBeGreaterThan(0)
  })

  it('names the missing field in Chinese and English', () => {
    expect(coverageGaps({ ...covered, specialistDepartments: [equipment] })[0]!.message).toBe(
      'no specialist department for fire safety (消防), which hazardous_chemicals needs',
    )
  })

  it('only names industries and fields that exist', () => {
    const industries = DEFAULT_RULES.industries.map((i) => i.code)
    const fields = SPECIALIST_FIELDS.map((f) => f.code)
    for (const [industry, needs] of Object.entries(SPECIALIST_NEEDS)) {
      expect(industries).toContain(industry)
      for (const need of needs) expect(fields).toContain(need)
    }
  })
})

describe('specialtyOf', () => {
  it.each([
    [{ kind: 'specialist', name: '沈阳市消防救援支队' }, 'fire'],
    [{ kind: 'specialist', name: '沈阳市市场监督管理局（特种设备）' }, 'special_equipment'],
    [{ kind: 'specialist', name: '某专业监管部门' }, null],
    [{ kind: 'industry', name: '消防产品行业管理办公室' }, null],
  ] as const)('%j → %s', (department, specialty) => {
    expect(specialtyOf(department)).toBe(specialty)
  })
})

describe('jurisdictionPrefix', () => {
  it.each([
    ['210000', '21'],
    ['210100', '2101'],
    ['210102', '210102'],
    ['210102001', '210102001'],
  ])('%s → %s', (code, prefix) => {
    expect(jurisdictionPrefix(code)).toBe(prefix)
  })
})
