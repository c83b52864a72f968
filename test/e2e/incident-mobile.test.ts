import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import {
  openGuardedPage,
  signInContext,
  startWebSession,
  stopWebSession,
  waitForMapIdle,
  waitUntilReady,
  type GuardedPage,
  type WebSession,
} from '../helpers/browser'

// The commander's incident mode on a phone (issue 20): at 390 × 844 px the header fits the width,
// the incident panel is a sheet at the bottom whose controls can be reached, and the map above it
// stays visible and takes a click (which moves the incident there).

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const resultsDir = path.join(repoRoot, 'test-results')
const PHONE = { width: 390, height: 844 }

let web: WebSession
let phone: GuardedPage

interface Box {
  x: number
  y: number
  width: number
  height: number
}

async function box(page: Page, selector: string): Promise<Box> {
  const b = await page.locator(selector).first().boundingBox()
  if (!b) throw new Error(`${selector} is not displayed`)
  return b
}

/** The element at a viewport point is the map's canvas (nothing covers the map there). */
async function mapAt(page: Page, x: number, y: number): Promise<boolean> {
  return page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.classList.contains('maplibregl-canvas') === true, [x, y])
}

beforeAll(async () => {
  web = await startWebSession({ as: null })
  phone = await openGuardedPage(web.browser, { viewport: PHONE })
  await signInContext(web.app, phone.context, web.baseUrl, 'commander')
}, 180_000)

afterAll(() => stopWebSession(web))

describe('incident mode on a phone (390 px)', () => {
  it('fits the width, shows the incident panel as a bottom sheet and keeps the map visible and usable', async () => {
    const { page, guard } = phone
    const { rows } = await web.app.db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
      `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM major_hazard WHERE geom && ST_MakeEnvelope(123.3, 41.72, 123.56, 41.88, 4326) ORDER BY id LIMIT 1`,
    )
    const hazard = rows[0]!
    await page.goto(`${web.baseUrl}/`)
    await waitUntilReady(page)
    await waitForMapIdle(page)

    // Nothing wider than the screen: no sideways scrolling, the header's buttons within it.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)
    for (const selector of ['.incident-toggle', '.lang-switch', '.staff-nav-signout', '.staff-nav a[href="/"]']) {
      const b = await box(page, selector)
      expect(b.x, selector).toBeGreaterThanOrEqual(0)
      expect(b.x + b.width, selector).toBeLessThanOrEqual(PHONE.width)
      expect(b.y + b.height, selector).toBeLessThanOrEqual(PHONE.height / 3)
    }

    await page.locator('.incident-toggle').click()
    await page.locator('.incident-panel').waitFor()
    await page.locator('.incident-kind').selectOption('rescue_team')
    await page.locator('.incident-coordinates').fill(`${hazard.lon.toFixed(6)}, ${hazard.lat.toFixed(6)}`)
    await page.locator('.incident-place').click()
    await page.locator('.incident-panel[data-state="shown"]').waitFor()
    await page.locator('.incident-resources > li').first().waitFor()
    await waitForMapIdle(page)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)

    // The panel: within the screen's width, at the bottom, at most about half of the map's height.
    const main = await box(page, '.app-main')
    const panel = await box(page, '.incident-panel')
    expect(panel.x).toBeGreaterThanOrEqual(0)
    expect(panel.x + panel.width).toBeLessThanOrEqual(PHONE.width)
    expect(panel.y + panel.height).toBeLessThanOrEqual(main.y + main.height + 1)
    expect(panel.height).toBeLessThanOrEqual(main.height * 0.6)
    // The map above the panel: at least a third of the screen, drawn and not covered in the middle.
    const mapHeight = panel.y - main.y
    expect(mapHeight).toBeGreaterThanOrEqual(PHONE.height / 3)
    const probe = { x: PHONE.width / 2, y: main.y + mapHeight * 0.45 }
    expect(await mapAt(page, probe.x, probe.y)).toBe(true)

    // Every control of the panel can be reached: scrolled into view, it lies inside the screen.
    for (const selector of ['.incident-coordinates', '.incident-place', '.incident-print', '.incident-resources > li a.incident-phone']) {
      const control = page.locator(selector).first()
      await control.scrollIntoViewIfNeeded()
      const b = (await control.boundingBox())!
      expect(b.x, selector).toBeGreaterThanOrEqual(0)
      expect(b.x + b.width, selector).toBeLessThanOrEqual(PHONE.width)
      expect(b.y, selector).toBeGreaterThanOrEqual(0)
      expect(b.y + b.height, selector).toBeLessThanOrEqual(PHONE.height)
    }

    fs.mkdirSync(resultsDir, { recursive: true })
    await page.screenshot({ path: path.join(resultsDir, 'incident-390.png') })

    // A tap on the visible map moves the incident there.
    const before = /incident=([-\d.]+),([-\d.]+)/.exec(page.url())
    expect(before).not.toBeNull()
    await page.mouse.click(probe.x, probe.y)
    await page.waitForFunction((old) => {
      const m = /incident=([-\d.]+),/.exec(window.location.hash)
      return m !== null && m[1] !== old
    }, before![1]!)
    await page.locator('.incident-panel[data-state="shown"]').waitFor()

    expect(guard.externalRequests).toEqual([])
    guard.assertClean()
  }, 180_000)
})
