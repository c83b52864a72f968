/**
 * SQL of violations (the violation table, this module's): their reads, the list, the insert and the
 * columns each step of the rectification loop writes. The rules (state checks, who may verify) are
 * in violation-service.ts and server/domain/rectification.ts.
 */
import type { Knex } from 'knex'
import { whereEnterpriseIn } from '../auth/jurisdiction'
import { dateColumn, isoTime, listPage, userId, type Db } from '../../db/db'
import type { RectificationStatus } from '../../domain/rectification'
import type { ViolationListQuery, ViolationRecord } from './schemas'

/** A violation row as selectColumns reads it (bigint ids arrive as text). */
interface ViolationRow {
  id: string | number
  enterprise_id: string | number
  inspection_id: string | number | null
  description: string
  legal_basis: string | null
  status: RectificationStatus
  reported_by: string
  rectified_at: Date | null
  verified_at: Date | null
  verified_by: string | null
  created_at: Date
  reported_by_user_id: number | null
  rectified_by_user_id: number | null
  verified_by_user_id: number | null
  found_at: string
  deadline: string
  overdue: boolean
}

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

function toRecord(r: ViolationRow): ViolationRecord {
  return {
    id: Number(r.id),
    enterpriseId: Number(r.enterprise_id),
    inspectionId: r.inspection_id === null ? null : Number(r.inspection_id),
    description: r.description,
    legalBasis: r.legal_basis,
    foundAt: r.found_at,
    deadline: r.deadline,
    status: r.status,
    overdue: r.overdue,
    reportedBy: r.reported_by,
    reportedByUserId: userId(r.reported_by_user_id),
    rectifiedAt: isoTime(r.rectified_at),
    rectifiedByUserId: userId(r.rectified_by_user_id),
    verifiedAt: isoTime(r.verified_at),
    verifiedBy: r.verified_by,
    verifiedByUserId: userId(r.verified_by_user_id),
    createdAt: isoTime(r.created_at)!,
  }
}

export async function loadViolation(db: Db, id: number): Promise<ViolationRecord | undefined> {
  const row: ViolationRow | undefined = await selectColumns(db, db('violation as v')).where('v.id', id).first()
  return row ? toRecord(row) : undefined
}

/** Violations of an enterprise (newest first), for the enforcement history. */
export async function violationsOf(db: Db, enterpriseId: number, limit: number): Promise<ViolationRecord[]> {
  const rows: ViolationRow[] = await selectColumns(db, db('violation as v'))
    .where('v.enterprise_id', enterpriseId)
    .orderBy('v.found_at', 'desc')
    .orderBy('v.id', 'desc')
    .limit(limit)
  return rows.map(toRecord)
}

/** A page of violations, ordered by id, and how many match; `scopeGridId` is a grid worker's grid (auth/jurisdiction ScopedListQuery). */
export async function listViolations(db: Db, q: ViolationListQuery & { scopeGridId?: number }): Promise<{ total: number; items: ViolationRecord[] }> {
  const filtered = db('violation as v')
  if (q.enterpriseId !== undefined) filtered.where('v.enterprise_id', q.enterpriseId)
  whereEnterpriseIn(filtered, 'v.enterprise_id', q.division, q.scopeGridId)
  if (q.inspectionId !== undefined) filtered.where('v.inspection_id', q.inspectionId)
  if (q.status !== undefined) filtered.where('v.status', q.status)
  if (q.overdue !== undefined) {
    const overdue = "v.status = 'open' AND v.deadline < current_date"
    filtered.whereRaw(q.overdue ? overdue : `NOT (${overdue})`)
  }
  return listPage(filtered, (b) => selectColumns(db, b), 'v.id', q, toRecord)
}

/** What a new violation stores; it starts open. */
export interface NewViolation {
  enterpriseId: number
  inspectionId: number | null
  description: string
  legalBasis: string | null
  foundAt: string
  deadline: string
  reportedBy: string
  reportedByUserId: number
}

/** Inserts an open violation; its id. */
export async function insertViolationRow(trx: Knex.Transaction, v: NewViolation): Promise<number> {
  const [row]: Array<{ id: string | number }> = await trx('violation')
    .insert({
      enterprise_id: v.enterpriseId,
      inspection_id: v.inspectionId,
      description: v.description,
      legal_basis: v.legalBasis,
      found_at: v.foundAt,
      deadline: v.deadline,
      status: 'open',
      reported_by: v.reportedBy,
      reported_by_user_id: v.reportedByUserId,
    })
    .returning('id')
  return Number(row!.id)
}

/**
 * What a step of the rectification loop writes besides the new status: the rectifying account (now),
 * the verifying account (now), or, on a reopening, the rectification cleared.
 */
export type ViolationStepColumns = { step: 'rectified'; byUserId: number } | { step: 'verified'; by: string; byUserId: number } | { step: 'reopened' }

/** Writes a step of the rectification loop and the status it leads to. */
export async function writeViolationStep(trx: Knex.Transaction, id: number, status: RectificationStatus, columns: ViolationStepColumns): Promise<void> {
  const set =
    columns.step === 'rectified'
      ? { rectified_at: trx.fn.now(), rectified_by_user_id: columns.byUserId }
      : columns.step === 'verified'
        ? { verified_at: trx.fn.now(), verified_by: columns.by, verified_by_user_id: columns.byUserId }
        : { rectified_at: null, rectified_by_user_id: null }
  await trx('violation')
    .where({ id })
    .update({ ...set, status })
}

/** A violation's enterprise and the day it was found, or undefined when there is none (what a penalty checks). */
export async function violationFinding(db: Db, id: number): Promise<{ enterpriseId: number; foundAt: string } | undefined> {
  const row: { enterprise_id: string | number; found_at: string } | undefined = await db('violation')
    .where({ id })
    .first('enterprise_id', dateColumn(db, 'found_at', 'found_at'))
  return row ? { enterpriseId: Number(row.enterprise_id), foundAt: row.found_at } : undefined
}
