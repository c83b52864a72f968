import { describe, expect, it } from 'vitest'
import {
  fieldForHeader,
  mapColumns,
  normaliseHeader,
  parseDate,
  parseValue,
  unguardFormula,
  ValueProblem,
  type Field,
} from '../../server/modules/transfer/fields'
import { ENTERPRISE_FIELDS } from '../../server/modules/transfer/kind-enterprises'
import { RESOURCE_FIELDS, parseItems } from '../../server/modules/transfer/kind-resources'
import { HIDDEN_DANGER_FIELDS } from '../../server/modules/transfer/kind-sources'

const field = (key: string, fields: readonly Field[] = ENTERPRISE_FIELDS) => fields.find((f) => f.key === key)!
const problem = (f: Field, v: unknown) => {
  try {
    parseValue(f, v)
  } catch (err) {
    if (err instanceof ValueProblem) return err.message
    throw err
  }
  return null
}

describe('headers', () => {
  it('match Chinese and English names, aliases, spacing, case and units in brackets', () => {
    const cases: Array<[string, string]> = [
      ['企业名称', 'name'],
      ['企业 名称', 'name'],
      ['Enterprise_Name', 'name'],
      ['单位名称', 'name'],
      ['统一社会信用代码', 'uscc'],
      ['USCC', 'uscc'],
      ['经度', 'lon'],
      ['lng', 'lon'],
      ['Longitude', 'lon'],
      ['纬度', 'lat'],
      ['行业', 'industry'],
      ['规模', 'scale'],
      ['隶属关系', 'affiliation'],
      ['高危', 'highHazard'],
      ['地址', 'address'],
      ['行政区划代码', 'divisionCode'],
      ['安全生产责任人', 'responsiblePerson'],
      ['联系电话', 'responsiblePhone'],
      ['影响半径（米）', 'impactRadiusM'],
      ['影响半径', 'impactRadiusM'],
      ['影响半径(m)', 'impactRadiusM'],
      ['*企业名称', 'name'],
    ]
    for (const [header, key] of cases) expect(fieldForHeader(header, ENTERPRISE_FIELDS)?.key, header).toBe(key)
    expect(normaliseHeader(' Enterprise_Name ')).toBe('enterprisename')
  })

  it('match dBase names cut to 10 characters when unambiguous', () => {
    expect(fieldForHeader('divisionCo', ENTERPRISE_FIELDS)?.key).toBe('divisionCode')
    expect(fieldForHeader('responsibl', ENTERPRISE_FIELDS)).toBeUndefined() // responsiblePerson or responsiblePhone
  })

  it('apply an explicit mapping first, skip export-only columns and list the rest as ignored', () => {
    const map = mapColumns(['单位全称', '信用代码', '风险等级', '备注'], ENTERPRISE_FIELDS, { 单位全称: 'name' }, true)
    expect(Object.fromEntries([...map.fieldOf].map(([h, f]) => [h, f.key]))).toEqual({ 单位全称: 'name', 信用代码: 'uscc' })
    expect(map.ignored).toEqual(['备注'])
    const dropped = mapColumns(['企业名称', '名称'], ENTERPRISE_FIELDS, { 名称: '' }, true)
    expect(dropped.headerOf.get('name')).toBe('企业名称')
  })

  it('refuse a mapping to an unknown field, of a missing column, or two columns feeding one field', () => {
    expect(() => mapColumns(['a'], ENTERPRISE_FIELDS, { a: 'nonsense' }, true)).toThrow(/unknown field "nonsense"/)
    expect(() => mapColumns(['a'], ENTERPRISE_FIELDS, { b: 'name' }, true)).toThrow(/names column "b", which the file does not have/)
    expect(() => mapColumns(['企业名称', '单位名称'], ENTERPRISE_FIELDS, undefined, true)).toThrow(
      /columns "企业名称" and "单位名称" both map to the field name/,
    )
  })
})

