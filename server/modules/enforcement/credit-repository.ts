/**
 * SQL of credit events (the credit_event table, this module's) and the reads of an enterprise's
 * stored credit status. The status is written through the enterprises store; the rule that derives it
 * is server/domain/credit.ts, applied in credit-service.ts.
 */
import type { Knex } from 'knex'
import { dateColumn, isoTime, type Db } from '../../db/db'
import type { CreditStatus } from '../../domain/enforcement'
import type { CreditEventRecord } from './schemas'

/** A credit_event row as creditEventRows reads it (bigint ids arrive as text). */
interface CreditEventRow {
  id: string | number
  enterprise_id: string | number
  status: CreditStatus
  reason: string
  created_at: Date
  starts_on: string
  ends_on: string | null
}

/** A stored credit event, without whether it is in force (credit-service.ts decides that). */
export type StoredCreditEvent = Omit<CreditEventRecord, 'inForce'>

function toEvent(r: CreditEventRow): StoredCreditEvent {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    status: r.status,
    reason: r.reason,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    createdAt: isoTime(r.created_at)!,
  }
}

/** An enterprise's credit events, latest start first (the later id first among equal starts). */
export async function creditEventRows(db: Db, enterpriseId: number): Promise<StoredCreditEvent[]> {
  const rows: CreditEventRow[] = await db('credit_event')
    .where({ enterprise_id: enterpriseId })
    .orderBy('starts_on', 'desc')
    .orderBy('id', 'desc')
    .select('id', 'enterprise_id', 'status', 'reason', 'created_at', dateColumn(db, 'starts_on', 'starts_on'), dateColumn(db, 'ends_on', 'ends_on'))
  return rows.map(toEvent)
}

/** What a new credit event stores. */
export interface NewCreditEvent {
  enterpriseId: number
  status: CreditStatus
  reason: string
  startsOn: string
  endsOn: string | null
}

/** Inserts a credit event; its id. */
export async function insertCreditEvent(trx: Knex.Transaction, e: NewCreditEvent): Promise<number> {
  const [row]: Array<{ id: string | number }> = await trx('credit_event')
    .insert({ enterprise_id: e.enterpriseId, status: e.status, reason: e.reason, starts_on: e.startsOn, ends_on: e.endsOn })
    .returning('id')
  return Number(row!.id)
}

/** An enterprise's stored credit status (enterprise.credit_status), or undefined when there is no such enterprise. */
export async function storedCreditStatus(db: Db, enterpriseId: number): Promise<CreditStatus | undefined> {
  const row: { credit_status: CreditStatus } | undefined = await db('enterprise').where({ id: enterpriseId }).first('credit_status')
  return row?.credit_status
}

/**
 * The enterprises whose credit status may need a refresh: those not good and those with any credit
 * event (one row each; the order is the database's).
 */
export async function enterprisesWithCredit(db: Db): Promise<number[]> {
  const rows: Array<{ id: string | number }> = await db('enterprise')
    .whereNot('credit_status', 'good')
    .union((u) => u.select('enterprise_id as id').from('credit_event'))
    .select('id')
  return rows.map((r) => Number(r.id))
}
