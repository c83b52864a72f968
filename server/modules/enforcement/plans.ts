/**
 * Double-random inspection plan routes (双随机、一公开, docs/domain.md Policy 二(五), docs/domain.md §5):
 * draw a plan for a department, a division and a period, read plans, re-run a plan's draw, publish a
 * plan and then its results. The rules are in plan-service.ts, the SQL in plan-repository.ts.
 */
import type { FastifyInstance } from 'fastify'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { inspectorAccess } from './shared'
import { idParams } from '../../http/params'
import { sessionActor } from '../../http/actor'
import { listPlans } from './plan-repository'
import { assertPlanReadable, checkDrawScope, drawPlan, fullPlan, publishPlan, reproducePlan, type PlanPublication } from './plan-service'
import { planBodySchema, planListQuerySchema, planPageSchema, planWithInspectionsSchema, reproduceSchema } from './schemas'

/** Who reads plans: planners oversee them, inspectors carry them out (admin always); not commanders or grid workers. */
const planReaders = { access: ['planner', 'inspector'] } as const

/** Inspection plan routes (mounted under /api). */
export async function planRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const planWithInspections = planWithInspectionsSchema

  app.post(
    '/inspection-plans',
    {
      config: inspectorAccess,
      schema: {
        tags,
        summary: 'Draw and store a double-random inspection plan (双随机) for a department, a division and a period',
        description:
          'Frequency per enterprise and year by risk level (rules.inspection.perYear, pro-rated to the period; blacklisted one level up); a fractional ' +
          "expectation is a Bernoulli draw. Two inspectors per inspection from the active roster, never one of the enterprise's previous inspection. " +
          'A roster too small for that is refused (409 naming the department and how many inspectors are needed) and nothing is stored.',
        body: planBodySchema,
        response: { 201: planWithInspections, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const actor = sessionActor(request)
      const rules = app.grading.rules
      checkDrawScope(request.user!, body)
      const created = await app.db.transaction((trx) => drawPlan(trx, body, actor, rules))
      reply.code(201).header('location', `/api/inspection-plans/${created.id}`)
      return created
    },
  )

  app.get(
    '/inspection-plans',
    {
      config: planReaders,
      schema: {
        tags,
        summary: 'Inspection plans, newest first',
        querystring: planListQuerySchema,
        response: { 200: planPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const { total, items } = await listPlans(app.db, request.user, q)
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )

  app.get(
    '/inspection-plans/:id',
    {
      config: planReaders,
      schema: {
        tags,
        summary: 'One inspection plan with its planned inspections',
        params: idParams,
        response: { 200: planWithInspections, ...errorResponses },
      },
    },
    async (request) => {
      await assertPlanReadable(app.db, request.user, request.params.id)
      return fullPlan(app.db, request.params.id)
    },
  )

  app.get(
    '/inspection-plans/:id/reproduce',
    {
      config: planReaders,
      schema: {
        tags,
        summary: "Re-run a plan's draw from its stored seed and inputs and report whether it gives the stored planned inspections",
        description: '409 for a plan without stored inputs (one not drawn by this API, e.g. demo data).',
        params: idParams,
        response: { 200: reproduceSchema, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => reproducePlan(app.db, request.user, request.params.id, app.grading.rules.version),
  )

  const publications: Array<{ path: PlanPublication; summary: string }> = [
    { path: 'publish', summary: 'Publish a plan (一公开): the enterprises and days to be inspected' },
    { path: 'publish-results', summary: "Publish a plan's results: every planned inspection's result must be recorded" },
  ]

  for (const p of publications) {
    app.post(
      `/inspection-plans/:id/${p.path}`,
      {
        config: inspectorAccess,
        schema: {
          tags,
          summary: p.summary,
          description: "409 naming the plan's state when it does not allow this.",
          params: idParams,
          response: { 200: planWithInspections, 409: errorResponse, ...errorResponses },
        },
      },
      async (request) => {
        const actor = sessionActor(request)
        return app.db.transaction((trx) => publishPlan(trx, p.path, request.params.id, request.user, actor))
      },
    )
  }
}
