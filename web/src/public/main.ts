import 'maplibre-gl/dist/maplibre-gl.css'
import '../style.css'
import './public.css'
import type { Map as MaplibreMap, VectorTileSource } from 'maplibre-gl'
import { MESSAGES, type Lang, initialLang, otherLang, persistLang } from '../i18n'
import { collectionBounds } from '../map/bounds'
import { createMap, relabelControls } from '../map/create'
import { IMAGE_NAMES, addMapImages, imageDataUrl } from '../map/images'
import { CELL_FILL_OPACITY, LEVEL_COLORS, LEVEL_TEXT_COLORS, RISK_LEVELS, STALE_HATCH, blendOver } from '../map/levels'
import { BASEMAP_COLORS, setBasemapData, setBasemapLanguage } from '../map/style'
import { requireElement, el } from '../ui/dom'
import { formatInstant } from '../ui/format'
import { exposeTestHook } from '../test-hook'
import { mountPublicReports } from '../reports/public-form'
import type { Level } from '../api/types'
import {
  fetchPublicDivisions, fetchPublicPenalties, fetchPublicRegions, fetchPublication, fetchShelters,
  type PublicPenalty, type PublicPublication, type PublicRegion, type ShelterCollection,
} from './api'
import { PUBLIC_SOURCES, addPublicOverlays, setShelters } from './layers'
import { PUBLIC_MESSAGES } from './messages'
import { loginParam, safeNextPath, withoutLoginParam } from './next'
import { SignInForm } from './sign-in'

// The public portal (DESIGN §8): the latest publication on the same offline basemap as the staff
// map, its regions, shelters and published penalties, the public report form, and the staff
// sign-in form (`#login=<next path>`). It calls only /api/public/…, /tiles/public/… and sign-in.

/** Simplification tolerances (metres) of the basemap polygons, as on the staff map. */
const SIMPLIFY_M = { city: 100, county: 30, township: 15 } as const
const FIT_PADDING_PX = 24
/** Published penalties listed on the page (newest first). */
const PENALTIES_SHOWN = 20

function storage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

let lang: Lang = initialLang(window.location, storage())
let m = PUBLIC_MESSAGES[lang]
let publication: PublicPublication | null = null
let regions: PublicRegion[] = []
let penalties: { total: number; items: PublicPenalty[] } = { total: 0, items: [] }
let shelters: ShelterCollection | null = null
const loadErrors: string[] = []

const header = requireElement(document, '.app-header')
const title = requireElement(header, '.app-title')
const dateLine = requireElement(header, '.publication-date')
const langSwitch = requireElement<HTMLButtonElement>(header, '.lang-switch')
const signInButton = requireElement<HTMLButtonElement>(header, '.sign-in-open')
const mapContainer = requireElement(document, '#map')
const legendRoot = requireElement(document, '.legend')
const panel = requireElement(document, '.public-panel')
const reportsContainer = requireElement(panel, '.public-reports')
const map = createMap(mapContainer, lang, MESSAGES[lang])
const styleLoaded = map.once('load')

const signInForm = new SignInForm(requireElement(document, '.sign-in'), m, {
  onSignedIn: () => window.location.assign(safeNextPath(loginParam(window.location.hash), window.location.origin)),
  onCancel: () => {
    const url = new URL(window.location.href)
    url.hash = withoutLoginParam(url.hash)
    window.history.replaceState(window.history.state, '', url)
  },
})

signInButton.addEventListener('click', () => {
  if (loginParam(window.location.hash) === null) {
    const url = new URL(window.location.href)
    url.hash = `login=${encodeURIComponent('/')}${url.hash ? `&${url.hash.slice(1)}` : ''}`
    window.history.replaceState(window.history.state, '', url)
  }
  signInForm.open()
})
langSwitch.addEventListener('click', switchLanguage)
window.addEventListener('hashchange', openSignInFromHash)

function openSignInFromHash(): void {
  if (loginParam(window.location.hash) !== null && !signInForm.isOpen) signInForm.open()
}

function switchLanguage(): void {
  lang = otherLang(lang)
  m = PUBLIC_MESSAGES[lang]
  persistLang(lang, storage())
  signInForm.setMessages(m)
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, MESSAGES[lang])
  mountPublicReports(reportsContainer, map, lang)
  render()
}

const formatDate = formatInstant

function levelChip(level: Level): HTMLElement {
  const chip = el('span', 'level-chip', MESSAGES[lang].levelNames[level])
  chip.dataset.level = String(level)
  chip.style.backgroundColor = LEVEL_COLORS[level]
  chip.style.color = LEVEL_TEXT_COLORS[level]
  return chip
}

