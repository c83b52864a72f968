import fs from 'node:fs/promises'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { serveWire } from './embedded-wire'
import { postgisWithoutRaster } from './postgis-bundle'

/** A running embedded database: PGlite+PostGIS served over the PostgreSQL wire protocol. */
export interface EmbeddedDatabase {
  /** Connection string for the `pg` driver, on 127.0.0.1 and a private (OS-chosen) port. */
  url: string
  stop(): Promise<void>
}

/**
 * Starts PGlite with PostGIS in `dataDir/pgdata` (kept between runs) and serves it over the wire
 * protocol on 127.0.0.1 (`port` 0: a free port chosen by the system), so the app, the scripts and
 * the tests in other processes all use the same knex/pg code as on a real server
 * (docs/architecture.md). PGlite is one single-user session: the server (embedded-wire.ts) runs one
 * connection's transaction at a time, and the app uses a pool of one connection (see createKnex).
 */
export async function startEmbedded(dataDir: string, port = 0): Promise<EmbeddedDatabase> {
  const pgdata = path.join(dataDir, 'pgdata')
  await fs.mkdir(pgdata, { recursive: true })
  const releaseLock = await lockDataDir(dataDir)
  try {
    const db = await PGlite.create({ dataDir: pgdata, extensions: { postgis: postgisWithoutRaster } })
    const server = await serveWire(db, '127.0.0.1', port).catch(async (err: unknown) => {
      await db.close()
      throw err
    })
    return {
      url: `postgres://postgres@${server.address}/postgres`,
      async stop() {
        await server.close()
        await db.close()
        await releaseLock()
      },
    }
  } catch (err) {
    await releaseLock()
    throw err
  }
}

/** Thrown when another live process holds the embedded database. */
export class DataDirInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid}. Stop that process first, ` +
        'or work through its API (e.g. POST /api/grading/runs for a regrade).',
    )
    this.name = 'DataDirInUseError'
  }
}

/**
 * PGlite files must never be opened by two processes at once: a pid file in the data folder
 * claims it; a pid file left by a dead process is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, 'riskmap.pid')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx' })
      return () => fs.rm(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const pid = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim())
      if (pid > 0 && isAlive(pid)) throw new DataDirInUseError(dataDir, pid)
      await fs.rm(file, { force: true })
    }
  }
  throw new Error(`could not claim ${file}`)
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}
