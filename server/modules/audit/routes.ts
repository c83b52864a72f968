/** The audit log for admins (docs/domain.md §8): who changed what, when, with the values before and after. */
import type { FastifyInstance } from 'fastify'
import { errorResponses } from '../../http/schemas'
import { invalid } from '../../errors'
import { offsetParam } from '../../http/bounds'

interface AuditQuery {
  entity?: string
  entityId?: string
  username?: string
  action?: string
  from?: string
  to?: string
  limit: number
  offset: number
}

const entry = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    at: { type: 'string' },
    username: { type: ['string', 'null'], description: 'null: the system (CLI, demo load) or a public request' },
    action: { type: 'string' },
    entity: { type: 'string' },
    entityId: { type: ['string', 'null'] },
    before: {},
    after: {},
  },
} as const

export default async function auditRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: AuditQuery }>(
    '/audit',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['audit'],
        summary: 'Audited writes, newest first, filtered by record, user, action and time',
        querystring: {
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
        },
        response: { 200: { type: 'object', properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: entry } } }, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      if (q.from && q.to && Date.parse(q.to) < Date.parse(q.from)) throw invalid('to', `${q.to} is before from ${q.from}`)
      const filtered = app.db('audit_log').modify((query) => {
        if (q.entity) query.where('entity', q.entity)
        if (q.entityId) query.where('entity_id', q.entityId)
        if (q.username) query.where('username', q.username)
        if (q.action) query.where('action', q.action)
        if (q.from) query.where('at', '>=', q.from)
        if (q.to) query.where('at', '<', q.to)
      })
      const [{ total }] = await filtered.clone().count({ total: '*' })
      const rows = await filtered.orderBy('id', 'desc').limit(q.limit).offset(q.offset).select('id', 'at', 'username', 'action', 'entity', 'entity_id', 'before', 'after')
      return {
        total: Number(total), limit: q.limit, offset: q.offset,
        items: rows.map((r: Record<string, any>) => ({ id: Number(r.id), at: new Date(r.at).toISOString(), username: r.username, action: r.action, entity: r.entity, entityId: r.entity_id, before: r.before, after: r.after })),
      }
    },
  )
}
