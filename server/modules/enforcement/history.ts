/**
 * Overdue rectifications as a first-class list (docs/domain.md §7; the map layer is /tiles/overdue) and the
 * enforcement history behind an enterprise, for the map's panels.
 */
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../errors'
import { errorResponses, levelResponseSchema, sentObject, type SchemaType } from '../../http/schemas'
import { hiddenDangerRecordSchema, hiddenDangers } from '../sources'
import { CREDIT_STATUSES } from '../../domain/enforcement'
import { creditEventProperties, creditEventsOf } from './credit'
import { inspectionProperties, inspectionsOf } from './inspections'
import { penaltiesOf, penaltyProperties } from './penalties'
import { staffAccess } from './shared'
import { violationProperties, violationsOf } from './violations'
import { MAX_ID, offsetParam } from '../../http/bounds'
import { idParams } from '../../http/params'
import { databaseToday } from '../../db/db'

type OverdueKind = 'hidden_danger' | 'violation'

interface OverdueQuery {
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
  kind?: OverdueKind
  enterpriseId?: number
  limit: number
  offset: number
}

const overdueItemProperties = {
  kind: { type: 'string', enum: ['hidden_danger', 'violation'] },
  id: { type: 'integer' },
  enterpriseId: { type: 'integer' },
  enterpriseName: { type: 'string' },
  divisionCode: { type: 'string' },
  description: { type: 'string' },
  isMajor: { type: 'boolean', description: 'a major hidden danger (keeps its enterprise red); false for a violation' },
  inspectionId: { type: ['integer', 'null'] },
  foundAt: { type: 'string' },
  deadline: { type: 'string' },
  daysOverdue: { type: 'integer', description: 'whole days past the deadline' },
  reportedBy: { type: 'string' },
  lon: { type: 'number', description: 'WGS 84; a violation is shown at its enterprise' },
  lat: { type: 'number' },
} as const

/**
 * Both kinds of open-past-deadline findings as one relation; binds the division prefix pattern and
 * a grid worker's grid (twice), twice (kind and enterprise filters are added by the caller on the outer query).
 */
const OVERDUE_SQL = `
  SELECT 'hidden_danger' AS kind, h.id, h.enterprise_id, e.name AS enterprise_name, e.division_code, h.description, h.is_major,
         h.inspection_id, to_char(h.found_at, 'YYYY-MM-DD') AS found_at, to_char(h.deadline, 'YYYY-MM-DD') AS deadline,
         (current_date - h.deadline) AS days_overdue, h.reported_by, ST_X(h.geom) AS lon, ST_Y(h.geom) AS lat
    FROM hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id
   WHERE h.status = 'open' AND h.deadline < current_date AND e.division_code LIKE ? AND (?::int IS NULL OR e.mgmt_grid_id = ?::int)
  UNION ALL
  SELECT 'violation', v.id, v.enterprise_id, e.name, e.division_code, v.description, false,
         v.inspection_id, to_char(v.found_at, 'YYYY-MM-DD'), to_char(v.deadline, 'YYYY-MM-DD'),
         (current_date - v.deadline), v.reported_by, ST_X(e.geom), ST_Y(e.geom)
    FROM violation v JOIN enterprise e ON e.id = v.enterprise_id
   WHERE v.status = 'open' AND v.deadline < current_date AND e.division_code LIKE ? AND (?::int IS NULL OR e.mgmt_grid_id = ?::int)`

// Every object of the enforcement history is built with all its keys (the route below and the
// modules' toRecord functions), so each names all its properties required.
const inspectionSchema = sentObject(inspectionProperties)

/** `GET /api/enterprises/:id/enforcement`. */
export const enforcementHistoryResponse = sentObject({
  enterpriseId: { type: 'integer' },
  name: { type: 'string' },
  level: levelResponseSchema,
  creditStatus: { type: 'string', enum: CREDIT_STATUSES },
  today: { type: 'string' },
  overdue: sentObject({ hiddenDangers: { type: 'integer' }, violations: { type: 'integer' }, oldestDeadline: { type: ['string', 'null'] } }),
  open: { ...sentObject({ hiddenDangers: { type: 'integer' }, violations: { type: 'integer' } }), description: 'not yet verified' },
  lastInspection: { anyOf: [{ type: 'null' }, inspectionSchema] },
  nextPlannedInspection: { anyOf: [{ type: 'null' }, inspectionSchema] },
  inspections: { type: 'array', items: inspectionSchema },
  violations: { type: 'array', items: sentObject(violationProperties) },
  hiddenDangers: { type: 'array', items: hiddenDangerRecordSchema },
  penalties: { type: 'array', items: sentObject(penaltyProperties) },
  creditEvents: { type: 'array', items: sentObject(creditEventProperties) },
})

export type EnforcementHistory = SchemaType<typeof enforcementHistoryResponse>

