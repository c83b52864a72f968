import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import {
  alphaForPopulation,
  compareReportedGrade,
  gradeForR,
  identifyAndGradeMajorHazard,
  normaliseSubstanceKey,
  resolveBeta,
  type MajorHazardInput,
  type MajorHazardSubstance,
} from './major-hazard'

/** The field named by the AppError that `fn` throws. */
function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) {
      expect(e.statusCode).toBe(400)
      return e.details[0]?.field
    }
    throw e
  }
  throw new Error('expected an AppError')
}

describe('alphaForPopulation (persons within 500 m)', () => {
  const cases: Array<[number, number]> = [
    [0, 0.5],
    [1, 1.0],
    [29, 1.0],
    [30, 1.2],
    [49, 1.2],
    [50, 1.5],
    [99, 1.5],
    [100, 2.0],
    [5000, 2.0],
  ]
  it.each(cases)('%i people → α %d', (n, alpha) => {
    expect(alphaForPopulation(n)).toBe(alpha)
  })
})

describe('gradeForR', () => {
  const cases: Array<[number, 1 | 2 | 3 | 4]> = [
    [1000, 1],
    [100, 1],
    [99.999, 2],
    [50, 2],
    [49.999, 3],
    [10, 3],
    [9.999, 4],
    [0, 4],
    // Float noise just under a bound counts as on it.
    [99.99999999999999, 1],
  ]
  it.each(cases)('R %d → grade %i', (R, grade) => {
    expect(gradeForR(R)).toBe(grade)
  })
})

describe('resolveBeta', () => {
  const cases: Array<[string, MajorHazardSubstance, number]> = [
    ['explicit beta wins over the table', { name: '氯', q: 1, Q: 1, beta: 7 }, 7],
    ['Chinese name', { name: '氯', q: 1, Q: 1 }, 4],
    ['liquid chlorine synonym', { name: '液氯', q: 1, Q: 1 }, 4],
    ['English name, case and spaces ignored', { name: '  Hydrogen   SULFIDE ', q: 1, Q: 1 }, 5],
    ['formula with subscript', { name: 'SO₂', q: 1, Q: 1 }, 2],
    ['formula', { name: 'nh3', q: 1, Q: 1 }, 2],
    ['CAS number only', { cas: '630-08-0', q: 1, Q: 1 }, 2],
    ['CAS with spaces', { cas: ' 75-44-5 ', q: 1, Q: 1 }, 20],
    ['phosgene 光气', { name: '光气', q: 1, Q: 1 }, 20],
    ['methyl isocyanate', { name: '异氰酸甲酯', q: 1, Q: 1 }, 20],
    ['hydrogen cyanide', { name: 'HCN', q: 1, Q: 1 }, 10],
    ['methyl bromide', { name: 'methyl bromide', q: 1, Q: 1 }, 3],
    ['toxic-gas name beats class', { name: '硫化氢', class: 'W2', q: 1, Q: 1 }, 5],
    ['name not a toxic gas → class (vinyl chloride, W2)', { name: '氯乙烯', class: 'W2', q: 1, Q: 1 }, 1.5],
    ['class, lower case', { class: 'w5.1', q: 1, Q: 1 }, 1.5],
    ['class J1', { class: 'J1', q: 1, Q: 1 }, 4],
    ['known class without an exception → 1', { class: 'W9.2', q: 1, Q: 1 }, 1],
    ['unknown name without class → 1', { name: '甲醇', q: 1, Q: 1 }, 1],
    ['nothing → 1', { q: 1, Q: 1 }, 1],
  ]
  it.each(cases)('%s', (_label, substance, beta) => {
    expect(resolveBeta(substance, 0)).toBe(beta)
  })

  it('normalises keys', () => {
    expect(normaliseSubstanceKey(' Ｃｌ₂ ')).toBe('cl2')
    expect(normaliseSubstanceKey('630-08-0')).toBe('630080')
  })
})

