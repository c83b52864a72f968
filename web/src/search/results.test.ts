import { describe, expect, it } from 'vitest'
import type { DivisionCollection } from '../api/contract'
import { localResults, looksLikeUscc, wantsEnterpriseSearch } from './results'

const divisions: DivisionCollection = {
  type: 'FeatureCollection',
  features: [
    ['210102', '和平区', 'Heping District', 'county'],
    ['210102001', '和平嘉禾街道', null, 'township'],
    ['210103', '沈河区', 'Shenhe District', 'county'],
  ].map(([code, name, nameEn, rank]) => ({
    type: 'Feature' as const,
    geometry: {
      type: 'Polygon' as const,
      coordinates: [
        [
          [123, 41],
          [124, 41],
          [124, 42],
          [123, 41],
        ],
      ],
    },
    properties: { code: code!, name: name!, nameEn, rank: rank as 'county' | 'township', parentCode: null, synthetic: true, boundary: true, label: null },
  })),
}

describe('localResults', () => {
  it('reads coordinates first and alone', () => {
    expect(localResults('41.80 123.43', [divisions], null)).toEqual([{ kind: 'coordinates', lon: 123.43, lat: 41.8, latFirst: true }])
  })
  it('finds divisions by Chinese name, English name or code prefix, the county first', () => {
    expect(localResults('和平', [divisions], null).map((r) => r.kind === 'division' && r.code)).toEqual(['210102', '210102001'])
    expect(localResults('shenhe', [divisions], null).map((r) => r.kind === 'division' && r.code)).toEqual(['210103'])
    expect(localResults('21010300', [divisions], null)).toEqual([])
    expect(localResults('210103', [divisions], null).map((r) => r.kind === 'division' && r.code)).toEqual(['210103'])
  })
  it('finds nothing for blank text', () => {
    expect(localResults('  ', [divisions], null)).toEqual([])
  })
})

describe('looksLikeUscc', () => {
  it.each([
    ['91210102413657887D', true],
    ['91210102413657887d', true],
    ['9121010241365788', false],
    ['91210102413657887I', false],
  ])('%s → %s', (text, expected) => {
    expect(looksLikeUscc(text)).toBe(expected)
  })
})

describe('wantsEnterpriseSearch', () => {
  it.each([
    ['沈', true],
    ['a', false],
    ['ab', true],
    [' ', false],
  ])('%j → %s', (text, expected) => {
    expect(wantsEnterpriseSearch(text)).toBe(expected)
  })
})
