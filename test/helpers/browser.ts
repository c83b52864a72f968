import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import type {} from '../../web/src/test-hook'

/** Debian's Chromium; playwright-core ships no browser of its own. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/**
 * Flags for headless Chromium on a machine without a GPU. MapLibre needs WebGL (2 preferred):
 * `--use-angle=swiftshader` gives it ANGLE over SwiftShader, the software Vulkan renderer, and
 * `--enable-unsafe-swiftshader` keeps that fallback allowed (Chromium ≥ 137 refuses software WebGL
 * without it outside headless). `--disable-gpu` only turns off hardware acceleration; WebGL still
 * runs on SwiftShader. The rest keep the browser from calling home (updates, sync, field trials).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-default-apps',
  '--disable-domain-reliability',
  '--disable-sync',
  '--metrics-recording-only',
  '--no-first-run',
  '--no-default-browser-check',
]

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/** True for URLs that never leave the machine: loopback HTTP(S), and data:/blob: URLs. */
export function isLocalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  if (url.protocol === 'data:' || url.protocol === 'blob:') return true
  if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'ws:' && url.protocol !== 'wss:') return false
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

/**
 * The failure text of a request the page cancelled itself (an AbortController: MapLibre drops the
 * tiles a zoom no longer needs, a panel aborts the load a newer selection supersedes). That is the
 * page working as designed, not a failed request.
 */
const CANCELLED_BY_PAGE = 'net::ERR_ABORTED'

/**
 * Watches a page and records everything that should fail a browser test: a request to anywhere but
 * this machine (which is also aborted, so nothing ever leaves), a failed request, a 4xx/5xx
 * response, an uncaught page error and a console error.
 */
export class PageGuard {
  /** Every URL the page (and its workers) requested, in order. */
  readonly requests: string[] = []
  /** Requests the page cancelled itself (see CANCELLED_BY_PAGE); not problems. */
  readonly cancelled: string[] = []
  /** Every problem seen, one line each. */
  readonly problems: string[] = []

  private constructor(readonly page: Page) {}

