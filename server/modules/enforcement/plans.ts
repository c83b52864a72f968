/**
 * Double-random inspection plans (双随机、一公开, docs/domain.md Policy 二(五), docs/domain.md §5): for a department, a division
 * and a period, draw the enterprises to inspect (more often the higher their risk) and two inspectors
 * for each, store the plan with its planned inspections, publish it and then its results. The draw is
 * domain/sampling.ts; its seed and inputs are stored (the inputs in the plan's creation audit row) so
 * that anyone can re-run it and check the stored plan is what the seed gives.
 */
import crypto from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { AppError, conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses } from '../../schemas'
import type { Level } from '../../domain/levels'
import type { RuleSet } from '../../domain/rules'
import { drawInspectionPlan, type PlannedInspection, type SamplingEnterprise, type SamplingInput } from '../../domain/sampling'
import { jurisdictionPrefix } from '../../domain/supervision'
import { recordAudit } from '../audit/audit'
import { readScope, type SessionUser } from '../auth/access'
import { auditUser, dateSchema, idParams, idSchema, isoTime, nameSchema, pageProperties, type Db, type Page } from '../sources/shared'
import { INSPECTION_RESULTS } from './inspections'
import { inspectorAccess, lockRow } from './shared'

export interface PlanBody {
  departmentId: number
  divisionPrefix: string
  periodStart: string
  periodEnd: string
  seed?: string
  createdBy?: string
}

/** What the creation audit row keeps so the draw can be re-run: the inputs and the rule values used. */
export interface StoredDraw {
  inputs: Omit<SamplingInput, 'seed' | 'periodStart' | 'periodEnd'>
  rules: { version: string; inspection: RuleSet['inspection'] }
}

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['departmentId', 'divisionPrefix', 'periodStart', 'periodEnd'],
  properties: {
    departmentId: idSchema,
    divisionPrefix: { type: 'string', pattern: '^[0-9]{2,9}$', description: "division code prefix of the enterprises to draw from, within the department's jurisdiction (e.g. 2101 for the whole city)" },
    periodStart: { ...dateSchema, description: 'first day of the period (YYYY-MM-DD)' },
    periodEnd: { ...dateSchema, description: 'last day of the period, after periodStart and less than a year later' },
    seed: { type: 'string', minLength: 1, maxLength: 100, description: 'random seed; a random one is generated (and stored) when omitted' },
    createdBy: nameSchema,
  },
} as const

const planInspectionProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  enterpriseName: { type: 'string' },
  divisionCode: { type: 'string' },
  plannedFor: { type: ['string', 'null'] },
  inspectedAt: { type: ['string', 'null'] },
  result: { type: ['string', 'null'] },
  inspectors: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
} as const

export const planProperties = {
  id: { type: 'integer' },
  departmentId: { type: 'integer' },
  departmentName: { type: 'string' },
  divisionPrefix: { type: 'string' },
  periodStart: { type: 'string' },
  periodEnd: { type: 'string' },
  seed: { type: 'string' },
  ruleVersion: { type: 'string' },
  status: { type: 'string', enum: ['draft', 'published', 'results_published'] },
  publishedAt: { type: ['string', 'null'] },
  resultsPublishedAt: { type: ['string', 'null'] },
  createdBy: { type: 'string' },
  createdAt: { type: 'string' },
  counts: {
    type: 'object',
    properties: {
      enterprises: { type: 'integer', description: 'enterprises drawn' },
      inspections: { type: 'integer', description: 'inspections planned' },
      recorded: { type: 'integer' },
      pending: { type: 'integer' },
      byResult: { type: 'object', properties: Object.fromEntries(INSPECTION_RESULTS.map((r) => [r, { type: 'integer' }])) },
    },
  },
} as const

/** Who reads plans: planners oversee them, inspectors carry them out (admin always); not commanders or grid workers. */
const planReaders = { access: ['planner', 'inspector'] } as const

