import { ApiError, apiUrl, getJson, isAbortError } from '../api/client'
import type { RankedArea, Ranking } from '../api/contract'
import { LEVEL_COLORS } from '../map/levels'
import { el, requireElement } from '../ui/dom'
import { startStaffPage } from '../ui/page'
import { RANKING_MESSAGES } from './messages'
import { PART_COLORS, PARTS, type Part } from './parts'
import type { RankingMap } from './map'
import '../ui/page.css'
import './ranking.css'

// The ranking page (staff): areas ranked by priority for safety projects (docs/ranking.md), each
// score drawn as a bar of its parts, rows linking to the area on the staff map; or, in the map view,
// the same ranking drawn as a map (map.ts, loaded on first use). The hash keeps the choice:
// `#level=region&rank=township&region=210106&weights=exposure:0&view=map` (and, in the map view,
// MapLibre's own `map=zoom/lat/lon`).

type Choice = 'county' | 'township' | 'grid' | 'cell'
type View = 'table' | 'map'

interface State {
  choice: Choice
  region: string
  weights: Partial<Record<Part, number>>
  view: View
}

/** The hash parameters this page writes; any other (MapLibre's `map=`) is kept as it is. */
const STATE_PARAMS = ['level', 'rank', 'region', 'weights', 'view'] as const

const PAGE = 200

function readHash(): State {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  const level = params.get('level')
  const rank = params.get('rank')
  const choice: Choice = level === 'cell' ? 'cell' : rank === 'township' || rank === 'grid' ? rank : 'county'
  const region = params.get('region') ?? ''
  const weights: Partial<Record<Part, number>> = {}
  for (const entry of (params.get('weights') ?? '').split(',')) {
    const [name, value] = entry.split(':')
    if (name && (PARTS as readonly string[]).includes(name) && value !== undefined && Number.isFinite(Number(value))) weights[name as Part] = Number(value)
  }
  const view: View = params.get('view') === 'map' ? 'map' : 'table'
  return { choice, region: /^([0-9]{6}|[0-9]{9})$/.test(region) ? region : '', weights, view }
}

function query(state: State): Record<string, string> {
  const q: Record<string, string> = state.choice === 'cell' ? { level: 'cell' } : { level: 'region', rank: state.choice }
  if (state.region) q.regionCode = state.region
  const weights = Object.entries(state.weights)
    .map(([p, w]) => `${p}:${w}`)
    .join(',')
  if (weights) q.weights = weights
  return q
}

function writeHash(state: State): void {
  const q = query(state)
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  for (const name of STATE_PARAMS) params.delete(name)
  const own = new URLSearchParams()
  own.set('level', q.level!)
  if (q.rank) own.set('rank', q.rank)
  if (q.regionCode) own.set('region', q.regionCode)
  if (q.weights) own.set('weights', q.weights)
  if (state.view === 'map') own.set('view', 'map')
  for (const [name, value] of params) own.append(name, value)
  const url = new URL(window.location.href)
  // readable, as MapLibre writes its `map=12/41.8/123.4`: colons, commas and slashes unescaped
  url.hash = own.toString().replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%2F/g, '/')
  window.history.replaceState(window.history.state, '', url)
}

/** An API error as the status line says it: the first detail with its field, else the message. */
function errorText(err: unknown): string {
  if (!(err instanceof ApiError)) return String(err)
  const detail = err.details?.[0]
  return detail ? `${detail.field ?? ''}: ${detail.message}` : err.message
}

/** The staff map's deep link to an area (its side panel opens on it). */
export function mapHref(area: Pick<RankedArea, 'kind' | 'code'>): string {
  return area.kind === 'cell' ? `/#sel=cell:${area.code}` : `/#sel=region:${area.code}`
}

