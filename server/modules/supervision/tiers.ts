/**
 * Routes of an enterprise's supervision (docs/domain.md §5): its tier, departments and responsible
 * person under `/api/enterprises/:id/supervision` and `/api/enterprises/:id/tier`, and the tier
 * recompute. Thin: schemas, access, one call of tier-service.ts each. These sub-resources of an
 * enterprise are served here, by the module whose rules they are (docs/architecture.md, "Who owns a table").
 */
import type { FastifyInstance } from 'fastify'
import { readScope } from '../auth/access'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { auditUser, sessionActor } from '../../http/actor'
import { idParams } from '../../http/params'
import { assignTier, changeSupervision, recomputeTiers, removeTierAssignment, supervisionOf } from './tier-service'
import { enterpriseSupervisionResponse, recomputeResponse, supervisionBodySchema, supervisionChangeResponse, tierBodySchema } from './schemas'

const staff = { access: 'staff' } as const
const planners = { access: ['planner'] } as const

/** Routes of an enterprise's supervision and the tier recompute (mounted under /api). */
export async function tierRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['supervision']
  const view = enterpriseSupervisionResponse

  app.get(
    '/enterprises/:id/supervision',
    {
      config: { ...staff, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "An enterprise's supervision: tier, departments, responsible person and coverage gaps",
        params: idParams,
        response: { 200: enterpriseSupervisionResponse, ...errorResponses },
      },
    },
    async (request) => {
      const view = await supervisionOf(app.db, request.params.id, app.grading.rules)
      // Contact data only for readers whose scope has it (auth/access readScope).
      return readScope(request.user).contacts ? view : { ...view, responsiblePerson: null, responsiblePhone: null }
    },
  )

  app.put(
    '/enterprises/:id/supervision',
    {
      config: planners,
      schema: {
        tags,
        summary: "Change an enterprise's supervision attributes, departments or responsible person; the tier follows the rule unless explicitly assigned",
        description:
          'Only the given properties change; specialistDepartmentIds replaces the list. A change of highHazard regrades the enterprise (its baseline level) at once.',
        params: idParams,
        body: supervisionBodySchema,
        response: { 200: supervisionChangeResponse, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => changeSupervision(app.db, request.params.id, request.body, auditUser(request), app.grading),
  )

  app.put(
    '/enterprises/:id/tier',
    {
      config: planners,
      schema: {
        tags,
        summary: "Assign an enterprise's tier explicitly, overriding the rule until the assignment is removed",
        description:
          'Recorded as tier_source "explicit" with the reason "explicit: <reason> (by <who>, <date>)", <who> being the signed-in account. 409 for a centrally supervised enterprise.',
        params: idParams,
        body: tierBodySchema,
        response: { 200: view, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { tier, reason } = request.body
      return assignTier(app.db, request.params.id, tier, reason, sessionActor(request).name, auditUser(request), app.grading.rules)
    },
  )

  app.delete(
    '/enterprises/:id/tier',
    {
      config: planners,
      schema: {
        tags,
        summary: "Remove an explicit tier assignment: the enterprise's tier follows the rule again",
        description: '409 when the tier already follows the rule.',
        params: idParams,
        response: { 200: view, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => removeTierAssignment(app.db, request.params.id, auditUser(request), app.grading.rules),
  )

  app.post(
    '/supervision/tiers/recompute',
    {
      config: planners,
      schema: {
        tags,
        summary: 'Apply the tier rule to every enterprise whose tier follows it (explicit assignments are kept)',
        description: 'Run after a change of the rule or of many enterprises (e.g. an import). Each change is audited (action tier_recomputed).',
        response: { 200: recomputeResponse, ...errorResponses },
      },
    },
    async (request) => {
      const summary = await app.db.transaction((trx) => recomputeTiers(trx, app.grading.rules, auditUser(request)))
      return { ...summary, changes: summary.changes.slice(0, 1000) }
    },
  )
}
