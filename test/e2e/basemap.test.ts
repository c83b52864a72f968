import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app'
import { launchChromium, openGuardedPage, signInContext, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { streetPmtiles, type StreetFixture } from '../helpers/pmtiles'
import { LAYER_IDS } from '../../web/src/map/layers'
import { BASEMAP_LAYERS, FIRST_LABEL_LAYER, STREET_LAYER_PREFIX, STREET_SOURCE } from '../../web/src/map/style'

// The street basemap (BASEMAP_PMTILES) in a real Chromium: a PMTiles file made here, holding one
// road and one town in the Protomaps schema, is read by the page from the service by range requests
// (206) and drawn under the risk layers with its names over them; no request leaves the service's
// origin. Without the setting the page asks for no PMTiles and draws the division basemap as before.

/** A road and a town in the middle of the demo city (the staff map's first view is the city). */
const FIXTURE: StreetFixture = {
  road: { name: '测试大街', nameEn: 'Test Avenue', lat: 41.795, fromLon: 123.38, toLon: 123.48 },
  place: { name: '测试镇', nameEn: 'Testtown', lon: 123.43, lat: 41.805 },
}
const VIEW = { center: [123.43, 41.8] as [number, number], zoom: 13 }
const ROAD_LAYER = `${STREET_LAYER_PREFIX}roads_major`
const ROAD_LABEL_LAYER = `${STREET_LAYER_PREFIX}roads_labels_major`
const PLACE_LAYER = `${STREET_LAYER_PREFIX}places_locality`

let dir: string
let browser: Browser

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-basemap-e2e-'))
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await fs.rm(dir, { recursive: true, force: true })
})

interface Served {
  app: FastifyInstance
  baseUrl: string
}

async function serve(env: Record<string, string>): Promise<Served> {
  const app = await buildTestApp(env, { as: null })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, baseUrl: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` }
}

interface PmtilesExchange {
  status: number
  range: string | undefined
  contentRange: string | undefined
}

/** Opens a page of the service signed in as admin (or anonymous), recording each exchange for region.pmtiles. */
async function openMap(served: Served, pagePath: string, signedIn: boolean): Promise<GuardedPage & { pmtiles: Promise<PmtilesExchange>[] }> {
  const guarded = await openGuardedPage(browser)
  if (signedIn) await signInContext(served.app, guarded.context, served.baseUrl, 'admin')
  // every Content-Security-Policy violation (the pmtiles protocol's range requests run under it)
  await guarded.context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __csp: string[] }).__csp = seen
    document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI}`))
  })
  const pmtiles: Promise<PmtilesExchange>[] = []
  guarded.context.on('response', (response) => {
    if (!response.url().includes('/basemap/region.pmtiles')) return
    pmtiles.push(
      (async () => ({
        status: response.status(),
        range: (await response.request().allHeaders()).range,
        contentRange: (await response.allHeaders())['content-range'],
      }))(),
    )
  })
  await guarded.page.goto(`${served.baseUrl}${pagePath}`)
  await waitUntilReady(guarded.page)
  return { ...guarded, pmtiles }
}

/** Waits until the street basemap's source and layers are on the map (added once /basemap/config.json is read). */
async function waitForStreets(page: Page): Promise<void> {
  await page.waitForFunction(({ source, layer }) => Boolean(window.__riskmap!.map.getSource(source) && window.__riskmap!.map.getLayer(layer)), {
    source: STREET_SOURCE,
    layer: PLACE_LAYER,
  })
}

async function moveTo(page: Page): Promise<void> {
  await page.evaluate((view) => window.__riskmap!.map.jumpTo(view), VIEW)
  await waitForMapIdle(page)
}

/** The CSP violations the page recorded (see openMap). */
async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? ['(not recorded)'])
}

/** Every URL the page requested is on the service's origin (or a data:/blob: URL the page made itself). */
function offOrigin(requests: string[], baseUrl: string): string[] {
  return requests.filter((url) => !url.startsWith(`${baseUrl}/`) && !url.startsWith('data:') && !url.startsWith('blob:'))
}

