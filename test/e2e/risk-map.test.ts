import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { cellToLatLng } from 'h3-js'
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
import { CELL_FILL_OPACITY, LEVEL_COLORS, STALE_HATCH, blendOver } from '../../web/src/map/levels'
import { LAYER_IDS, OVERLAY_LAYERS } from '../../web/src/map/layers'
import { OVERLAY_IDS, type OverlayId } from '../../web/src/map/overlays'
import { SELECTION_LAYERS } from '../../web/src/map/selection'
import { BASEMAP_COLORS, DIVISION_LABEL_LAYERS } from '../../web/src/map/style'
import { en } from '../../web/src/i18n/en'
import { zhCN } from '../../web/src/i18n/zh-CN'
import type { CellDetail, ChangesResponse, RegionDetail } from '../../web/src/api/contract'
import { shortCellRef } from '../../web/src/panels/cell'

// The 红橙黄蓝 risk map in a real Chromium against the real app and the graded demo database: the
// cells in their level colours where the data puts them, the hatched stale class, a click on a red
// cell explaining it down to the record, the region panel with its chart and changes, the overlay
// switches, the language switch, the search, and the URL reproducing the view and the panel.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const resultsDir = path.join(repoRoot, 'test-results')

/** The city centre (WGS 84 lon, lat): the cells used below are the graded ones nearest to it. */
const CITY_CENTRE: [number, number] = [123.43, 41.8]
/** Analysis cells (H3 res 8) are drawn from zoom 12 (server/modules/tiles/layers.ts). */
const ANALYSIS_ZOOM = 12
/** Per-channel tolerance when matching the cells' blended colours (antialiasing, 8-bit rounding). */
const COLOR_TOLERANCE = 6

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

type RiskLevel = 1 | 2 | 3 | 4

/** The colour a cell of this level shows on the basemap: its fill, translucent over the county fill. */
function cellColor(level: RiskLevel): [number, number, number] {
  return blendOver(LEVEL_COLORS[level], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)
}

/** `#map=zoom/lat/lon&layers=…` for a view, as MapLibre and the page write it. */
function viewHash(center: [number, number], zoom: number, layers: readonly OverlayId[], extra = ''): string {
  return `#map=${zoom}/${center[1]}/${center[0]}&layers=${layers.join(',')}${extra}`
}

async function open(page: Page, hash: string, query = ''): Promise<void> {
  // Through a blank page, so that a URL differing only in its hash still loads the page afresh.
  await page.goto('about:blank')
  await page.goto(`${baseUrl}/${query}${hash}`)
  await waitUntilReady(page)
  await waitForMapIdle(page)
}

/** The graded analysis cell nearest the city centre at each level (not stale), with its centre. */
async function nearestCellPerLevel(): Promise<Array<{ h3: string; level: RiskLevel; center: [number, number] }>> {
  const { rows } = await app.db.raw<{ rows: Array<{ h3: string; level: number }> }>(
    `SELECT DISTINCT ON (level) h3, level FROM cell
     WHERE res = 8 AND level BETWEEN 1 AND 4 AND NOT stale
     ORDER BY level, ST_Distance(ST_Centroid(geom)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography)`,
    CITY_CENTRE,
  )
  return rows.map((r) => {
    const [lat, lon] = cellToLatLng(r.h3)
    return { h3: r.h3, level: r.level as RiskLevel, center: [lon, lat] }
  })
}

/**
 * A point of the page (CSS pixels) inside the cell, where the cell is what a click selects: no
 * marker and no place name on it. Tries the centre first, then rings around it.
 */
