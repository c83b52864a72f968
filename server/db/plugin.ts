import fp from 'fastify-plugin'
import type { Knex } from 'knex'
import { createKnex, type DatabaseOptions } from './knex'
import { checkServer, explainConnectionError, type ServerVersions } from './check'
import { migrateLatest } from './migrate'

declare module 'fastify' {
  interface FastifyInstance {
    /** The knex instance (with knex-postgis) over the pooled `pg` driver. */
    db: Knex
    dbInfo: ServerVersions & { embedded: boolean }
  }
}

export interface DatabasePluginOptions extends DatabaseOptions {
  /** Apply pending migrations at start-up (default true). */
  migrate?: boolean
}

/**
 * The database as a named plugin: connects, refuses an old or missing PostGIS with a clear
 * message, applies migrations, decorates `app.db`, and ends the pool when the app closes.
 */
export const databasePlugin = fp<DatabasePluginOptions>(
  async (app, options) => {
    const db = createKnex(options)
    let versions: ServerVersions
    try {
      await db.raw('SELECT 1')
    } catch (err) {
      await db.destroy()
      throw explainConnectionError(err, options.url)
    }
    try {
      versions = await checkServer(db)
      if (options.migrate !== false) await migrateLatest(db)
    } catch (err) {
      await db.destroy()
      throw err
    }
    app.addHook('onClose', async () => {
      await db.destroy()
    })
    app.decorate('db', db)
    app.decorate('dbInfo', { ...versions, embedded: options.embedded })
  },
  { name: 'riskmap-db', fastify: '5.x' },
)
