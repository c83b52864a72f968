// `npm run bench -- load [--database-url URL] [--duration 60] [--connections 100]`: the service under
// a mixed load. Starts server/main.ts in a child process on real PostGIS with the province-sized set
// (default: riskmap_bench_province on the local server, created, loaded at scale 60 and graded when
// empty), then drives it from this process with autocannon for the duration: vector tiles at zooms
// 6–14 over Shenyang (a fixed block = cache hits, random tiles = mostly misses), `/api/cells/{h3}`
// for cells sampled from the table, `/api/resources/nearest` at random points, and a trickle of
// writes (report a hidden danger, rectify it, verify it). Samples the server's RSS every second.
// Prints one JSON line; progress goes to stderr. --quick: a scratch database with the small demo set,
// 5 connections for 3 s (seconds).
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { fullRegrade } from '../../server/grading/engine'
import { isDatabaseEmpty, loadDemo } from '../../server/demo/load'
import { tileAt } from '../../server/modules/tiles/tile'
import pg from 'pg'
import { benchAuth, quickDatabase } from '../lib/bench'
import { localBenchDatabase } from '../lib/database'

/** The slice of autocannon's programmatic API used here (the package ships no typings). */
interface AutocannonResult {
  requests: { total: number }
  latency: { p50: number; p99: number }
  errors: number
  timeouts: number
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, ms: number) => void): void
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: Record<string, unknown>) => AutocannonInstance

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const quick = values.quick ? await quickDatabase('load') : null
const DURATION_S = Number(values.duration ?? (quick ? 3 : 60))
const CONNECTIONS = Number(values.connections ?? (quick ? 5 : 100))
/** Share of request cycles (per connection) that also run the write chain. */
const WRITE_SHARE = 0.02
/** Shenyang: centre and the box random points and tiles are drawn from. */
const CENTRE = { lon: 123.43, lat: 41.8 }
const BOX = { west: 122.9, south: 41.55, east: 123.9, north: 42.15 }

const log = (message: string) => process.stderr.write(`[bench load] ${message}\n`)
const url = quick?.url ?? values['database-url'] ?? process.env.DATABASE_URL ?? (await localBenchDatabase())

// --- the data set: load and grade it when empty ---
{
  const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
  await migrateLatest(db)
  if (await isDatabaseEmpty(db)) {
    log('loading the province-sized demo set (scale 60) and grading it; this takes a few minutes …')
    await loadDemo(db, { scale: 60 })
    await fullRegrade(db, { res: 8, rules: DEFAULT_RULES })
  } else if (Number((await db('cell').count<{ count: string }[]>('* as count'))[0]!.count) === 0) {
    log('grading the data set …')
    await fullRegrade(db, { res: 8, rules: DEFAULT_RULES })
  }
  await db.destroy()
}

// --- sessions: the API needs a signed-in staff member (an admin records and rectifies; a second admin
// verifies, since one account may not verify what it reported: docs/security.md "Duties") ---
const auth = await benchAuth(url)
const verifierAuth = await benchAuth(url, 'bench_verifier')

// --- samples ---
const client = new pg.Client({ connectionString: url })
await client.connect()
const cells = (await client.query<{ h3: string }>('SELECT h3 FROM cell WHERE res = 8 ORDER BY md5(h3) LIMIT 5000')).rows.map((r) => r.h3)
const enterprises = (await client.query<{ id: string }>('SELECT id FROM enterprise ORDER BY md5(id::text) LIMIT 2000')).rows.map((r) => Number(r.id))
await client.end()
if (cells.length === 0 || enterprises.length === 0) throw new Error('the bench database holds no graded cells or no enterprises')

const random = (a: number, b: number) => a + Math.random() * (b - a)
const pick = <T>(list: T[]): T => list[Math.floor(Math.random() * list.length)]!
/** Cache hits: a 3×3 block around the centre at each zoom 6–14, the same URLs over and over. */
const hotTiles: string[] = []
for (let z = 6; z <= 14; z++) {
  const { x, y } = tileAt(CENTRE.lon, CENTRE.lat, z)
  for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) hotTiles.push(`/tiles/cells/${z}/${x + dx}/${y + dy}.mvt`)
}
/** Misses (mostly): a random tile in the box at zoom 10–14. */
const coldTile = () => {
  const z = 10 + Math.floor(Math.random() * 5)
  const { x, y } = tileAt(random(BOX.west, BOX.east), random(BOX.south, BOX.north), z)
  return `/tiles/cells/${z}/${x}/${y}.mvt`
}
const readPath = (): string => {
  const r = Math.random()
  if (r < 0.35) return pick(hotTiles)
  if (r < 0.55) return coldTile()
  if (r < 0.8) return `/api/cells/${pick(cells)}`
  return `/api/resources/nearest?lon=${random(BOX.west, BOX.east).toFixed(5)}&lat=${random(BOX.south, BOX.north).toFixed(5)}&k=5`
}

