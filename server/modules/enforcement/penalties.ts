/**
 * Administrative penalty routes (行政处罚, docs/domain.md §7, docs/domain.md Policy 二(八)): decision
 * number (unique), amount, date, and whether the decision is published (公开) — the public sees
 * published penalties only. The checks are in penalty-service.ts, the SQL in penalty-repository.ts.
 */
import type { FastifyInstance } from 'fastify'
import type { ScopedListQuery } from '../auth/jurisdiction'
import { notFound } from '../../errors'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { inspectorAccess, staffAccess } from './shared'
import { auditUser } from '../../http/actor'
import { idParams } from '../../http/params'
import { listPenalties, loadPenalty } from './penalty-repository'
import { publishPenalty, recordPenalty } from './penalty-service'
import { pageSchema, penaltyBodySchema, penaltyListQuerySchema, penaltyRecordSchema } from './schemas'

/** Penalty routes (mounted under /api). */
export async function penaltyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const record = penaltyRecordSchema

  app.post(
    '/penalties',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'body.enterpriseId' } },
      schema: {
        tags,
        summary: 'Record a penalty decision',
        description: 'A decision number already used is refused with 409 naming decisionNo.',
        body: penaltyBodySchema,
        response: { 201: record, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const created = await app.db.transaction((trx) => recordPenalty(trx, request.body, auditUser(request)))
      reply.code(201).header('location', `/api/penalties/${created.id}`)
      return created
    },
  )

  app.post(
    '/penalties/:id/publish',
    {
      config: { ...inspectorAccess, scope: { record: 'penalty' } },
      schema: {
        tags,
        summary: 'Publish a penalty decision (公开)',
        description: '409 when it is already published.',
        params: idParams,
        response: { 200: record, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => app.db.transaction((trx) => publishPenalty(trx, request.params.id, auditUser(request))),
  )

  app.get(
    '/penalties/:id',
    {
      config: { ...staffAccess, scope: { record: 'penalty' } },
      schema: { tags, summary: 'One penalty decision', params: idParams, response: { 200: record, ...errorResponses } },
    },
    async (request) => {
      const found = await loadPenalty(app.db, request.params.id)
      if (!found) throw notFound('penalty', request.params.id)
      return found
    },
  )

  app.get(
    '/penalties',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Penalty decisions, filtered and paginated (ordered by id)',
        querystring: penaltyListQuerySchema,
        response: { 200: pageSchema(record), ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const q: typeof request.query & ScopedListQuery = request.query
      const { total, items } = await listPenalties(app.db, q)
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )
}
