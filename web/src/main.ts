import 'maplibre-gl/dist/maplibre-gl.css'
import './style.css'
import type { Map as MaplibreMap, MapMouseEvent, VectorTileSource } from 'maplibre-gl'
import { fetchEnterprises, fetchHealth } from './api/client'
import { MESSAGES, type Lang } from './i18n'
import type { LonLatBox } from './map/bounds'
import { moveTo, panelPadding, type CameraMove } from './map/camera'
import { divisionsAt } from './map/contains'
import { createMap, relabelControls } from './map/create'
import { isClickableAt, selectionAt } from './map/hit'
import { addMapImages } from './map/images'
import { addOverlays, overlaySourceId, setOverlayVisible } from './map/layers'
import { DEFAULT_OVERLAYS, OVERLAY_IDS, TILE_OVERLAY_IDS, type OverlayId } from './map/overlays'
import { CoverageGaps } from './map/gaps'
import { addSelectionLayers, showHighlight } from './map/selection'
import { loadDivisionBasemap } from './map/division-basemap'
import { setBasemapLanguage, type BasemapData } from './map/style'
import { createPanelView } from './panels/create'
import { SidePanel, type FocusMode } from './panels/host'
import type { PanelFocus } from './panels/view'
import { localResults, type SearchResult } from './search/results'
import { sameSelection } from './state/selection'
import { parseUrlHash, withUrlState } from './state/url'
import { ErrorBanner, type ErrorContext } from './ui/banner'
import { requireElement } from './ui/dom'
import { Header } from './ui/header'
import { TimeControl } from './history/time-control'
import { Legend } from './ui/legend'
import { SearchBox } from './ui/search'
import { exposeTestHook } from './test-hook'
import { mayUseScenarios } from './panels/scenario-link'
import { IncidentPanel, type IncidentSnapshot } from './incident/panel'
import { renderDispatchSheet } from './incident/sheet'
import { addIncidentLayers, showIncident, showIsochrones } from './map/incident'
import { parseIncidentParam, withIncidentParam } from './state/incident'
import { ImportView } from './transfer/view'
import { refreshOverlayTiles } from './transfer/refresh'
import { MapExportControl } from './export/control'
import { startStaffPage } from './ui/page'

// Simplification tolerances (metres) for the basemap polygons: invisible at the zooms they are
// drawn at, and they keep the first load small.
/** Room around the divisions when fitting them to the window, pixels. */
const FIT_PADDING_PX = 24
/** Zoom a coordinate search flies to: analysis cells are drawn from zoom 12. */
const COORDINATES_ZOOM = 14

// Staff only: an anonymous visitor is sent to the public portal's sign-in form.
const { page, user } = await startStaffPage({ header: requireElement(document, '.app-header') })
let messages = page.messages
const initialUrl = parseUrlHash(window.location.hash)
/** The incident of a link (incident mode), WGS 84. */
const initialIncident = parseIncidentParam(window.location.hash)
let overlays = new Set<OverlayId>(initialUrl.layers ?? DEFAULT_OVERLAYS)
let basemap: BasemapData | null = null
/** The divisions' extent: the map's home view and the area coordinates are expected in. */
let homeBox: LonLatBox | null = null

const mapContainer = requireElement(document, '#map')
const panelRoot = requireElement(document, '.panel')
const banner = new ErrorBanner(requireElement(document, '.banner'), messages)
const header = new Header(requireElement(document, '.app-header'), messages, toggleIncident)
const map = createMap(mapContainer, page.lang, messages)
map.addControl(
  new MapExportControl({ placesAt: (lon, lat) => (basemap ? divisionsAt([basemap.city, basemap.counties, basemap.townships], lon, lat) : []) }),
  'top-right',
)
map.addControl(new TimeControl(), 'top-right')
const styleLoaded = map.once('load')
const gaps = new CoverageGaps(map, messages, { onError: (context, err) => showError(context, err) })

const legend = new Legend(requireElement(document, '.legend'), messages, overlays, {
  onToggle: (id, visible) => {
    if (visible) overlays.add(id)
    else overlays.delete(id)
    setOverlayVisible(map, id, visible)
    if (id === 'coverage_gaps') void gaps.setVisible(visible)
    writeUrl()
  },
  overlayControls: (id) => (id === 'coverage_gaps' ? gaps.controls : null),
})

