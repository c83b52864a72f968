import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app'
import { launchChromium, openGuardedPage, type GuardedPage } from '../helpers/browser'
import { LEVEL_COLORS } from '../../web/src/map/levels'
import { ENTERPRISE_LAYERS } from '../../web/src/map/layers'
import { BASEMAP_LAYERS } from '../../web/src/map/style'
import { en } from '../../web/src/i18n/en'
import { zhCN } from '../../web/src/i18n/zh-CN'

// The first page in a real Chromium against the real app and the demo database: the map renders
// the basemap and the enterprises, a click opens the side panel, the language switches, API errors
// reach the user, and no request leaves the machine.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const webIndex = path.join(repoRoot, 'dist', 'web', 'index.html')
const screenshotPath = path.join(repoRoot, 'test-results', 'first-page.png')

/** The demo city's extent (WGS 84 degrees), with a margin: Shenyang ≈ 122.4–123.8 E, 41.2–43.0 N. */
const SHENYANG = { minLon: 122.2, maxLon: 124.0, minLat: 41.0, maxLat: 43.2 }

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

async function waitUntilReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__riskmap !== undefined)
  await page.evaluate(() => window.__riskmap!.ready)
}

function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/**
 * Reads the map's WebGL canvas as it is drawn: inside the `render` event the frame is still in the
 * drawing buffer, so it is copied onto a 2D canvas there and its pixels counted. Returns, for each
 * colour asked for, how many pixels are within `tolerance` of it per channel, and how many pixels
 * differ from the top-left (background) pixel at all.
 */
async function countCanvasPixels(page: Page, colors: Record<string, [number, number, number]>, tolerance = 8) {
  return page.evaluate(
    ({ colors, tolerance }) =>
      new Promise<{ width: number; height: number; byColor: Record<string, number>; nonBackground: number }>((resolve) => {
        const map = window.__riskmap!.map
        map.once('render', () => {
          const canvas = map.getCanvas()
          const copy = document.createElement('canvas')
          copy.width = canvas.width
          copy.height = canvas.height
          const context = copy.getContext('2d', { willReadFrequently: true })!
          context.drawImage(canvas, 0, 0)
          const data = context.getImageData(0, 0, copy.width, copy.height).data
          const byColor: Record<string, number> = Object.fromEntries(Object.keys(colors).map((k) => [k, 0]))
          const [br, bg, bb] = [data[0]!, data[1]!, data[2]!]
          let nonBackground = 0
          for (let i = 0; i < data.length; i += 4) {
            const r = data[i]!
            const g = data[i + 1]!
            const b = data[i + 2]!
            if (r !== br || g !== bg || b !== bb) nonBackground++
            for (const [key, [cr, cg, cb]] of Object.entries(colors)) {
              if (Math.abs(r - cr) <= tolerance && Math.abs(g - cg) <= tolerance && Math.abs(b - cb) <= tolerance) byColor[key]! += 1
            }
          }
          resolve({ width: copy.width, height: copy.height, byColor, nonBackground })
        })
        map.triggerRepaint()
      }),
    { colors, tolerance },
  )
}

/**
 * Finds an enterprise drawn on top at its own position, clear of the legend, controls and panel:
 * the point a user would click. Returns it with the click position in page (CSS) pixels.
 */
async function findClickableEnterprise(page: Page) {
  return page.evaluate((layer) => {
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
      const top = map.queryRenderedFeatures(point, { layers: [layer] })[0]
      if (top?.properties.id !== feature.properties.id) continue
      return { id: Number(feature.properties.id), name: String(feature.properties.name), level: Number(feature.properties.level), x, y }
    }
    return null
  }, ENTERPRISE_LAYERS.points)
}

beforeAll(async () => {
  if (!fs.existsSync(webIndex)) {
    throw new Error(`The web app is not built (${webIndex} is missing): run "npx vite build" (npm test does it in pretest).`)
  }
  app = await buildTestApp()
  await app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  browser = await launchChromium()
  session = await openGuardedPage(browser)
  await session.page.goto(`${baseUrl}/`)
  await waitUntilReady(session.page)
})

afterAll(async () => {
  await browser?.close()
  await app?.close()
})

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

    const countyCount = (await app.inject('/api/divisions?rank=county')).json().features.length as number
    expect(countyCount).toBeGreaterThan(0)
    expect(view.counties).toBe(countyCount)
    // Labels are placed (drawn with local fonts: see the no-glyph-request test below).
    expect(view.labels.length).toBeGreaterThan(0)
    expect(view.labels.every((name) => /[\u4e00-\u9fff]/.test(name))).toBe(true)
    // The view is kept in the URL hash (#zoom/lat/lon).
    expect(view.hash).toMatch(/^#\d+(\.\d+)?\/\d+(\.\d+)?\/\d+(\.\d+)?/)
  })

  it('draws the enterprises in their level colours on the canvas', async () => {
    const { page } = session
    const rendered = await page.evaluate((layer) => {
      const features = window.__riskmap!.map.queryRenderedFeatures({ layers: [layer] })
      return { count: new Set(features.map((f) => f.properties.id)).size, levels: [...new Set(features.map((f) => Number(f.properties.level)))] }
    }, ENTERPRISE_LAYERS.points)
    const total = (await app.inject('/api/enterprises?limit=1')).json().numberMatched as number
    expect(total).toBeGreaterThan(1000)
    // Every enterprise is in view at the fitted zoom, so every one is drawn.
    expect(rendered.count).toBe(total)

    const riskLevels = rendered.levels.filter((level) => level >= 1 && level <= 4) as Array<1 | 2 | 3 | 4>
    expect(riskLevels.length).toBeGreaterThanOrEqual(3)
    const colors = Object.fromEntries(riskLevels.map((level) => [`level${level}`, hexToRgb(LEVEL_COLORS[level])]))
    const pixels = await countCanvasPixels(page, colors)
    expect(pixels.width).toBeGreaterThan(0)
    // Not a blank canvas: the basemap alone covers much of it.
    expect(pixels.nonBackground).toBeGreaterThan(pixels.width * pixels.height * 0.05)
    for (const level of riskLevels) {
      expect(pixels.byColor[`level${level}`], `pixels of level ${level} (${LEVEL_COLORS[level]})`).toBeGreaterThan(20)
    }

    // The legend lists the levels with the number of enterprises at each.
    const legendTotal = await page.locator('.legend-count').allTextContents()
    expect(legendTotal.reduce((sum, text) => sum + Number(text.replace(/\D/g, '')), 0)).toBe(total)
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
    const detail = (await app.inject(`/api/enterprises/${id}`)).json().properties
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
    // The clicked enterprise is ringed on the map.
    const selected = await page.evaluate(
      ({ id }) => window.__riskmap!.map.getFeatureState({ source: 'enterprises', id }).selected,
      { id },
    )
    expect(selected).toBe(true)

    fs.mkdirSync(path.dirname(screenshotPath), { recursive: true })
    await page.screenshot({ path: screenshotPath })

    await page.keyboard.press('Escape')
    await page.locator('.panel').waitFor({ state: 'hidden' })

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
    expect(await page.locator('.legend').innerText()).toContain(en.levelNames[4])
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
    try {
      await context.route(
        (url) => url.pathname === '/api/enterprises',
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
      expect(text).toContain(zhCN.errors.loadEnterprises)
      expect(text).toContain(zhCN.errors.codes.unavailable)
      expect(text).toContain('503')
      expect(guard.externalRequests).toEqual([])
    } finally {
      await context.close()
    }
  })
})
