/**
 * Inspections (监督检查, docs/domain.md §7, docs/domain.md Policy 二(五)): who inspected which enterprise when, under which plan,
 * what was found and the result. Violations and hidden dangers found are recorded with the inspection
 * in its transaction; hidden dangers through the hidden-dangers module, so a major one makes the
 * enterprise red at once and its verified rectification lifts that at once.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { AppError, conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses } from '../../http/schemas'
import { recordAudit } from '../audit/audit'
import { hiddenDangers, locationProperties, regradeAndAudit, regradeSchema, type HiddenDangerRecord, type RegradeSummary } from '../sources'
import { whereEnterpriseIn } from '../auth/jurisdiction'
import { checkInspectors, enterpriseRef, inspectorAccess, staffAccess } from './shared'
import { foundViolationSchema, insertViolation, violationProperties, type ViolationRecord } from './violations'
import { auditUser, sessionActor, type SessionActor } from '../../http/actor'
import { dateSchema, idParams, idSchema, pageProperties, type Page, divisionFilterSchema } from '../../http/params'
import { isoTime, type Db, databaseToday, lockRow } from '../../db/db'
import { INSPECTION_RESULTS, type InspectionResult } from '../../domain/enforcement'

interface FoundViolation {
  description: string
  legalBasis?: string | null
  deadline: string
}

interface FoundHiddenDanger {
  description: string
  isMajor: boolean
  deadline: string
  lon?: number | null
  lat?: number | null
}

/** What an inspection found and concluded: recorded with a new inspection, or later for a planned one. */
export interface InspectionOutcome {
  inspectedAt: string
  findings?: string | null
  result: InspectionResult
  violations?: FoundViolation[]
  hiddenDangers?: FoundHiddenDanger[]
}

export interface InspectionBody extends InspectionOutcome {
  enterpriseId: number
  inspectorIds: number[]
  planId?: number | null
}

const foundHiddenDangerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['description', 'deadline'],
  properties: {
    description: { type: 'string', minLength: 1, maxLength: 4000 },
    isMajor: { type: 'boolean', default: true, description: 'a major hidden danger makes the enterprise red until its rectification is verified' },
    deadline: { ...dateSchema, description: 'rectification deadline, on or after inspectedAt' },
    ...locationProperties,
  },
} as const

const outcomeProperties = {
  inspectedAt: { ...dateSchema, description: 'day of the inspection, not in the future' },
  findings: { type: ['string', 'null'], maxLength: 4000 },
  result: { type: 'string', enum: INSPECTION_RESULTS },
  violations: { type: 'array', maxItems: 50, items: foundViolationSchema, default: [], description: 'violations found; reported by the first inspector' },
  hiddenDangers: { type: 'array', maxItems: 20, items: foundHiddenDangerSchema, default: [], description: 'hidden dangers found; reported by the first inspector' },
} as const

const outcomeSchema = { type: 'object', additionalProperties: false, required: ['inspectedAt', 'result'], properties: outcomeProperties } as const

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'inspectorIds', 'inspectedAt', 'result'],
  properties: {
    enterpriseId: idSchema,
    inspectorIds: {
      type: 'array', minItems: 2, maxItems: 10, uniqueItems: true, items: idSchema,
      description: "at least two active inspectors of the enterprise's industry or specialist departments, or of the plan's department",
    },
    planId: { type: ['integer', 'null'], minimum: 1 },
    ...outcomeProperties,
  },
} as const

