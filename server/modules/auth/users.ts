/**
 * Staff accounts (docs/domain.md §8): the queries behind the users admin, the create-admin CLI and the demo
 * accounts. Passwords are only ever stored as scrypt hashes; a generated password is returned once.
 */
import type { Knex } from 'knex'
import type { Db } from '../../db/db'
import { conflict, invalid, notFound } from '../../errors'
import { recordAudit } from '../audit/audit'
import { checkAccess, type Access, type Role, type SessionUser } from './access'
import { generatePassword, hashPassword } from './password'
import { forgetSessions } from './plugin'
import { endUserSessions } from './sessions'
import { MIN_PASSWORD_LENGTH, type NewUser, type UserChange, type UserRecord } from './schemas'

const COLUMNS = ['id', 'username', 'display_name', 'role', 'department_id', 'division_prefix', 'mgmt_grid_id', 'disabled', 'created_at'] as const

function toRecord(row: Record<string, unknown>): UserRecord {
  return {
    id: Number(row.id),
    username: String(row.username),
    displayName: (row.display_name as string | null) ?? null,
    role: row.role as Role,
    departmentId: row.department_id === null ? null : Number(row.department_id),
    divisionPrefix: (row.division_prefix as string | null) ?? null,
    mgmtGridId: row.mgmt_grid_id === null ? null : Number(row.mgmt_grid_id),
    disabled: Boolean(row.disabled),
    createdAt: new Date(row.created_at as string).toISOString(),
  }
}

export async function listUsers(db: Db): Promise<UserRecord[]> {
  return (await db('app_user').select(COLUMNS).orderBy('id')).map(toRecord)
}

export async function getUser(db: Db, id: number): Promise<UserRecord> {
  const row = await db('app_user').where('id', id).first(COLUMNS)
  if (!row) throw notFound('user', id)
  return toRecord(row)
}

/** What signing in checks: the account named `username` (any case), its password hash and whether it is disabled. */
export async function credentialsOf(db: Db, username: string): Promise<{ id: number; passwordHash: string; disabled: boolean } | undefined> {
  const row = await db('app_user').whereRaw('lower(username) = lower(?)', [username]).first('id', 'password_hash', 'disabled')
  return row && { id: Number(row.id), passwordHash: String(row.password_hash), disabled: Boolean(row.disabled) }
}

/** The password hash of an account, to check its current password before a change. */
export async function passwordHashOf(db: Db, id: number): Promise<string> {
  const row = await db('app_user').where('id', id).first('password_hash')
  if (!row) throw notFound('user', id)
  return String(row.password_hash)
}

/**
 * The active account named `username` that may do what `access` allows, for a command-line tool
 * acting on someone's behalf (`npm run import -- --as`); `field` names the option in the errors.
 */
export async function accountAllowedTo(db: Db, username: string, access: Access, field: string): Promise<UserRecord> {
  const row = await db('app_user').whereRaw('lower(username) = lower(?)', [username]).first(COLUMNS)
  if (!row) throw invalid(field, `no account is named "${username}"`)
  const user = toRecord(row)
  if (user.disabled) throw invalid(field, `the account "${username}" is disabled`)
  if (checkAccess(access, user) !== 'ok')
    throw invalid(
      field,
      `the account "${username}" (role ${user.role}) may not do this: it needs the role ${access === 'public' || access === 'staff' ? access : ['admin', ...access].join(' or ')}`,
    )
  return user
}

/** The scoping fields a role needs, checked before the database's CHECKs so the message names the field. */
async function checkRoleFields(
  db: Db,
  user: { role: Role; departmentId?: number | null; divisionPrefix?: string | null; mgmtGridId?: number | null },
): Promise<void> {
  if (user.role === 'inspector') {
    if (user.departmentId == null) throw invalid('departmentId', 'an inspector needs the department they work for')
    if (user.divisionPrefix == null) throw invalid('divisionPrefix', 'an inspector needs a jurisdiction (a division-code prefix such as 210106)')
  }
  if (user.role === 'grid_worker' && user.mgmtGridId == null) throw invalid('mgmtGridId', 'a grid worker needs the management grid they work in')
  if (user.departmentId != null && !(await db('department').where('id', user.departmentId).first('id'))) {
    throw invalid('departmentId', `no department with id ${user.departmentId}`)
  }
  if (user.mgmtGridId != null && !(await db('mgmt_grid').where('id', user.mgmtGridId).first('id'))) {
    throw invalid('mgmtGridId', `no management grid with id ${user.mgmtGridId}`)
  }
  if (user.divisionPrefix != null && !(await db('division').where('code', 'like', `${user.divisionPrefix}%`).first('code'))) {
    throw invalid('divisionPrefix', `no division code starts with ${user.divisionPrefix}`)
  }
}

