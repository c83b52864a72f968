import pg from 'pg'
import type { Knex } from 'knex'
import type { Config } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { checkServer, explainConnectionError } from '../../server/db/check'
import { startEmbedded } from '../../server/db/embedded'
import { migrateLatest } from '../../server/db/migrate'

/** Opens the configured database for a command-line script (the embedded one when DATABASE_URL is unset), migrated. */
export async function openDatabase(config: Config): Promise<{ db: Knex; embedded: boolean; close(): Promise<void> }> {
  const embedded = config.databaseUrl ? null : await startEmbedded(config.dataDir)
  const url = config.databaseUrl ?? embedded!.url
  const db = createKnex({ url, embedded: embedded !== null, statementTimeoutMs: 0 })
  try {
    await db.raw('SELECT 1').catch((err) => {
      throw explainConnectionError(err, url)
    })
    await checkServer(db)
    await migrateLatest(db)
  } catch (err) {
    await db.destroy()
    await embedded?.stop()
    throw err
  }
  return {
    db,
    embedded: embedded !== null,
    async close() {
      await db.destroy()
      await embedded?.stop()
    },
  }
}

/** A one-line progress bar with counts and an ETA, redrawn in place on a terminal. */
export function progressBar(label: string): (done: number, total: number, phase?: string) => void {
  const started = Date.now()
  let last = 0
  return (done, total, phase = '') => {
    const now = Date.now()
    if (now - last < 200 && done < total) return
    last = now
    const fraction = total > 0 ? Math.min(1, done / total) : 1
    const width = 30
    const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '░')
    const elapsed = (now - started) / 1000
    const eta = fraction > 0 && fraction < 1 ? `ETA ${Math.ceil((elapsed / fraction) * (1 - fraction))} s` : ''
    const line = `${label} ${phase.padEnd(8)} ${bar} ${done}/${total} ${elapsed.toFixed(1)} s ${eta}`
    if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(100)}`)
    else process.stderr.write(`${line}\n`)
  }
}

/** The province-sized benchmark database on the local server (created with PostGIS if missing). */
export async function localBenchDatabase(name = 'riskmap_bench_province'): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`)
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' })
  await admin.connect()
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const target = `postgres://postgres@127.0.0.1:5432/${name}`
  const client = new pg.Client({ connectionString: target })
  await client.connect()
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis')
  } finally {
    await client.end()
  }
  return target
}
