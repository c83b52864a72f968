import { describe, expect, it } from 'vitest'
import { gridDisk, latLngToCell, polygonToCellsExperimental, POLYGON_TO_CELLS_FLAGS } from 'h3-js'
import type { Polygon } from 'geojson'
import { Random } from '../domain/random'
import { areaZoneCells, distanceToCellM, pointZoneCells } from './zones'

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

/** A closed star-shaped ring around (lon, lat): `n` vertices at random radii between `min` and 1 × `radiusM`. */
function starRing(random: Random, lon: number, lat: number, radiusM: number, n: number, min = 0.3, clockwise = false): number[][] {
  const ring: number[][] = []
  for (let i = 0; i < n; i++) {
    const angle = ((clockwise ? -i : i) / n) * 2 * Math.PI
    const r = radiusM * (min + (1 - min) * random.next())
    ring.push([lon + (r * Math.cos(angle)) / (111_320 * Math.cos((lat * Math.PI) / 180)), lat + (r * Math.sin(angle)) / 110_574])
  }
  return [...ring, ring[0]!]
}

describe('areaZoneCells', () => {
  it("gives exactly h3's overlapping fill, for small and large areas, with holes, wherever they lie", () => {
    const random = new Random('area zones')
    const sorted = (list: string[]) => [...list].sort()
    for (let i = 0; i < 400; i++) {
      const lat = i % 3 === 0 ? 38.5 + random.next() * 5 : -60 + random.next() * 130
      const lon = 118 + random.next() * 8
      // from a tenth of a cell to far beyond the walk's bound (h3's own fill takes those)
      const radiusM = [60, 300, 600, 1200, 3000, 12_000][i % 6]!
      // every fourth with a hole wide enough to hold whole cells (outer ring 0.8–1, hole 0.6–0.75 × the
      // radius; the outer ring has 12 vertices or more, so its edges stay outside the hole: a valid polygon)
      const holed = i % 4 === 0
      const rings = [starRing(random, lon, lat, radiusM, (holed ? 12 : 3) + Math.floor(random.next() * 30), holed ? 0.8 : 0.3)]
      if (holed) rings.push(starRing(random, lon, lat, radiusM * 0.75, 12, 0.8, true))
      const polygon: Polygon = { type: 'Polygon', coordinates: rings }
      const expected = polygonToCellsExperimental(rings, 8, POLYGON_TO_CELLS_FLAGS.containmentOverlapping, true)
      expect(expected.length).toBeGreaterThan(0)
      expect(sorted(areaZoneCells(polygon, 8).map((c) => c.h3)), `area ${i} at ${lon},${lat} r ${radiusM}`).toEqual(sorted(expected))
    }
  })
})
