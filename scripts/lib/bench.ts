/**
 * Helpers shared by the benchmark cases (scripts/bench/*.ts): a signed-in session for routes that
 * need one, and the small graded database a `--quick` run works on.
 */
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { loadDemo } from '../../server/demo/load'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { fullRegrade } from '../../server/grading/engine'
import { SESSION_COOKIE } from '../../server/modules/auth/plugin'
import { createSession } from '../../server/modules/auth/sessions'
import { createUser } from '../../server/modules/auth/users'
import { createScratchDatabase, dropScratchDatabase } from '../../test/helpers/scratch-db'

/** The middle value of a list (the upper one of an even list). */
export const median = (list: readonly number[]): number => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!

/** The PostgreSQL server a bench makes its scratch databases on: DATABASE_URL's server, else the local one. */
export const BENCH_SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

/** Demo scale of a `--quick` run's database: the real city layout, about 150 enterprises. */
export const QUICK_SCALE = 0.05

/**
 * Headers of a signed-in admin (created on first use as `bench_admin`): the session cookie and its
 * CSRF token, the way a browser sends them. Staff routes (tiles, cells, nearest, writes) need them.
 */
export async function benchAuth(url: string, username = 'bench_admin'): Promise<{ cookie: string; 'x-csrf-token': string }> {
  const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
  try {
    let user = await db('app_user').where({ username }).first('id')
    if (!user) user = (await db.transaction((trx) => createUser(trx, { username, role: 'admin' }, null))).user
    const session = await createSession(db, user.id)
    return { cookie: `${SESSION_COOKIE}=${session.token}`, 'x-csrf-token': session.csrfToken }
  } finally {
    await db.destroy()
  }
}

/**
 * A scratch PostGIS database on BENCH_SERVER_URL holding the demo set at QUICK_SCALE (optionally
 * graded), for a `--quick` run: seconds instead of minutes. `drop()` removes it.
 */
export async function quickDatabase(label: string, options: { graded?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const url = await createScratchDatabase(BENCH_SERVER_URL, `riskmap_bench_quick_${label}`)
  const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
  try {
    await migrateLatest(db)
    await loadDemo(db, { scale: QUICK_SCALE, today: new Date('2026-03-15T00:00:00Z') })
    if (options.graded !== false) await fullRegrade(db, { res: 8, rules: DEFAULT_RULES })
  } catch (err) {
    await db.destroy()
    await dropScratchDatabase(BENCH_SERVER_URL, url)
    throw err
  }
  await db.destroy()
  return { url, drop: () => dropScratchDatabase(BENCH_SERVER_URL, url) }
}
