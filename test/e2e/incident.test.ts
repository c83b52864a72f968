import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { INCIDENT_LAYERS, INCIDENT_SOURCE } from '../../web/src/map/incident'

// The commander view (incident mode) in a real Chromium against the graded demo database: the
// incident placed at a major hazard installation by typed coordinates, the nearest available
// rescue team (checked against a brute-force SQL answer) listed and joined to the incident by a
// line on the map, the hazard listed with its substances, the printable dispatch sheet with the
// team's contacts and a picture of the map, and the URL reproducing the incident.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const resultsDir = path.join(repoRoot, 'test-results')

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

interface Hazard {
  id: number
  name: string
  lon: number
  lat: number
  substances: string[]
}
interface Team {
  id: number
  name: string
  duty_phone: string
  lon: number
  lat: number
  distance_m: number
}

async function firstHazard(): Promise<Hazard> {
  const { rows } = await app.db.raw<{ rows: Array<Omit<Hazard, 'substances'>> }>(
    'SELECT id, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM major_hazard ORDER BY id LIMIT 1',
  )
  const hazard = rows[0]!
  const substances = await app.db.raw<{ rows: Array<{ name: string }> }>('SELECT name FROM major_hazard_substance WHERE major_hazard_id = ? ORDER BY id', [hazard.id])
  return { ...hazard, id: Number(hazard.id), substances: substances.rows.map((r) => r.name) }
}

/** The nearest available rescue team by brute force: every team's geodesic distance, smallest first. */
async function nearestTeam(lon: number, lat: number): Promise<Team> {
  const { rows } = await app.db.raw<{ rows: Team[] }>(
    `SELECT id, name, duty_phone, ST_X(geom) AS lon, ST_Y(geom) AS lat,
            ST_Distance(geog, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) AS distance_m
     FROM resource WHERE kind = 'rescue_team' AND status = 'available'
     ORDER BY distance_m LIMIT 1`,
    [lon, lat],
  )
  const team = rows[0]!
  return { ...team, id: Number(team.id), distance_m: Number(team.distance_m) }
}

async function waitForIncident(page: Page): Promise<void> {
  await page.locator('.incident-panel[data-state="shown"]').waitFor()
  await waitForMapIdle(page)
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})

afterAll(() => stopWebSession({ app, browser }))

