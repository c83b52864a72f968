import { describe, expect, it } from 'vitest'
import type { MultiPolygon, Polygon } from 'geojson'
import type { DivisionCollection } from '../api/contract'
import { divisionsAt, polygonContains } from './contains'

const square = (x0: number, y0: number, x1: number, y1: number) => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
  [x0, y0],
]

describe('polygonContains', () => {
  const withHole: Polygon = { type: 'Polygon', coordinates: [square(0, 0, 10, 10), square(4, 4, 6, 6)] }
  it.each([
    [1, 1, true],
    [5, 5, false],
    [9.9, 5, true],
    [11, 5, false],
    [-1, -1, false],
  ])('(%d, %d) in a square with a hole → %s', (lon, lat, inside) => {
    expect(polygonContains(withHole, lon, lat)).toBe(inside)
  })

  it('looks in every part of a multipolygon', () => {
    const parts: MultiPolygon = { type: 'MultiPolygon', coordinates: [[square(0, 0, 1, 1)], [square(5, 5, 6, 6)]] }
    expect(polygonContains(parts, 5.5, 5.5)).toBe(true)
    expect(polygonContains(parts, 3, 3)).toBe(false)
  })
})

describe('divisionsAt', () => {
  const collection = (features: Array<[string, 'county' | 'township', Polygon]>): DivisionCollection => ({
    type: 'FeatureCollection',
    features: features.map(([code, rank, geometry]) => ({
      type: 'Feature',
      geometry,
      properties: { code, name: code, nameEn: null, rank, parentCode: null, synthetic: true, boundary: true, label: null },
    })),
  })
  const townships = collection([
    ['210102001', 'township', { type: 'Polygon', coordinates: [square(0, 0, 5, 10)] }],
    ['210102002', 'township', { type: 'Polygon', coordinates: [square(5, 0, 10, 10)] }],
  ])
  const counties = collection([['210102', 'county', { type: 'Polygon', coordinates: [square(0, 0, 10, 10)] }]])

  it('lists the county before the township, whatever order the collections come in', () => {
    expect(divisionsAt([townships, counties], 7, 3).map((d) => d.code)).toEqual(['210102', '210102002'])
  })
  it('finds nothing outside', () => {
    expect(divisionsAt([townships, counties], 20, 3)).toEqual([])
  })
})
