import crypto from 'node:crypto'
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { checkAccess, type Access, type Role, type SessionUser } from './access'
import { enforceScope, type Scope } from './jurisdiction'
import { authenticateToken, bearerSecret, type RequestToken } from './tokens'
import { documentAccess } from './openapi'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; see auth/access.ts. */
    access?: Access
    /** false only for sign-in, which has no session yet to take a CSRF token from. */
    csrf?: boolean
    /** What the route touches, checked against an inspector's jurisdiction; see auth/jurisdiction.ts. */
    scope?: Scope | readonly Scope[]
    /** A route a metrics scraper may also call with `Authorization: Bearer <METRICS_TOKEN>` (docs/security.md). */
    scrape?: boolean
  }
  interface FastifyRequest {
    user: SessionUser | null
    /** The session's CSRF token, required in X-CSRF-Token on state-changing requests. */
    csrfToken: string | null
    /** Set when the request authenticated with a personal API token instead of a session (auth/tokens.ts). */
    apiToken: RequestToken | null
  }
  interface FastifyInstance {
    /** Every guarded route with its declared access, for the authorization matrix. */
    accessRules: Array<{ method: string; url: string; access: Access | undefined; csrf: boolean }>
  }
}

export const SESSION_COOKIE = 'riskmap_session'
/** Session lifetime: a working day, seconds. */
export const SESSION_TTL_S = 8 * 60 * 60
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Routes under access control: the API, the tiles and OGC API – Features, not the static web app or the API docs. */
export function isGuarded(url: string | undefined): boolean {
  return (
    url !== undefined && (url.startsWith('/api/') || url.startsWith('/tiles/') || url === '/ogc' || url.startsWith('/ogc/')) && !url.startsWith('/api/docs')
  )
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim())
  }
  return null
}

interface SessionRow {
  csrf_token: string
  expires_at: Date
  id: number
  username: string
  display_name: string | null
  role: Role
  department_id: number | null
  division_prefix: string | null
  mgmt_grid_id: number | null
}

/** How long a process keeps a session it read (its user, role and scope) before reading it again, ms. */
const SESSION_CACHE_MS = 5_000
/** Sessions kept at most; past it the cache starts again empty. */
const SESSION_CACHE_MAX = 10_000
const sessionCache = new Map<string, { until: number; session: { user: SessionUser; csrfToken: string } }>()

/**
 * Forgets every session read (docs/security.md, "Sessions"): called when a session ends and when an
 * account changes, so that this process applies a sign-out, a disabled account or a new role at
 * once. Another process of the same deployment applies it within SESSION_CACHE_MS.
 */
export function forgetSessions(): void {
  sessionCache.clear()
}

/**
 * The live session of a token, with its user (not disabled, not expired). A session read is kept
 * for SESSION_CACHE_MS (never past its expiry): every tile of a map view asks the same, and the
 * lookup was most of a cached tile's time (2 600 tiles/s instead of 10 600 in the tiles benchmark).
 */
export async function loadSession(db: Knex, token: string): Promise<{ user: SessionUser; csrfToken: string } | null> {
  const key = hashToken(token)
  const cached = sessionCache.get(key)
  if (cached && cached.until > Date.now()) return cached.session
  const row = (await db('user_session as s')
    .join('app_user as u', 'u.id', 's.user_id')
    .where('s.token_hash', key)
    .andWhere('s.expires_at', '>', db.fn.now())
    .andWhere('u.disabled', false)
    .first('s.csrf_token', 's.expires_at', 'u.id', 'u.username', 'u.display_name', 'u.role', 'u.department_id', 'u.division_prefix', 'u.mgmt_grid_id')) as
    SessionRow | undefined
  if (!row) {
    sessionCache.delete(key)
    return null
  }
  const session = {
    csrfToken: row.csrf_token,
    user: {
      id: row.id,
      username: row.username,
      displayName: row.display_name,
      role: row.role,
      departmentId: row.department_id,
      divisionPrefix: row.division_prefix,
      mgmtGridId: row.mgmt_grid_id,
    },
  }
  if (sessionCache.size >= SESSION_CACHE_MAX) sessionCache.clear()
  sessionCache.set(key, { until: Math.min(Date.now() + SESSION_CACHE_MS, new Date(row.expires_at).getTime()), session })
  return session
}

