import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, inject } from 'vitest'
import type { Knex } from 'knex'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { loadDemo } from '../../server/demo/load'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { fullRegrade, regradeIncremental, type GradingOptions } from '../../server/grading/engine'
import { openScratch } from '../helpers/scratch-db'
import { buildTestApp } from '../helpers/app'
import { signIn, signInWithDemoAccount } from '../helpers/auth'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true })
})

/** Deterministic PRNG (mulberry32) so a failing sequence can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed |= 0
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

async function snapshot(db: Knex) {
  const cells = await db('cell').select('res', 'h3', 'level', 'rule', 'stale', 'score', 'counts').orderBy(['res', 'h3'])
  const sources = await db('cell_source').select('h3', 'source_kind', 'source_id', 'level', 'distance_m', 'stale').orderBy(['h3', 'source_kind', 'source_id'])
  const regions = await db('region_level').select('region_kind', 'region_key', 'level', 'stale', 'shares').orderBy(['region_kind', 'region_key'])
  const enterprises = await db('enterprise').select('id', 'level', 'inherent_level', 'level_reason').orderBy('id')
  return { cells, sources, regions, enterprises }
}

describe('concurrent edits while a full regrade runs', () => {
  it.runIf(!inject('embedded'))(
    'loses no update: the state after the race equals a fresh full regrade',
    async () => {
      const scratch = await openScratch(inject('serverUrl'), 'riskmap_reliab')
      const db = createKnex({ url: scratch.url, embedded: false, statementTimeoutMs: 300_000, poolMax: 24, acquireTimeoutMs: 300_000 })
      const options: GradingOptions = { res: 8, rules: DEFAULT_RULES, now: new Date('2026-06-01T00:00:00Z') }
      try {
        await migrateLatest(db)
        await loadDemo(db, { scale: 1 })
        await fullRegrade(db, options)

        const random = rng(20260601)
        const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!
        const enterpriseIds = (await db('enterprise').select('id').orderBy('id')).map((r) => Number(r.id))
        const openDangers = (await db('hidden_danger').where({ status: 'open' }).select('id', 'enterprise_id').orderBy('id')).map((r) => ({
          id: Number(r.id),
          enterpriseId: Number(r.enterprise_id),
        }))
        const risks = (await db('safety_risk').select('id', 'enterprise_id').orderBy('id')).map((r) => ({
          id: Number(r.id),
          enterpriseId: Number(r.enterprise_id),
        }))
        expect(enterpriseIds.length).toBeGreaterThan(100)
        expect(openDangers.length).toBeGreaterThan(5)
        expect(risks.length).toBeGreaterThan(5)

        const cause = (action: string) => ({ kind: 'test', id: 0, action })
        type Edit = (trx: Knex.Transaction) => Promise<number>
        const addDanger: Edit = async (trx) => {
          const enterpriseId = pick(enterpriseIds)
          await trx.raw(
            `INSERT INTO hidden_danger (enterprise_id, description, is_major, found_at, deadline, reported_by, geom)
           SELECT id, '并发测试隐患', true, '2026-05-01', '2026-05-31', '张三', geom FROM enterprise WHERE id = ?`,
            [enterpriseId],
          )
          return enterpriseId
        }
        const verifyDanger: Edit = async (trx) => {
          const danger = openDangers.splice(Math.floor(random() * openDangers.length), 1)[0]!
          await trx('hidden_danger').where({ id: danger.id }).update({
            status: 'verified',
            rectified_at: trx.fn.now(),
            rectified_by: '整改人',
            rectification: '已整改',
            verified_at: trx.fn.now(),
            verified_by: '复查人',
          })
          return danger.enterpriseId
        }
        const moveRisk: Edit = async (trx) => {
          const risk = pick(risks)
          const [dx, dy] = [(random() - 0.5) * 0.02, (random() - 0.5) * 0.02]
          await trx.raw('UPDATE safety_risk SET geom = ST_SetSRID(ST_Translate(geom, ?, ?), 4326) WHERE id = ?', [dx, dy, risk.id])
          return risk.enterpriseId
        }
        const edits: Edit[] = Array.from({ length: 21 }, (_, i) => [addDanger, verifyDanger, moveRisk][i % 3]!)

        let fullStarted = false
        const full = fullRegrade(db, options, { onStart: () => (fullStarted = true) })
        const results = await Promise.all(
          edits.map(async (edit, i) => {
            // Spread the edits over the regrade: some before it takes the lock, most while it holds it.
            await new Promise((r) => setTimeout(r, i * 15))
            return db.transaction(async (trx) => {
              const enterpriseId = await edit(trx)
              return regradeIncremental(trx, { enterpriseIds: [enterpriseId] }, cause(`edit ${i}`), options)
            })
          }),
        )
        await full
        expect(fullStarted).toBe(true)
        expect(results).toHaveLength(21)

        const afterRace = await snapshot(db)
        await fullRegrade(db, options)
        const fresh = await snapshot(db)
        expect(afterRace.enterprises).toEqual(fresh.enterprises)
        expect(afterRace.sources).toEqual(fresh.sources)
        expect(afterRace.cells).toEqual(fresh.cells)
        expect(afterRace.regions).toEqual(fresh.regions)
      } finally {
        await db.destroy()
        await scratch.drop()
      }
    },
    600_000,
  )
})

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

interface Server {
  url: string
  pid: number
  stop(signal?: NodeJS.Signals): Promise<Run>
  exited: Promise<Run>
}

/** Starts `server/main.ts` as a real process (no inherited DATABASE_URL) and waits until it is ready. */
function startServer(env: Record<string, string>): Promise<Server> {
  const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, ...inherited } = process.env
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...inherited, LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })))
  const timer = setTimeout(() => child.kill('SIGKILL'), 400_000)
  void exited.finally(() => clearTimeout(timer))
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /ready at (http:\/\/\S+) /.exec(stdout)
      if (m) resolve({ url: m[1]!.replace('localhost', '127.0.0.1'), pid: child.pid!, exited, stop: (signal = 'SIGTERM') => (child.kill(signal), exited) })
    })
    void exited.then((run) => reject(new Error(`exited before ready (${run.code}): ${run.stderr}`)))
  })
}

