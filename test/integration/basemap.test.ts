import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { PMTiles } from 'pmtiles'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTestApp } from '../helpers/app'
import { pmtilesAround, tileAt } from '../helpers/pmtiles'
import { ConfigError, loadConfig } from '../../server/config'

const SHENYANG: [number, number] = [123.43, 41.8]
let dir: string
let file: string
let app: FastifyInstance
let base: string

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-basemap-'))
  file = path.join(dir, 'shenyang.pmtiles')
  await fs.writeFile(file, pmtilesAround(...SHENYANG))
  await fs.writeFile(path.join(dir, 'secret.txt'), 'not a basemap')
  app = await buildTestApp({ BASEMAP_PMTILES: file }, { as: null })
  base = await app.listen({ port: 0, host: '127.0.0.1' })
}, 120_000)

afterAll(async () => {
  await app?.close()
  await fs.rm(dir, { recursive: true, force: true })
})

describe('street basemap (BASEMAP_PMTILES)', () => {
  it('tells the page where the file is, without signing in', async () => {
    const res = await fetch(`${base}/basemap/config.json`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ pmtiles: '/basemap/region.pmtiles' })
  })

  it('serves byte ranges of the file with 206, Content-Range, Accept-Ranges and an ETag', async () => {
    const whole = await fs.readFile(file)
    const res = await fetch(`${base}/basemap/region.pmtiles`, { headers: { range: 'bytes=0-126' } })
    expect(res.status).toBe(206)
    expect(res.headers.get('content-range')).toBe(`bytes 0-126/${whole.length}`)
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    const etag = res.headers.get('etag')
    expect(etag).toBeTruthy()
    expect(Buffer.from(await res.arrayBuffer()).equals(whole.subarray(0, 127))).toBe(true)
    // (inject: fetch() adds Cache-Control: no-cache to a conditional request, which rightly defeats the 304)
    const again = await app.inject({ method: 'GET', url: '/basemap/region.pmtiles', headers: { 'if-none-match': etag! } })
    expect(again.statusCode).toBe(304)
    const beyond = await fetch(`${base}/basemap/region.pmtiles`, { headers: { range: `bytes=${whole.length + 10}-` } })
    expect(beyond.status).toBe(416)
    // Only the configured file is reachable from its folder.
    expect((await fetch(`${base}/basemap/secret.txt`)).status).toBe(404)
  })

  it('is read by the pmtiles reader over HTTP into a real vector tile', async () => {
    const reader = new PMTiles(`${base}/basemap/region.pmtiles`)
    const header = await reader.getHeader()
    expect(header.specVersion).toBe(3)
    expect(header.maxZoom).toBe(6)
    const { x, y } = tileAt(...SHENYANG, 6)
    const tile = await reader.getZxy(6, x, y)
    expect(tile).toBeDefined()
    const vt = new VectorTile(new PbfReader(new Uint8Array(tile!.data)))
    expect(Object.keys(vt.layers).sort()).toEqual(['earth', 'water'])
    expect(vt.layers.earth!.feature(0).type).toBe(3)
    expect(await reader.getZxy(6, x + 1, y)).toBeUndefined()
  })

  it('without the setting, says there is none and serves no file', async () => {
    const plain = await buildTestApp({}, { as: null })
    try {
      const res = await plain.inject({ method: 'GET', url: '/basemap/config.json' })
      expect(res.json()).toEqual({ pmtiles: null })
      expect((await plain.inject({ method: 'GET', url: '/basemap/region.pmtiles' })).statusCode).toBe(404)
    } finally {
      await plain.close()
    }
  })

  it('refuses a missing file, a file that is not PMTiles and an old version, naming BASEMAP_PMTILES', async () => {
    const fail = (value: string) => {
      try {
        loadConfig({ BASEMAP_PMTILES: value })
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError)
        expect((err as ConfigError).variable).toBe('BASEMAP_PMTILES')
        return (err as Error).message
      }
      throw new Error(`accepted ${value}`)
    }
    expect(fail(path.join(dir, 'missing.pmtiles'))).toMatch(/BASEMAP_PMTILES names a file that does not exist/)
    expect(fail(path.join(dir, 'secret.txt'))).toMatch(/BASEMAP_PMTILES is not a PMTiles file/)
    expect(fail(dir)).toMatch(/BASEMAP_PMTILES must name a \.pmtiles file/)
    const v2 = Buffer.from(await fs.readFile(file))
    v2[7] = 2
    await fs.writeFile(path.join(dir, 'old.pmtiles'), v2)
    expect(fail(path.join(dir, 'old.pmtiles'))).toMatch(/BASEMAP_PMTILES is a PMTiles version 2 file/)
  })
})
