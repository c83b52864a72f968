/**
 * SQL of administrative penalties (the penalty table, this module's): their reads, the list, the
 * insert and publishing. The checks of a new decision are in penalty-service.ts.
 */
import type { Knex } from 'knex'
import { whereEnterpriseIn } from '../auth/jurisdiction'
import { dateColumn, isoTime, listPage, uniqueConflict, type Db } from '../../db/db'
import type { PenaltyListQuery, PenaltyRecord } from './schemas'

/** A penalty row as selectColumns reads it (bigint ids and numeric amounts arrive as text). */
interface PenaltyRow {
  id: string | number
  enterprise_id: string | number
  violation_id: string | number | null
  decision_no: string
  amount_yuan: string | number
  description: string | null
  published: boolean
  created_at: Date
  decided_at: string
}

function selectColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
  return q.select(
    'p.id',
    'p.enterprise_id',
    'p.violation_id',
    'p.decision_no',
    'p.amount_yuan',
    'p.description',
    'p.published',
    'p.created_at',
    dateColumn(db, 'p.decided_at', 'decided_at'),
  )
}

function toRecord(r: PenaltyRow): PenaltyRecord {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    violationId: r.violation_id === null ? null : Number(r.violation_id),
    decisionNo: r.decision_no,
    // numeric(14, 2) arrives as text: exact to the fen, well inside a double's 15 significant digits
    amountYuan: Number(r.amount_yuan),
    decidedAt: r.decided_at,
    description: r.description,
    published: r.published,
    createdAt: isoTime(r.created_at)!,
  }
}

export async function loadPenalty(db: Db, id: number): Promise<PenaltyRecord | undefined> {
  const row: PenaltyRow | undefined = await selectColumns(db, db('penalty as p')).where('p.id', id).first()
  return row ? toRecord(row) : undefined
}

/** Penalties of an enterprise, latest first, for the enforcement history. */
export async function penaltiesOf(db: Db, enterpriseId: number, limit: number): Promise<PenaltyRecord[]> {
  const rows: PenaltyRow[] = await selectColumns(db, db('penalty as p'))
    .where('p.enterprise_id', enterpriseId)
    .orderBy('p.decided_at', 'desc')
    .orderBy('p.id', 'desc')
    .limit(limit)
  return rows.map(toRecord)
}

/** A page of penalties, ordered by id, and how many match; `scopeGridId` is a grid worker's grid (auth/jurisdiction ScopedListQuery). */
export async function listPenalties(db: Db, q: PenaltyListQuery & { scopeGridId?: number }): Promise<{ total: number; items: PenaltyRecord[] }> {
  const filtered = db('penalty as p')
  if (q.enterpriseId !== undefined) filtered.where('p.enterprise_id', q.enterpriseId)
  if (q.published !== undefined) filtered.where('p.published', q.published)
  whereEnterpriseIn(filtered, 'p.enterprise_id', q.division, q.scopeGridId)
  return listPage(filtered, (b) => selectColumns(db, b), 'p.id', q, toRecord)
}

/** The penalty holding a decision number, if any. */
export async function penaltyWithDecisionNo(db: Db, decisionNo: string): Promise<number | undefined> {
  const twin: { id: string | number } | undefined = await db('penalty').where({ decision_no: decisionNo }).first('id')
  return twin ? Number(twin.id) : undefined
}

/** What a new penalty decision stores. */
export interface NewPenalty {
  enterpriseId: number
  violationId: number | null
  decisionNo: string
  amountYuan: number
  decidedAt: string
  description: string | null
  published: boolean
}

/** Inserts a penalty decision (the amount to the fen); its id. A decision number taken meanwhile is a 409 naming decisionNo. */
export async function insertPenalty(trx: Knex.Transaction, p: NewPenalty): Promise<number> {
  const [row]: Array<{ id: string | number }> = await trx('penalty')
    .insert({
      enterprise_id: p.enterpriseId,
      violation_id: p.violationId,
      decision_no: p.decisionNo,
      amount_yuan: p.amountYuan.toFixed(2),
      decided_at: p.decidedAt,
      description: p.description,
      published: p.published,
    })
    .returning('id')
    .catch((err: unknown) => uniqueConflict(err, 'decisionNo', `decision number ${p.decisionNo} is already used`))
  return Number(row!.id)
}

/** Marks a penalty decision published. */
export async function setPenaltyPublished(trx: Knex.Transaction, id: number): Promise<void> {
  await trx('penalty').where({ id }).update({ published: true })
}
