/** The staff roles (docs/domain.md §8); who may call what is declared per route (modules/auth/access.ts). Pure: the page bundles it. */
export const ROLES = ['admin', 'planner', 'commander', 'inspector', 'grid_worker'] as const
export type Role = (typeof ROLES)[number]
