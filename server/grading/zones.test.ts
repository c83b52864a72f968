import { describe, expect, it } from 'vitest'
import { gridDisk, latLngToCell } from 'h3-js'
import { Random } from '../domain/random'
import { distanceToCellM, pointZoneCells } from './zones'

/** Every cell of a wide disk measured exactly: what pointZoneCells must return, without its shortcuts. */
function bruteForce(lon: number, lat: number, radiusM: number, res: number): Map<string, number> {
  const out = new Map<string, number>()
  for (const h3 of gridDisk(latLngToCell(lat, lon, res), 12)) {
    const d = distanceToCellM(lon, lat, h3)
    if (d <= radiusM) out.set(h3, d)
  }
  return out
}

describe('pointZoneCells', () => {
  it('finds exactly the cells within the radius, with their exact distances, wherever the point lies', () => {
    const random = new Random('zones')
    for (let i = 0; i < 300; i++) {
      // Over Liaoning and far north/south, where cells are most distorted against the average edge.
      const lat = i % 3 === 0 ? 38.5 + random.next() * 5 : -60 + random.next() * 130
      const lon = 118 + random.next() * 8
      const radiusM = [0, 50, 300, 500, 1000, 1800][i % 6]!
      const expected = bruteForce(lon, lat, radiusM, 8)
      const actual = pointZoneCells(lon, lat, radiusM, 8)
      expect(new Map(actual.map((c) => [c.h3, c.distanceM])), `point ${lon},${lat} r ${radiusM}`).toEqual(expected)
      // A second call (served from the disk cache) answers the same.
      expect(pointZoneCells(lon, lat, radiusM, 8)).toEqual(actual)
    }
  })
})
