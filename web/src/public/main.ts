import 'maplibre-gl/dist/maplibre-gl.css'
import '../style.css'
import './public.css'
import { Marker, type Map as MaplibreMap, type VectorTileSource } from 'maplibre-gl'
import { MESSAGES, type Lang } from '../i18n'
import { collectionBounds } from '../map/bounds'
import { createMap, relabelControls } from '../map/create'
import { IMAGE_NAMES, addMapImages, imageDataUrl } from '../map/images'
import { RISK_LEVELS, STALE_HATCH } from '../map/levels'
import { setBasemapData, setBasemapLanguage } from '../map/style'
import { requireElement, el, userText } from '../ui/dom'
import { levelSwatch } from '../ui/legend'
import { formatInstant } from '../ui/format'
import { exposeTestHook } from '../test-hook'
import { mountPublicReports } from '../reports/public-form'
import {
  fetchPenaltyPage,
  fetchPlace,
  fetchPublicDivisions,
  fetchPublicRegions,
  fetchPublication,
  fetchShelters,
  type PlaceReading,
  type PublicPenalty,
  type PublicPublication,
  type PublicRegion,
  type ShelterCollection,
} from './api'
import { divisionName, levelChip, renderPlace } from './place'
import { PUBLIC_SOURCES, addPublicOverlays, setShelters } from './layers'
import { PUBLIC_MESSAGES } from './messages'
import { loginParam, safeNextPath, withoutLoginParam } from './next'
import { SignInForm } from './sign-in'
import { startPage } from '../ui/page'

// The public portal (docs/domain.md §8): the map and "what is the level here" first. A click on the
// map (or "my location") reads the latest publication at that place: its level, the township's and
// county's share of levels and the nearest shelters. The districts, the published penalties (paged)
// and the hazard-report form are tabs beside it; staff sign in through a link in the header
// (`#login=<next path>`), never a dialog on arrival. It calls only /api/public/…, /tiles/public/…
// and sign-in.

/** Simplification tolerances (metres) of the basemap polygons, as on the staff map. */
const SIMPLIFY_M = { city: 100, county: 30, township: 15 } as const
const FIT_PADDING_PX = 24
/** Published penalties per page of the penalties tab (newest first). */
const PENALTIES_PER_PAGE = 10
/** Zoom a located visitor is shown at: a few streets around them. */
const LOCATE_ZOOM = 13

type Tab = 'place' | 'regions' | 'penalties' | 'report'
const TABS: readonly Tab[] = ['place', 'regions', 'penalties', 'report']

const header = requireElement(document, '.app-header')
const page = startPage({ header })
let lang: Lang = page.lang
let m = PUBLIC_MESSAGES[lang]
let publication: PublicPublication | null = null
let regions: PublicRegion[] = []
let penalties: { total: number; items: PublicPenalty[] } = { total: 0, items: [] }
let penaltyPage = 0
let shelters: ShelterCollection | null = null
let tab: Tab = 'place'
/** The last place read (and shown), or the state of reading one. */
let place: { state: 'idle' } | { state: 'locating' } | { state: 'loading' } | { state: 'failed'; message: string } | { state: 'read'; reading: PlaceReading } =
  { state: 'idle' }
let placeLoad: AbortController | null = null
const loadErrors: string[] = []

const title = requireElement(header, '.app-title')
const dateLine = requireElement(header, '.publication-date')
const signInLink = requireElement<HTMLAnchorElement>(header, '.sign-in-open')
const reportButton = requireElement<HTMLButtonElement>(header, '.public-report-open')
const mapContainer = requireElement(document, '#map')
const legendRoot = requireElement(document, '.legend')
const panel = requireElement(document, '.public-panel')
const reportsContainer = requireElement(panel, '.public-reports')
const map = createMap(mapContainer, lang, MESSAGES[lang])
const styleLoaded = map.once('load')
const placeMarker = new Marker({ color: '#1d4e89', className: 'place-marker' })

