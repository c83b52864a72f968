import { ApiError, csrfHeaders, getJson, languageHeaders, setCsrfToken } from '../api/client'
import type { SessionInfo } from '../api/contract'

/** Who is signed in (GET /api/auth/me) and the session's CSRF token: the server's schema. */
export type { SessionInfo }

/** The signed-in staff member, as GET /api/auth/me returns it. */
export type CurrentUser = NonNullable<SessionInfo['user']>

/** Where an anonymous visitor to a staff page is sent: the public portal, with its sign-in form open. */
export const PUBLIC_PAGE = '/public.html'

let session: SessionInfo = { user: null, csrfToken: null }
let loading: Promise<SessionInfo> | null = null

/** Reads (once per page) who is signed in. */
export function loadSession(): Promise<SessionInfo> {
  loading ??= getJson<SessionInfo>('/api/auth/me').then((info) => {
    remember(info)
    return info
  })
  return loading
}

/** The session last read; `user` is null before loadSession resolves or when nobody is signed in. */
export function currentSession(): SessionInfo {
  return session
}

/** The public portal's URL that signs in and comes back to `next` (a path on this site). */
export function signInUrl(next: string): string {
  return `${PUBLIC_PAGE}#login=${encodeURIComponent(next)}`
}

/** Paths of the site's front page: an anonymous visitor there wants the public map, not a sign-in form. */
const FRONT_PAGES = new Set(['/', '/index.html'])

/**
 * For staff pages: resolves with the signed-in user, or (and never resolves) sends an anonymous
 * visitor on: from the front page to the public portal as it is, from any other staff page to the
 * portal's sign-in form, which comes back to that page.
 */
export async function requireStaff(): Promise<CurrentUser> {
  const { user } = await loadSession()
  if (user) return user
  const here = window.location.pathname + window.location.search + window.location.hash
  window.location.replace(FRONT_PAGES.has(window.location.pathname) && !window.location.hash ? PUBLIC_PAGE : signInUrl(here))
  return new Promise<never>(() => undefined)
}

/** Signs in; throws ApiError (401 wrong credentials, 429 too many attempts) on failure. */
export async function signIn(username: string, password: string): Promise<SessionInfo> {
  const response = await fetch('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...languageHeaders() },
    body: JSON.stringify({ username, password }),
  })
  const body = (await response.json().catch(() => undefined)) as (SessionInfo & { error?: { code: string; message: string } }) | undefined
  if (!response.ok || !body || body.error) {
    throw new ApiError('/api/auth/login', response.status, body?.error?.code ?? 'http', body?.error?.message ?? `${response.status} ${response.statusText}`)
  }
  remember({ user: body.user, csrfToken: body.csrfToken })
  loading = Promise.resolve(session)
  return session
}

/** Signs out (ends the session on the server) and forgets it here. */
export async function signOut(): Promise<void> {
  await fetch('/api/auth/logout', { method: 'POST', headers: { accept: 'application/json', ...csrfHeaders() } })
  remember({ user: null, csrfToken: null })
  loading = Promise.resolve(session)
}

function remember(info: SessionInfo): void {
  session = info
  setCsrfToken(info.csrfToken)
}
