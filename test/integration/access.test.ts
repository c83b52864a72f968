import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { checkAccess, ROLES, type Role, type SessionUser } from '../../server/modules/auth/access'
import { SESSION_COOKIE } from '../../server/modules/auth/plugin'
import { buildTestApp } from '../helpers/app'
import { signIn, TEST_PASSWORD, testUser, type TestSession } from '../helpers/auth'

// docs/domain.md §8: who may call what. The anonymous app carries no session; each test passes its headers.
let app: FastifyInstance
const sessions = new Map<Role, TestSession>()

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  for (const role of ROLES) sessions.set(role, await signIn(app, role))
})
afterAll(async () => {
  await app.close()
})

function headersOf(role: Role | null): Record<string, string> {
  return role ? { ...sessions.get(role)!.headers } : {}
}

function errorCode(res: LightMyRequestResponse): string | null {
  try {
    return (res.json() as { error?: { code?: string } }).error?.code ?? null
  } catch {
    return null
  }
}

/** A concrete URL for a route pattern: every path parameter gets a harmless placeholder value. */
function concreteUrl(pattern: string): string {
  const values: Record<string, string> = {
    id: '1',
    h3: '88309a0001fffff',
    key: '210106',
    code: '210106',
    layer: 'cells',
    z: '0',
    x: '0',
    y: '0',
    kind: 'enterprises',
    format: 'geojson',
    trackingCode: 'ABCDEFGHJK',
  }
  return pattern.replace(/:([A-Za-z]+)/g, (_m, name: string) => values[name] ?? '1')
}

async function cookieCount(): Promise<number> {
  const [{ count }] = await app.db('user_session').count<{ count: string }[]>('* as count')
  return Number(count)
}

describe('the authorization matrix', () => {
  it('every /api and /tiles route declares who may call it', () => {
    expect(app.accessRules.length).toBeGreaterThan(100)
    const missing = app.accessRules.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`)
    expect(missing, 'routes without config.access (they are closed to everybody)').toEqual([])
  })

  it('walks every route × every role and gets exactly the allowed/denied answer, with no effect', async () => {
    // State-changing requests carry a wrong CSRF token: a denied caller is stopped by the access rule
    // (401/403 forbidden) before the CSRF check, an allowed one by the CSRF check (403 csrf), so
    // nothing is ever written. Reads run for real and must not fail with a 5xx. Sign-in is the one
    // write without a CSRF check (there is no session to take a token from); its empty body is a 400.
    const callers: Array<Role | null> = [null, ...ROLES]
    const problems: string[] = []
    for (const rule of app.accessRules) {
      const url = concreteUrl(rule.url)
      const writes = !['GET', 'HEAD', 'OPTIONS'].includes(rule.method)
      for (const role of callers) {
        const user: SessionUser | null = role ? sessions.get(role)!.user : null
        const expected = checkAccess(rule.access, user)
        const headers = headersOf(role)
        if (writes && role) headers['x-csrf-token'] = 'not-the-token'
        const res = await app.inject({ method: rule.method as 'GET', url, headers, ...(writes ? { payload: {} } : {}) })
        const code = errorCode(res)
        const who = role ?? 'anonymous'
        if (expected === 'unauthenticated' && !(res.statusCode === 401 && code === 'unauthenticated'))
          problems.push(`${who} ${rule.method} ${url}: expected 401, got ${res.statusCode} ${code}`)
        if (expected === 'forbidden' && !(res.statusCode === 403 && code === 'forbidden'))
          problems.push(`${who} ${rule.method} ${url}: expected 403 forbidden, got ${res.statusCode} ${code}`)
        if (expected === 'ok') {
          if (code === 'unauthenticated' || code === 'forbidden')
            problems.push(`${who} ${rule.method} ${url}: expected to be allowed, got ${res.statusCode} ${code}`)
          if (writes && role && rule.csrf && code !== 'csrf')
            problems.push(`${who} ${rule.method} ${url}: a write with a wrong CSRF token got ${res.statusCode} ${code}`)
          if (res.statusCode >= 500) problems.push(`${who} ${rule.method} ${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
        }
      }
    }
    expect(problems).toEqual([])
  }, 300_000)

  it('staff data needs a session: enterprises, records and live tiles answer 401 anonymously', async () => {
    for (const url of [
      '/api/enterprises',
      '/api/enterprises/1',
      '/api/hidden-dangers',
      '/api/inspections',
      '/tiles/cells/12/3448/1545.mvt',
      '/tiles/cells.json',
      '/api/cells/88309a0001fffff',
    ]) {
      const res = await app.inject(url)
      expect(res.statusCode, url).toBe(401)
      expect(res.json().error).toMatchObject({ code: 'unauthenticated' })
    }
  })
})