const tabBar = el('div', 'public-tabs')
tabBar.setAttribute('role', 'tablist')
const tabButtons = new Map<Tab, HTMLButtonElement>()
const panes = new Map<Tab, HTMLElement>()
for (const id of TABS) {
  const button = el('button', 'public-tab')
  button.type = 'button'
  button.id = `public-tab-${id}`
  button.dataset.tab = id
  button.setAttribute('role', 'tab')
  button.setAttribute('aria-controls', `public-pane-${id}`)
  button.addEventListener('click', () => selectTab(id))
  tabBar.append(button)
  tabButtons.set(id, button)
  const pane = id === 'report' ? reportsContainer : el('div')
  pane.classList.add('public-pane', `public-pane-${id}`)
  pane.id = `public-pane-${id}`
  pane.dataset.tab = id
  pane.setAttribute('role', 'tabpanel')
  pane.setAttribute('aria-labelledby', button.id)
  panes.set(id, pane)
}
const errorsBox = el('div', 'public-errors')
panel.replaceChildren(tabBar, errorsBox, ...panes.values())

const signInForm = new SignInForm(requireElement(document, '.sign-in'), m, {
  onSignedIn: () => window.location.assign(safeNextPath(loginParam(window.location.hash), window.location.origin)),
  onCancel: () => {
    const url = new URL(window.location.href)
    url.hash = withoutLoginParam(url.hash)
    window.history.replaceState(window.history.state, '', url)
  },
})

page.onSwitch(switchLanguage)
reportButton.addEventListener('click', () => selectTab('report'))
window.addEventListener('hashchange', openSignInFromHash)

function openSignInFromHash(): void {
  if (loginParam(window.location.hash) !== null && !signInForm.isOpen) signInForm.open()
}

function switchLanguage(next: Lang): void {
  lang = next
  m = PUBLIC_MESSAGES[lang]
  signInForm.setMessages(m)
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, MESSAGES[lang])
  mountPublicReports(reportsContainer, map, lang)
  render()
}

function selectTab(next: Tab): void {
  tab = next
  // The report form keeps its own marker; the place marker belongs to the "level here" tab.
  if (tab !== 'place') placeMarker.remove()
  else if (place.state === 'read') placeMarker.setLngLat([place.reading.lon, place.reading.lat]).addTo(map)
  renderTabs()
}

/** Reads the latest publication at a place and shows it in the "level here" tab. */
async function readPlace(lon: number, lat: number): Promise<void> {
  placeLoad?.abort()
  const load = new AbortController()
  placeLoad = load
  place = { state: 'loading' }
  selectTab('place')
  placeMarker.setLngLat([lon, lat]).addTo(map)
  renderPlacePane()
  try {
    const reading = await fetchPlace(lon, lat, load.signal)
    if (load.signal.aborted) return
    place = { state: 'read', reading }
  } catch (err) {
    if (load.signal.aborted) return
    place = { state: 'failed', message: err instanceof Error ? err.message : String(err) }
  }
  renderPlacePane()
}

function locate(): void {
  if (!('geolocation' in navigator)) {
    place = { state: 'failed', message: m.place.locateFailed }
    renderPlacePane()
    return
  }
  place = { state: 'locating' }
  renderPlacePane()
  navigator.geolocation.getCurrentPosition(
    (position) => {
      const { longitude, latitude } = position.coords
      map.flyTo({ center: [longitude, latitude], zoom: Math.max(map.getZoom(), LOCATE_ZOOM) })
      void readPlace(longitude, latitude)
    },
    () => {
      place = { state: 'failed', message: m.place.locateFailed }
      renderPlacePane()
    },
    { enableHighAccuracy: false, timeout: 15_000, maximumAge: 60_000 },
  )
}

/** The report tab with the place filled in (the form's own inputs, so its marker follows). */
function reportAt(lon: number, lat: number): void {
  selectTab('report')
  for (const [selector, value] of [
    ['.rp-lon', lon],
    ['.rp-lat', lat],
  ] as const) {
    const input = reportsContainer.querySelector<HTMLInputElement>(selector)
    if (!input) continue
    input.value = value.toFixed(6)
    input.dispatchEvent(new Event('change'))
  }
}

