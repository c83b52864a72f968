import 'maplibre-gl/dist/maplibre-gl.css'
import '../style.css'
import '../public/public.css'
import './scenario.css'
import type { FeatureCollection, Polygon } from 'geojson'
import { ApiError, getJson, sendJson } from '../api/client'
import type { Level } from '../api/contract'
import type { ScenarioRanking, ScenarioResult } from '../api/contract'
import { requireStaff } from '../auth/session'
import { MESSAGES, type Lang, initialLang, otherLang, persistLang } from '../i18n'
import { createMap, relabelControls } from '../map/create'
import { DIFF_COLORS, diffLayer } from '../map/diff'
import { loadDivisionBasemap } from '../map/division-basemap'
import { setBasemapLanguage } from '../map/style'
import { exposeTestHook } from '../test-hook'
import { el, metaLine, requireElement, userText } from '../ui/dom'
import { formatInstant } from '../ui/format'
import { browserStorage } from '../ui/storage'
import { createScenarioBuilder } from './builder'

// What-if scenarios (docs/scenarios.md): a saved scenario's diff map — the cells its changes would
// raise or lower, drawn like the publication diff — with the regions and coverage that change;
// `?id=` shares one by URL. Below it, the saved scenarios and the builder of a new one (builder.ts:
// changes picked by record search and on the map; `?rectify_hidden_danger=12` starts one).

interface DiffCell {
  h3: string
  before: Level
  after: Level
  change: 'raised' | 'lowered' | 'stale'
}

/** A saved result as the API gives it (scenarios/routes.ts resultBody): cells as GeoJSON polygons. */
type Result = Omit<ScenarioResult, 'cells' | 'ranking'> & {
  cells: FeatureCollection<Polygon, DiffCell>
  /** Null in results saved before the ranking was computed. */
  ranking?: ScenarioRanking | null
}

interface Scenario {
  id: number
  name: string
  description: string | null
  createdByName: string | null
  createdAt: string
  outdated?: boolean
  changes?: unknown[]
  result?: Result
}

const TEXT = {
  'zh-CN': {
    title: '风险情景推演', back: '返回地图', list: '已保存的情景', empty: '尚无情景。', recompute: '按今日数据重新计算', outdated: '数据已变化：结果不是今日的答案。',
    summary: (s: Record<string, number>) => `${s.cellsChanged} 个网格等级变化（升高 ${s.cellsRaised}，降低 ${s.cellsLowered}）；${s.regionsChanged} 个区域等级变化`,
    region: (n: string, a: string, b: string) => `${n}：${a} → ${b}`, shares: (n: string) => `${n}：等级不变，面积占比变化`,
    coverage: (k: string, m: number, b: number, a: number) => `${k === 'depot' ? '物资储备库' : '救援队伍'}覆盖（${m} 米内）：缺口 ${b} → ${a}`,
    raised: '升高', lowered: '降低', computed: '计算时间', failed: '失败：', regions: '区域变化', cells: '网格变化',
    ranking: '区县安全项目优先排名变化', rankingNone: (n: number) => `${n} 个区县的排名与得分不变。`,
    move: (n: string, rb: number, ra: number, sb: number, sa: number) => `${n}：第 ${rb} → 第 ${ra} 位（${sb} → ${sa} 分）`,
  },
  en: {
    title: 'What-if scenarios', back: 'Back to the map', list: 'Saved scenarios', empty: 'No scenarios yet.', recompute: "Recompute against today's data", outdated: "The data changed: this is not today's answer.",
    summary: (s: Record<string, number>) => `${s.cellsChanged} cells change level (${s.cellsRaised} up, ${s.cellsLowered} down); ${s.regionsChanged} regions change level`,
    region: (n: string, a: string, b: string) => `${n}: ${a} → ${b}`, shares: (n: string) => `${n}: same level, shares move`,
    coverage: (k: string, m: number, b: number, a: number) => `${k === 'depot' ? 'Depot' : 'Rescue team'} coverage (within ${m} m): gaps ${b} → ${a}`,
    raised: 'raised', lowered: 'lowered', computed: 'Computed', failed: 'Failed: ', regions: 'Regions', cells: 'Cells',
    ranking: 'County priority ranking for safety projects', rankingNone: (n: number) => `The rank and score of all ${n} counties stay.`,
    move: (n: string, rb: number, ra: number, sb: number, sa: number) => `${n}: #${rb} → #${ra} (${sb} → ${sa} points)`,
  },
} as const

const FIT_PADDING_PX = 24

let lang: Lang = initialLang(window.location, browserStorage())
const scenarioId = Number(new URLSearchParams(window.location.search).get('id')) || null
let scenario: Scenario | null = null
let saved: Scenario[] = []
let status = ''

const header = requireElement(document, '.app-header')
const langSwitch = requireElement<HTMLButtonElement>(header, '.lang-switch')
const back = requireElement<HTMLAnchorElement>(header, '.scenario-back')
const panel = requireElement(document, '.scenario-panel')
const legendRoot = requireElement(document, '.legend')
const mapContainer = requireElement(document, '#map')
const map = createMap(mapContainer, lang, MESSAGES[lang])
const styleLoaded = map.once('load')
const diff = diffLayer(map, 'scenario')
const builder = createScenarioBuilder({ map, lang: () => lang, onSaved: (id) => window.location.assign(`/scenario.html?id=${id}`) })

