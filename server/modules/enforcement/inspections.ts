/**
 * Inspections (监督检查, docs/domain.md §7, docs/domain.md Policy 二(五)): who inspected which enterprise when, under which plan,
 * what was found and the result. Violations and hidden dangers found are recorded with the inspection
 * in its transaction; hidden dangers through the hidden-dangers module, so a major one makes the
 * enterprise red at once and its verified rectification lifts that at once.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { AppError, conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, sentObject, typed } from '../../http/schemas'
import { recordAudit } from '../audit/audit'
import { hiddenDangerRecordSchema, hiddenDangers, regradeAndAudit, regradeSchema, type HiddenDangerRecord, type RegradeSummary } from '../sources'
import { whereEnterpriseIn, type ScopedListQuery } from '../auth/jurisdiction'
import { checkInspectors, enterpriseRef, inspectorAccess, staffAccess } from './shared'
import { insertViolation } from './violation-service'
import { planDepartment } from './plan-repository'
import { auditUser, sessionActor, type SessionActor } from '../../http/actor'
import { idParams } from '../../http/params'
import { type Db, databaseToday, lockRow } from '../../db/db'
import { insertInspection, listInspections, loadInspection, recordInspectionOutcome } from './repository'
import {
  inspectionBodySchema,
  inspectionListQuerySchema,
  inspectionRecordSchema,
  outcomeSchema,
  pageSchema,
  violationRecordSchema,
  type InspectionOutcome,
  type ViolationRecord,
} from './schemas'

/** Re-reads a validation error of a nested write so its field is named from the request body, e.g. `hiddenDangers[0].lat`. */
async function withPrefix<T>(prefix: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err
    const [first] = err.details
    throw invalid(first?.field ? `${prefix}.${first.field}` : prefix, first?.message ?? err.message)
  }
}

/** Checks an outcome before anything is written: not in the future, deadlines after the inspection, a result that fits the findings. */
function checkOutcome(outcome: InspectionOutcome, today: string): void {
  if (outcome.inspectedAt > today) throw invalid('inspectedAt', `${outcome.inspectedAt} is in the future (today is ${today})`)
  for (const [list, name] of [
    [outcome.violations ?? [], 'violations'],
    [outcome.hiddenDangers ?? [], 'hiddenDangers'],
  ] as const) {
    list.forEach((found, i) => {
      if (found.deadline < outcome.inspectedAt) throw invalid(`${name}[${i}].deadline`, `${found.deadline} is before inspectedAt ${outcome.inspectedAt}`)
    })
  }
  const found = (outcome.violations?.length ?? 0) + (outcome.hiddenDangers?.length ?? 0)
  if (found > 0 && outcome.result !== 'violations_found') {
    throw invalid('result', `is ${outcome.result}, but ${found} violation(s) or hidden danger(s) are recorded with it: use violations_found`)
  }
}

/**
 * Stores what an inspection found, in its transaction: hidden dangers (stored, regraded and audited
 * by the hidden-dangers module) and violations (audited). The account recording the inspection is
 * their reporter (docs/security.md "Duties").
 */
async function recordFound(
  trx: Knex.Transaction,
  app: FastifyInstance,
  inspection: { id: number; enterpriseId: number; inspectedAt: string },
  outcome: InspectionOutcome,
  actor: SessionActor,
): Promise<{ violations: ViolationRecord[]; hiddenDangers: HiddenDangerRecord[]; regrade: RegradeSummary | null }> {
  const dangers: HiddenDangerRecord[] = []
  const regrade: RegradeSummary = { affectedCells: 0, changedCells: 0 }
  for (const [i, h] of (outcome.hiddenDangers ?? []).entries()) {
    const id = await withPrefix(`hiddenDangers[${i}]`, () =>
      hiddenDangers.insert(
        trx,
        {
          enterpriseId: inspection.enterpriseId,
          inspectionId: inspection.id,
          description: h.description,
          isMajor: h.isMajor,
          foundAt: inspection.inspectedAt,
          deadline: h.deadline,
          lon: h.lon ?? null,
          lat: h.lat ?? null,
        },
        app.grading,
        actor,
      ),
    )
    const after = (await hiddenDangers.load(trx, id))!
    const summary = await regradeAndAudit(trx, app.grading, {
      kind: 'hidden_danger',
      id,
      action: 'created',
      before: null,
      after,
      scope: hiddenDangers.scope(after),
      username: actor.username,
    })
    regrade.affectedCells += summary.affectedCells
    regrade.changedCells += summary.changedCells
    dangers.push(after)
  }
  // Violations after hidden dangers: their tile-version bump must follow the grading lock, as in every regrade.
  const violations: ViolationRecord[] = []
  for (const [i, v] of (outcome.violations ?? []).entries()) {
    violations.push(
      await withPrefix(`violations[${i}]`, () =>
        insertViolation(
          trx,
          {
            enterpriseId: inspection.enterpriseId,
            inspectionId: inspection.id,
            description: v.description,
            legalBasis: v.legalBasis ?? null,
            foundAt: inspection.inspectedAt,
            deadline: v.deadline,
          },
          actor,
        ),
      ),
    )
  }
  return { violations, hiddenDangers: dangers, regrade: dangers.length > 0 ? regrade : null }
}