const formatDate = formatInstant

function renderLegend(): void {
  const list = el('ul', 'legend-list')
  for (const level of RISK_LEVELS) {
    const item = el('li', 'legend-item')
    item.dataset.level = String(level)
    item.append(levelSwatch(level), el('span', 'legend-name', MESSAGES[lang].levelNames[level]))
    list.append(item)
  }
  const stale = el('li', 'legend-item')
  stale.title = MESSAGES[lang].staleTitle
  const hatch = el('span', 'legend-swatch legend-swatch-hatch')
  hatch.style.backgroundImage = `url(${imageDataUrl(IMAGE_NAMES.staleHatch, STALE_HATCH.swatchBackground)})`
  stale.append(hatch, el('span', 'legend-name', MESSAGES[lang].stale))
  const areas = el('li', 'legend-item')
  areas.append(el('span', 'legend-swatch public-swatch-area'), el('span', 'legend-name', m.areasLegend))
  const shelterItem = el('li', 'legend-item')
  shelterItem.append(el('span', 'legend-swatch public-swatch-shelter'), el('span', 'legend-name', m.sheltersLegend))
  list.append(stale, areas, shelterItem)
  legendRoot.replaceChildren(el('h2', 'legend-title', m.legendTitle), list)
}

function regionTable(items: PublicRegion[]): HTMLTableElement {
  const table = el('table', 'public-regions-table')
  const head = el('tr')
  head.append(
    el('th', undefined, m.regionHeaders.name),
    el('th', undefined, m.regionHeaders.level),
    el('th', undefined, m.regionHeaders.highest),
    el('th', undefined, m.regionHeaders.share),
  )
  table.append(head)
  for (const region of items) {
    const row = el('tr', 'public-region')
    row.dataset.key = region.key
    const high = ((region.shares['3'] ?? 0) + (region.shares['4'] ?? 0)) * 100
    const level = el('td')
    level.append(levelChip(MESSAGES[lang], region.level))
    // The grade comes from the area shares; the highest cell level (就高) stands beside it.
    const highest = el('td', 'public-region-highest')
    if (region.highestLevel !== null) highest.append(levelChip(MESSAGES[lang], region.highestLevel))
    else highest.textContent = '—'
    row.append(el('td', 'public-region-name', divisionName(lang, region)), level, highest, el('td', 'public-region-share', m.highShare(high.toFixed(1))))
    table.append(row)
  }
  return table
}

function publicationInfo(): HTMLElement {
  const info = el('section', 'public-publication')
  if (publication) {
    info.append(el('p', 'public-publication-date', m.publishedAt(formatDate(publication.publishedAt), publication.id)))
    info.dataset.publication = String(publication.id)
    if (publication.note) {
      const note = el('p', 'public-publication-note', `${m.note}：`)
      note.append(userText(publication.note))
      info.append(note)
    }
  } else {
    info.append(el('p', 'public-not-published', m.notPublished))
  }
  return info
}

function renderPlacePane(): void {
  const pane = panes.get('place')!
  const locateButton = el('button', 'place-locate', place.state === 'locating' ? m.place.locating : m.place.locate)
  locateButton.type = 'button'
  locateButton.disabled = place.state === 'locating'
  locateButton.addEventListener('click', locate)
  const top = el('div', 'place-top')
  top.append(el('h2', 'panel-title', m.portalSubtitle), locateButton)
  const body: HTMLElement[] = []
  if (place.state === 'idle' || place.state === 'locating') body.push(el('p', 'place-prompt', m.place.prompt))
  else if (place.state === 'loading') body.push(el('p', 'place-loading', m.place.loading))
  else if (place.state === 'failed') body.push(el('p', 'public-error', place.message))
  else body.push(...renderPlace({ lang, messages: MESSAGES[lang], m, onReportHere: reportAt }, place.reading))
  const result = el('div', 'place-result')
  result.dataset.state = place.state
  result.append(...body)
  pane.replaceChildren(top, publicationInfo(), result)
}

