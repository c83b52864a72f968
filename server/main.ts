// The only file that touches the process: reads the environment, starts the embedded
// database when no DATABASE_URL is given, loads the demo data into an empty database,
// listens, and closes everything cleanly on SIGINT/SIGTERM.
import path from 'node:path'
import type { FastifyServerOptions } from 'fastify'
import { buildApp } from './app'
import { ConfigError, loadConfig } from './config'
import { DatabaseSetupError } from './db/check'
import { DataDirInUseError, startEmbedded, type EmbeddedDatabase } from './db/embedded'
import { createDemoAccounts, demoAccountTable, DEMO_ACCOUNTS_FILE } from './demo/accounts'
import { isDatabaseEmpty, loadDemo } from './demo/load'
import { publishDemo } from './demo/publication'
import { fullRegrade } from './grading/engine'
import { refreshRegionGrades } from './grading/regions'

/**
 * Log lines for whoever reads them: readable, coloured lines (pino-pretty) on a terminal, one JSON
 * object per line when the output goes to a file or a log collector, or when NODE_ENV=production.
 */
async function loggerOptions(level: string): Promise<FastifyServerOptions['logger']> {
  if (!process.stdout.isTTY || process.env.NODE_ENV === 'production') return { level }
  const { default: pretty } = await import('pino-pretty')
  return { level, stream: pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId', singleLine: true }) }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env)
  let embedded: EmbeddedDatabase | null = null
  if (!config.databaseUrl) {
    console.log(`Starting the embedded PostgreSQL+PostGIS database in ${config.dataDir} …`)
    embedded = await startEmbedded(config.dataDir)
  }
  const app = await buildApp({
    config,
    logger: await loggerOptions(config.logLevel),
    database: {
      url: config.databaseUrl ?? embedded!.url,
      embedded: embedded !== null,
      statementTimeoutMs: config.statementTimeoutMs,
      readUrl: config.readDatabaseUrl,
    },
  }).catch(async (err) => {
    await embedded?.stop()
    throw err
  })

  if (config.loadDemo && (await isDatabaseEmpty(app.db))) {
    app.log.info({ scale: config.demoScale }, 'empty database: loading the synthetic demo data set')
    const counts = await loadDemo(app.db, { scale: config.demoScale })
    app.log.info({ counts }, 'demo data loaded; grading it')
    const run = await fullRegrade(app.db, app.grading)
    app.log.info({ seconds: run.seconds, counts: run.counts }, 'demo data graded')
  }
  const regraded = await refreshRegionGrades(app.db, app.grading)
  if (regraded > 0) app.log.info({ regions: regraded, ruleVersion: app.grading.rules.version }, 'regions graded under an older rule version were regraded')
  if (config.loadDemo && config.demoAccounts) {
    const accounts = await createDemoAccounts(app.db, config.dataDir)
    if (accounts.length > 0) {
      console.log(`Demo accounts, one per role (passwords shown once; also in ${path.join(config.dataDir, DEMO_ACCOUNTS_FILE)}):`)
      for (const line of demoAccountTable(accounts)) console.log(`  ${line}`)
      const admin = accounts.find((a) => a.role === 'admin')
      if (admin) {
        const resolution = Math.min(config.publicMaxRes, config.h3Res)
        const id = await publishDemo(app.db, { approverUsername: admin.username, resolution, ruleVersion: app.grading.rules.version })
        if (id !== null) app.log.info({ publication: id }, 'demo data published for the public portal')
      }
    }
  }

  let closing = false
  const shutdown = async (signal: string) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    try {
      await app.close()
      await embedded?.stop()
      process.exit(0)
    } catch (err) {
      app.log.error({ err }, 'error during shutdown')
      process.exit(1)
    }
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))

  await app.listen({ port: config.port, host: config.host })
  const shownHost = config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host
  console.log(
    `riskmap is ready at http://${shownHost}:${(app.server.address() as { port: number }).port} (${embedded ? 'embedded database' : 'PostgreSQL'}, API docs at /api/docs)`,
  )
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DatabaseSetupError || err instanceof DataDirInUseError) {
    console.error(`riskmap cannot start: ${err.message}`)
  } else {
    console.error('riskmap failed to start:', err)
  }
  process.exit(1)
})
