/**
 * Inspection routes (监督检查, docs/domain.md §7, docs/domain.md Policy 二(五)): record an inspection
 * with what it found, record a planned one's result, read them. The rules are in
 * inspection-service.ts, the SQL in repository.ts.
 */
import type { FastifyInstance } from 'fastify'
import { errorResponse, errorResponses, sentObject, typed } from '../../http/schemas'
import { hiddenDangerRecordSchema, regradeSchema } from '../sources'
import type { ScopedListQuery } from '../auth/jurisdiction'
import { inspectorAccess, staffAccess } from './shared'
import { sessionActor } from '../../http/actor'
import { idParams } from '../../http/params'
import { listInspections } from './repository'
import { loadInspectionOr404, recordInspection, recordPlannedResult } from './inspection-service'
import { inspectionBodySchema, inspectionListQuerySchema, inspectionRecordSchema, outcomeSchema, pageSchema, violationRecordSchema } from './schemas'

/** Inspection routes (mounted under /api). */
export async function inspectionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const record = inspectionRecordSchema
  // recordFound (inspection-service.ts) sets every key.
  const written = sentObject({
    inspection: record,
    violations: { type: 'array', items: violationRecordSchema },
    hiddenDangers: { type: 'array', items: hiddenDangerRecordSchema },
    regrade: { anyOf: [{ type: 'null' }, regradeSchema], description: 'null when no hidden danger was recorded' },
  })

  app.post(
    '/inspections',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'body.enterpriseId' } },
      schema: {
        tags,
        summary: 'Record an inspection with what it found (violations, hidden dangers), in one transaction',
        description:
          "Inspectors must be active and belong to the enterprise's industry or specialist departments or to the plan's department; errors name inspectorIds[i].",
        body: inspectionBodySchema,
        response: { 201: written, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = sessionActor(request)
      const result = await app.db.transaction((trx) => recordInspection(trx, request.body, app.grading, actor))
      reply.code(201).header('location', `/api/inspections/${result.inspection.id}`)
      return result
    },
  )

  app.post(
    '/inspections/:id/result',
    {
      config: { ...inspectorAccess, scope: { record: 'inspection' } },
      schema: {
        tags,
        summary: 'Record the result of a planned inspection (its drawn inspectors stay), with what it found',
        description: '409 when the inspection is already recorded.',
        params: idParams,
        body: outcomeSchema,
        response: { 200: written, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const actor = sessionActor(request)
      return app.db.transaction((trx) => recordPlannedResult(trx, request.params.id, request.body, app.grading, actor))
    },
  )

  app.get(
    '/inspections/:id',
    {
      config: { ...staffAccess, scope: { record: 'inspection' } },
      schema: { tags, summary: 'One inspection with its inspectors', params: idParams, response: { 200: record, ...errorResponses } },
    },
    async (request) => loadInspectionOr404(app.db, request.params.id),
  )

  app.get(
    '/inspections',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Inspections, filtered and paginated (latest first)',
        querystring: inspectionListQuerySchema,
        response: { 200: pageSchema(record), ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const q: typeof request.query & ScopedListQuery = request.query
      const { total, items } = await listInspections(app.db, q)
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )
}