/** Authenticates each guarded request from its session cookie and enforces the route's access rule and CSRF. */
export const authPlugin = fp(
  async (app) => {
    app.decorate('accessRules', [])
    app.decorateRequest('user', null)
    app.decorateRequest('csrfToken', null)
    app.decorateRequest('apiToken', null)
    app.addHook('onRoute', (route) => {
      if (!isGuarded(route.url)) return
      const methods = Array.isArray(route.method) ? route.method : [route.method]
      for (const method of methods)
        if (method !== 'HEAD') app.accessRules.push({ method, url: route.url, access: route.config?.access, csrf: route.config?.csrf !== false })
      // The API docs: who may call it, its security schemes, 401 and 403, from the access rule.
      if (route.schema && !route.schema.hide)
        documentAccess(route.schema as never, methods[0]!, route.config?.access, {
          csrf: route.config?.csrf !== false,
          scoped: route.config?.scope !== undefined,
        })
    })
    app.addHook('onRequest', async (request: FastifyRequest) => {
      const url = request.routeOptions.url
      if (!isGuarded(url)) return
      // A bearer token, when sent, is the credential (a desktop client's); the cookie is then ignored.
      const bearer = bearerSecret(request.headers.authorization)
      // A metrics scraper's shared secret opens the scrape routes only (not an account, nothing else).
      const metricsToken = app.config.metricsToken
      if (bearer !== null && request.routeOptions.config.scrape && metricsToken !== null && safeEqual(bearer, metricsToken)) return
      if (bearer !== null) {
        const auth = await authenticateToken(app.db, bearer)
        request.user = auth.user
        request.apiToken = auth.token
      }
      const token = bearer === null ? readCookie(request.headers.cookie, SESSION_COOKIE) : null
      if (token) {
        const session = await loadSession(app.db, token)
        if (session) {
          request.user = session.user
          request.csrfToken = session.csrfToken
        }
      }
      const access = request.routeOptions.config.access
      const verdict = checkAccess(access, request.user)
      if (verdict === 'unauthenticated')
        throw new AppError(401, 'unauthenticated', 'Sign in first (or send an API token as Authorization: Bearer …): this needs a staff account', [])
      if (verdict === 'forbidden') {
        const message = access === undefined ? 'This route has no access rule and is closed' : `The role ${request.user?.role} may not do this`
        throw new AppError(403, 'forbidden', message, [])
      }
      // A browser never sends a bearer header by itself, so a token needs no CSRF proof; only its scope counts.
      if (request.apiToken && !SAFE_METHODS.has(request.method) && request.apiToken.scope !== 'write') {
        throw new AppError(403, 'token_read_only', 'This API token is read-only: create a write-scoped token to change data', [
          { field: 'authorization', message: 'read-only token' },
        ])
      }
      // A signed-in browser must prove the request comes from our page (SameSite=Strict is the first line).
      if (request.user && !request.apiToken && !SAFE_METHODS.has(request.method) && request.routeOptions.config.csrf !== false) {
        const sent = request.headers['x-csrf-token']
        if (typeof sent !== 'string' || !request.csrfToken || !safeEqual(sent, request.csrfToken)) {
          throw new AppError(403, 'csrf', 'Missing or wrong X-CSRF-Token header', [
            { field: 'x-csrf-token', message: 'must equal the csrfToken of your session' },
          ])
        }
      }
    })
    // After validation, so ids and query values are parsed.
    app.addHook('preHandler', async (request: FastifyRequest) => {
      const scope = request.routeOptions.config?.scope
      if (!scope || !request.user) return
      await enforceScope(app.db, request, Array.isArray(scope) ? scope : [scope as Scope])
    })
  },
  { name: 'riskmap-auth', dependencies: ['riskmap-db'] },
)

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && crypto.timingSafeEqual(x, y)
}