async function clickablePointInCell(page: Page, h3: string, center: [number, number]) {
  return page.evaluate(
    ({ h3, center, cellLayer, blockers }) => {
      const map = window.__riskmap!.map
      const rect = map.getCanvas().getBoundingClientRect()
      const c = map.project(center)
      const offsets: Array<[number, number]> = [[0, 0]]
      for (const r of [6, 12]) for (let a = 0; a < 8; a++) offsets.push([r * Math.cos((a * Math.PI) / 4), r * Math.sin((a * Math.PI) / 4)])
      for (const [dx, dy] of offsets) {
        const p = { x: c.x + dx, y: c.y + dy }
        const box: [[number, number], [number, number]] = [
          [p.x - 5, p.y - 5],
          [p.x + 5, p.y + 5],
        ]
        if (map.queryRenderedFeatures(box, { layers: blockers.filter((id) => map.getLayer(id)) }).length > 0) continue
        const cell = map.queryRenderedFeatures([p.x, p.y], { layers: [cellLayer] })[0]
        if (cell?.properties.h3 !== h3) continue
        if (document.elementFromPoint(rect.left + p.x, rect.top + p.y) !== map.getCanvas()) continue
        return { canvasX: p.x, canvasY: p.y, x: rect.left + p.x, y: rect.top + p.y }
      }
      return null
    },
    {
      h3,
      center,
      cellLayer: LAYER_IDS.cellFill,
      blockers: [
        ...DIVISION_LABEL_LAYERS,
        LAYER_IDS.enterprises,
        LAYER_IDS.majorHazards,
        LAYER_IDS.resources,
        LAYER_IDS.overdueHiddenDangers,
        LAYER_IDS.overdueViolations,
      ],
    },
  )
}

/** Rendered features of an overlay's layers in the current view. */
async function renderedCount(page: Page, id: OverlayId): Promise<number> {
  return page.evaluate(
    (layers) => window.__riskmap!.map.queryRenderedFeatures({ layers: layers.filter((l) => window.__riskmap!.map.getLayer(l)) }).length,
    [...OVERLAY_LAYERS[id]],
  )
}

function screenshotPath(name: string): string {
  fs.mkdirSync(resultsDir, { recursive: true })
  return path.join(resultsDir, name)
}

/**
 * The page's local date `days` days ago, YYYY-MM-DD (as the date input shows it), and the instant
 * its day starts (as the page asks the API with).
 */
async function pageDaysAgo(page: Page, days: number): Promise<{ date: string; since: string }> {
  return page.evaluate((days) => {
    const now = new Date()
    const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - days)
    return { date: `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`, since: d.toISOString() }
  }, days)
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})

afterAll(() => stopWebSession({ app, browser }))

