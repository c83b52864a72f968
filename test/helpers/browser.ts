import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

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
 * Watches a page and records everything that should fail a browser test: a request to anywhere but
 * this machine (which is also aborted, so nothing ever leaves), a failed request, a 4xx/5xx
 * response, an uncaught page error and a console error.
 */
export class PageGuard {
  /** Every URL the page (and its workers) requested, in order. */
  readonly requests: string[] = []
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
      guard.problems.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`)
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
