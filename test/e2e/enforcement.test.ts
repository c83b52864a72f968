import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { COVERAGE_GAP_SOURCE, LAYER_IDS, OVERLAY_LAYERS } from '../../web/src/map/layers'
import { zhCN } from '../../web/src/i18n/zh-CN'
import type { EnforcementHistory, ResourceVocabulary } from '../../web/src/api/contract'
import type { CoverageGapCollection } from '../../web/src/api/contract'

// The enterprise panel's supervision and enforcement sections (issue 6) and the rescue-team
// coverage-gap overlay (issue 5), in a real Chromium against the graded demo database.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

async function open(page: Page, hash: string): Promise<void> {
  await page.goto('about:blank')
  await page.goto(`${baseUrl}/${hash}`)
  await waitUntilReady(page)
  await waitForMapIdle(page)
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})

afterAll(() => stopWebSession({ app, browser }))

describe('enforcement history and coverage gaps', () => {
  it('shows an enterprise’s overdue count, its penalty’s decision number and its supervision tier', async () => {
    const { page } = session
    // An enterprise with a tier, something open past its deadline, and (few enough to be listed) penalties.
    const { rows } = await app.db.raw<{ rows: Array<{ id: string; tier: 'city' | 'county' | 'township'; overdue: number; decision_no: string }> }>(`
      WITH o AS (
        SELECT enterprise_id, count(*)::int AS n FROM (
          SELECT enterprise_id FROM hidden_danger WHERE status = 'open' AND deadline < current_date
          UNION ALL SELECT enterprise_id FROM violation WHERE status = 'open' AND deadline < current_date) x
        GROUP BY enterprise_id),
      p AS (SELECT enterprise_id, count(*) AS n, max(decision_no) AS decision_no FROM penalty GROUP BY enterprise_id)
      SELECT e.id, e.tier, o.n AS overdue, p.decision_no
        FROM enterprise e JOIN o ON o.enterprise_id = e.id JOIN p ON p.enterprise_id = e.id
       WHERE e.tier IS NOT NULL AND p.n <= 20
       ORDER BY o.n DESC, e.id LIMIT 1`)
    const target = rows[0]
    expect(target, 'a demo enterprise with an overdue finding and a penalty').toBeDefined()
    const id = Number(target!.id)
    const history = (await app.inject(`/api/enterprises/${id}/enforcement?limit=20`)).json() as EnforcementHistory
    expect(history.overdue.hiddenDangers + history.overdue.violations).toBe(target!.overdue)

    await open(page, `#layers=cells&sel=enterprise:${id}`)
    const panel = page.locator(`.panel[data-selection="enterprise:${id}"][data-state="shown"]`)
    await panel.waitFor()
    const overdue = panel.locator('.enforcement-overdue')
    expect(await overdue.getAttribute('data-count')).toBe(String(target!.overdue))
    expect(await overdue.textContent()).toBe(zhCN.enforcement.overdue(target!.overdue, history.overdue.oldestDeadline))
    expect(await panel.locator('.penalty-list .penalty-item .panel-code').allTextContents()).toContain(target!.decision_no)
    const tier = panel.locator('.supervision-tier')
    expect(await tier.getAttribute('data-tier')).toBe(target!.tier)
    expect(await tier.textContent()).toContain(zhCN.tiers[target!.tier])
    // The supervision block is shown once: its terms are not repeated in the registration list above it.
    const terms = await panel.locator('dt').allTextContents()
    for (const term of [zhCN.panel.tier, zhCN.panel.industryDepartment, zhCN.panel.specialistDepartments, zhCN.panel.responsiblePerson]) {
      expect(
        terms.filter((t) => t === term),
        term,
      ).toHaveLength(1)
    }
    expect(await panel.locator('.supervision-section').count()).toBe(1)
    // Overdue findings are highlighted, with their deadlines.
    expect(await panel.locator('.finding-overdue').count()).toBeGreaterThan(0)
    expect(await panel.locator('.credit-badge').getAttribute('data-status')).toBe(history.creditStatus)
    session.guard.assertClean()
  })

  it('draws the coverage gaps of a capability from the legend, and names a gap cell’s nearest team', async () => {
    const { page } = session
    // A capability with gaps on the demo data at the default 5 km.
    const vocabulary = (await app.inject('/api/resources/vocabulary')).json() as ResourceVocabulary
    const keys = ['hazmat', 'mine', ...vocabulary.capabilities.map((c) => c.key)]
    let capability: string | null = null
    let expected: CoverageGapCollection | null = null
    for (const key of keys) {
      const gaps = (
        await app.inject(`/api/resources/coverage-gaps?capability=${key}&thresholdM=5000&minLevel=3&format=geojson`)
      ).json() as CoverageGapCollection
      if (gaps.features.length > 0) {
        capability = key
        expected = gaps
        break
      }
    }
    expect(capability, 'a capability with coverage gaps').not.toBeNull()

    await open(page, '#layers=cells')
    const item = page.locator('.legend-overlay[data-overlay="coverage_gaps"]')
    expect(await item.locator('.legend-name').textContent()).toBe(zhCN.layers.coverage_gaps)
    expect(await item.locator('.gap-controls').count()).toBe(0)
    await item.locator('input[name="overlay"]').check()
    const controls = item.locator('.gap-controls')
    await controls.locator(`select.gap-capability option[value="${capability}"]`).waitFor({ state: 'attached' })
    await item.locator('select.gap-capability').selectOption(capability!)
    await page.locator(`.gap-controls[data-state="loaded"][data-capability="${capability}"][data-threshold-m="5000"]`).waitFor()
    expect(await controls.getAttribute('data-count')).toBe(String(expected!.features.length))
    await expect.poll(() => new URL(page.url()).hash).toMatch(/layers=[^&]*\bcoverage_gaps\b/)

    const inSource = await page.evaluate(async (source) => {
      const data = await (window.__riskmap!.map.getSource(source) as unknown as { getData(): Promise<{ features: unknown[] }> }).getData()
      return data.features.length
    }, COVERAGE_GAP_SOURCE)
    expect(inSource).toBe(expected!.features.length)
    await waitForMapIdle(page)
    const rendered = await page.evaluate((layers) => window.__riskmap!.map.queryRenderedFeatures({ layers }).length, [...OVERLAY_LAYERS.coverage_gaps])
    expect(rendered).toBeGreaterThan(0)

    // A click on a gap cell names its nearest team.
    const point = await page.evaluate((layer) => {
      const map = window.__riskmap!.map
      const rect = map.getCanvas().getBoundingClientRect()
      for (const f of map.queryRenderedFeatures({ layers: [layer] })) {
        const p = map.project([f.properties.lon as number, f.properties.lat as number])
        if (document.elementFromPoint(rect.left + p.x, rect.top + p.y) !== map.getCanvas()) continue
        if (map.queryRenderedFeatures([p.x, p.y], { layers: [layer] }).length === 0) continue
        return { x: rect.left + p.x, y: rect.top + p.y }
      }
      return null
    }, LAYER_IDS.coverageGapFill)
    expect(point, 'a gap cell clear of the panels').not.toBeNull()
    await page.mouse.click(point!.x, point!.y)
    const popup = page.locator('.maplibregl-popup .gap-popup')
    await popup.waitFor()
    const h3 = await popup.getAttribute('data-h3')
    const feature = expected!.features.find((f) => f.properties.h3 === h3)!
    expect(feature).toBeDefined()
    const text = await popup.locator('.gap-popup-team').textContent()
    if (feature.properties.nearestTeamName) expect(text).toContain(feature.properties.nearestTeamName)
    else expect(text).toBe(zhCN.coverageGaps.noTeam)

    // Off again: nothing drawn, and the URL forgets it.
    await item.locator('input[name="overlay"]').uncheck()
    await waitForMapIdle(page)
    expect(await page.evaluate((layers) => window.__riskmap!.map.queryRenderedFeatures({ layers }).length, [...OVERLAY_LAYERS.coverage_gaps])).toBe(0)
    expect(new URL(page.url()).hash).not.toMatch(/coverage_gaps/)
    session.guard.assertClean()
    expect(session.guard.externalRequests).toEqual([])
    expect(session.guard.requests.some((u) => new URL(u).pathname === '/api/resources/coverage-gaps')).toBe(true)
  })
})