function checkPassword(password: string): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) throw invalid('password', `must be at least ${MIN_PASSWORD_LENGTH} characters`)
}

/** Creates an account; returns it with the password when one was generated. Audited. */
export async function createUser(trx: Knex.Transaction, input: NewUser, actor: string | null): Promise<{ user: UserRecord; password: string | null }> {
  await checkRoleFields(trx, input)
  if (input.password !== undefined) checkPassword(input.password)
  if (await trx('app_user').whereRaw('lower(username) = lower(?)', [input.username]).first('id')) {
    throw conflict(`The username ${input.username} is taken`, [{ field: 'username', message: 'already taken' }])
  }
  const password = input.password ?? generatePassword()
  const [row] = await trx('app_user')
    .insert({
      username: input.username,
      display_name: input.displayName ?? null,
      role: input.role,
      password_hash: await hashPassword(password),
      department_id: input.departmentId ?? null,
      division_prefix: input.role === 'inspector' ? (input.divisionPrefix ?? null) : null,
      mgmt_grid_id: input.role === 'grid_worker' ? (input.mgmtGridId ?? null) : null,
    })
    .returning(COLUMNS)
  const user = toRecord(row)
  await recordAudit(trx, { action: 'created', entity: 'user', entityId: user.id, before: null, after: user, username: actor })
  return { user, password: input.password === undefined ? password : null }
}

/**
 * Changes an account. Disabling it or setting a password ends its sessions. An admin cannot
 * disable or demote themselves, so the service never loses its last way in by accident.
 */
export async function updateUser(trx: Knex.Transaction, id: number, change: UserChange, actor: SessionUser | null): Promise<UserRecord> {
  const before = await getUser(trx, id)
  if (actor?.id === id && (change.disabled === true || (change.role !== undefined && change.role !== 'admin'))) {
    throw conflict('You cannot disable your own account or take away your own admin role', [
      { field: change.disabled ? 'disabled' : 'role', message: 'ask another admin' },
    ])
  }
  const merged = {
    role: change.role ?? before.role,
    departmentId: change.departmentId !== undefined ? change.departmentId : before.departmentId,
    divisionPrefix: change.divisionPrefix !== undefined ? change.divisionPrefix : before.divisionPrefix,
    mgmtGridId: change.mgmtGridId !== undefined ? change.mgmtGridId : before.mgmtGridId,
  }
  await checkRoleFields(trx, merged)
  const patch: Record<string, unknown> = {
    role: merged.role,
    department_id: merged.departmentId,
    division_prefix: merged.role === 'inspector' ? merged.divisionPrefix : null,
    mgmt_grid_id: merged.role === 'grid_worker' ? merged.mgmtGridId : null,
  }
  if (change.displayName !== undefined) patch.display_name = change.displayName
  if (change.disabled !== undefined) patch.disabled = change.disabled
  if (change.password !== undefined) {
    checkPassword(change.password)
    patch.password_hash = await hashPassword(change.password)
  }
  const [row] = await trx('app_user').where('id', id).update(patch).returning(COLUMNS)
  // Sessions read before carry the old scope, department or name: read them again.
  forgetSessions()
  const after = toRecord(row)
  if (change.disabled === true || change.password !== undefined || after.role !== before.role || after.divisionPrefix !== before.divisionPrefix) {
    await endUserSessions(trx, id)
  }
  const audited = change.password !== undefined ? { ...after, passwordChanged: true } : after
  await recordAudit(trx, { action: 'updated', entity: 'user', entityId: id, before, after: audited, username: actor?.username ?? null })
  return after
}
