import type { FastifyInstance } from 'fastify'
import { getHexagonAreaAvg } from 'h3-js'
import { errorResponses, levelResponseSchema, sentObject, typed, type SchemaType } from '../../http/schemas'
import { handlingStats, levelTimeline, sourceMatrix } from '../../domain/charts'
import { jurisdiction, readScope } from '../auth/access'
import { departments, districtLevels, levelDeltas, overdueByDepartment, reportTimesByDepartment, sourceCounts } from './repository'

/** Counts per risk level 1..4, keyed by the level as text (every key is set, 0 when none). */
const levelCounts = sentObject({ '1': { type: 'integer' }, '2': { type: 'integer' }, '3': { type: 'integer' }, '4': { type: 'integer' } })

/** `GET /api/charts/levels-by-district`: districtLevels sets every property. */
export const districtsResponse = sentObject({
  ruleVersion: { type: 'string' },
  items: {
    type: 'array',
    items: sentObject({
      code: { type: 'string' },
      name: { type: 'string' },
      nameEn: { type: ['string', 'null'] },
      level: { ...levelResponseSchema, description: 'grade from the area shares (docs/region-grading.md)' },
      highestLevel: levelResponseSchema,
      shares: { type: 'object', additionalProperties: { type: 'number' }, description: 'share of the area at each level 0..4' },
    }),
  },
})

export type DistrictsAnswer = SchemaType<typeof districtsResponse>

/** `GET /api/charts/level-history`. */
export const historyResponse = sentObject({
  resolution: { type: 'integer', description: 'the analysis H3 resolution' },
  cellAreaKm2: { type: 'number', description: 'the mean area of one analysis cell, km²' },
  days: { type: 'array', items: sentObject({ day: { type: 'string' }, cells: levelCounts }) },
})

export type HistoryAnswer = SchemaType<typeof historyResponse>

/** `GET /api/charts/sources`: sourceMatrix sets every kind. */
export const sourcesResponse = sentObject({
  kinds: sentObject({ major_hazard: levelCounts, safety_risk: levelCounts, hidden_danger: levelCounts, area_assessment: levelCounts }),
})

export type SourcesAnswer = SchemaType<typeof sourcesResponse>

/** `GET /api/charts/departments`: the handler sets every property. */
export const departmentsResponse = sentObject({
  items: {
    type: 'array',
    items: sentObject({
      departmentId: { type: ['integer', 'null'] },
      name: { type: ['string', 'null'] },
      divisionCode: { type: ['string', 'null'] },
      divisionName: { type: ['string', 'null'] },
      overdueHiddenDangers: { type: 'integer' },
      overdueViolations: { type: 'integer' },
      reportsClosed: { type: 'integer', description: 'reports closed or rejected' },
      medianHandlingDays: { type: ['number', 'null'], description: 'median days from filing to closing, one decimal' },
      meanHandlingDays: { type: ['number', 'null'] },
      reportsOpenOverdue: { type: 'integer', description: 'open reports past their deadline' },
    }),
  },
})

export type DepartmentsAnswer = SchemaType<typeof departmentsResponse>

const tags = ['charts']

/**
 * The aggregates of the staff charts page (web/charts.html): one thin route per chart, the
 * arithmetic in domain/charts.ts, the reader's scope applied to everything enterprise-linked.
 */
export default async function chartRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/charts/levels-by-district',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Every county-level district: its grade, its highest cell level and the share of its area at each level',
        response: { 200: districtsResponse, ...errorResponses },
      },
    },
    async () => ({ ruleVersion: app.grading.rules.version, items: await districtLevels(app.readDb) }),
  )

  app.get(
    '/charts/level-history',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Analysis cells at each level (1..4) at the end of every UTC day on which a level changed, from the kept level history',
        response: { 200: historyResponse, ...errorResponses },
      },
    },
    async () => {
      const res = app.grading.res
      return { resolution: res, cellAreaKm2: getHexagonAreaAvg(res, 'km2'), days: levelTimeline(await levelDeltas(app.readDb, res)) }
    },
  )

  app.get(
    '/charts/sources',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary:
          'Grading sources in your scope per kind and level: major hazard installations, safety risks, unverified major hidden dangers, public-area assessments',
        response: { 200: sourcesResponse, ...errorResponses },
      },
    },
    async (request) => ({ kinds: sourceMatrix(await sourceCounts(app.readDb, readScope(request.user))) }),
  )

  app.get(
    '/charts/departments',
    {
      config: { access: 'staff' },
      schema: {
        tags,
        summary: 'Per department: overdue rectifications of the enterprises it supervises, and how long its reports took to close',
        description:
          'Overdue items count under the industry department of their enterprise; reports under the department they were routed to. departmentId null: none assigned.',
        response: { 200: departmentsResponse, ...errorResponses },
      },
    },
    async (request) => {
      const user = request.user
      const [overdue, reports] = await Promise.all([
        overdueByDepartment(app.readDb, readScope(user)),
        reportTimesByDepartment(app.readDb, { divisionPrefix: jurisdiction(user), filedBy: user?.role === 'grid_worker' ? user.id : null }),
      ])
      const key = (id: number | null) => (id === null ? 'none' : String(id))
      const rows = new Map<
        string,
        { departmentId: number | null; overdueHiddenDangers: number; overdueViolations: number; days: number[]; reportsOpenOverdue: number }
      >()
      const row = (id: number | null) => {
        let r = rows.get(key(id))
        if (!r) rows.set(key(id), (r = { departmentId: id, overdueHiddenDangers: 0, overdueViolations: 0, days: [], reportsOpenOverdue: 0 }))
        return r
      }
      for (const o of overdue) Object.assign(row(o.departmentId), { overdueHiddenDangers: o.hiddenDangers, overdueViolations: o.violations })
      for (const r of reports) Object.assign(row(r.departmentId), { days: r.days, reportsOpenOverdue: r.openOverdue })
      const refs = await departments(
        app.readDb,
        [...rows.values()].flatMap((r) => (r.departmentId === null ? [] : [r.departmentId])),
      )
      const items = [...rows.values()].map((r) => {
        const ref = r.departmentId === null ? undefined : refs.get(r.departmentId)
        const stats = handlingStats(r.days)
        return {
          departmentId: r.departmentId,
          name: ref?.name ?? null,
          divisionCode: ref?.divisionCode ?? null,
          divisionName: ref?.divisionName ?? null,
          overdueHiddenDangers: r.overdueHiddenDangers,
          overdueViolations: r.overdueViolations,
          reportsClosed: stats.closed,
          medianHandlingDays: stats.medianDays,
          meanHandlingDays: stats.meanDays,
          reportsOpenOverdue: r.reportsOpenOverdue,
        }
      })
      // Most overdue first (rectifications, then reports), then by division and name.
      items.sort(
        (a, b) =>
          b.overdueHiddenDangers + b.overdueViolations - (a.overdueHiddenDangers + a.overdueViolations) ||
          b.reportsOpenOverdue - a.reportsOpenOverdue ||
          (a.divisionCode ?? '~').localeCompare(b.divisionCode ?? '~') ||
          (a.name ?? '').localeCompare(b.name ?? ''),
      )
      return { items }
    },
  )
}
