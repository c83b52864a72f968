/**
 * Personal API tokens (docs/domain.md §8): how desktop GIS (QGIS, GDAL) and scripts authenticate,
 * sent as `Authorization: Bearer rmt_…`. A token acts as its user with the user's *current* role
 * and jurisdiction (read on every request, so a demoted or disabled account takes its tokens with
 * it); it is read-only unless created write-scoped, may expire, and is shown once: only its
 * SHA-256 is stored. Creating and revoking are audited.
 */
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import type { Db } from '../../db/db'
import { AppError, conflict, invalid, notFound } from '../../errors'
import { recordAudit } from '../audit/audit'
import type { Role, SessionUser } from './access'
import { hashToken } from './plugin'

/** Every token secret starts with this, so a leaked one is easy to recognise (and to scan for). */
export const TOKEN_PREFIX = 'rmt_'
/** Active (unrevoked, unexpired) tokens one user may hold. */
export const MAX_ACTIVE_TOKENS = 20
/** Longest lifetime a token may be given, days. */
export const MAX_TOKEN_DAYS = 366

export type TokenScope = 'read' | 'write'

/** A token as its owner (or an admin) sees it: never the secret. */
export interface ApiTokenRecord {
  id: number
  userId: number
  username: string
  name: string
  /** The first characters of the secret, to tell tokens apart. */
  prefix: string
  scope: TokenScope
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  revokedAt: string | null
  revokedBy: string | null
}

/** What a request authenticated by a token knows about it. */
export interface RequestToken {
  id: number
  scope: TokenScope
}

const COLUMNS = [
  't.id',
  't.user_id',
  'u.username',
  't.name',
  't.prefix',
  't.scope',
  't.created_at',
  't.expires_at',
  't.last_used_at',
  't.revoked_at',
  't.revoked_by',
] as const

const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string).toISOString())

function toRecord(row: Record<string, unknown>): ApiTokenRecord {
  return {
    id: Number(row.id),
    userId: Number(row.user_id),
    username: String(row.username),
    name: String(row.name),
    prefix: String(row.prefix),
    scope: row.scope as TokenScope,
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at),
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
    revokedBy: (row.revoked_by as string | null) ?? null,
  }
}

/** Tokens of one user, or of everybody (`userId` null, for admins), newest first. */
export async function listTokens(db: Db, userId: number | null): Promise<ApiTokenRecord[]> {
  const query = db('api_token as t').join('app_user as u', 'u.id', 't.user_id').select(COLUMNS).orderBy('t.id', 'desc')
  if (userId !== null) query.where('t.user_id', userId)
  return (await query).map(toRecord)
}

export interface NewToken {
  name: string
  /** Default true: a token may only read unless asked otherwise. */
  readOnly?: boolean
  /** Lifetime in days (1–366); omitted: until revoked. */
  expiresInDays?: number
}

/** Creates a token for `user`; returns it with its secret, which is never shown again. Audited. */
export async function createToken(trx: Knex.Transaction, user: SessionUser, input: NewToken): Promise<{ token: ApiTokenRecord; secret: string }> {
  const name = input.name.trim()
  if (name.length === 0) throw invalid('name', 'must not be blank')
  if (input.expiresInDays !== undefined && !(Number.isInteger(input.expiresInDays) && input.expiresInDays >= 1 && input.expiresInDays <= MAX_TOKEN_DAYS)) {
    throw invalid('expiresInDays', `must be a whole number of days from 1 to ${MAX_TOKEN_DAYS}`)
  }
  const [{ count }] = await trx('api_token')
    .where('user_id', user.id)
    .whereNull('revoked_at')
    .andWhere((q) => q.whereNull('expires_at').orWhere('expires_at', '>', trx.fn.now()))
    .count({ count: '*' })
  if (Number(count) >= MAX_ACTIVE_TOKENS) {
    throw conflict(`You already hold ${MAX_ACTIVE_TOKENS} active tokens: revoke one first`, [
      { field: 'name', message: `at most ${MAX_ACTIVE_TOKENS} active tokens per account` },
    ])
  }
  const secret = `${TOKEN_PREFIX}${crypto.randomBytes(32).toString('base64url')}`
  const [row] = await trx('api_token')
    .insert({
      user_id: user.id,
      name,
      token_hash: hashToken(secret),
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      scope: input.readOnly === false ? 'write' : 'read',
      expires_at: input.expiresInDays === undefined ? null : trx.raw(`now() + make_interval(days => ?)`, [input.expiresInDays]),
    })
    .returning('id')
  const token = await getToken(trx, Number((row as { id: number }).id))
  await recordAudit(trx, { action: 'created', entity: 'api_token', entityId: token.id, before: null, after: token, username: user.username })
  return { token, secret }
}