const panel = new SidePanel(panelRoot, messages, {
  createView: (selection) =>
    createPanelView(selection, {
      navigate: (next) => void panel.open(next, { mode: 'reveal', push: true }),
      showOnMap: (target) => moveTo(map, target, 'fly', panelPadding(map, panelRoot)),
      divisionsAt: (lon, lat) => (basemap ? divisionsAt([basemap.counties, basemap.townships], lon, lat) : []),
      reportError: showError,
      scenarios: mayUseScenarios(user.role),
    }),
  onChange: () => writeUrl(),
  onFocus: focusMap,
  onError: showError,
})

const incidentRoot = requireElement(document, '.incident-panel')
const sheetRoot = requireElement(document, '.dispatch-sheet')
const incident = new IncidentPanel(incidentRoot, messages, {
  area: () => homeBox,
  onIncident: (point, resources) => {
    showIncident(map, point, resources)
    if (point) {
      // Bring the incident and its resources into view.
      const lons = [point[0], ...resources.map((r) => r.lon)]
      const lats = [point[1], ...resources.map((r) => r.lat)]
      // At least the 1 km ring (≈ 0.009° of latitude) around the incident.
      const [dLon, dLat] = [0.009 / Math.cos((point[1] * Math.PI) / 180), 0.009]
      const box: LonLatBox = [
        Math.min(...lons, point[0] - dLon),
        Math.min(...lats, point[1] - dLat),
        Math.max(...lons, point[0] + dLon),
        Math.max(...lats, point[1] + dLat),
      ]
      moveTo(map, { bbox: box }, 'fly', panelPadding(map, incidentRoot))
    }
    writeUrl()
  },
  onIsochrones: (isochrones) => showIsochrones(map, isochrones),
  onPrint: (snapshot) => void printDispatchSheet(snapshot),
  onError: showError,
})

const search = new SearchBox(requireElement(document, '.search'), messages, {
  localResults: (query) => localResults(query, basemap ? [basemap.city, basemap.counties, basemap.townships] : [], homeBox),
  onChoose: (result) => void chooseSearchResult(result),
  onError: (err) => showError('search', err),
})

const importView = new ImportView(requireElement(document, '.app-header'), requireElement(document, '.app-main'), messages, {
  onImported: () => refreshOverlayTiles(map),
})
// Importing is the planners' (the API refuses others with 403).
requireElement(document, '.import-toggle').hidden = !(user.role === 'admin' || user.role === 'planner')

applyDocumentLanguage()
page.onSwitch(switchLanguage)

function showError(context: ErrorContext, error: unknown): void {
  console.warn(`riskmap: ${context} failed`, error)
  banner.show(context, error)
}

function applyDocumentLanguage(): void {
  document.documentElement.lang = messages.locale
  document.title = messages.productName
}

function switchLanguage(lang: Lang): void {
  messages = MESSAGES[lang]
  applyDocumentLanguage()
  for (const part of [banner, header, gaps, legend, panel, search, incident]) part.setMessages(messages)
  importView.setMessages(messages)
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, messages)
}

/** Keeps the overlays and the selection in the URL hash, beside MapLibre's `map=` view. */
function writeUrl(): void {
  // While an incident from the URL loads, the URL keeps it.
  const point = incident.point ?? (incident.isActive ? parseIncidentParam(window.location.hash) : null)
  const hash = withIncidentParam(withUrlState(window.location.hash, { layers: [...overlays], selection: panel.selection }), point)
  if (hash === window.location.hash) return
  const url = new URL(window.location.href)
  url.hash = hash
  window.history.replaceState(window.history.state, '', url)
}

/** Applies a hash edited by hand (or a link followed within the page): overlays and selection. */
function readUrl(): void {
  const state = parseUrlHash(window.location.hash)
  const wanted = new Set(state.layers ?? DEFAULT_OVERLAYS)
  for (const id of OVERLAY_IDS) {
    if (wanted.has(id) !== overlays.has(id)) setOverlayVisible(map, id, wanted.has(id))
  }
  if (wanted.has('coverage_gaps') !== overlays.has('coverage_gaps')) void gaps.setVisible(wanted.has('coverage_gaps'))
  overlays = wanted
  legend.setVisible(overlays)
  const wantedIncident = parseIncidentParam(window.location.hash)
  const current = incident.point
  if (wantedIncident && (!current || wantedIncident[0] !== Number(current[0].toFixed(6)) || wantedIncident[1] !== Number(current[1].toFixed(6)))) {
    setIncidentMode(true)
    void incident.place({ lon: wantedIncident[0], lat: wantedIncident[1], crs: 'wgs84' })
    return
  }
  if (!sameSelection(state.selection, panel.selection)) {
    if (state.selection) void panel.open(state.selection, { mode: state.view ? 'none' : 'fly' })
    else panel.close()
  }
}