describe('jurisdiction', () => {
  let inspector: SessionUser
  let inside: { id: number; division_code: string }
  let outside: { id: number; division_code: string }

  beforeAll(async () => {
    inspector = sessions.get('inspector')!.user
    inside = await app.db('enterprise').whereLike('division_code', `${inspector.divisionPrefix}%`).orderBy('id').first('id', 'division_code')
    outside = await app.db('enterprise').whereNot('division_code', 'like', `${inspector.divisionPrefix}%`).orderBy('id').first('id', 'division_code')
    expect(inside && outside).toBeTruthy()
  })

  it("an inspector reads enterprises of their county and not another county's", async () => {
    const headers = headersOf('inspector')
    expect((await app.inject({ url: `/api/enterprises/${inside.id}`, headers })).statusCode).toBe(200)
    const denied = await app.inject({ url: `/api/enterprises/${outside.id}`, headers })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('out_of_jurisdiction')
    expect(denied.json().error.message).toContain(inspector.divisionPrefix!)
    for (const sub of ['supervision', 'enforcement', 'credit-events']) {
      expect((await app.inject({ url: `/api/enterprises/${outside.id}/${sub}`, headers })).statusCode, sub).toBe(403)
    }
    // Another role reads both.
    expect((await app.inject({ url: `/api/enterprises/${outside.id}`, headers: headersOf('planner') })).statusCode).toBe(200)
  })

  it('lists are limited in the query: every row lies in the jurisdiction, another county is refused', async () => {
    const headers = headersOf('inspector')
    const list = await app.inject({ url: '/api/enterprises?limit=10000', headers })
    expect(list.statusCode).toBe(200)
    const features = list.json().features as Array<{ properties: { divisionCode: string } }>
    const [{ count }] = await app.db('enterprise').whereLike('division_code', `${inspector.divisionPrefix}%`).count<{ count: string }[]>('* as count')
    expect(features.length).toBe(Number(count))
    expect(features.every((f) => f.properties.divisionCode.startsWith(inspector.divisionPrefix!))).toBe(true)
    const other = await app.inject({ url: `/api/enterprises?division=${outside.division_code.slice(0, 6)}`, headers })
    expect(other.statusCode).toBe(403)

    const dangers = await app.inject({ url: '/api/hidden-dangers?limit=1000', headers })
    expect(dangers.statusCode).toBe(200)
    const ids = (dangers.json().items as Array<{ enterpriseId: number }>).map((d) => d.enterpriseId)
    if (ids.length > 0) {
      const codes = await app.db('enterprise').whereIn('id', ids).pluck('division_code')
      expect(codes.every((c: string) => c.startsWith(inspector.divisionPrefix!))).toBe(true)
    }
    const [{ count: allDangers }] = await app.db('hidden_danger').count<{ count: string }[]>('* as count')
    expect(dangers.json().total).toBeLessThan(Number(allDangers))
  })

  it("an inspector cannot write another county's records, and nothing is stored", async () => {
    const headers = headersOf('inspector')
    const before = Number((await app.db('hidden_danger').count<{ count: string }[]>('* as count'))[0]!.count)
    const body = (enterpriseId: number) => ({
      enterpriseId,
      description: '消防通道堵塞 (access test)',
      isMajor: false,
      foundAt: '2026-11-01',
      deadline: '2026-12-01',
    })
    const denied = await app.inject({ method: 'POST', url: '/api/hidden-dangers', headers, payload: body(outside.id) })
    expect(denied.statusCode).toBe(403)
    expect(denied.json().error.code).toBe('out_of_jurisdiction')
    expect(Number((await app.db('hidden_danger').count<{ count: string }[]>('* as count'))[0]!.count)).toBe(before)

    const allowed = await app.inject({ method: 'POST', url: '/api/hidden-dangers', headers, payload: body(inside.id) })
    expect(allowed.statusCode, allowed.body).toBe(201)
    const audit = await app
      .db('audit_log')
      .where({ entity: 'hidden_danger', entity_id: String(allowed.json().id) })
      .first()
    expect(audit).toMatchObject({ username: inspector.username, user_id: inspector.id, action: 'created' })

    const outsideDanger = await app
      .db('hidden_danger')
      .where('enterprise_id', '<>', inside.id)
      .whereExists((q) =>
        q.select(1).from('enterprise as e').whereRaw('e.id = hidden_danger.enterprise_id').whereNot('e.division_code', 'like', `${inspector.divisionPrefix}%`),
      )
      .first('id')
    if (outsideDanger) {
      expect((await app.inject({ url: `/api/hidden-dangers/${outsideDanger.id}`, headers })).statusCode).toBe(403)
      const verify = await app.inject({
        method: 'POST',
        url: `/api/hidden-dangers/${outsideDanger.id}/rectify`,
        headers,
        payload: { rectification: '已清理通道' },
      })
      expect(verify.statusCode).toBe(403)
    }
  })
})