/** Inspection routes (mounted under /api). */
export async function inspectionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const record = inspectionRecordSchema
  // recordFound sets every key.
  const written = sentObject({
    inspection: record,
    violations: { type: 'array', items: violationRecordSchema },
    hiddenDangers: { type: 'array', items: hiddenDangerRecordSchema },
    regrade: { anyOf: [{ type: 'null' }, regradeSchema], description: 'null when no hidden danger was recorded' },
  })
  const load = async (db: Db, id: number) => {
    const found = await loadInspection(db, id)
    if (!found) throw notFound('inspection', id)
    return found
  }

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
      const body = request.body
      const username = auditUser(request)
      const result = await app.db.transaction(async (trx) => {
        const enterprise = await enterpriseRef(trx, body.enterpriseId)
        const departments = [...enterprise.departmentIds]
        let whose = `enterprise ${enterprise.id}'s departments (${enterprise.departmentIds.join(', ') || 'none'})`
        if (body.planId !== undefined && body.planId !== null) {
          const plan = await planDepartment(trx, body.planId)
          if (!plan) throw invalid('planId', `no inspection plan with id ${body.planId}`)
          departments.push(plan.departmentId)
          whose += ` or plan ${plan.id}'s department (${plan.departmentId})`
        }
        const inspectors = await checkInspectors(trx, body.inspectorIds, departments, whose)
        checkOutcome(body, await databaseToday(trx))
        const id = await insertInspection(trx, {
          enterpriseId: enterprise.id,
          planId: body.planId ?? null,
          inspectedAt: body.inspectedAt,
          findings: body.findings?.trim() || null,
          result: body.result,
          inspectorIds: inspectors.map((p) => p.id),
        })
        await recordAudit(trx, { action: 'created', entity: 'inspection', entityId: id, before: null, after: await load(trx, id), username })
        const found = await recordFound(trx, app, { id, enterpriseId: enterprise.id, inspectedAt: body.inspectedAt }, body, sessionActor(request))
        return { inspection: await load(trx, id), ...found }
      })
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
      const { id } = request.params
      const body = request.body
      const username = auditUser(request)
      return app.db.transaction(async (trx) => {
        await lockRow(trx, 'inspection', id)
        const before = await load(trx, id)
        if (before.status === 'recorded') {
          const message = `inspection ${id} is already recorded (inspected ${before.inspectedAt}, result ${before.result})`
          throw conflict(message, [{ field: 'status', message, current: 'recorded' }])
        }
        checkOutcome(body, await databaseToday(trx))
        if (before.inspectors.length === 0)
          throw conflict(`inspection ${id} has no inspectors to record it`, [{ field: 'inspectorIds', message: 'none assigned' }])
        await recordInspectionOutcome(trx, id, { inspectedAt: body.inspectedAt, findings: body.findings?.trim() || null, result: body.result })
        await recordAudit(trx, { action: 'recorded', entity: 'inspection', entityId: id, before, after: await load(trx, id), username })
        const found = await recordFound(trx, app, { id, enterpriseId: before.enterpriseId, inspectedAt: body.inspectedAt }, body, sessionActor(request))
        return { inspection: await load(trx, id), ...found }
      })
    },
  )

  app.get(
    '/inspections/:id',
    {
      config: { ...staffAccess, scope: { record: 'inspection' } },
      schema: { tags, summary: 'One inspection with its inspectors', params: idParams, response: { 200: record, ...errorResponses } },
    },
    async (request) => load(app.db, request.params.id),
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
      const { total, items } = await listInspections(app.db, q, (filtered) => whereEnterpriseIn(filtered, 'i.enterprise_id', q.division, q.scopeGridId))
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )
}
