import fs from 'node:fs'
import path from 'node:path'
import { parse as parseCsv } from 'csv-parse/sync'
import iconv from 'iconv-lite'
import { GBT4754_TABLE, industryTableOverlay, type IndustryTable, type IndustryTableRecord } from './domain/industry-classification'
import { DEFAULT_RULES } from './domain/rules'
import { chooseEncoding } from './modules/transfer/text-decode'
import { parseClassSpeeds, type ClassSpeedOverrides } from './domain/roads'
import register from '../data/gbt2260-21.json' with { type: 'json' }
import { regionDivisions, registerDivisions, type RegisterDivision } from './domain/division-register'

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
   * How many proxies in front of the service set X-Forwarded-For (0: none, the default). The client
   * address rate limits count by is then the one that many hops back, so a value the visitor put at
   * the left of the header is never taken (docs/security.md "Deployment").
   */
  trustProxy: number
  /**
   * The service's public origin (and path prefix) for absolute links: TileJSON tile URLs, OGC API
   * links. Null: the address the client connected to, or the forwarded host behind trusted proxies;
   * never a Host header a client sent directly.
   */
  publicUrl: string | null
  /** A shared secret a metrics scraper sends as `Authorization: Bearer …` for /api/metrics; null: admins only. */
  metricsToken: string | null
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
  /** Road class speeds and emergency factors replacing the defaults (ROAD_CLASS_SPEEDS, docs/domain.md §6). */
  roadClassSpeeds: ClassSpeedOverrides
  /**
   * The deployment's area as a GB/T 2260 code (REGION_CODE, default 210100 = Shenyang, the demo's
   * city); its register divisions (the unit, its ancestors and everything under it, from
   * data/gbt2260-21.json) are listed by /api/divisions with or without a boundary.
   */
  regionCode: string
  regionDivisions: readonly RegisterDivision[]
  /**
   * A Protomaps-schema PMTiles v3 file (BASEMAP_PMTILES, absolute path) served at
   * /basemap/region.pmtiles and drawn under the risk layers; null: the division basemap alone.
   */
  basemapPmtiles: string | null
  /**
   * The GB/T 4754 → service industry table that enterprise imports map registers' industries with:
   * the built-in one, with the rows of INDUSTRY_TABLE (a CSV: code,name,industry[,high_hazard]) laid over it.
   */
  industryTable: IndustryTable
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
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

/** TRUST_PROXY: a count of proxy hops. `true` (trust any X-Forwarded-For) is refused: a client could choose its address. */
function proxyHops(env: Record<string, string | undefined>): number {
  const raw = env.TRUST_PROXY?.trim().toLowerCase()
  if (raw === undefined || raw === '' || ['false', 'no', 'off'].includes(raw)) return 0
  if (['true', 'yes', 'on'].includes(raw)) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be the number of proxies in front of the service (1 for one load balancer), got "${env.TRUST_PROXY}": trusting every X-Forwarded-For lets a client choose its address`,
    )
  }
  return integer(env, 'TRUST_PROXY', 0, 0, 10)
}

/** PUBLIC_URL: http(s)://host[:port][/prefix], kept without a trailing slash. */
function publicUrl(env: Record<string, string | undefined>): string | null {
  const raw = env.PUBLIC_URL?.trim()
  if (!raw) return null
  if (!/^https?:\/\/[A-Za-z0-9.\-[\]:]+(\/[A-Za-z0-9._~\-/]*)?$/.test(raw)) {
    throw new ConfigError('PUBLIC_URL', `must be an http(s) origin with an optional path, such as https://risk.example.gov.cn, got "${raw}"`)
  }
  return raw.replace(/\/+$/, '')
}

/** METRICS_TOKEN: at least 24 characters of a URL-safe secret (e.g. `openssl rand -hex 16`). */
function metricsToken(env: Record<string, string | undefined>): string | null {
  const raw = env.METRICS_TOKEN?.trim()
  if (!raw) return null
  if (!/^[A-Za-z0-9._~+/=-]{24,200}$/.test(raw))
    throw new ConfigError('METRICS_TOKEN', 'must be a secret of 24 to 200 letters, digits or ._~+/=- (e.g. openssl rand -hex 16)')
  return raw
}