describe('sign-in, sessions and CSRF', () => {
  it('signs in with the right password only, sets a hardened cookie, and signs out', async () => {
    const user = await testUser(app.db, 'planner')
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: 'nope-nope-nope' } })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error).toMatchObject({ code: 'bad_credentials', details: [{ field: 'password' }] })
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody_here', password: TEST_PASSWORD } })
    expect(unknown.statusCode).toBe(401)

    const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: TEST_PASSWORD } })
    expect(ok.statusCode).toBe(200)
    const setCookie = String(ok.headers['set-cookie'])
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{40,};`))
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    const cookie = setCookie.split(';')[0]!
    const { csrfToken } = ok.json()
    expect(ok.json().user).toMatchObject({ username: user.username, role: 'planner' })
    expect(JSON.stringify(ok.json())).not.toContain('hash')

    const me = await app.inject({ url: '/api/auth/me', headers: { cookie } })
    expect(me.json()).toMatchObject({ user: { username: user.username }, csrfToken })
    expect((await app.inject({ url: '/api/enterprises?limit=1', headers: { cookie } })).statusCode).toBe(200)

    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } })
    expect(out.statusCode).toBe(204)
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0')
    expect((await app.inject({ url: '/api/enterprises?limit=1', headers: { cookie } })).statusCode).toBe(401)
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).json()).toEqual({ user: null, csrfToken: null })
  })

  it('applies an account change to its live session at once, though each process keeps a session it read for a few seconds', async () => {
    const admin = headersOf('admin')
    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: `renamed_${Date.now()}`, role: 'planner', displayName: '旧名' },
    })
    expect(created.statusCode).toBe(201)
    const { user, password } = created.json()
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password } })
    const cookie = String(login.headers['set-cookie']).split(';')[0]!
    // read twice: the second answer comes from the process's copy of the session
    for (let i = 0; i < 2; i++) expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user.displayName).toBe('旧名')
    const renamed = await app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: admin, payload: { displayName: '新名' } })
    expect(renamed.statusCode).toBe(200)
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user.displayName).toBe('新名')
  })

  it('never adopts a session token planted before sign-in (fixation)', async () => {
    const user = await testUser(app.db, 'commander')
    const planted = 'attacker-chosen-token-0123456789abcdefghijklmnop'
    const res = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: `${SESSION_COOKIE}=${planted}` },
      payload: { username: user.username, password: TEST_PASSWORD },
    })
    expect(res.statusCode).toBe(200)
    const issued = String(res.headers['set-cookie']).split(';')[0]!.split('=')[1]
    expect(issued).not.toBe(planted)
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: `${SESSION_COOKIE}=${planted}` } })).json().user).toBeNull()

    // Signing in again ends the previous session of this browser.
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { cookie: `${SESSION_COOKIE}=${issued}` },
      payload: { username: user.username, password: TEST_PASSWORD },
    })
    expect(again.statusCode).toBe(200)
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie: `${SESSION_COOKIE}=${issued}` } })).json().user).toBeNull()
  })

  it('refuses a state-changing request without the CSRF token, with no effect', async () => {
    const { headers } = sessions.get('planner')!
    const [{ count: before }] = await app.db('department').count<{ count: string }[]>('* as count')
    const payload = { name: 'CSRF 测试局', kind: 'industry', divisionCode: '210106', industries: [] }
    for (const csrf of [undefined, 'forged-token']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/departments',
        headers: { cookie: headers.cookie, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        payload,
      })
      expect(res.statusCode).toBe(403)
      expect(res.json().error).toMatchObject({ code: 'csrf', details: [{ field: 'x-csrf-token' }] })
    }
    const [{ count: after }] = await app.db('department').count<{ count: string }[]>('* as count')
    expect(after).toBe(before)
  })

  it('stops a sign-in brute force with 429 after the limit, even for the right password', async () => {
    const user = await testUser(app.db, 'commander')
    const ip = '203.0.113.7'
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) {
      statuses.push(
        (await app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username: user.username, password: `guess-${i}-wrong` } }))
          .statusCode,
      )
    }
    expect(statuses).toEqual(Array(10).fill(401))
    const sessionsBefore = await cookieCount()
    const limited = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      remoteAddress: ip,
      payload: { username: user.username, password: TEST_PASSWORD },
    })
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json().error.code).toBe('too_many_attempts')
    expect(await cookieCount()).toBe(sessionsBefore)
    // Another client is not locked out by this one.
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '203.0.113.8',
          payload: { username: user.username, password: TEST_PASSWORD },
        })
      ).statusCode,
    ).toBe(200)
  })
})

describe('behind a load balancer (TRUST_PROXY hops)', () => {
  it('takes the address the trusted hops appended, never one a client put at the left of X-Forwarded-For', async () => {
    const one = await buildTestApp({ TRUST_PROXY: '1' }, { as: null })
    const two = await buildTestApp({ TRUST_PROXY: '2' }, { as: null })
    const none = await buildTestApp({}, { as: null })
    try {
      for (const app of [one, two, none]) app.get('/api/test-ip', { config: { access: 'public' } }, async (request) => ({ ip: request.ip }))
      const ip = async (app: typeof one, xff: string) =>
        (await app.inject({ url: '/api/test-ip', remoteAddress: '10.0.0.1', headers: { 'x-forwarded-for': xff } })).json().ip
      // The client forged 1.2.3.4; the balancer appended the address it saw (198.51.100.7).
      expect(await ip(one, '1.2.3.4, 198.51.100.7')).toBe('198.51.100.7')
      // Two proxies: the outer one appended the visitor, the inner one the outer proxy.
      expect(await ip(two, '1.2.3.4, 198.51.100.7, 10.0.0.2')).toBe('198.51.100.7')
      expect(await ip(none, '1.2.3.4, 198.51.100.7')).toBe('10.0.0.1')
    } finally {
      await Promise.all([one.close(), two.close(), none.close()])
    }
  })

  it('limits sign-in per visitor address from X-Forwarded-For, not per balancer', async () => {
    const proxied = await buildTestApp({ TRUST_PROXY: '1' }, { as: null })
    try {
      const user = await testUser(proxied.db, 'commander')
      const attempt = (forwardedFor: string, password: string) =>
        proxied.inject({
          method: 'POST',
          url: '/api/auth/login',
          remoteAddress: '10.0.0.1',
          headers: { 'x-forwarded-for': forwardedFor },
          payload: { username: user.username, password },
        })
      for (let i = 0; i < 10; i++) expect((await attempt('198.51.100.1', `wrong-${i}-guess`)).statusCode).toBe(401)
      expect((await attempt('198.51.100.1', TEST_PASSWORD)).statusCode).toBe(429)
      // Another visitor behind the same balancer is not locked out.
      expect((await attempt('198.51.100.2', TEST_PASSWORD)).statusCode).toBe(200)
    } finally {
      await proxied.close()
    }
  })
})

describe('users admin and the audit log', () => {
  it('creates, scopes, disables accounts; validation names the field; only admins may', async () => {
    const admin = headersOf('admin')
    const missingScope = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'insp_nojur', role: 'inspector', departmentId: 1 },
    })
    expect(missingScope.statusCode).toBe(400)
    expect(missingScope.json().error.details[0].field).toBe('divisionPrefix')
    const badPrefix = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: 'insp_bad', role: 'inspector', departmentId: 1, divisionPrefix: '999999' },
    })
    expect(badPrefix.statusCode).toBe(400)
    expect(badPrefix.json().error.details[0].field).toBe('divisionPrefix')
    const short = await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: 'short_pw', role: 'planner', password: 'abc' } })
    expect(short.statusCode).toBe(400)
    expect(short.json().error.details[0].field).toBe('password')

    const created = await app.inject({
      method: 'POST',
      url: '/api/users',
      headers: admin,
      payload: { username: `planner_${Date.now()}`, role: 'planner', displayName: '规划甲' },
    })
    expect(created.statusCode).toBe(201)
    const { user, password } = created.json()
    expect(password).toMatch(/^[A-Za-z0-9]{16}$/)
    const dup = await app.inject({ method: 'POST', url: '/api/users', headers: admin, payload: { username: user.username.toUpperCase(), role: 'planner' } })
    expect(dup.statusCode).toBe(409)

    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password } })
    expect(login.statusCode).toBe(200)
    const cookie = String(login.headers['set-cookie']).split(';')[0]!
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user.username).toBe(user.username)

    const disabled = await app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: admin, payload: { disabled: true } })
    expect(disabled.statusCode).toBe(200)
    expect((await app.inject({ url: '/api/auth/me', headers: { cookie } })).json().user).toBeNull()
    expect((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password } })).statusCode).toBe(401)

    const self = await app.inject({ method: 'PATCH', url: `/api/users/${sessions.get('admin')!.user.id}`, headers: admin, payload: { disabled: true } })
    expect(self.statusCode).toBe(409)
    expect((await app.inject({ url: '/api/users', headers: headersOf('planner') })).statusCode).toBe(403)
  })

  it('lists audited writes with who, when, before and after — to admins only', async () => {
    const admin = headersOf('admin')
    const res = await app.inject({ url: '/api/audit?entity=user&limit=5', headers: admin })
    expect(res.statusCode).toBe(200)
    const body = res.json()
    expect(body.total).toBeGreaterThan(0)
    const entry = body.items[0]
    expect(entry).toMatchObject({ entity: 'user', username: 'test_admin' })
    expect(Date.parse(entry.at)).not.toBeNaN()
    expect(entry.after).toBeTruthy()
    expect(JSON.stringify(body)).not.toMatch(/password_hash|scrypt\$/)
    const badRange = await app.inject({ url: '/api/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', headers: admin })
    expect(badRange.statusCode).toBe(400)
    expect(badRange.json().error.details[0].field).toBe('to')
    expect((await app.inject({ url: '/api/audit', headers: headersOf('inspector') })).statusCode).toBe(403)
  })
})
