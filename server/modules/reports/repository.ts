/**
 * SQL of public and grid-worker reports (docs/domain.md §8): where a point lies, which department a report
 * goes to, the stored report as staff and as the public see it, filtered lists.
 */
import crypto from 'node:crypto'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { newTrackingCode, type ReportCategory, type ReportSource, type ReportStatus } from '../../domain/reports'
import { isoTime, pointSql, type Db } from '../../db/db'
import type { Page } from '../../http/params'
import type { PublicReportStatus, StaffReport } from './schemas'

/** Where a point lies: the deepest division covering it (township, else county, else city) and its management grid. */
export interface PointPlace {
  divisionCode: string | null
  mgmtGridId: number | null
}

/** The deepest division and the management grid covering a WGS 84 point (boundaries included). */
export async function placeOfPoint(db: Db, lon: number, lat: number): Promise<PointPlace> {
  const point = pointSql(db, lon, lat)
  const { rows } = await db.raw<{ rows: Array<{ division_code: string | null; mgmt_grid_id: number | null }> }>(
    `SELECT (SELECT code FROM division WHERE ST_Covers(geom, p.pt) ORDER BY length(code) DESC, code LIMIT 1) AS division_code,
            (SELECT id FROM mgmt_grid WHERE ST_Covers(geom, p.pt) ORDER BY id LIMIT 1) AS mgmt_grid_id
       FROM (SELECT ?::geometry AS pt) p`,
    [point],
  )
  const row = rows[0]!
  return { divisionCode: row.division_code, mgmtGridId: row.mgmt_grid_id === null ? null : Number(row.mgmt_grid_id) }
}

/**
 * The department a report of `category` at a point of `divisionCode` goes to. Routing rule: among
 * the departments of that division and its ancestors (township → county → city), the most local
 * one wins; at one level, the department the category names (its industry, or its specialist
 * field) comes before the emergency-management department (industry `other`), which takes
 * everything nobody else handles. Null when no department exists at any level.
 */
export async function routeDepartment(db: Db, divisionCode: string, category: ReportCategory): Promise<number | null> {
  const industry = 'industry' in category.handledBy ? category.handledBy.industry : null
  const specialty = 'specialty' in category.handledBy ? category.handledBy.specialty : null
  const { rows } = await db.raw<{ rows: Array<{ id: number }> }>(
    `WITH RECURSIVE up(code, depth) AS (
       SELECT code, 0 FROM division WHERE code = ?
       UNION ALL
       SELECT d.parent_code, up.depth + 1 FROM up JOIN division d ON d.code = up.code WHERE d.parent_code IS NOT NULL
     )
     SELECT dep.id
       FROM department dep JOIN up ON up.code = dep.division_code
      WHERE coalesce(dep.specialty = ?::text OR ?::text = ANY (dep.industries), false) OR 'other' = ANY (dep.industries)
      -- coalesce: a NULL (no specialty / no industry asked for) would sort before true in DESC order
      ORDER BY up.depth, coalesce(dep.specialty = ?::text OR ?::text = ANY (dep.industries), false) DESC, dep.id
      LIMIT 1`,
    [divisionCode, specialty, industry, specialty, industry],
  )
  return rows[0] ? Number(rows[0].id) : null
}

export interface NewReport {
  source: ReportSource
  category: string
  description: string
  contact: string | null
  address: string | null
  lon: number
  lat: number
  divisionCode: string
  mgmtGridId: number | null
  departmentId: number | null
  filedBy: number | null
  clientHash: string | null
  deadlineDays: number
}

/** How many fresh codes to try before giving up; a collision of 49-bit codes is already rare. */
const TRACKING_CODE_ATTEMPTS = 5

