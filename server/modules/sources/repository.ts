/**
 * The API's SQL of the sources module that its route files held: the lookups the shared checks need
 * (an enterprise's location, a division, an inspection's enterprise), a record's delete, and every
 * read and write of a hidden danger (hidden-dangers.ts: its spec and its rectification steps). The
 * importer's bulk writes are in store.ts (docs/architecture.md, "Who owns a table").
 */
import type { Knex } from 'knex'
import type { HiddenDangerStatus } from '../../domain/enterprise-level'
import { dateColumn, isoTime, listPage, pointSql, userId, type Db } from '../../db/db'
import type { Page } from '../../http/params'
import { whereEnterpriseIn } from '../auth/jurisdiction'

/** A page of records as a list route sends it. */
export interface RecordPage<Rec> {
  total: number
  limit: number
  offset: number
  items: Rec[]
}

/** The tables of the grading sources (each kind's table is named as the kind). */
export type SourceTable = 'major_hazard' | 'safety_risk' | 'hidden_danger' | 'area_assessment'

// ---------------------------------------------------------------- lookups of the checks

/** The location of an enterprise; undefined when there is none with that id. */
export async function enterpriseLocation(db: Db, enterpriseId: number): Promise<{ lon: number; lat: number } | undefined> {
  const row = await db('enterprise').where({ id: enterpriseId }).first(db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
  return row ? { lon: row.lon as number, lat: row.lat as number } : undefined
}

/** Whether a division with this code is stored. */
export async function divisionExists(db: Db, code: string): Promise<boolean> {
  return (await db('division').where({ code }).first('code')) !== undefined
}

/** The enterprise an inspection is of; undefined when there is no inspection with that id. */
export async function inspectionEnterpriseId(db: Db, inspectionId: number): Promise<number | undefined> {
  const inspection = await db('inspection').where({ id: inspectionId }).first('enterprise_id')
  return inspection ? Number(inspection.enterprise_id) : undefined
}

// ---------------------------------------------------------------- every kind

/** Deletes record `id` of a kind's table (the caller holds its row lock and regrades). */
export async function deleteRecord(trx: Knex.Transaction, table: SourceTable, id: number): Promise<void> {
  await trx(table).where({ id }).del()
}

// ---------------------------------------------------------------- hidden dangers

function selectHiddenDangerColumns(db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder {
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

function toHiddenDanger(r: Record<string, unknown>) {
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

/** A stored hidden danger as the API sends it. */
export type HiddenDangerRecord = ReturnType<typeof toHiddenDanger>

/** The list filters of hidden dangers. */
export interface HiddenDangerFilters {
  enterpriseId?: number
  status?: HiddenDangerStatus
  overdue?: boolean
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
}

export async function loadHiddenDanger(db: Db, id: number): Promise<HiddenDangerRecord | undefined> {
  const row = await selectHiddenDangerColumns(db, db('hidden_danger as h')).where('h.id', id).first()
  return row ? toHiddenDanger(row) : undefined
}

/** A page of hidden dangers, filtered (the jurisdiction's included) and ordered by id. */
export async function listHiddenDangers(db: Db, query: HiddenDangerFilters & Page): Promise<RecordPage<HiddenDangerRecord>> {
  const filtered = db('hidden_danger as h')
  if (query.enterpriseId !== undefined) filtered.where('h.enterprise_id', query.enterpriseId)
  if (query.status !== undefined) filtered.where('h.status', query.status)
  whereEnterpriseIn(filtered, 'h.enterprise_id', query.division, query.scopeGridId)
  if (query.overdue !== undefined) {
    const overdue = "h.status = 'open' AND h.deadline < current_date"
    filtered.whereRaw(query.overdue ? overdue : `NOT (${overdue})`)
  }
  return { ...(await listPage(filtered, (q) => selectHiddenDangerColumns(db, q), 'h.id', query, toHiddenDanger)), limit: query.limit, offset: query.offset }
}

/** A new hidden danger, reported open; returns its id. */
export async function insertHiddenDanger(
  trx: Knex.Transaction,
  row: {
    enterpriseId: number
    inspectionId: number | null
    description: string
    isMajor: boolean
    foundAt: string
    deadline: string
    reportedBy: { id: number; name: string }
    lon: number
    lat: number
  },
): Promise<number> {
  const [inserted] = await trx('hidden_danger')
    .insert({
      enterprise_id: row.enterpriseId,
      inspection_id: row.inspectionId,
      description: row.description,
      is_major: row.isMajor,
      found_at: row.foundAt,
      deadline: row.deadline,
      status: 'open',
      reported_by: row.reportedBy.name,
      reported_by_user_id: row.reportedBy.id,
      geom: pointSql(trx, row.lon, row.lat),
    })
    .returning('id')
  return Number((inserted as { id: string }).id)
}

/** The columns a step of the closed loop sets (the rectification's or the verification's, or their clearing). */
export type HiddenDangerStepColumns =
  | { rectified_at: Knex.Raw; rectified_by: string; rectified_by_user_id: number; rectification: string }
  | { verified_at: Knex.Raw; verified_by: string; verified_by_user_id: number }
  | { rectified_at: null; rectified_by: null; rectified_by_user_id: null; rectification: null }

/** Moves hidden danger `id` to `status`, storing what its step sets (the caller holds its row lock). */
export async function updateHiddenDangerStep(trx: Knex.Transaction, id: number, status: HiddenDangerStatus, columns: HiddenDangerStepColumns): Promise<void> {
  await trx('hidden_danger')
    .where({ id })
    .update({ ...columns, status, updated_at: trx.fn.now() })
}
