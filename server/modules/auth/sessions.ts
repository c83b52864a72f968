import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { forgetSessions, hashToken, SESSION_TTL_S } from './plugin'

/** A new session: the token goes in the cookie, only its hash is stored. */
export interface NewSession {
  token: string
  csrfToken: string
  expiresAt: Date
}

/**
 * Starts a session for a user. Always a fresh random token (never one the client offered), so a
 * token planted before sign-in (session fixation) is worthless after it.
 */
export async function createSession(db: Knex, userId: number, ttlS = SESSION_TTL_S): Promise<NewSession> {
  const token = crypto.randomBytes(32).toString('base64url')
  const csrfToken = crypto.randomBytes(24).toString('base64url')
  const expiresAt = new Date(Date.now() + ttlS * 1000)
  await db('user_session').insert({ token_hash: hashToken(token), user_id: userId, csrf_token: csrfToken, expires_at: expiresAt })
  // Expired sessions of this user are swept as it signs in; nothing else needs them.
  await db('user_session').where('user_id', userId).andWhere('expires_at', '<=', db.fn.now()).delete()
  return { token, csrfToken, expiresAt }
}

/** Ends the session of a token (sign-out); a no-op for an unknown token. */
export async function endSession(db: Knex, token: string): Promise<void> {
  await db('user_session').where('token_hash', hashToken(token)).delete()
  forgetSessions()
}

/** Ends every session of a user (password change, account disabled), except `keepToken`'s. */
export async function endUserSessions(db: Knex, userId: number, keepToken: string | null = null): Promise<void> {
  const query = db('user_session').where('user_id', userId)
  if (keepToken) query.andWhereNot('token_hash', hashToken(keepToken))
  await query.delete()
  forgetSessions()
}
