import type { FeatureCollection, Polygon } from 'geojson'
import type { Level, ScenarioRanking, ScenarioResult } from '../api/contract'
import { MESSAGES, type Lang } from '../i18n'
import { el } from '../ui/dom'
import { formatInstant } from '../ui/format'

// What a scenario would change, as the page shows it: the summary, the districts that change level,
// the coverage change and the county ranking's moves. One rendering for a saved scenario's stored
// result and for the builder's preview (`POST /api/scenarios/preview`), which have the same shape.

export interface DiffCell {
  h3: string
  before: Level
  after: Level
  change: 'raised' | 'lowered' | 'stale'
}

/** A result as the API gives it (scenarios/routes.ts resultBody): cells as GeoJSON polygons. */
export type Result = Omit<ScenarioResult, 'cells' | 'ranking'> & {
  cells: FeatureCollection<Polygon, DiffCell>
  /** Null in results saved before the ranking was computed. */
  ranking?: ScenarioRanking | null
}

export const RESULT_TEXT = {
  'zh-CN': {
    summary: (s: Record<string, number>) =>
      `${s.cellsChanged} 个网格等级变化（升高 ${s.cellsRaised}，降低 ${s.cellsLowered}）；${s.regionsChanged} 个区域等级变化`,
    region: (n: string, a: string, b: string) => `${n}：${a} → ${b}`,
    shares: (n: string) => `${n}：等级不变，面积占比变化`,
    coverage: (k: string, m: number, b: number, a: number) => `${k === 'depot' ? '物资储备库' : '救援队伍'}覆盖（${m} 米内）：缺口 ${b} → ${a}`,
    raised: '升高',
    lowered: '降低',
    computed: '计算时间',
    regions: '行政区划变化',
    grids: '管理网格变化',
    cells: '网格变化',
    ranking: '区县安全项目优先排名变化',
    rankingNone: (n: number) => `${n} 个区县的排名与得分不变。`,
    move: (n: string, rb: number, ra: number, sb: number, sa: number) => `${n}：第 ${rb} → 第 ${ra} 位（${sb} → ${sa} 分）`,
  },
  en: {
    summary: (s: Record<string, number>) =>
      `${s.cellsChanged} cells change level (${s.cellsRaised} up, ${s.cellsLowered} down); ${s.regionsChanged} regions change level`,
    region: (n: string, a: string, b: string) => `${n}: ${a} → ${b}`,
    shares: (n: string) => `${n}: same level, shares move`,
    coverage: (k: string, m: number, b: number, a: number) => `${k === 'depot' ? 'Depot' : 'Rescue team'} coverage (within ${m} m): gaps ${b} → ${a}`,
    raised: 'raised',
    lowered: 'lowered',
    computed: 'Computed',
    regions: 'Divisions',
    grids: 'Management grids',
    cells: 'Cells',
    ranking: 'County priority ranking for safety projects',
    rankingNone: (n: number) => `The rank and score of all ${n} counties stay.`,
    move: (n: string, rb: number, ra: number, sb: number, sa: number) => `${n}: #${rb} → #${ra} (${sb} → ${sa} points)`,
  },
} as const

/**
 * The parts of a result under its heading: summary, when it was computed (then `notes`, such as
 * "outdated"), the districts, coverage and ranking moves.
 */
export function resultParts(r: Result, lang: Lang, notes: HTMLElement[] = []): HTMLElement[] {
  const t = RESULT_TEXT[lang]
  const levelName = (level: Level) => MESSAGES[lang].levelNames[level]
  const parts: HTMLElement[] = [
    el('p', 'scenario-summary', t.summary(r.summary)),
    el('p', 'publications-meta', `${t.computed}: ${formatInstant(r.computedAt)}`),
    ...notes,
  ]
  // Divisions, then management grids: the summary's count of regions covers both.
  for (const [kind, heading] of [
    ['division', t.regions],
    ['mgmt_grid', t.grids],
  ] as const) {
    const changed = r.regions.filter((x) => x.kind === kind)
    if (changed.length === 0) continue
    const list = el('ul', `panel-list scenario-regions scenario-regions-${kind}`)
    for (const g of changed) {
      const text = g.change === 'shares' ? t.shares(g.name) : t.region(g.name, levelName(g.before), levelName(g.after))
      list.append(el('li', `scenario-region scenario-region-${g.change}`, text))
    }
    parts.push(el('h4', 'panel-subtitle', heading), list)
  }
  for (const c of r.coverage) parts.push(el('p', 'scenario-coverage', t.coverage(c.resourceKind, c.thresholdM, c.gapsBefore, c.gapsAfter)))
  if (r.ranking) {
    const moves = el('ul', 'panel-list scenario-ranking')
    for (const m of r.ranking.moves) {
      const item = el('li', 'scenario-rank-move', t.move(m.name ?? m.code, m.rankBefore, m.rankAfter, m.scoreBefore, m.scoreAfter))
      item.dataset.code = m.code
      moves.append(item)
    }
    parts.push(
      el('h4', 'panel-subtitle', t.ranking),
      r.ranking.moves.length > 0 ? moves : el('p', 'panel-note scenario-ranking-none', t.rankingNone(r.ranking.areas)),
    )
  }
  return parts
}
