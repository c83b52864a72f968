import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import type { Role, SessionUser } from '../../server/modules/auth/access'
import { busiestCounty } from '../../server/demo/accounts'
import { hashPassword } from '../../server/modules/auth/password'
import { SESSION_COOKIE } from '../../server/modules/auth/plugin'
import { createSession } from '../../server/modules/auth/sessions'

/** The password of every test account (`test_<role>`), for tests that sign in through the form or the API. */
export const TEST_PASSWORD = 'test-password-2026'

let passwordHash: Promise<string> | null = null

/**
 * The test account of a role, created on first use in the given database: the inspector works where
 * the demo inspector does (busiestCounty), the grid worker in the first management grid.
 */
export async function testUser(db: Knex, role: Role): Promise<SessionUser> {
  const username = `test_${role}`
  passwordHash ??= hashPassword(TEST_PASSWORD)
  const scope: Record<string, unknown> = {}
  if (role === 'inspector') {
    const county = await busiestCounty(db)
    if (!county) throw new Error('The test inspector needs enterprises and a department in the database (load the demo first)')
    Object.assign(scope, { division_prefix: county.prefix, department_id: county.departmentId })
  }
  if (role === 'grid_worker') {
    const grid = await db('mgmt_grid').orderBy('id').first('id')
    if (!grid) throw new Error('The test grid worker needs a management grid in the database (load the demo first)')
    scope.mgmt_grid_id = grid.id
  }
  await db('app_user')
    .insert({ username, display_name: `Test ${role}`, role, password_hash: await passwordHash, ...scope })
    .onConflict('username')
    .ignore()
  const row = await db('app_user').where({ username }).first()
  return {
    id: row.id,
    username,
    displayName: row.display_name,
    role,
    departmentId: row.department_id,
    divisionPrefix: row.division_prefix,
    mgmtGridId: row.mgmt_grid_id,
  }
}

/**
 * Another account than the role's test account (for separation of duties): `username` with `role`
 * and, for an inspector or grid worker, the scope given (created on first use).
 */
export async function otherUser(
  db: Knex,
  username: string,
  role: Role,
  scope: { departmentId?: number; divisionPrefix?: string; mgmtGridId?: number } = {},
): Promise<SessionUser> {
  passwordHash ??= hashPassword(TEST_PASSWORD)
  await db('app_user')
    .insert({
      username,
      display_name: `Test ${username}`,
      role,
      password_hash: await passwordHash,
      department_id: scope.departmentId ?? null,
      division_prefix: scope.divisionPrefix ?? null,
      mgmt_grid_id: scope.mgmtGridId ?? null,
    })
    .onConflict('username')
    .ignore()
  const row = await db('app_user').where({ username }).first()
  return {
    id: row.id,
    username,
    displayName: row.display_name,
    role,
    departmentId: row.department_id,
    divisionPrefix: row.division_prefix,
    mgmtGridId: row.mgmt_grid_id,
  }
}

/** Signs `otherUser(...)` in; the session's headers go on single `app.inject` calls. */
export async function signInOther(app: FastifyInstance, username: string, role: Role, scope: Parameters<typeof otherUser>[3] = {}): Promise<TestSession> {
  const user = await otherUser(app.db, username, role, scope)
  const { token, csrfToken } = await createSession(app.db, user.id)
  return { user, token, csrfToken, headers: { cookie: `${SESSION_COOKIE}=${token}`, 'x-csrf-token': csrfToken } }
}

export interface TestSession {
  user: SessionUser
  token: string
  csrfToken: string
  /** `cookie` and `x-csrf-token` headers for app.inject or fetch. */
  headers: { cookie: string; 'x-csrf-token': string }
}

/** Signs a role's test account in (a real session in the database) and returns what a client would hold. */
export async function signIn(app: FastifyInstance, role: Role = 'admin'): Promise<TestSession> {
  const user = await testUser(app.db, role)
  const { token, csrfToken } = await createSession(app.db, user.id)
  return { user, token, csrfToken, headers: { cookie: `${SESSION_COOKIE}=${token}`, 'x-csrf-token': csrfToken } }
}

/** Makes every `app.inject` carry these headers unless the call sets them itself. */
export function injectAs(app: FastifyInstance, headers: Record<string, string>): void {
  const inject = app.inject.bind(app) as (...args: unknown[]) => unknown
  app.inject = ((...args: unknown[]) => {
    const [options, ...rest] = args
    if (options === undefined) return inject()
    const opts: { headers?: Record<string, unknown> } = typeof options === 'string' ? ({ url: options } as never) : (options as never)
    return inject({ ...opts, headers: { ...headers, ...opts.headers } }, ...rest)
  }) as FastifyInstance['inject']
}

/** Signs `app.inject` in as a role (for apps a test builds itself with buildApp); returns the session. */
export async function injectSignedIn(app: FastifyInstance, role: Role = 'admin'): Promise<TestSession> {
  const session = await signIn(app, role)
  injectAs(app, session.headers)
  return session
}

/**
 * Signs in to a running service started on the embedded demo, with the admin password it wrote to
 * DATA_DIR/demo-accounts.txt at first start; returns the Cookie header value.
 */
export async function signInWithDemoAccount(baseUrl: string, dataDir: string, username = 'admin'): Promise<string> {
  const { readFile } = await import('node:fs/promises')
  const { join } = await import('node:path')
  const { DEMO_ACCOUNTS_FILE } = await import('../../server/demo/accounts')
  const text = await readFile(join(dataDir, DEMO_ACCOUNTS_FILE), 'utf8')
  const line = text.split('\n').find((l) => l.split('\t')[0] === username)
  if (!line) throw new Error(`No demo account ${username} in ${join(dataDir, DEMO_ACCOUNTS_FILE)}`)
  const password = line.split('\t')[2]!
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  if (res.status !== 200) throw new Error(`Demo sign-in as ${username} failed: ${res.status} ${await res.text()}`)
  return res.headers.get('set-cookie')!.split(';')[0]!
}