describe('with BASEMAP_PMTILES', () => {
  let served: Served

  beforeAll(async () => {
    const file = path.join(dir, 'streets.pmtiles')
    await fs.writeFile(file, streetPmtiles(FIXTURE))
    served = await serve({ BASEMAP_PMTILES: file })
  }, 180_000)
  afterAll(async () => {
    await served?.app.close()
  })

  it('the staff map draws the road and the town from the service by range requests, under the risk layers, and nothing leaves the origin', async () => {
    const { context, page, guard, pmtiles } = await openMap(served, '/', true)
    try {
      await waitForStreets(page)
      await moveTo(page)

      const state = await page.evaluate(
        ({ source, road, roadLabel, place }) => {
          const map = window.__riskmap!.map
          const order = map.getLayersOrder()
          const names = (layer: string) => map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties.name))
          return {
            sourceUrl: (map.getSource(source) as unknown as { url?: string }).url,
            order,
            background: order.filter((id) => map.getLayer(id)?.type === 'background'),
            icons: order.filter(
              (id) => id.startsWith('street-') && map.getLayer(id)?.type === 'symbol' && map.getLayoutProperty(id, 'icon-image') !== undefined,
            ),
            roads: names(road),
            roadLabels: names(roadLabel),
            places: names(place),
            placeField: JSON.stringify(map.getLayoutProperty(place, 'text-field')),
          }
        },
        { source: STREET_SOURCE, road: ROAD_LAYER, roadLabel: ROAD_LABEL_LAYER, place: PLACE_LAYER },
      )
      // The source is the service's own file, through the pmtiles protocol.
      expect(state.sourceUrl).toBe(`pmtiles://${served.baseUrl}/basemap/region.pmtiles`)
      // Drawn: the road as a line and by its name, the town by its name (placed, so its glyphs were drawn).
      expect(state.roads).toContain(FIXTURE.road.name)
      expect(state.roadLabels).toContain(FIXTURE.road.name)
      expect(state.places).toContain(FIXTURE.place.name)
      expect(state.placeField).toContain('name:zh-Hans')
      // No sprite: no street layer asks for an icon; the package's background is left out (ours stays).
      expect(state.icons).toEqual([])
      expect(state.background).toEqual([BASEMAP_LAYERS.background, BASEMAP_LAYERS.overlaysTop])
      // Order: division fill < streets < division lines < risk cells < marker < street names < division names.
      const at = (id: string) => {
        const index = state.order.indexOf(id)
        expect(index, id).toBeGreaterThanOrEqual(0)
        return index
      }
      expect(at(BASEMAP_LAYERS.countyFill)).toBeLessThan(at(`${STREET_LAYER_PREFIX}earth`))
      expect(at(ROAD_LAYER)).toBeLessThan(at(BASEMAP_LAYERS.countyLine))
      expect(at(BASEMAP_LAYERS.countyLine)).toBeLessThan(at(LAYER_IDS.cellFill))
      expect(at(LAYER_IDS.cellFill)).toBeLessThan(at(FIRST_LABEL_LAYER))
      expect(at(FIRST_LABEL_LAYER)).toBeLessThan(at(PLACE_LAYER))
      expect(at(ROAD_LABEL_LAYER)).toBeLessThan(at(BASEMAP_LAYERS.townshipLabel))
      // Every street layer is either under the division lines or over the marker: none among the risk layers.
      const streets = state.order.filter((id) => id.startsWith(STREET_LAYER_PREFIX))
      expect(streets.length).toBeGreaterThan(40)
      expect(streets.filter((id) => at(id) > at(BASEMAP_LAYERS.townshipLine) && at(id) < at(FIRST_LABEL_LAYER))).toEqual([])

      // Range requests, each answered 206 with its Content-Range.
      const exchanges = await Promise.all(pmtiles)
      expect(exchanges.length).toBeGreaterThanOrEqual(2) // header + root directory, then tile data
      for (const exchange of exchanges) {
        expect(exchange.range).toMatch(/^bytes=\d+-\d+$/)
        expect(exchange.status).toBe(206)
        expect(exchange.contentRange).toMatch(/^bytes \d+-\d+\/\d+$/)
      }
      expect(guard.requests.some((url) => url.endsWith('/basemap/config.json'))).toBe(true)
      expect(offOrigin(guard.requests, served.baseUrl)).toEqual([])
      expect(await cspViolations(page)).toEqual([])
      expect(guard.externalRequests).toEqual([])
      // and no glyph or sprite file was asked for, from anywhere: labels are drawn locally
      expect(guard.requests.filter((url) => /\.pbf(\?|$)|\/glyphs\/|sprite/.test(url))).toEqual([])
      guard.assertClean()
    } finally {
      await context.close()
    }
  })

  it('the names follow the language switch', async () => {
    const { context, page, guard } = await openMap(served, '/', true)
    try {
      await waitForStreets(page)
      await moveTo(page)
      await page.locator('.lang-switch').click()
      await waitForMapIdle(page)
      const state = await page.evaluate(
        ({ place, roadLabel }) => {
          const map = window.__riskmap!.map
          return {
            field: JSON.stringify(map.getLayoutProperty(place, 'text-field')),
            road: JSON.stringify(map.getLayoutProperty(roadLabel, 'text-field')),
            places: map.queryRenderedFeatures({ layers: [place] }).length,
          }
        },
        { place: PLACE_LAYER, roadLabel: ROAD_LABEL_LAYER },
      )
      expect(state.field).toContain('name:en')
      expect(state.field).not.toContain('name:zh-Hans')
      expect(state.road).toContain('name:en')
      expect(state.places).toBeGreaterThan(0)
      guard.assertClean()
    } finally {
      await context.close()
    }
  })

  it('the public portal draws it too, without signing in', async () => {
    const { context, page, guard, pmtiles } = await openMap(served, '/public.html', false)
    try {
      await waitForStreets(page)
      await moveTo(page)
      const roads = await page.evaluate(
        (layer) => window.__riskmap!.map.queryRenderedFeatures({ layers: [layer] }).map((f) => String(f.properties.name)),
        ROAD_LAYER,
      )
      expect(roads).toContain(FIXTURE.road.name)
      expect((await Promise.all(pmtiles)).every((e) => e.status === 206)).toBe(true)
      expect(offOrigin(guard.requests, served.baseUrl)).toEqual([])
      expect(await cspViolations(page)).toEqual([])
      guard.assertClean()
    } finally {
      await context.close()
    }
  })
})

