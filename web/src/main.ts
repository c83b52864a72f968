import 'maplibre-gl/dist/maplibre-gl.css'
import './style.css'
import type { Map as MaplibreMap, MapLayerMouseEvent } from 'maplibre-gl'
import { fetchAllEnterprises, fetchDivisions, fetchHealth } from './api/client'
import type { DivisionCollection } from './api/types'
import { MESSAGES, type Lang, initialLang, otherLang, persistLang } from './i18n'
import { collectionBounds } from './map/bounds'
import { createMap, relabelControls, urlHasView } from './map/create'
import { ENTERPRISE_LAYERS, addEnterpriseLayers, selectEnterprise, setEnterpriseData } from './map/layers'
import { setBasemapData, setBasemapLanguage } from './map/style'
import { EnterprisePanel } from './panels/enterprise'
import { ErrorBanner, type ErrorContext } from './ui/banner'
import { requireElement } from './ui/dom'
import { Header } from './ui/header'
import { Legend, countByLevel } from './ui/legend'
import { exposeTestHook } from './test-hook'

// Simplification tolerances (metres) for the basemap polygons: invisible at the zooms they are
// drawn at, and they keep the first load small.
const COUNTY_SIMPLIFY_M = 30
const TOWNSHIP_SIMPLIFY_M = 15
/** Room around the divisions when fitting them to the window, pixels. */
const FIT_PADDING_PX = 24

function storage(): Storage | null {
  try {
    return window.localStorage
  } catch {
    return null
  }
}

let lang: Lang = initialLang(window.location, storage())
let messages = MESSAGES[lang]

const mapContainer = requireElement(document, '#map')
const banner = new ErrorBanner(requireElement(document, '.banner'), messages)
const header = new Header(requireElement(document, '.app-header'), messages, switchLanguage)
const legend = new Legend(requireElement(document, '.legend'), messages)
const fitToDivisions = !urlHasView(window.location.hash)
const map = createMap(mapContainer, lang, messages)
const styleLoaded = map.once('load')

let selectedId: number | null = null
const panel = new EnterprisePanel(requireElement(document, '.panel'), messages, {
  onClose: () => {
    selectedId = selectEnterprise(map, selectedId, null)
  },
  onError: (err) => showError('loadEnterprise', err),
})

applyDocumentLanguage()

function showError(context: ErrorContext, error: unknown): void {
  console.warn(`riskmap: ${context} failed`, error)
  banner.show(context, error)
}

function applyDocumentLanguage(): void {
  document.documentElement.lang = messages.locale
  document.title = messages.productName
}

function switchLanguage(): void {
  lang = otherLang(lang)
  messages = MESSAGES[lang]
  persistLang(lang, storage())
  applyDocumentLanguage()
  for (const part of [banner, header, legend, panel]) part.setMessages(messages)
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, messages)
}

/** Loads the county and township polygons into the basemap; returns the counties. */
async function loadBasemap(signal: AbortSignal): Promise<DivisionCollection> {
  const [counties, townships] = await Promise.all([
    fetchDivisions('county', { simplifyM: COUNTY_SIMPLIFY_M, signal }),
    fetchDivisions('township', { simplifyM: TOWNSHIP_SIMPLIFY_M, signal }),
  ])
  await styleLoaded
  setBasemapData(map, { counties, townships })
  const bounds = collectionBounds(counties)
  if (bounds && fitToDivisions) map.fitBounds(bounds, { padding: FIT_PADDING_PX, animate: false })
  return counties
}

/** Loads every enterprise onto the map and counts them by level for the legend. */
async function loadEnterprises(signal: AbortSignal): Promise<void> {
  const enterprises = await fetchAllEnterprises({}, signal)
  await styleLoaded
  await setEnterpriseData(map, enterprises)
  legend.setCounts(countByLevel(enterprises.features.map((f) => f.properties.level)))
  header.setDemoData(enterprises.features.some((f) => f.properties.synthetic))
}

async function loadHealth(signal: AbortSignal): Promise<void> {
  try {
    header.setHealth({ kind: 'ok', health: await fetchHealth(signal) })
  } catch (err) {
    header.setHealth({ kind: 'error' })
    showError('loadHealth', err)
  }
}

/** Resolves on the next frame that leaves the map with nothing left to load or draw. */
function nextIdle(target: MaplibreMap): Promise<unknown> {
  const idle = target.once('idle')
  target.triggerRepaint()
  return idle
}

function wireInteraction(): void {
  map.on('style.load', () => addEnterpriseLayers(map))
  map.on('mouseenter', ENTERPRISE_LAYERS.points, () => {
    map.getCanvas().style.cursor = 'pointer'
  })
  map.on('mouseleave', ENTERPRISE_LAYERS.points, () => {
    map.getCanvas().style.cursor = ''
  })
  map.on('click', (event) => {
    const hit = map.queryRenderedFeatures(event.point, { layers: [ENTERPRISE_LAYERS.points] })[0]
    if (!hit) panel.close()
  })
  map.on('click', ENTERPRISE_LAYERS.points, (event: MapLayerMouseEvent) => {
    const id = Number(event.features?.[0]?.properties.id)
    if (!Number.isSafeInteger(id)) return
    selectedId = selectEnterprise(map, selectedId, id)
    void panel.open(id)
  })
  // MapLibre reports failures (a source that cannot load, a bad expression) as error events.
  map.on('error', (event) => showError('map', event.error))
}

async function start(): Promise<void> {
  const loads = new AbortController()
  window.addEventListener('pagehide', () => loads.abort(), { once: true })
  void loadHealth(loads.signal)
  const basemap = loadBasemap(loads.signal).catch((err: unknown) => {
    showError('loadDivisions', err)
    throw err
  })
  const enterprises = loadEnterprises(loads.signal).catch((err: unknown) => {
    legend.setCounts(null)
    showError('loadEnterprises', err)
    throw err
  })
  await Promise.all([basemap, enterprises])
  await nextIdle(map)
}

wireInteraction()
exposeTestHook({ map, ready: start() })