/** Shows a loaded panel's highlight and, as asked, brings it into view. */
function focusMap(focus: PanelFocus | null, mode: FocusMode): void {
  showHighlight(map, focus?.highlight ?? null)
  if (!focus || mode === 'none') return
  const move: CameraMove = mode
  moveTo(map, focus.target, move, panelPadding(map, panelRoot))
}

/** Switches incident mode on (closing the side panel it replaces) or off (clearing the incident). */
function setIncidentMode(on: boolean): void {
  if (on) {
    panel.close()
    incident.open()
  } else {
    incident.close()
  }
  header.setIncidentActive(incident.isActive)
}

function toggleIncident(): void {
  setIncidentMode(!incident.isActive)
}

/**
 * A copy of the map as drawn, as a PNG data: URL. The map keeps no drawing buffer between frames,
 * so the copy is taken inside the `render` event of a fresh frame, while the frame is still there.
 */
function captureMap(): Promise<string> {
  return new Promise((resolve) => {
    map.once('render', () => resolve(map.getCanvas().toDataURL('image/png')))
    map.triggerRepaint()
  })
}

/** Fills the dispatch sheet with the incident, a picture of the map and the lists, then prints. */
async function printDispatchSheet(snapshot: IncidentSnapshot): Promise<void> {
  const image = await captureMap()
  renderDispatchSheet(sheetRoot, messages, snapshot, image, new Date(), () => {
    sheetRoot.hidden = true
  })
  window.print()
}

async function chooseSearchResult(result: SearchResult): Promise<void> {
  if (incident.isActive) {
    // In incident mode typed coordinates place the incident; anything else leaves the mode.
    if (result.kind === 'coordinates') {
      await incident.place({ lon: result.lon, lat: result.lat, crs: 'wgs84' })
      return
    }
    setIncidentMode(false)
  }
  switch (result.kind) {
    case 'enterprise':
      await panel.open({ kind: 'enterprise', id: result.id }, { mode: 'fly' })
      return
    case 'division':
      await panel.open({ kind: 'region', code: result.code }, { mode: 'fly' })
      return
    case 'coordinates': {
      panel.close()
      const center: [number, number] = [result.lon, result.lat]
      showHighlight(map, { geometry: { type: 'Point', coordinates: center } })
      moveTo(map, { center, zoom: Math.max(COORDINATES_ZOOM, map.getZoom()) }, 'fly', panelPadding(map, panelRoot))
      // Once there, open the cell under the point, if one is drawn.
      await map.once('moveend')
      await nextIdle(map)
      const point = map.project(center)
      const hit = selectionAt(map, point, { regionOnly: false })
      if (hit?.kind === 'cell') await panel.open(hit, { mode: 'none' })
      return
    }
  }
}

/** Loads the city, county and township polygons into the basemap. */
async function loadBasemap(signal: AbortSignal, fit: boolean): Promise<void> {
  const loaded = await loadDivisionBasemap(map, styleLoaded, signal)
  basemap = loaded.data
  homeBox = loaded.box
  if (homeBox && fit) map.fitBounds(homeBox, { padding: FIT_PADDING_PX, animate: false })
}

/** Shows the demo-data badge when the enterprises are synthetic (one enterprise is enough to tell). */
async function loadDemoFlag(signal: AbortSignal): Promise<void> {
  const page = await fetchEnterprises({ limit: 1 }, signal)
  header.setDemoData(page.features.some((f) => f.properties.synthetic))
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

/**
 * Resolves when every overlay source has read its TileJSON; rejects when one cannot (the map's
 * error event has already shown it).
 */
function overlaySourcesLoaded(target: MaplibreMap): Promise<void> {
  const sourceIds = new Set(TILE_OVERLAY_IDS.map(overlaySourceId))
  const hasMetadata = (id: string): boolean => (target.getSource(id) as VectorTileSource | undefined)?.tiles !== undefined
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      target.off('sourcedata', onData)
      target.off('error', onError)
    }
    const onData = (): void => {
      if (![...sourceIds].every(hasMetadata)) return
      finish()
      resolve()
    }
    const onError = (event: { error: { message: string }; sourceId?: string }): void => {
      if (!event.sourceId || !sourceIds.has(event.sourceId) || hasMetadata(event.sourceId)) return
      finish()
      reject(new Error(event.error.message))
    }
    target.on('sourcedata', onData)
    target.on('error', onError)
    onData()
  })
}

