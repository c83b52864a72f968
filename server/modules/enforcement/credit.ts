/**
 * Credit status (安全生产诚信, docs/domain.md Policy 二(八), docs/domain.md §7): good / warned / blacklisted, kept as a history of
 * credit events with reason and dates. `enterprise.credit_status` is always what the events say for
 * today; events start and end with time, so a daily refresh brings the column up to date.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { notFound } from '../../errors'
import { errorResponses, sentObject, typed } from '../../http/schemas'
import { lockGrading } from '../../grading/repository'
import { recordAudit } from '../audit/audit'
import { setCreditStatus } from '../enterprises'
import { inspectorAccess, staffAccess } from './shared'
import { auditUser } from '../../http/actor'
import { dateColumn, isoTime, type Db, databaseToday, lockRow } from '../../db/db'
import { dateSchema, idParams, optionalDateSchema } from '../../http/params'
import { checkDateOrder } from '../../http/validation'
import { CREDIT_STATUSES, type CreditStatus } from '../../domain/enforcement'

export interface CreditEvent {
  id: number
  status: CreditStatus
  /** `YYYY-MM-DD`, inclusive. */
  startsOn: string
  endsOn: string | null
}

/**
 * The credit status on `today`: that of the latest-starting event in force (started, not ended; the
 * later id wins a tie), so a later "good" event (信用修复) lifts an earlier blacklisting; good when none.
 */
export function currentCreditStatus(events: readonly CreditEvent[], today: string): { status: CreditStatus; eventId: number | null } {
  let best: CreditEvent | null = null
  for (const e of events) {
    if (e.startsOn > today || (e.endsOn !== null && e.endsOn < today)) continue
    if (!best || e.startsOn > best.startsOn || (e.startsOn === best.startsOn && e.id > best.id)) best = e
  }
  return best ? { status: best.status, eventId: best.id } : { status: 'good', eventId: null }
}

const bodySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['status', 'reason', 'startsOn'],
  properties: {
    status: { type: 'string', enum: CREDIT_STATUSES, description: 'good also records a credit repair (信用修复) that ends an earlier status' },
    reason: { type: 'string', minLength: 1, maxLength: 1000, description: 'e.g. the penalty decision it follows from' },
    startsOn: dateSchema,
    endsOn: { ...optionalDateSchema, description: 'last day in force (inclusive), on or after startsOn; null: until further notice' },
  },
} as const

export const creditEventProperties = {
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  status: { type: 'string', enum: CREDIT_STATUSES },
  reason: { type: 'string' },
  startsOn: { type: 'string' },
  endsOn: { type: ['string', 'null'] },
  inForce: { type: 'boolean', description: 'the event that sets the current status' },
  createdAt: { type: 'string' },
} as const

/** A credit event as the API sends it: creditEventsOf sets every property. */
export const creditEventRecordSchema = sentObject(creditEventProperties)

function toEvent(r: Record<string, unknown>) {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    status: r.status as CreditStatus,
    reason: r.reason as string,
    startsOn: r.starts_on as string,
    endsOn: r.ends_on as string | null,
    createdAt: isoTime(r.created_at)!,
  }
}

export type CreditEventRecord = ReturnType<typeof toEvent> & { inForce: boolean }

/** An enterprise's credit events, latest first, each marked whether it sets the current status. */
export async function creditEventsOf(db: Db, enterpriseId: number, today: string): Promise<CreditEventRecord[]> {
  const rows = await db('credit_event')
    .where({ enterprise_id: enterpriseId })
    .orderBy('starts_on', 'desc')
    .orderBy('id', 'desc')
    .select('id', 'enterprise_id', 'status', 'reason', 'created_at', dateColumn(db, 'starts_on', 'starts_on'), dateColumn(db, 'ends_on', 'ends_on'))
  const events = rows.map(toEvent)
  const { eventId } = currentCreditStatus(events, today)
  return events.map((e) => ({ ...e, inForce: e.id === eventId }))
}

