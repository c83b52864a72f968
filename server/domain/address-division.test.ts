import { describe, expect, it } from 'vitest'
import { addressMatcher, namesOf, type NamedDivision } from './address-division'

const DIVISIONS: NamedDivision[] = [
  { code: '210000', name: '辽宁省', rank: 'province', parentCode: null },
  { code: '210100', name: '沈阳市', rank: 'city', parentCode: '210000' },
  { code: '210102', name: '和平区', rank: 'county', parentCode: '210100' },
  { code: '210106', name: '铁西区', rank: 'county', parentCode: '210100' },
  { code: '210102001', name: '新华街道（示例）', rank: 'township', parentCode: '210102' },
  { code: '210106001', name: '兴华街道（示例）', rank: 'township', parentCode: '210106' },
  { code: '210106002', name: '新华街道（示例）', rank: 'township', parentCode: '210106' },
  { code: '210102002', name: '太原街道（示例）', rank: 'township', parentCode: '210102' },
]
const match = addressMatcher(DIVISIONS)

describe('locating an address at the division it names', () => {
  it('takes the most specific division named, without the note in brackets', () => {
    expect(match('辽宁省沈阳市和平区太原街道南京北街1号')).toEqual({ kind: 'found', code: '210102002', name: '太原街道（示例）', rank: 'township' })
    expect(match('沈阳铁西区兴华街道')).toMatchObject({ kind: 'found', code: '210106001' })
    expect(match('沈阳市和平区某路8号')).toMatchObject({ kind: 'found', code: '210102', rank: 'county' })
    expect(match('辽宁 沈阳 某处')).toMatchObject({ kind: 'found', code: '210100', rank: 'city' })
  })

  it('tells townships of the same name apart by the county the address names', () => {
    expect(match('和平区新华街道1号')).toMatchObject({ kind: 'found', code: '210102001' })
    expect(match('沈阳市铁西区新华街道2号')).toMatchObject({ kind: 'found', code: '210106002' })
  })

  it('guesses nothing: an ambiguous name, or no name at all', () => {
    expect(match('新华街道3号')).toEqual({
      kind: 'ambiguous',
      candidates: [
        { code: '210102001', name: '新华街道（示例）' },
        { code: '210106002', name: '新华街道（示例）' },
      ],
    })
    expect(match('北京市朝阳区')).toEqual({ kind: 'none' })
    expect(match('')).toEqual({ kind: 'none' })
  })

  it('knows a city and a province without 市/省, but never by one character', () => {
    expect(namesOf({ name: '沈阳市', rank: 'city' })).toEqual(['沈阳市', '沈阳'])
    expect(namesOf({ name: '和平区', rank: 'county' })).toEqual(['和平区'])
    expect(namesOf({ name: '市', rank: 'city' })).toEqual([])
  })
})
