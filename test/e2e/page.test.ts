import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import {
  openGuardedPage,
  signInContext,
  startWebSession,
  stopWebSession,
  readCanvas,
  waitForMapIdle,
  waitUntilReady,
  type GuardedPage,
} from '../helpers/browser'
import { LEVEL_COLORS, hexToRgb } from '../../web/src/map/levels'
import { LAYER_IDS } from '../../web/src/map/layers'
import { SELECTION_LAYERS } from '../../web/src/map/selection'
import { BASEMAP_LAYERS } from '../../web/src/map/style'
import { en } from '../../web/src/i18n/en'
import { zhCN } from '../../web/src/i18n/zh-CN'

// The first page in a real Chromium against the real app and the demo database: the map renders
// the basemap and the enterprises (from the vector tiles), a click on an enterprise opens its panel,
// the language switches, API errors reach the user, and no request leaves the machine. The risk
// map itself (cells, regions, search, URL) is tested in risk-map.test.ts.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const screenshotPath = path.join(repoRoot, 'test-results', 'first-page.png')

/** The demo city's extent (WGS 84 degrees), with a margin: Shenyang ≈ 122.4–123.8 E, 41.2–43.0 N. */
const SHENYANG = { minLon: 122.2, maxLon: 124.0, minLat: 41.0, maxLat: 43.2 }

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

/**
 * Finds an enterprise drawn on top at its own position, clear of the legend, controls and panel:
 * the point a user would click. Returns it with the click position in page (CSS) pixels.
 */
async function findClickableEnterprise(page: Page) {
  return page.evaluate(
    ({ layer, labels, icons }) => {
      const map = window.__riskmap!.map
      const canvas = map.getCanvas()
      const rect = canvas.getBoundingClientRect()
      for (const feature of map.queryRenderedFeatures({ layers: [layer] })) {
        if (feature.geometry.type !== 'Point') continue
        const point = map.project(feature.geometry.coordinates as [number, number])
        const x = rect.left + point.x
        const y = rect.top + point.y
        if (point.x < 40 || point.y < 40 || point.x > rect.width - 40 || point.y > rect.height - 40) continue
        if (document.elementFromPoint(x, y) !== canvas) continue
        // Nothing else clickable at the point: no other marker, no place name.
        const box: [[number, number], [number, number]] = [
          [point.x - 5, point.y - 5],
          [point.x + 5, point.y + 5],
        ]
        const near = map.queryRenderedFeatures(box, { layers: [layer] })
        if (near.length !== 1 || near[0]!.id !== feature.id) continue
        if (map.queryRenderedFeatures(box, { layers: labels }).length > 0) continue
        // No icon of another layer (installations, resources, overdue records) drawn over it.
        const iconBox: [[number, number], [number, number]] = [
          [point.x - 14, point.y - 14],
          [point.x + 14, point.y + 14],
        ]
        if (map.queryRenderedFeatures(iconBox, { layers: icons.filter((id) => map.getLayer(id)) }).length > 0) continue
        return { id: Number(feature.id), name: String(feature.properties.name), level: Number(feature.properties.level), x, y }
      }
      return null
    },
    {
      layer: LAYER_IDS.enterprises,
      labels: [BASEMAP_LAYERS.countyLabel, BASEMAP_LAYERS.townshipLabel, BASEMAP_LAYERS.cityLabel],
      icons: [LAYER_IDS.majorHazards, LAYER_IDS.resources, LAYER_IDS.overdueHiddenDangers, LAYER_IDS.overdueViolations] as string[],
    },
  )
}

/** The city centre (WGS 84), where the demo enterprises are densest. */
const CITY_CENTRE: [number, number] = [123.43, 41.8]
/** Every enterprise is in the tiles from this zoom (server/modules/tiles/layers.ts thins lower zooms). */
const ALL_ENTERPRISES_ZOOM = 14

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
  await session.page.goto(`${baseUrl}/`)
  await waitUntilReady(session.page)
})

afterAll(() => stopWebSession({ app, browser }))

