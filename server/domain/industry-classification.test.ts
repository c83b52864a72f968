import { describe, expect, it } from 'vitest'
import { GBT4754_TABLE, industryClassifier, industryTableOverlay, sectionOf } from './industry-classification'
import { DEFAULT_RULES } from './rules'

const service = Object.fromEntries(DEFAULT_RULES.industries.map((i) => [i.code, [i.zh, i.en]]))
const classifier = industryClassifier(GBT4754_TABLE, service)

describe('GB/T 4754-2017 industries as registers write them', () => {
  it('list every section and division of the standard once, each mapped to a service industry', () => {
    const codes = GBT4754_TABLE.rows.map((r) => r.code)
    expect(new Set(codes).size).toBe(codes.length)
    expect(codes.filter((c) => /^[A-T]$/.test(c))).toHaveLength(20)
    const divisions = codes.filter((c) => /^\d{2}$/.test(c)).map(Number)
    expect(divisions).toHaveLength(97)
    expect(Math.min(...divisions)).toBe(1)
    expect(Math.max(...divisions)).toBe(97)
    const known = new Set(DEFAULT_RULES.industries.map((i) => i.code))
    for (const row of GBT4754_TABLE.rows) expect(known.has(row.industry), row.code).toBe(true)
    for (const row of GBT4754_TABLE.rows) expect(row.highHazard, row.code).toBe(DEFAULT_RULES.enterprise.highHazardIndustries.includes(row.industry))
    expect(GBT4754_TABLE.version).toMatch(/GB\/T 4754-2017/)
  })

  it('resolve names, codes with and without the section letter, and finer classes by their longest listed prefix', () => {
    expect(classifier.resolve('化学原料和化学制品制造业')).toEqual({
      industry: 'hazardous_chemicals',
      highHazard: true,
      classCode: 'C26',
      classZh: '化学原料和化学制品制造业',
    })
    expect(classifier.resolve('C26')?.industry).toBe('hazardous_chemicals')
    expect(classifier.resolve('2614')?.classCode).toBe('C26')
    expect(classifier.resolve('C2672')).toMatchObject({ industry: 'fireworks', highHazard: true, classCode: 'C2672' })
    expect(classifier.resolve('零售业')).toMatchObject({ industry: 'retail', highHazard: false, classCode: 'F52' })
    expect(classifier.resolve('5265')).toMatchObject({ industry: 'hazardous_chemicals', classCode: 'F5265' })
    expect(classifier.resolve('装卸搬运和仓储业')).toMatchObject({ industry: 'warehousing', classCode: 'G59' })
    expect(classifier.resolve('G594 危险品仓储')).toMatchObject({ industry: 'hazardous_chemicals', classCode: 'G594' })
    expect(classifier.resolve('B')).toMatchObject({ industry: 'mining', classCode: 'B' })
    expect(classifier.resolve('黑色金属冶炼和压延加工业（C31）')?.industry).toBe('metal_smelting')
    expect(classifier.resolve('燃气生产和供应业')?.industry).toBe('gas')
    expect(classifier.resolve('酒、饮料和精制茶制造业')?.industry).toBe('manufacturing')
    expect(classifier.resolve('酒饮料和精制茶制造业')?.industry).toBe('manufacturing')
  })

  it("accept the service's own codes and labels, so its exports import again", () => {
    expect(classifier.resolve('危险化学品')).toEqual({ industry: 'hazardous_chemicals', highHazard: true, classCode: null, classZh: null })
    expect(classifier.resolve('Retail and services')?.industry).toBe('retail')
    expect(classifier.resolve('metal_smelting')?.industry).toBe('metal_smelting')
  })

  it('know nothing of text the standard does not name, nor of a code under the wrong section letter', () => {
    expect(classifier.resolve('高科技')).toBeNull()
    expect(classifier.resolve('A26')).toBeNull()
    expect(classifier.resolve('99')).toBeNull()
    expect(classifier.resolve('')).toBeNull()
    expect(sectionOf('26')).toBe('C')
    expect(sectionOf('59')).toBe('G')
  })
})

describe("a deployment's own industry rows laid over the table (INDUSTRY_TABLE)", () => {
  const industries = DEFAULT_RULES.industries.map((i) => i.code)
  const overlay = (records: Array<Record<string, string>>) => industryTableOverlay(GBT4754_TABLE, records, 'local.csv', industries)

  it('replaces a listed code and adds a finer one; the classifier then maps registers through them', () => {
    const table = overlay([
      { code: '5162', name: '石油及制品批发', industry: 'gas' },
      { 代码: 'C2929', 名称: '塑料零件及其他塑料制品制造', 行业: 'hazardous_chemicals', 高危: '否' },
    ])
    if (typeof table === 'string') throw new Error(table)
    expect(table.version).toMatch(/^GB\/T 4754-2017.*; with local\.csv: 1 rows replaced, 1 added$/)
    expect(table.rows).toHaveLength(GBT4754_TABLE.rows.length + 1)
    const local = industryClassifier(table, service)
    expect(local.resolve('5162')).toMatchObject({ industry: 'gas', highHazard: false, classCode: 'F5162' })
    expect(local.resolve('C2929')).toMatchObject({ industry: 'hazardous_chemicals', highHazard: false, classCode: 'C2929' })
    // the rest of the division keeps the built-in mapping
    expect(local.resolve('C2911')).toMatchObject({ industry: 'manufacturing' })
    expect(classifier.resolve('5162')).toMatchObject({ industry: 'hazardous_chemicals' })
  })

  it.each([
    [[], /has no rows/],
    [[{ code: '26', name: 'x' }], /lacks the column industry/],
    [[{ code: 'C2', name: 'x', industry: 'gas' }], /row 1: code "C2" is neither/],
    [[{ code: 'F26', name: 'x', industry: 'gas' }], /row 1: code "F26": 26 is not in section F/],
    [
      [
        { code: '26', name: 'x', industry: 'gas' },
        { code: 'C26', name: 'y', industry: 'gas' },
      ],
      /row 2: code 26 is also at row 1/,
    ],
    [[{ code: '26', name: '', industry: 'gas' }], /row 1: the name is empty/],
    [[{ code: '26', name: 'x', industry: 'chemicals' }], /row 1: industry "chemicals" is not one of the service's industries/],
    [[{ code: '26', name: 'x', industry: 'gas', high_hazard: 'maybe' }], /row 1: high_hazard "maybe" is not yes\/no/],
  ])('refuses %j, naming the row and the fault', (records, message) => {
    expect(overlay(records)).toMatch(message)
  })
})
