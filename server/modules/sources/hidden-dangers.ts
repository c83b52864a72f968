/**
 * Major accident hidden dangers (重大事故隐患, docs/domain.md §3.3, §7) and their closed loop:
 * open → rectified → verified, or rectified → open again when verification fails. An unverified
 * major hidden danger makes its enterprise red, so every transition regrades at once.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Knex } from 'knex'
import { conflict, invalid } from '../../errors'
import { errorResponse, errorResponses, sentObject, typed, type SchemaType } from '../../http/schemas'
import type { HiddenDangerStatus } from '../../domain/enterprise-level'
import { checkVerifier, rectificationStep, refusalMessage, RECTIFICATION_STEPS, type RectificationAction } from '../../domain/rectification'
import { dateOrderIssues } from '../../domain/source-checks'
import { changeRecord, listQuerySchema, locationProperties, regradeSchema, sourceLocation, throwFirst, type RecordSpec, type ValidBody } from './shared'
import {
  inspectionEnterpriseId,
  insertHiddenDanger,
  listHiddenDangers,
  loadHiddenDanger,
  updateHiddenDangerStep,
  type HiddenDangerRecord,
  type HiddenDangerStepColumns,
} from './repository'
import { auditUser, sessionActor, type SessionActor } from '../../http/actor'
import { dateSchema, idParams, idSchema, divisionFilterSchema } from '../../http/params'

export type { HiddenDangerRecord } from './repository'

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

export type HiddenDangerBody = ValidBody<typeof bodySchema>

const STATUSES: readonly HiddenDangerStatus[] = ['open', 'rectified', 'verified']

const querySchema = listQuerySchema({
  enterpriseId: idSchema,
  status: { type: 'string', enum: STATUSES },
  overdue: { type: 'boolean', description: 'true: open and past the deadline; false: all others' },
  division: divisionFilterSchema,
})

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

/** The inspection that found it must exist and be of the same enterprise. */
async function checkInspection(trx: Knex.Transaction, inspectionId: number, enterpriseId: number): Promise<void> {
  const of = await inspectionEnterpriseId(trx, inspectionId)
  if (of === undefined) throw invalid('inspectionId', `no inspection with id ${inspectionId}`)
  if (of !== enterpriseId) throw invalid('inspectionId', `inspection ${inspectionId} is of enterprise ${of}, not ${enterpriseId}`)
}

/** Reporting and reading hidden dangers; there is no PUT or DELETE: a record changes only by its transitions. */
export const hiddenDangers: RecordSpec<typeof bodySchema, HiddenDangerRecord, typeof querySchema> = {
  kind: 'hidden_danger',
  label: 'hidden danger',
  path: '/hidden-dangers',
  tag: 'hidden dangers',
  body: bodySchema,
  record: recordProperties,
  response: hiddenDangerRecordSchema,
  query: querySchema,
  description: 'Reported open. A major one makes its enterprise red (a 1000 m red zone by default) until its rectification is verified.',
  async insert(trx, body, _grading, actor) {
    throwFirst(dateOrderIssues('hidden_danger', body))
    const { lon, lat } = await sourceLocation(trx, body)
    if (body.inspectionId !== undefined && body.inspectionId !== null) await checkInspection(trx, body.inspectionId, body.enterpriseId)
    return insertHiddenDanger(trx, {
      enterpriseId: body.enterpriseId,
      inspectionId: body.inspectionId ?? null,
      description: body.description.trim(),
      isMajor: body.isMajor,
      foundAt: body.foundAt,
      deadline: body.deadline,
      reportedBy: actor,
      lon,
      lat,
    })
  },
  load: loadHiddenDanger,
  list: listHiddenDangers,
  scope: (record) => ({ enterpriseIds: [record.enterpriseId] }),
}

// ---------------------------------------------------------------- the closed loop

const rectifyBody = {
  type: 'object',
  additionalProperties: false,
  required: ['rectification'],
  properties: { rectification: { ...textSchema, description: 'what was done' } },
} as const

const verifyBody = { type: 'object', additionalProperties: false, required: [], properties: {} } as const

