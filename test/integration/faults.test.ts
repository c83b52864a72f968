import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { startEmbedded, type EmbeddedDatabase } from '../../server/db/embedded'
import { buildTestApp } from '../helpers/app'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true })
})

/** A test-only route that holds a database connection for `ms` milliseconds. */
function addSleepRoute(app: FastifyInstance): void {
  app.get<{ Querystring: { ms: number } }>(
    '/api/test/sleep',
    { config: { access: 'public' }, schema: { querystring: { type: 'object', properties: { ms: { type: 'integer' } } } } },
    async (request) => {
      await app.db.raw('SELECT pg_sleep(?)', [request.query.ms / 1000])
      return { slept: request.query.ms }
    },
  )
}

describe('faults', () => {
  it('answers 503 with a JSON error while the database is down, and recovers by itself when it is back', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-fault-'))
    dirs.push(dir)
    let db: EmbeddedDatabase = await startEmbedded(dir)
    const port = Number(new URL(db.url).port)
    const app = await buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      database: { url: db.url, embedded: true, statementTimeoutMs: 5000, acquireTimeoutMs: 3000 },
    })
    try {
      expect((await app.inject('/api/health/ready')).statusCode).toBe(200)
      // PostGIS without the raster, topology and geocoder libraries (postgis-bundle.ts): not loaded, not offered.
      const available = await app.db.raw<{ rows: Array<{ name: string }> }>("SELECT name FROM pg_available_extensions WHERE name LIKE 'postgis%' ORDER BY name")
      expect(available.rows.map((r) => r.name)).toEqual(['postgis'])
      await db.stop()

      const started = Date.now()
      const down = await app.inject('/api/health/ready')
      expect(down.statusCode).toBe(503)
      expect(down.json().error.code).toBe('unavailable')
      expect(Date.now() - started).toBeLessThan(8000)
      expect((await app.inject('/api/health/live')).statusCode).toBe(200)

      db = await startEmbedded(dir, port)
      let status = 0
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await app.inject('/api/health/ready')).statusCode
        if (status !== 200) await new Promise((r) => setTimeout(r, 250))
      }
      expect(status).toBe(200)
      expect((await app.inject('/api/divisions')).statusCode).toBe(200)
    } finally {
      await app.close()
      await db.stop()
    }
  }, 120_000)

  it.runIf(!inject('embedded'))('cancels a query at the statement timeout and answers 503', async () => {
    const app = await buildTestApp({ STATEMENT_TIMEOUT_MS: '300' })
    addSleepRoute(app)
    try {
      const started = Date.now()
      const res = await app.inject('/api/test/sleep?ms=10000')
      expect(res.statusCode).toBe(503)
      expect(res.json().error).toMatchObject({ code: 'unavailable' })
      // cancelled long before the 10 s sleep ends (the bound leaves room for a loaded CI machine)
      expect(Date.now() - started).toBeLessThan(6000)
    } finally {
      await app.close()
    }
  })

  it.runIf(!inject('embedded'))('queues requests beyond the pool for a bounded time, then answers 503, and keeps serving', async () => {
    const config = loadConfig({ LOG_LEVEL: 'silent' })
    const app = await buildApp({
      config,
      database: { url: inject('databaseUrl'), embedded: false, statementTimeoutMs: 10_000, poolMax: 2, acquireTimeoutMs: 500 },
    })
    addSleepRoute(app)
    try {
      const results = await Promise.all(Array.from({ length: 6 }, () => app.inject('/api/test/sleep?ms=1500')))
      const codes = results.map((r) => r.statusCode).sort()
      expect(codes.filter((c) => c === 200).length).toBeGreaterThanOrEqual(2)
      expect(codes.filter((c) => c === 503).length).toBeGreaterThanOrEqual(1)
      expect(codes.every((c) => c === 200 || c === 503)).toBe(true)
      for (const r of results.filter((x) => x.statusCode === 503)) expect(r.json().error.code).toBe('unavailable')
      expect((await app.inject('/api/health/ready')).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })
})
