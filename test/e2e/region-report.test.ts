import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { startWebSession, stopWebSession, waitUntilReady, type GuardedPage } from '../helpers/browser'
import type { RegionReport } from '../../web/src/region-report/api'
import { REGION_REPORT_MESSAGES } from '../../web/src/region-report/messages'
import { zhCN } from '../../web/src/i18n/zh-CN'

// The printable region report (issue 8) in a real Chromium against the shared demo database: opened
// from a county's region panel in a new tab, it shows the county's figures as the report API gives
// them; an unknown region or a link without one gets a clear message.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

/** 铁西区, a county of the demo data. */
const COUNTY = '210106'
const t = REGION_REPORT_MESSAGES['zh-CN']

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})

afterAll(() => stopWebSession({ app, browser }))

async function settled(page: Page): Promise<string> {
  await page.waitForSelector('main.report[data-state="ready"], main.report[data-state="error"]')
  return (await page.locator('main.report').getAttribute('data-state'))!
}

const stat = (page: Page, key: string) => page.locator(`[data-stat="${key}"] .report-stat-value`).textContent()

describe('the region report page', () => {
  it('opens from the region panel in a new tab and shows the county as the API reports it', async () => {
    const { page, context, guard } = session
    await page.goto(`${baseUrl}/#sel=region:${COUNTY}`)
    await waitUntilReady(page)
    const link = page.locator(`.panel[data-selection="region:${COUNTY}"][data-state="shown"] a.panel-report`)
    expect(await link.textContent()).toBe(t.print)
    expect(await link.getAttribute('target')).toBe('_blank')
    expect(await link.getAttribute('href')).toBe(`/report.html?region=${COUNTY}`)

    const opened = context.waitForEvent('page')
    await link.click()
    const report = await opened
    expect(await settled(report)).toBe('ready')

    const api = (await app.inject(`/api/regions/${COUNTY}/report`)).json() as RegionReport
    expect(await report.locator('.report-title').textContent()).toBe(api.region.name)
    expect(await report.title()).toContain(api.region.name)
    expect(await report.locator('.report-data-version').textContent()).toBe(t.dataVersion(api.dataVersion))
    expect(await report.locator('.report-demo').textContent()).toBe(t.demoData)
    // The grade first, then the highest cell level beside it (rule set 2026.2).
    const overall = report.locator('.report-overall .report-level')
    expect(await overall.nth(0).textContent()).toBe(zhCN.levelNames[api.region.level])
    expect(await overall.nth(1).textContent()).toBe(zhCN.levelNames[api.region.highestLevel])

    // Levels: cells per level, row by row.
    for (const level of ['4', '3', '2', '1', '0'] as const) {
      const cells = await report.locator(`.report-levels tbody tr[data-level="${level}"] td`).nth(2).textContent()
      expect(Number(cells), `cells at level ${level}`).toBe(api.region.cells[level])
    }
    expect(api.region.cells['4']).toBeGreaterThan(0)

    // Why: the top sources, in order.
    const sources = await report.locator('.report-sources tbody tr td:nth-child(2)').allTextContents()
    expect(sources).toEqual(api.topSources.map((s) => s.name))
    expect(sources.length).toBeGreaterThan(0)

    // Changes, resources and enforcement figures.
    expect(Number(await stat(report, 'raised'))).toBe(api.changes.raised)
    // The demo's first grading is reported as such, not as raised levels.
    expect(Number(await stat(report, 'firstGraded'))).toBe(api.changes.firstGraded)
    expect(api.changes.firstGraded).toBeGreaterThan(0)
    expect(await report.locator('.report-changes tbody tr').count()).toBe(api.changes.recent.length)
    for (const kind of api.resources.byKind) {
      const cells = await report.locator(`.report-resources tbody tr[data-kind="${kind.kind}"] td`).allTextContents()
      expect(cells.slice(1).map(Number), kind.kind).toEqual([kind.inside, kind.near])
    }
    expect(await report.locator('.report-teams tbody tr td:first-child').allTextContents()).toEqual(api.resources.nearestTeams.map((team) => team.name))
    expect(Number(await stat(report, 'enterprises'))).toBe(api.enforcement.enterprises)
    expect(Number(await stat(report, 'inspections'))).toBe(api.enforcement.inspections.done)
    expect(Number(await stat(report, 'hiddenDangersOpen'))).toBe(api.enforcement.hiddenDangers.open)
    expect(Number(await stat(report, 'hiddenDangersOverdue'))).toBe(api.enforcement.hiddenDangers.overdue)
    expect(Number(await stat(report, 'violationsOverdue'))).toBe(api.enforcement.violations.overdue)
    expect(Number(await stat(report, 'penalties'))).toBe(api.enforcement.penalties.count)
    expect(api.enforcement.enterprises).toBeGreaterThan(0)

    // The small map draws every cell the API gives.
    expect(Number(await report.locator('svg.report-map').getAttribute('data-cells'))).toBe(api.map.cells.length)
    expect(await report.locator('svg.report-map .report-map-cells path[data-level="4"]').count()).toBeGreaterThan(0)

    // The print button is ready; in print the toolbar is hidden and the sheet is A4.
    expect(await report.locator('.report-print').isEnabled()).toBe(true)
    await report.emulateMedia({ media: 'print' })
    expect(await report.locator('.report-toolbar').isVisible()).toBe(false)
    const pdf = await report.pdf({ format: 'A4', printBackground: true })
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    await report.close()
    guard.assertClean()
  })

  it('says clearly when the region is unknown or missing', async () => {
    const { page, guard } = session
    await page.goto(`${baseUrl}/report.html?region=999999`)
    expect(await settled(page)).toBe('error')
    expect(await page.locator('.report-error').textContent()).toBe(t.notFound('999999'))
    expect(await page.locator('.report-print').isDisabled()).toBe(true)

    await page.goto(`${baseUrl}/report.html`)
    expect(await settled(page)).toBe('error')
    expect(await page.locator('.report-error').textContent()).toBe(t.noRegion)

    // The only problems: the deliberate 404 and Chromium's console line about it.
    const unexpected = guard.problems.filter((p) => !(p.includes('404') && p.includes('/api/regions/999999/report')))
    expect(unexpected).toEqual([])
  })
})
