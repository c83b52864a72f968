import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { startWebSession, stopWebSession, type GuardedPage } from '../helpers/browser'
import { RANKING_TEXTS } from '../../web/src/ranking/texts'

// The ranking page (web/ranking.html, docs/ranking.md) in a real Chromium against the graded demo:
// the table shows the API's ranking, each bar drawn from the score's parts, and a row's link opens
// that area's panel on the staff map.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

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
    expect(await page.locator('.rk-title').textContent()).toBe(RANKING_TEXTS['zh-CN'].title)
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
})
