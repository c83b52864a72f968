import path from 'node:path'

/** Typed service configuration, parsed once from the environment by main.ts. */
export interface Config {
  /** TCP port the HTTP server listens on. */
  port: number
  host: string
  /** PostgreSQL connection string; null → the embedded PGlite+PostGIS database in `dataDir`. */
  databaseUrl: string | null
  /** Folder for the embedded database and caches. */
  dataDir: string
  /** H3 analysis resolution (docs/domain.md §4.2): 8 ≈ 0.74 km² per cell, 9 for a dense city. */
  h3Res: number
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** Server-side statement timeout for every query, milliseconds. */
  statementTimeoutMs: number
  /** Load the demo data set into an empty database at start-up. */
  loadDemo: boolean
  /** Scale factor of the demo set (1 = one city, a few thousand enterprises). */
  demoScale: number
  /** A streaming replica for reads (tiles, cells, regions); null → reads go to `databaseUrl`. */
  readDatabaseUrl: string | null
  /** Finest H3 resolution a publication (and so the public map) shows; coarser hides single sites. */
  publicMaxRes: number
  /** Mark the session cookie Secure (only sent over HTTPS); on behind a TLS-terminating proxy. */
  cookieSecure: boolean
  /** Days staff have to handle a public report before it shows as overdue. */
  reportDeadlineDays: number
  /**
   * Trust X-Forwarded-For from a load balancer in front (Fastify's trustProxy), so the client
   * address that rate limits count by is the visitor's, not the balancer's.
   */
  trustProxy: boolean
  /** Create one demo account per role (passwords in DATA_DIR/demo-accounts.txt) when the demo loads. */
  demoAccounts: boolean
  /** Largest change of area (a share, 0.01 = 1 %) an import's polygon repair may make; more is refused for that row. */
  importRepairMaxAreaChange: number
  /**
   * Travel-time routing (docs/domain.md §6): `auto` = pgRouting on a real server when it has the
   * extension (routing answers 503 when not), the in-process engine on the embedded database;
   * `pgrouting` = refuse to start without it; `in-process` = the in-process engine everywhere.
   */
  routingEngine: 'auto' | 'pgrouting' | 'in-process'
  /** A point farther than this from every road is off the network, metres. */
  routingMaxSnapM: number
  /** Speed of the off-road leg between a point and its nearest road, km/h. */
  routingOffRoadKmh: number
}

export class ConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`Invalid configuration: ${variable} ${message}`)
    this.name = 'ConfigError'
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number, got "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`)
  return value
}

/** A share written as a percentage (`1%`, `0.5 %`) or a fraction (`0.01`), 0–100 %. */
function percentShare(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name]?.trim()
  if (raw === undefined || raw === '') return fallback
  const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(raw)
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN
  if (!(value >= 0 && value <= 1)) throw new ConfigError(name, `must be a share such as 1% or 0.01 (0–100 %), got "${raw}"`)
  return value
}

function boolean(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`)
}

function postgresUrl(env: Record<string, string | undefined>, name: string): string | null {
  const url = env[name]?.trim() || null
  if (url !== null && !/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(name, `must start with postgres:// or postgresql://, got "${url}"`)
  return url
}

const ROUTING_ENGINES = ['auto', 'pgrouting', 'in-process'] as const

function routingEngine(env: Record<string, string | undefined>): Config['routingEngine'] {
  const raw = env.ROUTING_ENGINE?.trim() || 'auto'
  if (!(ROUTING_ENGINES as readonly string[]).includes(raw)) {
    throw new ConfigError('ROUTING_ENGINE', `must be one of ${ROUTING_ENGINES.join(', ')}, got "${raw}"`)
  }
  return raw as Config['routingEngine']
}

/** Parses and validates the environment; throws ConfigError naming the variable at fault. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const databaseUrl = postgresUrl(env, 'DATABASE_URL')
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`)
  }
  const host = env.HOST?.trim() || '127.0.0.1'
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || './.riskmap'),
    h3Res: integer(env, 'H3_RES', 8, 5, 11),
    logLevel,
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    loadDemo: boolean(env, 'LOAD_DEMO', databaseUrl === null),
    demoScale: integer(env, 'DEMO_SCALE', 1, 1, 100),
    readDatabaseUrl: postgresUrl(env, 'READ_DATABASE_URL'),
    publicMaxRes: integer(env, 'PUBLIC_MAX_RES', 7, 4, 8),
    cookieSecure: boolean(env, 'COOKIE_SECURE', false),
    reportDeadlineDays: integer(env, 'REPORT_DEADLINE_DAYS', 15, 1, 365),
    demoAccounts: boolean(env, 'DEMO_ACCOUNTS', databaseUrl === null),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    importRepairMaxAreaChange: percentShare(env, 'IMPORT_REPAIR_MAX_AREA_CHANGE', 0.01),
    routingEngine: routingEngine(env),
    routingMaxSnapM: integer(env, 'ROUTING_MAX_SNAP_M', 500, 10, 50_000),
    routingOffRoadKmh: integer(env, 'ROUTING_OFFROAD_KMH', 10, 1, 60),
  }
}
