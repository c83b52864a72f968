import fs from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { CELL_FILL_OPACITY, LEVEL_COLORS, MARKER_COLORS, RISK_LEVELS, blendOver, hexToRgb } from '../../web/src/map/levels'
import { BASEMAP_COLORS } from '../../web/src/map/style'
import { HEADER_HEIGHT } from '../../web/src/export/layout'
import { localDate } from '../../web/src/ui/format'

// The map's PNG export (issue 8) in a real Chromium against the shared demo database: the control
// downloads a picture whose size follows the pixel ratio, whose legend carries the four level
// colours, whose map shows level-coloured cells, and whose title band says "demo data". The PNG is
// decoded by the browser itself (createImageBitmap), so no decoder is added to the project.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

/** The colour a level's cells show on the map (translucent fill over the county fill), as the legend draws its swatch. */
const LEVEL_RGB = Object.fromEntries(RISK_LEVELS.map((l) => [l, blendOver(LEVEL_COLORS[l], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)]))
/** The demo label's colour (export/compose.ts). */
const DEMO_RGB: [number, number, number] = [0xb4, 0x53, 0x09]

interface PictureReading {
  width: number
  height: number
  /** Pixels within tolerance of each level colour, in the legend band and in the map. */
  legend: Record<string, number>
  map: Record<string, number>
  /** Pixels of the demo label's colour in the title band. */
  demo: number
}

/** Decodes a PNG in the page and counts colours in its bands (rows given in CSS pixels × ratio). */
async function readPicture(
  page: Page,
  png: Buffer,
  bands: { headerEnd: number; mapEnd: number },
  colors: Record<string, [number, number, number]> = LEVEL_RGB,
): Promise<PictureReading> {
  return page.evaluate(
    async ({ base64, colors, demo, headerEnd, mapEnd }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
      const canvas = document.createElement('canvas')
      canvas.width = bitmap.width
      canvas.height = bitmap.height
      const context = canvas.getContext('2d', { willReadFrequently: true })!
      context.drawImage(bitmap, 0, 0)
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data
      const near = (i: number, [r, g, b]: [number, number, number], tolerance: number) =>
        Math.abs(data[i]! - r) <= tolerance && Math.abs(data[i + 1]! - g) <= tolerance && Math.abs(data[i + 2]! - b) <= tolerance
      const legend: Record<string, number> = Object.fromEntries(Object.keys(colors).map((k) => [k, 0]))
      const map: Record<string, number> = { ...legend }
      let demoPixels = 0
      for (let y = 0; y < canvas.height; y++) {
        for (let x = 0; x < canvas.width; x++) {
          const i = (y * canvas.width + x) * 4
          if (y < headerEnd) {
            if (near(i, demo, 24)) demoPixels++
            continue
          }
          const target = y < mapEnd ? map : legend
          for (const [key, rgb] of Object.entries(colors)) if (near(i, rgb, 6)) target[key]! += 1
        }
      }
      return { width: canvas.width, height: canvas.height, legend, map, demo: demoPixels }
    },
    { base64: png.toString('base64'), colors, demo: DEMO_RGB, ...bands },
  )
}

/** Clicks the export control's button for `ratio` and returns the downloaded file's name and bytes. */
async function exportPicture(page: Page, ratio: 1 | 2): Promise<{ name: string; png: Buffer }> {
  const download = page.waitForEvent('download')
  await page.locator(`.map-export .map-export-button[data-ratio="${ratio}"]`).click()
  const file = await download
  const path = await file.path()
  return { name: file.suggestedFilename(), png: await fs.readFile(path) }
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
  const { page } = session
  await page.goto(`${baseUrl}/`)
  await waitUntilReady(page)
  await waitForMapIdle(page)
})

afterAll(() => stopWebSession({ app, browser }))