/**
 * The plans a user may read, as a condition on `inspection_plan p`: an inspector those of their own
 * department drawn within their jurisdiction (auth/access readScope); everyone else allowed in, all.
 */
export function wherePlanReadable(query: Knex.QueryBuilder, user: SessionUser | null): Knex.QueryBuilder {
  if (user?.role !== 'inspector') return query
  return query.where('p.department_id', user.departmentId ?? 0).whereLike('p.division_prefix', `${readScope(user).divisionPrefix ?? ''}%`)
}

/** 403 unless the user may read plan `id` (a missing plan is the handler's 404). */
async function assertPlanReadable(db: Db, user: SessionUser | null, id: number): Promise<void> {
  const exists = await db('inspection_plan as p').where('p.id', id).first('p.id', 'p.department_id', 'p.division_prefix')
  if (!exists) return
  if (!(await wherePlanReadable(db('inspection_plan as p').where('p.id', id), user).first('p.id'))) {
    throw new AppError(403, 'out_of_jurisdiction', `Inspection plan ${id} belongs to another department or lies outside your jurisdiction`, [
      { field: 'id', message: `plan ${id} is of department ${exists.department_id}, division ${exists.division_prefix}` },
    ])
  }
}

function selectPlans(db: Db): Knex.QueryBuilder {
  return db('inspection_plan as p')
    .join('department as d', 'd.id', 'p.department_id')
    .select(
      'p.id', 'p.department_id', 'd.name as department_name', 'p.division_prefix', 'p.seed', 'p.rule_version', 'p.published_at', 'p.results_published_at',
      'p.created_by', 'p.created_at',
      db.raw("to_char(p.period_start, 'YYYY-MM-DD') AS period_start"),
      db.raw("to_char(p.period_end, 'YYYY-MM-DD') AS period_end"),
      db.raw(`(SELECT json_build_object(
                 'enterprises', count(DISTINCT i.enterprise_id), 'inspections', count(*), 'recorded', count(i.inspected_at),
                 'pending', count(*) - count(i.inspected_at),
                 'byResult', json_build_object(${INSPECTION_RESULTS.map(() => '?::text, count(*) FILTER (WHERE i.result = ?)').join(', ')}))
               FROM inspection i WHERE i.plan_id = p.id) AS counts`, INSPECTION_RESULTS.flatMap((r) => [r, r])),
    )
}

function toPlan(r: Record<string, unknown>) {
  const publishedAt = isoTime(r.published_at)
  const resultsPublishedAt = isoTime(r.results_published_at)
  return {
    id: Number(r.id),
    departmentId: Number(r.department_id),
    departmentName: r.department_name as string,
    divisionPrefix: r.division_prefix as string,
    periodStart: r.period_start as string,
    periodEnd: r.period_end as string,
    seed: r.seed as string,
    ruleVersion: r.rule_version as string,
    status: (resultsPublishedAt ? 'results_published' : publishedAt ? 'published' : 'draft') as 'draft' | 'published' | 'results_published',
    publishedAt,
    resultsPublishedAt,
    createdBy: r.created_by as string,
    createdAt: isoTime(r.created_at),
    counts: r.counts as { enterprises: number; inspections: number; recorded: number; pending: number; byResult: Record<string, number> },
  }
}

export type PlanRecord = ReturnType<typeof toPlan>

async function loadPlan(db: Db, id: number): Promise<PlanRecord> {
  const row = await selectPlans(db).where('p.id', id).first()
  if (!row) throw notFound('inspection plan', id)
  return toPlan(row)
}

