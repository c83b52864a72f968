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

/** Turns a driver error on first contact into a message a person can act on. */
export function explainConnectionError(err: unknown, url: string): DatabaseSetupError {
  const safeUrl = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
  const e = err as { code?: string; message?: string }
  const reason =
    e.code === 'ECONNREFUSED' ? 'nothing is listening there (is PostgreSQL running?)'
    : e.code === 'ENOTFOUND' ? 'the host name does not resolve'
    : e.code === '3D000' ? 'the database does not exist (create it with createdb)'
    : e.code === '28P01' || e.code === '28000' ? 'the server rejected the user or password'
    : /timeout/i.test(e.message ?? '') ? 'the connection timed out'
    : (e.message ?? String(err))
  return new DatabaseSetupError(`Cannot connect to the database at ${safeUrl}: ${reason}.`)
}

function major(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? 0)
}

/**
 * Checks PostgreSQL ≥ 14 and PostGIS ≥ 3.1, creating the extension when the server has it
 * but the database does not yet. Throws DatabaseSetupError with a fix otherwise.
 */
export async function checkServer(db: Knex): Promise<ServerVersions> {
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
