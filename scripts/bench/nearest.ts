/**
 * Benchmark of GET /api/resources/nearest (docs/domain.md §6): `npm run bench -- nearest [options]`.
 *
 * Needs DATABASE_URL: a PostgreSQL server with PostGIS. It creates a scratch database, fills it
 * with random resources over north-east China in one `INSERT … SELECT generate_series` (indexes
 * dropped during the load and rebuilt after it, then ANALYZE), starts the real HTTP server on a
 * loopback port, and times sequential requests over one keep-alive connection against the very
 * same SQL statement run directly with `pg` (ratio = API p50 / raw SQL p50; the API runs it as a
 * prepared statement, so raw_sql_prepared_p50_ms is also given). Prints one JSON line; progress
 * goes to stderr.
 *
 * The route needs a session: the bench signs in as `bench_admin` (scripts/lib/bench.ts).
 *
 * Options: --rows N (default 1 000 000), --requests N (default 2 000), --k N (default 5), --keep;
 * --quick: 2 000 resources, 50 requests after 20 of warm-up (seconds). Without DATABASE_URL the
 * scratch database is made on the local server (postgres://postgres@127.0.0.1:5432/postgres).
 */
import http from 'node:http'
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { CAPABILITIES, RESOURCE_KINDS } from '../../server/domain/resources'
import { nearestStatement, type NearestQuery } from '../../server/modules/resources/nearest'
import { createScratchDatabase, dropScratchDatabase } from '../../test/helpers/scratch-db'
import { BENCH_SERVER_URL, benchAuth } from '../lib/bench'

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string' },
    requests: { type: 'string' },
    k: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  },
})
const ROWS = Number(args.rows ?? (args.quick ? 2000 : 1_000_000))
const REQUESTS = Number(args.requests ?? (args.quick ? 50 : 2000))
const K = Number(args.k)
/** Requests of each kind made before timing starts (connections, plan caches, shared buffers). */
const WARM_UP = args.quick ? 20 : 300
/** Random resources and query points lie in this box, WGS 84 degrees: north-east China. */
const REGION = { minLon: 118, minLat: 38, maxLon: 135, maxLat: 53.5 }
/** Share of resources carrying each capability. */
const CAPABILITY_SHARE = 0.25

const log = (message: string) => process.stderr.write(`[bench nearest] ${message}\n`)

/** Deterministic PRNG (mulberry32): the same query points on every run. */
function rng(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function percentile(sortedMs: number[], p: number): number {
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1))
  return Math.round(sortedMs[i]! * 1000) / 1000
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const t0 = performance.now()
  const result = await work()
  log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  return result
}