/** Stores a new report with a fresh unique tracking code; returns its id. */
export async function insertReport(trx: Knex.Transaction, report: NewReport): Promise<number> {
  for (let attempt = 0; attempt < TRACKING_CODE_ATTEMPTS; attempt++) {
    const trackingCode = newTrackingCode((n) => crypto.randomInt(n))
    // ON CONFLICT keeps the transaction usable when the code is taken (a failed INSERT would abort it).
    const { rows } = await trx.raw<{ rows: Array<{ id: string }> }>(
      `INSERT INTO public_report (tracking_code, source, category, description, contact, address, geom, division_code, mgmt_grid_id,
                                  department_id, filed_by, client_hash, deadline_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now() + make_interval(days => ?))
       ON CONFLICT (tracking_code) DO NOTHING
       RETURNING id`,
      [
        trackingCode,
        report.source,
        report.category,
        report.description,
        report.contact,
        report.address,
        pointSql(trx, report.lon, report.lat),
        report.divisionCode,
        report.mgmtGridId,
        report.departmentId,
        report.filedBy,
        report.clientHash,
        report.deadlineDays,
      ],
    )
    if (rows[0]) return Number(rows[0].id)
  }
  throw new AppError(500, 'internal', 'Could not draw a unique tracking code')
}

/** The query of a report as staff see it (never shown to the public: it has the contact and the staff note). */
function staffSelect(db: Db): Knex.QueryBuilder {
  return db('public_report as r')
    .leftJoin('division as dv', 'dv.code', 'r.division_code')
    .leftJoin('mgmt_grid as g', 'g.id', 'r.mgmt_grid_id')
    .leftJoin('department as dep', 'dep.id', 'r.department_id')
    .leftJoin('app_user as u', 'u.id', 'r.filed_by')
    .select(
      'r.id',
      'r.tracking_code',
      'r.source',
      'r.category',
      'r.description',
      'r.contact',
      'r.address',
      'r.division_code',
      'r.mgmt_grid_id',
      'r.department_id',
      'r.status',
      'r.deadline_at',
      'r.resolution',
      'r.staff_note',
      'r.inspection_id',
      'r.created_at',
      'r.updated_at',
      'r.closed_at',
      'dv.name as division_name',
      'g.name as mgmt_grid_name',
      'dep.name as department_name',
      'u.username as filed_by_name',
      db.raw('ST_X(r.geom) AS lon, ST_Y(r.geom) AS lat'),
      db.raw(`(r.status NOT IN ('closed', 'rejected') AND r.deadline_at < now()) AS overdue`),
    )
}

function staffRecord(row: Record<string, unknown>): StaffReport {
  const id = (value: unknown) => (value === null || value === undefined ? null : Number(value))
  return {
    id: Number(row.id),
    trackingCode: row.tracking_code as string,
    source: row.source as ReportSource,
    category: row.category as string,
    description: row.description as string,
    contact: (row.contact as string | null) ?? null,
    address: (row.address as string | null) ?? null,
    lon: row.lon as number,
    lat: row.lat as number,
    divisionCode: (row.division_code as string | null) ?? null,
    divisionName: (row.division_name as string | null) ?? null,
    mgmtGridId: id(row.mgmt_grid_id),
    mgmtGridName: (row.mgmt_grid_name as string | null) ?? null,
    departmentId: id(row.department_id),
    departmentName: (row.department_name as string | null) ?? null,
    filedBy: (row.filed_by_name as string | null) ?? null,
    status: row.status as ReportStatus,
    deadline: isoTime(row.deadline_at)!,
    overdue: row.overdue === true,
    resolution: (row.resolution as string | null) ?? null,
    staffNote: (row.staff_note as string | null) ?? null,
    inspectionId: id(row.inspection_id),
    createdAt: isoTime(row.created_at)!,
    updatedAt: isoTime(row.updated_at)!,
    closedAt: isoTime(row.closed_at),
  }
}

export async function loadReport(db: Db, id: number): Promise<StaffReport | undefined> {
  const row = (await staffSelect(db).where('r.id', id).first()) as Record<string, unknown> | undefined
  return row && staffRecord(row)
}

export async function findByTrackingCode(db: Db, trackingCode: string): Promise<PublicReportStatus | undefined> {
  const row = await db('public_report')
    .where({ tracking_code: trackingCode })
    .first('tracking_code', 'category', 'status', 'created_at', 'updated_at', 'deadline_at', 'resolution')
  if (!row) return undefined
  const status = row.status as ReportStatus
  return {
    trackingCode: row.tracking_code as string,
    category: row.category as string,
    status,
    createdAt: isoTime(row.created_at)!,
    updatedAt: isoTime(row.updated_at)!,
    deadline: isoTime(row.deadline_at)!,
    resolution: status === 'closed' || status === 'rejected' ? ((row.resolution as string | null) ?? null) : null,
  }
}