interface Outcome {
  url: string
  status?: number
  bytes?: number
  error?: string
  /** performance.now() when the request failed or finished. */
  at: number
  /** Whether any response byte arrived before a failure. */
  partial?: boolean
}

/** One GET on its own connection (no keep-alive), reading the whole body; `sent` resolves once the request is flushed. */
function get(url: string, headers: Record<string, string> = {}): { done: Promise<Outcome>; sent: Promise<void> } {
  let markSent: () => void = () => {}
  const sent = new Promise<void>((r) => (markSent = r))
  const done = new Promise<Outcome>((resolve) => {
    let partial = false
    const req = http.get(url, { agent: false, headers }, (res) => {
      partial = true
      let bytes = 0
      res.on('data', (d: Buffer) => (bytes += d.length))
      res.on('end', () => resolve({ url, status: res.statusCode, bytes, at: performance.now() }))
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ url, status: res.statusCode, error: err.code ?? err.message, at: performance.now(), partial }))
      res.on('aborted', () => resolve({ url, status: res.statusCode, error: 'aborted', at: performance.now(), partial }))
    })
    req.on('finish', markSent)
    req.on('error', (err: NodeJS.ErrnoException) => {
      markSent()
      resolve({ url, error: err.code ?? err.message, at: performance.now(), partial })
    })
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')))
  })
  return { done, sent }
}

async function enterpriseCount(url: string, cookie: string): Promise<number> {
  const body = (await (await fetch(`${url}/api/enterprises?limit=1`, { headers: { cookie } })).json()) as { numberMatched: number }
  return body.numberMatched
}

