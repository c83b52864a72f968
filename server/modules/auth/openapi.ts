import { errorResponse } from '../../http/schemas'
import type { Access } from './access'

/**
 * The API documentation of access (docs/architecture.md): how to sign in and send the CSRF token
 * (the OpenAPI description and security schemes), and, generated from each route's access rule,
 * who may call it and its 401 and 403 answers. Nothing here is written per route.
 */

/** The OpenAPI security schemes; `cookie` is the session cookie's name. */
export const securitySchemes = (cookie: string) =>
  ({
    session: { type: 'apiKey', in: 'cookie', name: cookie, description: 'The session cookie set by POST /api/auth/login (HttpOnly, SameSite=Strict).' },
    csrf: {
      type: 'apiKey',
      in: 'header',
      name: 'X-CSRF-Token',
      description:
        'The csrfToken of your session (from POST /api/auth/login or GET /api/auth/me); needed with the cookie on every POST, PUT, PATCH and DELETE.',
    },
    bearer: {
      type: 'http',
      scheme: 'bearer',
      description: 'A personal API token (created on the admin page or with POST /api/tokens): no cookie and no CSRF token needed.',
    },
  }) as const

export const ACCESS_DESCRIPTION = [
  'Regional safety-risk map service: risk sources, graded cells and regions, emergency resources, enforcement.',
  '',
  '**Signing in.** `POST /api/auth/login` with `{ "username", "password" }` sets the session cookie and returns a `csrfToken`.',
  'A browser on this site (sign in at `/public.html#login=/api/docs`) then sends the cookie by itself: these docs can call the API as you.',
  'Every state-changing request (POST, PUT, PATCH, DELETE) made with the cookie must also carry the header `X-CSRF-Token: <csrfToken>`',
  '(`GET /api/auth/me` returns it again); use **Authorize → csrf** to set it here. Scripts and desktop clients send a personal API token instead:',
  '`Authorization: Bearer <token>` (**Authorize → bearer**), which needs no CSRF token.',
  '',
  '**Answers.** `401` — not signed in (or the token is unknown, expired or revoked). `403` — signed in, but the role may not call the route,',
  "the record lies outside an inspector's jurisdiction, the CSRF token is missing or wrong, or a read-only token tried to write.",
  'Each route says who may call it. Errors have one shape: `{ "error": { "code", "message", "details" } }`.',
].join('\n')

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Who may call a route, in words. */
export function accessText(access: Access | undefined): string {
  if (access === undefined) return 'nobody (the route has no access rule and is closed)'
  if (access === 'public') return 'anyone, without signing in'
  if (access === 'staff') return 'any signed-in staff account'
  return `signed-in ${[...access, ...(access.includes('admin' as never) ? [] : ['admin'])].join(', ')} accounts`
}

interface RouteSchema {
  description?: string
  security?: unknown[]
  response?: Record<string, unknown>
}

/**
 * Documents a guarded route from its access rule: "Access: …" in its description, the security
 * schemes it takes, 401 when a session is needed, and 403 when only some roles may call it or it
 * changes data (CSRF, read-only tokens; a role or jurisdiction refusal).
 */
export function documentAccess(schema: RouteSchema, method: string, access: Access | undefined, options: { csrf: boolean; scoped: boolean }): void {
  const { csrf, scoped } = options
  const line = `**Access:** ${accessText(access)}.`
  schema.description = schema.description ? `${schema.description}\n\n${line}` : line
  if (access === 'public') return
  const writes = !SAFE.has(method)
  schema.security = writes && csrf ? [{ session: [], csrf: [] }, { bearer: [] }] : [{ session: [] }, { bearer: [] }]
  const response = (schema.response ??= {})
  response[401] ??= { ...errorResponse, description: 'Not signed in (no session cookie or API token, or it expired)' }
  if (access === undefined || access !== 'staff' || writes || scoped) {
    const why = [
      access !== 'staff' ? `the role is not one of: ${accessText(access)}` : null,
      writes && csrf ? 'the X-CSRF-Token header is missing or wrong' : null,
      writes ? 'the API token is read-only' : null,
      scoped ? "the record lies outside an inspector's jurisdiction" : null,
    ].filter(Boolean)
    response[403] ??= { ...errorResponse, description: `Forbidden: ${why.join('; ')}` }
  }
}