async function start(): Promise<void> {
  const { page } = await startStaffPage()
  let state = readHash()
  let load: AbortController | null = null
  let last: Ranking | null = null
  // The map view: created on first use; `mapQuery` is the query it shows (stale when it differs).
  let rankingMap: RankingMap | null = null
  let mapStarting: Promise<RankingMap> | null = null
  let mapQuery = ''
  /** The code of the area picked on the map, whose table row is marked. */
  let pickedCode: string | null = null

  const title = requireElement(document, '.rk-title')
  const main = requireElement(document, '.rk-main')

  const controls = el('form', 'rk-controls')
  const choiceLabel = el('label', 'rk-field')
  const choice = el('select', 'rk-choice')
  choiceLabel.append(el('span'), choice)
  const regionLabel = el('label', 'rk-field')
  const region = el('input', 'rk-region')
  region.inputMode = 'numeric'
  region.pattern = '[0-9]{6}|[0-9]{9}'
  region.value = state.region
  regionLabel.append(el('span'), region)
  const weightsBox = el('fieldset', 'rk-weights')
  const weightsLegend = el('legend')
  weightsBox.append(weightsLegend)
  const weightInputs = new Map<Part, HTMLInputElement>()
  for (const part of PARTS) {
    const label = el('label', 'rk-weight')
    const swatch = el('span', 'rk-swatch')
    swatch.style.backgroundColor = PART_COLORS[part]
    const input = el('input')
    input.type = 'number'
    input.min = '0'
    input.max = '1000'
    input.step = 'any'
    input.name = part
    input.className = 'rk-weight-input'
    label.append(swatch, el('span', 'rk-weight-name'), input)
    weightInputs.set(part, input)
    weightsBox.append(label)
  }
  const apply = el('button', 'rk-apply')
  apply.type = 'submit'
  const reset = el('button', 'rk-reset')
  reset.type = 'button'
  const exports = el('span', 'rk-exports')
  const csv = el('a', 'rk-export rk-export-csv')
  const xlsx = el('a', 'rk-export rk-export-xlsx')
  exports.append(csv, xlsx)
  controls.append(choiceLabel, regionLabel, weightsBox, apply, reset, exports)
  const viewSwitch = el('div', 'rk-view')
  viewSwitch.setAttribute('role', 'group')
  const viewButtons = new Map<View, HTMLButtonElement>()
  for (const view of ['table', 'map'] as const) {
    const button = el('button', `rk-view-button rk-view-${view}`)
    button.type = 'button'
    button.dataset.view = view
    button.addEventListener('click', () => void showView(view))
    viewButtons.set(view, button)
    viewSwitch.append(button)
  }
  const status = el('p', 'rk-status')
  const mapBox = el('section', 'rk-map-box')
  mapBox.hidden = true
  const table = el('table', 'rk-table')
  const intro = el('p', 'rk-intro')
  main.append(intro, controls, viewSwitch, status, mapBox, table)

  const render = () => {
    const t = RANKING_MESSAGES[page.lang]
    document.title = t.title
    title.textContent = t.title
    intro.textContent = t.intro
    choiceLabel.firstElementChild!.textContent = t.areas
    choice.replaceChildren(
      ...(['county', 'township', 'grid', 'cell'] as const).map((c) => {
        const option = el('option', undefined, t.choices[c])
        option.value = c
        option.selected = c === state.choice
        return option
      }),
    )
    regionLabel.firstElementChild!.textContent = t.region
    region.placeholder = t.regionPlaceholder
    weightsLegend.textContent = t.weights
    for (const [part, input] of weightInputs) input.previousElementSibling!.textContent = t.parts[part]
    apply.textContent = t.apply
    reset.textContent = t.reset
    viewSwitch.setAttribute('aria-label', t.view)
    for (const [view, button] of viewButtons) {
      button.textContent = t.views[view]
      button.setAttribute('aria-pressed', String(view === state.view))
    }
    const q = { ...query(state), lang: page.lang === 'en' ? 'en' : 'zh' }
    csv.href = apiUrl('/api/ranking/export.csv', q)
    xlsx.href = apiUrl('/api/ranking/export.xlsx', q)
    csv.textContent = t.exportCsv
    xlsx.textContent = t.exportXlsx
    if (last) renderTable(last)
  }

  const renderTable = (ranking: Ranking) => {
    const t = RANKING_MESSAGES[page.lang]
    for (const [part, input] of weightInputs) input.value = String(ranking.weights[part])
    // Bars are drawn on the scale of the largest possible score (every part full).
    const max = Math.max(
      1,
      Object.values(ranking.weights).reduce((a, b) => a + b, 0),
    )
    const head = el('thead')
    const headRow = el('tr')
    for (const h of [t.rank, t.area, t.level, t.score, t.breakdown, t.backlog]) headRow.append(el('th', undefined, h))
    head.append(headRow)
    const body = el('tbody')
    for (const area of ranking.items) {
      const tr = el('tr', area.code === pickedCode ? 'rk-row rk-row-picked' : 'rk-row')
      tr.dataset.code = area.code
      tr.dataset.rank = String(area.rank)
      tr.dataset.score = String(area.score)
      const link = el('a', 'rk-map-link', area.name ? `${area.name}（${area.code}）` : area.code)
      link.href = mapHref(area)
      link.title = t.openOnMap
      const chip = el('span', 'rk-level', t.levels[area.level] ?? String(area.level))
      chip.style.backgroundColor = LEVEL_COLORS[area.level as 0] ?? '#bfbfbf'
      const levelCell = el('td')
      levelCell.append(chip)
      if (area.kind !== 'cell' && area.highestLevel > area.level) levelCell.append(el('span', 'rk-highest', t.highest(t.levels[area.highestLevel] ?? '')))
      const bar = el('div', 'rk-bar')
      bar.setAttribute('role', 'img')
      bar.setAttribute(
        'aria-label',
        area.parts
          .filter((p) => p.points > 0)
          .map((p) => `${t.parts[p.part]} ${p.points}`)
          .join('，'),
      )
      for (const p of area.parts) {
        if (p.points <= 0) continue
        const piece = el('span', 'rk-piece')
        piece.dataset.part = p.part
        piece.dataset.points = String(p.points)
        piece.style.width = `${(p.points / max) * 100}%`
        piece.style.backgroundColor = PART_COLORS[p.part]
        piece.title = `${t.parts[p.part]}: ${p.points} / ${p.weight}`
        bar.append(piece)
      }
      const backlog = `${t.overdue} ${area.inputs.overdue ?? 0} · ${t.open} ${area.inputs.openHiddenDangers ?? 0}`
      const nameCell = el('td')
      nameCell.append(link)
      const barCell = el('td', 'rk-bar-cell')
      barCell.append(bar)
      tr.append(
        el('td', 'rk-rank', String(area.rank)),
        nameCell,
        levelCell,
        el('td', 'rk-score', area.score.toFixed(2)),
        barCell,
        el('td', 'rk-backlog', backlog),
      )
      body.append(tr)
    }
    table.replaceChildren(head, body)
    status.textContent = t.shown(ranking.items.length, ranking.total, ranking.ruleVersion)
  }

  /** Marks the table row of the area picked on the map (none: null). */
  const markRow = (code: string | null) => {
    pickedCode = code
    for (const row of table.querySelectorAll<HTMLElement>('.rk-row')) row.classList.toggle('rk-row-picked', row.dataset.code === code)
  }

  const mapError = (err: unknown) => {
    status.textContent = errorText(err)
  }

  /** The map, created on first use: MapLibre and the map code are loaded only then. */
  const ensureMap = (): Promise<RankingMap> => {
    mapStarting ??= import('./map').then(({ startRankingMap }) => {
      const q = query(state)
      mapQuery = JSON.stringify(q)
      const started = startRankingMap(mapBox, { lang: page.lang, areaHref: mapHref, onPick: (area) => markRow(area?.code ?? null) }, q)
      started.ready.catch(mapError)
      rankingMap = started.rankingMap
      return started.rankingMap
    })
    return mapStarting
  }

  /** Shows the map with the current query, loading it (again) when the query changed. */
  const showMap = async () => {
    try {
      const map = await ensureMap()
      map.resize()
      const q = query(state)
      if (JSON.stringify(q) === mapQuery) return
      mapQuery = JSON.stringify(q)
      await map.load(q)
    } catch (err) {
      if (!rankingMap) mapStarting = null // the map's code did not load: try again on the next switch
      mapError(err)
    }
  }

  const showView = async (view: View) => {
    state = { ...state, view }
    mapBox.hidden = view !== 'map'
    main.dataset.view = view
    writeHash(state)
    render()
    if (view === 'map') await showMap()
  }

  const refresh = async () => {
    load?.abort()
    if (state.view === 'map') void showMap()
    const controller = new AbortController()
    load = controller
    main.dataset.state = 'loading'
    status.textContent = RANKING_MESSAGES[page.lang].loading
    writeHash(state)
    render()
    try {
      const ranking = await getJson<Ranking>('/api/ranking', { ...query(state), limit: PAGE }, controller.signal)
      if (controller.signal.aborted) return
      last = ranking
      renderTable(ranking)
      main.dataset.state = 'ready'
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      main.dataset.state = 'failed'
      table.replaceChildren()
      status.textContent = errorText(err)
    }
  }

  controls.addEventListener('submit', (event) => {
    event.preventDefault()
    const weights: Partial<Record<Part, number>> = {}
    for (const [part, input] of weightInputs) {
      const value = Number(input.value)
      if (input.value !== '' && Number.isFinite(value) && value !== last?.weights[part]) weights[part] = value
    }
    state = { ...state, choice: choice.value as Choice, region: region.value.trim(), weights: { ...state.weights, ...weights } }
    void refresh()
  })
  choice.addEventListener('change', () => {
    state = { ...state, choice: choice.value as Choice }
    void refresh()
  })
  // In the map view, a click on a row (not on its link) picks its area on the map.
  table.addEventListener('click', (event) => {
    const target = event.target as Element
    if (state.view !== 'map' || !rankingMap || target.closest('a')) return
    const row = target.closest<HTMLElement>('.rk-row')
    if (row?.dataset.code) rankingMap.pick(row.dataset.code)
  })
  reset.addEventListener('click', () => {
    state = { ...state, weights: {} }
    void refresh()
  })
  page.onSwitch((lang) => {
    rankingMap?.setLang(lang)
    render()
  })
  mapBox.hidden = state.view !== 'map'
  main.dataset.view = state.view
  await refresh()
}

void start()
