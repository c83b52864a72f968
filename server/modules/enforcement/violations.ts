/**
 * Violations found at inspections (违法行为, docs/domain.md §7) and their rectification loop — the same state
 * machine as hidden dangers (domain/rectification.ts). Violations do not grade risk, but open ones
 * past their deadline are on the overdue map layer, so every write bumps the tile data version.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { conflict, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, sentObject, typed, type SchemaType } from '../../http/schemas'
import {
  checkVerifier,
  rectificationStep,
  refusalMessage,
  RECTIFICATION_STATUSES,
  RECTIFICATION_STEPS,
  type RectificationAction,
  type RectificationStatus,
} from '../../domain/rectification'
import { bumpDataVersion } from '../../grading/repository'
import { recordAudit } from '../audit/audit'
import { whereEnterpriseIn, type ScopedListQuery } from '../auth/jurisdiction'
import { enterpriseRef, inspectorAccess, staffAccess } from './shared'
import { dateColumn, isoTime, listPage, userId, type Db, lockRow } from '../../db/db'
import { dateSchema, idParams, idSchema, pageProperties, divisionFilterSchema } from '../../http/params'
import { inspectionEnterprise } from './repository'
import { foundViolationSchema, pageSchema, textSchema } from './schemas'
import { sessionActor, type SessionActor } from '../../http/actor'
import { checkDateOrder } from '../../http/validation'

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'description', 'foundAt', 'deadline'],
  properties: {
    enterpriseId: idSchema,
    inspectionId: { type: ['integer', 'null'], minimum: 1, description: 'the inspection that found it (of the same enterprise)' },
    ...foundViolationSchema.properties,
    foundAt: dateSchema,
  },
} as const

/** A violation to store: as recorded on its own, or as found at an inspection. */
export type ViolationBody = SchemaType<typeof bodySchema>

export const violationProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  inspectionId: { type: ['integer', 'null'] },
  description: { type: 'string' },
  legalBasis: { type: ['string', 'null'] },
  foundAt: { type: 'string' },
  deadline: { type: 'string' },
  status: { type: 'string', enum: RECTIFICATION_STATUSES },
  overdue: { type: 'boolean', description: 'open and past its deadline' },
  reportedBy: { type: 'string', description: 'display name of the reporting account (of the reporter, on records from before accounts)' },
  reportedByUserId: { type: ['integer', 'null'], description: 'the reporting account; null on records from before accounts' },
  rectifiedAt: { type: ['string', 'null'] },
  rectifiedByUserId: { type: ['integer', 'null'], description: 'the account that recorded the rectification (its name is in the audit row)' },
  verifiedAt: { type: ['string', 'null'] },
  verifiedBy: { type: ['string', 'null'], description: 'display name of the verifying account' },
  verifiedByUserId: { type: ['integer', 'null'] },
  createdAt: { type: 'string' },
} as const

/** A violation as the API sends it: toRecord sets every property. */
export const violationRecordSchema = sentObject(violationProperties)

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.select(
    'v.id',
    'v.enterprise_id',
    'v.inspection_id',
    'v.description',
    'v.legal_basis',
    'v.status',
    'v.reported_by',
    'v.rectified_at',
    'v.verified_at',
    'v.verified_by',
    'v.created_at',
    'v.reported_by_user_id',
    'v.rectified_by_user_id',
    'v.verified_by_user_id',
    dateColumn(db, 'v.found_at', 'found_at'),
    dateColumn(db, 'v.deadline', 'deadline'),
    db.raw("(v.status = 'open' AND v.deadline < current_date) AS overdue"),
  )
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    inspectionId: r.inspection_id === null ? null : Number(r.inspection_id),
    description: r.description as string,
    legalBasis: r.legal_basis as string | null,
    foundAt: r.found_at as string,
    deadline: r.deadline as string,
    status: r.status as RectificationStatus,
    overdue: r.overdue as boolean,
    reportedBy: r.reported_by as string,
    reportedByUserId: userId(r.reported_by_user_id),
    rectifiedAt: isoTime(r.rectified_at),
    rectifiedByUserId: userId(r.rectified_by_user_id),
    verifiedAt: isoTime(r.verified_at),
    verifiedBy: r.verified_by as string | null,
    verifiedByUserId: userId(r.verified_by_user_id),
    createdAt: isoTime(r.created_at)!,
  }
}

