import { describe, expect, it } from 'vitest'
import type { Knex } from 'knex'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { ByteLruCache } from './cache'
import { DataVersionReader, readDataState } from './data-version'
import { encodeTile, orientPolygon, ringArea } from './encode'
import { cellResolution, findTileLayer } from './layers'
import { acceptsGzip } from './routes'
import { checkTile, tileAt } from './tile'

describe('encodeTile', () => {
  const square = [
    [10, 10],
    [20, 10],
    [20, 20],
    [10, 20],
    [10, 10],
  ] // clockwise on screen (y down)
  const hole = [
    [12, 12],
    [12, 18],
    [18, 18],
    [18, 12],
    [12, 12],
  ]

  it('writes ids, typed properties and MVT geometry types; an empty tile is empty', () => {
    const bytes = encodeTile([
      { name: 'points', rows: [{ id: '7', geom: { type: 'Point', coordinates: [5, 6] }, name: '沈阳', level: 3, score: 1.5, ok: true, none: null }] },
      { name: 'areas', rows: [{ id: 9, geom: { type: 'Polygon', coordinates: [square] } }] },
      { name: 'empty', rows: [] },
    ])
    const tile = new VectorTile(new PbfReader(bytes))
    expect(Object.keys(tile.layers)).toEqual(['points', 'areas'])
    const p = tile.layers.points!.feature(0)
    expect(p.id).toBe(7)
    expect(p.type).toBe(1)
    expect(p.properties).toEqual({ name: '沈阳', level: 3, score: 1.5, ok: true })
    expect(p.loadGeometry()[0]![0]).toMatchObject({ x: 5, y: 6 })
    expect(tile.layers.areas!.feature(0).type).toBe(3)
    expect(encodeTile([{ name: 'x', rows: [] }]).length).toBe(0)
  })

  it('orients exterior rings positive (clockwise on screen) and holes negative, whatever the input', () => {
    const reversed = [...square].reverse()
    for (const rings of [
      [square, hole],
      [reversed, [...hole].reverse()],
    ]) {
      const out = orientPolygon(rings)
      expect(ringArea(out[0]!)).toBeGreaterThan(0)
      expect(ringArea(out[1]!)).toBeLessThan(0)
    }
    const bytes = encodeTile([
      {
        name: 'a',
        rows: [
          {
            id: 1,
            geom: {
              type: 'MultiPolygon',
              coordinates: [
                [reversed, hole],
                [
                  [
                    [30, 30],
                    [31, 30],
                    [30, 31],
                    [30, 30],
                  ],
                ],
              ],
            },
          },
        ],
      },
    ])
    const rings = new VectorTile(new PbfReader(bytes)).layers.a!.feature(0).loadGeometry()
    // The half-unit triangle is dropped as ST_AsMVTGeom drops it.
    expect(rings).toHaveLength(2)
    expect(ringArea(rings[0]!.map((p) => [p.x, p.y]))).toBeGreaterThan(0)
    expect(ringArea(rings[1]!.map((p) => [p.x, p.y]))).toBeLessThan(0)
  })
})

describe('ByteLruCache', () => {
  it('evicts the least recently used entries to stay within its byte budget', () => {
    const cache = new ByteLruCache<string>(1000)
    cache.set('a', 'A', 200)
    cache.set('b', 'B', 150)
    cache.set('c', 'C', 250)
    expect(cache.get('a')).toBe('A') // a is now the most recent; b the least
    cache.set('d', 'D', 250)
    cache.set('e', 'E', 250)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe('A')
    expect(cache.bytes).toBe(950)
    cache.set('huge', 'H', 251) // over a quarter of the budget: not kept
    expect(cache.get('huge')).toBeUndefined()
    cache.set('a', 'A2', 100)
    expect(cache.bytes).toBe(850)
    expect(cache.size).toBe(4)
    expect(cache.hits).toBe(2)
  })
})

describe('tile addresses and layers', () => {
  it('checks z, x and y, naming the parameter', () => {
    expect(checkTile(3, 7, 0)).toEqual({ z: 3, x: 7, y: 0 })
    expect(() => checkTile(23, 0, 0)).toThrow(/^z:/)
    expect(() => checkTile(3, 8, 0)).toThrow(/^x: .* 0 to 7/)
    expect(() => checkTile(0, 0, 1)).toThrow(/^y:/)
  })

  it('finds the tile of a point', () => {
    expect(tileAt(0, 0, 1)).toEqual({ z: 1, x: 1, y: 1 })
    expect(tileAt(123.43, 41.8, 12)).toEqual({ z: 12, x: 3452, y: 1523 })
    expect(tileAt(180, -90, 2)).toEqual({ z: 2, x: 3, y: 3 })
  })

  it('maps zoom to the H3 resolution of the cells layer, never finer than the analysis resolution', () => {
    expect([0, 6, 7, 8, 9, 10, 11, 12, 18].map((z) => cellResolution(z, 8))).toEqual([4, 4, 5, 6, 6, 7, 7, 8, 8])
    expect(cellResolution(14, 9)).toBe(9)
    expect(cellResolution(11, 6)).toBe(6)
  })

  it('looks layers up in the registry only', () => {
    expect(findTileLayer('cells')?.id).toBe('cells')
    expect(findTileLayer('constructor')).toBeUndefined()
    expect(findTileLayer('__proto__')).toBeUndefined()
  })
})

describe('acceptsGzip', () => {
  it.each([
    [undefined, false],
    ['gzip', true],
    ['deflate, gzip;q=0.5, br', true],
    ['gzip;q=0', false],
    ['*', true],
    ['*;q=0', false],
    ['br, identity', false],
  ])('%s → %s', (header, expected) => expect(acceptsGzip(header)).toBe(expected))
})

describe('DataVersionReader', () => {
  /** A database whose reads resolve when the test says so, counting them. */
  function controlledDb() {
    const waiting: Array<(version: number) => void> = []
    const db = {
      raw: () => new Promise((resolve) => waiting.push((v) => resolve({ rows: [{ version: String(v), today: '2026-01-01' }] }))),
    } as unknown as Knex
    return { db, waiting }
  }
  const tick = () => new Promise((r) => setImmediate(r))

  it('never answers a request with a read that started before it arrived, and coalesces the rest', async () => {
    const { db, waiting } = controlledDb()
    const reader = new DataVersionReader(() => readDataState(db))
    const first = reader.read() // starts read #1
    const second = reader.read() // arrived during #1: waits for #2
    const third = reader.read() // joins #2 too
    expect(waiting).toHaveLength(1)
    waiting[0]!(1) // read #1 sees version 1; a write commits version 2 afterwards
    expect((await first).version).toBe(1)
    await tick()
    expect(waiting).toHaveLength(2)
    waiting[1]!(2)
    expect((await second).version).toBe(2)
    expect((await third).version).toBe(2)
  })
})