describe('incident mode', () => {
  it('lists and draws the nearest rescue team, the hazards around, and prints a dispatch sheet', async () => {
    const { page, guard } = session
    const hazard = await firstHazard()
    const team = await nearestTeam(hazard.lon, hazard.lat)
    expect(hazard.substances.length).toBeGreaterThan(0)

    await page.goto(`${baseUrl}/`)
    await waitUntilReady(page)
    await waitForMapIdle(page)

    await page.locator('.incident-toggle').click()
    await expect(page.locator('.incident-toggle').getAttribute('aria-pressed')).resolves.toBe('true')
    await page.locator('.incident-panel').waitFor()
    await page.locator('.incident-kind').selectOption('rescue_team')
    await page.locator('.incident-coordinates').fill(`${hazard.lon.toFixed(7)}, ${hazard.lat.toFixed(7)}`)
    await page.locator('.incident-place').click()
    await waitForIncident(page)

    // The nearest resource listed is the SQL's nearest team, at its distance (within 1 %).
    const first = page.locator('.incident-resources > li').first()
    expect(Number(await first.getAttribute('data-id'))).toBe(team.id)
    const shownDistance = Number(await first.getAttribute('data-distance-m'))
    expect(Math.abs(shownDistance - team.distance_m)).toBeLessThanOrEqual(team.distance_m * 0.01 + 0.5)
    const firstText = await first.innerText()
    expect(firstText).toContain(team.name)
    expect(firstText).toMatch(/正北|东北|正东|东南|正南|西南|正西|西北/)
    expect(await first.locator('a.incident-phone').getAttribute('href')).toBe(`tel:${team.duty_phone.replace(/[^\d+]/g, '')}`)
    for (const li of await page.locator('.incident-resources > li').all()) expect(await li.innerText()).toContain('救援队伍')

    // A line joins the incident to the team: in the source data and drawn on the map.
    const lines = await page.evaluate(
      async ({ source, layer, id }) => {
        const map = window.__riskmap!.map
        const data = (await map.getSource<import('maplibre-gl').GeoJSONSource>(source)!.getData()) as GeoJSON.FeatureCollection
        const line = data.features.find((f) => f.properties?.role === 'line' && f.properties.id === id)
        const rendered = map.queryRenderedFeatures({ layers: [layer] }).filter((f) => f.properties.id === id).length
        return { coordinates: line?.geometry.type === 'LineString' ? line.geometry.coordinates : null, rendered }
      },
      { source: INCIDENT_SOURCE, layer: INCIDENT_LAYERS.lines, id: team.id },
    )
    expect(lines.coordinates).not.toBeNull()
    const [start, end] = lines.coordinates!
    expect(start![0]).toBeCloseTo(hazard.lon, 6)
    expect(start![1]).toBeCloseTo(hazard.lat, 6)
    expect(end![0]).toBeCloseTo(team.lon, 6)
    expect(end![1]).toBeCloseTo(team.lat, 6)
    expect(lines.rendered).toBeGreaterThan(0)
    const rings = await page.evaluate((layer) => window.__riskmap!.map.queryRenderedFeatures({ layers: [layer] }).length, INCIDENT_LAYERS.rings)
    expect(rings).toBeGreaterThan(0)

    // The hazard at the point is listed with its substances and its level colour.
    const hazardItem = page.locator(`.incident-hazards > li[data-id="${hazard.id}"]`)
    const hazardText = await hazardItem.innerText()
    expect(hazardText).toContain(hazard.name)
    for (const name of hazard.substances) expect(hazardText).toContain(name)
    expect(await hazardItem.locator('.level-dot').count()).toBe(1)

    // The URL reproduces the incident.
    const url = page.url()
    expect(url).toMatch(/[#&]incident=-?\d+\.\d+,-?\d+\.\d+/)

    fs.mkdirSync(resultsDir, { recursive: true })
    await page.screenshot({ path: path.join(resultsDir, 'incident.png') })

    // The dispatch sheet: the team's name and duty phone, and the map as a PNG data: URL.
    await page.evaluate(() => {
      window.print = () => {
        document.body.dataset.printed = 'true'
      }
    })
    await page.locator('.incident-print').click()
    await page.locator('.dispatch-sheet').waitFor()
    await page.locator('body[data-printed="true"]').waitFor({ state: 'attached' })
    const sheetText = await page.locator('.dispatch-sheet').innerText()
    expect(sheetText).toContain(team.name)
    expect(sheetText).toContain(team.duty_phone)
    expect(sheetText).toContain(hazard.name)
    const src = (await page.locator('.dispatch-sheet img.sheet-map-image').getAttribute('src'))!
    expect(src.startsWith('data:image/png;base64,')).toBe(true)
    const png = Buffer.from(src.slice('data:image/png;base64,'.length), 'base64')
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    expect(png.length).toBeGreaterThan(10_000)
    const size = await page.locator('.dispatch-sheet img.sheet-map-image').evaluate((img: HTMLImageElement) => img.decode().then(() => [img.naturalWidth, img.naturalHeight]))
    expect(size[0]).toBeGreaterThan(0)
    expect(size[1]).toBeGreaterThan(0)
    await page.screenshot({ path: path.join(resultsDir, 'incident-sheet.png') })
    // Printing shows the sheet alone.
    await page.emulateMedia({ media: 'print' })
    expect(await page.locator('.app-main').isVisible()).toBe(false)
    expect(await page.locator('.dispatch-sheet').isVisible()).toBe(true)
    await page.emulateMedia({ media: 'screen' })
    await page.locator('.sheet-close').click()
    await page.locator('.dispatch-sheet').waitFor({ state: 'hidden' })

    // The link opens the same incident.
    await page.goto('about:blank')
    await page.goto(url)
    await waitUntilReady(page)
    await waitForIncident(page)
    expect(await page.locator(`.incident-hazards > li[data-id="${hazard.id}"]`).count()).toBe(1)
    expect(await page.locator('.incident-resources > li').count()).toBeGreaterThan(0)

    // A click on the map moves the incident there.
    const target: [number, number] = [hazard.lon + 0.01, hazard.lat]
    const pixel = await page.evaluate((lonLat) => {
      const map = window.__riskmap!.map
      const rect = map.getCanvas().getBoundingClientRect()
      const p = map.project(lonLat)
      return { x: rect.left + p.x, y: rect.top + p.y }
    }, target)
    await page.mouse.click(pixel.x, pixel.y)
    await page.waitForFunction((lon) => {
      const m = /incident=(-?[\d.]+),/.exec(window.location.hash)
      return m !== null && Math.abs(Number(m[1]) - lon) < 0.003
    }, target[0])
    await waitForIncident(page)

    expect(guard.externalRequests).toEqual([])
    guard.assertClean()
  })
})
