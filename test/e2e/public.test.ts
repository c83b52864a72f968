import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { readCanvas, signInContext, startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type WebSession } from '../helpers/browser'
import { TEST_PASSWORD, signIn } from '../helpers/auth'
import { publishViaDraft } from '../helpers/publish'
import { CELL_FILL_OPACITY, LEVEL_COLORS, blendOver } from '../../web/src/map/levels'
import { BASEMAP_COLORS } from '../../web/src/map/style'
import { MESSAGES } from '../../web/src/i18n'
import { PUBLIC_MESSAGES } from '../../web/src/public/messages'
import { cellToLatLng } from 'h3-js'

// The public portal in a real Chromium, anonymous: the latest publication drawn in the level
// colours, a new publication shown after a reload, and the staff sign-in form (wrong password, then
// the way on to the page it was opened for).

let web: WebSession
let app: FastifyInstance
const zh = PUBLIC_MESSAGES['zh-CN']
const zhMessages = MESSAGES['zh-CN']
const resultsDir = fileURLToPath(new URL('../../test-results', import.meta.url))

function screenshotPath(name: string): string {
  fs.mkdirSync(resultsDir, { recursive: true })
  return path.join(resultsDir, name)
}

async function publish(note: string): Promise<{ id: number; createdAt: string }> {
  return publishViaDraft(app, note)
}

async function openPortal(page: Page, hash = ''): Promise<void> {
  await page.goto('about:blank')
  await page.goto(`${web.baseUrl}/public.html${hash}`)
  await waitUntilReady(page)
  await waitForMapIdle(page)
}

beforeAll(async () => {
  web = await startWebSession({ as: null })
  app = web.app
})
afterAll(async () => {
  await stopWebSession(web ?? {})
})

/** The latest publication's most severe cell at its finest resolution, and its centre. */
async function severeCell(): Promise<{ h3: string; level: number; lon: number; lat: number }> {
  const { id, h3_res: res } = (await app.db('publication').orderBy('id', 'desc').first('id', 'h3_res')) as { id: number; h3_res: number }
  const cell = (await app
    .db('publication_cell')
    .where({ publication_id: id, res })
    .orderBy([{ column: 'level', order: 'desc' }, { column: 'h3' }])
    .first('h3', 'level')) as { h3: string; level: number }
  const [lat, lon] = cellToLatLng(cell.h3)
  return { h3: cell.h3, level: Number(cell.level), lon, lat }
}

describe('the public portal first', () => {
  for (const viewport of [
    { width: 1440, height: 900 },
    { width: 390, height: 844 },
  ]) {
    it(`at ${viewport.width} px: an anonymous visitor to / reaches the map without any dialog and reads the level of a clicked place`, async () => {
      await publish('门户测试发布（点选）')
      const target = await severeCell()
      const { page, guard } = web.session
      await page.setViewportSize(viewport)
      await page.goto('about:blank')
      await page.goto(`${web.baseUrl}/`)
      await page.waitForURL(`${web.baseUrl}/public.html`)
      await waitUntilReady(page)
      await waitForMapIdle(page)
      // no dialog, and the page is no wider than the screen
      expect(await page.locator('[role=dialog]:visible, [aria-modal=true]:visible').count()).toBe(0)
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width)
      for (const selector of ['.public-report-open', '.sign-in-open', '.lang-switch']) {
        const box = (await page.locator(selector).boundingBox())!
        expect(box.x + box.width, selector).toBeLessThanOrEqual(viewport.width)
      }
      // the panel leaves most of the map free
      const mapBox = (await page.locator('#map').boundingBox())!
      const panelBox = (await page.locator('.public-panel').boundingBox())!
      expect(panelBox.width * panelBox.height).toBeLessThan(0.5 * mapBox.width * mapBox.height)

      // Centre the severe cell in the part of the map above the panel and click it.
      const free = viewport.width < 640 ? { x: mapBox.width / 2, y: (panelBox.y - mapBox.y) / 2 } : { x: (panelBox.x - mapBox.x) / 2, y: mapBox.height / 2 }
      const point = await page.evaluate(
        ({ lon, lat, free }) => {
          const map = window.__riskmap!.map
          map.jumpTo({ center: [lon, lat], zoom: 12 })
          const centre = map.project([lon, lat])
          map.panBy([centre.x - free.x, centre.y - free.y], { animate: false })
          const p = map.project([lon, lat])
          return { x: p.x, y: p.y }
        },
        { lon: target.lon, lat: target.lat, free },
      )
      await waitForMapIdle(page)
      await page.locator('.maplibregl-canvas').click({ position: point })
      const level = page.locator('.public-pane-place .place-level')
      await level.waitFor({ state: 'visible' })
      expect(await level.getAttribute('data-level')).toBe(String(target.level))
      expect(await level.locator('.place-level-chip').textContent()).toBe(zhMessages.levelNames[target.level as 1 | 2 | 3 | 4])
      expect(await page.locator('.public-pane-place .place-region').count()).toBe(2)
      expect(await page.locator('.public-pane-place .place-shelter').count()).toBe(3)
      expect(await page.locator('.place-marker').count()).toBe(1)
      await page.screenshot({ path: screenshotPath(`public-place-${viewport.width}.png`) })

      // "report a hazard here" opens the form with the place filled in
      await page.locator('.place-report').click()
      await page.locator('.rp-form').waitFor({ state: 'visible' })
      expect(Number(await page.locator('.rp-lon').inputValue())).toBeCloseTo(target.lon, 2)
      guard.assertClean()
    }, 120_000) // a publication, the first page load of the file and a zoomed map: over a minute on a loaded machine
  }

  it('lists the published penalties in their own tab, a page at a time', async () => {
    const { page, guard } = web.session
    await page.setViewportSize({ width: 1440, height: 900 })
    await openPortal(page)
    const total = Number(((await app.db('penalty').where('published', true).count('* as n')) as Array<{ n: string }>)[0]!.n)
    expect(total).toBeGreaterThan(10)
    await page.locator('.public-tab[data-tab=penalties]').click()
    const items = page.locator('.public-pane-penalties .public-penalty')
    expect(await items.count()).toBe(10)
    const first = await items.first().locator('.item-head').textContent()
    await page.locator('.public-pager-next').click()
    await page.locator('.public-pager-status', { hasText: zh.pager.page(2, Math.ceil(total / 10), total) }).waitFor()
    expect(await items.first().locator('.item-head').textContent()).not.toBe(first)
    expect(await page.locator('.public-pager-previous').isEnabled()).toBe(true)
    guard.assertClean()
  })
})

