/**
 * Demo accounts (docs/domain.md §8): on the embedded demo, one account per role so every view can be tried.
 * Their random passwords are shown once at first start and kept in DATA_DIR/demo-accounts.txt
 * (readable by its owner only). A real deployment (DATABASE_URL set) creates none: use
 * `npm run create-admin` there.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import type { Knex } from 'knex'
import { ROLES, type Role } from '../modules/auth/access'
import { createUser } from '../modules/auth/users'

export interface DemoAccount {
  username: string
  role: Role
  password: string
  /** The data the account sees (its jurisdiction), not what it may do (its role). */
  scope: string
}

export const DEMO_ACCOUNTS_FILE = 'demo-accounts.txt'

/**
 * Where a demo (or test) inspector works: the county with the most enterprises, and a department
 * there (else the first one); null without enterprises or departments.
 */
export async function busiestCounty(db: Knex): Promise<{ prefix: string; name: string | null; departmentId: number; departmentName: string } | null> {
  const { rows } = await db.raw<{ rows: Array<{ prefix: string; name: string | null }> }>(
    `SELECT substr(e.division_code, 1, 6) AS prefix, max(d.name) AS name
       FROM enterprise e LEFT JOIN division d ON d.code = substr(e.division_code, 1, 6)
      GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
  )
  const county = rows[0]
  if (!county) return null
  const department = await db('department')
    .orderByRaw('(division_code LIKE ?) DESC, id', [`${county.prefix}%`])
    .first('id', 'name')
  return department ? { ...county, departmentId: department.id, departmentName: department.name } : null
}

/** Creates the demo accounts when there are no accounts at all; returns them (empty when accounts exist). */
export async function createDemoAccounts(db: Knex, dataDir: string): Promise<DemoAccount[]> {
  if (await db('app_user').first('id')) return []
  const county = await busiestCounty(db)
  const grid = await db('mgmt_grid').orderBy('id').first('id', 'name')
  const accounts: DemoAccount[] = []
  await db.transaction(async (trx) => {
    for (const role of ROLES) {
      if (role === 'inspector' && !county) continue
      if (role === 'grid_worker' && !grid) continue
      const username = role === 'grid_worker' ? 'gridworker' : role
      const { password } = await createUser(
        trx,
        {
          username,
          displayName: `演示${ROLE_NAMES[role]}`,
          role,
          departmentId: role === 'inspector' ? county!.departmentId : null,
          divisionPrefix: role === 'inspector' ? county!.prefix : null,
          mgmtGridId: role === 'grid_worker' ? grid!.id : null,
        },
        null,
      )
      // The data the account sees (not what it may do: that is its role).
      const scope =
        role === 'inspector'
          ? `${county!.departmentName}, jurisdiction ${county!.prefix} ${county!.name ?? ''}`.trim()
          : role === 'grid_worker'
            ? `grid ${grid!.name}`
            : 'all divisions'
      accounts.push({ username, role, password: password!, scope })
    }
  })
  const lines = [
    '# riskmap demo accounts (synthetic demo data only). Sign in at /public.html#login=/',
    '# username\trole\tpassword\tdata seen (jurisdiction)',
    ...accounts.map((a) => [a.username, a.role, a.password, a.scope].join('\t')),
    '',
  ]
  await fs.mkdir(dataDir, { recursive: true })
  await fs.writeFile(path.join(dataDir, DEMO_ACCOUNTS_FILE), lines.join('\n'), { mode: 0o600 })
  return accounts
}

const ROLE_NAMES: Record<Role, string> = { admin: '管理员', planner: '规划人员', commander: '应急指挥', inspector: '执法检查员', grid_worker: '网格员' }

/** The demo accounts as an aligned table with a header row, for the console at first start. */
export function demoAccountTable(accounts: readonly DemoAccount[]): string[] {
  const header = { username: 'user name', role: 'role', password: 'password', scope: 'data seen (jurisdiction)' }
  const rows = [header, ...accounts]
  const width = (key: 'username' | 'role' | 'password') => Math.max(...rows.map((r) => r[key].length))
  const [u, r, p] = [width('username'), width('role'), width('password')]
  return rows.map((a) => `${a.username.padEnd(u)}  ${a.role.padEnd(r)}  ${a.password.padEnd(p)}  ${a.scope}`.trimEnd())
}
