/**
 * Generates the synthetic demo set and loads it into an empty PostgreSQL/PostGIS database.
 *
 *   tsx scripts/generate-demo.ts [--scale N] [--seed S] [--today YYYY-MM-DD] [--database-url URL] [--dry-run]
 *
 * Without --dry-run the database (from --database-url, else DATABASE_URL) is migrated first and
 * must hold no divisions. --dry-run only generates and prints the counts.
 */
import { parseArgs } from 'node:util'
import { createKnex } from '../server/db/knex'
import { migrateLatest } from '../server/db/migrate'
import { DEMO_TABLES, generateDemoBatches, type DemoOptions, type DemoTable } from '../server/demo/generate'
import { isDatabaseEmpty, loadDemo } from '../server/demo/load'

/** Per-statement timeout while loading, milliseconds: large scales insert big batches. */
const STATEMENT_TIMEOUT_MS = 10 * 60 * 1000

function usage(message: string): never {
  console.error(`${message}\nusage: tsx scripts/generate-demo.ts [--scale N] [--seed S] [--today YYYY-MM-DD] [--database-url URL] [--dry-run]`)
  process.exit(2)
}

function printCounts(counts: Record<DemoTable, number>, seconds: number): void {
  const width = Math.max(...DEMO_TABLES.map((t) => t.length))
  let total = 0
  for (const table of DEMO_TABLES) {
    total += counts[table]
    console.log(`${table.padEnd(width)}  ${String(counts[table]).padStart(9)}`)
  }
  console.log(`${'total'.padEnd(width)}  ${String(total).padStart(9)}`)
  console.log(`elapsed ${seconds.toFixed(1)} s`)
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      seed: { type: 'string' },
      today: { type: 'string' },
      'database-url': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  })
  const scale = Number(values.scale)
  if (!Number.isFinite(scale) || scale <= 0) usage(`--scale must be a positive number, got "${values.scale}"`)
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) usage(`--today must be YYYY-MM-DD, got "${values.today}"`)
  const options: DemoOptions = {
    scale,
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.today !== undefined ? { today: new Date(`${values.today}T00:00:00Z`) } : {}),
  }
  const started = performance.now()

  if (values['dry-run']) {
    const counts = Object.fromEntries(DEMO_TABLES.map((t) => [t, 0])) as Record<DemoTable, number>
    for (const batch of generateDemoBatches(options)) counts[batch.table] += batch.rows.length
    printCounts(counts, (performance.now() - started) / 1000)
    return
  }

  const url = values['database-url'] ?? process.env.DATABASE_URL
  if (!url) usage('--database-url (or DATABASE_URL) is required unless --dry-run is given')
  const db = createKnex({ url, embedded: false, statementTimeoutMs: STATEMENT_TIMEOUT_MS })
  try {
    await migrateLatest(db)
    if (!(await isDatabaseEmpty(db))) {
      console.error('the database already holds divisions: load the demo set into an empty database')
      process.exitCode = 1
      return
    }
    const interactive = process.stderr.isTTY
    const counts = await loadDemo(db, {
      ...options,
      onProgress(table, loaded) {
        if (interactive) process.stderr.write(`\r${table.padEnd(34)}${String(loaded).padStart(9)}`)
      },
    })
    if (interactive) process.stderr.write('\r'.padEnd(45) + '\r')
    printCounts(counts, (performance.now() - started) / 1000)
  } finally {
    await db.destroy()
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err)
  process.exitCode = 1
})