export const inspectionProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  enterpriseName: { type: 'string' },
  planId: { type: ['integer', 'null'] },
  plannedFor: { type: ['string', 'null'] },
  inspectedAt: { type: ['string', 'null'] },
  status: { type: 'string', enum: ['planned', 'recorded'] },
  findings: { type: ['string', 'null'] },
  result: { type: ['string', 'null'], enum: [...INSPECTION_RESULTS, null] },
  inspectors: {
    type: 'array',
    items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' }, badgeNo: { type: 'string' }, departmentId: { type: 'integer' } } },
  },
  violations: { type: 'integer', description: 'violations recorded against this inspection' },
  hiddenDangers: { type: 'integer', description: 'hidden dangers recorded against this inspection' },
  createdAt: { type: 'string' },
} as const

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q
    .join('enterprise as e', 'e.id', 'i.enterprise_id')
    .select(
      'i.id', 'i.enterprise_id', 'e.name as enterprise_name', 'i.plan_id', 'i.findings', 'i.result', 'i.created_at',
      db.raw("to_char(i.planned_for, 'YYYY-MM-DD') AS planned_for"),
      db.raw("to_char(i.inspected_at, 'YYYY-MM-DD') AS inspected_at"),
      db.raw(`coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name, 'badgeNo', p.badge_no, 'departmentId', p.department_id) ORDER BY p.id)
                FROM inspection_inspector ii JOIN inspector p ON p.id = ii.inspector_id WHERE ii.inspection_id = i.id), '[]'::json) AS inspectors`),
      db.raw('(SELECT count(*)::int FROM violation v WHERE v.inspection_id = i.id) AS violations'),
      db.raw('(SELECT count(*)::int FROM hidden_danger h WHERE h.inspection_id = i.id) AS hidden_dangers'),
    )
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    enterpriseName: r.enterprise_name as string,
    planId: r.plan_id === null ? null : Number(r.plan_id),
    plannedFor: r.planned_for as string | null,
    inspectedAt: r.inspected_at as string | null,
    status: (r.inspected_at === null ? 'planned' : 'recorded') as 'planned' | 'recorded',
    findings: r.findings as string | null,
    result: r.result as InspectionResult | null,
    inspectors: r.inspectors as Array<{ id: number; name: string; badgeNo: string; departmentId: number }>,
    violations: Number(r.violations),
    hiddenDangers: Number(r.hidden_dangers),
    createdAt: isoTime(r.created_at),
  }
}

export type InspectionRecord = ReturnType<typeof toRecord>

export async function loadInspection(db: Db, id: number): Promise<InspectionRecord | undefined> {
  const row = await selectColumns(db, db('inspection as i')).where('i.id', id).first()
  return row ? toRecord(row) : undefined
}

/** Inspections of an enterprise, latest (performed or planned) first, for the enforcement history. */
export async function inspectionsOf(db: Db, enterpriseId: number, limit: number): Promise<InspectionRecord[]> {
  const rows = await selectColumns(db, db('inspection as i'))
    .where('i.enterprise_id', enterpriseId)
    .orderByRaw('coalesce(i.inspected_at, i.planned_for) DESC NULLS LAST, i.id DESC')
    .limit(limit)
  return rows.map(toRecord)
}

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
  for (const [list, name] of [[outcome.violations ?? [], 'violations'], [outcome.hiddenDangers ?? [], 'hiddenDangers']] as const) {
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
    const id = await withPrefix(`hiddenDangers[${i}]`, () => hiddenDangers.insert(trx, {
      enterpriseId: inspection.enterpriseId, inspectionId: inspection.id, description: h.description, isMajor: h.isMajor,
      foundAt: inspection.inspectedAt, deadline: h.deadline, lon: h.lon ?? null, lat: h.lat ?? null,
    }, app.grading, actor))
    const after = (await hiddenDangers.load(trx, id))!
    const summary = await regradeAndAudit(trx, app.grading, {
      kind: 'hidden_danger', id, action: 'created', before: null, after, scope: hiddenDangers.scope(after), username: actor.username,
    })
    regrade.affectedCells += summary.affectedCells
    regrade.changedCells += summary.changedCells
    dangers.push(after)
  }
  // Violations after hidden dangers: their tile-version bump must follow the grading lock, as in every regrade.
  const violations: ViolationRecord[] = []
  for (const [i, v] of (outcome.violations ?? []).entries()) {
    violations.push(await withPrefix(`violations[${i}]`, () => insertViolation(trx, {
      enterpriseId: inspection.enterpriseId, inspectionId: inspection.id, description: v.description, legalBasis: v.legalBasis ?? null,
      foundAt: inspection.inspectedAt, deadline: v.deadline,
    }, actor)))
  }
  return { violations, hiddenDangers: dangers, regrade: dangers.length > 0 ? regrade : null }
}

interface ListQuery extends Page {
  enterpriseId?: number
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
  planId?: number
  status?: 'planned' | 'recorded'
}

