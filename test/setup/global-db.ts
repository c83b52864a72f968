import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { createKnex } from '../../server/db/knex'
import { startEmbedded, type EmbeddedDatabase } from '../../server/db/embedded'
import { migrateLatest } from '../../server/db/migrate'
import { loadDemo } from '../../server/demo/load'
import { fullRegrade } from '../../server/grading/engine'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { createScratchDatabase, dropScratchDatabase } from '../helpers/scratch-db'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the shared test database (migrated, with the scale-1 demo set, graded). */
    databaseUrl: string
    embedded: boolean
    /** Real PostGIS only: a server URL tests may use to create their own scratch databases. */
    serverUrl: string | null
  }
}

/**
 * Prepares one database for every integration and browser test: a fresh database on the
 * PostGIS server named by TEST_DATABASE_URL / DATABASE_URL, or an embedded PGlite+PostGIS.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || null
  let embedded: EmbeddedDatabase | null = null
  let tmpDir: string | null = null
  let url: string
  if (serverUrl) {
    url = await createScratchDatabase(serverUrl, 'riskmap_test')
  } else {
    tmpDir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-test-'))
    embedded = await startEmbedded(tmpDir)
    url = embedded.url
  }
  const db = createKnex({ url, embedded: embedded !== null, statementTimeoutMs: 120_000 })
  try {
    await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
    await migrateLatest(db)
    await loadDemo(db, { scale: 1 })
    await fullRegrade(db, { res: 8, rules: DEFAULT_RULES })
  } finally {
    await db.destroy()
  }
  project.provide('databaseUrl', url)
  project.provide('embedded', embedded !== null)
  project.provide('serverUrl', serverUrl)

  return async () => {
    if (embedded) await embedded.stop()
    if (tmpDir) await fs.rm(tmpDir, { recursive: true, force: true })
    if (serverUrl) await dropScratchDatabase(serverUrl, url)
  }
}
