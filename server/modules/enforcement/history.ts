/**
 * Overdue rectifications as a first-class list (docs/domain.md §7; the map layer is /tiles/overdue) and the
 * enforcement history behind an enterprise, for the map's panels.
 */
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors'
import { errorResponses, levelResponseSchema, sentObject, typed, type SchemaType } from '../../http/schemas'
import { hiddenDangerRecordSchema, hiddenDangers } from '../sources'
import { CREDIT_STATUSES, OVERDUE_KINDS } from '../../domain/enforcement'
import type { ScopedListQuery } from '../auth/jurisdiction'
import { creditEventsOf } from './credit-service'
import { enforcementStateOf, findingTally, inspectionsOf, overdueList } from './repository'
import { creditEventRecordSchema, inspectionRecordSchema, penaltyRecordSchema, violationRecordSchema } from './schemas'
import { penaltiesOf } from './penalty-repository'
import { staffAccess } from './shared'
import { violationsOf } from './violation-repository'
import { MAX_ID, offsetParam } from '../../http/bounds'
import { idParams } from '../../http/params'
import { databaseToday } from '../../db/db'

const overdueItemProperties = {
  kind: { type: 'string', enum: OVERDUE_KINDS },
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  enterpriseName: { type: 'string' },
  divisionCode: { type: 'string' },
  description: { type: 'string' },
  isMajor: { type: 'boolean', description: 'a major hidden danger (keeps its enterprise red); false for a violation' },
  inspectionId: { type: ['integer', 'null'] },
  foundAt: { type: 'string' },
  deadline: { type: 'string' },
  daysOverdue: { type: 'integer', description: 'whole days past the deadline' },
  reportedBy: { type: 'string' },
  lon: { type: 'number', description: 'WGS 84; a violation is shown at its enterprise' },
  lat: { type: 'number' },
} as const

// Every object of the enforcement history is built with all its keys (the route below and the
// modules' toRecord functions), so each names all its properties required.
const inspectionSchema = inspectionRecordSchema

/** `GET /api/enterprises/:id/enforcement`. */
export const enforcementHistoryResponse = sentObject({
  enterpriseId: { type: 'integer' },
  name: { type: 'string' },
  level: levelResponseSchema,
  creditStatus: { type: 'string', enum: CREDIT_STATUSES },
  today: { type: 'string' },
  overdue: sentObject({ hiddenDangers: { type: 'integer' }, violations: { type: 'integer' }, oldestDeadline: { type: ['string', 'null'] } }),
  open: { ...sentObject({ hiddenDangers: { type: 'integer' }, violations: { type: 'integer' } }), description: 'not yet verified' },
  lastInspection: { anyOf: [{ type: 'null' }, inspectionSchema] },
  nextPlannedInspection: { anyOf: [{ type: 'null' }, inspectionSchema] },
  inspections: { type: 'array', items: inspectionSchema },
  violations: { type: 'array', items: violationRecordSchema },
  hiddenDangers: { type: 'array', items: hiddenDangerRecordSchema },
  penalties: { type: 'array', items: penaltyRecordSchema },
  creditEvents: { type: 'array', items: creditEventRecordSchema },
})

export type EnforcementHistory = SchemaType<typeof enforcementHistoryResponse>

const overdueQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprise' },
    kind: { type: 'string', enum: OVERDUE_KINDS },
    enterpriseId: { type: 'integer', minimum: 1, maximum: MAX_ID },
    limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
    offset: offsetParam,
  },
} as const

/** `GET /api/enforcement/overdue`: the route sets every key. */
export const overduePageSchema = sentObject({
  today: { type: 'string', description: "the date overdue is judged at (the database's current date)" },
  total: { type: 'integer' },
  counts: { ...sentObject({ hidden_danger: { type: 'integer' }, violation: { type: 'integer' } }), description: 'by kind, before the kind filter' },
  enterprises: { type: 'integer', description: 'enterprises with an overdue item (after filters)' },
  limit: { type: 'integer' },
  offset: { type: 'integer' },
  items: { type: 'array', items: sentObject(overdueItemProperties) },
})

export type OverduePage = SchemaType<typeof overduePageSchema>

/** Overdue list and enterprise enforcement history (mounted under /api). */
export async function historyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']

  app.get(
    '/enforcement/overdue',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Overdue rectifications: hidden dangers and violations still open after their deadline, most overdue first',
        querystring: overdueQuerySchema,
        response: { 200: overduePageSchema, ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const query: typeof request.query & ScopedListQuery = request.query
      const { division, scopeGridId, kind, enterpriseId, limit, offset } = query
      const db = app.db
      const { counts, enterprises, items } = await overdueList(db, { division, scopeGridId, kind, enterpriseId, limit, offset })
      return {
        today: await databaseToday(db),
        total: kind ? counts[kind] : counts.hidden_danger + counts.violation,
        counts,
        enterprises,
        limit,
        offset,
        items,
      }
    },
  )

  app.get(
    '/enterprises/:id/enforcement',
    {
      config: { ...staffAccess, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "An enterprise's enforcement history: inspections, violations, hidden dangers, penalties, credit events and what is overdue",
        params: idParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'latest items per list' } },
        },
        response: {
          200: enforcementHistoryResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params
      const { limit } = request.query
      const db = app.db
      const enterprise = await enforcementStateOf(db, id)
      if (!enterprise) throw notFound('enterprise', id)
      const today = await databaseToday(db)
      const tally = await findingTally(db, id)
      const inspections = await inspectionsOf(db, id, limit)
      // The hidden-dangers list is ordered by id: its last page holds the latest.
      const { total: dangerCount } = await hiddenDangers.list(db, { enterpriseId: id, limit: 1, offset: 0 })
      const { items: dangers } = await hiddenDangers.list(db, { enterpriseId: id, limit, offset: Math.max(0, dangerCount - limit) })
      return {
        enterpriseId: enterprise.id,
        name: enterprise.name,
        level: enterprise.level,
        creditStatus: enterprise.creditStatus,
        today,
        overdue: { hiddenDangers: tally.overdueHiddenDangers, violations: tally.overdueViolations, oldestDeadline: tally.oldestDeadline },
        open: { hiddenDangers: tally.openHiddenDangers, violations: tally.openViolations },
        lastInspection: inspections.find((i) => i.status === 'recorded') ?? null,
        nextPlannedInspection: [...inspections].reverse().find((i) => i.status === 'planned' && (i.plannedFor ?? '') >= today) ?? null,
        inspections,
        violations: await violationsOf(db, id, limit),
        hiddenDangers: dangers.sort((a, b) => (a.foundAt < b.foundAt ? 1 : a.foundAt > b.foundAt ? -1 : b.id - a.id)),
        penalties: await penaltiesOf(db, id, limit),
        creditEvents: await creditEventsOf(db, id, today),
      }
    },
  )
}
