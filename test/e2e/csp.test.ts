import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buildTestApp } from '../helpers/app'
import { launchChromium, readCanvas, signInContext, waitForMapIdle, waitUntilReady } from '../helpers/browser'
import type { Role } from '../../server/modules/auth/access'

// The Content-Security-Policy (docs/security.md, "Headers") in a real Chromium: every page — the
// staff map, the public portal, publications, admin, supervision, reports, ranking, charts, the region report,
// scenarios, tokens, the API docs — loads and works under it with zero violations, and the map pages
// really draw (MapLibre's workers start from the build's own worker file: worker-src 'self').

let app: FastifyInstance
let baseUrl: string
let browser: Browser

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  await app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await app?.close()
})

interface Watched {
  context: BrowserContext
  page: Page
  violations: string[]
  workers: string[]
  pageErrors: string[]
}

/** A context (signed in as `role`, or anonymous) whose page records every CSP violation, from events and the console. */
async function watchedPage(role: Role | null): Promise<Watched> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
  if (role) await signInContext(app, context, baseUrl, role)
  await context.addInitScript(() => {
    const seen: string[] = []
    ;(window as unknown as { __csp: string[] }).__csp = seen
    document.addEventListener('securitypolicyviolation', (e) => {
      seen.push(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`)
    })
  })
  const page = await context.newPage()
  const watched: Watched = { context, page, violations: [], workers: [], pageErrors: [] }
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) watched.violations.push(`console: ${message.text()}`)
  })
  page.on('worker', (worker) => watched.workers.push(worker.url()))
  page.on('pageerror', (error) => watched.pageErrors.push(error.message))
  return watched
}

async function violationsOf(w: Watched): Promise<string[]> {
  const fromEvents = await w.page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])
  return [...fromEvents, ...w.violations]
}

/** Pages with a map (they publish window.__riskmap): loaded, drawn, and checked for pixels and workers. */
const MAP_PAGES: Array<{ path: string; role: Role | null }> = [
  { path: '/', role: 'admin' },
  { path: '/index.html', role: 'grid_worker' },
  { path: '/public.html', role: null },
  { path: '/publications.html', role: 'planner' },
  { path: '/scenario.html', role: 'planner' },
]

/** Pages without a map: loaded until the network is quiet. */
const OTHER_PAGES: Array<{ path: string; role: Role | null; ready?: string }> = [
  { path: '/admin.html', role: 'admin' },
  { path: '/supervision.html', role: 'inspector' },
  { path: '/reports.html', role: 'grid_worker' },
  { path: '/ranking.html', role: 'planner' },
  { path: '/charts.html', role: 'inspector', ready: '.ch-main[data-state="ready"]' },
  { path: '/report.html?region=210106', role: 'commander', ready: 'main.report[data-state="ready"]' },
  { path: '/tokens.html', role: 'planner' },
  { path: '/api/docs', role: null, ready: '.swagger-ui .info' },
]

describe('Content-Security-Policy in Chromium', () => {
  for (const { path, role } of MAP_PAGES) {
    it(`${path} (${role ?? 'anonymous'}) draws its map with no violation`, async () => {
      const w = await watchedPage(role)
      try {
        const response = await w.page.goto(`${baseUrl}${path}`)
        expect(response?.headers()['content-security-policy']).toContain("worker-src 'self';")
        await waitUntilReady(w.page)
        await waitForMapIdle(w.page)
        const drawn = await readCanvas(w.page, { colors: {} })
        expect(drawn.nonBackground, `${path}: the map drew something`).toBeGreaterThan(0)
        // MapLibre parses tiles in its workers: they started, from the build's own files (worker-src 'self')
        expect(w.workers.length, `${path}: MapLibre's workers`).toBeGreaterThan(0)
        expect(
          w.workers.every((url) => url.startsWith(`${baseUrl}/assets/`)),
          w.workers.join(', '),
        ).toBe(true)
        expect(await violationsOf(w)).toEqual([])
        expect(w.pageErrors).toEqual([])
      } finally {
        await w.context.close()
      }
    })
  }

  for (const { path, role, ready } of OTHER_PAGES) {
    it(`${path} (${role ?? 'anonymous'}) loads with no violation`, async () => {
      const w = await watchedPage(role)
      try {
        const response = await w.page.goto(`${baseUrl}${path}`, { waitUntil: 'networkidle' })
        expect(response?.status()).toBe(200)
        expect(response?.headers()['content-security-policy']).toContain("script-src 'self'")
        if (ready) await w.page.waitForSelector(ready)
        // the page's script ran (it filled the body past the static markup)
        expect((await w.page.locator('body').innerText()).trim().length).toBeGreaterThan(0)
        expect(await violationsOf(w)).toEqual([])
        expect(w.pageErrors).toEqual([])
      } finally {
        await w.context.close()
      }
    })
  }

  it('a violation is caught: an inline script injected into a page is refused and recorded', async () => {
    const w = await watchedPage(null)
    try {
      await w.page.goto(`${baseUrl}/public.html`, { waitUntil: 'networkidle' })
      await w.page.evaluate(() => {
        const script = document.createElement('script')
        script.textContent = 'window.__inlineRan = true'
        document.body.append(script)
      })
      await w.page.waitForFunction(() => ((window as unknown as { __csp?: string[] }).__csp ?? []).length > 0)
      expect(await w.page.evaluate(() => (window as unknown as { __inlineRan?: boolean }).__inlineRan)).toBeUndefined()
      expect((await violationsOf(w)).join('\n')).toContain('script-src')
    } finally {
      await w.context.close()
    }
  })
})