export interface ReportFilter {
  status?: ReportStatus
  overdue?: boolean
  departmentId?: number
  /** Division-code prefix. */
  division?: string
  source?: ReportSource
}

/** Whose reports a user may see: an inspector's jurisdiction, a grid worker's own reports, or all. */
export interface ReportScope {
  divisionPrefix: string | null
  filedBy: number | null
}

function whereScope(q: Knex.QueryBuilder, scope: ReportScope): Knex.QueryBuilder {
  // Prefixes are digits only (schema and app_user CHECK), so LIKE needs no escaping.
  if (scope.divisionPrefix !== null) q.where('r.division_code', 'like', `${scope.divisionPrefix}%`)
  if (scope.filedBy !== null) q.where('r.filed_by', scope.filedBy)
  return q
}

/** A page of reports, newest first; overdue ones are the open ones whose deadline has passed. */
export async function listReports(db: Db, filter: ReportFilter, scope: ReportScope, page: Page): Promise<{ total: number; items: StaffReport[] }> {
  const filtered = whereScope(db('public_report as r'), scope)
  if (filter.status) filtered.where('r.status', filter.status)
  if (filter.overdue !== undefined) {
    const overdue = `(r.status NOT IN ('closed', 'rejected') AND r.deadline_at < now())`
    filtered.whereRaw(filter.overdue ? overdue : `NOT ${overdue}`)
  }
  if (filter.departmentId !== undefined) filtered.where('r.department_id', filter.departmentId)
  if (filter.division) filtered.where('r.division_code', 'like', `${filter.division}%`)
  if (filter.source) filtered.where('r.source', filter.source)
  const [{ count }] = await filtered.clone().count<{ count: string }[]>('* as count')
  const rows = (await staffSelect(db)
    .whereIn('r.id', filtered.clone().select('r.id'))
    .orderBy('r.created_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)) as Array<Record<string, unknown>>
  return { total: Number(count), items: rows.map(staffRecord) }
}

/** Locks a report for the rest of the transaction and returns it; undefined when there is none. */
export async function lockReport(trx: Knex.Transaction, id: number): Promise<StaffReport | undefined> {
  const row = await trx('public_report').where({ id }).forUpdate().first('id')
  return row ? loadReport(trx, id) : undefined
}

export interface ReportChange {
  status?: ReportStatus
  resolution?: string
  staffNote?: string | null
  departmentId?: number
  inspectionId?: number
}

export async function updateReport(trx: Knex.Transaction, id: number, change: ReportChange): Promise<void> {
  const columns: Record<string, unknown> = { updated_at: trx.fn.now() }
  if (change.status !== undefined) {
    columns.status = change.status
    if (change.status === 'closed' || change.status === 'rejected') columns.closed_at = trx.fn.now()
  }
  if (change.resolution !== undefined) columns.resolution = change.resolution
  if (change.staffNote !== undefined) columns.staff_note = change.staffNote
  if (change.departmentId !== undefined) columns.department_id = change.departmentId
  if (change.inspectionId !== undefined) columns.inspection_id = change.inspectionId
  await trx('public_report').where({ id }).update(columns)
}

/** An enterprise's division, or undefined when there is none with that id. */
export async function enterpriseDivision(db: Db, id: number): Promise<string | undefined> {
  const row = await db('enterprise').where({ id }).first('division_code')
  return row?.division_code as string | undefined
}

export async function departmentExists(db: Db, id: number): Promise<boolean> {
  return (await db('department').where({ id }).first('id')) !== undefined
}

/** A client address as stored: hashed, so staff can spot a flood from one client without keeping addresses. */
export function clientHash(ip: string): string {
  return crypto.createHash('sha256').update(`riskmap-report:${ip}`).digest('hex').slice(0, 16)
}
