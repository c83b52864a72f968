import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import type { GeoJSONSource } from 'maplibre-gl'
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import { pointOnFeature } from '@turf/turf'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { RANKING_MESSAGES } from '../../web/src/ranking/messages'
import { priorityClasses } from '../../web/src/ranking/parts'

// The ranking page (web/ranking.html, docs/ranking.md) in a real Chromium against the graded demo:
// the table shows the API's ranking, each bar drawn from the score's parts, and a row's link opens
// that area's panel on the staff map; the map view draws the same ranking, and a click on an area
// shows its rank and parts and marks its row.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage
const resultsDir = fileURLToPath(new URL('../../test-results', import.meta.url))

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})
afterAll(() => stopWebSession({ app, browser }))

describe('the ranking page', () => {
  it('shows the ranking of the API with its parts, and a row links to the area on the map', async () => {
    const { page } = session
    const res = await app.inject('/api/ranking?level=region&rank=county&limit=200')
    expect(res.statusCode, res.body).toBe(200)
    const api = res.json() as { items: Array<{ code: string; rank: number; score: number; parts: Array<{ part: string; points: number }> }> }
    await page.goto(`${baseUrl}/ranking.html#level=region&rank=county`)
    await page.locator('.rk-main[data-state="ready"]').waitFor()
    expect(await page.locator('.rk-title').textContent()).toBe(RANKING_MESSAGES['zh-CN'].title)
    const rows = await page.$$eval('.rk-row', (trs) =>
      trs.map((tr) => ({
        code: (tr as HTMLElement).dataset.code,
        rank: Number((tr as HTMLElement).dataset.rank),
        score: Number((tr as HTMLElement).dataset.score),
        href: tr.querySelector('a.rk-map-link')!.getAttribute('href'),
        pieces: [...tr.querySelectorAll<HTMLElement>('.rk-piece')].map((p) => [p.dataset.part, Number(p.dataset.points)]),
      })),
    )
    expect(rows.map((r) => r.code)).toEqual(api.items.map((i) => i.code))
    for (const [k, row] of rows.entries()) {
      const item = api.items[k]!
      expect(row.rank).toBe(item.rank)
      expect(row.score).toBe(item.score)
      expect(row.href).toBe(`/#sel=region:${item.code}`)
      expect(row.pieces).toEqual(item.parts.filter((p) => p.points > 0).map((p) => [p.part, p.points]))
    }

    // The first row opens its region's panel on the staff map.
    const first = api.items[0]!
    await page.locator('a.rk-map-link').first().click()
    await page.waitForURL((url) => url.pathname === '/' && url.hash.includes(`sel=region:${first.code}`))
    await page.locator(`.panel[data-selection="region:${first.code}"][data-state="shown"]`).waitFor()
    session.guard.assertClean()
  })

  it('switches to the map view: the same ranking drawn by priority class, a click shows the area and marks its row', async () => {
    const { page } = session
    const res = await app.inject('/api/ranking/map?level=region&rank=township')
    expect(res.statusCode, res.body).toBe(200)
    const api = res.json() as FeatureCollection<
      Polygon | MultiPolygon,
      { code: string; rank: number; name: string; score: number; parts: Array<{ part: string; points: number }> }
    > & { total: number }
    expect(api.features.length).toBeGreaterThan(5)
    await page.goto(`${baseUrl}/ranking.html#level=region&rank=township`)
    await page.locator('.rk-main[data-state="ready"]').waitFor()
    // The table alone loads no map code.
    expect(await page.evaluate(() => window.__riskmap === undefined)).toBe(true)
    expect(await page.locator('.rk-map-box').isHidden()).toBe(true)

    await page.locator('.rk-view-map').click()
    await page.waitForURL((url) => new URLSearchParams(url.hash.slice(1)).get('view') === 'map')
    const hash = new URLSearchParams(new URL(page.url()).hash.slice(1))
    expect([hash.get('level'), hash.get('rank')]).toEqual(['region', 'township'])
    expect(await page.locator('.rk-view-map').getAttribute('aria-pressed')).toBe('true')
    await waitUntilReady(page)
    await page.locator('.rk-map-box[data-state="ready"]').waitFor()

    // The map's source holds the API's features in rank order, each with its priority class.
    const drawn = await page.evaluate(async () => {
      const data = (await window.__riskmap!.map.getSource<GeoJSONSource>('ranking-areas')!.getData()) as FeatureCollection
      return data.features.map((f) => ({
        id: f.id,
        code: f.properties!.code as string,
        rank: f.properties!.rank as number,
        priorityClass: f.properties!.priorityClass as number,
      }))
    })
    expect(drawn.map((f) => [f.id, f.code, f.rank])).toEqual(api.features.map((f, i) => [i + 1, f.properties.code, f.properties.rank]))
    const classes = priorityClasses(api.features.map((f) => f.properties.rank))
    expect(drawn.map((f) => f.priorityClass)).toEqual(classes)
    expect(drawn[0]!.priorityClass).toBe(0)
    expect(await page.locator('.rk-map-legend-item').count()).toBe(new Set(classes).size)
    expect(await page.locator('.rk-map-legend-title').textContent()).toBe(RANKING_MESSAGES['zh-CN'].legendTitle)

    // Click inside the first area: a point on its surface, centred on the map (clear of the legend).
    const first = api.features[0]!
    const [lon, lat] = pointOnFeature(first).geometry.coordinates as [number, number]
    await page.evaluate(({ lon, lat }) => window.__riskmap!.map.jumpTo({ center: [lon, lat] }), { lon, lat })
    await waitForMapIdle(page)
    const point = await page.evaluate(
      ({ lon, lat }) => {
        const p = window.__riskmap!.map.project([lon, lat])
        return { x: p.x, y: p.y }
      },
      { lon, lat },
    )
    await page.locator('.rk-map .maplibregl-canvas').click({ position: point })
    const info = page.locator('.rk-map-info')
    await info.waitFor({ state: 'visible' })
    expect(await info.getAttribute('data-rank')).toBe('1')
    expect(await info.getAttribute('data-code')).toBe(first.properties.code)
    expect(await info.locator('.rk-map-info-rank').textContent()).toBe(RANKING_MESSAGES['zh-CN'].rankOf(1))
    expect(await info.locator('.rk-map-info-name').textContent()).toContain(first.properties.name)
    expect(await info.locator('.rk-map-info-score').textContent()).toContain(first.properties.score.toFixed(2))
    expect(await info.locator('.rk-map-info-parts li').evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.part))).toEqual(
      first.properties.parts.filter((p) => p.points > 0).map((p) => p.part),
    )
    expect(await info.locator('a.rk-map-info-link').getAttribute('href')).toBe(`/#sel=region:${first.properties.code}`)
    fs.mkdirSync(resultsDir, { recursive: true })
    await page.locator('.rk-map-box').screenshot({ path: path.join(resultsDir, 'ranking-map.png') })
    const picked = page.locator('.rk-row.rk-row-picked')
    expect(await picked.count()).toBe(1)
    expect(await picked.getAttribute('data-code')).toBe(first.properties.code)
    expect(await picked.getAttribute('data-rank')).toBe('1')
    // The map outlines the picked area with the staff map's highlight, drawn from its own geometry.
    await page.waitForFunction(() => window.__riskmap!.map.querySourceFeatures('selection').length > 0)
    const highlight = await page.evaluate(() => {
      const map = window.__riskmap!.map
      return { layer: map.getLayer('selection-polygon-line') !== undefined, types: map.querySourceFeatures('selection').map((f) => f.geometry.type) }
    })
    expect(highlight.layer).toBe(true)
    expect(new Set(highlight.types)).toEqual(new Set([first.geometry.type]))

    // A click on another row (not its link) picks that area on the map; the language switch relabels the map's boxes.
    const second = api.features[1]!
    await page.locator(`.rk-row[data-code="${second.properties.code}"] .rk-score`).click()
    await page.locator(`.rk-map-info[data-code="${second.properties.code}"]`).waitFor()
    expect(await page.locator('.rk-row.rk-row-picked').getAttribute('data-code')).toBe(second.properties.code)
    await page.locator('.lang-switch').click()
    expect(await page.locator('.rk-map-legend-title').textContent()).toBe(RANKING_MESSAGES.en.legendTitle)
    expect(await info.locator('.rk-map-info-rank').textContent()).toBe(RANKING_MESSAGES.en.rankOf(second.properties.rank))
    await page.locator('.lang-switch').click()

    // Back to the table: the view leaves the URL, the map is hidden, the row stays marked.
    await page.locator('.rk-view-table').click()
    await page.waitForURL((url) => !new URLSearchParams(url.hash.slice(1)).has('view'))
    expect(await page.locator('.rk-map-box').isHidden()).toBe(true)
    expect(await page.locator('.rk-row.rk-row-picked').getAttribute('data-code')).toBe(second.properties.code)
    session.guard.assertClean()
  }, 120_000)
})
