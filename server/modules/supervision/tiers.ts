/**
 * Routes of an enterprise's supervision (docs/domain.md §5): its tier, departments and responsible
 * person under `/api/enterprises/:id/supervision` and `/api/enterprises/:id/tier`, and the tier
 * recompute. Thin: schemas, access, one call of tier-service.ts each. These sub-resources of an
 * enterprise are served here, by the module whose rules they are (docs/architecture.md, "Who owns a table").
 */
import type { FastifyInstance } from 'fastify'
import { readScope } from '../auth/access'
import { errorResponse, errorResponses, sentObject, type SchemaType } from '../../http/schemas'
import { AFFILIATIONS, SCALES, TIERS, type SupervisionTier } from '../../domain/tier'
import { TIER_SOURCES } from '../../domain/supervision'
import { regradeSchema } from '../sources'
import { auditUser, sessionActor } from '../../http/actor'
import { idParams, idSchema } from '../../http/params'
import { assignTier, changeSupervision, recomputeTiers, removeTierAssignment, supervisionOf, type SupervisionBody } from './tier-service'

const supervisionBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    affiliation: { type: 'string', enum: ['central', 'province', 'city', 'county', 'township'], description: '隶属关系: level of government the enterprise belongs to' },
    scale: { type: 'string', enum: ['large', 'medium', 'small', 'micro'] },
    highHazard: { type: 'boolean', description: 'high-hazard by flag; a high-hazard industry is high-hazard regardless' },
    centralVertical: { type: 'boolean', description: 'under central vertical supervision: excluded from local tiers and from coverage' },
    isOutlet: { type: 'boolean', description: 'a business outlet (经营网点) of its enterprise' },
    industryDepartmentId: { type: ['integer', 'null'], minimum: 1, description: 'an industry department whose jurisdiction contains the enterprise' },
    specialistDepartmentIds: { type: 'array', uniqueItems: true, maxItems: 20, items: idSchema, description: 'replaces the specialist departments' },
    responsiblePerson: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'the named supervision officer responsible for the enterprise (监管责任人)' },
    responsiblePhone: { type: ['string', 'null'], minLength: 1, maxLength: 50 },
  },
} as const

const departmentRef = sentObject({ id: { type: 'integer' }, name: { type: 'string' }, specialty: { type: ['string', 'null'] } })

export const gapSchema = {
  type: 'object',
  properties: {
    kind: { type: 'string', enum: ['industry_department', 'specialist_department', 'responsible_person', 'tier'] },
    specialty: { type: 'string' },
    message: { type: 'string' },
  },
  required: ['kind', 'message'],
} as const

export const supervisionProperties = {
  id: { type: 'integer' },
  name: { type: 'string' },
  divisionCode: { type: 'string' },
  industry: { type: ['string', 'null'], description: 'null: unknown (see the data-quality report)' },
  affiliation: { type: ['string', 'null'], enum: [...AFFILIATIONS, null] },
  scale: { type: ['string', 'null'], enum: [...SCALES, null] },
  highHazard: { type: 'boolean', description: 'the stored flag' },
  highHazardIndustry: { type: 'boolean', description: 'the industry is high-hazard under the rule set' },
  centralVertical: { type: 'boolean' },
  isOutlet: { type: 'boolean' },
  tier: { type: ['string', 'null'], enum: [...TIERS, null] },
  tierSource: { type: 'string', enum: TIER_SOURCES },
  tierReason: { type: ['string', 'null'] },
  ruleTier: { type: ['string', 'null'], enum: [...TIERS, null], description: 'what the rule alone gives (differs from tier only under an explicit assignment)' },
  ruleTierReason: { type: 'string' },
  industryDepartment: { anyOf: [{ type: 'null' }, departmentRef] },
  specialistDepartments: { type: 'array', items: departmentRef },
  responsiblePerson: { type: ['string', 'null'] },
  responsiblePhone: { type: ['string', 'null'] },
  gaps: { type: 'array', items: gapSchema, description: 'coverage (全覆盖) gaps; empty when covered or centrally supervised' },
} as const

/** `GET /api/enterprises/:id/supervision`: loadSupervision sets every property. */
export const enterpriseSupervisionResponse = sentObject(supervisionProperties)

export type EnterpriseSupervision = SchemaType<typeof enterpriseSupervisionResponse>

const staff = { access: 'staff' } as const
const planners = { access: ['planner'] } as const

/** Routes of an enterprise's supervision and the tier recompute (mounted under /api). */
export async function tierRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['supervision']
  const view = { type: 'object', properties: supervisionProperties } as const

  app.get<{ Params: { id: number } }>(
    '/enterprises/:id/supervision',
    { config: { ...staff, scope: { enterprise: 'params.id' } }, schema: { tags, summary: "An enterprise's supervision: tier, departments, responsible person and coverage gaps", params: idParams, response: { 200: enterpriseSupervisionResponse, ...errorResponses } } },
    async (request) => {
      const view = await supervisionOf(app.db, request.params.id, app.grading.rules)
      // Contact data only for readers whose scope has it (auth/access readScope).
      return readScope(request.user).contacts ? view : { ...view, responsiblePerson: null, responsiblePhone: null }
    },
  )

  app.put<{ Params: { id: number }; Body: SupervisionBody }>(
    '/enterprises/:id/supervision',
    {
      config: planners,
      schema: {
        tags,
        summary: "Change an enterprise's supervision attributes, departments or responsible person; the tier follows the rule unless explicitly assigned",
        description: 'Only the given properties change; specialistDepartmentIds replaces the list. A change of highHazard regrades the enterprise (its baseline level) at once.',
        params: idParams,
        body: supervisionBody,
        response: { 200: { type: 'object', properties: { ...supervisionProperties, regrade: { anyOf: [{ type: 'null' }, regradeSchema] } } }, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => changeSupervision(app.db, request.params.id, request.body, auditUser(request), app.grading),
  )

  app.put<{ Params: { id: number }; Body: { tier: SupervisionTier; reason: string } }>(
    '/enterprises/:id/tier',
    {
      config: planners,
      schema: {
        tags,
        summary: "Assign an enterprise's tier explicitly, overriding the rule until the assignment is removed",
        description: 'Recorded as tier_source "explicit" with the reason "explicit: <reason> (by <who>, <date>)", <who> being the signed-in account. 409 for a centrally supervised enterprise.',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['tier', 'reason'],
          properties: { tier: { type: 'string', enum: TIERS }, reason: { type: 'string', minLength: 1, maxLength: 500 } },
        },
        response: { 200: view, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { tier, reason } = request.body
      return assignTier(app.db, request.params.id, tier, reason, sessionActor(request).name, auditUser(request), app.grading.rules)
    },
  )

  app.delete<{ Params: { id: number } }>(
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
        response: {
          200: {
            type: 'object',
            properties: {
              checked: { type: 'integer' },
              changed: { type: 'integer' },
              explicit: { type: 'integer' },
              changes: {
                type: 'array',
                description: 'the first 1000 changes',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' },
                    before: { type: 'object', properties: { tier: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] } } },
                    after: { type: 'object', properties: { tier: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] } } },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const summary = await app.db.transaction((trx) => recomputeTiers(trx, app.grading.rules, auditUser(request)))
      return { ...summary, changes: summary.changes.slice(0, 1000) }
    },
  )
}
