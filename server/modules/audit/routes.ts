/** The audit log for admins (docs/domain.md §8): who changed what, when, with the values before and after. */
import type { FastifyInstance } from 'fastify'
import { errorResponses, sentObject, typed, type SchemaType } from '../../http/schemas'
import { invalid } from '../../errors'
import { offsetParam } from '../../http/bounds'
import { listAudit } from './audit'

const entrySchema = sentObject({
  id: { type: 'integer' },
  at: { type: 'string' },
  username: { type: ['string', 'null'], description: 'null: the system (CLI, demo load) or a public request' },
  action: { type: 'string' },
  entity: { type: 'string' },
  entityId: { type: ['string', 'null'] },
  before: { description: 'the record as it was; null when created' },
  after: { description: 'the record as it is now; null when deleted' },
})

export const auditPageSchema = sentObject({
  total: { type: 'integer' },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  items: { type: 'array', items: entrySchema },
})

/** A page of audited writes, newest first. */
export type AuditPage = SchemaType<typeof auditPageSchema>

export const auditQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    entity: { type: 'string', maxLength: 64, description: 'kind of record, e.g. major_hazard, enterprise, user' },
    entityId: { type: 'string', maxLength: 64 },
    username: { type: 'string', maxLength: 64 },
    action: { type: 'string', maxLength: 64 },
    from: { type: 'string', format: 'date-time', description: 'from this time (inclusive), ISO 8601' },
    to: { type: 'string', format: 'date-time', description: 'before this time, ISO 8601' },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
    offset: offsetParam,
  },
} as const

/** The audit log's filters and page. */
export type AuditQuery = SchemaType<typeof auditQuerySchema>

export default async function auditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/audit',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Audited writes, newest first, filtered by record, user, action and time',
        querystring: auditQuerySchema,
        response: { 200: auditPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query
      if (filter.from && filter.to && Date.parse(filter.to) < Date.parse(filter.from)) throw invalid('to', `${filter.to} is before from ${filter.from}`)
      return { ...(await listAudit(app.db, filter, { limit, offset })), limit, offset }
    },
  )
}