describe('the risk map', () => {
  it('opens on the whole city with the cells drawn and the legend of the four levels and stale data', async () => {
    const { page } = session
    await open(page, '')
    const overview = await page.evaluate((layer) => {
      const map = window.__riskmap!.map
      return { zoom: map.getZoom(), cells: map.queryRenderedFeatures({ layers: [layer] }).map((f) => Number(f.properties.level)) }
    }, LAYER_IDS.cellFill)
    expect(overview.zoom).toBeLessThan(ANALYSIS_ZOOM)
    // The pyramid: coarse cells of every level cover the city at the overview zoom.
    expect(new Set(overview.cells)).toEqual(new Set([1, 2, 3, 4]))

    const legend = page.locator('.legend')
    const legendItems = await legend.locator('.legend-item .legend-name').allTextContents()
    expect(legendItems).toEqual([zhCN.levelNames[4], zhCN.levelNames[3], zhCN.levelNames[2], zhCN.levelNames[1], zhCN.stale])
    expect(['重大风险', '较大风险', '一般风险', '低风险', '数据过期']).toEqual(legendItems)
    // The stale swatch is the hatch drawn in the page (a data: URL, never fetched).
    expect(await legend.locator('.legend-swatch-hatch').evaluate((e) => getComputedStyle(e).backgroundImage)).toMatch(/^url\("data:image\/png/)
    // Every overlay has its switch, the defaults on.
    expect(
      await legend
        .locator('.legend-overlay input')
        .evaluateAll((inputs) => inputs.map((i) => [(i as HTMLInputElement).value, (i as HTMLInputElement).checked])),
    ).toEqual(OVERLAY_IDS.map((id) => [id, ['cells', 'regions', 'enterprises', 'major_hazards'].includes(id)]))
    await page.screenshot({ path: screenshotPath('risk-map-overview.png') })
  })

  it('draws red, orange, yellow and blue cells where the demo data puts them', async () => {
    const { page } = session
    const cells = await nearestCellPerLevel()
    expect(cells.map((c) => c.level)).toEqual([1, 2, 3, 4])
    // Only the cells: markers and region bands would cover them.
    await open(page, viewHash(CITY_CENTRE, ANALYSIS_ZOOM, ['cells']))
    await page.evaluate(
      (centres) => {
        const lons = centres.map((c) => c[0])
        const lats = centres.map((c) => c[1])
        window.__riskmap!.map.fitBounds([Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)], {
          padding: 120,
          maxZoom: 13.5,
          animate: false,
        })
      },
      cells.map((c) => c.center),
    )
    await waitForMapIdle(page)
    const zoom = await page.evaluate(() => window.__riskmap!.map.getZoom())
    expect(zoom, 'the four cells fit in one view of analysis cells').toBeGreaterThanOrEqual(ANALYSIS_ZOOM)

    const probes = []
    for (const cell of cells) {
      const point = await clickablePointInCell(page, cell.h3, cell.center)
      expect(point, `a clear point in the level-${cell.level} cell ${cell.h3}`).not.toBeNull()
      probes.push({ x: point!.canvasX, y: point!.canvasY, radius: 3 })
    }
    const colors = Object.fromEntries(cells.map((c) => [`level${c.level}`, cellColor(c.level)]))
    const reading = await readCanvas(page, { colors, tolerance: COLOR_TOLERANCE, probes })
    cells.forEach((cell, i) => {
      const probe = reading.probes[i]!
      // Most of the 7×7 pixels at the cell's centre are its level's colour (a cell outline may cross).
      expect(probe.byColor[`level${cell.level}`], `level ${cell.level} at ${cell.h3}: ${JSON.stringify(probe)}`).toBeGreaterThan(probe.total * 0.7)
      // And plenty of that colour across the view.
      expect(reading.byColor[`level${cell.level}`]).toBeGreaterThan(500)
    })
    await page.screenshot({ path: screenshotPath('risk-map-levels.png') })
  })

  it('hatches the cells whose records are all stale', async () => {
    const { page } = session
    const stale = (
      await app.db.raw<{ rows: Array<{ h3: string; level: number }> }>(
        `SELECT h3, level FROM cell WHERE res = 8 AND level > 0 AND stale
       ORDER BY ST_Distance(ST_Centroid(geom)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) LIMIT 1`,
        CITY_CENTRE,
      )
    ).rows[0]
    expect(stale, 'the demo data has a stale cell').toBeDefined()
    const [lat, lon] = cellToLatLng(stale!.h3)
    await open(page, viewHash([lon, lat], 14, ['cells']))
    const point = await clickablePointInCell(page, stale!.h3, [lon, lat])
    expect(point).not.toBeNull()
    const hatched = await page.evaluate(
      ({ layer, x, y }) => window.__riskmap!.map.queryRenderedFeatures([x, y], { layers: [layer] }).map((f) => f.properties.h3),
      { layer: LAYER_IDS.cellHatch, x: point!.canvasX, y: point!.canvasY },
    )
    expect(hatched).toEqual([stale!.h3])
    const level = stale!.level as RiskLevel
    const reading = await readCanvas(page, {
      colors: { fill: cellColor(level) },
      tolerance: COLOR_TOLERANCE,
      probes: [{ x: point!.canvasX, y: point!.canvasY, radius: 8 }],
      // Stripes: much darker than any level's fill under them.
      darkBelow: 90,
    })
    const probe = reading.probes[0]!
    expect(probe.byColor.fill, 'the level colour shows between the stripes').toBeGreaterThan(probe.total * 0.2)
    expect(probe.dark, `dark ${STALE_HATCH.stripe} stripes over it`).toBeGreaterThan(probe.total * 0.08)
  })

  it('explains a red cell in its panel: the rule, every source with its level, distance and link, the enterprises and the resources', async () => {
    const { page } = session
    const target = (
      await app.db.raw<{ rows: Array<{ h3: string; kind: string; id: string }> }>(
        `SELECT c.h3, cs.source_kind AS kind, cs.source_id AS id FROM cell c JOIN cell_source cs ON cs.h3 = c.h3
       WHERE c.res = 8 AND c.level = 4 AND NOT c.stale AND cs.source_kind IN ('hidden_danger', 'major_hazard')
       ORDER BY ST_Distance(ST_Centroid(c.geom)::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography), cs.source_kind, cs.source_id LIMIT 1`,
        CITY_CENTRE,
      )
    ).rows[0]
    expect(target, 'a red cell with a hidden danger or a major hazard').toBeDefined()
    const { h3, kind } = target!
    const sourceId = Number(target!.id)
    const cell = (await app.inject(`/api/cells/${h3}`)).json() as CellDetail
    expect(cell.level).toBe(4)
    const source = cell.sources.find((s) => s.kind === kind && s.id === sourceId)!
    expect(source).toBeDefined()

    const [lat, lon] = cellToLatLng(h3)
    await open(page, viewHash([lon, lat], 14, ['cells', 'regions', 'enterprises', 'major_hazards']))
    const point = await clickablePointInCell(page, h3, [lon, lat])
    expect(point, `a clear point in ${h3}`).not.toBeNull()
    await page.mouse.click(point!.x, point!.y)
    const panel = page.locator(`.panel[data-selection="cell:${h3}"][data-state="shown"]`)
    await panel.waitFor()

    // A human title: the township (or county) the cell lies in and a short reference, the full H3
    // index below it, never translated.
    const place = cell.place.township ?? cell.place.county
    expect(place, `${h3} lies in a division`).not.toBeNull()
    expect(await panel.locator('.panel-title').textContent()).toBe(`${zhCN.cell.placeTitle(place!.name)}${shortCellRef(h3)}`)
    expect(await panel.locator('.panel-title .cell-ref').getAttribute('translate')).toBe('no')
    expect(await panel.locator('.cell-h3').textContent()).toBe(h3)
    expect(await panel.locator('.cell-h3').getAttribute('translate')).toBe('no')
    expect(await panel.locator('.panel-kind').textContent()).toBe(zhCN.cell.title)
    expect(await panel.locator('.level-chip').getAttribute('data-level')).toBe('4')
    expect(await panel.locator('.cell-explanation').textContent()).toBe(cell.explanationZh)
    const text = await panel.innerText()
    expect(text).toContain(zhCN.cell.rules[cell.rule])
    expect(text).toContain(zhCN.cell.sources(cell.sources.length))

    // Every source, each with its own level: the red source first.
    while ((await panel.locator('.panel-show-all').count()) > 0) await panel.locator('.panel-show-all').first().click()
    const listed = await panel.locator('.source-item').evaluateAll((items) =>
      items.map((i) => ({
        kind: (i as HTMLElement).dataset.kind,
        id: Number((i as HTMLElement).dataset.id),
        level: Number(i.querySelector('.level-dot')?.getAttribute('data-level')),
      })),
    )
    expect(listed).toEqual(cell.sources.map((s) => ({ kind: s.kind, id: s.id, level: s.level })))
    const item = panel.locator(`.source-item[data-kind="${kind}"][data-id="${sourceId}"]`)
    expect(await item.locator('.source-link').textContent()).toBe(source.name)
    expect(await item.innerText()).toContain(zhCN.sourceKinds[source.kind])
    expect(await item.locator('.source-rule').textContent()).toBe(source.ruleTextZh)
    // The enterprises in the cell with their inspection state, and the nearest resources.
    const enterpriseIds = await panel.locator('.enterprise-item').evaluateAll((items) => items.map((i) => Number((i as HTMLElement).dataset.id)))
    expect(enterpriseIds).toEqual(cell.enterprises.map((e) => e.id))
    for (const e of cell.enterprises.filter((e) => e.overdue > 0)) {
      expect(await panel.locator(`.enterprise-item[data-id="${e.id}"] .overdue-badge`).textContent()).toBe(zhCN.cell.overdue(e.overdue))
    }
    const resourceIds = await panel.locator('.resource-item').evaluateAll((items) => items.map((i) => Number((i as HTMLElement).dataset.id)))
    expect(resourceIds).toEqual(cell.resources.map((r) => r.id))
    expect(cell.resources.length).toBeGreaterThan(0)

    // The cell is outlined on the map, and the URL names it.
    await waitForMapIdle(page)
    expect(
      await page.evaluate((layer) => window.__riskmap!.map.queryRenderedFeatures({ layers: [layer] }).length, SELECTION_LAYERS.polygonLine),
    ).toBeGreaterThan(0)
    expect(new URL(page.url()).hash).toContain(`sel=cell:${h3}`)
    await page.screenshot({ path: screenshotPath('risk-map-cell.png') })

    // The source's link opens the record; Back returns to the cell.
    await item.locator('.source-link').click()
    const record = page.locator(`.panel[data-selection="${kind}:${sourceId}"][data-state="shown"]`)
    await record.waitFor()
    expect(await record.locator('.panel-title').textContent()).toBe(source.name)
    expect(await record.locator('.panel-kind').textContent()).toBe(zhCN.records.titles[kind as 'hidden_danger' | 'major_hazard'])
    expect(new URL(page.url()).hash).toContain(`sel=${kind}:${sourceId}`)
    await record.locator('.panel-back').click()
    await panel.waitFor()
  })

  it('opens a region from the cell panel and with Shift+click: level, share chart, top sources and changes since a date', async () => {
    const { page } = session
    const cellPanel = page.locator('.panel[data-selection^="cell:"][data-state="shown"]')
    await cellPanel.waitFor()
    const township = cellPanel.locator('.region-links .panel-link').last()
    const code = (await township.getAttribute('data-region'))!
    expect(code).toMatch(/^\d{9}$/)
    await township.click()
    const panel = page.locator(`.panel[data-selection="region:${code}"][data-state="shown"]`)
    await panel.waitFor()
    const region = (await app.inject(`/api/regions/${code}`)).json() as RegionDetail
    expect(await panel.locator('.panel-title').textContent()).toBe(region.name)
    expect(await panel.locator('.level-chip').getAttribute('data-level')).toBe(String(region.level))
    // the highest cell level (就高) beside the grade, and the threshold that set the grade
    expect(await panel.locator('.region-highest .level-tag').getAttribute('data-level')).toBe(String(region.highestLevel))
    expect(await panel.locator('.region-rule').textContent()).toBe(region.explanationZh)

    // The chart: a bar per level, each as long as its share, labelled with the percentage.
    const bars = await panel.locator('svg.share-chart g[data-level]').evaluateAll((groups) =>
      groups.map((g) => ({
        level: Number(g.getAttribute('data-level')),
        width: Number(g.querySelectorAll('rect')[1]!.getAttribute('width')),
        label: g.querySelector('.share-chart-value')!.textContent,
      })),
    )
    expect(bars.slice(0, 4).map((b) => b.level)).toEqual([4, 3, 2, 1])
    const shareOf = (level: number) => region.shares[String(level) as '0'] ?? 0
    const widest = bars.reduce((a, b) => (b.width > a.width ? b : a))
    for (const bar of bars) {
      // Bars are to scale: width ∝ share (a non-zero share gets at least a hairline).
      if (shareOf(bar.level) * 100 > 1) expect(bar.width / widest.width).toBeCloseTo(shareOf(bar.level) / shareOf(widest.level), 2)
      if (shareOf(bar.level) === 0) expect(bar.width).toBe(0)
      expect(bar.label).toBe(shareOf(bar.level).toLocaleString('zh-CN', { style: 'percent', maximumFractionDigits: 1 }))
    }
    // The sources behind its level.
    const top = await panel
      .locator('.top-source-list .source-item')
      .evaluateAll((items) => items.map((i) => `${(i as HTMLElement).dataset.kind}:${(i as HTMLElement).dataset.id}`))
    expect(top).toEqual(region.topSources.map((s) => `${s.kind}:${s.id}`))

    // Level changes since 30 days ago (the default), then since another date.
    const since = await pageDaysAgo(page, 30)
    expect(await panel.locator('.changes-date').inputValue()).toBe(since.date)
    const changes = (await app.inject(`/api/changes?since=${encodeURIComponent(since.since)}&region=${code}`)).json() as ChangesResponse
    await expect.poll(() => panel.locator('.changes-result').getAttribute('data-count')).toBe(String(changes.items.length))
    if (changes.items.length > 0) {
      const raised = changes.items.filter((c) => c.after > c.before).length
      const lowered = changes.items.filter((c) => c.after < c.before).length
      expect(await panel.locator('.changes-summary').textContent()).toBe(zhCN.region.changesSummary(changes.items.length, raised, lowered))
      expect(await panel.locator('.change-item').first().getAttribute('data-h3')).toBe(changes.items[0]!.h3)
    }
    const later = await pageDaysAgo(page, 0)
    await panel.locator('.changes-date').fill(later.date)
    const laterChanges = (await app.inject(`/api/changes?since=${encodeURIComponent(later.since)}&region=${code}`)).json() as ChangesResponse
    await expect.poll(() => panel.locator('.changes-result').getAttribute('data-count')).toBe(String(laterChanges.items.length))
    // Asked again, for the region, from the start of the chosen day in the user's time zone.
    const asked = session.guard.requests
      .map((u) => new URL(u))
      .filter((u) => u.pathname === '/api/changes')
      .map((u) => [u.searchParams.get('since'), u.searchParams.get('region')])
    expect(asked).toContainEqual([since.since, code])
    expect(asked).toContainEqual([later.since, code])
    // The region is outlined from the region tiles.
    await waitForMapIdle(page)
    expect(await page.evaluate((layer) => window.__riskmap!.map.getFilter(layer), SELECTION_LAYERS.division)).toEqual(['==', ['get', 'code'], code])
    await page.screenshot({ path: screenshotPath('risk-map-region.png') })

    // Shift+click selects the region under the click whatever lies on it: a management grid at this zoom.
    const cells = await nearestCellPerLevel()
    const red = cells.find((c) => c.level === 4)!
    await open(page, viewHash(red.center, 14, ['cells', 'regions']))
    const point = (await clickablePointInCell(page, red.h3, red.center))!
    const lngLat = await page.evaluate(({ x, y }) => window.__riskmap!.map.unproject([x, y]).toArray(), { x: point.canvasX, y: point.canvasY })
    const grid = (
      await app.db.raw<{ rows: Array<{ code: string }> }>('SELECT code FROM mgmt_grid WHERE ST_Contains(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))', lngLat)
    ).rows[0]
    expect(grid, 'the point lies in a management grid').toBeDefined()
    await page.keyboard.down('Shift')
    await page.mouse.click(point.x, point.y)
    await page.keyboard.up('Shift')
    await page.locator(`.panel[data-selection="region:${grid!.code}"][data-state="shown"]`).waitFor()
    expect(await page.locator('.panel .panel-kind').textContent()).toBe(zhCN.region.ranks.grid)
  })

  it('switches each overlay on and off from the legend, and the URL follows', async () => {
    const { page } = session
    // The station square: an area assessment, enterprises, installations, resources and overdue records around it.
    const area = (
      await app.db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
        `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM area_assessment
       ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) LIMIT 1`,
        CITY_CENTRE,
      )
    ).rows[0]!
    await open(page, viewHash([area.lon, area.lat], 14, [...OVERLAY_IDS]))
    for (const id of OVERLAY_IDS) {
      expect(await page.locator(`.legend-overlay[data-overlay="${id}"] input`).isChecked()).toBe(true)
    }
    const shown: OverlayId[] = []
    for (const id of OVERLAY_IDS) {
      const before = await renderedCount(page, id)
      if (before === 0) continue
      shown.push(id)
      const input = page.locator(`.legend-overlay[data-overlay="${id}"] input`)
      await input.uncheck()
      await waitForMapIdle(page)
      expect(await renderedCount(page, id), `${id} hidden`).toBe(0)
      expect(new URL(page.url()).hash).toMatch(new RegExp(`layers=(?![^&]*\\b${id}\\b)`))
      await input.check()
      await waitForMapIdle(page)
      expect(await renderedCount(page, id), `${id} shown again`).toBe(before)
      expect(new URL(page.url()).hash).toMatch(new RegExp(`layers=[^&]*\\b${id}\\b`))
    }
    expect(shown).toEqual(expect.arrayContaining(['cells', 'regions', 'enterprises', 'area_assessments', 'resources']))
    await page.screenshot({ path: screenshotPath('risk-map-all-overlays.png') })
  })

  it('switches the legend, the panel and the search box to English', async () => {
    const { page } = session
    const { h3, center } = (await nearestCellPerLevel()).find((c) => c.level === 4)!
    await open(page, viewHash(center, 13, ['cells', 'regions'], `&sel=cell:${h3}`))
    const panel = page.locator(`.panel[data-selection="cell:${h3}"][data-state="shown"]`)
    await panel.waitFor()
    const cell = (await app.inject(`/api/cells/${h3}`)).json() as CellDetail
    expect(await panel.locator('.cell-explanation').textContent()).toBe(cell.explanationZh)

    await page.locator('.lang-switch').click()
    await expect.poll(() => page.locator('.app-title').textContent()).toBe(en.productName)
    expect(await panel.locator('.cell-explanation').textContent()).toBe(cell.explanation)
    expect(await panel.locator('.panel-kind').textContent()).toBe(en.cell.title)
    expect(await panel.innerText()).toContain(en.cell.sources(cell.sources.length))
    expect(await page.locator('.legend .legend-item .legend-name').allTextContents()).toEqual([
      en.levelNames[4],
      en.levelNames[3],
      en.levelNames[2],
      en.levelNames[1],
      en.stale,
    ])
    expect(await page.locator('.legend-overlay .legend-name').allTextContents()).toEqual(OVERLAY_IDS.map((id) => en.layers[id]))
    expect(await page.locator('.search-input').getAttribute('placeholder')).toBe(en.search.placeholder)
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en')
    await page.screenshot({ path: screenshotPath('risk-map-english.png') })

    await page.locator('.lang-switch').click()
    await expect.poll(() => page.locator('.app-title').textContent()).toBe(zhCN.productName)
    expect(await panel.locator('.cell-explanation').textContent()).toBe(cell.explanationZh)
  })

  it('reproduces the view, the overlays, the selection and the language from its URL after a reload and in a new window', async () => {
    const { page } = session
    const { h3, center } = (await nearestCellPerLevel()).find((c) => c.level === 3)!
    await open(page, viewHash(center, 13.25, ['cells', 'overdue'], `&sel=cell:${h3}`), '?lang=en')
    await page.locator(`.panel[data-selection="cell:${h3}"][data-state="shown"]`).waitFor()
    // Pan a little and switch one more overlay on: the URL follows.
    await page.evaluate(() => window.__riskmap!.map.panBy([40, -30], { animate: false }))
    await page.locator('.legend-overlay[data-overlay="resources"] input').check()
    await waitForMapIdle(page)
    await expect.poll(() => new URL(page.url()).hash).toMatch(/layers=cells,resources,overdue&sel=cell:/)
    const url = page.url()
    const view = await page.evaluate(() => ({ center: window.__riskmap!.map.getCenter().toArray(), zoom: window.__riskmap!.map.getZoom() }))

    const check = async (target: Page) => {
      await waitUntilReady(target)
      await target.locator(`.panel[data-selection="cell:${h3}"][data-state="shown"]`).waitFor()
      await waitForMapIdle(target)
      const state = await target.evaluate((layer) => {
        const map = window.__riskmap!.map
        return {
          center: map.getCenter().toArray(),
          zoom: map.getZoom(),
          highlighted: map.queryRenderedFeatures({ layers: [layer] }).length,
        }
      }, SELECTION_LAYERS.polygonLine)
      expect(state.zoom).toBeCloseTo(view.zoom, 2)
      expect(state.center[0]).toBeCloseTo(view.center[0]!, 4)
      expect(state.center[1]).toBeCloseTo(view.center[1]!, 4)
      expect(state.highlighted).toBeGreaterThan(0)
      expect(await target.locator('.legend-overlay input:checked').evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual([
        'cells',
        'resources',
        'overdue',
      ])
      expect(await target.locator('.app-title').textContent()).toBe(en.productName)
      expect(await target.locator('.panel .panel-kind').textContent()).toBe(en.cell.title)
    }

    await page.reload()
    await check(page)

    const fresh = await openGuardedPage(browser)
    await signInContext(app, fresh.context, baseUrl)
    try {
      await fresh.page.goto(url)
      await check(fresh.page)
      fresh.guard.assertClean()
    } finally {
      await fresh.context.close()
    }
    // Back to Chinese for what follows.
    await page.locator('.lang-switch').click()
    await expect.poll(() => page.locator('.app-title').textContent()).toBe(zhCN.productName)
  })

  it('finds an enterprise by its USCC, flies there and opens its panel', async () => {
    const { page } = session
    const enterprise = (
      await app.db.raw<{ rows: Array<{ id: string; uscc: string; name: string; lon: number; lat: number }> }>(
        `SELECT id, uscc, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM enterprise
       WHERE level = 2 ORDER BY ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(?, ?), 4326)::geography) DESC LIMIT 1`,
        CITY_CENTRE,
      )
    ).rows[0]!
    const id = Number(enterprise.id)
    await open(page, '')
    const input = page.locator('.search-input')
    await input.fill(enterprise.uscc)
    const result = page.locator(`.search-result[data-kind="enterprise"][data-id="${id}"]`)
    await result.waitFor()
    expect(await result.innerText()).toContain(enterprise.name)
    await page.screenshot({ path: screenshotPath('risk-map-search.png') })
    await input.press('Enter')

    const panel = page.locator(`.panel[data-selection="enterprise:${id}"][data-state="shown"]`)
    await panel.waitFor()
    expect(await panel.locator('.panel-title').textContent()).toBe(enterprise.name)
    await waitForMapIdle(page)
    const arrived = await page.evaluate(
      ({ lon, lat, layer }) => {
        const map = window.__riskmap!.map
        const p = map.project([lon, lat])
        const canvas = map.getCanvas()
        const panel = document.querySelector('.panel')!.getBoundingClientRect()
        const rect = canvas.getBoundingClientRect()
        const drawn = map
          .queryRenderedFeatures(
            [
              [p.x - 3, p.y - 3],
              [p.x + 3, p.y + 3],
            ],
            { layers: [layer] },
          )
          .map((f) => Number(f.id))
        return { zoom: map.getZoom(), x: p.x, y: p.y, width: canvas.clientWidth, height: canvas.clientHeight, panelLeft: panel.left - rect.left, drawn }
      },
      { lon: enterprise.lon, lat: enterprise.lat, layer: LAYER_IDS.enterprises },
    )
    expect(arrived.zoom).toBeCloseTo(15, 1)
    // In sight, clear of the panel, and drawn from the enterprise tiles.
    expect(arrived.x).toBeGreaterThan(0)
    expect(arrived.x).toBeLessThan(arrived.panelLeft)
    expect(arrived.y).toBeGreaterThan(0)
    expect(arrived.y).toBeLessThan(arrived.height)
    expect(arrived.drawn).toContain(id)
    expect(new URL(page.url()).hash).toContain(`sel=enterprise:${id}`)
  })

  it('finds coordinates typed latitude first and a division by name', async () => {
    const { page } = session
    const input = page.locator('.search-input')
    await input.fill('41.80 123.43')
    const coordinates = page.locator('.search-result[data-kind="coordinates"]')
    await coordinates.waitFor()
    expect(await coordinates.innerText()).toContain(zhCN.search.swapped)
    await input.press('Enter')
    // Flies to street level (zoom 14, or nearer if the map was nearer already) centred on the point.
    await expect.poll(() => page.evaluate(() => window.__riskmap!.map.isMoving())).toBe(false)
    await waitForMapIdle(page)
    expect(await page.evaluate(() => window.__riskmap!.map.getZoom())).toBeGreaterThanOrEqual(14)
    const center = await page.evaluate(() => window.__riskmap!.map.getCenter().toArray())
    expect(center[0]).toBeCloseTo(123.43, 4)
    expect(center[1]).toBeCloseTo(41.8, 4)

    const division = (await app.db('division').where({ rank: 'county' }).orderBy('code').first('code', 'name')) as { code: string; name: string }
    await input.fill(division.name)
    const result = page.locator(`.search-result[data-kind="division"][data-code="${division.code}"]`)
    await result.waitFor()
    await result.click()
    await page.locator(`.panel[data-selection="region:${division.code}"][data-state="shown"]`).waitFor()
    expect(await page.locator('.panel .panel-title').textContent()).toBe(division.name)
  })

  it('made no request that left the machine and had no error of any kind', () => {
    const { guard } = session
    expect(guard.requests.some((url) => /\/tiles\/cells\/\d+\/\d+\/\d+\.mvt\?v=/.test(url))).toBe(true)
    expect(guard.requests.some((url) => url.endsWith('/tiles/cells.json'))).toBe(true)
    expect(guard.externalRequests).toEqual([])
    expect(guard.requests.filter((url) => /\.pbf(\?|$)|\/glyphs\/|sprite/.test(url))).toEqual([])
    guard.assertClean()
  })
})