describe('the public portal', () => {
  it('shows the latest publication: its date, the cells in their level colours, regions and penalties', async () => {
    const published = await publish('门户测试发布（一）')
    const { page, guard } = web.session
    const seen = guard.requests.length
    await openPortal(page)
    const date = page.locator('.app-header .publication-date')
    expect(await date.getAttribute('data-publication')).toBe(String(published.id))
    expect(await date.textContent()).toContain(published.createdAt.slice(0, 4))

    // Which levels the drawn resolution has: the page shows the whole city (zoom ≤ 9: res ≤ 6).
    const levels = (await app.db('publication_cell').where({ publication_id: published.id }).andWhere('level', '>', 0).distinct('level')).map((r) =>
      Number(r.level),
    )
    expect(levels.length).toBeGreaterThan(1)
    const colors = Object.fromEntries(
      [1, 2, 3, 4].map((l) => [`level${l}`, blendOver(LEVEL_COLORS[l as 1 | 2 | 3 | 4], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)]),
    )
    const reading = await readCanvas(page, { colors, tolerance: 6 })
    const drawn = Object.entries(reading.byColor)
      .filter(([, n]) => n > 200)
      .map(([k]) => k)
    expect(drawn.length, JSON.stringify(reading.byColor)).toBeGreaterThanOrEqual(2)

    // only public tiles and the public API were asked for
    const api = guard.requests.slice(seen).filter((u) => u.includes('/api/') || u.includes('/tiles/'))
    expect(api.filter((u) => !u.includes('/api/public/') && !u.includes('/tiles/public/'))).toEqual([])
    expect(api.some((u) => u.includes(`/tiles/public/cells/`) && u.includes(`v=p${published.id}`))).toBe(true)

    expect(await page.locator('.public-regions .public-region').count()).toBeGreaterThan(5)
    // Each district's grade (from its area shares) with its highest cell level (就高) beside it.
    const publishedRegions = (await app.inject('/api/public/regions?kind=division')).json() as {
      items: Array<{ key: string; rank: string; level: number; highestLevel: number | null }>
    }
    const counties = publishedRegions.items.filter((r) => r.rank === 'county')
    expect(counties.length).toBeGreaterThan(5)
    for (const county of counties) {
      const row = page.locator(`.public-regions .public-region[data-key="${county.key}"]`).first()
      expect(await row.locator('td:nth-child(2) .level-chip').getAttribute('data-level'), county.key).toBe(String(county.level))
      expect(await row.locator('.public-region-highest .level-chip').getAttribute('data-level'), county.key).toBe(String(county.highestLevel))
      expect(county.level).toBeLessThanOrEqual(county.highestLevel!)
    }
    expect(await page.locator('.public-penalties .public-penalty').count()).toBeGreaterThan(0)
    expect(await page.locator('.public-panel .public-reports').count()).toBe(1)
    await page.screenshot({ path: screenshotPath('public-portal.png') })
    guard.assertClean()
  })

  it('shows a new publication after a reload', async () => {
    const { page, guard } = web.session
    const second = await publish('门户测试发布（二）')
    await page.reload()
    await waitUntilReady(page)
    await waitForMapIdle(page)
    expect(await page.locator('.app-header .publication-date').getAttribute('data-publication')).toBe(String(second.id))
    expect(await page.locator('.public-publication-note').textContent()).toContain('门户测试发布（二）')
    expect(guard.requests.some((u) => u.includes('/tiles/public/cells/') && u.includes(`v=p${second.id}`))).toBe(true)
    guard.assertClean()
  })

  it('opens the staff sign-in form from #login=, refuses a wrong password, and goes on to the next page once signed in', async () => {
    const { page, guard } = web.session
    await openPortal(page, `#login=${encodeURIComponent('/publications.html')}`)
    const form = page.locator('.sign-in')
    expect(await form.isVisible()).toBe(true)
    await form.locator('input[name=username]').fill('test_planner')
    await form.locator('input[name=password]').fill('not-the-password')
    await form.locator('button[type=submit]').click()
    const error = form.locator('.sign-in-error')
    await error.waitFor({ state: 'visible' })
    expect(await error.textContent()).toBe(zh.signIn.wrong)
    expect(page.url()).toContain('/public.html')

    await form.locator('input[name=password]').fill(TEST_PASSWORD)
    await Promise.all([page.waitForURL(`${web.baseUrl}/publications.html`), form.locator('button[type=submit]').click()])
    await waitUntilReady(page)
    // the staff page: publications listed; the planner prepares a draft and sees its preview, but
    // may not approve it
    await page.locator('.publications-item').first().waitFor()
    const latest = await app.db('publication').max('id as id').first()
    expect(await page.locator(`.publications-item[data-publication="${latest!.id}"]`).count()).toBe(1)
    await page.locator('.publications-form .publications-note').fill('界面发布测试')
    await page.locator('.publications-prepare').click()
    const preview = page.locator('.publications-preview-section')
    await preview.locator('.publications-summary').waitFor()
    const draftId = Number(await preview.getAttribute('data-draft'))
    expect(await preview.locator('.publications-against').textContent()).toBe(zh.publications.againstCurrent(latest!.id))
    expect(await preview.locator('.publications-own').count()).toBe(1)
    expect(await preview.locator('.publications-approve').count()).toBe(0)

    // another person (the admin) approves it with a note
    await signInContext(app, web.session.context, web.baseUrl, 'admin')
    // Other test files share this database: a write there between the draft and its approval
    // outdates the draft (the page says so and offers no approval), so the planner prepares it again.
    let toApprove = draftId
    for (let attempt = 1; ; attempt++) {
      await page.reload()
      await waitUntilReady(page)
      await page.locator(`.publications-draft[data-draft="${toApprove}"] .publications-preview`).click()
      await preview.locator('.publications-approve, .publications-outdated').first().waitFor()
      if ((await preview.locator('.publications-approve').count()) === 1) break
      expect(attempt, 'the draft was outdated by concurrent writes on every attempt').toBeLessThan(3)
      const planner = await signIn(app, 'planner')
      const again = await app.inject({ method: 'POST', url: '/api/publications/drafts', headers: planner.headers, payload: { note: '界面发布测试' } })
      expect(again.statusCode, again.body).toBe(201)
      toApprove = again.json<{ id: number }>().id
    }
    // a draft prepared again may stand on a newer publication than the first one
    const base = Number((await app.db('publication_draft').where({ id: toApprove }).first('base_publication_id')).base_publication_id)
    await preview.locator('.publications-decision-note').fill('已核对变化')
    await preview.locator('.publications-approve').click()
    await page.locator('.publications-status', { hasText: zh.publications.approved(toApprove, base + 1) }).waitFor()
    const decided = await app.db('publication_draft').where({ id: toApprove }).first('status', 'decision_note', 'publication_id')
    expect(decided).toMatchObject({ status: 'approved', decision_note: '已核对变化', publication_id: base + 1 })
    await page.locator(`.publications-item[data-publication="${base + 1}"] input`).check()
    await page.locator(`.publications-item[data-publication="${base}"] input`).check()
    await page.locator('.publications-compare').click()
    await page.locator('.publications-summary').waitFor()
    await page.screenshot({ path: screenshotPath('publications-diff.png') })

    // The one refused sign-in is the only request that failed.
    const problems = guard.problems.filter((p) => !p.includes('401'))
    expect(problems).toEqual([])
  }, 120_000) // two page loads, a publication and a diff: over a minute on a loaded machine
})
