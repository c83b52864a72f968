/**
 * Public reports (12350-style) and grid-worker reports (docs/domain.md §8, docs/domain.md Policy 二(十)).
 *
 * The public file a report anonymously (rate-limited per client) and follow it by tracking code;
 * grid workers file reports from their own grid. Each report is routed to a department (see
 * `routeDepartment`) and has a deadline; staff triage it through received → triaged → assigned →
 * closed / rejected, or turn it into an inspection task. Every write is audited.
 *
 * Access: the public routes are open. Staff read reports (an inspector only those of their
 * jurisdiction, a grid worker only their own); inspectors (and admins) triage them.
 */
import type { FastifyInstance } from 'fastify'
import { AppError, invalid, notFound } from '../../errors'
import { errorResponse, errorResponses, typed } from '../../http/schemas'
import { GRID_WORKER_CATEGORIES, INSPECTABLE_STATUSES, PUBLIC_CATEGORIES, checkTransition, parseTrackingCode, reportCategory } from '../../domain/reports'
import { jurisdiction, inJurisdiction, type SessionUser } from '../auth/access'
import { outsideJurisdiction } from '../auth/jurisdiction'
import { RateLimiter } from '../../http/rate-limit'
import { recordAudit } from '../audit/audit'
import { insertPlannedInspection } from '../enforcement'
import {
  clientHash,
  departmentExists,
  enterpriseDivision,
  findByTrackingCode,
  insertReport,
  listReports,
  loadReport,
  lockReport,
  placeOfPoint,
  routeDepartment,
  updateReport,
  type ReportScope,
} from './repository'
import {
  categoriesSchema,
  createdSchema,
  gridWorkerBodySchema,
  inspectionBodySchema,
  listQuerySchema,
  patchBodySchema,
  publicBodySchema,
  publicStatusSchema,
  reportPageSchema,
  staffRecordSchema,
  trackingCodeParams,
  type StaffReport,
} from './schemas'
import { databaseToday } from '../../db/db'
import { auditUser } from '../../http/actor'
import { idParams } from '../../http/params'

/** Reports one client may file per window: enough for a neighbourhood's worth of honest reports, too few to flood triage. */
export const PUBLIC_REPORTS_PER_WINDOW = 5
/** The rate-limit window, milliseconds (one hour). */
export const PUBLIC_REPORT_WINDOW_MS = 60 * 60 * 1000

const tags = ['reports']

const readAccess = { access: ['inspector', 'planner', 'commander', 'grid_worker'] } as const
const triageAccess = { access: ['inspector'] } as const

// ---------------------------------------------------------------- helpers

/** Trims a free-text field; blank optional text becomes null, blank required text is `invalid(field)`. */
function text(value: string | null | undefined, field: string, required: true): string
function text(value: string | null | undefined, field: string, required: false): string | null
function text(value: string | null | undefined, field: string, required: boolean): string | null {
  const trimmed = value?.trim() ?? ''
  if (trimmed === '') {
    if (required) throw invalid(field, 'must not be blank')
    return null
  }
  return trimmed
}

/** Whose reports a user sees: an inspector's jurisdiction, a grid worker's own reports, else all. */
function scopeOf(user: SessionUser | null): ReportScope {
  return { divisionPrefix: jurisdiction(user), filedBy: user?.role === 'grid_worker' ? user.id : null }
}

/** Throws 403 unless the user may see this report (jurisdiction, or their own for a grid worker). */
function checkVisible(user: SessionUser | null, report: StaffReport): void {
  if (user?.role === 'grid_worker' && report.filedBy !== user.username) {
    throw new AppError(403, 'not_own_report', `Report ${report.id} was not filed by you`, [
      { field: 'id', message: 'a grid worker sees only their own reports' },
    ])
  }
  if (!inJurisdiction(user, report.divisionCode ?? '')) {
    throw outsideJurisdiction(`Report ${report.id}`, report.divisionCode, jurisdiction(user)!)
  }
}

/** Where a report goes: the division and grid of its point, and its department; 400 naming `location` outside the service area. */
async function placeReport(app: FastifyInstance, location: { lon: number; lat: number }, categoryCode: string) {
  const place = await placeOfPoint(app.db, location.lon, location.lat)
  if (place.divisionCode === null) {
    throw invalid('location', `${location.lon}, ${location.lat} lies outside the service area: pick a point inside the city's divisions`)
  }
  const departmentId = await routeDepartment(app.db, place.divisionCode, reportCategory(categoryCode)!)
  return { divisionCode: place.divisionCode, mgmtGridId: place.mgmtGridId, departmentId }
}

// ---------------------------------------------------------------- routes