/** Inspection routes (mounted under /api). */
export async function inspectionRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['enforcement']
  const record = { type: 'object', properties: inspectionProperties } as const
  const written = {
    type: 'object',
    properties: {
      inspection: record,
      violations: { type: 'array', items: { type: 'object', properties: violationProperties } },
      hiddenDangers: { type: 'array', items: { type: 'object', properties: hiddenDangers.record } },
      regrade: { anyOf: [{ type: 'null' }, regradeSchema], description: 'null when no hidden danger was recorded' },
    },
  } as const
  const load = async (db: Db, id: number) => {
    const found = await loadInspection(db, id)
    if (!found) throw notFound('inspection', id)
    return found
  }

  app.post<{ Body: InspectionBody }>(
    '/inspections',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'body.enterpriseId' } },
      schema: {
        tags,
        summary: 'Record an inspection with what it found (violations, hidden dangers), in one transaction',
        description: 'Inspectors must be active and belong to the enterprise\'s industry or specialist departments or to the plan\'s department; errors name inspectorIds[i].',
        body: bodySchema,
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
          const plan = await trx('inspection_plan').where({ id: body.planId }).first('id', 'department_id')
          if (!plan) throw invalid('planId', `no inspection plan with id ${body.planId}`)
          departments.push(Number(plan.department_id))
          whose += ` or plan ${plan.id}'s department (${plan.department_id})`
        }
        const inspectors = await checkInspectors(trx, body.inspectorIds, departments, whose)
        checkOutcome(body, await databaseToday(trx))
        const [row] = await trx('inspection')
          .insert({ enterprise_id: enterprise.id, plan_id: body.planId ?? null, inspected_at: body.inspectedAt, findings: body.findings?.trim() || null, result: body.result })
          .returning('id')
        const id = Number(row.id)
        await trx('inspection_inspector').insert(inspectors.map((p) => ({ inspection_id: id, inspector_id: p.id })))
        await recordAudit(trx, { action: 'created', entity: 'inspection', entityId: id, before: null, after: await load(trx, id), username })
        const found = await recordFound(trx, app, { id, enterpriseId: enterprise.id, inspectedAt: body.inspectedAt }, body, sessionActor(request))
        return { inspection: await load(trx, id), ...found }
      })
      reply.code(201).header('location', `/api/inspections/${result.inspection.id}`)
      return result
    },
  )

  app.post<{ Params: { id: number }; Body: InspectionOutcome }>(
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
        if (before.inspectors.length === 0) throw conflict(`inspection ${id} has no inspectors to record it`, [{ field: 'inspectorIds', message: 'none assigned' }])
        await trx('inspection').where({ id }).update({ inspected_at: body.inspectedAt, findings: body.findings?.trim() || null, result: body.result })
        await recordAudit(trx, { action: 'recorded', entity: 'inspection', entityId: id, before, after: await load(trx, id), username })
        const found = await recordFound(trx, app, { id, enterpriseId: before.enterpriseId, inspectedAt: body.inspectedAt }, body, sessionActor(request))
        return { inspection: await load(trx, id), ...found }
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/inspections/:id',
    { config: { ...staffAccess, scope: { record: 'inspection' } }, schema: { tags, summary: 'One inspection with its inspectors', params: idParams, response: { 200: record, ...errorResponses } } },
    async (request) => load(app.db, request.params.id),
  )

  app.get<{ Querystring: ListQuery }>(
    '/inspections',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Inspections, filtered and paginated (latest first)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { enterpriseId: idSchema, division: divisionFilterSchema, planId: idSchema, status: { type: 'string', enum: ['planned', 'recorded'] }, ...pageProperties },
        },
        response: { 200: { type: 'object', properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: record } } }, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const filtered = app.db('inspection as i')
      if (q.enterpriseId !== undefined) filtered.where('i.enterprise_id', q.enterpriseId)
      whereEnterpriseIn(filtered, 'i.enterprise_id', q.division, q.scopeGridId)
      if (q.planId !== undefined) filtered.where('i.plan_id', q.planId)
      if (q.status === 'planned') filtered.whereNull('i.inspected_at')
      if (q.status === 'recorded') filtered.whereNotNull('i.inspected_at')
      const [{ count }] = await filtered.clone().count<{ count: string }[]>('* as count')
      const rows = await selectColumns(app.db, filtered.clone())
        .orderByRaw('coalesce(i.inspected_at, i.planned_for) DESC NULLS LAST, i.id DESC')
        .limit(q.limit)
        .offset(q.offset)
      return { total: Number(count), limit: q.limit, offset: q.offset, items: rows.map(toRecord) }
    },
  )
}
