import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../schemas'
import { migrationStatus } from '../../db/migrate'

/** Liveness and readiness: the database answers, PostGIS is there, migrations are applied. */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/health',
    {
      schema: {
        tags: ['health'],
        summary: 'Service health: database and PostGIS versions, embedded or not',
        response: {
          200: {
            type: 'object',
            properties: {
              status: { type: 'string', enum: ['ok'] },
              postgres: { type: 'string' },
              postgis: { type: 'string' },
              embedded: { type: 'boolean' },
              pendingMigrations: { type: 'array', items: { type: 'string' } },
            },
            required: ['status', 'postgres', 'postgis', 'embedded'],
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const { pending } = await migrationStatus(app.db)
      return { status: 'ok' as const, ...app.dbInfo, pendingMigrations: pending }
    },
  )
}
