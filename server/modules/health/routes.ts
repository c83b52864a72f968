import type { FastifyInstance } from 'fastify'
import { errorResponses, sentObject, typed, type SchemaType } from '../../http/schemas'
import { unavailable } from '../../errors'
import { migrationStatus } from '../../db/migrate'

/** `GET /health` and `GET /health/ready`: ready() sets every property. */
export const healthResponse = sentObject({
  status: { type: 'string', enum: ['ok'] },
  postgres: { type: 'string' },
  postgis: { type: 'string' },
  embedded: { type: 'boolean' },
  pendingMigrations: { type: 'array', items: { type: 'string' }, description: 'empty: the answer is 503 while a migration is pending' },
  replica: {
    anyOf: [
      { type: 'null' },
      sentObject({
        postgres: { type: 'string' },
        postgis: { type: 'string' },
        inRecovery: { type: 'boolean', description: 'true on a streaming replica (hot standby)' },
        lagBytes: { type: ['number', 'null'], description: 'WAL bytes the replica has still to replay; null when it is not in recovery' },
      }),
    ],
    description: 'the streaming replica that lag-tolerant reads go to (READ_DATABASE_URL); null when reads go to the primary',
  },
})

export type Health = SchemaType<typeof healthResponse>

/** `GET /health/live`. */
const liveResponse = sentObject({ status: { type: 'string', enum: ['ok'] }, uptimeS: { type: 'number' } })

/**
 * Health: `/health/live` answers while the process runs (a load balancer restarts it otherwise);
 * `/health/ready` and `/health` answer 200 only when the database (and the read replica, when one
 * is configured) answers and every migration is applied (a load balancer sends traffic only then).
 */
export default async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  /** The replica's state: how far its replay is behind the primary's current WAL position. */
  const replicaState = async () => {
    const replica = app.dbInfo.replica
    if (!replica) return null
    const { rows: current } = await app.db.raw<{ rows: Array<{ lsn: string }> }>('SELECT pg_current_wal_lsn()::text AS lsn')
    try {
      const { rows } = await app.readDb.raw<{ rows: Array<{ in_recovery: boolean; lag_bytes: string | null }> }>(
        'SELECT pg_is_in_recovery() AS in_recovery, pg_wal_lsn_diff(?::pg_lsn, pg_last_wal_replay_lsn())::text AS lag_bytes',
        [current[0]!.lsn],
      )
      const { in_recovery: inRecovery, lag_bytes: lag } = rows[0]!
      // The replica may already be past the position read a moment before on the primary: never below 0.
      return { ...replica, inRecovery, lagBytes: lag === null ? null : Math.max(0, Number(lag)) }
    } catch (err) {
      throw unavailable(`the read replica does not answer: ${(err as Error).message}`)
    }
  }

  const ready = async () => {
    const { pending } = await migrationStatus(app.db)
    if (pending.length > 0) throw unavailable(`migrations pending: ${pending.join(', ')}`)
    const { replica: _, ...primary } = app.dbInfo
    return { status: 'ok' as const, ...primary, pendingMigrations: pending, replica: await replicaState() }
  }

  app.get(
    '/health',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Service health: database and PostGIS versions, embedded or not',
        response: { 200: healthResponse, ...errorResponses },
      },
    },
    ready,
  )

  app.get(
    '/health/ready',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Readiness: the database answers and the schema is current (503 otherwise)',
        response: { 200: healthResponse, ...errorResponses },
      },
    },
    ready,
  )

  app.get(
    '/health/live',
    {
      config: { access: 'public' },
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up (no database call)',
        response: { 200: liveResponse },
      },
    },
    async () => ({ status: 'ok' as const, uptimeS: Math.round(process.uptime()) }),
  )
}
