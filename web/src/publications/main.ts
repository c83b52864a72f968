import 'maplibre-gl/dist/maplibre-gl.css'
import '../style.css'
import '../public/public.css'
import type { ExpressionSpecification, GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl'
import type { FeatureCollection, Polygon } from 'geojson'
import { ApiError, fetchDivisions, getJson, sendJson } from '../api/client'
import type { Level } from '../api/types'
import { requireStaff, type CurrentUser } from '../auth/session'
import { MESSAGES, type Lang, initialLang, otherLang, persistLang } from '../i18n'
import { collectionBounds, geometriesBounds } from '../map/bounds'
import { createMap, relabelControls } from '../map/create'
import { FIRST_LABEL_LAYER, setBasemapData, setBasemapLanguage } from '../map/style'
import { exposeTestHook } from '../test-hook'
import { el, requireElement } from '../ui/dom'
import { formatInstant } from '../ui/format'
import type { LevelCounts } from '../public/api'
import { PUBLIC_MESSAGES } from '../public/messages'

// Publications map mode for staff (DESIGN §8): the list of publications, "publish" for planners
// and administrators, and the diff of two publications on the map (cells whose level rose or fell).

interface Publication {
  id: number
  createdAt: string
  approverName: string | null
  note: string | null
  resolution: number
  counts: { cells: LevelCounts; regions: LevelCounts; areas: LevelCounts }
}

interface DiffCell {
  h3: string
  res: number
  before: Level
  after: Level
  change: 'raised' | 'lowered'
}

interface PublicationDiff {
  summary: { cellsChanged: number; cellsRaised: number; cellsLowered: number; regionsChanged: number; regionsRaised: number; regionsLowered: number }
  cells: FeatureCollection<Polygon, DiffCell>
  regions: Array<{ kind: string; key: string; name: string; before: Level; after: Level; change: 'raised' | 'lowered' }>
}

/** Colours of the diff: apart from the four level colours, so a change is not read as a level. */
export const DIFF_COLORS = { raised: '#c2185b', lowered: '#00897b' } as const

const DIFF_SOURCE = 'publication-diff'
const DIFF_FILL = 'publication-diff-fill'
const DIFF_LINE = 'publication-diff-line'
const FIT_PADDING_PX = 24
/** Roles that may publish (the API's rule; admin passes every rule). */
const PUBLISHERS: ReadonlyArray<CurrentUser['role']> = ['planner', 'admin']

function storage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

let lang: Lang = initialLang(window.location, storage())
let m = PUBLIC_MESSAGES[lang]
let user: CurrentUser | null = null
let publications: Publication[] = []
const chosen = new Set<number>()
let diff: PublicationDiff | null = null
let status = ''

const header = requireElement(document, '.app-header')
const langSwitch = requireElement<HTMLButtonElement>(header, '.lang-switch')
const back = requireElement<HTMLAnchorElement>(header, '.publications-back')
const panel = requireElement(document, '.publications-panel')
const legendRoot = requireElement(document, '.legend')
const mapContainer = requireElement(document, '#map')
const map = createMap(mapContainer, lang, MESSAGES[lang])
const styleLoaded = map.once('load')
const noteInput = el('textarea', 'publications-note')
noteInput.maxLength = 500
noteInput.rows = 2

langSwitch.addEventListener('click', () => {
  lang = otherLang(lang)
  m = PUBLIC_MESSAGES[lang]
  persistLang(lang, storage())
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, MESSAGES[lang])
  render()
})

function levelName(level: Level): string {
  return MESSAGES[lang].levelNames[level]
}

