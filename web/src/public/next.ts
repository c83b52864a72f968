/** The hash parameter that opens the sign-in form: `#login=<path to go to after signing in>`. */
export const LOGIN_PARAM = 'login'

/**
 * Where to go after signing in: `next` when it is a path on this site (`/…`, not `//host` nor
 * `/\host`, which browsers read as another host), else `/`.
 */
export function safeNextPath(next: string | null | undefined, origin: string): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  try {
    const url = new URL(next, origin)
    if (url.origin !== origin) return '/'
    return url.pathname + url.search + url.hash
  } catch {
    return '/'
  }
}

/** The `login=` parameter of a URL hash (`#login=%2Fpublications.html&map=…`), or null when absent. */
export function loginParam(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get(LOGIN_PARAM)
}

/** The hash without its `login=` parameter. */
export function withoutLoginParam(hash: string): string {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  params.delete(LOGIN_PARAM)
  const rest = params.toString()
  return rest ? `#${rest.replace(/%2F/g, '/')}` : ''
}
