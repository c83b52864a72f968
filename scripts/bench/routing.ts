/**
 * Benchmark of travel-time routing (docs/domain.md §6): `npm run bench -- routing [--quick] [options]`.
 *
 * On a scratch PostGIS + pgRouting database it builds a street lattice (150 m blocks, primary
 * arterials every tenth line, a river crossed by a bridge every 40 columns) of ≥ 200 000 edges and
 * scatters 10 000 resources (a quarter of them fire-capable) over it, starts the real HTTP server on
 * a loopback port and times sequential GET /api/resources/nearest?by=time&capability=fire&k=5. For
 * each query point it also times the very pgRouting call the service ended with (the same
 * one-to-many `pgr_dijkstra` on the same edges SQL: same box, same virtual arcs) run as plain SQL
 * with `pg`: ratio = API p50 / raw p50. Then GET /api/roads/isochrones (5,10,15 min) for random
 * resources, uncached. Prints one JSON line; progress goes to stderr.
 *
 * Options: --quick (40 × 40 lattice, 300 resources), --side N (lattice nodes per side, default 317),
 * --resources N (default 10 000), --requests N (default 300).
 */
import os from 'node:os'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { reversedQueryArcs, VIRTUAL_BASE } from '../../server/modules/roads/engine'
import { bumpNetworkVersion, insertRoads, snapPoints, type RoadWrite } from '../../server/modules/roads/network'
import { reversedEdgesSql } from '../../server/modules/roads/pgrouting'
import { nearestStatement } from '../../server/modules/resources/nearest'
import { createScratchDatabase, dropScratchDatabase } from '../../test/helpers/scratch-db'
import { benchAuth, BENCH_SERVER_URL } from '../lib/bench'

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    side: { type: 'string' },
    resources: { type: 'string' },
    requests: { type: 'string' },
  },
})
const SIDE = Number(args.side ?? (args.quick ? 40 : 317))
const RESOURCES = Number(args.resources ?? (args.quick ? 300 : 10_000))
const REQUESTS = Number(args.requests ?? (args.quick ? 20 : 300))
const ISOCHRONES = Math.max(5, Math.round(REQUESTS / 5))
const WARM_UP = Math.min(30, REQUESTS)
const ORIGIN = { lon: 123.2, lat: 41.6 }
const BLOCK_M = 150
const DEG_LAT = BLOCK_M / 111_050
const DEG_LON = BLOCK_M / (111_320 * Math.cos((ORIGIN.lat * Math.PI) / 180))

const log = (message: string) => process.stderr.write(`[bench routing] ${message}\n`)

function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function percentile(sortedMs: number[], p: number): number {
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1))
  return Math.round(sortedMs[i]! * 100) / 100
}

function lattice(): RoadWrite[] {
  const node = (i: number, j: number): [number, number] => [
    Math.round((ORIGIN.lon + i * DEG_LON) * 1e7) / 1e7,
    Math.round((ORIGIN.lat + j * DEG_LAT) * 1e7) / 1e7,
  ]
  const river = Math.floor(SIDE / 2)
  const roads: RoadWrite[] = []
  for (let i = 0; i < SIDE; i++) {
    for (let j = 0; j < SIDE; j++) {
      if (i + 1 < SIDE) roads.push({ roadClass: j % 10 === 0 ? 'primary' : 'residential', coordinates: [node(i, j), node(i + 1, j)] })
      if (j + 1 < SIDE && (j !== river || i % 40 === 20))
        roads.push({ roadClass: i % 10 === 0 ? 'primary' : 'residential', coordinates: [node(i, j), node(i, j + 1)] })
    }
  }
  return roads
}

const random = rng(2026)
const pointInBox = () => ({ lon: ORIGIN.lon + random() * (SIDE - 1) * DEG_LON, lat: ORIGIN.lat + random() * (SIDE - 1) * DEG_LAT })

