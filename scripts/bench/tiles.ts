/**
 * Benchmark of the vector tiles (docs/architecture.md §9): `npm run bench -- tiles [options]`.
 *
 * Needs a PostgreSQL/PostGIS database holding a graded demo set (--database-url or DATABASE_URL),
 * ideally the province-sized one (`tsx scripts/generate-demo.ts --scale 60` then `npm run regrade`).
 * It only reads. Starts the real app on a loopback port and measures:
 *  - miss: sequential GETs over one keep-alive HTTP connection with the tile cache cleared before
 *    each (so every one is a miss), against raw: the very same tile SQL (ST_AsMVT on real PostGIS)
 *    run directly with `pg`, paired tile by tile in alternating order after a warm-up of the
 *    database, over three passes of the sample;
 *  - hit: autocannon (a separate process) on one cached tile URL through the listening app, against
 *    bare: a bare Fastify route in this same process returning the same gzipped Buffer with the
 *    same headers; alternated, three rounds each after a warm-up round;
 *  - the largest cells tile per zoom 0–14: the densest tiles (by cells per tile) rendered.
 * Prints one JSON line; progress goes to stderr.
 *
 * The staff tile routes need a session: the bench signs in as `bench_admin` (scripts/lib/bench.ts)
 * and sends its cookie with every request, as the browser does.
 *
 * Options: --database-url URL, --duration S (autocannon seconds per round, default 5),
 * --connections N (default 50), --max-miss-tiles N (default 400); --quick: a scratch database with
 * the small demo set, 20 miss tiles, one pass, 1-second rounds of 4 connections (seconds).
 */
import { execFile } from 'node:child_process'
import http from 'node:http'
import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { parseArgs, promisify } from 'node:util'
import Fastify from 'fastify'
import type { Knex } from 'knex'
import pg from 'pg'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { cellResolution, TILE_LAYERS, type SourceLayer, type TileLayer } from '../../server/modules/tiles/layers'
import { MVT_MEDIA_TYPE } from '../../server/modules/tiles/routes'
import { mvtQuery, sourcesAt, tileSpaceQuery } from '../../server/modules/tiles/sql'
import { tileAt, type TileCoord } from '../../server/modules/tiles/tile'
import { benchAuth, quickDatabase } from '../lib/bench'

const { values: args } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    duration: { type: 'string' },
    connections: { type: 'string' },
    'max-miss-tiles': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const quick = args.quick ? await quickDatabase('tiles') : null
const DATABASE_URL = quick?.url ?? args['database-url'] ?? process.env.DATABASE_URL
const DURATION_S = Number(args.duration ?? (quick ? 1 : 5))
const CONNECTIONS = Number(args.connections ?? (quick ? 4 : 50))
const MAX_MISS_TILES = Number(args['max-miss-tiles'] ?? (quick ? 20 : 400))
/** Zooms of the miss sample: city to street level. */
const MISS_ZOOMS = [8, 9, 10, 11, 12, 13, 14]
/** Tiles around the centre per zoom and layer: a (2·R+1)² block. */
const BLOCK_RADIUS = 1
/** Passes over the miss sample (the cache is cleared before each app request). */
const MISS_PASSES = quick ? 1 : 3
/** Tile size limit of the cells layer (docs/domain.md §4.5), bytes. */
const TILE_LIMIT_BYTES = 500 * 1024

const log = (message: string) => process.stderr.write(`[bench tiles] ${message}\n`)

if (!DATABASE_URL) {
  console.error('usage: npm run bench -- tiles --database-url postgres://… (or DATABASE_URL): a PostGIS database with a graded demo set')
  process.exit(2)
}

function percentile(sortedMs: number[], p: number): number {
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1))
  return sortedMs[i]!
}
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits

/** One GET over the keep-alive agent, signed in; resolves with the status and body length. */
function get(agent: http.Agent, port: number, path: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, headers: { 'accept-encoding': 'gzip', ...auth } }, (res) => {
      let bytes = 0
      res.on('data', (c: Buffer) => (bytes += c.length))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }))
      res.on('error', reject)
    })
    req.on('error', reject)
  })
}

