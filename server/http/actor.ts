/**
 * Who a request acts as (docs/security.md "Duties"): the user an audit row names, and the signed-in
 * account a write is done by.
 */
import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors'
import type { Actor } from '../domain/rectification'

/** The user to audit a request as: the signed-in staff member, or null for a public request. */
export function auditUser(request: FastifyRequest): string | null {
  return request.user?.username ?? null
}

/** The signed-in account doing a write, for the columns that say who did it (docs/security.md "Duties"). */
export interface SessionActor extends Actor {
  username: string
}

/** Who does a write: always the session's account, never a name from the body. Routes that write are never public. */
export function sessionActor(request: FastifyRequest): SessionActor {
  const user = request.user
  if (!user) throw new AppError(401, 'unauthenticated', 'Sign in first')
  return { id: user.id, name: user.displayName?.trim() || user.username, username: user.username }
}