langSwitch.addEventListener('click', () => {
  lang = otherLang(lang)
  persistLang(lang, browserStorage())
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, MESSAGES[lang])
  render()
})

const levelName = (level: Level) => MESSAGES[lang].levelNames[level]

function render(): void {
  const t = TEXT[lang]
  document.documentElement.lang = MESSAGES[lang].locale
  document.title = t.title
  requireElement(header, '.app-title').textContent = t.title
  back.textContent = t.back
  langSwitch.textContent = MESSAGES[lang].switchLanguage
  langSwitch.lang = lang === 'en' ? 'zh-CN' : 'en'
  const legend = el('ul', 'legend-list')
  for (const change of ['raised', 'lowered'] as const) {
    const item = el('li', 'legend-item')
    const swatch = el('span', `legend-swatch diff-swatch-${change}`)
    swatch.style.backgroundColor = DIFF_COLORS[change]
    item.append(swatch, el('span', 'legend-name', t[change]))
    legend.append(item)
  }
  legendRoot.replaceChildren(el('h2', 'legend-title', t.cells), legend)

  const sections: HTMLElement[] = []
  if (scenario?.result) {
    const r = scenario.result
    const s = el('section', 'scenario-result')
    s.dataset.scenario = String(scenario.id)
    s.append(el('h3', 'panel-subtitle', scenario.name))
    if (scenario.description) s.append(el('p', 'panel-note', scenario.description))
    s.append(el('p', 'scenario-summary', t.summary(r.summary)))
    s.append(el('p', 'publications-meta', `${t.computed}: ${formatInstant(r.computedAt)}`))
    if (scenario.outdated) s.append(el('p', 'scenario-outdated public-error', t.outdated))
    const regions = el('ul', 'panel-list scenario-regions')
    for (const g of r.regions.filter((x) => x.kind === 'division')) {
      const text = g.change === 'shares' ? t.shares(g.name) : t.region(g.name, levelName(g.before), levelName(g.after))
      regions.append(el('li', `scenario-region scenario-region-${g.change}`, text))
    }
    s.append(el('h4', 'panel-subtitle', t.regions), regions)
    for (const c of r.coverage) s.append(el('p', 'scenario-coverage', t.coverage(c.resourceKind, c.thresholdM, c.gapsBefore, c.gapsAfter)))
    if (r.ranking) {
      const moves = el('ul', 'panel-list scenario-ranking')
      for (const m of r.ranking.moves) {
        const item = el('li', 'scenario-rank-move', t.move(m.name ?? m.code, m.rankBefore, m.rankAfter, m.scoreBefore, m.scoreAfter))
        item.dataset.code = m.code
        moves.append(item)
      }
      s.append(el('h4', 'panel-subtitle', t.ranking), r.ranking.moves.length > 0 ? moves : el('p', 'panel-note scenario-ranking-none', t.rankingNone(r.ranking.areas)))
    }
    const again = el('button', 'scenario-recompute', t.recompute)
    again.type = 'button'
    again.addEventListener('click', () => void recompute(scenario!.id))
    s.append(again)
    sections.push(s)
  }
  if (status) {
    const s = el('section', 'scenario-page-status')
    s.append(el('p', 'public-error', status))
    sections.push(s)
  }
  builder.render()
  sections.push(builder.root)
  const list = el('section', 'scenario-list')
  list.append(el('h3', 'panel-subtitle', t.list))
  if (saved.length === 0) list.append(el('p', 'panel-empty', t.empty))
  const items = el('ul', 'panel-list')
  for (const item of saved) {
    const li = el('li', 'scenario-item')
    const a = el('a', 'scenario-link', `#${item.id} ${item.name}`)
    a.href = `/scenario.html?id=${item.id}`
    li.append(a, metaLine('div', 'publications-meta', [item.createdByName ? userText(item.createdByName) : '—', formatInstant(item.createdAt)]))
    items.append(li)
  }
  list.append(items)
  sections.push(list)
  panel.replaceChildren(...sections)
}

function showError(err: unknown): void {
  status = `${TEXT[lang].failed}${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`
  render()
}

function showOnMap(result: Result | undefined): void {
  diff.show(result?.cells ?? { type: 'FeatureCollection', features: [] }, { maxZoom: 13, animate: false })
}

async function recompute(id: number): Promise<void> {
  try {
    scenario = await sendJson<Scenario>('POST', `/api/scenarios/${id}/recompute`, {})
    showOnMap(scenario.result)
    render()
  } catch (err) {
    showError(err)
  }
}

async function loadBasemap(): Promise<void> {
  const { box } = await loadDivisionBasemap(map, styleLoaded)
  if (box && !scenario?.result?.cells.features.length) map.fitBounds(box, { padding: FIT_PADDING_PX, animate: false })
}

async function start(): Promise<void> {
  await requireStaff()
  render()
  const loadList = getJson<{ items: Scenario[] }>('/api/scenarios', { limit: 50 }).then((r) => (saved = r.items)).catch(showError)
  const loadOne = scenarioId === null ? Promise.resolve() : getJson<Scenario>(`/api/scenarios/${scenarioId}`).then((s) => (scenario = s)).catch(showError)
  await Promise.all([loadBasemap(), loadList, loadOne, builder.ready])
  await styleLoaded
  diff.ensure()
  showOnMap(scenario?.result)
  render()
  const idle = map.once('idle')
  map.triggerRepaint()
  await idle
}

exposeTestHook({ map, ready: start() })
