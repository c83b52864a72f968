import { booleanPointInPolygon, point, pointToLineDistance, polygonToLine } from '@turf/turf'
import { describe, expect, it } from 'vitest'
import { reachOutline } from './hull'

/** A lattice of points 150 m apart (at 41.6° N), i and j from 0 to n - 1, where `keep(i, j)`. */
function lattice(n: number, keep: (i: number, j: number) => boolean): Array<[number, number]> {
  const dLat = 150 / 111_050
  const dLon = 150 / (111_320 * Math.cos((41.6 * Math.PI) / 180))
  const out: Array<[number, number]> = []
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (keep(i, j)) out.push([123.2 + i * dLon, 41.6 + j * dLat])
  return out
}
const at = (i: number, j: number) => lattice(Math.max(i, j) + 1, (a, b) => a === i && b === j)[0]!

describe('reachOutline', () => {
  it('outlines an L of streets without filling its missing corner', () => {
    // 20 × 20 blocks with the upper-right 10 × 10 quarter never reached
    const outline = reachOutline(lattice(20, (i, j) => i < 10 || j < 10))!
    expect(outline.type).toBe('Polygon')
    expect(booleanPointInPolygon(point(at(4, 15)), outline)).toBe(true)
    expect(booleanPointInPolygon(point(at(15, 4)), outline)).toBe(true)
    expect(booleanPointInPolygon(point(at(16, 16)), outline)).toBe(false)
  })

  it('holds every reached vertex, and turns its outer ring counter-clockwise as GeoJSON asks', () => {
    const points = lattice(12, (i, j) => (i - 6) ** 2 + (j - 6) ** 2 <= 30)
    const outline = reachOutline(points)!
    expect(outline.type).toBe('Polygon')
    const ring = (outline as GeoJSON.Polygon).coordinates[0]!
    expect(ring[0]).toEqual(ring.at(-1))
    let twiceArea = 0
    for (let i = 0; i + 1 < ring.length; i++) twiceArea += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!
    expect(twiceArea).toBeGreaterThan(0)
    // inside, or on the outline up to the 6-decimal rounding of its corners (under 0.1 m)
    const edge = polygonToLine(outline as GeoJSON.Polygon) as GeoJSON.Feature<GeoJSON.LineString>
    for (const p of points) {
      const onEdge = pointToLineDistance(point(p), edge, { units: 'meters' }) < 0.1
      expect(booleanPointInPolygon(point(p), outline) || onEdge, `${p}`).toBe(true)
    }
  })

  it('draws 50 m around points that span no area: one, two, or a row of them', () => {
    for (const points of [lattice(1, () => true), lattice(2, (i, j) => i === j), lattice(6, (i) => i === 0)]) {
      const outline = reachOutline(points)!
      expect(['Polygon', 'MultiPolygon']).toContain(outline.type)
      for (const p of points) expect(booleanPointInPolygon(point(p), outline)).toBe(true)
      // 50 m north of the first point is on the edge of the circle: 40 m is inside, 60 m outside
      const [lon, lat] = points[0]!
      expect(booleanPointInPolygon(point([lon, lat - 40 / 111_050]), outline)).toBe(true)
      expect(booleanPointInPolygon(point([lon, lat - 60 / 111_050]), outline)).toBe(false)
    }
  })

  it('is null when nothing is reached', () => {
    expect(reachOutline([])).toBeNull()
  })
})
