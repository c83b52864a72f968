import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { hashToken } from '../../server/modules/auth/plugin'
import { buildTestApp } from '../helpers/app'
import { signIn, testUser, type TestSession } from '../helpers/auth'

// Personal API tokens: what a desktop client holds instead of a session cookie. The app carries no
// session by default; each request passes either a session's headers or a bearer token.
let app: FastifyInstance
let admin: TestSession
let inspector: TestSession
let planner: TestSession

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  admin = await signIn(app, 'admin')
  inspector = await signIn(app, 'inspector')
  planner = await signIn(app, 'planner')
})
afterAll(async () => {
  await app.close()
})

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` })
const errorCode = (res: LightMyRequestResponse) => (res.json() as { error?: { code?: string } }).error?.code

async function createToken(session: TestSession, body: Record<string, unknown>): Promise<{ id: number; secret: string }> {
  const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: session.headers, payload: body })
  expect(res.statusCode, res.body).toBe(201)
  const { token, secret } = res.json() as { token: { id: number }; secret: string }
  return { id: token.id, secret }
}

describe('creating and listing tokens', () => {
  it('shows the secret once, stores only its hash, lists the token without it, and audits the creation', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: planner.headers, payload: { name: 'QGIS on my laptop', expiresInDays: 30 } })
    expect(res.statusCode, res.body).toBe(201)
    const { token, secret } = res.json() as { token: Record<string, unknown>; secret: string }
    expect(secret).toMatch(/^rmt_[A-Za-z0-9_-]{43}$/)
    expect(token).toMatchObject({ name: 'QGIS on my laptop', scope: 'read', username: planner.user.username, revokedAt: null })
    expect(secret.startsWith(String(token.prefix))).toBe(true)
    const days = (Date.parse(String(token.expiresAt)) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(29.9)
    expect(days).toBeLessThan(30.1)

    const row = await app.db('api_token').where('id', Number(token.id)).first()
    expect(row.token_hash).toBe(hashToken(secret))
    expect(JSON.stringify(row)).not.toContain(secret)

    const list = await app.inject({ url: '/api/tokens', headers: planner.headers })
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain(secret)
    expect((list.json() as Array<{ id: number }>).map((t) => t.id)).toContain(token.id)

    const audit = await app
      .db('audit_log')
      .where({ entity: 'api_token', entity_id: String(token.id), action: 'created' })
      .first()
    expect(audit.username).toBe(planner.user.username)
    expect(JSON.stringify(audit.after)).not.toContain(secret)
  })

  it('refuses a blank name and a lifetime out of range, naming the field', async () => {
    const blank = await app.inject({ method: 'POST', url: '/api/tokens', headers: planner.headers, payload: { name: '   ' } })
    expect(blank.statusCode).toBe(400)
    expect(blank.json().error.details[0].field).toBe('name')
    const long = await app.inject({ method: 'POST', url: '/api/tokens', headers: planner.headers, payload: { name: 'x', expiresInDays: 1000 } })
    expect(long.statusCode).toBe(400)
    expect(long.json().error.details[0].field).toBe('expiresInDays')
  })
})

describe('a request with a token', () => {
  it('acts as its user exactly as a session does', async () => {
    const { secret } = await createToken(planner, { name: 'script' })
    const me = await app.inject({ url: '/api/auth/me', headers: bearer(secret) })
    expect(me.json().user).toEqual((await app.inject({ url: '/api/auth/me', headers: planner.headers })).json().user)
    expect(me.json().csrfToken).toBeNull()
    const last = await app.db('api_token').where('token_hash', hashToken(secret)).first('last_used_at')
    expect(last.last_used_at).not.toBeNull()
  })

  it("never widens what its user may see: an inspector's token sees the inspector's jurisdiction only", async () => {
    const { secret } = await createToken(inspector, { name: 'inspector laptop' })
    const prefix = inspector.user.divisionPrefix!
    const viaSession = (await app.inject({ url: '/api/enterprises?limit=1', headers: inspector.headers })).json()
    const viaToken = (await app.inject({ url: '/api/enterprises?limit=1', headers: bearer(secret) })).json()
    const all = (await app.inject({ url: '/api/enterprises?limit=1', headers: admin.headers })).json()
    expect(viaToken.numberMatched).toBe(viaSession.numberMatched)
    expect(viaToken.numberMatched).toBeLessThan(all.numberMatched)
    const outside = await app.db('enterprise').whereNot('division_code', 'like', `${prefix}%`).first('id', 'division_code')
    const denied = await app.inject({ url: `/api/enterprises/${outside.id}`, headers: bearer(secret) })
    expect(denied.statusCode).toBe(403)
    expect(errorCode(denied)).toBe('out_of_jurisdiction')
    // The user's role rules too: an inspector's token opens no admin route.
    const users = await app.inject({ url: '/api/users', headers: bearer(secret) })
    expect(users.statusCode).toBe(403)
    expect(errorCode(users)).toBe('forbidden')
  })

  it('a read-only token may not write; a write-scoped token may, without a CSRF token', async () => {
    const read = await createToken(planner, { name: 'reader' })
    const write = await createToken(planner, { name: 'writer', readOnly: false })
    const lec = { method: 'POST' as const, url: '/api/grading/lec', payload: { L: 6, E: 6, C: 15 } }
    const refused = await app.inject({ ...lec, headers: bearer(read.secret) })
    expect(refused.statusCode).toBe(403)
    expect(errorCode(refused)).toBe('token_read_only')
    expect(refused.json().error.message).toMatch(/read-only/)
    const allowed = await app.inject({ ...lec, headers: bearer(write.secret) })
    expect(allowed.statusCode, allowed.body).toBe(200)
    expect(allowed.json().D).toBe(540)
    // A session still needs its CSRF token for the same write.
    const noCsrf = await app.inject({ ...lec, headers: { cookie: planner.headers.cookie } })
    expect(errorCode(noCsrf)).toBe('csrf')
  })

  it('is the credential when sent beside a cookie: a bad token is not rescued by the session', async () => {
    const res = await app.inject({ url: '/api/auth/me', headers: { ...planner.headers, ...bearer('rmt_unknown') } })
    expect(res.statusCode).toBe(401)
    expect(errorCode(res)).toBe('invalid_token')
  })

  it('cannot manage tokens', async () => {
    const { secret } = await createToken(planner, { name: 'no minting', readOnly: false })
    const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(secret), payload: { name: 'child' } })
    expect(res.statusCode).toBe(403)
    expect(errorCode(res)).toBe('session_required')
    expect((await app.inject({ url: '/api/tokens', headers: bearer(secret) })).statusCode).toBe(403)
  })
})

describe('refused tokens say why', () => {
  it('unknown, revoked, expired, and of a disabled account', async () => {
    const unknown = await app.inject({ url: '/api/enterprises?limit=1', headers: bearer('rmt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA') })
    expect(unknown.statusCode).toBe(401)
    expect(errorCode(unknown)).toBe('invalid_token')
    const foreign = await app.inject({ url: '/api/enterprises?limit=1', headers: bearer('ghp_notours') })
    expect(foreign.json().error.message).toMatch(/rmt_/)

    const revoked = await createToken(planner, { name: 'to revoke' })
    const del = await app.inject({ method: 'DELETE', url: `/api/tokens/${revoked.id}`, headers: planner.headers })
    expect(del.statusCode).toBe(200)
    expect(del.json().revokedBy).toBe(planner.user.username)
    const afterRevoke = await app.inject({ url: '/api/enterprises?limit=1', headers: bearer(revoked.secret) })
    expect(afterRevoke.statusCode).toBe(401)
    expect(errorCode(afterRevoke)).toBe('token_revoked')
    expect(
      await app
        .db('audit_log')
        .where({ entity: 'api_token', entity_id: String(revoked.id), action: 'revoked' })
        .first('id'),
    ).toBeTruthy()

    const expired = await createToken(planner, { name: 'short-lived', expiresInDays: 1 })
    await app
      .db('api_token')
      .where('id', expired.id)
      .update({ created_at: app.db.raw("now() - interval '3 days'"), expires_at: app.db.raw("now() - interval '1 day'") })
    const afterExpiry = await app.inject({ url: '/api/enterprises?limit=1', headers: bearer(expired.secret) })
    expect(afterExpiry.statusCode).toBe(401)
    expect(errorCode(afterExpiry)).toBe('token_expired')
    expect(afterExpiry.json().error.message).toMatch(/expired on \d{4}-\d\d-\d\d/)

    const user = await testUser(app.db, 'commander')
    const commander = await signIn(app, 'commander')
    const ofDisabled = await createToken(commander, { name: 'before disabling' })
    await app.db('app_user').where('id', user.id).update({ disabled: true })
    try {
      const res = await app.inject({ url: '/api/enterprises?limit=1', headers: bearer(ofDisabled.secret) })
      expect(res.statusCode).toBe(401)
      expect(errorCode(res)).toBe('account_disabled')
    } finally {
      await app.db('app_user').where('id', user.id).update({ disabled: false })
    }
  })

  it("another user's token: a non-admin cannot revoke it (not found), an admin can", async () => {
    const { id, secret } = await createToken(inspector, { name: 'inspector token' })
    const byPlanner = await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: planner.headers })
    expect(byPlanner.statusCode).toBe(404)
    expect((await app.inject({ url: '/api/tokens?all=true', headers: planner.headers })).statusCode).toBe(403)
    const all = await app.inject({ url: '/api/tokens?all=true', headers: admin.headers })
    expect((all.json() as Array<{ id: number }>).map((t) => t.id)).toContain(id)
    const byAdmin = await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: admin.headers })
    expect(byAdmin.statusCode).toBe(200)
    expect(byAdmin.json().revokedBy).toBe(admin.user.username)
    expect(errorCode(await app.inject({ url: '/api/auth/me', headers: bearer(secret) }))).toBe('token_revoked')
  })
})
