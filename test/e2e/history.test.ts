import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { startWebSession, stopWebSession, waitUntilReady, type GuardedPage } from '../helpers/browser'

// The staff map's date control (web/src/history/time-control.ts) in a real Chromium on the graded
// demo: a link with `#asof=` shows the map of that day (today's: every live cell with a level), the
// control's dates are kept in the URL, "back to today" restores the live map, and a date before the
// first grading shows the API's reason.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})
afterAll(() => stopWebSession({ app, browser }))

describe('the date control', () => {
  it('changes the map to the levels recorded then, keeps the date in the URL, and goes back to today', async () => {
    const { page } = session
    await page.goto(`${baseUrl}/`)
    // Let the page finish starting: its view hash is written during start-up.
    await waitUntilReady(page)
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'))
    const { rows } = await app.db.raw<{ rows: Array<{ n: number }> }>('SELECT count(*)::int AS n FROM cell WHERE res = 8 AND (level > 0 OR stale)')
    await page.goto(`${baseUrl}/#asof=${today}`)
    await page.reload()
    const control = page.locator('.history-control')
    await page.locator('.history-control[data-state="shown"]').waitFor({ timeout: 60_000 })
    expect(Number(await control.getAttribute('data-cells'))).toBe(rows[0]!.n)
    expect(await page.locator('.history-as-of').inputValue()).toBe(today)
    expect(await page.evaluate(() => window.location.hash)).toContain(`asof=${today}`)

    await page.locator('.history-clear').click()
    await page.locator('.history-control[data-state="live"]').waitFor()
    expect(await page.evaluate(() => window.location.hash)).not.toContain('asof=')

    // A date before the first grading: nothing was recorded then, and the control says so.
    await page.locator('.history-as-of').fill('2000-01-01')
    await page.locator('.history-control[data-state="failed"]').waitFor()
    expect(await page.locator('.history-status').textContent()).toContain('first grading')
    expect(await page.evaluate(() => window.location.hash)).toContain('asof=2000-01-01')
  })
})