/** The planned inspections of a plan, by planned day then enterprise. */
async function planInspections(db: Db, planId: number) {
  const rows = (await db('inspection as i')
    .join('enterprise as e', 'e.id', 'i.enterprise_id')
    .where('i.plan_id', planId)
    .orderBy('i.planned_for')
    .orderBy('i.enterprise_id')
    .orderBy('i.id')
    .select(
      'i.id', 'i.enterprise_id', 'e.name as enterprise_name', 'e.division_code', 'i.result',
      db.raw("to_char(i.planned_for, 'YYYY-MM-DD') AS planned_for"),
      db.raw("to_char(i.inspected_at, 'YYYY-MM-DD') AS inspected_at"),
      db.raw(`coalesce((SELECT json_agg(json_build_object('id', p.id, 'name', p.name) ORDER BY p.id)
                FROM inspection_inspector ii JOIN inspector p ON p.id = ii.inspector_id WHERE ii.inspection_id = i.id), '[]'::json) AS inspectors`),
    )) as Array<Record<string, unknown>>
  return rows.map((r) => ({
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    enterpriseName: r.enterprise_name as string,
    divisionCode: r.division_code as string,
    plannedFor: r.planned_for as string | null,
    inspectedAt: r.inspected_at as string | null,
    result: r.result as string | null,
    inspectors: r.inspectors as Array<{ id: number; name: string }>,
  }))
}

/** The day one calendar year after `iso` (29 Feb → 28 Feb). */
function oneYearAfter(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number]
  const last = new Date(Date.UTC(y + 1, m, 0)).getUTCDate()
  return `${y + 1}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`
}

/** The sampling inputs of a department's plan: the enterprises it supervises in the division, their previous inspectors, the active roster. */
async function drawInputs(trx: Knex.Transaction, departmentId: number, divisionPrefix: string): Promise<StoredDraw['inputs']> {
  const enterprises = (await trx('enterprise as e')
    .where('e.central_vertical', false)
    .whereLike('e.division_code', `${divisionPrefix}%`)
    .where((w) =>
      w.where('e.industry_department_id', departmentId).orWhereExists((x) =>
        x.select(trx.raw('1')).from('enterprise_specialist_department as s').whereRaw('s.enterprise_id = e.id').where('s.department_id', departmentId),
      ),
    )
    .orderBy('e.id')
    .select('e.id', 'e.level', 'e.credit_status')) as Array<{ id: string | number; level: number; credit_status: string }>
  const ids = enterprises.map((e) => Number(e.id))
  // The previous inspection (performed or planned) of each enterprise and its inspectors.
  const last = ids.length === 0 ? { rows: [] } : await trx.raw<{ rows: Array<{ enterprise_id: string; inspector_ids: number[] }> }>(
    `SELECT l.enterprise_id, coalesce(array_agg(ii.inspector_id ORDER BY ii.inspector_id) FILTER (WHERE ii.inspector_id IS NOT NULL), '{}') AS inspector_ids
       FROM (SELECT DISTINCT ON (i.enterprise_id) i.enterprise_id, i.id FROM inspection i
              WHERE i.enterprise_id = ANY(?::bigint[])
              ORDER BY i.enterprise_id, coalesce(i.inspected_at, i.planned_for) DESC NULLS LAST, i.id DESC) l
       LEFT JOIN inspection_inspector ii ON ii.inspection_id = l.id
      GROUP BY l.enterprise_id`,
    [ids],
  )
  const lastInspectors = new Map(last.rows.map((r) => [Number(r.enterprise_id), r.inspector_ids.map(Number)]))
  const rosterIds = ((await trx('inspector').where({ department_id: departmentId, active: true }).orderBy('id').pluck('id')) as number[]).map(Number)
  return {
    enterprises: enterprises.map((e): SamplingEnterprise => ({
      id: Number(e.id), level: e.level as Level, blacklisted: e.credit_status === 'blacklisted', lastInspectorIds: lastInspectors.get(Number(e.id)) ?? [],
    })),
    rosterIds,
  }
}

/** A draw as comparable keys, sorted: enterprise, day and inspectors. */
function drawKeys(draws: Array<Pick<PlannedInspection, 'enterpriseId' | 'plannedFor' | 'inspectorIds'>>): string[] {
  return draws.map((d) => `${d.enterpriseId}|${d.plannedFor}|${[...d.inspectorIds].sort((a, b) => a - b).join(',')}`).sort()
}

