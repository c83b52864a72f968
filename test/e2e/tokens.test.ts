import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { startWebSession, stopWebSession, type GuardedPage } from '../helpers/browser'
import { TOKEN_MESSAGES } from '../../web/src/tokens/messages'

// The API tokens page (web/tokens.html) in a real Chromium, signed in as a planner: create a token
// through the form, see it once, use it from Node as a desktop client would, then revoke it with
// the row's button and see the client refused.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage
const zh = TOKEN_MESSAGES['zh-CN']

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession({ as: 'planner' }))
})
afterAll(() => stopWebSession({ app, browser }))

describe('the API tokens page', () => {
  it('creates a token shown once, which a client then uses, and revokes it', async () => {
    const { page, guard } = session
    await page.goto(`${baseUrl}/tokens.html`)
    await page.waitForFunction(() => document.body.dataset.state === 'ready')
    expect(await page.locator('.ad-title').textContent()).toBe(zh.pageTitle)
    expect(await page.locator('.staff-nav a[aria-current="page"]').textContent()).toBe('API 令牌')

    const name = `QGIS e2e ${Date.now()}`
    await page.fill('input[name="name"]', name)
    await page.fill('input[name="expiresInDays"]', '30')
    await page.click('.token-form button[type="submit"]')
    const secret = (await page.locator('.token-secret .ad-secret-value').textContent())!
    expect(secret).toMatch(/^rmt_/)

    const row = page.locator('.token-list tr', { hasText: name })
    await row.waitFor()
    expect(await row.locator('td[data-column="scope"]').textContent()).toBe(zh.scopes.read)
    expect(await row.locator('td[data-column="state"]').textContent()).toBe(zh.active)
    const me = await fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })
    expect((await me.json()).user.role).toBe('planner')

    page.once('dialog', (dialog) => void dialog.accept())
    await row.locator('td[data-column="actions"] button').click()
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('.token-list tr')].some(
          (r) => r.textContent?.includes(n) && r.querySelector('td[data-column="state"]')?.textContent?.startsWith('已撤销'),
        ),
      name,
    )
    const refused = await fetch(`${baseUrl}/api/auth/me`, { headers: { authorization: `Bearer ${secret}` } })
    expect(refused.status).toBe(401)
    expect((await refused.json()).error.code).toBe('token_revoked')
    expect(guard.problems).toEqual([])
  })
})
