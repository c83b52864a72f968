import { describe, expect, it } from 'vitest'
import { compassPoint, destinationPoint, geodesicCircle, haversineM } from './geodesic'

describe('geodesic helpers', () => {
  const centre: [number, number] = [123.43, 41.8]

  it('puts every vertex of a ring at its radius', () => {
    const circle = geodesicCircle(centre, 3000)
    const ring = circle.coordinates[0]!
    expect(ring).toHaveLength(65)
    expect(ring[0]).toEqual(ring[64])
    for (const p of ring) expect(haversineM(centre, p as [number, number])).toBeCloseTo(3000, 3)
  })

  it('goes north and east as the bearing says', () => {
    const north = destinationPoint(centre, 0, 1000)
    expect(north[0]).toBeCloseTo(123.43, 9)
    expect(north[1]).toBeGreaterThan(41.8)
    const east = destinationPoint(centre, 90, 1000)
    expect(east[0]).toBeGreaterThan(123.43)
  })

  it('names the nearest compass point', () => {
    expect(compassPoint(0)).toBe('N')
    expect(compassPoint(359)).toBe('N')
    expect(compassPoint(44)).toBe('NE')
    expect(compassPoint(181)).toBe('S')
    expect(compassPoint(-90)).toBe('W')
  })
})