function parseKey(key: string) {
  const [enterpriseId, plannedFor, inspectors] = key.split('|') as [string, string, string]
  return { enterpriseId: Number(enterpriseId), plannedFor, inspectorIds: inspectors === '' ? [] : inspectors.split(',').map(Number) }
}

interface ListQuery extends Page {
  departmentId?: number
  status?: 'draft' | 'published' | 'results_published'
}

/** Inspection plan routes (mounted under /api). */
export async function planRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['enforcement']
  const plan = { type: 'object', properties: planProperties } as const
  const planWithInspections = {
    type: 'object',
    properties: { ...planProperties, inspections: { type: 'array', items: { type: 'object', properties: planInspectionProperties } } },
  } as const
  const full = async (db: Db, id: number) => ({ ...(await loadPlan(db, id)), inspections: await planInspections(db, id) })

  app.post<{ Body: PlanBody }>(
    '/inspection-plans',
    {
      config: inspectorAccess,
      schema: {
        tags,
        summary: 'Draw and store a double-random inspection plan (双随机) for a department, a division and a period',
        description:
          'Frequency per enterprise and year by risk level (rules.inspection.perYear, pro-rated to the period; blacklisted one level up); a fractional ' +
          'expectation is a Bernoulli draw. Two inspectors per inspection from the active roster, never one of the enterprise\'s previous inspection. ' +
          'A roster too small for that is refused (409 naming the department and how many inspectors are needed) and nothing is stored.',
        body: bodySchema,
        response: { 201: planWithInspections, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const username = auditUser(request)
      const rules = app.grading.rules
      const created = await app.db.transaction(async (trx) => {
        const department = await trx('department').where({ id: body.departmentId }).first('id', 'name', 'division_code')
        if (!department) throw invalid('departmentId', `no department with id ${body.departmentId}`)
        if (body.periodEnd <= body.periodStart) throw invalid('periodEnd', `${body.periodEnd} is not after periodStart ${body.periodStart}`)
        if (body.periodEnd >= oneYearAfter(body.periodStart)) throw invalid('periodEnd', `a plan covers less than a year: ${body.periodEnd} is a year or more after periodStart ${body.periodStart}`)
        const jurisdiction = jurisdictionPrefix(department.division_code as string)
        if (!body.divisionPrefix.startsWith(jurisdiction)) {
          throw invalid('divisionPrefix', `${body.divisionPrefix} is outside the jurisdiction of department ${department.id} (${department.name}, division ${department.division_code})`)
        }
        // One draw per department at a time: each sees the planned inspections of the one before it.
        await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`riskmap.inspection_plan.${department.id}`])
        const inputs = await drawInputs(trx, department.id, body.divisionPrefix)
        if (inputs.enterprises.length === 0) {
          throw invalid('divisionPrefix', `department ${department.id} (${department.name}) supervises no enterprise under ${body.divisionPrefix}`)
        }
        const seed = body.seed ?? crypto.randomBytes(12).toString('hex')
        const result = drawInspectionPlan({ ...inputs, seed, periodStart: body.periodStart, periodEnd: body.periodEnd }, rules)
        if (!result.ok) {
          const message =
            `department ${department.id} (${department.name}) has ${result.available} active inspector(s); this plan needs at least ${result.needed} ` +
            '(two per inspection, none on the same enterprise twice running)'
          throw conflict(message, [{ field: 'departmentId', message, departmentId: department.id, department: department.name, needed: result.needed, available: result.available }])
        }
        const [row] = await trx('inspection_plan')
          .insert({
            department_id: department.id, division_prefix: body.divisionPrefix, period_start: body.periodStart, period_end: body.periodEnd, seed,
            rule_version: rules.version, created_by: body.createdBy?.trim() ?? username ?? 'anonymous',
          })
          .returning('id')
        const planId = Number(row.id)
        // Ids are taken first so each planned inspection's inspectors can be inserted with it in two statements.
        const { rows: ids } = await trx.raw<{ rows: Array<{ id: string }> }>(
          "SELECT nextval(pg_get_serial_sequence('inspection', 'id')) AS id FROM generate_series(1, ?)",
          [result.draws.length],
        )
        const draws = result.draws.map((d, k) => ({ ...d, id: Number(ids[k]!.id) }))
        for (let i = 0; i < draws.length; i += 1000) {
          const chunk = draws.slice(i, i + 1000)
          await trx('inspection').insert(chunk.map((d) => ({ id: d.id, enterprise_id: d.enterpriseId, plan_id: planId, planned_for: d.plannedFor })))
          await trx('inspection_inspector').insert(chunk.flatMap((d) => d.inspectorIds.map((inspector_id) => ({ inspection_id: d.id, inspector_id }))))
        }
        const stored: StoredDraw = { inputs, rules: { version: rules.version, inspection: rules.inspection } }
        const after = await loadPlan(trx, planId)
        await recordAudit(trx, { action: 'created', entity: 'inspection_plan', entityId: planId, before: null, after: { ...after, draw: stored, draws: result.draws }, username })
        return full(trx, planId)
      })
      reply.code(201).header('location', `/api/inspection-plans/${created.id}`)
      return created
    },
  )

  app.get<{ Querystring: ListQuery }>(
    '/inspection-plans',
    {
      config: planReaders,
      schema: {
        tags,
        summary: 'Inspection plans, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { departmentId: idSchema, status: { type: 'string', enum: ['draft', 'published', 'results_published'] }, ...pageProperties },
        },
        response: { 200: { type: 'object', properties: { total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' }, items: { type: 'array', items: plan } } }, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const filtered = wherePlanReadable(app.db('inspection_plan as p'), request.user)
      if (q.departmentId !== undefined) filtered.where('p.department_id', q.departmentId)
      if (q.status === 'draft') filtered.whereNull('p.published_at')
      if (q.status === 'published') filtered.whereNotNull('p.published_at').whereNull('p.results_published_at')
      if (q.status === 'results_published') filtered.whereNotNull('p.results_published_at')
      const [{ count }] = await filtered.clone().count<{ count: string }[]>('* as count')
      const ids = (await filtered.clone().orderBy('p.id', 'desc').limit(q.limit).offset(q.offset).pluck('p.id')) as number[]
      const rows = ids.length === 0 ? [] : await selectPlans(app.db).whereIn('p.id', ids).orderBy('p.id', 'desc')
      return { total: Number(count), limit: q.limit, offset: q.offset, items: rows.map(toPlan) }
    },
  )

  app.get<{ Params: { id: number } }>(
    '/inspection-plans/:id',
    { config: planReaders, schema: { tags, summary: 'One inspection plan with its planned inspections', params: idParams, response: { 200: planWithInspections, ...errorResponses } } },
    async (request) => {
      await assertPlanReadable(app.db, request.user, request.params.id)
      return full(app.db, request.params.id)
    },
  )

  app.get<{ Params: { id: number } }>(
    '/inspection-plans/:id/reproduce',
    {
      config: planReaders,
      schema: {
        tags,
        summary: "Re-run a plan's draw from its stored seed and inputs and report whether it gives the stored planned inspections",
        description: '409 for a plan without stored inputs (one not drawn by this API, e.g. demo data).',
        params: idParams,
        response: {
          200: {
            type: 'object',
            properties: {
              planId: { type: 'integer' },
              seed: { type: 'string' },
              ruleVersion: { type: 'string', description: 'the rule version the plan was drawn with (its values are re-used)' },
              currentRuleVersion: { type: 'string' },
              matches: { type: 'boolean' },
              storedInspections: { type: 'integer' },
              redrawnInspections: { type: 'integer' },
              differences: {
                type: 'array',
                description: 'up to 100 planned inspections found on one side only',
                items: {
                  type: 'object',
                  properties: { side: { type: 'string', enum: ['stored', 'redrawn'] }, enterpriseId: { type: 'integer' }, plannedFor: { type: 'string' }, inspectorIds: { type: 'array', items: { type: 'integer' } } },
                },
              },
            },
          },
          409: errorResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params
      await assertPlanReadable(app.db, request.user, id)
      const stored = await loadPlan(app.db, id)
      const audit = await app.db('audit_log').where({ entity: 'inspection_plan', entity_id: String(id), action: 'created' }).orderBy('id').first('after')
      const draw = (audit?.after as { draw?: StoredDraw } | null | undefined)?.draw
      if (!draw) {
        const message = `inspection plan ${id} has no stored draw inputs (it was not drawn by this service, e.g. demo data), so its draw cannot be reproduced`
        throw conflict(message, [{ field: 'id', message }])
      }
      const redraw = drawInspectionPlan({ ...draw.inputs, seed: stored.seed, periodStart: stored.periodStart, periodEnd: stored.periodEnd }, draw.rules)
      const redrawn = redraw.ok ? drawKeys(redraw.draws) : []
      const inspections = await planInspections(app.db, id)
      const current = drawKeys(inspections.map((i) => ({ enterpriseId: i.enterpriseId, plannedFor: i.plannedFor ?? '', inspectorIds: i.inspectors.map((p) => p.id) })))
      const onlyStored = current.filter((k) => !redrawn.includes(k))
      const onlyRedrawn = redrawn.filter((k) => !current.includes(k))
      return {
        planId: id,
        seed: stored.seed,
        ruleVersion: draw.rules.version,
        currentRuleVersion: app.grading.rules.version,
        matches: redraw.ok && onlyStored.length === 0 && onlyRedrawn.length === 0 && current.length === redrawn.length,
        storedInspections: current.length,
        redrawnInspections: redrawn.length,
        differences: [
          ...onlyStored.map((k) => ({ side: 'stored' as const, ...parseKey(k) })),
          ...onlyRedrawn.map((k) => ({ side: 'redrawn' as const, ...parseKey(k) })),
        ].slice(0, 100),
      }
    },
  )

  const publication = [
    {
      path: 'publish',
      action: 'published',
      summary: 'Publish a plan (一公开): the enterprises and days to be inspected',
      check(plan: PlanRecord): string | null {
        return plan.publishedAt ? `inspection plan ${plan.id} is already published (at ${plan.publishedAt})` : null
      },
      column: 'published_at',
    },
    {
      path: 'publish-results',
      action: 'results_published',
      summary: "Publish a plan's results: every planned inspection's result must be recorded",
      check(plan: PlanRecord): string | null {
        if (!plan.publishedAt) return `inspection plan ${plan.id} is a draft; publish the plan before its results`
        if (plan.resultsPublishedAt) return `inspection plan ${plan.id}'s results are already published (at ${plan.resultsPublishedAt})`
        if (plan.counts.pending > 0) return `inspection plan ${plan.id} has ${plan.counts.pending} planned inspection(s) without a recorded result`
        return null
      },
      column: 'results_published_at',
    },
  ] as const

  for (const p of publication) {
    app.post<{ Params: { id: number } }>(
      `/inspection-plans/:id/${p.path}`,
      {
        config: inspectorAccess,
        schema: { tags, summary: p.summary, description: '409 naming the plan\'s state when it does not allow this.', params: idParams, response: { 200: planWithInspections, 409: errorResponse, ...errorResponses } },
      },
      async (request) => {
        const { id } = request.params
        return app.db.transaction(async (trx) => {
          await lockRow(trx, 'inspection_plan', id)
          const before = await loadPlan(trx, id)
          const refusal = p.check(before)
          if (refusal) throw conflict(refusal, [{ field: 'status', message: refusal, current: before.status }])
          await trx('inspection_plan').where({ id }).update({ [p.column]: trx.fn.now() })
          const after = await loadPlan(trx, id)
          await recordAudit(trx, { action: p.action, entity: 'inspection_plan', entityId: id, before, after, username: auditUser(request) })
          return full(trx, id)
        })
      },
    )
  }
}
