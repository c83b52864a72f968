/**
 * Prometheus metrics at `GET /api/metrics` (text exposition format): HTTP request duration by
 * route and status (fastify-metrics), database query duration (knex query events) and the
 * connection pool (used / free / pending). Every app instance has its own registry, so several
 * apps in one process (tests) never collide in prom-client's global registry.
 */
import fp from 'fastify-plugin'
import metricsPlugin from 'fastify-metrics'
import client from 'prom-client'
import type { FastifyInstance } from 'fastify'

const QUERY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface KnexQueryData {
  __knexQueryUid?: string
  method?: string
}

interface TarnPool {
  numUsed(): number
  numFree(): number
  numPendingAcquires(): number
  numPendingCreates(): number
}

async function metrics(app: FastifyInstance): Promise<void> {
  const registry = new client.Registry()

  await app.register(metricsPlugin, {
    endpoint: null,
    defaultMetrics: { enabled: true, register: registry },
    routeMetrics: {
      enabled: { histogram: true, summary: false },
      registeredRoutesOnly: true,
      routeBlacklist: ['/api/metrics'],
      overrides: {
        histogram: {
          name: 'http_request_duration_seconds',
          help: 'HTTP request duration in seconds, by method, route and status',
          buckets: REQUEST_BUCKETS,
          registers: [registry],
        },
        summary: { registers: [] },
      },
    },
  })

  const queryDuration = new client.Histogram({
    name: 'db_query_duration_seconds',
    help: 'Database query duration in seconds, by statement kind and outcome',
    labelNames: ['method', 'outcome'],
    buckets: QUERY_BUCKETS,
    registers: [registry],
  })
  const started = new Map<string, { at: bigint; method: string }>()
  const observe = (query: KnexQueryData, outcome: 'ok' | 'error') => {
    const uid = query?.__knexQueryUid
    if (!uid) return
    const start = started.get(uid)
    if (!start) return
    started.delete(uid)
    queryDuration.observe({ method: start.method, outcome }, Number(process.hrtime.bigint() - start.at) / 1e9)
  }
  const onQuery = (query: KnexQueryData) => {
    if (query.__knexQueryUid) started.set(query.__knexQueryUid, { at: process.hrtime.bigint(), method: query.method ?? 'raw' })
  }
  const onResponse = (_response: unknown, query: KnexQueryData) => observe(query, 'ok')
  const onError = (_error: unknown, query: KnexQueryData) => observe(query, 'error')
  app.db.on('query', onQuery)
  app.db.on('query-response', onResponse)
  app.db.on('query-error', onError)

  const pool = () => (app.db.client as { pool?: TarnPool }).pool
  new client.Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections by state: used, free, pending (requests waiting for a connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = pool()
      this.set({ state: 'used' }, p?.numUsed() ?? 0)
      this.set({ state: 'free' }, p?.numFree() ?? 0)
      this.set({ state: 'pending' }, p?.numPendingAcquires() ?? 0)
    },
  })

  app.get(
    '/api/metrics',
    {
      // Closed by default (docs/security.md): an admin (session or API token), or a scraper sending METRICS_TOKEN.
      config: { access: ['admin'], scrape: true, disableMetrics: true },
      schema: {
        tags: ['health'],
        summary: 'Prometheus metrics (text exposition format)',
        produces: ['text/plain'],
        description:
          'For an admin (session or API token), or a scraper sending `Authorization: Bearer <METRICS_TOKEN>` when the deployment sets METRICS_TOKEN.',
        response: { 200: { description: 'The metrics, in the Prometheus text exposition format', type: 'string' } },
      },
      logLevel: 'warn',
    },
    async (_request, reply) => {
      reply.type(registry.contentType).send(await registry.metrics())
    },
  )

  app.addHook('onClose', async () => {
    app.db.off('query', onQuery)
    app.db.off('query-response', onResponse)
    app.db.off('query-error', onError)
    started.clear()
    registry.clear()
  })
}

export default fp(metrics, { name: 'riskmap-metrics', fastify: '5.x', dependencies: ['riskmap-db'] })
