/**
 * Violation routes (违法行为, docs/domain.md §7): record one, read them, and take one along its
 * rectification loop (rectify, verify, reopen), each step typed by its own body schema. The rules are
 * in violation-service.ts, the SQL in violation-repository.ts.
 */
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { RECTIFICATION_STEPS, type RectificationAction } from '../../domain/rectification'
import type { ScopedListQuery } from '../auth/jurisdiction'
import { inspectorAccess, staffAccess } from './shared'
import { idParams } from '../../http/params'
import { sessionActor } from '../../http/actor'
import { listViolations, loadViolation } from './violation-repository'
import { insertViolation, stepViolation } from './violation-service'
import { pageSchema, violationBodySchema, violationListQuerySchema, violationRecordSchema, violationStepBodySchemas } from './schemas'

const tags = ['enforcement']

/** The options of a step's route: its access, summary and body schema; 409 naming the status when the step is not allowed. */
function stepOptions<const B>(action: RectificationAction, summary: string, body: B) {
  return {
    config: { ...inspectorAccess, scope: { record: 'violation' } },
    schema: {
      tags,
      summary,
      description: `Allowed only when the violation is ${RECTIFICATION_STEPS[action].from}; otherwise 409 naming its current status.`,
      params: idParams,
      body,
      response: { 200: violationRecordSchema, 409: errorResponse, ...errorResponses },
    },
  } as const
}

/** Violation routes (mounted under /api). */
export async function violationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const record = violationRecordSchema

  app.post(
    '/violations',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'body.enterpriseId' } },
      schema: {
        tags,
        summary: 'Record a violation (open, with a rectification deadline)',
        body: violationBodySchema,
        response: { 201: record, ...errorResponses },
      },
    },
    async (request, reply) => {
      const actor = sessionActor(request)
      const created = await app.db.transaction((trx) => insertViolation(trx, request.body, actor))
      reply.code(201).header('location', `/api/violations/${created.id}`)
      return created
    },
  )

  app.get(
    '/violations/:id',
    {
      config: { ...staffAccess, scope: { record: 'violation' } },
      schema: { tags, summary: 'One violation', params: idParams, response: { 200: record, ...errorResponses } },
    },
    async (request) => {
      const found = await loadViolation(app.db, request.params.id)
      if (!found) throw notFound('violation', request.params.id)
      return found
    },
  )

  app.get(
    '/violations',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Violations, filtered and paginated (ordered by id)',
        querystring: violationListQuerySchema,
        response: { 200: pageSchema(record), ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const q: typeof request.query & ScopedListQuery = request.query
      const { total, items } = await listViolations(app.db, q)
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )

  app.post(
    '/violations/:id/rectify',
    stepOptions('rectify', 'Record the rectification of an open violation; the signed-in account is its rectifier', violationStepBodySchemas.rectify),
    async (request) => {
      const actor = sessionActor(request)
      return app.db.transaction((trx) => stepViolation(trx, request.params.id, { action: 'rectify', body: request.body }, actor))
    },
  )

  app.post(
    '/violations/:id/verify',
    stepOptions(
      'verify',
      'Verify a rectified violation: the signed-in account, not the one that reported it or recorded its rectification (403 separation_of_duties)',
      violationStepBodySchemas.verify,
    ),
    async (request) => {
      const actor = sessionActor(request)
      // A verification may come without a body.
      return app.db.transaction((trx) => stepViolation(trx, request.params.id, { action: 'verify', body: request.body ?? {} }, actor))
    },
  )

  app.post(
    '/violations/:id/reopen',
    stepOptions('reopen', 'Verification failed: reopen a rectified violation', violationStepBodySchemas.reopen),
    async (request) => {
      const actor = sessionActor(request)
      return app.db.transaction((trx) => stepViolation(trx, request.params.id, { action: 'reopen', body: request.body }, actor))
    },
  )
}
