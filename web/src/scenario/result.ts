import type { FeatureCollection, Polygon } from 'geojson'
import type { Level, ScenarioRanking, ScenarioResult } from '../api/contract'
import { MESSAGES, type Lang } from '../i18n'
import { el } from '../ui/dom'
import { formatInstant } from '../ui/format'
import { RESULT_MESSAGES } from './messages'

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

/**
 * The parts of a result under its heading: summary, when it was computed (then `notes`, such as
 * "outdated"), the districts, coverage and ranking moves.
 */
export function resultParts(r: Result, lang: Lang, notes: HTMLElement[] = []): HTMLElement[] {
  const t = RESULT_MESSAGES[lang]
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
