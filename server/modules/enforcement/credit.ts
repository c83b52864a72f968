/**
 * Credit routes (安全生产诚信, docs/domain.md Policy 二(八), docs/domain.md §7): an enterprise's credit
 * events and status, a new event, and the daily refresh of every status. The rule is
 * server/domain/credit.ts, the logic credit-service.ts, the SQL credit-repository.ts.
 */
import type { FastifyInstance } from 'fastify'
import { errorResponses, sentObject, typed } from '../../http/schemas'
import { inspectorAccess, staffAccess } from './shared'
import { auditUser } from '../../http/actor'
import { idParams } from '../../http/params'
import { CREDIT_STATUSES } from '../../domain/enforcement'
import { creditOf, recordCreditEvent, refreshCreditStatuses } from './credit-service'
import { creditEventBodySchema, creditEventRecordSchema } from './schemas'

// The rule, where test/unit/credit-status.test.ts has always taken it from.

/** Credit routes (mounted under /api). */
export async function creditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const event = creditEventRecordSchema
  const creditStatus = { type: 'string', enum: CREDIT_STATUSES } as const

  app.post(
    '/enterprises/:id/credit-events',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "Record a credit event (warned, blacklisted, or good again) and bring the enterprise's credit status up to date",
        params: idParams,
        body: creditEventBodySchema,
        response: {
          201: sentObject({ event, creditStatus, previousCreditStatus: creditStatus }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const result = await app.db.transaction((trx) => recordCreditEvent(trx, request.params.id, request.body, auditUser(request)))
      reply.code(201)
      return result
    },
  )

  app.get(
    '/enterprises/:id/credit-events',
    {
      config: { ...staffAccess, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "An enterprise's credit status and its credit events, latest first",
        params: idParams,
        response: { 200: sentObject({ enterpriseId: { type: 'integer' }, creditStatus, items: { type: 'array', items: event } }), ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      return { enterpriseId: id, ...(await creditOf(app.db, id)) }
    },
  )

  app.post(
    '/enforcement/credit/refresh',
    {
      config: inspectorAccess,
      schema: {
        tags,
        summary: "Bring every enterprise's credit status up to date with its events (run daily: events start and end with time)",
        response: {
          200: sentObject({
            checked: { type: 'integer' },
            changed: { type: 'array', items: sentObject({ id: { type: 'integer' }, before: creditStatus, after: creditStatus }) },
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => app.db.transaction((trx) => refreshCreditStatuses(trx, auditUser(request))),
  )
}
