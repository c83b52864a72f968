/**
 * Who may call a route (docs/domain.md §8). Every /api and /tiles route declares `config.access`; a route
 * without one is refused to everybody (fail closed) and the authorization test names it.
 */
import type { Role } from '../../domain/roles'

export { ROLES, type Role } from '../../domain/roles'

/** 'public': anyone; 'staff': any signed-in user; a list: those roles (admin always passes). */
export type Access = 'public' | 'staff' | readonly Role[]

/** The signed-in user as routes see it. */
export interface SessionUser {
  id: number
  username: string
  displayName: string | null
  role: Role
  departmentId: number | null
  /** Inspector jurisdiction: a division-code prefix (e.g. 210106 = 铁西区). */
  divisionPrefix: string | null
  /** Grid worker's management grid. */
  mgmtGridId: number | null
}

/** Whether `user` may call a route with `access`: 'unauthenticated', 'forbidden' or 'ok'. */
export function checkAccess(access: Access | undefined, user: SessionUser | null): 'ok' | 'unauthenticated' | 'forbidden' {
  if (access === undefined) return 'forbidden'
  if (access === 'public') return 'ok'
  if (!user) return 'unauthenticated'
  if (access === 'staff' || user.role === 'admin' || access.includes(user.role)) return 'ok'
  return 'forbidden'
}

/**
 * What a user may read (least privilege, docs/security.md). Computed from the user alone, however it
 * was authenticated, so every read path asks this one function:
 * - admin, planner, commander: every enterprise and record, with contact data;
 * - inspector: the enterprises (and their records) of the jurisdiction, with contact data;
 * - grid worker: the enterprises of the management grid, without contact data;
 * - nobody signed in: no enterprise at all (public routes read published snapshots only).
 */
export interface ReadScope {
  /** Enterprise-linked data only where the division code starts with this; null: every division. */
  divisionPrefix: string | null
  /** Enterprise-linked data only of enterprises in this management grid; null: every grid. */
  mgmtGridId: number | null
  /** Whether an enterprise's responsible person and phone may be read. */
  contacts: boolean
  /** True when nothing limits the scope (the queries need no condition). */
  all: boolean
}

/** Grid id 0 never exists (ids start at 1): a scope on it matches no enterprise. */
const NO_GRID = 0

export function readScope(user: SessionUser | null): ReadScope {
  if (!user) return { divisionPrefix: null, mgmtGridId: NO_GRID, contacts: false, all: false }
  if (user.role === 'inspector') return { divisionPrefix: user.divisionPrefix ?? '', mgmtGridId: null, contacts: true, all: false }
  if (user.role === 'grid_worker') return { divisionPrefix: null, mgmtGridId: user.mgmtGridId ?? NO_GRID, contacts: false, all: false }
  return { divisionPrefix: null, mgmtGridId: null, contacts: true, all: true }
}

/** Whether an enterprise (its division code and grid) lies in a read scope. */
export function inScope(scope: ReadScope, enterprise: { divisionCode: string | null; mgmtGridId: number | null }): boolean {
  if (scope.divisionPrefix !== null && !(enterprise.divisionCode ?? '').startsWith(scope.divisionPrefix)) return false
  if (scope.mgmtGridId !== null && enterprise.mgmtGridId !== scope.mgmtGridId) return false
  return true
}

/** The division-code prefix a user's queries are limited to, or null for no limit. */
export function jurisdiction(user: SessionUser | null): string | null {
  return user?.role === 'inspector' ? user.divisionPrefix : null
}

/** Whether a division code lies in the user's jurisdiction. */
export function inJurisdiction(user: SessionUser | null, divisionCode: string): boolean {
  const prefix = jurisdiction(user)
  return prefix === null || divisionCode.startsWith(prefix)
}
