import type { FastifyInstance } from 'fastify'
import helmet from '@fastify/helmet'

/**
 * The Content-Security-Policy every response carries (docs/security.md, "Headers"). Everything the
 * pages load is the service's own: scripts and styles are files (no inline script, no inline style
 * attribute in markup), the map draws every glyph locally and needs no sprite or tile server elsewhere.
 * MapLibre's worker is a file of the build too (the browser test checks every worker's URL); the map
 * decodes images through blob: and data: URLs.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'"],
  'child-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
}

/** Serialised form of {@link CONTENT_SECURITY_POLICY}, as sent. */
export function contentSecurityPolicyHeader(): string {
  return Object.entries(CONTENT_SECURITY_POLICY)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';')
}

/**
 * Security headers on every response — pages, API, tiles, errors — through @fastify/helmet:
 * the CSP above, `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`,
 * `X-Frame-Options: DENY` (for browsers without frame-ancestors), same-origin opener and resource
 * policies. HSTS only when the deployment says it runs behind HTTPS (`COOKIE_SECURE=true`): sent over
 * plain HTTP it would be ignored, and a wrong one locks a host out of HTTP for a year.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginEmbedderPolicy: false,
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    xContentTypeOptions: true,
  })
}

/**
 * The one exception, for the API docs page (/api/docs) only: Swagger UI's bundle inserts <style>
 * elements, so its pages allow inline styles (never inline scripts). Passed to @fastify/swagger-ui's
 * transformStaticCSP, which rewrites the header this module set.
 */
export function apiDocsContentSecurityPolicy(header: string): string {
  return header.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
}
