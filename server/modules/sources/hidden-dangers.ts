/**
 * Major accident hidden dangers (重大事故隐患, docs/domain.md §3.3, §7) and their closed loop:
 * open → rectified → verified, or rectified → open again when verification fails. An unverified
 * major hidden danger makes its enterprise red, so every transition regrades at once.
 */
import { whereEnterpriseIn } from '../auth/jurisdiction'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { conflict, invalid } from '../../errors'
import { errorResponse, errorResponses, sentObject, type SchemaType } from '../../http/schemas'
import type { HiddenDangerStatus } from '../../domain/enterprise-level'
import { checkVerifier, rectificationStep, refusalMessage, RECTIFICATION_STEPS, type RectificationAction } from '../../domain/rectification'
import { changeRecord, locationProperties, regradeSchema, sourceLocation, type RecordSpec } from './shared'
import { auditUser, sessionActor, type SessionActor } from '../../http/actor'
import { dateColumn, isoTime, listPage, pointSql, userId, type Db } from '../../db/db'
import { dateSchema, idParams, idSchema, divisionFilterSchema } from '../../http/params'
import { checkDateOrder } from '../../http/validation'

export interface HiddenDangerBody {
  enterpriseId: number
  description: string
  isMajor: boolean
  foundAt: string
  deadline: string
  inspectionId?: number | null
  lon?: number | null
  lat?: number | null
}

const textSchema = { type: 'string', minLength: 1, maxLength: 4000 } as const

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['enterpriseId', 'description', 'foundAt', 'deadline'],
  properties: {
    enterpriseId: idSchema,
    description: textSchema,
    isMajor: { type: 'boolean', default: true, description: 'a major hidden danger makes the enterprise red until verified' },
    foundAt: dateSchema,
    deadline: { ...dateSchema, description: 'rectification deadline, on or after foundAt (YYYY-MM-DD)' },
    inspectionId: { type: ['integer', 'null'], minimum: 1, description: 'the inspection of this enterprise that found it' },
    ...locationProperties,
  },
} as const

const STATUSES: readonly HiddenDangerStatus[] = ['open', 'rectified', 'verified']

const recordProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  inspectionId: { type: ['integer', 'null'] },
  description: { type: 'string' },
  isMajor: { type: 'boolean' },
  foundAt: { type: 'string' },
  deadline: { type: 'string' },
  status: { type: 'string', enum: STATUSES },
  overdue: { type: 'boolean', description: 'open and past its deadline' },
  reportedBy: { type: 'string', description: 'display name of the reporting account (of the reporter, on records from before accounts)' },
  reportedByUserId: { type: ['integer', 'null'], description: 'the reporting account; null on records from before accounts' },
  rectifiedAt: { type: ['string', 'null'] },
  rectifiedBy: { type: ['string', 'null'], description: 'display name of the account that recorded the rectification' },
  rectifiedByUserId: { type: ['integer', 'null'] },
  rectification: { type: ['string', 'null'] },
  verifiedAt: { type: ['string', 'null'] },
  verifiedBy: { type: ['string', 'null'], description: 'display name of the verifying account' },
  verifiedByUserId: { type: ['integer', 'null'] },
  lon: { type: 'number' },
  lat: { type: 'number' },
  createdAt: { type: 'string' },
  updatedAt: { type: 'string' },
} as const

/** A hidden danger as `GET /api/hidden-dangers/:id` and the enforcement history send it: toRecord sets every property. */
export const hiddenDangerRecordSchema = sentObject(recordProperties)

export type HiddenDangerResponse = SchemaType<typeof hiddenDangerRecordSchema>

export type HiddenDangerRecord = ReturnType<typeof toRecord>