function renderRegionsPane(): void {
  const pane = panes.get('regions')!
  const section = el('section', 'public-regions')
  section.append(el('h3', 'panel-subtitle', m.regionsTitle))
  const bySeverity = (a: PublicRegion, b: PublicRegion) => b.level - a.level || a.key.localeCompare(b.key)
  section.append(regionTable(regions.filter((r) => r.rank === 'county').sort(bySeverity)))
  const townships = regions.filter((r) => r.rank === 'township').sort(bySeverity)
  if (townships.length > 0) {
    const details = el('details', 'public-townships')
    details.append(el('summary', undefined, m.townshipsTitle), regionTable(townships))
    section.append(details)
  }
  const parts: HTMLElement[] = []
  if (regions.length > 0) parts.push(section)
  if (shelters) {
    const shelterSection = el('section', 'public-shelters')
    const details = el('details')
    details.append(el('summary', 'panel-subtitle', `${m.sheltersTitle}（${shelters.features.length}）`))
    const shelterList = el('ul', 'panel-list')
    const people = new Intl.NumberFormat(MESSAGES[lang].locale)
    for (const f of shelters.features) {
      const detail = [f.properties.address, f.properties.capacity === null ? null : m.shelterCapacity(people.format(f.properties.capacity))]
        .filter(Boolean)
        .join(' · ')
      const item = el('li', 'public-shelter')
      item.append(el('div', 'item-head', f.properties.name), el('div', 'public-shelter-detail', detail))
      shelterList.append(item)
    }
    details.append(shelterList)
    shelterSection.append(details)
    parts.push(shelterSection)
  }
  pane.replaceChildren(...parts)
}

async function showPenaltyPage(page: number): Promise<void> {
  const loaded = await attempt('penalties', () => fetchPenaltyPage(PENALTIES_PER_PAGE, page * PENALTIES_PER_PAGE))
  if (loaded) {
    penalties = loaded
    penaltyPage = page
  }
  renderPenaltiesPane()
  renderErrors()
}

function renderPenaltiesPane(): void {
  const pane = panes.get('penalties')!
  const section = el('section', 'public-penalties')
  section.append(el('h3', 'panel-subtitle', m.penaltiesTitle))
  if (penalties.items.length === 0) section.append(el('p', 'panel-empty', m.penaltiesEmpty))
  const list = el('ul', 'panel-list')
  const yuan = new Intl.NumberFormat(MESSAGES[lang].locale)
  for (const p of penalties.items) {
    const item = el('li', 'public-penalty')
    item.append(
      el('div', 'item-head', `${p.decisionNo}`),
      el('div', 'public-penalty-detail', [p.decidedAt, p.divisionName, m.penaltyAmount(yuan.format(p.amountYuan))].filter(Boolean).join(' · ')),
    )
    if (p.violationCategory) item.append(el('div', 'public-penalty-category', p.violationCategory))
    list.append(item)
  }
  section.append(list)
  const pages = Math.max(1, Math.ceil(penalties.total / PENALTIES_PER_PAGE))
  if (penalties.total > PENALTIES_PER_PAGE) {
    const pager = el('div', 'public-pager')
    const previous = el('button', 'public-pager-previous', m.pager.previous)
    const next = el('button', 'public-pager-next', m.pager.next)
    previous.type = next.type = 'button'
    previous.disabled = penaltyPage === 0
    next.disabled = penaltyPage >= pages - 1
    previous.addEventListener('click', () => void showPenaltyPage(penaltyPage - 1))
    next.addEventListener('click', () => void showPenaltyPage(penaltyPage + 1))
    pager.append(previous, el('span', 'public-pager-status', m.pager.page(penaltyPage + 1, pages, penalties.total)), next)
    section.append(pager)
  }
  pane.replaceChildren(section)
}

function renderTabs(): void {
  for (const id of TABS) {
    const button = tabButtons.get(id)!
    button.textContent = m.tabs[id]
    button.setAttribute('aria-selected', String(id === tab))
    button.tabIndex = id === tab ? 0 : -1
    panes.get(id)!.hidden = id !== tab
  }
  panel.dataset.tab = tab
}