// --- the server, a child process ---
const { DATABASE_URL: _omit, ...inherited } = process.env
const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  env: { ...inherited, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'warn', LOAD_DEMO: 'false' },
  stdio: ['ignore', 'pipe', 'inherit'],
})
const base = await new Promise<string>((resolve, reject) => {
  let out = ''
  child.stdout!.on('data', (d) => {
    out += d
    const m = /ready at (http:\/\/\S+) /.exec(out)
    if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'))
  })
  child.on('exit', (code) => reject(new Error(`the server exited before it was ready (${code})`)))
})
log(`server ${child.pid} ready at ${base}; ${CONNECTIONS} connections for ${DURATION_S} s`)

const rssMb = (): number | null => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))
    return m ? Number(m[1]) / 1024 : null
  } catch {
    return null
  }
}
const rss: number[] = []
const sampler = setInterval(() => {
  const v = rssMb()
  if (v !== null) rss.push(v)
}, 1000)

// --- the load: each connection cycles through this list; the last three steps are the write chain,
// run on WRITE_SHARE of the cycles (a read otherwise). ---
interface Ctx {
  write?: boolean
  dangerId?: number
}
const json = { ...auth, 'content-type': 'application/json' }
const read = { setupRequest: (req: Record<string, unknown>) => ({ ...req, method: 'GET', path: readPath(), headers: auth }) }
const requests = [
  {
    setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
      ctx.write = Math.random() < WRITE_SHARE
      ctx.dangerId = undefined
      return { ...req, method: 'GET', path: readPath(), headers: auth }
    },
  },
  read,
  read,
  read,
  read,
  read,
  read,
  {
    setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
      if (!ctx.write) return { ...req, method: 'GET', path: readPath(), headers: auth }
      const body = { enterpriseId: pick(enterprises), description: '压测隐患', isMajor: true, foundAt: '2026-11-01', deadline: '2026-12-31' }
      return { ...req, method: 'POST', path: '/api/hidden-dangers', headers: json, body: JSON.stringify(body) }
    },
    onResponse: (status: number, body: string, ctx: Ctx) => {
      if (ctx.write && status === 201) ctx.dangerId = (JSON.parse(body) as { id: number }).id
    },
  },
  {
    setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
      if (!ctx.dangerId) return { ...req, method: 'GET', path: readPath(), headers: auth }
      return {
        ...req,
        method: 'POST',
        path: `/api/hidden-dangers/${ctx.dangerId}/rectify`,
        headers: json,
        body: JSON.stringify({ rectification: '已更换报警器' }),
      }
    },
  },
  {
    setupRequest: (req: Record<string, unknown>, ctx: Ctx) => {
      if (!ctx.dangerId) return { ...req, method: 'GET', path: readPath(), headers: auth }
      return {
        ...req,
        method: 'POST',
        path: `/api/hidden-dangers/${ctx.dangerId}/verify`,
        headers: { ...verifierAuth, 'content-type': 'application/json' },
        body: '{}',
      }
    },
  },
]

const statuses = new Map<number, number>()
const instance = autocannon({
  url: base,
  connections: CONNECTIONS,
  duration: DURATION_S,
  timeout: 30,
  headers: auth,
  requests,
})
instance.on('response', (_client: unknown, statusCode: number) => statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1))
const result = await instance
clearInterval(sampler)

child.kill('SIGTERM')
const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))

const bad = [...statuses].filter(([s]) => s >= 400).reduce((n, [, c]) => n + c, 0)
const mean = (list: number[]) => (list.length ? Math.round((list.reduce((a, b) => a + b, 0) / list.length) * 10) / 10 : null)
log(`status codes: ${JSON.stringify(Object.fromEntries(statuses))}; timeouts ${result.timeouts}, socket errors ${result.errors}; server exit ${code}`)
console.log(
  JSON.stringify({
    case: 'load',
    requests: result.requests.total,
    errors: bad + result.errors + result.timeouts,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    rss_mb_max: Math.round(Math.max(...rss)),
    rss_mb_first_10s: mean(rss.slice(0, 10)),
    rss_mb_last_10s: mean(rss.slice(-10)),
    ...(quick ? { quick: true } : {}),
  }),
)
await quick?.drop()
// A quick run checks that the bench still works: any error fails it.
if (quick && bad + result.errors + result.timeouts > 0) process.exit(1)
