import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { highHazardIndustry, supervisionTier, tierWithUnknowns, type SupervisionTierInput } from './tier'

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.details[0]?.field
    throw e
  }
  throw new Error('expected an AppError')
}

const plain: SupervisionTierInput = { affiliation: 'township', scale: 'small', highHazard: false, centralVertical: false }

describe('supervisionTier', () => {
  const cases: Array<[string, SupervisionTierInput, 'city' | 'county' | 'township' | null, RegExp]> = [
    [
      'central vertical supervision is excluded',
      { ...plain, affiliation: 'city', highHazard: true, scale: 'large', centralVertical: true },
      null,
      /central vertical/,
    ],
    ['central-affiliated → city', { ...plain, affiliation: 'central' }, 'city', /central level/],
    ['province-affiliated → city', { ...plain, affiliation: 'province' }, 'city', /province level/],
    ['city-affiliated → city', { ...plain, affiliation: 'city' }, 'city', /city level/],
    ['city-affiliated outlet stays city', { ...plain, affiliation: 'city', isOutlet: true, delegateOutletsToCounty: true }, 'city', /city level/],
    ['large high-hazard → city', { ...plain, scale: 'large', highHazard: true }, 'city', /large high-hazard/],
    ['medium high-hazard, county-affiliated → city', { ...plain, affiliation: 'county', scale: 'medium', highHazard: true }, 'city', /medium high-hazard/],
    [
      'outlet of medium high-hazard, delegation on → county',
      { ...plain, scale: 'medium', highHazard: true, isOutlet: true, delegateOutletsToCounty: true },
      'county',
      /delegated/,
    ],
    [
      'outlet of medium high-hazard, delegation off → city',
      { ...plain, scale: 'medium', highHazard: true, isOutlet: true, delegateOutletsToCounty: false },
      'city',
      /medium high-hazard/,
    ],
    ['delegation on but not an outlet → city', { ...plain, scale: 'large', highHazard: true, delegateOutletsToCounty: true }, 'city', /large high-hazard/],
    ['small high-hazard → county', { ...plain, highHazard: true }, 'county', /small high-hazard/],
    ['micro high-hazard → county', { ...plain, scale: 'micro', highHazard: true }, 'county', /micro high-hazard/],
    ['large, not high-hazard → county', { ...plain, scale: 'large' }, 'county', /large enterprise, not high-hazard/],
    ['medium, not high-hazard → county', { ...plain, scale: 'medium' }, 'county', /medium enterprise/],
    ['small, county-affiliated → county', { ...plain, affiliation: 'county' }, 'county', /county level/],
    ['small, township-affiliated → township', plain, 'township', /small enterprise/],
    ['micro, township-affiliated → township', { ...plain, scale: 'micro' }, 'township', /micro enterprise/],
  ]
  it.each(cases)('%s', (_label, input, tier, reason) => {
    const result = supervisionTier(input)
    expect(result.tier).toBe(tier)
    expect(result.excluded).toBe(tier === null)
    expect(result.reason).toMatch(reason)
  })

  const invalidCases: Array<[SupervisionTierInput, string]> = [
    [{ ...plain, affiliation: 'village' as never }, 'affiliation'],
    [{ ...plain, scale: 'huge' as never }, 'scale'],
  ]
  it.each(invalidCases)('rejects %j naming %s', (input, field) => {
    expect(fieldOf(() => supervisionTier(input))).toBe(field)
  })
})

describe('highHazardIndustry', () => {
  const cases: Array<[string, boolean]> = [
    ['hazardous_chemicals', true],
    ['mining', true],
    ['fireworks', true],
    ['metal_smelting', true],
    ['construction', false],
    ['manufacturing', false],
    ['gas', false],
    ['retail', false],
    ['unknown', false],
  ]
  it.each(cases)('%s → %s', (industry, expected) => {
    expect(highHazardIndustry(industry)).toBe(expected)
  })
})

describe('tier with unknown attributes (a register as it is)', () => {
  const base = { centralVertical: false, isOutlet: false, delegateOutletsToCounty: true }
  it('is determined when every possible value gives the same tier', () => {
    const r = tierWithUnknowns({ ...base, affiliation: 'city', scale: null, highHazard: null })
    expect(r).toMatchObject({ tier: 'city', undetermined: false, excluded: false })
    expect(r.reason).toMatch(/whatever the unknown scale, high-hazard/)
    expect(tierWithUnknowns({ ...base, affiliation: 'county', scale: 'large', highHazard: false })).toMatchObject({ tier: 'county', undetermined: false })
    expect(tierWithUnknowns({ ...base, centralVertical: true, affiliation: null, scale: null, highHazard: null })).toMatchObject({
      tier: null,
      excluded: true,
      undetermined: false,
    })
  })
  it('is undetermined, naming what is missing and what it could be, when the unknowns decide', () => {
    const r = tierWithUnknowns({ ...base, affiliation: null, scale: null, highHazard: true })
    expect(r).toMatchObject({ tier: null, excluded: false, undetermined: true })
    expect(r.reason).toBe('undetermined: affiliation, scale unknown (the rule gives city or county depending on them)')
    expect(tierWithUnknowns({ ...base, affiliation: 'township', scale: null, highHazard: false }).reason).toMatch(
      /^undetermined: scale unknown \(the rule gives county or township/,
    )
  })
  it('agrees with the rule when nothing is unknown', () => {
    for (const affiliation of ['central', 'province', 'city', 'county', 'township'] as const) {
      for (const scale of ['large', 'medium', 'small', 'micro'] as const) {
        for (const highHazard of [false, true]) {
          const full = supervisionTier({ ...base, affiliation, scale, highHazard })
          expect(tierWithUnknowns({ ...base, affiliation, scale, highHazard })).toEqual({ ...full, undetermined: false })
        }
      }
    }
  })
})
