/**
 * Credit status (安全生产诚信, docs/domain.md Policy 二(八), docs/domain.md §7): good / warned /
 * blacklisted, kept as a history of credit events with reason and dates. `enterprise.credit_status` is
 * always what the events say for today (server/domain/credit.ts); events start and end with time, so a
 * daily refresh brings the column up to date. The SQL is in credit-repository.ts; the column is
 * written through the enterprises store.
 */
import type { Knex } from 'knex'
import { notFound } from '../../errors'
import { lockGrading } from '../../grading/repository'
import { recordAudit } from '../audit/audit'
import { setCreditStatus } from '../enterprises'
import { databaseToday, lockRow, type Db } from '../../db/db'
import { checkDateOrder } from '../../http/validation'
import { currentCreditStatus } from '../../domain/credit'
import type { CreditStatus } from '../../domain/enforcement'
import { creditEventRows, enterprisesWithCredit, insertCreditEvent, storedCreditStatus } from './credit-repository'
import type { CreditEventBody, CreditEventRecord } from './schemas'

/** An enterprise's credit events, latest first, each marked whether it sets the current status. */
export async function creditEventsOf(db: Db, enterpriseId: number, today: string): Promise<CreditEventRecord[]> {
  const events = await creditEventRows(db, enterpriseId)
  const { eventId } = currentCreditStatus(events, today)
  return events.map((e) => ({ ...e, inForce: e.id === eventId }))
}

/** An enterprise's stored credit status and its credit events (latest first); 404 when there is no such enterprise. */
export async function creditOf(db: Db, enterpriseId: number): Promise<{ creditStatus: CreditStatus; items: CreditEventRecord[] }> {
  const creditStatus = await storedCreditStatus(db, enterpriseId)
  if (creditStatus === undefined) throw notFound('enterprise', enterpriseId)
  return { creditStatus, items: await creditEventsOf(db, enterpriseId, await databaseToday(db)) }
}

/** Sets `enterprise.credit_status` from its events when it differs (through the enterprises store), auditing the change; returns the statuses. */
async function syncCreditStatus(
  trx: Knex.Transaction,
  enterpriseId: number,
  today: string,
  username: string | null,
): Promise<{ before: CreditStatus; after: CreditStatus }> {
  const before = (await storedCreditStatus(trx, enterpriseId))!
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

/**
 * Records a credit event of an enterprise (404 when it is missing) and brings its credit status up
 * to date, auditing both; the event as sent, with the status before and after.
 */
export async function recordCreditEvent(
  trx: Knex.Transaction,
  enterpriseId: number,
  body: CreditEventBody,
  username: string | null,
): Promise<{ event: CreditEventRecord; creditStatus: CreditStatus; previousCreditStatus: CreditStatus }> {
  checkDateOrder({ field: 'startsOn', value: body.startsOn }, { field: 'endsOn', value: body.endsOn })
  await lockRow(trx, 'enterprise', enterpriseId)
  const today = await databaseToday(trx)
  const id = await insertCreditEvent(trx, {
    enterpriseId,
    status: body.status,
    reason: body.reason.trim(),
    startsOn: body.startsOn,
    endsOn: body.endsOn ?? null,
  })
  const created = (await creditEventsOf(trx, enterpriseId, today)).find((e) => e.id === id)!
  await recordAudit(trx, { action: 'created', entity: 'credit_event', entityId: created.id, before: null, after: created, username })
  const { before, after } = await syncCreditStatus(trx, enterpriseId, today, username)
  return { event: (await creditEventsOf(trx, enterpriseId, today)).find((e) => e.id === created.id)!, creditStatus: after, previousCreditStatus: before }
}

/** Brings every enterprise's credit status up to date with its events (events start and end with time). */
export async function refreshCreditStatuses(
  trx: Knex.Transaction,
  username: string | null,
): Promise<{ checked: number; changed: Array<{ id: number; before: CreditStatus; after: CreditStatus }> }> {
  // Many enterprise rows are locked below; a full regrade writes them all under the grading lock, so queue behind it.
  await lockGrading(trx)
  const today = await databaseToday(trx)
  const ids = await enterprisesWithCredit(trx)
  const changed: Array<{ id: number; before: CreditStatus; after: CreditStatus }> = []
  for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
    await lockRow(trx, 'enterprise', id)
    const result = await syncCreditStatus(trx, id, today, username)
    if (result.before !== result.after) changed.push({ id, ...result })
  }
  return { checked: ids.length, changed }
}
