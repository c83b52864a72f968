import crypto from 'node:crypto'
import pg from 'pg'

/** Creates an empty database with PostGIS on the server of `serverUrl`; returns its URL. */
export async function createScratchDatabase(serverUrl: string, prefix: string): Promise<string> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis')
  } finally {
    await client.end()
  }
  return url.toString()
}

/** Drops a database made by createScratchDatabase, ending its open connections first. */
export async function dropScratchDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1)
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to drop database "${name}"`)
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  } finally {
    await admin.end()
  }
}

/** An empty database of the same kind as the shared test database, for tests that need their own. */
export interface ScratchDatabase {
  url: string
  embedded: boolean
  drop(): Promise<void>
}

export async function openScratch(serverUrl: string | null, prefix: string): Promise<ScratchDatabase> {
  if (serverUrl) {
    const url = await createScratchDatabase(serverUrl, prefix)
    return { url, embedded: false, drop: () => dropScratchDatabase(serverUrl, url) }
  }
  const fs = await import('node:fs/promises')
  const os = await import('node:os')
  const path = await import('node:path')
  const { startEmbedded } = await import('../../server/db/embedded')
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${prefix}-`))
  const db = await startEmbedded(dir)
  return {
    url: db.url,
    embedded: true,
    async drop() {
      await db.stop()
      await fs.rm(dir, { recursive: true, force: true })
    },
  }
}