const ROUTING_ENGINES = ['auto', 'pgrouting', 'in-process'] as const

function routingEngine(env: Record<string, string | undefined>): Config['routingEngine'] {
  const raw = env.ROUTING_ENGINE?.trim() || 'auto'
  if (!(ROUTING_ENGINES as readonly string[]).includes(raw)) {
    throw new ConfigError('ROUTING_ENGINE', `must be one of ${ROUTING_ENGINES.join(', ')}, got "${raw}"`)
  }
  return raw as Config['routingEngine']
}

function roadClassSpeeds(env: Record<string, string | undefined>): ClassSpeedOverrides {
  const parsed = parseClassSpeeds(env.ROAD_CLASS_SPEEDS ?? '')
  if (typeof parsed === 'string') throw new ConfigError('ROAD_CLASS_SPEEDS', parsed)
  return parsed
}

const DEMO_CITY = '210100'
const REGISTER = registerDivisions(register.divisions as Array<[string, string, string | null]>)

function region(env: Record<string, string | undefined>): { regionCode: string; regionDivisions: RegisterDivision[] } {
  const raw = env.REGION_CODE?.trim() || '210100'
  if (!/^\d{6}$/.test(raw))
    throw new ConfigError('REGION_CODE', `must be a 6-digit GB/T 2260 code such as 210100 (Shenyang) or 210000 (Liaoning), got "${raw}"`)
  const divisions = regionDivisions(REGISTER, raw)
  if (divisions === null) {
    throw new ConfigError(
      'REGION_CODE',
      `${raw} is not a division code of the shipped register (${register.source}, province ${register.province}); see data/gbt2260-21.json`,
    )
  }
  return { regionCode: raw, regionDivisions: divisions }
}

/** INDUSTRY_TABLE: a CSV (UTF-8 or GBK) of mappings laid over the built-in GB/T 4754 table, or nothing. */
function industryTable(env: Record<string, string | undefined>): IndustryTable {
  const raw = env.INDUSTRY_TABLE?.trim()
  if (!raw) return GBT4754_TABLE
  const file = path.resolve(raw)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw new ConfigError(
      'INDUSTRY_TABLE',
      code === 'ENOENT' ? `names a file that does not exist: ${file}` : `cannot be read (${code ?? String(err)}): ${file}`,
    )
  }
  let text: string
  try {
    // The imports' own choice of UTF-8 or GBK; iconv drops a UTF-8 byte order mark.
    text = iconv.decode(bytes, chooseEncoding(bytes, true))
  } catch (err) {
    throw new ConfigError('INDUSTRY_TABLE', `${(err as Error).message}: ${file}`)
  }
  let records: IndustryTableRecord[]
  try {
    records = parseCsv(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
    }) as IndustryTableRecord[]
  } catch (err) {
    throw new ConfigError('INDUSTRY_TABLE', `is not a readable CSV (${(err as Error).message}): ${file}`)
  }
  const table = industryTableOverlay(
    GBT4754_TABLE,
    records,
    path.basename(file),
    DEFAULT_RULES.industries.map((i) => i.code),
  )
  if (typeof table === 'string') throw new ConfigError('INDUSTRY_TABLE', `is not a valid industry table: ${table}`)
  return table
}

/** The first bytes of every PMTiles v3 file: "PMTiles" and the version byte (PMTiles spec v3, header). */
const PMTILES_MAGIC = Buffer.from('PMTiles', 'ascii')
const PMTILES_HEADER_BYTES = 127