describe('identifyAndGradeMajorHazard', () => {
  const cases: Array<{ label: string; input: MajorHazardInput; S: number; R: number; grade: number; level: number; identified: boolean }> = [
    {
      label: 'S exactly 1 is identified',
      input: { population500m: 0, substances: [{ name: '液化石油气', class: 'W2', q: 50, Q: 50 }] },
      S: 1,
      R: 0.75,
      grade: 4,
      level: 1,
      identified: true,
    },
    {
      label: 'S 0.999 is not identified: level 0',
      input: { population500m: 0, substances: [{ class: 'W2', q: 49.95, Q: 50 }] },
      S: 0.999,
      R: 0.7493,
      grade: 4,
      level: 0,
      identified: false,
    },
    {
      label: 'S summing to 1 with float noise (0.7 + 0.2 + 0.1) is identified',
      input: {
        population500m: 0,
        substances: [
          { q: 0.7, Q: 1 },
          { q: 0.2, Q: 1 },
          { q: 0.1, Q: 1 },
        ],
      },
      S: 1,
      R: 0.5,
      grade: 4,
      level: 1,
      identified: true,
    },
    {
      label: 'R exactly 100 → grade 1 red (chlorine, ≥100 people)',
      input: { population500m: 100, substances: [{ name: '氯', q: 62.5, Q: 5 }] },
      S: 12.5,
      R: 100,
      grade: 1,
      level: 4,
      identified: true,
    },
    {
      label: 'R just below 100 → grade 2 orange',
      input: { population500m: 100, substances: [{ name: '氯', q: 62.4, Q: 5 }] },
      S: 12.48,
      R: 99.84,
      grade: 2,
      level: 3,
      identified: true,
    },
    {
      label: 'R exactly 50 → grade 2 orange (ammonia, 10 people)',
      input: { population500m: 10, substances: [{ name: 'ammonia', q: 250, Q: 10 }] },
      S: 25,
      R: 50,
      grade: 2,
      level: 3,
      identified: true,
    },
    {
      label: 'R just below 50 → grade 3 yellow',
      input: { population500m: 10, substances: [{ name: 'ammonia', q: 249.5, Q: 10 }] },
      S: 24.95,
      R: 49.9,
      grade: 3,
      level: 2,
      identified: true,
    },
    {
      label: 'R exactly 10 → grade 3 yellow',
      input: { population500m: 1, substances: [{ class: 'W3', q: 100, Q: 10 }] },
      S: 10,
      R: 10,
      grade: 3,
      level: 2,
      identified: true,
    },
    {
      label: 'R just below 10 → grade 4 blue',
      input: { population500m: 29, substances: [{ class: 'W3', q: 99.9, Q: 10 }] },
      S: 9.99,
      R: 9.99,
      grade: 4,
      level: 1,
      identified: true,
    },
    {
      label: 'mixed tank farm: chlorine + LPG + methanol, 40 people (α 1.2)',
      input: {
        population500m: 40,
        substances: [
          { name: '液氯', cas: '7782-50-5', q: 20, Q: 5 },
          { name: '液化石油气', class: 'W2', q: 100, Q: 50 },
          { name: '甲醇', class: 'W5.3', q: 1000, Q: 500 },
        ],
      },
      // S = 4 + 2 + 2 = 8; R = 1.2 × (4·4 + 1.5·2 + 1·2) = 1.2 × 21 = 25.2
      S: 8,
      R: 25.2,
      grade: 3,
      level: 2,
      identified: true,
    },
  ]
  it.each(cases)('$label', ({ input, S, R, grade, level, identified }) => {
    const result = identifyAndGradeMajorHazard(input)
    expect(result.S).toBeCloseTo(S, 4)
    expect(result.R).toBeCloseTo(R, 4)
    expect(result.grade).toBe(grade)
    expect(result.level).toBe(level)
    expect(result.identified).toBe(identified)
    expect(result.betas).toHaveLength(input.substances.length)
  })

  it('returns α and the β of each substance', () => {
    const result = identifyAndGradeMajorHazard({
      population500m: 60,
      substances: [
        { name: 'Cl2', q: 10, Q: 5 },
        { class: 'J1', q: 1, Q: 1 },
      ],
    })
    expect(result.alpha).toBe(1.5)
    expect(result.betas).toEqual([4, 4])
  })

  const ok: MajorHazardSubstance = { name: '氯', q: 10, Q: 5 }
  const invalidCases: Array<[string, MajorHazardInput, string]> = [
    ['negative population', { population500m: -1, substances: [ok] }, 'population500m'],
    ['fractional population', { population500m: 1.5, substances: [ok] }, 'population500m'],
    ['NaN population', { population500m: Number.NaN, substances: [ok] }, 'population500m'],
    ['no substances', { population500m: 0, substances: [] }, 'substances'],
    ['q = 0', { population500m: 0, substances: [ok, { q: 0, Q: 1 }] }, 'substances[1].q'],
    ['q < 0', { population500m: 0, substances: [ok, { q: -3, Q: 1 }] }, 'substances[1].q'],
    ['q infinite', { population500m: 0, substances: [ok, { q: Number.POSITIVE_INFINITY, Q: 1 }] }, 'substances[1].q'],
    ['Q missing', { population500m: 0, substances: [ok, { q: 1 } as MajorHazardSubstance] }, 'substances[1].Q'],
    ['Q = 0', { population500m: 0, substances: [ok, { q: 1, Q: 0 }] }, 'substances[1].Q'],
    ['unknown class', { population500m: 0, substances: [ok, { class: 'W99', q: 1, Q: 1 }] }, 'substances[1].class'],
    ['unknown class even with explicit beta', { population500m: 0, substances: [ok, { class: 'X1', beta: 2, q: 1, Q: 1 }] }, 'substances[1].class'],
    ['beta = 0', { population500m: 0, substances: [ok, { beta: 0, q: 1, Q: 1 }] }, 'substances[1].beta'],
    ['beta < 0', { population500m: 0, substances: [ok, { beta: -2, q: 1, Q: 1 }] }, 'substances[1].beta'],
  ]
  it.each(invalidCases)('rejects %s naming %s', (_label, input, field) => {
    expect(fieldOf(() => identifyAndGradeMajorHazard(input))).toBe(field)
  })
})

describe('compareReportedGrade', () => {
  const computed = { R: 80, grade: 2 as const }
  const cases: Array<[string, { R?: number; grade?: number }, RegExp | null]> = [
    ['nothing reported', {}, null],
    ['same R and grade', { R: 80, grade: 2 }, null],
    ['R within 1 %', { R: 80.5 }, null],
    ['R off by more than 1 %', { R: 90 }, /reported R 90 differs from computed R 80/],
    ['grade differs', { grade: 1 }, /reported grade 1 differs from computed grade 2/],
    ['both differ', { R: 120, grade: 1 }, /reported R 120.*; reported grade 1/],
  ]
  it.each(cases)('%s', (_label, reported, expected) => {
    const result = compareReportedGrade(reported, computed)
    if (expected === null) expect(result).toBeNull()
    else expect(result).toMatch(expected)
  })

  it('rejects an impossible reported grade or R', () => {
    expect(fieldOf(() => compareReportedGrade({ grade: 5 }, computed))).toBe('grade')
    expect(fieldOf(() => compareReportedGrade({ R: -1 }, computed))).toBe('R')
  })
})
