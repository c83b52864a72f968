import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from '../helpers/app'
import { apiDocsContentSecurityPolicy, contentSecurityPolicyHeader } from '../../server/http/security-headers'

// Security headers (docs/security.md, "Headers") on every kind of response: pages, static assets,
// API answers (success, error, 404), vector tiles and TileJSON, the public API and the API docs.

let app: FastifyInstance
let anonymous: FastifyInstance

beforeAll(async () => {
  app = await buildTestApp()
  anonymous = await buildTestApp({}, { as: null })
}, 180_000)
afterAll(async () => {
  await app?.close()
  await anonymous?.close()
})

function expectHeaders(headers: Record<string, unknown>, what: string): void {
  const csp = String(headers['content-security-policy'] ?? '')
  // the API docs page alone may use inline styles (Swagger UI inserts <style> elements)
  expect(csp, what).toBe(what.startsWith('/api/docs') ? apiDocsContentSecurityPolicy(contentSecurityPolicyHeader()) : contentSecurityPolicyHeader())
  // the policy itself, spelled out so a change to the constant is a deliberate one
  expect(csp, what).toContain("default-src 'self'")
  expect(csp, what).toMatch(/script-src 'self'(;|$)/)
  if (!what.startsWith('/api/docs')) expect(csp, what).not.toContain('unsafe-inline')
  expect(csp, what).not.toMatch(/script-src[^;]*unsafe-inline/)
  expect(csp, what).not.toContain('unsafe-eval')
  expect(csp, what).toContain("frame-ancestors 'none'")
  expect(csp, what).toContain("object-src 'none'")
  expect(csp, what).toContain("worker-src 'self';")
  expect(headers['x-content-type-options'], what).toBe('nosniff')
  expect(headers['referrer-policy'], what).toBe('same-origin')
  expect(headers['x-frame-options'], what).toBe('DENY')
  expect(headers['cross-origin-opener-policy'], what).toBe('same-origin')
  // plain HTTP in tests (COOKIE_SECURE unset): no HSTS
  expect(headers['strict-transport-security'], what).toBeUndefined()
}

describe('security headers', () => {
  it('are on every page of the web app and its assets', async () => {
    for (const page of [
      '/',
      '/index.html',
      '/public.html',
      '/publications.html',
      '/admin.html',
      '/ranking.html',
      '/report.html',
      '/reports.html',
      '/scenario.html',
      '/supervision.html',
      '/tokens.html',
    ]) {
      const res = await anonymous.inject({ method: 'GET', url: page })
      expect(res.statusCode, page).toBe(200)
      expect(res.headers['content-type'], page).toMatch(/^text\/html/)
      expectHeaders(res.headers, page)
      // no inline script in any page: every <script> has a src
      for (const tag of res.body.match(/<script\b[^>]*>/g) ?? []) expect(tag, page).toMatch(/\ssrc=/)
      expect(res.body, page).not.toMatch(/\son[a-z]+=/i)
      const asset = res.body.match(/src="(\/assets\/[^"]+\.js)"/)?.[1]
      expect(asset, page).toBeTruthy()
      const js = await anonymous.inject({ method: 'GET', url: asset! })
      expect(js.statusCode).toBe(200)
      expectHeaders(js.headers, asset!)
    }
  })

  it('are on API answers: success, validation error, forbidden, unknown route', async () => {
    for (const [url, status, client] of [
      ['/api/health', 200, app],
      ['/api/enterprises?limit=1', 200, app],
      ['/api/enterprises?limit=abc', 400, app],
      ['/api/enterprises', 401, anonymous],
      ['/api/no-such-route', 404, app],
      ['/api/public/publication', undefined, anonymous],
    ] as const) {
      const res = await client.inject({ method: 'GET', url })
      if (status !== undefined) expect(res.statusCode, url).toBe(status)
      expectHeaders(res.headers, url)
    }
    const post = await app.inject({ method: 'POST', url: '/api/departments', payload: { nonsense: true } })
    expect(post.statusCode).toBeGreaterThanOrEqual(400)
    expectHeaders(post.headers, 'POST /api/departments')
  })

  it('are on vector tiles, TileJSON and the API docs', async () => {
    for (const url of [
      '/tiles/cells.json',
      '/tiles/cells/10/843/388.mvt',
      '/tiles/enterprises/10/843/388.mvt',
      '/tiles/cells/23/0/0.mvt',
      '/api/docs',
      '/api/docs/json',
    ]) {
      const res = await app.inject({ method: 'GET', url })
      expect(res.statusCode, url).toBeLessThan(500)
      expectHeaders(res.headers, url)
    }
  })

  it('include HSTS when the deployment runs behind HTTPS (COOKIE_SECURE=true)', async () => {
    const secure = await buildTestApp({ COOKIE_SECURE: 'true' }, { as: null })
    try {
      const res = await secure.inject({ method: 'GET', url: '/public.html' })
      expect(res.headers['strict-transport-security']).toBe('max-age=31536000')
    } finally {
      await secure.close()
    }
  })
})
