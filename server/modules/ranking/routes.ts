import type { FastifyInstance } from 'fastify'
import { errorResponses, typed } from '../../http/schemas'
import { invalid, notFound } from '../../errors'
import { MAX_RANKING_MAP } from '../../http/bounds'
import { parseWeights, PRIORITY_PART_LABELS } from '../../domain/ranking'
import { LEVEL_LABELS } from '../../domain/levels'
import { PRIORITY_PARTS } from '../../domain/rules'
import { readScope } from '../auth/access'
import { outsideJurisdiction } from '../auth/jurisdiction'
import { cellValue, tableStream } from '../transfer'
import { divisionExists, type RegionRank } from './repository'
import { rankAreasFor, rankingMap, type RankedArea, type RankingQuery } from './service'
import { exportParams, exportQuerySchema, rankingMapQuerySchema, rankingMapResponse, rankingQuerySchema, rankingResponse } from './schemas'

/** The parameters every ranking route reads (the export has no limit, the map no offset). */
interface RankingQuerystring {
  level: 'region' | 'cell'
  rank: RegionRank
  regionCode?: string
  weights?: string
}

/** The map link of a ranked area (the staff map's `sel=` hash parameter). */
function mapLink(area: RankedArea): string {
  return area.kind === 'cell' ? `/#sel=cell:${area.code}` : `/#sel=region:${area.code}`
}

/**
 * The priority ranking of areas for safety projects (docs/ranking.md): regions or cells scored by
 * risk, exposure, emergency coverage and enforcement backlog, each score broken into its parts.
 */
export default async function rankingRoutes(fastify: FastifyInstance): Promise<void> {
  const app = typed(fastify)
  /** The ranking a request asks for, in the reader's scope; throws 400/403/404 naming the parameter. */
  async function rankingQuery(request: { query: RankingQuerystring; user: Parameters<typeof readScope>[0] }): Promise<RankingQuery> {
    const q = request.query
    const scope = readScope(request.user)
    const weights = parseWeights(q.weights, app.grading.rules)
    if (q.level === 'cell' && q.rank !== 'county') throw invalid('rank', 'applies to level=region only')
    if (q.regionCode !== undefined) {
      if (!(await divisionExists(app.readDb, q.regionCode))) throw notFound('division', q.regionCode)
      const prefix = scope.divisionPrefix
      if (prefix !== null && !q.regionCode.startsWith(prefix) && !prefix.startsWith(q.regionCode))
        throw outsideJurisdiction('The division asked for', q.regionCode, prefix)
    }
    return { level: q.level, rank: q.rank, regionCode: q.regionCode, weights, scope, res: app.grading.res, rules: app.grading.rules }
  }

  /** The ranked areas of a request; throws 400/403/404 naming the parameter. */
  async function ranked(request: { query: RankingQuerystring; user: Parameters<typeof readScope>[0] }) {
    const query = await rankingQuery(request)
    const result = await rankAreasFor(app.readDb, query)
    return { ...result, weights: query.weights }
  }

  app.get(
    '/ranking',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['ranking'],
        summary: 'Areas ranked by priority for safety projects, each score broken into its parts (docs/ranking.md)',
        querystring: rankingQuerySchema,
        response: { 200: rankingResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const { areas, measure, weights } = await ranked(request)
      const rules = app.grading.rules
      return {
        level: q.level,
        rank: q.level === 'region' ? q.rank : null,
        regionCode: q.regionCode ?? null,
        ruleVersion: rules.version,
        weights,
        full: rules.ranking.full,
        coverage: { ...rules.ranking.coverage, measure: measure.id, measureDescription: measure.description },
        total: areas.length,
        items: areas.slice(q.offset, q.offset + q.limit),
      }
    },
  )

  app.get(
    '/ranking/map',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['ranking'],
        summary: "The first areas of the ranking as GeoJSON, in rank order, for the ranking page's map mode (docs/ranking.md)",
        description: `Regions with their outlines simplified to about 20 m, cells with their H3 boundaries; each feature's id is its position in the ranking (1 = first). Same parameters, scope and answers as GET /api/ranking; at most ${MAX_RANKING_MAP} areas.`,
        querystring: rankingMapQuerySchema,
        response: { 200: rankingMapResponse, ...errorResponses },
      },
    },
    async (request) => {
      const q = request.query
      const query = await rankingQuery(request)
      const { total, features } = await rankingMap(app.readDb, query, q.limit)
      return {
        type: 'FeatureCollection' as const,
        level: q.level,
        rank: q.level === 'region' ? q.rank : null,
        regionCode: q.regionCode ?? null,
        ruleVersion: app.grading.rules.version,
        weights: query.weights,
        total,
        numberMatched: total,
        numberReturned: features.length,
        features,
      }
    },
  )

  app.get(
    '/ranking/export.:format',
    {
      config: { access: 'staff' },
      schema: {
        tags: ['ranking'],
        summary: 'The whole ranking as CSV (UTF-8 with BOM) or XLSX: one row per area with its score, its parts and their inputs',
        params: exportParams,
        querystring: exportQuerySchema,
        response: {
          200: { description: 'The file, streamed as attachment', type: 'string', format: 'binary' },
          400: errorResponses[400],
          404: errorResponses[404],
          500: errorResponses[500],
          503: errorResponses[503],
        },
      },
    },
    async (request, reply) => {
      const zh = request.query.lang === 'zh'
      const { areas } = await ranked(request)
      const label = (part: (typeof PRIORITY_PARTS)[number]) => (zh ? PRIORITY_PART_LABELS[part].zh : part)
      const header = [
        zh ? '排名' : 'rank',
        zh ? '编码' : 'code',
        zh ? '名称' : 'name',
        zh ? '风险等级' : 'level',
        zh ? '最高网格等级' : 'highestLevel',
        zh ? '优先分值' : 'score',
        ...PRIORITY_PARTS.map((p) => (zh ? `${label(p)}得分` : `${p}Points`)),
        zh ? '风险分值' : 'riskScore',
        zh ? '暴露人口' : 'population',
        zh ? '覆盖缺口占比' : 'gapShare',
        zh ? '平均救援距离(米)' : 'responseM',
        zh ? '逾期整改' : 'overdue',
        zh ? '未整改隐患' : 'openHiddenDangers',
        zh ? '地图链接' : 'mapLink',
      ]
      const text = { key: 'text', zh: '', type: { t: 'text' } } as const
      const levelName = (level: number) => (zh ? LEVEL_LABELS[level as 0].zh : String(level))
      async function* rows(): AsyncGenerator<Array<string | number>> {
        for (const a of areas) {
          yield [
            a.rank,
            cellValue(text, a.code, request.query.lang),
            cellValue(text, a.name ?? '', request.query.lang),
            levelName(a.level),
            levelName(a.highestLevel),
            a.score,
            ...a.parts.map((p) => p.points),
            a.inputs.riskScore,
            a.inputs.population,
            a.inputs.gapShare,
            a.inputs.responseM ?? '',
            a.inputs.overdue,
            a.inputs.openHiddenDangers,
            mapLink(a),
          ]
        }
      }
      const out = tableStream('ranking', request.params.format, header, rows())
      const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '')
      reply
        .header('content-type', out.contentType)
        .header('content-disposition', `attachment; filename="ranking-${request.query.level}-${stamp}.${request.params.format}"`)
        .header('cache-control', 'no-store')
      // A stream is sent as it is, never serialised: the 200 schema's binary string only documents the file.
      return reply.send(out.stream as unknown as string)
    },
  )
}
