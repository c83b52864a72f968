import { describe, expect, it } from 'vitest'
import type { LonLatBox } from '../map/bounds'
import { parseCoordinates } from './coordinates'

/** Shenyang's divisions, roughly. */
const SHENYANG: LonLatBox = [122.4, 41.2, 123.8, 43.1]

describe('parseCoordinates', () => {
  const cases: Array<[string, { lon: number; lat: number; latFirst: boolean } | null]> = [
    ['123.43, 41.80', { lon: 123.43, lat: 41.8, latFirst: false }],
    ['123.43,41.80', { lon: 123.43, lat: 41.8, latFirst: false }],
    ['123.43 41.80', { lon: 123.43, lat: 41.8, latFirst: false }],
    ['123.43，41.80', { lon: 123.43, lat: 41.8, latFirst: false }],
    // Latitude first: the second number cannot be a latitude.
    ['41.80 123.43', { lon: 123.43, lat: 41.8, latFirst: true }],
    ['41.80, 123.43', { lon: 123.43, lat: 41.8, latFirst: true }],
    // Hemisphere letters decide, before or after the number, with or without degrees.
    ['41.80N 123.43E', { lon: 123.43, lat: 41.8, latFirst: true }],
    ['N41.80, E123.43', { lon: 123.43, lat: 41.8, latFirst: true }],
    ['123.43°E, 41.80°N', { lon: 123.43, lat: 41.8, latFirst: false }],
    ['74.0W 40.7N', { lon: -74, lat: 40.7, latFirst: false }],
    ['-74.0, 40.7', { lon: -74, lat: 40.7, latFirst: false }],
    ['33.9S, 18.4E', { lon: 18.4, lat: -33.9, latFirst: true }],
    ['41.8N 42.0N', null],
    ['41.8N 123E 5', null],
    ['123.43', null],
    ['沈阳 123.43', null],
    ['200, 41', null],
    ['123, 95', null],
    ['95, 123', null],
    ['9121010241365788', null],
  ]
  it.each(cases)('%j', (text, expected) => {
    expect(parseCoordinates(text, SHENYANG)).toEqual(expected)
  })

  it('uses the map area when both numbers could be either', () => {
    const area: LonLatBox = [10, 50, 12, 52]
    expect(parseCoordinates('11, 51', area)).toEqual({ lon: 11, lat: 51, latFirst: false })
    expect(parseCoordinates('51, 11', area)).toEqual({ lon: 11, lat: 51, latFirst: true })
    // Outside the area either way: as written.
    expect(parseCoordinates('30, 20', area)).toEqual({ lon: 30, lat: 20, latFirst: false })
    expect(parseCoordinates('51, 11')).toEqual({ lon: 51, lat: 11, latFirst: false })
  })
})