/** The inspection that found it must exist and be of the same enterprise. */
async function checkInspection(trx: Knex.Transaction, inspectionId: number, enterpriseId: number): Promise<void> {
  const inspection = await trx('inspection').where({ id: inspectionId }).first('enterprise_id')
  if (!inspection) throw invalid('inspectionId', `no inspection with id ${inspectionId}`)
  if (Number(inspection.enterprise_id) !== enterpriseId) {
    throw invalid('inspectionId', `inspection ${inspectionId} is of enterprise ${inspection.enterprise_id}, not ${enterpriseId}`)
  }
}

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.select(
    'h.id',
    'h.enterprise_id',
    'h.inspection_id',
    'h.description',
    'h.is_major',
    'h.status',
    'h.reported_by',
    'h.rectified_at',
    'h.rectified_by',
    'h.rectification',
    'h.verified_at',
    'h.verified_by',
    'h.created_at',
    'h.updated_at',
    'h.reported_by_user_id',
    'h.rectified_by_user_id',
    'h.verified_by_user_id',
    dateColumn(db, 'h.found_at', 'found_at'),
    dateColumn(db, 'h.deadline', 'deadline'),
    db.raw("(h.status = 'open' AND h.deadline < current_date) AS overdue"),
    db.raw('ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat'),
  )
}

function toRecord(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    inspectionId: r.inspection_id === null ? null : Number(r.inspection_id),
    description: r.description as string,
    isMajor: r.is_major as boolean,
    foundAt: r.found_at as string,
    deadline: r.deadline as string,
    status: r.status as HiddenDangerStatus,
    overdue: r.overdue as boolean,
    reportedBy: r.reported_by as string,
    reportedByUserId: userId(r.reported_by_user_id),
    rectifiedAt: isoTime(r.rectified_at),
    rectifiedBy: r.rectified_by as string | null,
    rectifiedByUserId: userId(r.rectified_by_user_id),
    rectification: r.rectification as string | null,
    verifiedAt: isoTime(r.verified_at),
    verifiedBy: r.verified_by as string | null,
    verifiedByUserId: userId(r.verified_by_user_id),
    lon: r.lon as number,
    lat: r.lat as number,
    createdAt: isoTime(r.created_at)!,
    updatedAt: isoTime(r.updated_at)!,
  }
}

interface Filters {
  enterpriseId?: number
  status?: HiddenDangerStatus
  overdue?: boolean
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
}

async function load(db: Db, id: number): Promise<HiddenDangerRecord | undefined> {
  const row = await selectColumns(db, db('hidden_danger as h')).where('h.id', id).first()
  return row ? toRecord(row) : undefined
}

/** Reporting and reading hidden dangers; there is no PUT or DELETE: a record changes only by its transitions. */
export const hiddenDangers: RecordSpec<HiddenDangerBody, HiddenDangerRecord, Filters> = {
  kind: 'hidden_danger',
  label: 'hidden danger',
  path: '/hidden-dangers',
  tag: 'hidden dangers',
  body: bodySchema,
  record: recordProperties,
  response: hiddenDangerRecordSchema,
  filters: {
    enterpriseId: idSchema,
    status: { type: 'string', enum: STATUSES },
    overdue: { type: 'boolean', description: 'true: open and past the deadline; false: all others' },
    division: divisionFilterSchema,
  },
  description: 'Reported open. A major one makes its enterprise red (a 1000 m red zone by default) until its rectification is verified.',
  async insert(trx, body, _grading, actor) {
    checkDateOrder({ field: 'foundAt', value: body.foundAt }, { field: 'deadline', value: body.deadline })
    const { lon, lat } = await sourceLocation(trx, body)
    if (body.inspectionId !== undefined && body.inspectionId !== null) await checkInspection(trx, body.inspectionId, body.enterpriseId)
    const [row] = await trx('hidden_danger')
      .insert({
        enterprise_id: body.enterpriseId,
        inspection_id: body.inspectionId ?? null,
        description: body.description.trim(),
        is_major: body.isMajor,
        found_at: body.foundAt,
        deadline: body.deadline,
        status: 'open',
        reported_by: actor.name,
        reported_by_user_id: actor.id,
        geom: pointSql(trx, lon, lat),
      })
      .returning('id')
    return Number((row as { id: string }).id)
  },
  load,
  async list(db, query) {
    const filtered = db('hidden_danger as h')
    if (query.enterpriseId !== undefined) filtered.where('h.enterprise_id', query.enterpriseId)
    if (query.status !== undefined) filtered.where('h.status', query.status)
    whereEnterpriseIn(filtered, 'h.enterprise_id', query.division, query.scopeGridId)
    if (query.overdue !== undefined) {
      const overdue = "h.status = 'open' AND h.deadline < current_date"
      filtered.whereRaw(query.overdue ? overdue : `NOT (${overdue})`)
    }
    return listPage(filtered, (q) => selectColumns(db, q), 'h.id', query, toRecord)
  },
  scope: (record) => ({ enterpriseIds: [record.enterpriseId] }),
}