describe('values', () => {
  it('read yes/no in Chinese and English', () => {
    const f = field('highHazard')
    for (const v of ['是', 'Y', 'yes', 'TRUE', '1', 1, true, '√']) expect(parseValue(f, v), String(v)).toBe(true)
    for (const v of ['否', 'n', 'No', 'false', '0', 0, false, '无']) expect(parseValue(f, v), String(v)).toBe(false)
    expect(problem(f, '也许')).toMatch(/is not yes\/no/)
  })

  it('read dates in the usual forms, Excel serial days and Date cells', () => {
    expect(parseDate('2026-03-05')).toBe('2026-03-05')
    expect(parseDate('2026/3/5')).toBe('2026-03-05')
    expect(parseDate('2026.03.05')).toBe('2026-03-05')
    expect(parseDate('2026年3月5日')).toBe('2026-03-05')
    expect(parseDate('20260305')).toBe('2026-03-05')
    expect(parseDate('2026-03-05 14:30:00')).toBe('2026-03-05')
    expect(parseDate(46023)).toBe('2026-01-01')
    expect(parseDate(new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02')
    expect(() => parseDate('2026-02-30')).toThrow(/not a real date/)
    expect(() => parseDate('next week')).toThrow(/is not a date/)
  })

  it('read instants as Beijing time when no zone is given', () => {
    const f = field('rectifiedAt', HIDDEN_DANGER_FIELDS)
    expect(parseValue(f, '2026-03-05 08:00')).toBe('2026-03-05T00:00:00.000Z')
    expect(parseValue(f, '2026-03-05T08:00:00Z')).toBe('2026-03-05T08:00:00.000Z')
    expect(parseValue(f, '2026-03-05')).toBe('2026-03-05T00:00:00.000Z')
  })

  it('read coded values by code or by label, and say what is allowed', () => {
    expect(parseValue(field('scale'), '中型')).toBe('medium')
    expect(parseValue(field('scale'), 'Medium')).toBe('medium')
    // Industries are text here: domain/industry-classification.ts resolves them (server/domain/industry-classification.test.ts).
    expect(parseValue(field('industry'), ' 化学原料和化学制品制造业 ')).toBe('化学原料和化学制品制造业')
    expect(parseValue(field('affiliation'), '区县')).toBe('county')
    expect(problem(field('scale'), '巨型')).toMatch(/"巨型" is not one of 大型\/large, 中型\/medium, 小型\/small, 微型\/micro/)
    expect(parseValue(field('capabilities', RESOURCE_FIELDS), '危险化学品、火灾扑救; water')).toEqual(['hazmat', 'fire', 'water'])
  })

  it('read numbers strictly', () => {
    expect(parseValue(field('lon'), ' 123.45 ')).toBe(123.45)
    expect(parseValue(field('lon'), '１２３.４')).toBe(123.4)
    expect(problem(field('lon'), 'abc')).toBe('is not a number: "abc"')
    expect(problem(field('lon'), '123°24′')).toMatch(/is not a number/)
    expect(problem(field('impactRadiusM'), '-5')).toMatch(/greater than 0/)
    expect(problem(field('headcount', RESOURCE_FIELDS), '3.5')).toMatch(/whole number/)
  })

  it('refuse a code a spreadsheet kept as a number too long to keep every digit', () => {
    expect(problem(field('uscc'), 912101023456789012)).toMatch(/format the column as text/)
    expect(parseValue(field('responsiblePhone'), 13800138000)).toBe('13800138000')
  })

  it('drop the apostrophe export puts before text a spreadsheet would run as a formula', () => {
    expect(unguardFormula("'=SUM(A1)")).toBe('=SUM(A1)')
    expect(unguardFormula("'+86 138")).toBe('+86 138')
    expect(unguardFormula("'quoted'")).toBe("'quoted'")
  })

  it('read depot stock as JSON or item:quantity:unit text', () => {
    expect(parseItems('沙袋:5000:个; 帐篷：200：顶')).toEqual([
      { item: '沙袋', quantity: 5000, unit: '个' },
      { item: '帐篷', quantity: 200, unit: '顶' },
    ])
    expect(parseItems('[{"item":"水","quantity":10,"unit":"t"}]')).toEqual([{ item: '水', quantity: 10, unit: 't' }])
    expect(parseItems('沙袋 many')).toMatchObject({
      code: 'item_not_triple',
      params: { text: '沙袋 many' },
      reason: expect.stringMatching(/is not item:quantity:unit/),
    })
  })
})