/** One GET over the keep-alive agent, signed in; resolves with the parsed body. */
function get(agent: http.Agent, port: number, path: string, headers: Record<string, string>): Promise<{ items: Array<{ id: number }> }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${text}`))
        else resolve(JSON.parse(text))
      })
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

const config = loadConfig(process.env)
const serverUrl = BENCH_SERVER_URL
const url = await createScratchDatabase(serverUrl, 'riskmap_bench_nearest')
log(`scratch database ${new URL(url).pathname.slice(1)}; ${ROWS} resources, ${REQUESTS} requests, k=${K}`)
const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
let app: Awaited<ReturnType<typeof buildApp>> | null = null
const raw = new pg.Client({ connectionString: url })
let rawConnected = false
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

try {
  await migrateLatest(db)
  await timed('load', () =>
    db.transaction(async (trx) => {
      // Secondary indexes are rebuilt after the load (much faster than maintaining them row by row).
      const { rows: indexes } = await trx.raw<{ rows: Array<{ name: string; def: string }> }>(
        `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'resource' AND indexname <> 'resource_pkey'`,
      )
      for (const ix of indexes) {
        if (!/^[a-z0-9_]+$/.test(ix.name)) throw new Error(`unexpected index name ${ix.name}`)
        await trx.raw(`DROP INDEX ${ix.name}`)
      }
      await trx.raw('SELECT setseed(0.2026)')
      await trx.raw(
        `INSERT INTO resource (kind, name, status, capabilities, team_type, headcount, equipment_type, quantity, capacity, expert_field, synthetic, geom)
         SELECT kind, kind || ' ' || g, status, caps,
           CASE WHEN kind = 'rescue_team' THEN 'bench' END, CASE WHEN kind = 'rescue_team' THEN 30 END,
           CASE WHEN kind = 'equipment' THEN 'bench' END, CASE WHEN kind = 'equipment' THEN 2 END,
           CASE WHEN kind = 'shelter' THEN 1000 END, CASE WHEN kind = 'expert' THEN 'bench' END,
           true, ST_SetSRID(ST_MakePoint(?::float8 + random() * ?::float8, ?::float8 + random() * ?::float8), 4326)
         FROM generate_series(1, ?::int) AS g
         CROSS JOIN LATERAL (
           SELECT (?::text[])[1 + floor(random() * ?::int)::int + 0 * g] AS kind,
                  CASE WHEN random() < 0.85 THEN 'available' WHEN random() < 0.6 THEN 'deployed' ELSE 'out_of_service' END AS status,
                  ARRAY(SELECT c FROM unnest(?::text[]) AS c WHERE random() < ?::float8 AND g > 0) AS caps
         ) AS r`,
        [
          REGION.minLon,
          REGION.maxLon - REGION.minLon,
          REGION.minLat,
          REGION.maxLat - REGION.minLat,
          ROWS,
          `{${RESOURCE_KINDS.join(',')}}`,
          RESOURCE_KINDS.length,
          `{${CAPABILITIES.join(',')}}`,
          CAPABILITY_SHARE,
        ],
      )
      for (const ix of indexes) await trx.raw(ix.def)
    }),
  )
  await timed('analyze', () => db.raw('VACUUM ANALYZE resource'))
  const auth = await benchAuth(url)

  app = await buildApp({
    config: { ...config, databaseUrl: url, logLevel: 'silent' },
    database: { url, embedded: false, statementTimeoutMs: config.statementTimeoutMs },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  await raw.connect()
  rawConnected = true

  // The same query points for the API and the raw SQL: every other one filtered by capability.
  const random = rng(42)
  const points = Array.from({ length: WARM_UP + REQUESTS }, (_, i): NearestQuery => ({
    lon: Math.round((REGION.minLon + random() * (REGION.maxLon - REGION.minLon)) * 1e6) / 1e6,
    lat: Math.round((REGION.minLat + random() * (REGION.maxLat - REGION.minLat)) * 1e6) / 1e6,
    k: K,
    filter: { status: 'available', capability: i % 2 === 0 ? undefined : 'hazmat' },
  }))
  const pathOf = (q: NearestQuery) =>
    `/api/resources/nearest?lon=${q.lon}&lat=${q.lat}&k=${q.k}${q.filter.capability ? `&capability=${q.filter.capability}` : ''}`
  const statements = points.map((q) => nearestStatement(db, q).toSQL().toNative())
  const plainKnn = `SELECT id FROM resource WHERE status = 'available' AND ($4::text IS NULL OR capabilities @> ARRAY[$4]::text[])
    ORDER BY geog <-> ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography LIMIT $3`

  const api: number[] = []
  const sql: number[] = []
  const prepared: number[] = []
  const knn: number[] = []
  let mismatches = 0
  for (const [i, q] of points.entries()) {
    const stmt = statements[i]!
    const runApi = async () => {
      const body = await get(agent, port, pathOf(q), auth)
      return body.items.map((it) => it.id)
    }
    const runSql = async () => (await raw.query(stmt.sql, stmt.bindings as unknown[])).rows.map((r: { id: string }) => Number(r.id))
    // the API's own execution mode: a named statement, parsed once per connection
    const runPrepared = async () =>
      (await raw.query({ name: `p${stmt.sql.length}_${q.filter.capability ?? ''}`, text: stmt.sql, values: stmt.bindings as unknown[] })).rows.map(
        (r: { id: string }) => Number(r.id),
      )
    const runs = [
      { run: runApi, into: api },
      { run: runSql, into: sql },
      { run: runPrepared, into: prepared },
    ]
    // rotate which goes first, so that none always finds the others' pages in the cache
    const ids: number[][] = []
    for (let j = 0; j < runs.length; j++) {
      const { run, into } = runs[(i + j) % runs.length]!
      const t0 = performance.now()
      const result = await run()
      const ms = performance.now() - t0
      if (i >= WARM_UP) into.push(ms)
      ids.push(result)
    }
    const t0 = performance.now()
    await raw.query(plainKnn, [q.lon, q.lat, q.k, q.filter.capability ?? null])
    if (i >= WARM_UP) knn.push(performance.now() - t0)
    if (ids.some((x) => x.join() !== ids[0]!.join())) mismatches++
  }
  if (mismatches > 0) throw new Error(`the API and the raw SQL disagreed on ${mismatches} queries`)
  for (const xs of [api, sql, prepared, knn]) xs.sort((x, y) => x - y)
  const apiP50 = percentile(api, 50)
  const rawP50 = percentile(sql, 50)
  console.log(
    JSON.stringify({
      case: 'nearest',
      api_p50_ms: apiP50,
      api_p99_ms: percentile(api, 99),
      raw_sql_p50_ms: rawP50,
      ratio: Math.round((apiP50 / rawP50) * 100) / 100,
      raw_sql_p99_ms: percentile(sql, 99),
      raw_sql_prepared_p50_ms: percentile(prepared, 50),
      plain_knn_p50_ms: percentile(knn, 50),
      plain_knn_p99_ms: percentile(knn, 99),
      rows: ROWS,
      requests: REQUESTS,
      k: K,
      transport: 'real HTTP server on loopback, one keep-alive connection, sequential requests',
      cpus: os.availableParallelism(),
      ...(args.quick ? { quick: true } : {}),
    }),
  )
} finally {
  agent.destroy()
  if (rawConnected) await raw.end()
  await app?.close()
  await db.destroy()
  if (args.keep) log(`kept ${url}`)
  else await dropScratchDatabase(serverUrl, url)
}