/** Sets `enterprise.credit_status` from its events when it differs (through the enterprises store), auditing the change; returns the statuses. */
async function syncCreditStatus(
  trx: Knex.Transaction,
  enterpriseId: number,
  today: string,
  username: string | null,
): Promise<{ before: CreditStatus; after: CreditStatus }> {
  const row = await trx('enterprise').where({ id: enterpriseId }).first('credit_status')
  const before = row.credit_status as CreditStatus
  const { status: after, eventId } = currentCreditStatus(await creditEventsOf(trx, enterpriseId, today), today)
  if (after !== before) {
    await setCreditStatus(trx, enterpriseId, after)
    await recordAudit(trx, {
      action: 'credit_status_changed',
      entity: 'enterprise',
      entityId: enterpriseId,
      before: { creditStatus: before },
      after: { creditStatus: after, creditEventId: eventId },
      username,
    })
  }
  return { before, after }
}

/** Brings every enterprise's credit status up to date with its events (events start and end with time). */
export async function refreshCreditStatuses(
  trx: Knex.Transaction,
  username: string | null,
): Promise<{ checked: number; changed: Array<{ id: number; before: CreditStatus; after: CreditStatus }> }> {
  // Many enterprise rows are locked below; a full regrade writes them all under the grading lock, so queue behind it.
  await lockGrading(trx)
  const today = await databaseToday(trx)
  const ids = (await trx('enterprise')
    .whereNot('credit_status', 'good')
    .union((u) => u.select('enterprise_id as id').from('credit_event'))
    .select('id')) as Array<{ id: string | number }>
  const changed: Array<{ id: number; before: CreditStatus; after: CreditStatus }> = []
  for (const id of [...new Set(ids.map((r) => Number(r.id)))].sort((a, b) => a - b)) {
    await lockRow(trx, 'enterprise', id)
    const result = await syncCreditStatus(trx, id, today, username)
    if (result.before !== result.after) changed.push({ id, ...result })
  }
  return { checked: ids.length, changed }
}

/** Credit routes (mounted under /api). */
export async function creditRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['enforcement']
  const event = creditEventRecordSchema
  const creditStatus = { type: 'string', enum: CREDIT_STATUSES } as const

  app.post(
    '/enterprises/:id/credit-events',
    {
      config: { ...inspectorAccess, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "Record a credit event (warned, blacklisted, or good again) and bring the enterprise's credit status up to date",
        params: idParams,
        body: bodySchema,
        response: {
          201: sentObject({ event, creditStatus, previousCreditStatus: creditStatus }),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params
      const body = request.body
      const username = auditUser(request)
      const result = await app.db.transaction(async (trx) => {
        checkDateOrder({ field: 'startsOn', value: body.startsOn }, { field: 'endsOn', value: body.endsOn })
        await lockRow(trx, 'enterprise', id)
        const today = await databaseToday(trx)
        const [row] = await trx('credit_event')
          .insert({ enterprise_id: id, status: body.status, reason: body.reason.trim(), starts_on: body.startsOn, ends_on: body.endsOn ?? null })
          .returning('id')
        const events = await creditEventsOf(trx, id, today)
        const created = events.find((e) => e.id === Number(row.id))!
        await recordAudit(trx, { action: 'created', entity: 'credit_event', entityId: created.id, before: null, after: created, username })
        const { before, after } = await syncCreditStatus(trx, id, today, username)
        return { event: (await creditEventsOf(trx, id, today)).find((e) => e.id === created.id)!, creditStatus: after, previousCreditStatus: before }
      })
      reply.code(201)
      return result
    },
  )

  app.get(
    '/enterprises/:id/credit-events',
    {
      config: { ...staffAccess, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "An enterprise's credit status and its credit events, latest first",
        params: idParams,
        response: { 200: sentObject({ enterpriseId: { type: 'integer' }, creditStatus, items: { type: 'array', items: event } }), ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params
      const enterprise = await app.db('enterprise').where({ id }).first('credit_status')
      if (!enterprise) throw notFound('enterprise', id)
      return { enterpriseId: id, creditStatus: enterprise.credit_status, items: await creditEventsOf(app.db, id, await databaseToday(app.db)) }
    },
  )

  app.post(
    '/enforcement/credit/refresh',
    {
      config: inspectorAccess,
      schema: {
        tags,
        summary: "Bring every enterprise's credit status up to date with its events (run daily: events start and end with time)",
        response: {
          200: sentObject({
            checked: { type: 'integer' },
            changed: { type: 'array', items: sentObject({ id: { type: 'integer' }, before: creditStatus, after: creditStatus }) },
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => app.db.transaction((trx) => refreshCreditStatuses(trx, auditUser(request))),
  )
}
