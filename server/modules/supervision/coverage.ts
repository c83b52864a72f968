/**
 * The "全覆盖" coverage report (docs/domain.md Policy 二(二)(三), docs/domain.md §5): every enterprise, outside central vertical
 * supervision, that lacks an industry department, a specialist department its industry needs, a named
 * responsible person or a tier — with its gaps named, and counts per county.
 */
import type { FastifyInstance } from 'fastify'
import { errorResponses, typed } from '../../http/schemas'
import { coverageGaps, type CoverageGapKind } from '../../domain/supervision'
import type { ScopedListQuery } from '../auth/jurisdiction'
import type { Db } from '../../db/db'
import { countyNames, coverageRows } from './repository'
import { coverageQuerySchema, coverageReportSchema, type CoverageItem, type CoverageReport } from './schemas'

type GapCounts = Record<CoverageGapKind, number>

const zeroCounts = (): GapCounts => ({ industry_department: 0, specialist_department: 0, responsible_person: 0, tier: 0 })

/** Every enterprise under a division prefix (and in a grid worker's grid) with its coverage gaps, and the counts per county. */
export async function coverageReport(db: Db, division: string | undefined, gridId?: number) {
  const rows = await coverageRows(db, division, gridId)
  const counties = await countyNames(db)
  const byDivision = new Map<string, CoverageReport['byDivision'][number]>()
  const byGap = zeroCounts()
  const items: CoverageItem[] = []
  let enterprises = 0
  let excluded = 0
  for (const r of rows) {
    if (r.central_vertical) {
      excluded += 1
      continue
    }
    enterprises += 1
    const divisionCode = r.division_code
    const countyCode = divisionCode.slice(0, 6)
    let county = byDivision.get(countyCode)
    if (!county)
      byDivision.set(countyCode, (county = { code: countyCode, name: counties.get(countyCode) ?? null, enterprises: 0, withGaps: 0, gaps: zeroCounts() }))
    county.enterprises += 1
    const gaps = coverageGaps({
      industry: r.industry,
      centralVertical: false,
      industryDepartmentId: r.industry_department_id === null ? null : Number(r.industry_department_id),
      specialistDepartments: r.specialists,
      responsiblePerson: r.responsible_person,
      tier: r.tier,
      tierReason: r.tier_reason,
    })
    if (gaps.length === 0) continue
    county.withGaps += 1
    // An enterprise counts once per kind of gap, however many specialist fields it lacks.
    for (const kind of new Set(gaps.map((g) => g.kind))) {
      county.gaps[kind] += 1
      byGap[kind] += 1
    }
    items.push({
      id: Number(r.id),
      name: r.name,
      uscc: r.uscc,
      externalId: r.external_id,
      divisionCode,
      countyCode,
      industry: r.industry,
      tier: r.tier,
      gaps,
    })
  }
  return {
    enterprises,
    excluded,
    withGaps: items.length,
    byGap,
    byDivision: [...byDivision.values()].sort((a, b) => a.code.localeCompare(b.code)),
    items,
  }
}

/** `GET /supervision/coverage` (mounted under /api). */
export async function coverageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  app.get(
    '/supervision/coverage',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags: ['supervision'],
        summary: 'Coverage (全覆盖) gaps: enterprises lacking an industry department, a needed specialist department, a responsible person or a tier',
        description:
          'Enterprises under central vertical supervision are excluded (counted in `excluded`). Counts per county (6-digit division); items paginated, ordered by id.',
        querystring: coverageQuerySchema,
        response: { 200: coverageReportSchema, ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const query: typeof request.query & ScopedListQuery = request.query
      const { division, scopeGridId, gap, limit, offset } = query
      const report = await coverageReport(app.db, division, scopeGridId)
      const matching = gap ? report.items.filter((i) => i.gaps.some((g) => g.kind === gap)) : report.items
      return { ...report, division: division ?? null, total: matching.length, limit, offset, items: matching.slice(offset, offset + limit) }
    },
  )
}
