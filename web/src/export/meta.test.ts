import { describe, expect, it } from 'vitest'
import type { DivisionRef } from '../map/contains'
import { dataVersionOf, exportFileName, viewPlace } from './meta'

describe('exportFileName', () => {
  it('carries the date, and the ratio above 1×', () => {
    expect(exportFileName('2026-11-28', 1)).toBe('riskmap-2026-11-28.png')
    expect(exportFileName('2026-11-28', 2)).toBe('riskmap-2026-11-28@2x.png')
  })
})

describe('dataVersionOf', () => {
  it.each([
    ['http://127.0.0.1:3000/tiles/cells/{z}/{x}/{y}.mvt?v=42', 42],
    ['/tiles/cells/{z}/{x}/{y}.mvt?x=1&v=7&y=2', 7],
    ['/tiles/cells/{z}/{x}/{y}.mvt', null],
    ['/tiles/cells/{z}/{x}/{y}.mvt?dev=3', null],
  ])('%s → %s', (url, expected) => {
    expect(dataVersionOf(url)).toBe(expected)
  })
})

describe('viewPlace', () => {
  const city: DivisionRef = { code: '210100', name: '沈阳市', nameEn: 'Shenyang', rank: 'city' }
  const heping: DivisionRef = { code: '210102', name: '和平区', nameEn: 'Heping', rank: 'county' }
  const shenhe: DivisionRef = { code: '210103', name: '沈河区', nameEn: 'Shenhe', rank: 'county' }
  const town: DivisionRef = { code: '210102001', name: '某街道', nameEn: null, rank: 'township' }

  it('names the finest division every sample lies in', () => {
    expect(
      viewPlace([
        [city, heping, town],
        [city, heping, town],
        [city, heping],
      ]),
    ).toBe(heping)
    expect(
      viewPlace([
        [city, heping, town],
        [city, heping, town],
      ]),
    ).toBe(town)
  })

  it('falls back to the city at the centre when the view spans several counties', () => {
    expect(
      viewPlace([
        [city, heping],
        [city, shenhe],
        [city, heping],
      ]),
    ).toBe(city)
    expect(viewPlace([[city, heping], [], [city, shenhe]])).toBe(city)
  })

  it('gives null when the centre is in no division', () => {
    expect(viewPlace([[], [city]])).toBeNull()
    expect(viewPlace([])).toBeNull()
  })
})
