/**
 * The data-quality report (docs/domain.md §5): what each enterprise's register entry still lacks —
 * an industry the classification knows, scale, affiliation, a determined tier, a precise location,
 * a named responsible person — with counts per county and per gap, a paged list and the whole list
 * as CSV. Registers are imported as they are (server/modules/transfer/kind-enterprises.ts); this is
 * where what they left unknown shows, instead of being guessed.
 */
import type { FastifyInstance } from 'fastify'
import type { ScopedListQuery } from '../auth/jurisdiction'
import { errorResponses, typed } from '../../http/schemas'
import { DATA_GAP_KINDS, type DataGapKind } from '../../domain/supervision'
import type { Db } from '../../db/db'
import { countyNames, qualityRows, type QualityRow } from './repository'
import { dataQualityCsvQuerySchema, dataQualityQuerySchema, dataQualityReportSchema, type DataGap, type DataQualityItem, type QualityReport } from './schemas'

type GapCounts = Record<DataGapKind, number>

const zeroCounts = (): GapCounts => ({ industry: 0, scale: 0, affiliation: 0, tier: 0, location: 0, responsible_person: 0 })

/** What one enterprise's entry lacks (pure). */
export function dataGaps(r: QualityRow): DataGap[] {
  const gaps: DataGap[] = []
  if (r.industry === null) {
    gaps.push({
      kind: 'industry',
      message: r.industry_source ? `industry "${r.industry_source}" is neither a GB/T 4754 code or name nor a service industry` : 'industry not given',
    })
  }
  if (r.scale === null) gaps.push({ kind: 'scale', message: 'scale (规模) not given' })
  if (r.affiliation === null) gaps.push({ kind: 'affiliation', message: 'affiliation (隶属关系) not given' })
  if (r.tier === null && !r.central_vertical) gaps.push({ kind: 'tier', message: r.tier_reason ?? 'no supervision tier' })
  if (r.located_by === 'division')
    gaps.push({ kind: 'location', message: `located approximately, at division ${r.division_code} named in its address: give 经度/纬度` })
  if (r.responsible_person === null || r.responsible_person.trim() === '') gaps.push({ kind: 'responsible_person', message: 'no named responsible person' })
  return gaps
}

/** Every enterprise under a division prefix with what its entry lacks, and the counts per county. */
export async function dataQualityReport(db: Db, division: string | undefined, gridId?: number) {
  const rows = await qualityRows(db, division, gridId)
  const counties = await countyNames(db)
  const byDivision = new Map<string, QualityReport['byDivision'][number]>()
  const byGap = zeroCounts()
  const items: DataQualityItem[] = []
  for (const r of rows) {
    const countyCode = r.division_code.slice(0, 6)
    let county = byDivision.get(countyCode)
    if (!county)
      byDivision.set(countyCode, (county = { code: countyCode, name: counties.get(countyCode) ?? null, enterprises: 0, withGaps: 0, gaps: zeroCounts() }))
    county.enterprises += 1
    const gaps = dataGaps(r)
    if (gaps.length === 0) continue
    county.withGaps += 1
    for (const g of gaps) {
      county.gaps[g.kind] += 1
      byGap[g.kind] += 1
    }
    items.push({
      id: Number(r.id),
      name: r.name,
      uscc: r.uscc?.trim() ?? null,
      externalId: r.external_id,
      divisionCode: r.division_code,
      countyCode,
      industrySource: r.industry_source,
      gaps,
    })
  }
  return { enterprises: rows.length, withGaps: items.length, byGap, byDivision: [...byDivision.values()].sort((a, b) => a.code.localeCompare(b.code)), items }
}

const GAP_ZH: Record<DataGapKind, string> = {
  industry: '行业',
  scale: '规模',
  affiliation: '隶属关系',
  tier: '监管层级',
  location: '精确位置',
  responsible_person: '责任人',
}

/** The list as CSV (UTF-8 with BOM, so spreadsheets read the Chinese), one row per enterprise. */
export function dataQualityCsv(items: readonly DataQualityItem[]): string {
  const quote = (v: string) => (/[",\r\n]/.test(v) || /^[=+\-@]/.test(v) ? `"${(/^[=+\-@]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"` : v)
  const lines = [
    ['编号', '企业名称', '统一社会信用代码', '企业编号', '行政区划代码', '行业(原文)', ...DATA_GAP_KINDS.map((k) => `缺${GAP_ZH[k]}`), '说明'].join(','),
  ]
  for (const i of items) {
    const has = new Set(i.gaps.map((g) => g.kind))
    lines.push(
      [
        String(i.id),
        i.name,
        i.uscc ?? '',
        i.externalId ?? '',
        i.divisionCode,
        i.industrySource ?? '',
        ...DATA_GAP_KINDS.map((k) => (has.has(k) ? '是' : '')),
        i.gaps.map((g) => g.message).join('; '),
      ]
        .map(quote)
        .join(','),
    )
  }
  return `\ufeff${lines.join('\r\n')}\r\n`
}

/** `GET /supervision/data-quality` and its CSV download (mounted under /api). */
export async function dataQualityRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  const tags = ['supervision']
  app.get(
    '/supervision/data-quality',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags,
        summary:
          'Data quality of the enterprise register: per enterprise, the industry, scale, affiliation, tier, precise location or responsible person it lacks',
        description: 'Counts per county (6-digit division) and per gap; items paginated, ordered by id. The whole list: /api/supervision/data-quality.csv.',
        querystring: dataQualityQuerySchema,
        response: { 200: dataQualityReportSchema, ...errorResponses },
      },
    },
    async (request) => {
      // scopeGridId: a grid worker's grid, set by the auth scope (auth/jurisdiction ScopedListQuery).
      const query: typeof request.query & ScopedListQuery = request.query
      const { division, gap, limit, offset } = query
      const report = await dataQualityReport(app.db, division, query.scopeGridId)
      const matching = gap ? report.items.filter((i) => i.gaps.some((g) => g.kind === gap)) : report.items
      return { ...report, division: division ?? null, total: matching.length, limit, offset, items: matching.slice(offset, offset + limit) }
    },
  )

  app.get(
    '/supervision/data-quality.csv',
    {
      config: { access: 'staff', scope: { list: true } },
      schema: {
        tags,
        summary: 'The data-quality list as CSV (UTF-8 with BOM): one row per enterprise with a gap, a 是 in each gap column',
        querystring: dataQualityCsvQuerySchema,
        response: { 200: { type: 'string' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      const query: typeof request.query & ScopedListQuery = request.query
      const { division, gap } = query
      const report = await dataQualityReport(app.db, division, query.scopeGridId)
      const matching = gap ? report.items.filter((i) => i.gaps.some((g) => g.kind === gap)) : report.items
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="data-quality${division ? `-${division}` : ''}.csv"`)
      return dataQualityCsv(matching)
    },
  )
}
