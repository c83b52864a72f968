import fs from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'

/** A running embedded database: PGlite+PostGIS served over the PostgreSQL wire protocol. */
export interface EmbeddedDatabase {
  /** Connection string for the `pg` driver, on 127.0.0.1 and a private (OS-chosen) port. */
  url: string
  stop(): Promise<void>
}

/**
 * Starts PGlite with PostGIS in `dataDir/pgdata` (kept between runs) and serves it through
 * pglite-socket, so the app uses the same knex/pg code as on a real server (DESIGN §10).
 * PGlite is one single-user session: the app must use a pool of one connection so that
 * transactions never interleave (see createDatabase).
 */
export async function startEmbedded(dataDir: string): Promise<EmbeddedDatabase> {
  const pgdata = path.join(dataDir, 'pgdata')
  await fs.mkdir(pgdata, { recursive: true })
  const db = await PGlite.create({ dataDir: pgdata, extensions: { postgis } })
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 })
  await server.start()
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async stop() {
      await server.stop()
      await db.close()
    },
  }
}
