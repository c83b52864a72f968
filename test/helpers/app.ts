import { inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import type { Role } from '../../server/modules/auth/access'
import { injectAs, signIn } from './auth'

export interface TestAppOptions {
  /** Whose session `app.inject` carries: a role's test account (default admin), or null for anonymous. */
  as?: Role | null
}

/** Builds the app over the shared test database (see test/setup/global-db.ts), signed in as `options.as`. */
export async function buildTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env })
  const app = await buildApp({
    config,
    database: { url: inject('databaseUrl'), embedded: inject('embedded'), statementTimeoutMs: config.statementTimeoutMs },
  })
  const role = options.as === undefined ? 'admin' : options.as
  // The database plugin has loaded (buildApp awaits it), so the session can be made before ready:
  // tests may still add routes.
  if (role) injectAs(app, (await signIn(app, role)).headers)
  return app
}