export type ViolationRecord = ReturnType<typeof toRecord>

export async function loadViolation(db: Db, id: number): Promise<ViolationRecord | undefined> {
  const row = await selectColumns(db, db('violation as v')).where('v.id', id).first()
  return row ? toRecord(row) : undefined
}

/** Violations of some enterprises (newest first), for the enforcement history. */
export async function violationsOf(db: Db, enterpriseId: number, limit: number): Promise<ViolationRecord[]> {
  const rows = await selectColumns(db, db('violation as v'))
    .where('v.enterprise_id', enterpriseId)
    .orderBy('v.found_at', 'desc')
    .orderBy('v.id', 'desc')
    .limit(limit)
  return rows.map(toRecord)
}

/**
 * Validates and stores a violation, audits it and bumps the tile data version, in the caller's
 * transaction; `actor` (the session's account) is its reporter. `fieldPrefix` names fields inside a larger
 * body (e.g. `violations[0].`).
 */
export async function insertViolation(trx: Knex.Transaction, body: ViolationBody, actor: SessionActor, fieldPrefix = ''): Promise<ViolationRecord> {
  checkDateOrder({ field: `${fieldPrefix}foundAt`, value: body.foundAt }, { field: `${fieldPrefix}deadline`, value: body.deadline })
  await enterpriseRef(trx, body.enterpriseId)
  if (body.inspectionId !== undefined && body.inspectionId !== null) {
    const inspectionEnterpriseId = await inspectionEnterprise(trx, body.inspectionId)
    if (inspectionEnterpriseId === undefined) throw invalid('inspectionId', `no inspection with id ${body.inspectionId}`)
    if (inspectionEnterpriseId !== body.enterpriseId) {
      throw invalid('inspectionId', `inspection ${body.inspectionId} is of enterprise ${inspectionEnterpriseId}, not ${body.enterpriseId}`)
    }
  }
  const [row] = await trx('violation')
    .insert({
      enterprise_id: body.enterpriseId,
      inspection_id: body.inspectionId ?? null,
      description: body.description.trim(),
      legal_basis: body.legalBasis?.trim() || null,
      found_at: body.foundAt,
      deadline: body.deadline,
      status: 'open',
      reported_by: actor.name,
      reported_by_user_id: actor.id,
    })
    .returning('id')
  const after = (await loadViolation(trx, Number(row.id)))!
  await recordAudit(trx, { action: 'created', entity: 'violation', entityId: after.id, before: null, after, username: actor.username })
  await bumpDataVersion(trx)
  return after
}

/** What each step of the loop asks for and stores for a violation (it has no rectifier columns: those go to the audit row). */
type StepBody = { rectification?: string; reason?: string }
type Apply = (body: StepBody, record: ViolationRecord, trx: Knex.Transaction, actor: SessionActor) => { columns: Record<string, unknown>; auditNote: object }
const TRANSITIONS: Record<RectificationAction, { summary: string; body: { required: string[]; properties: Record<string, unknown> }; apply: Apply }> = {
  rectify: {
    summary: 'Record the rectification of an open violation; the signed-in account is its rectifier',
    body: { required: ['rectification'], properties: { rectification: { ...textSchema, description: 'what was done' } } },
    apply: (body, _record, trx, actor) => ({
      columns: { rectified_at: trx.fn.now(), rectified_by_user_id: actor.id },
      auditNote: { rectifiedBy: actor.name, rectification: body.rectification!.trim() },
    }),
  },
  verify: {
    summary: 'Verify a rectified violation: the signed-in account, not the one that reported it or recorded its rectification (403 separation_of_duties)',
    body: { required: [], properties: {} },
    apply: (_body, record, trx, actor) => {
      checkVerifier('violation', record, actor)
      return { columns: { verified_at: trx.fn.now(), verified_by: actor.name, verified_by_user_id: actor.id }, auditNote: {} }
    },
  },
  reopen: {
    summary: 'Verification failed: reopen a rectified violation',
    body: { required: ['reason'], properties: { reason: textSchema } },
    apply: (body, _record, _trx, actor) => ({
      columns: { rectified_at: null, rectified_by_user_id: null },
      auditNote: { reopenedBy: actor.name, reopenedByUserId: actor.id, reopenReason: body.reason!.trim() },
    }),
  },
}