/** Requests per second of autocannon (its own process, so it does not share this event loop). */
async function autocannon(url: string, headers: Record<string, string>): Promise<number> {
  const cli = createRequire(import.meta.url).resolve('autocannon/autocannon.js')
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}=${v}`])
  const { stdout } = await promisify(execFile)(process.execPath, [cli, '--json', '-c', String(CONNECTIONS), '-d', String(DURATION_S), ...headerArgs, url], {
    maxBuffer: 64 * 1024 * 1024,
  })
  const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number; errors: number }
  if (result.non2xx || result.errors) throw new Error(`autocannon on ${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`)
  return result.requests.average
}

/** The (up to) `limit` tiles at zoom z holding the most rows of a source layer (by centroid). */
async function densestTiles(app: Awaited<ReturnType<typeof buildApp>>, source: SourceLayer, z: number, limit: number): Promise<TileCoord[]> {
  const state = await app.tiles.state()
  const ctx = app.tiles.context(z, state)
  const where = source.where?.(ctx)
  // Web Mercator half-circumference (metres) and tile side at this zoom.
  const half = 20037508.342789244
  const size = (2 * half) / 2 ** z
  const { rows } = await app.db.raw<{ rows: Array<{ x: number; y: number }> }>(
    `SELECT floor((ST_X(c) + ?) / ?)::int AS x, floor((? - ST_Y(c)) / ?)::int AS y, count(*) AS n
     FROM (SELECT ST_PointOnSurface(${source.geom3857}) AS c FROM ${source.from}${where ? ` WHERE ${where.sql}` : ''}) s
     GROUP BY 1, 2 ORDER BY n DESC LIMIT ?`,
    [half, size, half, size, ...((where?.bindings ?? []) as Knex.RawBinding[]), limit],
  )
  return rows.map((r) => ({ z, x: r.x, y: r.y })).filter((t) => t.x >= 0 && t.y >= 0 && t.x < 2 ** z && t.y < 2 ** z)
}

const app = await buildApp({
  config: loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL }),
  database: { url: DATABASE_URL, embedded: false, statementTimeoutMs: 120_000 },
})
const auth = await benchAuth(DATABASE_URL)
const raw = new pg.Client({ connectionString: DATABASE_URL })
await raw.connect()
try {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port
  const state = await app.tiles.state()
  log(`encoder ${app.tiles.encoder}, data version ${state.version}, app on port ${port}`)

  // The centre of the data: where the enterprises are.
  const { rows: centreRows } = await app.db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
    'SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_Centroid(ST_Collect(geom)) AS c FROM (SELECT geom FROM enterprise LIMIT 20000) s) x',
  )
  const centre = centreRows[0]!

  // --- misses: unique tiles, real HTTP, against the same SQL through pg ---
  const tiles: Array<{ layer: TileLayer; t: TileCoord }> = []
  for (const layer of Object.values(TILE_LAYERS)) {
    for (const z of MISS_ZOOMS) {
      if (sourcesAt(layer, z).length === 0) continue
      const c = tileAt(centre.lon, centre.lat, z)
      for (let dx = -BLOCK_RADIUS; dx <= BLOCK_RADIUS; dx++) {
        for (let dy = -BLOCK_RADIUS; dy <= BLOCK_RADIUS; dy++) tiles.push({ layer, t: { z, x: c.x + dx, y: c.y + dy } })
      }
    }
  }
  tiles.splice(MAX_MISS_TILES)
  const statement = (layer: TileLayer, t: TileCoord) => {
    const ctx = app.tiles.context(t.z, state)
    const q = app.tiles.encoder === 'postgis' ? mvtQuery(layer, t, ctx) : tileSpaceQuery(layer, t, ctx).query
    return app.db
      .raw(q.sql, q.bindings as Knex.RawBinding[])
      .toSQL()
      .toNative()
  }
  log(`warming the database: ${tiles.length} tiles`)
  for (const { layer, t } of tiles) {
    const s = statement(layer, t)
    await raw.query(s.sql, s.bindings as unknown[])
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  await get(agent, port, '/api/health')
  const missMs: number[] = []
  const rawMs: number[] = []
  let missBytes = 0
  for (let pass = 0; pass < MISS_PASSES; pass++) {
    for (const [i, { layer, t }] of tiles.entries()) {
      const s = statement(layer, t)
      const runRaw = async () => {
        const t0 = performance.now()
        await raw.query(s.sql, s.bindings as unknown[])
        rawMs.push(performance.now() - t0)
      }
      const runApp = async () => {
        app.tiles.cache.clear() // a miss every time, as with the cache disabled
        const t0 = performance.now()
        const res = await get(agent, port, `/tiles/${layer.id}/${t.z}/${t.x}/${t.y}.mvt`)
        missMs.push(performance.now() - t0)
        if (res.status !== 200 && res.status !== 204) throw new Error(`HTTP ${res.status} for ${layer.id} ${t.z}/${t.x}/${t.y}`)
        if (pass === 0) missBytes += res.bytes
      }
      if ((i + pass) % 2 === 0) {
        await runRaw()
        await runApp()
      } else {
        await runApp()
        await runRaw()
      }
    }
  }
  const pairDiff = missMs.map((m, i) => m - rawMs[i]!).sort((a, b) => a - b)
  log(
    `miss − raw per tile: p25 ${percentile(pairDiff, 25).toFixed(2)} ms, p50 ${percentile(pairDiff, 50).toFixed(2)} ms, p75 ${percentile(pairDiff, 75).toFixed(2)} ms`,
  )
  missMs.sort((a, b) => a - b)
  rawMs.sort((a, b) => a - b)
  const missP50 = percentile(missMs, 50)
  const rawP50 = percentile(rawMs, 50)
  log(
    `misses: ${tiles.length} tiles × ${MISS_PASSES} passes, p50 ${missP50.toFixed(2)} ms (raw SQL ${rawP50.toFixed(2)} ms), p95 ${percentile(missMs, 95).toFixed(2)} ms (raw ${percentile(rawMs, 95).toFixed(2)} ms), ${(missBytes / 1024).toFixed(0)} KB gzipped`,
  )

  // --- hits: autocannon on a cached tile vs a bare route returning the same bytes ---
  const hitTile = tileAt(centre.lon, centre.lat, 12)
  const hitPath = `/tiles/cells/${hitTile.z}/${hitTile.x}/${hitTile.y}.mvt?v=${app.tiles.token(TILE_LAYERS.cells!, state)}`
  const first = await app.inject({ url: hitPath, headers: { 'accept-encoding': 'gzip', ...auth } })
  if (first.statusCode !== 200) throw new Error(`the hit tile ${hitPath} answered ${first.statusCode}`)
  const bare = Fastify({ logger: false })
  const sameHeaders = {
    'content-type': MVT_MEDIA_TYPE,
    'content-encoding': 'gzip',
    etag: first.headers.etag as string,
    'cache-control': first.headers['cache-control'] as string,
    vary: 'accept-encoding',
  }
  bare.get('/bare.mvt', async (_request, reply) => reply.headers(sameHeaders).send(first.rawPayload))
  await bare.listen({ port: 0, host: '127.0.0.1' })
  const barePort = (bare.server.address() as { port: number }).port
  log(`hits: ${hitPath} (${first.rawPayload.length} bytes gzipped), ${CONNECTIONS} connections, ${DURATION_S} s per round`)
  const gzipHeader = { 'accept-encoding': 'gzip', ...auth }
  await autocannon(`http://127.0.0.1:${port}${hitPath}`, gzipHeader) // warm-up round, not counted
  const hitRps: number[] = []
  const bareRps: number[] = []
  for (let round = 0; round < 3; round++) {
    bareRps.push(await autocannon(`http://127.0.0.1:${barePort}/bare.mvt`, gzipHeader))
    hitRps.push(await autocannon(`http://127.0.0.1:${port}${hitPath}`, gzipHeader))
    log(`round ${round + 1}: bare ${bareRps.at(-1)!.toFixed(0)} req/s, hit ${hitRps.at(-1)!.toFixed(0)} req/s`)
  }
  await bare.close()
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

  // --- the largest cells tile at each zoom: the densest tiles, rendered ---
  let maxBytes = 0
  let maxZoom = 0
  const cellsLayer = TILE_LAYERS.cells!
  for (let z = 0; z <= 14; z++) {
    let zoomMax = 0
    for (const t of await densestTiles(app, cellsLayer.sources[0]!, z, 3)) {
      const bytes = (await app.tiles.render(cellsLayer, t, state)).length
      zoomMax = Math.max(zoomMax, bytes)
    }
    log(`cells z${z} (res ${cellResolution(z, app.grading.res)}): largest tile ${(zoomMax / 1024).toFixed(1)} KB`)
    if (zoomMax > maxBytes) {
      maxBytes = zoomMax
      maxZoom = z
    }
  }
  const otherLayers: Record<string, number> = {}
  for (const layer of Object.values(TILE_LAYERS)) {
    if (layer.id === 'cells') continue
    let layerMax = 0
    for (let z = layer.minzoom; z <= 14; z++) {
      for (const source of sourcesAt(layer, z)) {
        for (const t of await densestTiles(app, source, z, 1)) layerMax = Math.max(layerMax, (await app.tiles.render(layer, t, state)).length)
      }
    }
    otherLayers[layer.id] = round(layerMax / 1024, 1)
  }
  log(`largest tile of the other layers, KB: ${JSON.stringify(otherLayers)}`)
  if (maxBytes >= TILE_LIMIT_BYTES) log(`WARNING: a cells tile of ${(maxBytes / 1024).toFixed(0)} KB exceeds 500 KB`)

  console.log(
    JSON.stringify({
      case: 'tiles',
      miss_p50_ms: round(missP50),
      raw_sql_p50_ms: round(rawP50),
      miss_ratio: round(missP50 / rawP50, 3),
      hit_rps: Math.round(mean(hitRps)),
      bare_rps: Math.round(mean(bareRps)),
      hit_ratio: round(mean(hitRps) / mean(bareRps), 3),
      max_tile_kb: round(maxBytes / 1024, 1),
      max_tile_zoom: maxZoom,
      miss_tiles: tiles.length,
      miss_via: `http keep-alive, sequential, cache cleared before each request, ${MISS_PASSES} passes`,
      hit_via: `autocannon -c ${CONNECTIONS} -d ${DURATION_S}, gzip`,
      encoder: app.tiles.encoder,
      other_layers_max_tile_kb: otherLayers,
      ...(quick ? { quick: true } : {}),
    }),
  )
} finally {
  await raw.end()
  await app.close()
  await quick?.drop()
}