/** BASEMAP_PMTILES: a readable file that starts with a PMTiles v3 header, or nothing. */
function basemapPmtiles(env: Record<string, string | undefined>): string | null {
  const raw = env.BASEMAP_PMTILES?.trim()
  if (!raw) return null
  const file = path.resolve(raw)
  let header: Buffer
  try {
    const stat = fs.statSync(file)
    if (!stat.isFile()) throw new ConfigError('BASEMAP_PMTILES', `must name a .pmtiles file, but ${file} is not a file`)
    const fd = fs.openSync(file, 'r')
    try {
      header = Buffer.alloc(PMTILES_HEADER_BYTES)
      header = header.subarray(0, fs.readSync(fd, header, 0, PMTILES_HEADER_BYTES, 0))
    } finally {
      fs.closeSync(fd)
    }
  } catch (err) {
    if (err instanceof ConfigError) throw err
    const code = (err as NodeJS.ErrnoException).code
    throw new ConfigError(
      'BASEMAP_PMTILES',
      code === 'ENOENT' ? `names a file that does not exist: ${file}` : `cannot be read (${code ?? String(err)}): ${file}`,
    )
  }
  if (header.length < PMTILES_HEADER_BYTES || !header.subarray(0, 7).equals(PMTILES_MAGIC)) {
    throw new ConfigError(
      'BASEMAP_PMTILES',
      `is not a PMTiles file (no PMTiles header): ${file}; cut one from a planet file with "pmtiles extract" (README, Basemap)`,
    )
  }
  if (header[7] !== 3)
    throw new ConfigError('BASEMAP_PMTILES', `is a PMTiles version ${header[7]} file, the service reads version 3 (convert it with "pmtiles convert"): ${file}`)
  return file
}

/** Parses and validates the environment; throws ConfigError naming the variable at fault. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const databaseUrl = postgresUrl(env, 'DATABASE_URL')
  const logLevel = (env.LOG_LEVEL?.trim() || 'info') as Config['logLevel']
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`)
  }
  const host = env.HOST?.trim() || '127.0.0.1'
  const area = region(env)
  // The demo data set is Shenyang (docs/domain.md §11): it loads by default only into a region that covers it.
  const demoFits = area.regionDivisions.some((d) => d.code === DEMO_CITY)
  const loadDemo = boolean(env, 'LOAD_DEMO', databaseUrl === null && demoFits)
  if (loadDemo && !demoFits)
    throw new ConfigError(
      'LOAD_DEMO',
      `the demo data set is Shenyang (${DEMO_CITY}), outside REGION_CODE ${area.regionCode}: set LOAD_DEMO=false or REGION_CODE to 210100 or 210000`,
    )
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host,
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || './.riskmap'),
    h3Res: integer(env, 'H3_RES', 8, 5, 11),
    logLevel,
    statementTimeoutMs: integer(env, 'STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    loadDemo,
    demoScale: integer(env, 'DEMO_SCALE', 1, 1, 100),
    readDatabaseUrl: postgresUrl(env, 'READ_DATABASE_URL'),
    publicMaxRes: integer(env, 'PUBLIC_MAX_RES', 7, 4, 8),
    cookieSecure: boolean(env, 'COOKIE_SECURE', false),
    reportDeadlineDays: integer(env, 'REPORT_DEADLINE_DAYS', 15, 1, 365),
    demoAccounts: boolean(env, 'DEMO_ACCOUNTS', databaseUrl === null),
    trustProxy: proxyHops(env),
    publicUrl: publicUrl(env),
    metricsToken: metricsToken(env),
    importRepairMaxAreaChange: percentShare(env, 'IMPORT_REPAIR_MAX_AREA_CHANGE', 0.01),
    routingEngine: routingEngine(env),
    routingMaxSnapM: integer(env, 'ROUTING_MAX_SNAP_M', 500, 10, 50_000),
    routingOffRoadKmh: integer(env, 'ROUTING_OFFROAD_KMH', 10, 1, 60),
    roadClassSpeeds: roadClassSpeeds(env),
    ...area,
    basemapPmtiles: basemapPmtiles(env),
    industryTable: industryTable(env),
  }
}