describe('the map export control', () => {
  it('sits on the map with a 1× and a 2× button', async () => {
    const { page } = session
    const buttons = page.locator('.maplibregl-ctrl-top-right .map-export .map-export-button')
    expect(await buttons.count()).toBe(2)
    expect(await buttons.first().getAttribute('title')).toContain('PNG')
  })

  it('downloads the view as a dated PNG with title band, legend colours and level-coloured cells, at 1× and 2×', async () => {
    const { page, guard } = session
    const mapSize = await page.evaluate(() => {
      const container = window.__riskmap!.map.getContainer()
      return { width: container.clientWidth, height: container.clientHeight, pixelRatio: window.__riskmap!.map.getPixelRatio() }
    })
    expect(mapSize.width).toBeGreaterThan(600)

    const one = await exportPicture(page, 1)
    expect(one.name).toBe(`riskmap-${localDate(new Date())}.png`)
    expect(one.png.subarray(1, 4).toString('latin1')).toBe('PNG')
    const first = await readPicture(page, one.png, { headerEnd: HEADER_HEIGHT, mapEnd: HEADER_HEIGHT + mapSize.height })
    expect(first.width).toBe(mapSize.width)
    // Title band + map + at least one legend row below it.
    expect(first.height).toBeGreaterThan(HEADER_HEIGHT + mapSize.height + 30)
    for (const level of RISK_LEVELS) {
      // A swatch is 24 × 14 px with a 1.5 px outline: ≥ 150 px of its fill colour.
      expect(first.legend[level], `legend swatch of level ${level}`).toBeGreaterThan(150)
      expect(first.map[level], `level ${level} cells on the map`).toBeGreaterThan(200)
    }
    // The demo database is synthetic: the title band says so.
    expect(first.demo).toBeGreaterThan(20)

    const two = await exportPicture(page, 2)
    expect(two.name).toBe(`riskmap-${localDate(new Date())}@2x.png`)
    const second = await readPicture(page, two.png, { headerEnd: 2 * HEADER_HEIGHT, mapEnd: 2 * (HEADER_HEIGHT + mapSize.height) })
    expect(second.width).toBe(2 * first.width)
    expect(second.height).toBe(2 * first.height)
    for (const level of RISK_LEVELS) {
      expect(second.legend[level], `2× legend swatch of level ${level}`).toBeGreaterThan(4 * 150)
      expect(second.map[level], `2× level ${level} cells`).toBeGreaterThan(4 * 200)
    }

    // The map is back at its own pixel ratio, and nothing went wrong on the page.
    expect(await page.evaluate(() => window.__riskmap!.map.getPixelRatio())).toBe(mapSize.pixelRatio)
    expect(await page.locator('.map-export').getAttribute('data-state')).toBe('done')
    guard.assertClean()
  })

  it('puts the point symbols drawn in the view into the legend (resources, overdue rectifications)', async () => {
    const { page, guard } = session
    // The city centre at zoom 13 with every point layer on: enterprises, major hazards, resources, overdue.
    const [lon, lat] = [123.43, 41.8]
    await page.goto('about:blank')
    await page.goto(`${baseUrl}/#map=13/${lat}/${lon}&layers=cells,regions,enterprises,major_hazards,resources,overdue`)
    await waitUntilReady(page)
    await waitForMapIdle(page)
    const drawn = await page.evaluate(() => {
      const map = window.__riskmap!.map
      const count = (layers: string[]) => map.queryRenderedFeatures({ layers }).length
      return {
        hazards: count(['major-hazard-icons']),
        resources: count(['resource-icons']),
        overdue: count(['overdue-hidden-danger-icons', 'overdue-violation-icons']),
      }
    })
    const height = await page.evaluate(() => window.__riskmap!.map.getContainer().clientHeight)
    const picture = await exportPicture(page, 1)
    const symbols = {
      resource: hexToRgb(MARKER_COLORS.resource),
      overdue: hexToRgb(MARKER_COLORS.overdue),
    }
    const reading = await readPicture(page, picture.png, { headerEnd: HEADER_HEIGHT, mapEnd: HEADER_HEIGHT + height }, symbols)
    // Each symbol drawn on the map has its marker in the legend (a 16–18 px marker: dozens of pixels of its colour).
    if (drawn.resources > 0) expect(reading.legend.resource, 'resource marker in the legend').toBeGreaterThan(30)
    if (drawn.overdue > 0) expect(reading.legend.overdue, 'overdue marker in the legend').toBeGreaterThan(30)
    expect(drawn.resources + drawn.overdue, 'resource or overdue symbols in the view').toBeGreaterThan(0)
    guard.assertClean()
  })
})
