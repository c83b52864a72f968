import { getJson, sendJson } from '../api/client'
import type { Role } from '../api/contract'

export { fetchDepartments, type Department as DepartmentOption } from '../api/departments'

// The admin API (server/modules/auth/routes.ts, server/modules/audit/routes.ts): staff accounts and
// the audit log. Every call needs an admin session; writes go through sendJson (CSRF header).

export { ROLES, type Role } from '../api/contract'

/** A staff account as GET /api/users returns it. */
export interface UserRecord {
  id: number
  username: string
  displayName: string | null
  role: Role
  departmentId: number | null
  /** An inspector's jurisdiction: a division-code prefix. */
  divisionPrefix: string | null
  /** A grid worker's management grid. */
  mgmtGridId: number | null
  disabled: boolean
  createdAt: string
}

export interface NewUser {
  username: string
  role: Role
  displayName?: string | null
  /** Left out: the server generates one and returns it once. */
  password?: string
  departmentId?: number | null
  divisionPrefix?: string | null
  mgmtGridId?: number | null
}

export interface UserChange {
  disabled?: boolean
  password?: string
}

/** One audited write. `before` is null for a creation, `after` null for a deletion. */
export interface AuditEntry {
  id: number
  at: string
  username: string | null
  action: string
  entity: string
  entityId: string | null
  before: unknown
  after: unknown
}

export interface AuditPage {
  total: number
  limit: number
  offset: number
  items: AuditEntry[]
}

export interface AuditQuery {
  entity?: string
  entityId?: string
  username?: string
  action?: string
  /** ISO 8601 instants: from (inclusive), to (exclusive). */
  from?: string
  to?: string
  limit: number
  offset: number
}

export async function fetchUsers(signal?: AbortSignal): Promise<UserRecord[]> {
  return getJson<UserRecord[]>('/api/users', {}, signal)
}

export async function createUser(user: NewUser): Promise<{ user: UserRecord; password: string | null }> {
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
