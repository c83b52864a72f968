/**
 * Sign-in, sign-out, the current session, and the users admin (docs/domain.md §8). The session lives in a
 * random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its hash.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { AppError } from '../../errors'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import type { SessionUser } from './access'
import { hashPassword, verifyPassword } from './password'
import { readCookie, SESSION_COOKIE, SESSION_TTL_S } from './plugin'
import { RateLimiter } from '../../http/rate-limit'
import { createSession, endSession, endUserSessions } from './sessions'
import { createUser, credentialsOf, getUser, listUsers, passwordHashOf, updateUser } from './users'
import { createdUserSchema, loginBodySchema, newUserSchema, passwordBodySchema, sessionInfoSchema, userChangeSchema, userRecordSchema } from './schemas'
import { idParams } from '../../http/params'
import { auditUser } from '../../http/actor'

/** Sign-in attempts per client and username in a window, and per client over all usernames. */
const ATTEMPTS_PER_ACCOUNT = 10
const ATTEMPTS_PER_CLIENT = 50
const ATTEMPT_WINDOW_MS = 15 * 60 * 1000

const tags = ['auth']

function cookie(app: FastifyInstance, token: string, maxAgeS: number): string {
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(token)}`, 'Path=/', `Max-Age=${maxAgeS}`, 'HttpOnly', 'SameSite=Strict']
  if (app.config.cookieSecure) parts.push('Secure')
  return parts.join('; ')
}

function clearCookie(app: FastifyInstance, reply: FastifyReply): void {
  reply.header('set-cookie', cookie(app, '', 0))
}

export default async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const perAccount = new RateLimiter(ATTEMPTS_PER_ACCOUNT, ATTEMPT_WINDOW_MS)
  const perClient = new RateLimiter(ATTEMPTS_PER_CLIENT, ATTEMPT_WINDOW_MS)
  // Unknown usernames are checked against this hash too, so the time taken does not tell which exist.
  const dummyHash = hashPassword('not a password of anyone')

  app.post(
    '/auth/login',
    {
      config: { access: 'public', csrf: false },
      schema: {
        tags,
        summary: 'Sign in; sets the session cookie',
        body: loginBodySchema,
        response: { 200: sessionInfoSchema, 401: errorResponse, 429: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const { username: name, password: given } = request.body
      const accountKey = `${request.ip}\n${name.toLowerCase()}`
      const wait = Math.max(perAccount.hit(accountKey), perClient.hit(request.ip))
      if (wait > 0) {
        reply.header('retry-after', String(wait))
        throw new AppError(429, 'too_many_attempts', `Too many sign-in attempts: try again in ${Math.ceil(wait / 60)} min`, [
          { field: 'username', message: 'too many attempts from this client' },
        ])
      }
      const row = await credentialsOf(app.db, name)
      const matches = await verifyPassword(given, row?.passwordHash ?? (await dummyHash))
      if (!row || !matches || row.disabled) {
        request.log.info({ username: name }, 'failed sign-in')
        throw new AppError(401, 'bad_credentials', 'Wrong username or password', [{ field: 'password', message: 'wrong username or password' }])
      }
      perAccount.reset(accountKey)
      // A token the browser already had is ended, never reused (session fixation).
      const previous = readCookie(request.headers.cookie, SESSION_COOKIE)
      if (previous) await endSession(app.db, previous)
      const session = await createSession(app.db, row.id)
      reply.header('set-cookie', cookie(app, session.token, SESSION_TTL_S))
      const user = await getUser(app.db, row.id)
      return { user: sessionUser(user), csrfToken: session.csrfToken }
    },
  )

  app.post(
    '/auth/logout',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Sign out: ends the session and clears the cookie', response: { 204: { type: 'null' }, ...errorResponses } },
    },
    async (request, reply) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE)
      if (token) await endSession(app.db, token)
      clearCookie(app, reply)
      reply.code(204).send(null)
    },
  )

  app.get(
    '/auth/me',
    { config: { access: 'public' }, schema: { tags, summary: 'Who is signed in (user null when nobody)', response: { 200: sessionInfoSchema } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store')
      return { user: request.user, csrfToken: request.csrfToken }
    },
  )

  app.post(
    '/auth/password',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Change your own password; your other sessions end',
        body: passwordBodySchema,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = request.user as SessionUser
      if (!(await verifyPassword(request.body.currentPassword, await passwordHashOf(app.db, user.id)))) {
        throw new AppError(400, 'invalid_input', 'currentPassword: wrong password', [{ field: 'currentPassword', message: 'wrong password' }])
      }
      await app.db.transaction(async (trx) => {
        await updateUser(trx, user.id, { password: request.body.newPassword }, user)
      })
      // updateUser ended every session of the account; this one goes on with a fresh token.
      const session = await createSession(app.db, user.id)
      reply.header('set-cookie', cookie(app, session.token, SESSION_TTL_S))
      reply.code(204).send(null)
    },
  )

  const admins = { access: ['admin'] } as const

  app.get(
    '/users',
    { config: admins, schema: { tags, summary: 'Every staff account', response: { 200: { type: 'array', items: userRecordSchema }, ...errorResponses } } },
    async () => listUsers(app.db),
  )

  app.get(
    '/users/:id',
    { config: admins, schema: { tags, summary: 'One staff account', params: idParams, response: { 200: userRecordSchema, ...errorResponses } } },
    async (request) => getUser(app.db, request.params.id),
  )

  app.post(
    '/users',
    {
      config: admins,
      schema: {
        tags,
        summary: 'Create a staff account; without a password one is generated and returned once',
        body: newUserSchema,
        response: { 201: createdUserSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await app.db.transaction((trx) => createUser(trx, request.body, auditUser(request)))
      reply.code(201)
      return created
    },
  )

  app.patch(
    '/users/:id',
    {
      config: admins,
      schema: {
        tags,
        summary: "Change an account's role, scope, name or password, or disable it (its sessions end)",
        params: idParams,
        body: userChangeSchema,
        response: { 200: userRecordSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => app.db.transaction((trx) => updateUser(trx, request.params.id, request.body, request.user)),
  )

  app.delete(
    '/users/:id/sessions',
    { config: admins, schema: { tags, summary: 'Sign an account out everywhere', params: idParams, response: { 204: { type: 'null' }, ...errorResponses } } },
    async (request, reply) => {
      await getUser(app.db, request.params.id)
      await endUserSessions(app.db, request.params.id)
      reply.code(204).send(null)
    },
  )
}

function sessionUser(user: SessionUser): SessionUser {
  const { id, username: name, displayName, role, departmentId, divisionPrefix, mgmtGridId } = user
  return { id, username: name, displayName, role, departmentId, divisionPrefix, mgmtGridId }
}
