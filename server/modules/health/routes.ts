import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../schemas'
import { unavailable } from '../../errors'
import { migrationStatus } from '../../db/migrate'

const versionsSchema = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok'] },
    postgres: { type: 'string' },
    postgis: { type: 'string' },
    embedded: { type: 'boolean' },
    pendingMigrations: { type: 'array', items: { type: 'string' } },
  },
  required: ['status', 'postgres', 'postgis', 'embedded'],
} as const

/**
 * Health: `/health/live` answers while the process runs (a load balancer restarts it otherwise);
 * `/health/ready` and `/health` answer 200 only when the database answers and every migration is
 * applied (a load balancer sends traffic only then).
 */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const ready = async () => {
    const { pending } = await migrationStatus(app.db)
    if (pending.length > 0) throw unavailable(`migrations pending: ${pending.join(', ')}`)
    return { status: 'ok' as const, ...app.dbInfo, pendingMigrations: pending }
  }

  app.get(
    '/health',
    {
      schema: { tags: ['health'], summary: 'Service health: database and PostGIS versions, embedded or not', response: { 200: versionsSchema, ...errorResponses } },
    },
    ready,
  )

  app.get(
    '/health/ready',
    {
      schema: { tags: ['health'], summary: 'Readiness: the database answers and the schema is current (503 otherwise)', response: { 200: versionsSchema, ...errorResponses } },
    },
    ready,
  )

  app.get(
    '/health/live',
    {
      schema: {
        tags: ['health'],
        summary: 'Liveness: the process is up (no database call)',
        response: { 200: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] }, uptimeS: { type: 'number' } } } },
      },
    },
    async () => ({ status: 'ok' as const, uptimeS: Math.round(process.uptime()) }),
  )
}
