import fp from 'fastify-plugin'
import type { Knex } from 'knex'
import { ConfigError } from '../config'
import { createKnex, type DatabaseOptions } from './knex'
import { appliedMigrations, checkServer, DatabaseSetupError, explainConnectionError, safeUrl, type ServerVersions } from './check'
import { migrateLatest } from './migrate'

declare module 'fastify' {
  interface FastifyInstance {
    /** The knex instance over the pooled `pg` driver: every write, and reads that must see them. */
    db: Knex
    /**
     * The handle for lag-tolerant reads (tiles, cell and region explanations): a second pool on the
     * streaming replica when READ_DATABASE_URL is set, otherwise the very same instance as `db`.
     */
    readDb: Knex
    dbInfo: ServerVersions & { embedded: boolean; replica: ServerVersions | null }
  }
}

export interface DatabasePluginOptions extends DatabaseOptions {
  /** Apply pending migrations at start-up (default true). */
  migrate?: boolean
  /** A streaming replica for reads; null or absent → reads go to `url`. Not with the embedded database. */
  readUrl?: string | null
}

/**
 * How long start-up waits for the replica to replay the primary's migrations (seconds): right after
 * they ran on the primary, a healthy replica is normally a few milliseconds behind.
 */
const REPLICA_SCHEMA_WAIT_S = 15

/** Connects a pool and makes sure the server answers; the error names the URL and why. */
async function connect(options: DatabaseOptions, what: string): Promise<Knex> {
  const db = createKnex(options)
  try {
    await db.raw('SELECT 1')
  } catch (err) {
    await db.destroy()
    throw explainConnectionError(err, options.url, what)
  }
  return db
}

/**
 * Checks the read replica: reachable, recent enough PostgreSQL/PostGIS (never creating anything),
 * and carrying every migration the primary has, waiting a little for replay. A READ_DATABASE_URL
 * that points at an unrelated or empty database fails here rather than on the first tile.
 */
async function checkReplica(readDb: Knex, db: Knex, url: string): Promise<ServerVersions> {
  const versions = await checkServer(readDb, { readOnly: true })
  const expected = await appliedMigrations(db)
  const deadline = Date.now() + REPLICA_SCHEMA_WAIT_S * 1000
  for (;;) {
    const have = new Set(await appliedMigrations(readDb))
    const missing = expected.filter((m) => !have.has(m))
    if (missing.length === 0) return versions
    if (Date.now() > deadline) {
      throw new DatabaseSetupError(
        `The read database at ${safeUrl(url)} (READ_DATABASE_URL) still lacks migration${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ` +
          `after ${REPLICA_SCHEMA_WAIT_S} s: it must be a streaming replica of DATABASE_URL that is replaying (see docs/scaling.md).`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/**
 * The database as a named plugin: connects, refuses an old or missing PostGIS with a clear
 * message, applies migrations, decorates `app.db` (and `app.readDb`, on the replica when one is
 * configured), and ends the pools when the app closes.
 */
export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, options) => {
    const { readUrl, migrate, ...connection } = options
    if (readUrl && options.embedded) {
      throw new ConfigError(
        'READ_DATABASE_URL',
        'needs DATABASE_URL: the embedded database has no streaming replicas. Unset READ_DATABASE_URL, or point DATABASE_URL at the primary.',
      )
    }
    const db = await connect(connection, 'the database')
    let readDb = db
    let versions: ServerVersions
    let replica: ServerVersions | null = null
    try {
      versions = await checkServer(db)
      if (migrate !== false) await migrateLatest(db)
      if (readUrl) {
        readDb = await connect({ ...connection, url: readUrl, applicationName: 'riskmap-read' }, 'the read replica (READ_DATABASE_URL)')
        replica = await checkReplica(readDb, db, readUrl)
      }
    } catch (err) {
      await db.destroy()
      if (readDb !== db) await readDb.destroy()
      throw err
    }
    app.addHook('onClose', async () => {
      await db.destroy()
      if (readDb !== db) await readDb.destroy()
    })
    app.decorate('db', db)
    app.decorate('readDb', readDb)
    app.decorate('dbInfo', { ...versions, embedded: options.embedded, replica })
    if (replica) app.log.info({ replica: safeUrl(readUrl!) }, 'lag-tolerant reads (tiles, cells, regions) go to the read replica')
  },
  { name: 'riskmap-db', fastify: '5.x' },
)
