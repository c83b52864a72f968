import { getJson, sendJson } from '../api/client'
import type { AuditPage, AuditQuery, CreatedUser, NewUser, UserChange, UserRecord } from '../api/contract'

export { fetchDepartments, type Department as DepartmentOption } from '../api/departments'

// The admin API (server/modules/auth/routes.ts, server/modules/audit/routes.ts): staff accounts and
// the audit log, typed by the server's schemas. Every call needs an admin session; writes go through sendJson (CSRF header).

export { ROLES, type Role } from '../api/contract'
export type { AuditPage, AuditQuery, NewUser, UserChange, UserRecord } from '../api/contract'

/** One audited write. `before` is null for a creation, `after` null for a deletion. */
export type AuditEntry = AuditPage['items'][number]

export async function fetchUsers(signal?: AbortSignal): Promise<UserRecord[]> {
  return getJson<UserRecord[]>('/api/users', {}, signal)
}

export async function createUser(user: NewUser): Promise<CreatedUser> {
  return sendJson('POST', '/api/users', user)
}

export async function updateUser(id: number, change: UserChange): Promise<UserRecord> {
  return sendJson('PATCH', `/api/users/${encodeURIComponent(String(id))}`, change)
}

/** Ends every session of an account. */
export async function signOutEverywhere(id: number): Promise<void> {
  await sendJson('DELETE', `/api/users/${encodeURIComponent(String(id))}/sessions`)
}

export async function fetchAudit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  const params = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== ''))
  return getJson<AuditPage>('/api/audit', params, signal)
}
