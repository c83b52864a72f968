import { describe, expect, it } from 'vitest'
import { fitProjection, ringsPath } from './projection'

describe('fitProjection', () => {
  it('fits a box and keeps ground proportions (longitudes shrunk by cos latitude)', () => {
    // 1° × 1° at 60° N is twice as tall as wide on the ground.
    const p = fitProjection([10, 59.5, 11, 60.5], 200, 200, 0)
    const [x0, y0] = p.project(10, 60.5)
    const [x1, y1] = p.project(11, 59.5)
    expect(y0).toBeCloseTo(0, 6)
    expect(y1).toBeCloseTo(200, 6)
    expect(x1 - x0).toBeCloseTo(100, 1)
    // centred horizontally
    expect(x0).toBeCloseTo(50, 1)
  })

  it('gives the ground size of a pixel', () => {
    // 0.1° of latitude ≈ 11 120 m over 100 px
    const p = fitProjection([123, 41.75, 123.1, 41.85], 100, 100, 0)
    expect(p.metresPerPx).toBeCloseTo(111.195, 2)
  })

  it('keeps the padding free', () => {
    const p = fitProjection([0, 0, 2, 1], 220, 220, 10)
    const [x0] = p.project(0, 0.5)
    const [x1] = p.project(2, 0.5)
    expect(x0).toBeCloseTo(10, 6)
    expect(x1).toBeCloseTo(210, 6)
  })
})

describe('ringsPath', () => {
  it('draws each ring as a closed path and skips degenerate rings', () => {
    const p = fitProjection([0, 0, 1, 1], 10, 10, 0)
    expect(
      ringsPath(
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
          [
            [0, 0],
            [1, 1],
          ],
        ],
        p,
      ),
    ).toBe('M0.0 10.0L10.0 10.0L10.0 0.0L0.0 10.0Z')
  })
})