function renderErrors(): void {
  errorsBox.replaceChildren(...loadErrors.map((error) => el('p', 'public-error', `${m.loadFailed}${error}`)))
}

function render(): void {
  document.title = `${m.portalTitle} · ${MESSAGES[lang].productName}`
  title.textContent = m.portalTitle
  dateLine.textContent = publication ? m.publishedAt(formatDate(publication.publishedAt), publication.id) : m.notPublished
  dateLine.dataset.publication = publication ? String(publication.id) : ''
  signInLink.textContent = m.signIn.open
  reportButton.textContent = m.reportHazard
  renderLegend()
  renderTabs()
  renderErrors()
  renderPlacePane()
  renderRegionsPane()
  renderPenaltiesPane()
}

/** A load that failed is named on the page and logged; the rest of the page still works. */
async function attempt<T>(what: string, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load()
  } catch (err) {
    console.warn(`riskmap public: ${what} failed`, err)
    loadErrors.push(err instanceof Error ? err.message : String(err))
    return undefined
  }
}

async function loadBasemap(signal: AbortSignal): Promise<void> {
  const [city, counties, townships] = await Promise.all([
    fetchPublicDivisions('city', SIMPLIFY_M.city, signal),
    fetchPublicDivisions('county', SIMPLIFY_M.county, signal),
    fetchPublicDivisions('township', SIMPLIFY_M.township, signal),
  ])
  await styleLoaded
  setBasemapData(map, { city, counties, townships })
  const box = collectionBounds(counties)
  // A link with a view (`#map=…`) keeps it; otherwise the whole city.
  if (box && !/(^#|&)map=/.test(window.location.hash)) map.fitBounds(box, { padding: FIT_PADDING_PX, animate: false })
}

/** Resolves once both public tile sources have read their TileJSON. */
function tileSourcesLoaded(target: MaplibreMap): Promise<void> {
  const ids = [PUBLIC_SOURCES.cells, PUBLIC_SOURCES.areas]
  const ready = () => ids.every((id) => (target.getSource(id) as VectorTileSource | undefined)?.tiles !== undefined)
  return new Promise((resolve) => {
    const check = () => {
      if (!ready()) return
      target.off('sourcedata', check)
      resolve()
    }
    target.on('sourcedata', check)
    check()
  })
}

function nextIdle(target: MaplibreMap): Promise<unknown> {
  const idle = target.once('idle')
  target.triggerRepaint()
  return idle
}

async function start(): Promise<void> {
  const loads = new AbortController()
  window.addEventListener('pagehide', () => loads.abort(), { once: true })
  render()
  openSignInFromHash()
  // A click reads the place, except while the report form is open: there it picks the report's place.
  map.on('click', (event) => {
    if (tab !== 'report') void readPlace(event.lngLat.lng, event.lngLat.lat)
  })
  map.on('style.load', () => {
    addMapImages(map)
    addPublicOverlays(map, window.location.origin)
  })
  map.on('error', (event) => console.warn('riskmap public: map error', event.error))
  const basemap = attempt('divisions', () => loadBasemap(loads.signal))
  const [p, r, pen, sh] = await Promise.all([
    attempt('publication', () => fetchPublication(loads.signal)),
    attempt('regions', () => fetchPublicRegions(loads.signal)),
    attempt('penalties', () => fetchPenaltyPage(PENALTIES_PER_PAGE, 0, loads.signal)),
    attempt('shelters', () => fetchShelters(loads.signal)),
  ])
  publication = p ?? null
  regions = r ?? []
  penalties = pen ?? penalties
  shelters = sh ?? null
  render()
  await styleLoaded
  if (shelters) setShelters(map, shelters)
  mountPublicReports(reportsContainer, map, lang)
  await Promise.all([basemap, tileSourcesLoaded(map)])
  await nextIdle(map)
}

exposeTestHook({ map, ready: start() })