describe('without BASEMAP_PMTILES', () => {
  let served: Served

  beforeAll(async () => {
    served = await serve({})
  }, 180_000)
  afterAll(async () => {
    await served?.app.close()
  })

  it('asks for no PMTiles and draws the division basemap as before', async () => {
    const { context, page, guard, pmtiles } = await openMap(served, '/', true)
    try {
      await moveTo(page)
      // the page did ask, and was told there is none
      await page.waitForFunction(() => performance.getEntriesByType('resource').some((e) => e.name.endsWith('/basemap/config.json')))
      await waitForMapIdle(page)
      const state = await page.evaluate((source) => {
        const map = window.__riskmap!.map
        const order = map.getLayersOrder()
        return { hasSource: Boolean(map.getSource(source)), streets: order.filter((id) => id.startsWith('street-')), order }
      }, STREET_SOURCE)
      expect(state.hasSource).toBe(false)
      expect(state.streets).toEqual([])
      expect(pmtiles).toEqual([])
      expect(guard.requests.filter((url) => url.includes('.pmtiles'))).toEqual([])
      // The division basemap's layers, in their order, with the overlays under the names.
      const divisions = Object.values(BASEMAP_LAYERS)
      expect(state.order.filter((id) => (divisions as string[]).includes(id))).toEqual(divisions)
      expect(state.order.indexOf(LAYER_IDS.cellFill)).toBeLessThan(state.order.indexOf(FIRST_LABEL_LAYER))
      expect(offOrigin(guard.requests, served.baseUrl)).toEqual([])
      guard.assertClean()
    } finally {
      await context.close()
    }
  })
})