function render(): void {
  document.documentElement.lang = MESSAGES[lang].locale
  document.title = m.publications.title
  requireElement(header, '.app-title').textContent = m.publications.title
  back.textContent = m.publications.back
  langSwitch.textContent = MESSAGES[lang].switchLanguage
  const p = m.publications

  const legend = el('ul', 'legend-list')
  for (const change of ['raised', 'lowered'] as const) {
    const item = el('li', 'legend-item')
    const swatch = el('span', `legend-swatch diff-swatch-${change}`)
    swatch.style.backgroundColor = DIFF_COLORS[change]
    item.append(swatch, el('span', 'legend-name', p[change]))
    legend.append(item)
  }
  legendRoot.replaceChildren(el('h2', 'legend-title', p.cells), legend)

  const sections: HTMLElement[] = []
  const publish = el('section', 'publications-form')
  if (user && PUBLISHERS.includes(user.role)) {
    noteInput.placeholder = p.notePlaceholder
    const button = el('button', 'publications-publish', p.publish)
    button.type = 'button'
    button.addEventListener('click', () => void publishNow(button))
    publish.append(noteInput, button)
  } else {
    publish.append(el('p', 'panel-note', p.readOnly))
  }
  if (status) publish.append(el('p', 'publications-status', status))
  sections.push(publish)

  const listSection = el('section', 'publications-list')
  listSection.append(el('h3', 'panel-subtitle', p.listTitle))
  if (publications.length === 0) listSection.append(el('p', 'panel-empty', p.empty))
  listSection.append(el('p', 'panel-note', p.compareHint))
  const list = el('ul', 'panel-list')
  for (const pub of publications) {
    const item = el('li', 'publications-item')
    item.dataset.publication = String(pub.id)
    const label = el('label')
    const box = el('input')
    box.type = 'checkbox'
    box.value = String(pub.id)
    box.checked = chosen.has(pub.id)
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(pub.id)
      else chosen.delete(pub.id)
      // Only two at a time: the oldest choice gives way.
      while (chosen.size > 2) chosen.delete(chosen.values().next().value!)
      render()
    })
    const counts = ([4, 3, 2, 1] as const).map((level) => `${levelName(level)} ${pub.counts.cells[level]}`).join(' · ')
    const text = el('div')
    text.append(
      el('div', 'item-head', `#${pub.id} ${formatInstant(pub.createdAt)}`),
      el('div', 'publications-meta', `${p.approver}: ${pub.approverName ?? '—'}${pub.note ? ` · ${pub.note}` : ''}`),
      el('div', 'publications-meta', counts),
    )
    label.append(box, text)
    item.append(label)
    list.append(item)
  }
  listSection.append(list)
  const compare = el('button', 'publications-compare', p.compare)
  compare.type = 'button'
  compare.disabled = chosen.size !== 2
  compare.addEventListener('click', () => void compareChosen())
  listSection.append(compare)
  sections.push(listSection)

  if (diff) {
    const d = el('section', 'publications-diff')
    const s = diff.summary
    d.append(el('p', 'publications-summary', p.summary(s.cellsChanged, s.cellsRaised, s.cellsLowered, s.regionsChanged)))
    const regions = el('ul', 'panel-list')
    for (const r of diff.regions.filter((r) => r.kind === 'division')) {
      const item = el('li', `publications-region publications-region-${r.change}`, p.regionChange(r.name, levelName(r.before), levelName(r.after)))
      item.style.borderLeft = `4px solid ${DIFF_COLORS[r.change]}`
      item.style.paddingLeft = '6px'
      regions.append(item)
    }
    d.append(regions)
    sections.push(d)
  }
  panel.replaceChildren(...sections)
}

function showError(err: unknown): void {
  status = `${m.loadFailed}${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`
  render()
}

async function loadPublications(): Promise<void> {
  publications = (await getJson<{ items: Publication[] }>('/api/publications', { limit: 100 })).items
}

async function publishNow(button: HTMLButtonElement): Promise<void> {
  button.disabled = true
  status = m.publications.publishing
  try {
    const created = await sendJson<Publication>('POST', '/api/publications', { note: noteInput.value.trim() || null })
    noteInput.value = ''
    status = m.publications.published(created.id)
    await loadPublications()
  } catch (err) {
    showError(err)
    return
  }
  render()
}

async function compareChosen(): Promise<void> {
  if (chosen.size !== 2) return
  const [older, newer] = [...chosen].sort((a, b) => a - b) as [number, number]
  try {
    diff = await getJson<PublicationDiff>(`/api/publications/${newer}/diff`, { against: older })
  } catch (err) {
    showError(err)
    return
  }
  map.getSource<GeoJSONSource>(DIFF_SOURCE)?.setData(diff.cells)
  const box = geometriesBounds(diff.cells.features.map((f) => f.geometry))
  if (box) map.fitBounds(box, { padding: FIT_PADDING_PX, maxZoom: 12 })
  render()
}

function addDiffLayers(target: MaplibreMap): void {
  target.addSource(DIFF_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  const color: ExpressionSpecification = ['match', ['get', 'change'], 'raised', DIFF_COLORS.raised, DIFF_COLORS.lowered]
  const before = target.getLayer(FIRST_LABEL_LAYER) ? FIRST_LABEL_LAYER : undefined
  target.addLayer({ id: DIFF_FILL, type: 'fill', source: DIFF_SOURCE, paint: { 'fill-color': color, 'fill-opacity': 0.55 } }, before)
  target.addLayer({ id: DIFF_LINE, type: 'line', source: DIFF_SOURCE, paint: { 'line-color': color, 'line-width': 1.2 } }, before)
}

async function loadBasemap(): Promise<void> {
  const [city, counties, townships] = await Promise.all([
    fetchDivisions('city', { simplifyM: 100 }),
    fetchDivisions('county', { simplifyM: 30 }),
    fetchDivisions('township', { simplifyM: 15 }),
  ])
  await styleLoaded
  setBasemapData(map, { city, counties, townships })
  const box = collectionBounds(counties)
  if (box) map.fitBounds(box, { padding: FIT_PADDING_PX, animate: false })
}

async function start(): Promise<void> {
  user = await requireStaff()
  map.on('style.load', () => addDiffLayers(map))
  render()
  await Promise.all([loadBasemap(), loadPublications().catch(showError)])
  render()
  await styleLoaded
  const idle = map.once('idle')
  map.triggerRepaint()
  await idle
}

exposeTestHook({ map, ready: start() })