/** The lowest zoom of each overlay's tiles, from the TileJSON MapLibre has read. */
function overlayMinZooms(target: MaplibreMap): Partial<Record<OverlayId, number>> {
  const zooms: Partial<Record<OverlayId, number>> = {}
  for (const id of TILE_OVERLAY_IDS) {
    const source = target.getSource(overlaySourceId(id)) as VectorTileSource | undefined
    if (source?.tiles) zooms[id] = source.minzoom
  }
  return zooms
}

function onMapClick(event: MapMouseEvent): void {
  if (incident.isActive) {
    void incident.place({ lon: event.lngLat.lng, lat: event.lngLat.lat, crs: 'wgs84' })
    return
  }
  const regionOnly = event.originalEvent.shiftKey
  // A coverage-gap cell names its nearest team in a popup; the cell's panel opens as well.
  if (!regionOnly) gaps.showPopupAt(event.point, [event.lngLat.lng, event.lngLat.lat])
  let selection = selectionAt(map, event.point, { regionOnly })
  if (!selection && regionOnly && basemap) {
    // The regions overlay is off: the basemap's own divisions still say where the click is.
    const divisions = divisionsAt([basemap.counties, basemap.townships], event.lngLat.lng, event.lngLat.lat)
    const finest = divisions[divisions.length - 1]
    if (finest) selection = { kind: 'region', code: finest.code }
  }
  if (selection) void panel.open(selection, { mode: 'none' })
  else panel.close()
}

function wireInteraction(): void {
  map.on('style.load', () => {
    addMapImages(map)
    addOverlays(map, overlays, window.location.origin)
    addSelectionLayers(map)
    addIncidentLayers(map)
  })
  map.on('click', onMapClick)
  let pointerFrame = 0
  map.on('mousemove', (event) => {
    if (pointerFrame) return
    pointerFrame = requestAnimationFrame(() => {
      pointerFrame = 0
      map.getCanvas().style.cursor = isClickableAt(map, event.point) ? 'pointer' : ''
    })
  })
  map.on('mouseout', () => {
    map.getCanvas().style.cursor = ''
  })
  map.on('zoomend', () => legend.setZoom(map.getZoom(), overlayMinZooms(map)))
  map.on('sourcedata', (event) => {
    if (event.sourceDataType === 'metadata') legend.setZoom(map.getZoom(), overlayMinZooms(map))
  })
  window.addEventListener('hashchange', readUrl)
  // MapLibre reports failures (a source that cannot load, a bad expression) as error events.
  map.on('error', (event) => showError('map', event.error))
}

async function start(): Promise<void> {
  const loads = new AbortController()
  window.addEventListener('pagehide', () => loads.abort(), { once: true })
  void loadHealth(loads.signal)
  void loadDemoFlag(loads.signal).catch((err: unknown) => showError('loadEnterprises', err))
  const restore = initialUrl.selection
  // A link with a view shows that view; one with only a selection goes to the selection; else the whole city.
  const basemapLoad = loadBasemap(loads.signal, !initialUrl.view && !restore).catch((err: unknown) => {
    showError('loadDivisions', err)
    throw err
  })
  await styleLoaded
  writeUrl()
  let restored: Promise<void>
  if (initialIncident) {
    setIncidentMode(true)
    restored = incident.place({ lon: initialIncident[0], lat: initialIncident[1], crs: 'wgs84' })
  } else {
    restored = restore ? panel.open(restore, { mode: initialUrl.view ? 'none' : 'jump' }) : Promise.resolve()
  }
  const gapsLoad = overlays.has('coverage_gaps') ? gaps.setVisible(true) : Promise.resolve()
  await Promise.all([basemapLoad, overlaySourcesLoaded(map), restored, gapsLoad])
  legend.setZoom(map.getZoom(), overlayMinZooms(map))
  await nextIdle(map)
}

wireInteraction()
exposeTestHook({ map, ready: start() })
