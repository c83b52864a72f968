import { describe, expect, it } from 'vitest'
import type { CoverageDivision } from './api'
import { nextSort, sortDivisions } from './sort'

const row = (code: string, name: string, enterprises: number, tier: number): CoverageDivision => ({
  code,
  name,
  enterprises,
  withGaps: tier,
  gaps: { industry_department: 0, specialist_department: 0, responsible_person: 0, tier },
})
const rows = [row('210102', '和平区', 50, 2), row('210103', '沈河区', 80, 2), row('210104', '大东区', 30, 5)]

describe('sortDivisions', () => {
  it('sorts by counts, ties by code', () => {
    expect(sortDivisions(rows, { column: 'tier', descending: true }, 'zh-CN').map((r) => r.code)).toEqual(['210104', '210102', '210103'])
    expect(sortDivisions(rows, { column: 'enterprises', descending: false }, 'zh-CN').map((r) => r.code)).toEqual(['210104', '210102', '210103'])
  })

  it('sorts by code and leaves its input alone', () => {
    expect(sortDivisions(rows, { column: 'code', descending: true }, 'zh-CN').map((r) => r.code)).toEqual(['210104', '210103', '210102'])
    expect(rows.map((r) => r.code)).toEqual(['210102', '210103', '210104'])
  })
})

describe('nextSort', () => {
  it('flips the same column, starts counts descending and text ascending', () => {
    expect(nextSort({ column: 'code', descending: false }, 'code')).toEqual({ column: 'code', descending: true })
    expect(nextSort({ column: 'code', descending: false }, 'withGaps')).toEqual({ column: 'withGaps', descending: true })
    expect(nextSort({ column: 'withGaps', descending: true }, 'name')).toEqual({ column: 'name', descending: false })
  })
})