const url = await createScratchDatabase(BENCH_SERVER_URL, 'riskmap_bench_routing')
const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
const raw = new pg.Client({ connectionString: url })
let app: Awaited<ReturnType<typeof buildApp>> | null = null
try {
  await migrateLatest(db)
  const roads = lattice()
  let t0 = performance.now()
  await db.transaction(async (trx) => {
    await insertRoads(trx, roads)
    await bumpNetworkVersion(trx)
  })
  log(`${roads.length} edges stored in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const rows = Array.from({ length: RESOURCES }, (_, i) => ({ name: `资源${i}`, fire: random() < 0.25, ...pointInBox() }))
  await db.raw(
    `INSERT INTO resource (name, kind, status, capabilities, team_type, headcount, geom)
     SELECT name, 'rescue_team', 'available', CASE WHEN fire THEN ARRAY['fire'] ELSE ARRAY['medical'] END, '示例', 10, ST_SetSRID(ST_MakePoint(lon, lat), 4326)
     FROM jsonb_to_recordset(?::jsonb) AS t(name text, fire boolean, lon float8, lat float8)`,
    [JSON.stringify(rows)],
  )
  await db.raw('ANALYZE')
  const headers = await benchAuth(url)
  app = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', ROUTING_ENGINE: 'pgrouting' }),
    database: { url, embedded: false, statementTimeoutMs: 60_000 },
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const port = (app.server.address() as { port: number }).port
  await raw.connect()

  const apiMs: number[] = []
  const rawMs: number[] = []
  const engines = new Set<string>()
  for (let n = 0; n < WARM_UP + REQUESTS; n++) {
    const p = pointInBox()
    t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${port}/api/resources/nearest?lon=${p.lon}&lat=${p.lat}&capability=fire&k=5&by=time`, { headers })
    const body = (await res.json()) as {
      items: unknown[]
      routing: { engine: string; search: { candidates: number; maxDrivingS: number | null; topSpeedKmh: number } }
    }
    const ms = performance.now() - t0
    if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body)}`)
    engines.add(body.routing.engine)
    // The same pgRouting call, rebuilt from the same inputs, as plain SQL.
    const [incident] = await snapPoints(db, [p])
    const candidates = (await nearestStatement(db, { ...p, k: body.routing.search.candidates, filter: { capability: 'fire', status: 'available' } })) as {
      rows: Array<{ lon: number; lat: number }>
    }
    const snaps = (
      await snapPoints(
        db,
        candidates.rows.map((r) => ({ lon: Number(r.lon), lat: Number(r.lat) })),
      )
    ).filter((s) => s !== null && s.offRoadM <= 500)
    const sql = reversedEdgesSql(
      incident!,
      reversedQueryArcs(incident!, snaps as never),
      body.routing.search.maxDrivingS ?? Infinity,
      body.routing.search.topSpeedKmh / 3.6,
    )
    const targets = snaps.map((_, i) => VIRTUAL_BASE + 1 + i)
    t0 = performance.now()
    await raw.query('SELECT end_vid, node, edge, agg_cost FROM pgr_dijkstra($1::text, $2::bigint, $3::bigint[], true)', [sql, VIRTUAL_BASE, targets])
    const rawTime = performance.now() - t0
    if (n >= WARM_UP) {
      apiMs.push(ms)
      rawMs.push(rawTime)
    }
    if ((n + 1) % 50 === 0) log(`${n + 1} nearest-by-time requests`)
  }
  const isoMs: number[] = []
  for (let n = 0; n < ISOCHRONES; n++) {
    const id = 1 + Math.floor(random() * RESOURCES)
    t0 = performance.now()
    const res = await fetch(`http://127.0.0.1:${port}/api/roads/isochrones?resourceId=${id}&minutes=5,10,15`, { headers })
    await res.arrayBuffer()
    if (res.status !== 200 && res.status !== 422) throw new Error(`isochrones HTTP ${res.status}`)
    isoMs.push(performance.now() - t0)
  }
  apiMs.sort((a, b) => a - b)
  rawMs.sort((a, b) => a - b)
  isoMs.sort((a, b) => a - b)
  const p50 = percentile(apiMs, 50)
  const rawP50 = percentile(rawMs, 50)
  console.log(
    JSON.stringify({
      case: 'routing',
      quick: args.quick,
      edges: roads.length,
      resources: RESOURCES,
      requests: REQUESTS,
      nearest_by_time_p50_ms: p50,
      nearest_by_time_p99_ms: percentile(apiMs, 99),
      raw_pgr_p50_ms: rawP50,
      ratio: Math.round((p50 / rawP50) * 100) / 100,
      isochrone_p50_ms: percentile(isoMs, 50),
      engine: [...engines].join(','),
      load_average: os.loadavg().map((l) => Math.round(l * 100) / 100),
    }),
  )
} finally {
  await app?.close()
  await raw.end().catch(() => {})
  await db.destroy()
  await dropScratchDatabase(BENCH_SERVER_URL, url)
}
