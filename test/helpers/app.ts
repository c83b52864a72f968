import { inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'

/** Builds the app over the shared test database (see test/setup/global-db.ts). */
export async function buildTestApp(env: Record<string, string> = {}): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env })
  return buildApp({
    config,
    database: { url: inject('databaseUrl'), embedded: inject('embedded'), statementTimeoutMs: config.statementTimeoutMs },
  })
}