/** Overdue list and enterprise enforcement history (mounted under /api). */
export async function historyRoutes(app: FastifyInstance): Promise<void> {
  const tags = ['enforcement']

  app.get<{ Querystring: OverdueQuery }>(
    '/enforcement/overdue',
    {
      config: { ...staffAccess, scope: { list: true } },
      schema: {
        tags,
        summary: 'Overdue rectifications: hidden dangers and violations still open after their deadline, most overdue first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprise' },
            kind: { type: 'string', enum: ['hidden_danger', 'violation'] },
            enterpriseId: { type: 'integer', minimum: 1, maximum: MAX_ID },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
            offset: offsetParam,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              today: { type: 'string', description: 'the date overdue is judged at (the database\'s current date)' },
              total: { type: 'integer' },
              counts: { type: 'object', properties: { hidden_danger: { type: 'integer' }, violation: { type: 'integer' } }, description: 'by kind, before the kind filter' },
              enterprises: { type: 'integer', description: 'enterprises with an overdue item (after filters)' },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
              items: { type: 'array', items: { type: 'object', properties: overdueItemProperties } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { division, scopeGridId, kind, enterpriseId, limit, offset } = request.query
      const pattern = `${division ?? ''}%`
      const grid = scopeGridId ?? null
      const db = app.db
      const base = () => {
        const q = db.from(db.raw(`(${OVERDUE_SQL}) AS o`, [pattern, grid, grid, pattern, grid, grid]))
        if (enterpriseId !== undefined) q.where('o.enterprise_id', enterpriseId)
        return q
      }
      const byKind = (await base().select('o.kind').count<Array<{ kind: OverdueKind; n: string }>>('* as n').groupBy('o.kind')) as Array<{ kind: OverdueKind; n: string }>
      const counts = { hidden_danger: 0, violation: 0 }
      for (const r of byKind) counts[r.kind] = Number(r.n)
      const filtered = () => (kind ? base().where('o.kind', kind) : base())
      const [{ n: enterprises }] = (await filtered().countDistinct<Array<{ n: string }>>('o.enterprise_id as n')) as Array<{ n: string }>
      const rows = (await filtered().select('o.*').orderBy([{ column: 'o.days_overdue', order: 'desc' }, { column: 'o.kind' }, { column: 'o.id' }]).limit(limit).offset(offset)) as Array<Record<string, unknown>>
      return {
        today: await databaseToday(db),
        total: kind ? counts[kind] : counts.hidden_danger + counts.violation,
        counts,
        enterprises: Number(enterprises),
        limit,
        offset,
        items: rows.map((r) => ({
          kind: r.kind as OverdueKind,
          id: Number(r.id),
          enterpriseId: Number(r.enterprise_id),
          enterpriseName: r.enterprise_name as string,
          divisionCode: r.division_code as string,
          description: r.description as string,
          isMajor: r.is_major as boolean,
          inspectionId: r.inspection_id === null ? null : Number(r.inspection_id),
          foundAt: r.found_at as string,
          deadline: r.deadline as string,
          daysOverdue: Number(r.days_overdue),
          reportedBy: r.reported_by as string,
          lon: Number(r.lon),
          lat: Number(r.lat),
        })),
      }
    },
  )

  app.get<{ Params: { id: number }; Querystring: { limit: number } }>(
    '/enterprises/:id/enforcement',
    {
      config: { ...staffAccess, scope: { enterprise: 'params.id' } },
      schema: {
        tags,
        summary: "An enterprise's enforcement history: inspections, violations, hidden dangers, penalties, credit events and what is overdue",
        params: idParams,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50, description: 'latest items per list' } } },
        response: {
          200: enforcementHistoryResponse,
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { id } = request.params
      const { limit } = request.query
      const db = app.db
      const enterprise = await db('enterprise').where({ id }).first('id', 'name', 'level', 'credit_status')
      if (!enterprise) throw notFound('enterprise', id)
      const today = await databaseToday(db)
      const overdueWhere = "enterprise_id = ? AND status = 'open' AND deadline < current_date"
      const { rows: [tally] } = await db.raw<{ rows: Array<Record<string, unknown>> }>(
        `SELECT (SELECT count(*)::int FROM hidden_danger WHERE ${overdueWhere}) AS overdue_hd,
                (SELECT count(*)::int FROM violation WHERE ${overdueWhere}) AS overdue_v,
                (SELECT to_char(min(d), 'YYYY-MM-DD') FROM (SELECT deadline AS d FROM hidden_danger WHERE ${overdueWhere}
                   UNION ALL SELECT deadline FROM violation WHERE ${overdueWhere}) x) AS oldest,
                (SELECT count(*)::int FROM hidden_danger WHERE enterprise_id = ? AND status <> 'verified') AS open_hd,
                (SELECT count(*)::int FROM violation WHERE enterprise_id = ? AND status <> 'verified') AS open_v`,
        [id, id, id, id, id, id],
      )
      const inspections = await inspectionsOf(db, id, limit)
      // The hidden-dangers list is ordered by id: its last page holds the latest.
      const { total: dangerCount } = await hiddenDangers.list(db, { enterpriseId: id, limit: 1, offset: 0 })
      const { items: dangers } = await hiddenDangers.list(db, { enterpriseId: id, limit, offset: Math.max(0, dangerCount - limit) })
      return {
        enterpriseId: Number(enterprise.id),
        name: enterprise.name,
        level: enterprise.level,
        creditStatus: enterprise.credit_status,
        today,
        overdue: { hiddenDangers: tally!.overdue_hd, violations: tally!.overdue_v, oldestDeadline: tally!.oldest ?? null },
        open: { hiddenDangers: tally!.open_hd, violations: tally!.open_v },
        lastInspection: inspections.find((i) => i.status === 'recorded') ?? null,
        nextPlannedInspection: [...inspections].reverse().find((i) => i.status === 'planned' && (i.plannedFor ?? '') >= today) ?? null,
        inspections,
        violations: await violationsOf(db, id, limit),
        hiddenDangers: dangers.sort((a, b) => (a.foundAt < b.foundAt ? 1 : a.foundAt > b.foundAt ? -1 : b.id - a.id)),
        penalties: await penaltiesOf(db, id, limit),
        creditEvents: await creditEventsOf(db, id, today),
      }
    },
  )
}