/** Violation routes (mounted under /api). */
export async function violationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const record = violationRecordSchema

  app.post(
    '/violations',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'body.enterpriseId' } },
      schema: { tags, summary: 'Record a violation (open, with a rectification deadline)', body: bodySchema, response: { 201: record, ...errorResponses } },
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
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            division: divisionFilterSchema,
            enterpriseId: idSchema,
            inspectionId: idSchema,
            status: { type: 'string', enum: RECTIFICATION_STATUSES },
            overdue: { type: 'boolean', description: 'true: open and past the deadline; false: all others' },
            ...pageProperties,
          },
        },
        response: { 200: pageSchema(record), ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const q: typeof request.query & ScopedListQuery = request.query
      const filtered = app.db('violation as v')
      if (q.enterpriseId !== undefined) filtered.where('v.enterprise_id', q.enterpriseId)
      whereEnterpriseIn(filtered, 'v.enterprise_id', q.division, q.scopeGridId)
      if (q.inspectionId !== undefined) filtered.where('v.inspection_id', q.inspectionId)
      if (q.status !== undefined) filtered.where('v.status', q.status)
      if (q.overdue !== undefined) {
        const overdue = "v.status = 'open' AND v.deadline < current_date"
        filtered.whereRaw(q.overdue ? overdue : `NOT (${overdue})`)
      }
      const { total, items } = await listPage(filtered, (b) => selectColumns(app.db, b), 'v.id', q, toRecord)
      return { total, limit: q.limit, offset: q.offset, items }
    },
  )

  for (const [verb, t] of Object.entries(TRANSITIONS) as Array<[RectificationAction, (typeof TRANSITIONS)[RectificationAction]]>) {
    const step = RECTIFICATION_STEPS[verb]
    app.post(
      `/violations/:id/${verb}`,
      {
        config: { ...inspectorAccess, scope: { record: 'violation' } },
        schema: {
          tags,
          summary: t.summary,
          description: `Allowed only when the violation is ${step.from}; otherwise 409 naming its current status.`,
          params: idParams,
          body: { type: 'object', additionalProperties: false, ...t.body },
          response: { 200: record, 409: errorResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { id } = request.params
        const actor = sessionActor(request)
        return app.db.transaction(async (trx) => {
          await lockRow(trx, 'violation', id)
          const before = (await loadViolation(trx, id))!
          const outcome = rectificationStep(before.status, verb)
          if (!outcome.ok) {
            const message = refusalMessage('violation', id, outcome)
            throw conflict(message, [{ field: 'status', message, current: outcome.current }])
          }
          const { columns, auditNote } = t.apply(request.body ?? {}, before, trx, actor)
          await trx('violation')
            .where({ id })
            .update({ ...columns, status: outcome.to })
          const after = (await loadViolation(trx, id))!
          await recordAudit(trx, {
            action: outcome.done,
            entity: 'violation',
            entityId: id,
            before,
            after: { ...after, ...auditNote },
            username: actor.username,
          })
          await bumpDataVersion(trx)
          return after
        })
      },
    )
  }
}