async function getToken(db: Db, id: number): Promise<ApiTokenRecord> {
  const row = await db('api_token as t').join('app_user as u', 'u.id', 't.user_id').where('t.id', id).first(COLUMNS)
  if (!row) throw notFound('API token', id)
  return toRecord(row)
}

/**
 * Revokes a token: its owner may, and an admin may revoke anyone's. Another user's token is
 * "not found" to a non-admin, so ids do not reveal whose tokens exist. Revoking twice is a no-op.
 */
export async function revokeToken(trx: Knex.Transaction, id: number, actor: SessionUser): Promise<ApiTokenRecord> {
  const before = await getToken(trx, id)
  if (before.userId !== actor.id && actor.role !== 'admin') throw notFound('API token', id)
  if (before.revokedAt !== null) return before
  await trx('api_token').where('id', id).update({ revoked_at: trx.fn.now(), revoked_by: actor.username })
  const after = await getToken(trx, id)
  await recordAudit(trx, { action: 'revoked', entity: 'api_token', entityId: id, before, after, username: actor.username })
  return after
}

/** How often a token's last-use time is written at most, ms (not on every tile request). */
const LAST_USED_RESOLUTION_MS = 60_000

interface TokenRow {
  token_id: number
  scope: TokenScope
  expires_at: Date | string | null
  revoked_at: Date | string | null
  last_used_at: Date | string | null
  expired: boolean
  id: number
  username: string
  display_name: string | null
  role: Role
  department_id: number | null
  division_prefix: string | null
  mgmt_grid_id: number | null
  disabled: boolean
}

function refused(code: string, message: string): AppError {
  return new AppError(401, code, message, [{ field: 'authorization', message }])
}

/**
 * The user a bearer token stands for, exactly as a session would give it, or a 401 that says why
 * the token is refused (unknown, revoked, expired, account disabled).
 */
export async function authenticateToken(db: Knex, secret: string): Promise<{ user: SessionUser; token: RequestToken }> {
  if (!secret.startsWith(TOKEN_PREFIX)) throw refused('invalid_token', `Not a riskmap API token: tokens start with ${TOKEN_PREFIX}`)
  const row = (await db('api_token as t')
    .join('app_user as u', 'u.id', 't.user_id')
    .where('t.token_hash', hashToken(secret))
    .first(
      't.id as token_id',
      't.scope',
      't.expires_at',
      't.revoked_at',
      't.last_used_at',
      db.raw('(t.expires_at IS NOT NULL AND t.expires_at <= now()) AS expired'),
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.department_id',
      'u.division_prefix',
      'u.mgmt_grid_id',
      'u.disabled',
    )) as TokenRow | undefined
  if (!row) throw refused('invalid_token', 'Unknown API token: it was mistyped or deleted')
  if (row.revoked_at !== null) throw refused('token_revoked', `This API token was revoked on ${iso(row.revoked_at)}`)
  if (row.expired) throw refused('token_expired', `This API token expired on ${iso(row.expires_at)}`)
  if (row.disabled) throw refused('account_disabled', 'The account of this API token is disabled')
  if (row.last_used_at === null || Date.now() - new Date(row.last_used_at).getTime() > LAST_USED_RESOLUTION_MS) {
    await db('api_token').where('id', row.token_id).update({ last_used_at: db.fn.now() })
  }
  return {
    token: { id: Number(row.token_id), scope: row.scope },
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
}

/** The secret of an `Authorization: Bearer …` header, or null when the header is absent or another scheme. */
export function bearerSecret(header: string | undefined): string | null {
  if (!header) return null
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match ? match[1]! : null
}