const reopenBody = { type: 'object', additionalProperties: false, required: ['reason'], properties: { reason: textSchema } } as const

/** The options of the route of one step: its access, its body and what it answers. */
function stepRoute<const B extends object>(verb: RectificationAction, summary: string, body: B) {
  return {
    config: { access: ['inspector'], scope: { record: 'hidden_danger' } },
    schema: {
      tags: ['hidden dangers'],
      summary,
      description: `Allowed only when the hidden danger is ${RECTIFICATION_STEPS[verb].from}; otherwise 409 naming its current status.`,
      params: idParams,
      body,
      response: { 200: { type: 'object', properties: { ...recordProperties, regrade: regradeSchema } }, 409: errorResponse, ...errorResponses },
    },
  } as const
}

/**
 * One step of the closed loop (domain/rectification.ts) on hidden danger `id`: locks the row, asks
 * the state machine, stores the step's columns (`apply` may throw `invalid()`; its `auditNote` is
 * kept in the audit row only), regrades and audits.
 */
async function takeStep(
  app: FastifyInstance,
  verb: RectificationAction,
  request: { id: number; actor: SessionActor; username: string | null },
  apply: (record: HiddenDangerRecord, trx: Knex.Transaction) => { columns: HiddenDangerStepColumns; auditNote?: object },
) {
  const { id } = request
  return app.db.transaction(async (trx) => {
    const { after, regrade } = await changeRecord(trx, app.grading, hiddenDangers, {
      id,
      action: RECTIFICATION_STEPS[verb].done,
      username: request.username,
      apply: async (before) => {
        const outcome = rectificationStep(before.status, verb)
        if (!outcome.ok) {
          const message = refusalMessage('hidden danger', id, outcome)
          throw conflict(message, [{ field: 'status', message, current: outcome.current }])
        }
        const { columns, auditNote } = apply(before, trx)
        await updateHiddenDangerStep(trx, id, outcome.to, columns)
        return { after: (await loadHiddenDanger(trx, id))!, auditNote }
      },
    })
    return { ...after!, regrade }
  })
}

/** `POST /hidden-dangers/:id/{rectify|verify|reopen}`: each locks the row, so two concurrent transitions cannot both succeed. */
export async function hiddenDangerTransitionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const who = (request: FastifyRequest) => ({ actor: sessionActor(request), username: auditUser(request) })

  app.post(
    '/hidden-dangers/:id/rectify',
    stepRoute(
      'rectify',
      'Record the rectification of an open hidden danger (it stays red until verified); the signed-in account is its rectifier',
      rectifyBody,
    ),
    async (request) => {
      const { actor, username } = who(request)
      return takeStep(fastify, 'rectify', { id: request.params.id, actor, username }, (_record, trx) => ({
        columns: { rectified_at: trx.fn.now(), rectified_by: actor.name, rectified_by_user_id: actor.id, rectification: request.body.rectification.trim() },
      }))
    },
  )

  app.post(
    '/hidden-dangers/:id/verify',
    stepRoute(
      'verify',
      'Verify a rectified hidden danger; its red zone is lifted at once. The signed-in account verifies: not the one that reported it or recorded its rectification (403 separation_of_duties)',
      verifyBody,
    ),
    async (request) => {
      const { actor, username } = who(request)
      return takeStep(fastify, 'verify', { id: request.params.id, actor, username }, (record, trx) => {
        checkVerifier('hidden danger', record, actor)
        return { columns: { verified_at: trx.fn.now(), verified_by: actor.name, verified_by_user_id: actor.id } }
      })
    },
  )

  app.post(
    '/hidden-dangers/:id/reopen',
    stepRoute('reopen', 'Verification failed: reopen a rectified hidden danger (the failed rectification stays in the audit log)', reopenBody),
    async (request) => {
      const { actor, username } = who(request)
      return takeStep(fastify, 'reopen', { id: request.params.id, actor, username }, () => ({
        columns: { rectified_at: null, rectified_by: null, rectified_by_user_id: null, rectification: null },
        auditNote: { reopenedBy: actor.name, reopenedByUserId: actor.id, reopenReason: request.body.reason.trim() },
      }))
    },
  )
}