  /** Starts guarding a context's pages; call before navigating. */
  static async attach(context: BrowserContext, page: Page): Promise<PageGuard> {
    const guard = new PageGuard(page)
    await context.route('**/*', async (route) => {
      const url = route.request().url()
      if (isLocalUrl(url)) return route.fallback()
      guard.problems.push(`request left the machine: ${route.request().method()} ${url}`)
      return route.abort('blockedbyclient')
    })
    context.on('request', (request) => {
      guard.requests.push(request.url())
    })
    context.on('requestfailed', (request) => {
      if (!isLocalUrl(request.url())) return // already reported above
      const reason = request.failure()?.errorText ?? 'unknown'
      if (reason === CANCELLED_BY_PAGE) {
        guard.cancelled.push(request.url())
        return
      }
      guard.problems.push(`request failed: ${request.method()} ${request.url()} (${reason})`)
    })
    context.on('response', (response) => {
      if (response.status() >= 400) guard.problems.push(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`)
    })
    page.on('pageerror', (error) => {
      guard.problems.push(`page error: ${error.stack ?? error.message}`)
    })
    page.on('console', (message) => {
      if (message.type() === 'error') {
        const where = message.location()
        guard.problems.push(`console error: ${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`)
      }
    })
    return guard
  }

  /** Requests that went anywhere but this machine (there should be none). */
  get externalRequests(): string[] {
    return this.requests.filter((url) => !isLocalUrl(url))
  }

  /** Throws listing every problem recorded so far. */
  assertClean(): void {
    if (this.problems.length > 0) {
      throw new Error(`The page had ${this.problems.length} problem(s):\n  ${this.problems.join('\n  ')}`)
    }
  }
}

export interface GuardedPage {
  context: BrowserContext
  page: Page
  guard: PageGuard
}

/** A fresh context and page (own storage, fixed viewport, zh-CN locale) watched by a PageGuard. */
export async function openGuardedPage(browser: Browser, options: { viewport?: { width: number; height: number }; locale?: string } = {}): Promise<GuardedPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 800 },
    locale: options.locale ?? 'zh-CN',
    deviceScaleFactor: 1,
  })
  const page = await context.newPage()
  const guard = await PageGuard.attach(context, page)
  return { context, page, guard }
}

/** Waits until the page has published its test hook and its first load is done (rejects on a load error). */
export async function waitUntilReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__riskmap !== undefined)
  await page.evaluate(() => window.__riskmap!.ready)
}

/** Resolves once the map has finished moving and drawing (after a click, a fly-to or a toggle). */
export async function waitForMapIdle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const map = window.__riskmap!.map
        const check = () => {
          if (!map.isMoving() && map.loaded() && map.areTilesLoaded()) {
            resolve()
            return
          }
          map.once('idle', check)
          map.triggerRepaint()
        }
        check()
      }),
  )
}

/** A square of canvas pixels to look at: centre (canvas pixels) and half-width. */
export interface CanvasProbe {
  x: number
  y: number
  radius: number
}

export interface CanvasReading {
  width: number
  height: number
  /** Pixels of the whole canvas within tolerance of each colour. */
  byColor: Record<string, number>
  /** Pixels that differ from the top-left (background) pixel at all. */
  nonBackground: number
  /** Per probe: how many of its pixels are within tolerance of each colour, and of its pixels how many are darker than `darkBelow`. */
  probes: Array<{ total: number; byColor: Record<string, number>; dark: number }>
}

/**
 * Reads the map's WebGL canvas as it is drawn: inside the `render` event the frame is still in the
 * drawing buffer, so it is copied onto a 2D canvas there and its pixels counted. Counts, for each
 * colour asked for, the pixels within `tolerance` of it per channel, over the whole canvas and in
 * each probe square; `darkBelow` (0–255 luminance) counts dark pixels in the probes (hatching).
 */
export async function readCanvas(
  page: Page,
  options: { colors: Record<string, [number, number, number]>; tolerance?: number; probes?: CanvasProbe[]; darkBelow?: number },
): Promise<CanvasReading> {
  return page.evaluate(
    ({ colors, tolerance, probes, darkBelow }) =>
      new Promise<CanvasReading>((resolve) => {
        const map = window.__riskmap!.map
        map.once('render', () => {
          const canvas = map.getCanvas()
          const copy = document.createElement('canvas')
          copy.width = canvas.width
          copy.height = canvas.height
          const context = copy.getContext('2d', { willReadFrequently: true })!
          context.drawImage(canvas, 0, 0)
          const data = context.getImageData(0, 0, copy.width, copy.height).data
          const entries = Object.entries(colors)
          const matches = (i: number, [cr, cg, cb]: [number, number, number]) =>
            Math.abs(data[i]! - cr) <= tolerance && Math.abs(data[i + 1]! - cg) <= tolerance && Math.abs(data[i + 2]! - cb) <= tolerance
          const byColor: Record<string, number> = Object.fromEntries(entries.map(([k]) => [k, 0]))
          const [br, bg, bb] = [data[0]!, data[1]!, data[2]!]
          let nonBackground = 0
          for (let i = 0; i < data.length; i += 4) {
            if (data[i] !== br || data[i + 1] !== bg || data[i + 2] !== bb) nonBackground++
            for (const [key, rgb] of entries) if (matches(i, rgb)) byColor[key]! += 1
          }
          const probeReadings = probes.map(({ x, y, radius }) => {
            const counts: Record<string, number> = Object.fromEntries(entries.map(([k]) => [k, 0]))
            let total = 0
            let dark = 0
            for (let py = Math.round(y - radius); py <= Math.round(y + radius); py++) {
              for (let px = Math.round(x - radius); px <= Math.round(x + radius); px++) {
                if (px < 0 || py < 0 || px >= copy.width || py >= copy.height) continue
                const i = (py * copy.width + px) * 4
                total++
                if (0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]! < darkBelow) dark++
                for (const [key, rgb] of entries) if (matches(i, rgb)) counts[key]! += 1
              }
            }
            return { total, byColor: counts, dark }
          })
          resolve({ width: copy.width, height: copy.height, byColor, nonBackground, probes: probeReadings })
        })
        map.triggerRepaint()
      }),
    { colors: options.colors, tolerance: options.tolerance ?? 8, probes: options.probes ?? [], darkBelow: options.darkBelow ?? 0 },
  )
}

/** The service over the shared test database, listening on a free port, with Chromium and one guarded page. */
export interface WebSession {
  app: import('fastify').FastifyInstance
  baseUrl: string
  browser: Browser
  session: GuardedPage
}

/** Signs a browser context in as a role's test account: the session cookie a sign-in would have set. */
export async function signInContext(
  app: import('fastify').FastifyInstance,
  context: BrowserContext,
  baseUrl: string,
  role: import('../../server/modules/auth/access').Role = 'admin',
): Promise<void> {
  const { signIn } = await import('./auth')
  const { SESSION_COOKIE } = await import('../../server/modules/auth/plugin')
  const { token } = await signIn(app, role)
  await context.addCookies([{ name: SESSION_COOKIE, value: token, url: baseUrl, httpOnly: true, sameSite: 'Strict' }])
}

/**
 * Starts a WebSession; fails with a clear message when the web app has not been built. The page is
 * signed in as `options.as` (default admin; null for an anonymous visitor).
 */
export async function startWebSession(options: { as?: import('../../server/modules/auth/access').Role | null } = {}): Promise<WebSession> {
  const { default: fs } = await import('node:fs')
  const { default: path } = await import('node:path')
  const { buildTestApp } = await import('./app')
  const webIndex = path.resolve(import.meta.dirname, '..', '..', 'dist', 'web', 'index.html')
  if (!fs.existsSync(webIndex)) {
    throw new Error(`The web app is not built (${webIndex} is missing): run "npx vite build" (npm test does it in pretest).`)
  }
  const role = options.as === undefined ? 'admin' : options.as
  const app = await buildTestApp({}, { as: role })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const browser = await launchChromium()
  const session = await openGuardedPage(browser)
  if (role) await signInContext(app, session.context, baseUrl, role)
  return { app, baseUrl, browser, session }
}

export async function stopWebSession(web: Partial<WebSession>): Promise<void> {
  await web.browser?.close()
  await web.app?.close()
}
