/**
 * Who may call a route (DESIGN §8). Every /api and /tiles route declares `config.access`; a route
 * without one is refused to everybody (fail closed) and the authorization test names it.
 */
export const ROLES = ['admin', 'planner', 'commander', 'inspector', 'grid_worker'] as const
export type Role = (typeof ROLES)[number]

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

/** The division-code prefix a user's queries are limited to, or null for no limit. */
export function jurisdiction(user: SessionUser | null): string | null {
  return user?.role === 'inspector' ? user.divisionPrefix : null
}

/** Whether a division code lies in the user's jurisdiction. */
export function inJurisdiction(user: SessionUser | null, divisionCode: string): boolean {
  const prefix = jurisdiction(user)
  return prefix === null || divisionCode.startsWith(prefix)
}
