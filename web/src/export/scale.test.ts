import { describe, expect, it } from 'vitest'
import { metresPerPixel, roundDistance, scaleBar } from './scale'

describe('metresPerPixel', () => {
  it('is the 512-pixel world of MapLibre at zoom 0 on the equator', () => {
    expect(metresPerPixel(0, 0)).toBeCloseTo(78_271.517, 2)
  })

  it('halves with every zoom level', () => {
    expect(metresPerPixel(41.8, 11)).toBeCloseTo(metresPerPixel(41.8, 10) / 2, 9)
  })

  it('shrinks with the cosine of the latitude (Shenyang, 41.8° N)', () => {
    // 78 271.517 · cos 41.8° / 2¹² ≈ 14.243 m per pixel at zoom 12
    expect(metresPerPixel(41.8, 12)).toBeCloseTo(14.243, 2)
    expect(metresPerPixel(60, 5)).toBeCloseTo(metresPerPixel(0, 5) / 2, 6)
  })
})

describe('roundDistance', () => {
  it.each([
    [0.3, 1],
    [1, 1],
    [1.99, 1],
    [2, 2],
    [4.9, 2],
    [5, 5],
    [9.99, 5],
    [10, 10],
    [1709, 1000],
    [2500, 2000],
    [7300, 5000],
    [123_456, 100_000],
  ])('%f m → %i m', (max, expected) => {
    expect(roundDistance(max)).toBe(expected)
  })
})

describe('scaleBar', () => {
  it('picks kilometres at city zoom in Shenyang', () => {
    // zoom 10: ≈ 56.97 m/px, 120 px ≈ 6.8 km → a 5 km bar ≈ 87.8 px
    const bar = scaleBar(41.8, 10, 120)
    expect(bar).toMatchObject({ metres: 5000, value: 5, unit: 'km' })
    expect(bar.widthPx).toBeCloseTo(5000 / metresPerPixel(41.8, 10), 6)
    expect(bar.widthPx).toBeGreaterThan(60)
    expect(bar.widthPx).toBeLessThanOrEqual(120)
  })

  it('picks metres at street zoom', () => {
    // zoom 16: ≈ 0.89 m/px, 120 px ≈ 107 m → a 100 m bar
    expect(scaleBar(41.8, 16, 120)).toMatchObject({ metres: 100, value: 100, unit: 'm' })
  })

  it('never draws a bar longer than allowed, and at least 40 % of it', () => {
    for (let zoom = 5; zoom <= 18; zoom += 0.37) {
      for (const lat of [0, 23.5, 41.8, 53]) {
        const bar = scaleBar(lat, zoom, 120)
        expect(bar.widthPx).toBeLessThanOrEqual(120 + 1e-9)
        expect(bar.widthPx).toBeGreaterThanOrEqual(48 - 1e-9)
      }
    }
  })
})