export default async function reportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  // One limiter per app instance (not per process), so each test app starts with a clean slate.
  const limiter = new RateLimiter(PUBLIC_REPORTS_PER_WINDOW, PUBLIC_REPORT_WINDOW_MS)

  app.get(
    '/public/reports/categories',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Report categories with Chinese and English labels: public ones and grid-worker ones',
        response: { 200: categoriesSchema },
      },
    },
    async () => ({
      public: PUBLIC_CATEGORIES.map(({ code, zh, en }) => ({ code, zh, en })),
      gridWorker: GRID_WORKER_CATEGORIES.map(({ code, zh, en }) => ({ code, zh, en })),
    }),
  )

  app.post(
    '/public/reports',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'File a public report (12350-style); answers with the tracking code to follow it',
        description: `Rate-limited to ${PUBLIC_REPORTS_PER_WINDOW} reports per client per hour (429 with Retry-After beyond).`,
        body: publicBodySchema,
        response: { 201: createdSchema, 429: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const description = text(body.description, 'description', true)
      const contact = text(body.contact, 'contact', false)
      const address = text(body.address, 'address', false)
      const place = await placeReport(app, body.location, body.category)
      // Counted only once the report is acceptable: a typo costs the reporter nothing.
      const waitS = limiter.hit(request.ip)
      if (waitS > 0) {
        reply.header('retry-after', String(waitS))
        throw new AppError(
          429,
          'rate_limited',
          `Too many reports from your connection: at most ${PUBLIC_REPORTS_PER_WINDOW} per hour. Try again in ${Math.ceil(waitS / 60)} minute(s).`,
          [{ field: 'request', message: 'rate limit reached', retryAfterS: waitS }],
        )
      }
      const report = await app.db.transaction(async (trx) => {
        const id = await insertReport(trx, {
          source: 'public',
          category: body.category,
          description,
          contact,
          address,
          lon: body.location.lon,
          lat: body.location.lat,
          ...place,
          filedBy: null,
          clientHash: clientHash(request.ip),
          deadlineDays: app.config.reportDeadlineDays,
        })
        const after = (await loadReport(trx, id))!
        await recordAudit(trx, { action: 'created', entity: 'public_report', entityId: id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201)
      return { trackingCode: report.trackingCode, status: report.status, deadline: report.deadline }
    },
  )

  app.get(
    '/public/reports/:trackingCode',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The status of a report by its tracking code (no contact, location or staff details)',
        params: trackingCodeParams,
        response: { 200: publicStatusSchema, ...errorResponses },
      },
    },
    async (request) => {
      const code = parseTrackingCode(request.params.trackingCode)
      if (code === null) throw invalid('trackingCode', 'is not a tracking code: 10 letters and digits, as shown when the report was filed')
      const status = await findByTrackingCode(app.db, code)
      if (!status) {
        throw new AppError(404, 'not_found', `No report has the tracking code ${code}: check it against the one shown when the report was filed`, [
          { field: 'trackingCode', message: 'no report with this code' },
        ])
      }
      return status
    },
  )

  app.post(
    '/reports',
    {
      config: { access: ['grid_worker'] },
      schema: {
        tags,
        summary: 'File a report from your own management grid (grid workers): an enterprise opened, closed or moved, suspected illegal production',
        description: 'The point must lie in the grid of the signed-in grid worker; the report is routed to the supervising department of that grid.',
        body: gridWorkerBodySchema,
        response: { 201: staffRecordSchema, 403: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const user = request.user
      if (!user?.mgmtGridId) {
        throw new AppError(403, 'no_mgmt_grid', 'Only grid workers with a management grid file reports here; the public use /api/public/reports', [])
      }
      const body = request.body
      const description = text(body.description, 'description', true)
      const address = text(body.address, 'address', false)
      const place = await placeReport(app, body.location, body.category)
      if (place.mgmtGridId !== user.mgmtGridId) {
        throw invalid(
          'location',
          `${body.location.lon}, ${body.location.lat} lies outside your management grid (${user.mgmtGridId}): report from your own grid`,
        )
      }
      const report = await app.db.transaction(async (trx) => {
        const id = await insertReport(trx, {
          source: 'grid_worker',
          category: body.category,
          description,
          contact: null,
          address,
          lon: body.location.lon,
          lat: body.location.lat,
          ...place,
          filedBy: user.id,
          clientHash: null,
          deadlineDays: app.config.reportDeadlineDays,
        })
        const after = (await loadReport(trx, id))!
        await recordAudit(trx, { action: 'created', entity: 'public_report', entityId: id, before: null, after, username: auditUser(request) })
        return after
      })
      reply.code(201)
      return report
    },
  )

  app.get(
    '/reports',
    {
      config: readAccess,
      schema: {
        tags,
        summary: 'Reports, newest first, filtered and paginated; overdue=true lists the open ones past their deadline',
        description: 'An inspector sees the reports of their jurisdiction, a grid worker their own.',
        querystring: listQuerySchema,
        response: { 200: reportPageSchema, ...errorResponses },
      },
    },
    async (request) => {
      const { limit, offset, ...filter } = request.query
      const page = await listReports(app.db, filter, scopeOf(request.user), { limit, offset })
      return { ...page, limit, offset }
    },
  )

  app.get(
    '/reports/:id',
    {
      config: readAccess,
      schema: {
        tags,
        summary: 'One report with everything staff see',
        params: idParams,
        response: { 200: staffRecordSchema, 403: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const report = await loadReport(app.db, request.params.id)
      if (!report) throw notFound('report', request.params.id)
      checkVisible(request.user, report)
      return report
    },
  )

  app.patch(
    '/reports/:id',
    {
      config: triageAccess,
      schema: {
        tags,
        summary: 'Triage a report: change its status, answer it, note it, reassign its department',
        description:
          'Status moves received → triaged → assigned → closed, or to rejected from any open status; closing or rejecting needs a resolution. 409 names the current status of an illegal move.',
        params: idParams,
        body: patchBodySchema,
        response: { 200: staffRecordSchema, 403: errorResponse, 409: errorResponse, ...errorResponses },
      },
    },
    async (request) => {
      const body = request.body
      return app.db.transaction(async (trx) => {
        const before = await lockReport(trx, request.params.id)
        if (!before) throw notFound('report', request.params.id)
        checkVisible(request.user, before)
        const resolution = body.resolution === undefined ? undefined : text(body.resolution, 'resolution', true)
        if (body.status !== undefined && body.status !== before.status) checkTransition(before.status, body.status, resolution)
        const final = body.status ?? before.status
        if (resolution !== undefined && final !== 'closed' && final !== 'rejected') {
          throw invalid('resolution', 'is given only with status closed or rejected')
        }
        if (body.departmentId !== undefined) {
          if (before.status === 'closed' || before.status === 'rejected') {
            throw new AppError(409, 'conflict', `The report is ${before.status}; it cannot be reassigned`, [
              { field: 'departmentId', message: `report is ${before.status}` },
            ])
          }
          if (!(await departmentExists(trx, body.departmentId))) throw invalid('departmentId', `no department with id ${body.departmentId}`)
        }
        const staffNote = body.staffNote === undefined ? undefined : text(body.staffNote, 'staffNote', false)
        await updateReport(trx, before.id, {
          status: body.status !== before.status ? body.status : undefined,
          resolution,
          staffNote,
          departmentId: body.departmentId,
        })
        const after = (await loadReport(trx, before.id))!
        await recordAudit(trx, { action: 'updated', entity: 'public_report', entityId: before.id, before, after, username: auditUser(request) })
        return after
      })
    },
  )

  app.post(
    '/reports/:id/inspection',
    {
      config: triageAccess,
      schema: {
        tags,
        summary: 'Turn a report into an inspection task: plan an inspection of an enterprise and assign the report to it',
        params: idParams,
        body: inspectionBodySchema,
        response: { 201: staffRecordSchema, 403: errorResponse, 409: errorResponse, ...errorResponses },
      },
    },
    async (request, reply) => {
      const body = request.body
      const report = await app.db.transaction(async (trx) => {
        const before = await lockReport(trx, request.params.id)
        if (!before) throw notFound('report', request.params.id)
        checkVisible(request.user, before)
        if (!INSPECTABLE_STATUSES.includes(before.status) || before.inspectionId !== null) {
          const why = before.inspectionId !== null ? `already has inspection ${before.inspectionId}` : `is ${before.status}`
          throw new AppError(409, 'conflict', `The report ${why}; it cannot become a new inspection task`, [
            { field: 'status', message: why, current: before.status },
          ])
        }
        const division = await enterpriseDivision(trx, body.enterpriseId)
        if (division === undefined) throw invalid('enterpriseId', `no enterprise with id ${body.enterpriseId}`)
        if (!inJurisdiction(request.user, division)) throw outsideJurisdiction(`Enterprise ${body.enterpriseId}`, division, jurisdiction(request.user)!)
        const today = await databaseToday(trx)
        if (body.plannedFor < today) throw invalid('plannedFor', `${body.plannedFor} is in the past (today is ${today})`)
        const inspectionId = await insertPlannedInspection(trx, body.enterpriseId, body.plannedFor)
        const username = auditUser(request)
        await recordAudit(trx, {
          action: 'created',
          entity: 'inspection',
          entityId: inspectionId,
          before: null,
          after: { id: inspectionId, enterpriseId: body.enterpriseId, plannedFor: body.plannedFor, fromReport: before.id },
          username,
        })
        await updateReport(trx, before.id, { status: before.status === 'assigned' ? undefined : 'assigned', inspectionId })
        const after = (await loadReport(trx, before.id))!
        await recordAudit(trx, { action: 'inspection_task', entity: 'public_report', entityId: before.id, before, after, username })
        return after
      })
      reply.code(201)
      return report
    },
  )
}
