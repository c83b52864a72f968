import type { Knex } from 'knex'

/** Versions found on the database server. */
export interface ServerVersions {
  postgres: string
  postgis: string
}

/** Raised when the database cannot serve riskmap; the message says what is wrong and how to fix it. */
export class DatabaseSetupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatabaseSetupError'
  }
}

const MIN_POSTGRES = 14
const MIN_POSTGIS: [number, number] = [3, 1]

/** A connection string with its password masked, for messages and logs. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}

/**
 * Turns a driver error on first contact into a message a person can act on.
 * @param what What the URL is, as the message names it (the primary by default).
 */
export function explainConnectionError(err: unknown, url: string, what = 'the database'): DatabaseSetupError {
  const e = err as { code?: string; message?: string }
  const reason =
    e.code === 'ECONNREFUSED'
      ? 'nothing is listening there (is PostgreSQL running?)'
      : e.code === 'ENOTFOUND'
        ? 'the host name does not resolve'
        : e.code === '3D000'
          ? 'the database does not exist (create it with createdb)'
          : e.code === '28P01' || e.code === '28000'
            ? 'the server rejected the user or password'
            : /timeout/i.test(e.message ?? '')
              ? 'the connection timed out'
              : (e.message ?? String(err))
  return new DatabaseSetupError(`Cannot connect to ${what} at ${safeUrl(url)}: ${reason}.`)
}

function major(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? 0)
}

/**
 * Checks PostgreSQL ≥ 14 and PostGIS ≥ 3.1, creating the extension when the server has it
 * but the database does not yet. Throws DatabaseSetupError with a fix otherwise.
 * A read replica (`readOnly`) cannot create it: there the extension must come from the primary.
 */
export async function checkServer(db: Knex, options: { readOnly?: boolean } = {}): Promise<ServerVersions> {
  const { rows } = await db.raw<{ rows: Array<{ server_version: string }> }>('SHOW server_version')
  const postgres = rows[0]!.server_version.split(' ')[0]!
  if (major(postgres) < MIN_POSTGRES) {
    throw new DatabaseSetupError(`PostgreSQL ${postgres} is too old: riskmap needs PostgreSQL ${MIN_POSTGRES} or newer.`)
  }
  const available = await db.raw<{ rows: Array<{ default_version: string | null; installed_version: string | null }> }>(
    "SELECT default_version, installed_version FROM pg_available_extensions WHERE name = 'postgis'",
  )
  const ext = available.rows[0]
  if (!ext) {
    throw new DatabaseSetupError(
      `PostGIS is not installed on the PostgreSQL ${postgres} server. Install it (Debian/Ubuntu: ` +
        `apt-get install postgresql-${major(postgres)}-postgis-3) and restart, or unset DATABASE_URL to use the embedded database.`,
    )
  }
  if (!ext.installed_version && options.readOnly) {
    throw new DatabaseSetupError(
      'PostGIS is not enabled in the read database (READ_DATABASE_URL): it must be a streaming replica of DATABASE_URL, ' +
        'whose PostGIS it receives (see docs/scaling.md).',
    )
  }
  if (!ext.installed_version) {
    try {
      await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
    } catch (err) {
      throw new DatabaseSetupError(
        `PostGIS is available but not enabled in this database, and enabling it failed (${(err as Error).message}). ` +
          'Run "CREATE EXTENSION postgis;" as a superuser in this database.',
      )
    }
  }
  const version = await db.raw<{ rows: Array<{ v: string }> }>('SELECT postgis_lib_version() AS v')
  const postgis = version.rows[0]!.v
  const [maj = 0, min = 0] = postgis.split('.').map(Number)
  if (maj < MIN_POSTGIS[0] || (maj === MIN_POSTGIS[0] && min < MIN_POSTGIS[1])) {
    throw new DatabaseSetupError(`PostGIS ${postgis} is too old: riskmap needs PostGIS ${MIN_POSTGIS.join('.')} or newer.`)
  }
  return { postgres, postgis }
}

/**
 * Names of the migrations recorded in `knex_migrations`, read without writing anything (unlike
 * knex's migrate.list, which creates its tables when they are missing), so it works on a read-only
 * replica. Empty when the table does not exist.
 */
export async function appliedMigrations(db: Knex): Promise<string[]> {
  const { rows: table } = await db.raw<{ rows: Array<{ t: string | null }> }>("SELECT to_regclass('knex_migrations')::text AS t")
  if (!table[0]?.t) return []
  const { rows } = await db.raw<{ rows: Array<{ name: string }> }>('SELECT name FROM knex_migrations ORDER BY id')
  return rows.map((r) => r.name)
}
