import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { bd09ToGcj02, bd09ToWgs84, gcj02ToBd09, gcj02ToWgs84, outOfChina, toWgs84, wgs84ToBd09, wgs84ToGcj02, type Crs, type LonLat } from './coords'
import { geodesicDistanceM } from './geo'

const metres = (a: LonLat, b: LonLat) => geodesicDistanceM(a[0], a[1], b[0], b[1])

/** Real places (WGS 84): Shenyang Government Square, Dalian Xinghai Square, Beijing Tiananmen, Urumqi. */
const places: Array<[string, LonLat]> = [
  ['Shenyang', [123.4315, 41.8057]],
  ['Dalian', [121.687, 38.8844]],
  ['Beijing', [116.3975, 39.9087]],
  ['Urumqi', [87.6168, 43.8256]],
]

describe('published reference values (wandergis/coordtransform, input 116.404, 39.915)', () => {
  it('wgs84ToGcj02', () => {
    const [lon, lat] = wgs84ToGcj02(116.404, 39.915)
    expect(lon).toBeCloseTo(116.41024449916938, 10)
    expect(lat).toBeCloseTo(39.91640428150164, 10)
  })
  it('gcj02ToBd09', () => {
    const [lon, lat] = gcj02ToBd09(116.404, 39.915)
    expect(lon).toBeCloseTo(116.41036949371029, 10)
    expect(lat).toBeCloseTo(39.92133699351021, 10)
  })
  it('bd09ToGcj02 within 0.1 m of the closed-form value (ours is refined by iteration)', () => {
    expect(metres(bd09ToGcj02(116.404, 39.915), [116.39762729119315, 39.90865673957631])).toBeLessThan(0.1)
  })
  it('gcj02ToWgs84 within 0.5 m of the one-step inverse', () => {
    expect(metres(gcj02ToWgs84(116.404, 39.915), [116.39775550083061, 39.91359571849836])).toBeLessThan(0.5)
  })
})

describe('round trips within 0.5 m', () => {
  it.each(places)('%s: WGS 84 → GCJ-02 → WGS 84', (_name, p) => {
    const gcj = wgs84ToGcj02(p[0], p[1])
    expect(metres(gcj02ToWgs84(gcj[0], gcj[1]), p)).toBeLessThan(0.5)
  })
  it.each(places)('%s: GCJ-02 → WGS 84 → GCJ-02', (_name, p) => {
    const wgs = gcj02ToWgs84(p[0], p[1])
    expect(metres(wgs84ToGcj02(wgs[0], wgs[1]), p)).toBeLessThan(0.5)
  })
  it.each(places)('%s: WGS 84 → BD-09 → WGS 84', (_name, p) => {
    const bd = wgs84ToBd09(p[0], p[1])
    expect(metres(bd09ToWgs84(bd[0], bd[1]), p)).toBeLessThan(0.5)
  })
  it.each(places)('%s: GCJ-02 → BD-09 → GCJ-02', (_name, p) => {
    const bd = gcj02ToBd09(p[0], p[1])
    expect(metres(bd09ToGcj02(bd[0], bd[1]), p)).toBeLessThan(0.5)
  })
})

describe('offset magnitudes', () => {
  it('GCJ-02 offset at Shenyang is a few hundred metres', () => {
    const p: LonLat = [123.4315, 41.8057]
    const offset = metres(wgs84ToGcj02(p[0], p[1]), p)
    expect(offset).toBeGreaterThan(200)
    expect(offset).toBeLessThan(900)
  })
  it('BD-09 offset at Shenyang is larger than the GCJ-02 one, about 1–2 km', () => {
    const p: LonLat = [123.4315, 41.8057]
    const offset = metres(wgs84ToBd09(p[0], p[1]), p)
    expect(offset).toBeGreaterThan(900)
    expect(offset).toBeLessThan(2000)
  })
})

describe('outside China GCJ-02 = WGS 84', () => {
  const cases: Array<[string, LonLat, boolean]> = [
    ['Tokyo', [139.6917, 35.6895], true],
    ['Paris', [2.3522, 48.8566], true],
    ['Sydney', [151.2093, -33.8688], true],
    ['Shenyang', [123.4315, 41.8057], false],
  ]
  it.each(cases)('%s (out of China: %s)', (_name, p, out) => {
    expect(outOfChina(p[0], p[1])).toBe(out)
    if (out) {
      expect(wgs84ToGcj02(p[0], p[1])).toEqual(p)
      expect(gcj02ToWgs84(p[0], p[1])).toEqual(p)
    }
  })
})

describe('toWgs84', () => {
  const shenyang: LonLat = [123.4315, 41.8057]
  const gcj = wgs84ToGcj02(shenyang[0], shenyang[1])
  const bd = wgs84ToBd09(shenyang[0], shenyang[1])
  const cases: Array<[Crs, LonLat]> = [
    ['wgs84', shenyang],
    ['cgcs2000', shenyang],
    ['gcj02', gcj],
    ['bd09', bd],
  ]
  it.each(cases)('from %s', (crs, input) => {
    expect(metres(toWgs84(input[0], input[1], crs), shenyang)).toBeLessThan(0.5)
  })

  const invalidCases: Array<[number, number, string, string]> = [
    [123, 41, 'epsg3857', 'crs'],
    [Number.NaN, 41, 'gcj02', 'lon'],
    [123, 91, 'bd09', 'lat'],
  ]
  it.each(invalidCases)('(%d, %d, %s) → invalid %s', (lon, lat, crs, field) => {
    try {
      toWgs84(lon, lat, crs as Crs)
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(AppError)
      expect((e as AppError).details[0]?.field).toBe(field)
    }
  })
})