function renderLegend(): void {
  const list = el('ul', 'legend-list')
  for (const level of RISK_LEVELS) {
    const item = el('li', 'legend-item')
    item.dataset.level = String(level)
    const swatch = el('span', 'legend-swatch')
    const [r, g, b] = blendOver(LEVEL_COLORS[level], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)
    swatch.style.backgroundColor = `rgb(${r}, ${g}, ${b})`
    swatch.style.borderColor = LEVEL_COLORS[level]
    item.append(swatch, el('span', 'legend-name', MESSAGES[lang].levelNames[level]))
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
  head.append(el('th', undefined, m.regionHeaders.name), el('th', undefined, m.regionHeaders.level), el('th', undefined, m.regionHeaders.highest), el('th', undefined, m.regionHeaders.share))
  table.append(head)
  for (const region of items) {
    const row = el('tr', 'public-region')
    row.dataset.key = region.key
    const high = ((region.shares['3'] ?? 0) + (region.shares['4'] ?? 0)) * 100
    const level = el('td')
    level.append(levelChip(region.level))
    // The grade comes from the area shares; the highest cell level (就高) stands beside it.
    const highest = el('td', 'public-region-highest')
    if (region.highestLevel !== null) highest.append(levelChip(region.highestLevel))
    else highest.textContent = '—'
    row.append(el('td', 'public-region-name', region.name), level, highest, el('td', 'public-region-share', m.highShare(high.toFixed(1))))
    table.append(row)
  }
  return table
}

function renderPanel(): void {
  const sections: HTMLElement[] = []
  const info = el('section', 'public-publication')
  info.append(el('h2', 'panel-title', m.portalSubtitle))
  if (publication) {
    info.append(el('p', 'public-publication-date', m.publishedAt(formatDate(publication.publishedAt), publication.id)))
    info.dataset.publication = String(publication.id)
    if (publication.note) info.append(el('p', 'public-publication-note', `${m.note}：${publication.note}`))
  } else {
    info.append(el('p', 'public-not-published', m.notPublished))
  }
  for (const error of loadErrors) info.append(el('p', 'public-error', `${m.loadFailed}${error}`))
  sections.push(info)

  if (regions.length > 0) {
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
    sections.push(section)
  }

  const penaltySection = el('section', 'public-penalties')
  penaltySection.append(el('h3', 'panel-subtitle', m.penaltiesTitle))
  if (penalties.items.length === 0) penaltySection.append(el('p', 'panel-empty', m.penaltiesEmpty))
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
  penaltySection.append(list)
  sections.push(penaltySection)

  if (shelters) {
    const shelterSection = el('section', 'public-shelters')
    const details = el('details')
    details.append(el('summary', 'panel-subtitle', `${m.sheltersTitle}（${shelters.features.length}）`))
    const shelterList = el('ul', 'panel-list')
    const people = new Intl.NumberFormat(MESSAGES[lang].locale)
    for (const f of shelters.features) {
      const detail = [f.properties.address, f.properties.capacity === null ? null : m.shelterCapacity(people.format(f.properties.capacity))].filter(Boolean).join(' · ')
      const item = el('li', 'public-shelter')
      item.append(el('div', 'item-head', f.properties.name), el('div', 'public-shelter-detail', detail))
      shelterList.append(item)
    }
    details.append(shelterList)
    shelterSection.append(details)
    sections.push(shelterSection)
  }

  // The report form lives in its own container, moved (not rebuilt) on every render.
  panel.replaceChildren(...sections, reportsContainer)
}

function render(): void {
  document.documentElement.lang = MESSAGES[lang].locale
  document.title = `${m.portalTitle} · ${MESSAGES[lang].productName}`
  title.textContent = m.portalTitle
  dateLine.textContent = publication ? m.publishedAt(formatDate(publication.publishedAt), publication.id) : m.notPublished
  dateLine.dataset.publication = publication ? String(publication.id) : ''
  langSwitch.textContent = MESSAGES[lang].switchLanguage
  langSwitch.title = MESSAGES[lang].switchLanguageTitle
  signInButton.textContent = m.signIn.open
  renderLegend()
  renderPanel()
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
  map.on('style.load', () => {
    addMapImages(map)
    addPublicOverlays(map, window.location.origin)
  })
  map.on('error', (event) => console.warn('riskmap public: map error', event.error))
  const basemap = attempt('divisions', () => loadBasemap(loads.signal))
  const [p, r, pen, sh] = await Promise.all([
    attempt('publication', () => fetchPublication(loads.signal)),
    attempt('regions', () => fetchPublicRegions(loads.signal)),
    attempt('penalties', () => fetchPublicPenalties(PENALTIES_SHOWN, loads.signal)),
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
