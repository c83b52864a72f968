import 'maplibre-gl/dist/maplibre-gl.css'
import '../style.css'
import '../public/public.css'
import './scenario.css'
import { ApiError, getJson, sendJson } from '../api/client'
import { requireStaff } from '../auth/session'
import { MESSAGES, type Lang } from '../i18n'
import { createMap, relabelControls } from '../map/create'
import { DIFF_COLORS, diffLayer } from '../map/diff'
import { loadDivisionBasemap } from '../map/division-basemap'
import { setBasemapLanguage } from '../map/style'
import { exposeTestHook } from '../test-hook'
import { el, metaLine, requireElement, userText } from '../ui/dom'
import { formatInstant } from '../ui/format'
import { startPage } from '../ui/page'
import { createScenarioBuilder } from './builder'
import { RESULT_MESSAGES, SCENARIO_MESSAGES } from './messages'
import { resultParts, type Result } from './result'

// What-if scenarios (docs/scenarios.md): a saved scenario's diff map — the cells its changes would
// raise or lower, drawn like the publication diff — with the regions and coverage that change;
// `?id=` shares one by URL, and "edit as new" starts the builder from its changes. Below it, the
// builder of a new one (builder.ts: changes picked by record search and on the map;
// `?rectify_hidden_danger=12` starts one), whose preview is drawn here like a saved result, and the
// saved scenarios.

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

const FIT_PADDING_PX = 24

const header = requireElement(document, '.app-header')
const page = startPage({ header })
let lang: Lang = page.lang
const scenarioId = Number(new URLSearchParams(window.location.search).get('id')) || null
let scenario: Scenario | null = null
/** The builder's last preview (not saved), shown instead of the saved scenario until closed. */
let preview: Result | null = null
let saved: Scenario[] = []
let status = ''

const back = requireElement<HTMLAnchorElement>(header, '.scenario-back')
const panel = requireElement(document, '.scenario-panel')
const legendRoot = requireElement(document, '.legend')
const mapContainer = requireElement(document, '#map')
const map = createMap(mapContainer, lang, MESSAGES[lang])
const styleLoaded = map.once('load')
const diff = diffLayer(map, 'scenario')
const builder = createScenarioBuilder({
  map,
  lang: () => lang,
  onSaved: (id) => window.location.assign(`/scenario.html?id=${id}`),
  onPreview: (result) => {
    preview = result
    status = ''
    showOnMap(preview)
    render()
    panel.querySelector('.scenario-preview')?.scrollIntoView({ block: 'nearest' })
  },
})

page.onSwitch((next) => {
  lang = next
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, MESSAGES[lang])
  render()
})

function render(): void {
  const t = SCENARIO_MESSAGES[lang]
  const rt = RESULT_MESSAGES[lang]
  document.title = t.title
  requireElement(header, '.app-title').textContent = t.title
  back.textContent = t.back
  const legend = el('ul', 'legend-list')
  for (const change of ['raised', 'lowered'] as const) {
    const item = el('li', 'legend-item')
    const swatch = el('span', `legend-swatch diff-swatch-${change}`)
    swatch.style.backgroundColor = DIFF_COLORS[change]
    item.append(swatch, el('span', 'legend-name', rt[change]))
    legend.append(item)
  }
  legendRoot.replaceChildren(el('h2', 'legend-title', rt.cells), legend)

  const sections: HTMLElement[] = []
  // the saved scenario's result, while no preview covers it
  if (scenario?.result && !preview) {
    const current = scenario
    const s = el('section', 'scenario-result')
    s.dataset.scenario = String(current.id)
    s.append(el('h3', 'panel-subtitle', current.name))
    if (current.description) s.append(el('p', 'panel-note', current.description))
    s.append(...resultParts(current.result!, lang, current.outdated ? [el('p', 'scenario-outdated public-error', t.outdated)] : []))
    const again = el('button', 'scenario-recompute', t.recompute)
    again.type = 'button'
    again.addEventListener('click', () => void recompute(current.id))
    const copy = el('button', 'scenario-edit-copy', t.editCopy)
    copy.type = 'button'
    copy.addEventListener('click', () => void editCopy(current))
    const actions = el('div', 'scenario-actions')
    actions.append(again, copy)
    s.append(actions)
    sections.push(s)
  }
  if (status) {
    const s = el('section', 'scenario-page-status')
    s.append(el('p', 'public-error', status))
    sections.push(s)
  }
  builder.render()
  sections.push(builder.root)
  if (preview) {
    const s = el('section', 'scenario-preview')
    s.append(el('h3', 'panel-subtitle', t.preview), el('p', 'panel-note', t.previewNote), ...resultParts(preview, lang))
    const close = el('button', 'scenario-preview-close', t.closePreview)
    close.type = 'button'
    close.addEventListener('click', () => {
      preview = null
      showOnMap(scenario?.result)
      render()
    })
    s.append(close)
    sections.push(s)
  }
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
  status = `${SCENARIO_MESSAGES[lang].failed}${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`
  render()
}

function showOnMap(result: Result | undefined): void {
  diff.show(result?.cells ?? { type: 'FeatureCollection', features: [] }, { maxZoom: 13, animate: false })
}

/** Starts the builder from a saved scenario's changes, under its name marked as a copy. */
async function editCopy(from: Scenario): Promise<void> {
  const loading = builder.load({ name: SCENARIO_MESSAGES[lang].copyName(from.name), description: from.description, changes: from.changes ?? [] })
  builder.root.scrollIntoView({ block: 'start' })
  try {
    await loading
  } catch (err) {
    showError(err)
  }
}

async function recompute(id: number): Promise<void> {
  try {
    scenario = await sendJson<Scenario>('POST', `/api/scenarios/${id}/recompute`, {})
    preview = null
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
  const loadList = getJson<{ items: Scenario[] }>('/api/scenarios', { limit: 50 })
    .then((r) => (saved = r.items))
    .catch(showError)
  const loadOne =
    scenarioId === null
      ? Promise.resolve()
      : getJson<Scenario>(`/api/scenarios/${scenarioId}`)
          .then((s) => (scenario = s))
          .catch(showError)
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
