/**
 * Personal API tokens over HTTP (`/api/tokens`, see auth/tokens.ts). Managing tokens needs a signed-in
 * session: a token can neither mint nor list tokens, so a leaked one cannot entrench itself.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../../errors'
import { errorResponse, errorResponses, sentObject, typed, type SchemaType } from '../../http/schemas'
import type { SessionUser } from './access'
import { createToken, listTokens, MAX_TOKEN_DAYS, revokeToken } from './tokens'
import { idParams } from '../../http/params'

const tags = ['auth']

const tokenRecord = sentObject({
  id: { type: 'integer' },
  userId: { type: 'integer' },
  username: { type: 'string' },
  name: { type: 'string' },
  prefix: { type: 'string', description: 'the first characters of the secret' },
  scope: { type: 'string', enum: ['read', 'write'], description: 'read: GET only; write: may also change data (without a CSRF token)' },
  createdAt: { type: 'string', format: 'date-time' },
  expiresAt: { type: ['string', 'null'], format: 'date-time' },
  lastUsedAt: { type: ['string', 'null'], format: 'date-time', description: 'to the minute' },
  revokedAt: { type: ['string', 'null'], format: 'date-time' },
  revokedBy: { type: ['string', 'null'] },
})

/** A token as its owner (or an admin) sees it: never the secret. */
export type ApiToken = SchemaType<typeof tokenRecord>

const newTokenSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100, description: 'what it is for, e.g. "QGIS on my laptop"' },
    readOnly: { type: 'boolean', default: true, description: 'false: the token may also write' },
    expiresInDays: { type: 'integer', minimum: 1, maximum: MAX_TOKEN_DAYS, description: 'lifetime; omitted: until revoked' },
  },
} as const

/** A token to create, as the handler reads it (readOnly defaults to true when left out). */
export type NewTokenInput = SchemaType<typeof newTokenSchema>

const createdTokenSchema = sentObject({ token: tokenRecord, secret: { type: 'string', description: 'shown once: store it now' } })

/** A created token with its secret, shown once. */
export type CreatedToken = SchemaType<typeof createdTokenSchema>

function sessionUser(request: FastifyRequest): SessionUser {
  if (request.apiToken) {
    throw new AppError(403, 'session_required', 'API tokens are managed from a signed-in session, not with a token', [
      { field: 'authorization', message: 'sign in to manage tokens' },
    ])
  }
  return request.user as SessionUser
}

export default async function tokenRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/tokens',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Your API tokens (an admin may ask for everyone’s with all=true); never the secrets',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { all: { type: 'boolean', default: false, description: 'admin only: every account’s tokens' } },
        },
        response: { 200: { type: 'array', items: tokenRecord }, 403: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = sessionUser(request)
      if (request.query.all && user.role !== 'admin')
        throw new AppError(403, 'forbidden', 'Only an admin may list every account’s tokens', [{ field: 'all', message: 'admin only' }])
      reply.header('cache-control', 'no-store')
      return listTokens(app.db, request.query.all ? null : user.id)
    },
  )

  app.post(
    '/tokens',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Create an API token for Authorization: Bearer; the secret is in this response only',
        body: newTokenSchema,
        response: {
          201: createdTokenSchema,
          403: errorResponse,
          409: errorResponse,
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const user = sessionUser(request)
      const created = await app.db.transaction((trx) => createToken(trx, user, request.body))
      reply.code(201).header('cache-control', 'no-store')
      return created
    },
  )

  app.delete(
    '/tokens/:id',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Revoke an API token: yours, or anyone’s as admin',
        params: idParams,
        response: { 200: tokenRecord, 403: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const user = sessionUser(request)
      return app.db.transaction((trx) => revokeToken(trx, request.params.id, user))
    },
  )
}