describe('SIGTERM during load', () => {
  it('finishes in-flight requests, refuses new ones, exits 0 and keeps the data', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-sigterm-'))
    dirs.push(dataDir)
    const server = await startServer({ DATA_DIR: dataDir })
    const cookie = await signInWithDemoAccount(server.url, dataDir)
    const before = await enterpriseCount(server.url, cookie)
    expect(before).toBeGreaterThan(1000)

    // Shenyang (123.43 E, 41.80 N): zoom 10 x 862–863, y 380–381; zoom 11 x 1726, y 761.
    const paths = [
      '/api/health',
      '/api/enterprises?limit=50',
      '/tiles/cells/10/862/380.mvt',
      '/tiles/cells/10/863/380.mvt',
      '/tiles/cells/10/863/381.mvt',
      '/tiles/cells/11/1726/761.mvt',
    ]
    const inFlight = Array.from({ length: 200 }, (_, i) => get(`${server.url}${paths[i % paths.length]}`, { cookie }))
    // Every request is on the wire; a probe answered without the database then shows the server has
    // read them all (they were readable before it), so all 200 are in flight when SIGTERM arrives.
    await Promise.all(inFlight.map((r) => r.sent))
    expect((await get(`${server.url}/api/health/live`).done).status).toBe(200)
    const sigtermAt = performance.now()
    const exited = server.stop('SIGTERM')
    // Keep knocking while it shuts down: each must be served or refused, never answered 5xx or cut
    // mid-response. A refusal is ECONNREFUSED, or a reset before any byte for a connection the
    // kernel queued before the listening socket closed.
    const late: Promise<Outcome>[] = []
    let stopped = false
    void exited.then(() => (stopped = true))
    while (!stopped) {
      late.push(get(`${server.url}/api/health`).done)
      await new Promise((r) => setTimeout(r, 20))
    }
    const run = await exited
    const finished = await Promise.all(inFlight.map((r) => r.done))
    const lateOutcomes = await Promise.all(late)

    const ok = (o: Outcome) => o.error === undefined && o.status! >= 200 && o.status! < 400
    const refused = (o: Outcome) => o.at >= sigtermAt && !o.partial && (o.error === 'ECONNREFUSED' || o.error === 'ECONNRESET')
    const badInFlight = finished.filter((o) => !ok(o))
    expect(badInFlight, JSON.stringify(badInFlight.slice(0, 5))).toEqual([])
    // They really were in flight: some finished only after the signal.
    expect(finished.filter((o) => o.at > sigtermAt).length).toBeGreaterThan(0)
    const badLate = lateOutcomes.filter((o) => !ok(o) && !refused(o))
    expect(badLate, JSON.stringify(badLate.slice(0, 5))).toEqual([])
    expect(lateOutcomes.some((o) => o.error === 'ECONNREFUSED')).toBe(true)
    expect(run.code, run.stderr).toBe(0)

    const second = await startServer({ DATA_DIR: dataDir })
    try {
      expect(await enterpriseCount(second.url, cookie)).toBe(before)
      expect((await fetch(`${second.url}/api/health/ready`)).status).toBe(200)
    } finally {
      const again = await second.stop()
      expect(again.code).toBe(0)
      expect(again.stdout).not.toContain('loading the synthetic demo data set')
    }
  }, 900_000)
})

describe('metrics', () => {
  it('are closed by default: not for anonymous or non-admin callers, nor a wrong token; open to the configured METRICS_TOKEN', async () => {
    const token = 'scrape-secret-0123456789abcdef'
    const app = await buildTestApp({ METRICS_TOKEN: token }, { as: null })
    const closed = await buildTestApp({}, { as: null })
    try {
      expect((await app.inject('/api/metrics')).statusCode).toBe(401)
      expect((await closed.inject({ url: '/api/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(401) // not even from this host
      const planner = await signIn(app, 'planner')
      expect((await app.inject({ url: '/api/metrics', headers: planner.headers })).statusCode).toBe(403)
      expect((await app.inject({ url: '/api/metrics', headers: { authorization: 'Bearer scrape-secret-0123456789abcdeX' } })).statusCode).toBe(401)
      const scraped = await app.inject({ url: '/api/metrics', headers: { authorization: `Bearer ${token}` } })
      expect(scraped.statusCode).toBe(200)
      expect(scraped.body).toContain('# TYPE db_pool_connections gauge')
      // The scraper's secret opens nothing else.
      expect((await app.inject({ url: '/api/enterprises?limit=1', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401)
      expect((await closed.inject({ url: '/api/metrics', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401)
    } finally {
      await app.close()
      await closed.close()
    }
  })

  it('exposes request and query timings and the pool at /api/metrics', async () => {
    const app = await buildTestApp()
    try {
      for (let i = 0; i < 3; i++) expect((await app.inject('/api/health')).statusCode).toBe(200)
      expect((await app.inject('/api/enterprises?limit=5')).statusCode).toBe(200)
      const res = await app.inject('/api/metrics') // as the test admin
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/plain/)
      const text = res.body
      expect(text).toContain('# TYPE http_request_duration_seconds histogram')
      const health = /^http_request_duration_seconds_count\{[^}]*route="\/api\/health"[^}]*status_code="200"[^}]*\} (\d+)$/m.exec(text)
      expect(health, text.slice(0, 2000)).not.toBeNull()
      expect(Number(health![1])).toBe(3)
      expect(text).toContain('# TYPE db_query_duration_seconds histogram')
      const queries = [...text.matchAll(/^db_query_duration_seconds_count\{[^}]*outcome="ok"[^}]*\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0)
      expect(queries).toBeGreaterThan(0)
      expect(text).toMatch(/^db_pool_connections\{state="used"\} \d+$/m)
      expect(text).toMatch(/^db_pool_connections\{state="free"\} \d+$/m)
      expect(text).toMatch(/^db_pool_connections\{state="pending"\} \d+$/m)
    } finally {
      await app.close()
    }
  })
})