describe('the first page', () => {
  it('fits the map to the Shenyang divisions and draws them as the basemap', async () => {
    const { page } = session
    const view = await page.evaluate(
      ({ fill, label }) => {
        const map = window.__riskmap!.map
        const bounds = map.getBounds()
        const counties = new Set(map.queryRenderedFeatures({ layers: [fill] }).map((f) => f.properties.code))
        const labels = map.queryRenderedFeatures({ layers: [label] }).map((f) => String(f.properties.name))
        return {
          center: map.getCenter().toArray(),
          zoom: map.getZoom(),
          west: bounds.getWest(),
          east: bounds.getEast(),
          south: bounds.getSouth(),
          north: bounds.getNorth(),
          counties: counties.size,
          labels,
          hash: window.location.hash,
        }
      },
      { fill: BASEMAP_LAYERS.countyFill, label: BASEMAP_LAYERS.countyLabel },
    )
    const [lon, lat] = view.center as [number, number]
    expect(lon).toBeGreaterThan(SHENYANG.minLon)
    expect(lon).toBeLessThan(SHENYANG.maxLon)
    expect(lat).toBeGreaterThan(SHENYANG.minLat)
    expect(lat).toBeLessThan(SHENYANG.maxLat)
    // The whole city is in view, and not much more (fitted, not the world).
    expect(view.west).toBeLessThan(122.6)
    expect(view.east).toBeGreaterThan(123.6)
    expect(view.east - view.west).toBeLessThan(6)

    const countyCount = (await app.inject('/api/divisions?rank=county&boundary=true')).json().features.length as number
    expect(countyCount).toBeGreaterThan(0)
    expect(view.counties).toBe(countyCount)
    // Labels are placed (drawn with local fonts: see the no-glyph-request test below).
    expect(view.labels.length).toBeGreaterThan(0)
    expect(view.labels.every((name) => /[\u4e00-\u9fff]/.test(name))).toBe(true)
    // The view is kept in the URL hash (#map=zoom/lat/lon), beside the overlays shown.
    expect(view.hash).toMatch(/^#map=\d+(\.\d+)?\/\d+(\.\d+)?\/\d+(\.\d+)?&layers=/)
  })

  it('draws the enterprises from the vector tiles, every one in view at street zoom, in their level colours', async () => {
    const { page } = session
    // Whole city: enterprises are thinned out (none below zoom 10), so the overview stays light.
    expect(await page.evaluate((layer) => window.__riskmap!.map.queryRenderedFeatures({ layers: [layer] }).length, LAYER_IDS.enterprises)).toBe(0)
    await expect(page.locator('.legend-overlay[data-overlay="enterprises"] .legend-note').textContent()).resolves.toBe(zhCN.zoomInToSee)

    await page.evaluate(({ center, zoom }) => window.__riskmap!.map.jumpTo({ center, zoom }), { center: CITY_CENTRE, zoom: ALL_ENTERPRISES_ZOOM })
    await waitForMapIdle(page)
    await expect(page.locator('.legend-overlay[data-overlay="enterprises"] .legend-note').count()).resolves.toBe(0)
    const rendered = await page.evaluate((layer) => {
      const map = window.__riskmap!.map
      const canvas = map.getCanvas()
      // The view shrunk by 10 px: every enterprise inside it is fully drawn.
      const sw = map.unproject([10, canvas.clientHeight - 10])
      const ne = map.unproject([canvas.clientWidth - 10, 10])
      const features = map.queryRenderedFeatures({ layers: [layer] })
      return {
        inner: [sw.lng, sw.lat, ne.lng, ne.lat] as [number, number, number, number],
        ids: [...new Set(features.map((f) => Number(f.id)))],
        levels: [...new Set(features.map((f) => Number(f.properties.level)))],
      }
    }, LAYER_IDS.enterprises)
    const inView = (await app.db('enterprise').whereRaw('ST_Intersects(geom, ST_MakeEnvelope(?, ?, ?, ?, 4326))', rendered.inner).pluck('id')) as Array<
      string | number
    >
    expect(inView.length).toBeGreaterThan(20)
    const drawn = new Set(rendered.ids)
    expect(inView.map(Number).filter((id) => !drawn.has(id))).toEqual([])

    // With the cells switched off, the circles' own colours are on the canvas.
    await page.locator('.legend-overlay[data-overlay="cells"] input').uncheck()
    await waitForMapIdle(page)
    const riskLevels = rendered.levels.filter((level) => level >= 1 && level <= 4) as Array<1 | 2 | 3 | 4>
    // The recalibrated demo city has few orange and red enterprises in its centre: two levels at least.
    expect(riskLevels.length).toBeGreaterThanOrEqual(2)
    const colors = Object.fromEntries(riskLevels.map((level) => [`level${level}`, hexToRgb(LEVEL_COLORS[level])]))
    const pixels = await readCanvas(page, { colors })
    expect(pixels.width).toBeGreaterThan(0)
    for (const level of riskLevels) {
      expect(pixels.byColor[`level${level}`], `pixels of level ${level} (${LEVEL_COLORS[level]})`).toBeGreaterThan(20)
    }
    await expect(page.locator('.app-header .demo-badge').textContent()).resolves.toBe(zhCN.demoData)
  })

  it('shows the service health in the header', async () => {
    const { page } = session
    const health = page.locator('.health[data-state="ok"]')
    await health.waitFor()
    const text = await health.textContent()
    expect(text).toContain('PostGIS 3.')
    expect(text).toContain(inject('embedded') ? zhCN.health.embedded : zhCN.health.postgres)
  })

  it('opens the side panel with the clicked enterprise, and closes it with Escape and the close button', async () => {
    const { page } = session
    const target = await findClickableEnterprise(page)
    expect(target, 'an enterprise clear of overlays to click').not.toBeNull()
    const { id, name, x, y } = target!

    await page.mouse.move(x, y)
    await expect.poll(() => page.evaluate(() => window.__riskmap!.map.getCanvas().style.cursor)).toBe('pointer')

    await page.mouse.click(x, y)
    const title = page.locator('.panel .panel-title')
    await title.waitFor()
    expect(await title.textContent()).toBe(name)
    const feature = (await app.inject(`/api/enterprises/${id}`)).json()
    const detail = feature.properties
    const [lon, lat] = feature.geometry.coordinates as [number, number]
    expect(detail.name).toBe(name)
    const panelText = await page.locator('.panel').innerText()
    expect(panelText).toContain(detail.uscc)
    expect(panelText).toContain(zhCN.industries[detail.industry] ?? detail.industry)
    expect(panelText).toContain(zhCN.levelNames[detail.level as 0 | 1 | 2 | 3 | 4])
    if (detail.divisionName) expect(panelText).toContain(detail.divisionName)
    if (detail.industryDepartment) expect(panelText).toContain(detail.industryDepartment)
    if (detail.responsiblePerson) expect(panelText).toContain(detail.responsiblePerson)
    const chip = page.locator('.panel .level-chip')
    expect(await chip.getAttribute('data-level')).toBe(String(detail.level))
    const chipColor = await chip.evaluate((element) => getComputedStyle(element).backgroundColor)
    const [r, g, b] = hexToRgb(LEVEL_COLORS[detail.level as 0 | 1 | 2 | 3 | 4])
    expect(chipColor).toBe(`rgb(${r}, ${g}, ${b})`)
    // The clicked enterprise is ringed on the map, and the URL names it.
    await waitForMapIdle(page)
    const ring = await page.evaluate(
      (layer) => window.__riskmap!.map.queryRenderedFeatures({ layers: [layer] }).map((f) => (f.geometry as { coordinates: number[] }).coordinates),
      SELECTION_LAYERS.point,
    )
    expect(ring).toHaveLength(1)
    expect(ring[0]![0]).toBeCloseTo(lon, 5)
    expect(ring[0]![1]).toBeCloseTo(lat, 5)
    expect(new URL(page.url()).hash).toContain(`sel=enterprise:${id}`)

    fs.mkdirSync(path.dirname(screenshotPath), { recursive: true })
    await page.screenshot({ path: screenshotPath })

    await page.keyboard.press('Escape')
    await page.locator('.panel').waitFor({ state: 'hidden' })
    expect(new URL(page.url()).hash).not.toContain('sel=')

    await page.mouse.click(x, y)
    await title.waitFor()
    await page.locator('.panel .panel-close').click()
    await page.locator('.panel').waitFor({ state: 'hidden' })
  })

  it('switches the whole page to English, and keeps the choice in the URL and across a reload', async () => {
    const { page } = session
    expect(await page.locator('.app-title').textContent()).toBe(zhCN.productName)
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN')
    await page.locator('.lang-switch').click()
    await expect.poll(() => page.locator('.app-title').textContent()).toBe(en.productName)
    expect(en.productName).toBe('Regional Safety-Risk Map')
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en')
    expect(await page.locator('.app-header .demo-badge').textContent()).toBe(en.demoData)
    const legendText = await page.locator('.legend').innerText()
    expect(legendText).toContain(en.levelNames[4])
    expect(legendText).toContain(en.stale)
    expect(legendText).toContain(en.layers.enterprises)
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en')
    expect(await page.evaluate(() => window.localStorage.getItem('riskmap.lang'))).toBe('en')
    const labelField = await page.evaluate((layer) => window.__riskmap!.map.getLayoutProperty(layer, 'text-field'), BASEMAP_LAYERS.countyLabel)
    expect(JSON.stringify(labelField)).toContain('nameEn')

    await page.reload()
    await waitUntilReady(page)
    expect(await page.locator('.app-title').textContent()).toBe(en.productName)
    expect(await page.locator('.lang-switch').textContent()).toBe(en.switchLanguage)
  })

  it('made no request that left the machine, none for glyphs, and no error of any kind', () => {
    const { guard } = session
    expect(guard.requests.length).toBeGreaterThan(0)
    expect(guard.externalRequests).toEqual([])
    expect(guard.requests.filter((url) => /\.pbf(\?|$)|\/glyphs\//.test(url))).toEqual([])
    guard.assertClean()
  })
})

describe('an API error', () => {
  it('is shown to the user in a banner, in their language', async () => {
    const { context, page, guard } = await openGuardedPage(browser)
    await signInContext(app, context, baseUrl)
    try {
      await context.route(
        (url) => url.pathname === '/api/divisions',
        (route) =>
          route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: { code: 'unavailable', message: 'The database is unavailable', details: [] } }),
          }),
      )
      await page.goto(`${baseUrl}/`)
      await page.waitForFunction(() => window.__riskmap !== undefined)
      await expect(page.evaluate(() => window.__riskmap!.ready)).rejects.toThrow()
      const banner = page.locator('.banner')
      await banner.waitFor()
      const text = await banner.innerText()
      expect(text).toContain(zhCN.errors.loadDivisions)
      expect(text).toContain(zhCN.errors.codes.unavailable)
      expect(text).toContain('503')
      expect(guard.externalRequests).toEqual([])
    } finally {
      await context.close()
    }
  })
})
