import { describe, expect, it } from 'vitest'
import { distance as turfDistance } from '@turf/turf'
import { AppError } from './errors'
import { bearingDeg, geodesicDistanceM, validateLonLat, WGS84_A, WGS84_F } from './geo'

const dms = (d: number, m: number, s: number) => Math.sign(d) * (Math.abs(d) + m / 60 + s / 3600)

/** Length of 1° of longitude along the parallel at latitude φ on WGS 84, metres. */
function parallelDegreeM(latDeg: number): number {
  const e2 = WGS84_F * (2 - WGS84_F)
  const φ = (latDeg * Math.PI) / 180
  return ((Math.PI / 180) * WGS84_A * Math.cos(φ)) / Math.sqrt(1 - e2 * Math.sin(φ) ** 2)
}

describe('geodesicDistanceM', () => {
  it("Vincenty's own test: Flinders Peak → Buninyong is 54 972.271 m, initial bearing 306°52'05.37\"", () => {
    const lon1 = dms(144, 25, 29.5244)
    const lat1 = -dms(37, 57, 3.7203)
    const lon2 = dms(143, 55, 35.3839)
    const lat2 = -dms(37, 39, 10.1561)
    expect(geodesicDistanceM(lon1, lat1, lon2, lat2)).toBeCloseTo(54972.271, 2)
    expect(bearingDeg(lon1, lat1, lon2, lat2)).toBeCloseTo(dms(306, 52, 5.37), 4)
  })

  const parallelCases: Array<[number]> = [[0], [30], [41], [41.8], [60]]
  it.each(parallelCases)('1° of longitude at %d° N ≈ the parallel arc within 0.1 %', (lat) => {
    const d = geodesicDistanceM(123, lat, 124, lat)
    expect(Math.abs(d - parallelDegreeM(lat)) / parallelDegreeM(lat)).toBeLessThan(0.001)
  })

  const meridianCases: Array<[number, number, number]> = [
    // Meridian arc lengths on WGS 84, metres, from numerically integrating M(φ) = a(1−e²)/(1−e² sin²φ)^1.5.
    [0, 1, 110574.389],
    [41, 42, 111063.588],
  ]
  it.each(meridianCases)('meridian arc %d° → %d° ≈ %d m', (lat1, lat2, expected) => {
    expect(geodesicDistanceM(123, lat1, 123, lat2)).toBeCloseTo(expected, 2)
  })

  it('Shenyang → Beijing ≈ 629 km, within 0.5 % of the spherical great circle', () => {
    const d = geodesicDistanceM(123.43, 41.8, 116.4, 39.9)
    expect(d / 1000).toBeCloseTo(629.0, 0)
    const spherical = turfDistance([123.43, 41.8], [116.4, 39.9], { units: 'meters' })
    expect(Math.abs(d - spherical) / d).toBeLessThan(0.005)
  })

  const symmetric: Array<[number, number, number, number]> = [
    [123.43, 41.8, 116.4, 39.9],
    [-70, -33, 151, -34],
    [0, 0, 90, 0],
  ]
  it.each(symmetric)('is symmetric (%d, %d) ↔ (%d, %d)', (a, b, c, d) => {
    expect(geodesicDistanceM(a, b, c, d)).toBeCloseTo(geodesicDistanceM(c, d, a, b), 3)
  })

  it('is 0 for coincident points', () => {
    expect(geodesicDistanceM(123.43, 41.8, 123.43, 41.8)).toBe(0)
  })

  it('a quarter of the equator is a · π / 2', () => {
    expect(geodesicDistanceM(0, 0, 90, 0)).toBeCloseTo((WGS84_A * Math.PI) / 2, 3)
  })

  it('near-antipodal points fall back to the sphere (within 0.5 % of the true 20 003 931 m)', () => {
    const d = geodesicDistanceM(0, 0, 180, 0)
    expect(Math.abs(d - 20003931.4586) / 20003931.4586).toBeLessThan(0.005)
  })
})

describe('bearingDeg', () => {
  const cases: Array<[string, [number, number, number, number], number]> = [
    ['due north', [123, 41, 123, 42], 0],
    ['due south', [123, 42, 123, 41], 180],
    ['due east on the equator', [0, 0, 1, 0], 90],
    ['due west on the equator', [1, 0, 0, 0], 270],
    ['coincident points', [123, 41, 123, 41], 0],
  ]
  it.each(cases)('%s', (_label, [a, b, c, d], expected) => {
    expect(bearingDeg(a, b, c, d)).toBeCloseTo(expected, 6)
  })

  it('Shenyang → Beijing is towards the west-south-west', () => {
    const b = bearingDeg(123.43, 41.8, 116.4, 39.9)
    expect(b).toBeGreaterThan(240)
    expect(b).toBeLessThan(260)
  })
})

describe('validateLonLat', () => {
  const valid: Array<[number, number]> = [
    [0, 0],
    [180, 90],
    [-180, -90],
    [123.43, 41.8],
  ]
  it.each(valid)('accepts (%d, %d)', (lon, lat) => {
    expect(() => validateLonLat(lon, lat)).not.toThrow()
  })

  const invalid: Array<[unknown, unknown, string | undefined, string]> = [
    [180.0001, 0, undefined, 'lon'],
    [-181, 0, undefined, 'lon'],
    [Number.NaN, 0, undefined, 'lon'],
    [Number.POSITIVE_INFINITY, 0, undefined, 'lon'],
    ['123', 41, undefined, 'lon'],
    [0, 90.5, undefined, 'lat'],
    [0, -91, undefined, 'lat'],
    [0, null, undefined, 'lat'],
    [200, 0, 'location', 'location.lon'],
    [0, 100, 'features[3].geometry', 'features[3].geometry.lat'],
  ]
  it.each(invalid)('rejects (%s, %s) with prefix %s naming %s', (lon, lat, prefix, field) => {
    try {
      validateLonLat(lon, lat, prefix)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(AppError)
      expect((e as AppError).details[0]?.field).toBe(field)
    }
  })
})
