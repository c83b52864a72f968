/**
 * The "全覆盖" coverage report (docs/domain.md Policy 二(二)(三), docs/domain.md §5): every enterprise, outside central vertical
 * supervision, that lacks an industry department, a specialist department its industry needs, a named
 * responsible person or a tier — with its gaps named, and counts per county.
 */
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { errorResponses } from '../../http/schemas'
import { coverageGaps, type CoverageGap, type CoverageGapKind } from '../../domain/supervision'
import type { SupervisionTier } from '../../domain/tier'
import { gapSchema } from './tiers'
import { offsetParam } from '../../http/bounds'

const GAP_KINDS: readonly CoverageGapKind[] = ['industry_department', 'specialist_department', 'responsible_person', 'tier']

type GapCounts = Record<CoverageGapKind, number>

const gapCountsSchema = { type: 'object', properties: Object.fromEntries(GAP_KINDS.map((k) => [k, { type: 'integer' }])) } as const

interface CoverageQuery {
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
  gap?: CoverageGapKind
  limit: number
  offset: number
}

export interface CoverageItem {
  id: number
  name: string
  uscc: string | null
  externalId: string | null
  divisionCode: string
  countyCode: string
  industry: string | null
  tier: SupervisionTier | null
  gaps: CoverageGap[]
}

const zeroCounts = (): GapCounts => ({ industry_department: 0, specialist_department: 0, responsible_person: 0, tier: 0 })

/** Every enterprise under a division prefix (and in a grid worker's grid) with its coverage gaps, and the counts per county. */
export async function coverageReport(db: Knex, division: string | undefined, gridId?: number) {
  const rows = (await db('enterprise as e')
    .modify((q) => {
      if (division) q.whereLike('e.division_code', `${division}%`)
      if (gridId !== undefined) q.where('e.mgmt_grid_id', gridId)
    })
    .orderBy('e.id')
    .select(
      'e.id', 'e.name', 'e.uscc', 'e.external_id', 'e.division_code', 'e.industry', 'e.central_vertical', 'e.industry_department_id', 'e.responsible_person', 'e.tier', 'e.tier_reason',
      db.raw(`coalesce((SELECT json_agg(json_build_object('specialty', d.specialty)) FROM enterprise_specialist_department s
                JOIN department d ON d.id = s.department_id WHERE s.enterprise_id = e.id), '[]'::json) AS specialists`),
    )) as Array<Record<string, unknown>>
  const counties = new Map<string, string>(
    ((await db('division').where({ rank: 'county' }).select('code', 'name')) as Array<{ code: string; name: string }>).map((d) => [d.code, d.name]),
  )
  const byDivision = new Map<string, { code: string; name: string | null; enterprises: number; withGaps: number; gaps: GapCounts }>()
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
    const divisionCode = r.division_code as string
    const countyCode = divisionCode.slice(0, 6)
    let county = byDivision.get(countyCode)
    if (!county) byDivision.set(countyCode, (county = { code: countyCode, name: counties.get(countyCode) ?? null, enterprises: 0, withGaps: 0, gaps: zeroCounts() }))
    county.enterprises += 1
    const gaps = coverageGaps({
      industry: r.industry as string | null,
      centralVertical: false,
      industryDepartmentId: r.industry_department_id === null ? null : Number(r.industry_department_id),
      specialistDepartments: r.specialists as Array<{ specialty: string | null }>,
      responsiblePerson: r.responsible_person as string | null,
      tier: r.tier as SupervisionTier | null,
      tierReason: r.tier_reason as string | null,
    })
    if (gaps.length === 0) continue
    county.withGaps += 1
    // An enterprise counts once per kind of gap, however many specialist fields it lacks.
    for (const kind of new Set(gaps.map((g) => g.kind))) {
      county.gaps[kind] += 1
      byGap[kind] += 1
    }
    items.push({
      id: Number(r.id), name: r.name as string, uscc: r.uscc as string | null, externalId: r.external_id as string | null, divisionCode, countyCode, industry: r.industry as string | null,
      tier: r.tier as SupervisionTier | null, gaps,
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
export async function coverageRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: CoverageQuery }>(
    '/supervision/coverage',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags: ['supervision'],
        summary: 'Coverage (全覆盖) gaps: enterprises lacking an industry department, a needed specialist department, a responsible person or a tier',
        description: 'Enterprises under central vertical supervision are excluded (counted in `excluded`). Counts per county (6-digit division); items paginated, ordered by id.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            division: { type: 'string', pattern: '^[0-9]{2,9}$', description: 'division code prefix of the enterprises' },
            gap: { type: 'string', enum: GAP_KINDS, description: 'only items with this kind of gap' },
            limit: { type: 'integer', minimum: 1, maximum: 5000, default: 500 },
            offset: offsetParam,
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              division: { type: ['string', 'null'] },
              enterprises: { type: 'integer', description: 'enterprises checked (not centrally supervised)' },
              excluded: { type: 'integer', description: 'enterprises under central vertical supervision' },
              withGaps: { type: 'integer' },
              byGap: { ...gapCountsSchema, description: 'enterprises with each kind of gap' },
              byDivision: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { code: { type: 'string' }, name: { type: ['string', 'null'] }, enterprises: { type: 'integer' }, withGaps: { type: 'integer' }, gaps: gapCountsSchema },
                },
              },
              total: { type: 'integer', description: 'items matching the gap filter' },
              limit: { type: 'integer' },
              offset: { type: 'integer' },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    id: { type: 'integer' }, name: { type: 'string' }, uscc: { type: ['string', 'null'] }, externalId: { type: ['string', 'null'] }, divisionCode: { type: 'string' }, countyCode: { type: 'string' },
                    industry: { type: ['string', 'null'] }, tier: { type: ['string', 'null'] }, gaps: { type: 'array', items: gapSchema },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { division, scopeGridId, gap, limit, offset } = request.query
      const report = await coverageReport(app.db, division, scopeGridId)
      const matching = gap ? report.items.filter((i) => i.gaps.some((g) => g.kind === gap)) : report.items
      return { ...report, division: division ?? null, total: matching.length, limit, offset, items: matching.slice(offset, offset + limit) }
    },
  )
}