/** What a step of the closed loop (domain/rectification.ts) asks for and stores for a hidden danger. */
interface Transition {
  summary: string
  body: { required: string[]; properties: Record<string, unknown> }
  /** Columns to store; may throw `invalid()`. `auditNote` is kept in the audit row only. */
  apply(
    body: Record<string, string>,
    record: HiddenDangerRecord,
    trx: Knex.Transaction,
    actor: SessionActor,
  ): { columns: Record<string, unknown>; auditNote?: object }
}

const TRANSITIONS: Record<RectificationAction, Transition> = {
  rectify: {
    summary: 'Record the rectification of an open hidden danger (it stays red until verified); the signed-in account is its rectifier',
    body: { required: ['rectification'], properties: { rectification: { ...textSchema, description: 'what was done' } } },
    apply: (body, _record, trx, actor) => ({
      columns: { rectified_at: trx.fn.now(), rectified_by: actor.name, rectified_by_user_id: actor.id, rectification: body.rectification!.trim() },
    }),
  },
  verify: {
    summary:
      'Verify a rectified hidden danger; its red zone is lifted at once. The signed-in account verifies: not the one that reported it or recorded its rectification (403 separation_of_duties)',
    body: { required: [], properties: {} },
    apply: (_body, record, trx, actor) => {
      checkVerifier('hidden danger', record, actor)
      return { columns: { verified_at: trx.fn.now(), verified_by: actor.name, verified_by_user_id: actor.id } }
    },
  },
  reopen: {
    summary: 'Verification failed: reopen a rectified hidden danger (the failed rectification stays in the audit log)',
    body: { required: ['reason'], properties: { reason: textSchema } },
    apply: (body, _record, _trx, actor) => ({
      columns: { rectified_at: null, rectified_by: null, rectified_by_user_id: null, rectification: null },
      auditNote: { reopenedBy: actor.name, reopenedByUserId: actor.id, reopenReason: body.reason!.trim() },
    }),
  },
}

/** `POST /hidden-dangers/:id/{rectify|verify|reopen}`: each locks the row, so two concurrent transitions cannot both succeed. */
export async function hiddenDangerTransitionRoutes(app: FastifyInstance): Promise<void> {
  for (const [verb, t] of Object.entries(TRANSITIONS) as Array<[RectificationAction, Transition]>) {
    const step = RECTIFICATION_STEPS[verb]
    app.post<{ Params: { id: number }; Body: Record<string, string> }>(
      `/hidden-dangers/:id/${verb}`,
      {
        config: { access: ['inspector'], scope: { record: 'hidden_danger' } },
        schema: {
          tags: ['hidden dangers'],
          summary: t.summary,
          description: `Allowed only when the hidden danger is ${step.from}; otherwise 409 naming its current status.`,
          params: idParams,
          body: { type: 'object', additionalProperties: false, ...t.body },
          response: { 200: { type: 'object', properties: { ...recordProperties, regrade: regradeSchema } }, 409: errorResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { id } = request.params
        const actor = sessionActor(request)
        return app.db.transaction(async (trx) => {
          const { after, regrade } = await changeRecord(trx, app.grading, hiddenDangers, {
            id,
            action: step.done,
            username: auditUser(request),
            apply: async (before) => {
              const outcome = rectificationStep(before.status, verb)
              if (!outcome.ok) {
                const message = refusalMessage('hidden danger', id, outcome)
                throw conflict(message, [{ field: 'status', message, current: outcome.current }])
              }
              const { columns, auditNote } = t.apply(request.body ?? {}, before, trx, actor)
              await trx('hidden_danger')
                .where({ id })
                .update({ ...columns, status: outcome.to, updated_at: trx.fn.now() })
              return { after: (await load(trx, id))!, auditNote }
            },
          })
          return { ...after, regrade }
        })
      },
    )
  }
}
