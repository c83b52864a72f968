import 'maplibre-gl/dist/maplibre-gl.css'
import type { ExpressionSpecification, GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl'
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson'
import { getJson, isAbortError } from '../api/client'
import type { RankingMapCollection } from '../api/contract'
import { MESSAGES, type Lang } from '../i18n'
import { collectionBounds } from '../map/bounds'
import { createMap, relabelControls } from '../map/create'
import { loadDivisionBasemap } from '../map/division-basemap'
import { addSelectionLayers, showHighlight } from '../map/selection'
import { FIRST_LABEL_LAYER, LABEL_FONT_STACK, setBasemapLanguage } from '../map/style'
import { VIEW_PARAM } from '../state/url'
import { exposeTestHook } from '../test-hook'
import { el, userText } from '../ui/dom'
import { RANKING_MESSAGES } from './messages'
import { PART_COLORS, PRIORITY_CLASS_COLORS, PRIORITY_CLASS_COUNT, priorityClasses } from './parts'

// The ranking page's map mode (docs/ranking.md): the first areas of the ranking
// (`GET /api/ranking/map`) over the offline basemap, coloured by priority class (fifths of the
// ranking, a purple scale apart from the risk colours), each with its rank number. A click shows the
// area's rank, score and parts in a small box and tells the page, which marks the same table row.
// Loaded by main.ts with a dynamic import when the map view is first shown, so the table alone
// never loads MapLibre.

/** One ranked area as the map endpoint gives it (the feature id is its position, 1 = first). */
export type RankingMapArea = RankingMapCollection['features'][number]['properties']

/** What the page gives the map. */
export interface RankingMapOptions {
  lang: Lang
  /** The staff map's link to an area. */
  areaHref: (area: Pick<RankingMapArea, 'kind' | 'code'>) => string
  /** Called when an area is picked on the map (null: the pick was cleared). */
  onPick: (area: RankingMapArea | null) => void
}

/** The ranking map as the page drives it. */
export interface RankingMap {
  readonly map: MaplibreMap
  /** Loads and draws the ranking of a query (the list's parameters); a newer load aborts an older one. */
  load(query: Record<string, string>): Promise<void>
  /** Picks the area with this code (null: none), as a click on it would, and brings it into view. */
  pick(code: string | null): void
  setLang(lang: Lang): void
  /** Re-measures the map after its container was hidden. */
  resize(): void
}

const AREA_SOURCE = 'ranking-areas'
const LABEL_SOURCE = 'ranking-labels'
export const RANKING_LAYERS = {
  fill: 'ranking-fill',
  line: 'ranking-line',
  labels: 'ranking-rank',
} as const

/** Fill opacity of the classes, 0–1: the division names stay readable through the palest class. */
const FILL_OPACITY = 0.8
/** Outline of every area: the darkest class's hue, so that pale neighbours stay apart. */
const AREA_LINE_COLOR = '#3a1d4f'
/** Padding around the areas when the map fits them, pixels. */
const FIT_PADDING_PX = 32
/** Deepest zoom a fit goes to (one cell alone would fill the screen). */
const FIT_MAX_ZOOM = 13

const emptyCollection = <G extends Polygon | MultiPolygon | Point>(): FeatureCollection<G> => ({ type: 'FeatureCollection', features: [] })

/** Fill colour by the feature's `priorityClass` (0 = highest priority). */
function classColorExpression(): ExpressionSpecification {
  const [c0, c1, c2, c3, c4] = PRIORITY_CLASS_COLORS
  return ['match', ['get', 'priorityClass'], 0, c0, 1, c1, 2, c2, 3, c3, c4]
}

/** The rank range of each priority class among the drawn areas, null for an empty class. */
function classRanges(ranks: readonly number[], classes: readonly number[]): Array<[number, number] | null> {
  const ranges: Array<[number, number] | null> = Array.from({ length: PRIORITY_CLASS_COUNT }, () => null)
  ranks.forEach((rank, i) => {
    const c = classes[i]!
    const range = ranges[c]
    ranges[c] = range ? [Math.min(range[0], rank), Math.max(range[1], rank)] : [rank, rank]
  })
  return ranges
}

/** Creates the map in `container` (which must be shown) with its legend and info box; publishes the test hook. */
export function createRankingMap(container: HTMLElement, options: RankingMapOptions): RankingMap {
  let lang = options.lang
  let collection: RankingMapCollection | null = null
  let ranges: Array<[number, number] | null> = []
  let picked: RankingMapArea | null = null
  let loading: AbortController | null = null
  // A view in the URL (`map=`) wins over fitting the areas, once: a shared link shows what it showed.
  let keepUrlView = new URLSearchParams(window.location.hash.replace(/^#/, '')).has(VIEW_PARAM)

  const canvasBox = el('div', 'rk-map')
  const legend = el('div', 'rk-map-legend')
  const info = el('div', 'rk-map-info')
  info.hidden = true
  container.replaceChildren(canvasBox, legend, info)

  const map = createMap(canvasBox, lang, MESSAGES[lang])
  const styleLoaded = map.once('load')

  const addLayers = () => {
    if (map.getSource(AREA_SOURCE)) return
    map.addSource(AREA_SOURCE, { type: 'geojson', data: emptyCollection() })
    map.addSource(LABEL_SOURCE, { type: 'geojson', data: emptyCollection() })
    const before = map.getLayer(FIRST_LABEL_LAYER) ? FIRST_LABEL_LAYER : undefined
    map.addLayer(
      { id: RANKING_LAYERS.fill, type: 'fill', source: AREA_SOURCE, paint: { 'fill-color': classColorExpression(), 'fill-opacity': FILL_OPACITY } },
      before,
    )
    map.addLayer(
      {
        id: RANKING_LAYERS.line,
        type: 'line',
        source: AREA_SOURCE,
        layout: { 'line-join': 'round' },
        // pixels: hairlines at city zoom, where hundreds of cells meet
        paint: { 'line-color': AREA_LINE_COLOR, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.4, 13, 1.2], 'line-opacity': 0.7 },
      },
      before,
    )
    // Over the division names: on this map the rank is what a planner reads first.
    map.addLayer({
      id: RANKING_LAYERS.labels,
      type: 'symbol',
      source: LABEL_SOURCE,
      layout: {
        'text-field': ['to-string', ['get', 'rank']],
        'text-font': LABEL_FONT_STACK,
        'text-size': 12,
        // where labels collide, the higher priority keeps its number
        'symbol-sort-key': ['get', 'position'],
        'text-padding': 2,
      },
      paint: { 'text-color': '#1f0d2c', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 },
    })
    // The picked area: the staff map's highlight (a dark line on a white halo), under the rank numbers.
    addSelectionLayers(map)
    map.moveLayer(RANKING_LAYERS.labels)
  }
  map.on('style.load', addLayers)

  const renderLegend = () => {
    const t = RANKING_MESSAGES[lang]
    const list = el('ul', 'rk-map-legend-list')
    ranges.forEach((range, i) => {
      if (!range) return
      const item = el('li', 'rk-map-legend-item')
      item.dataset.class = String(i)
      const swatch = el('span', 'rk-map-swatch')
      swatch.style.backgroundColor = PRIORITY_CLASS_COLORS[i]!
      item.append(swatch, el('span', undefined, t.classRanks(range[0], range[1])))
      list.append(item)
    })
    const shown = collection ? el('p', 'rk-map-shown', t.mapShown(collection.features.length, collection.total)) : el('p', 'rk-map-shown', t.mapLoading)
    legend.replaceChildren(el('h2', 'rk-map-legend-title', t.legendTitle), list, el('p', 'rk-map-legend-note', t.legendNote), shown)
  }

  const renderInfo = () => {
    const t = RANKING_MESSAGES[lang]
    info.hidden = picked === null
    if (!picked) {
      info.replaceChildren()
      delete info.dataset.rank
      delete info.dataset.code
      return
    }
    const area = picked
    info.dataset.rank = String(area.rank)
    info.dataset.code = area.code
    const close = el('button', 'rk-map-info-close', '×')
    close.type = 'button'
    close.title = t.close
    close.setAttribute('aria-label', t.close)
    close.addEventListener('click', () => select(null))
    const name = el('h3', 'rk-map-info-name')
    name.append(area.name ? userText(`${area.name}（${area.code}）`) : area.code)
    const parts = el('ul', 'rk-map-info-parts')
    for (const p of area.parts) {
      if (p.points <= 0) continue
      const item = el('li')
      item.dataset.part = p.part
      const swatch = el('span', 'rk-swatch')
      swatch.style.backgroundColor = PART_COLORS[p.part]
      item.append(swatch, ` ${t.parts[p.part]} ${p.points}`)
      parts.append(item)
    }
    const link = el('a', 'rk-map-info-link', t.openOnMap)
    link.href = options.areaHref(area)
    info.replaceChildren(
      close,
      el('p', 'rk-map-info-rank', t.rankOf(area.rank)),
      name,
      el('p', 'rk-map-info-score', `${t.score} ${area.score.toFixed(2)}`),
      parts,
      link,
    )
  }

  /** Marks an area picked (by its position) and tells the page. */
  const select = (position: number | null) => {
    const feature = position === null ? undefined : collection?.features.find((f) => f.id === position)
    picked = feature?.properties ?? null
    showHighlight(map, feature ? { geometry: feature.geometry } : null)
    renderInfo()
    options.onPick(picked)
  }

  map.on('click', (event) => {
    if (!map.getLayer(RANKING_LAYERS.fill)) return
    const hit = map.queryRenderedFeatures(event.point, { layers: [RANKING_LAYERS.fill] })[0]
    select(hit?.id === undefined ? null : Number(hit.id))
  })
  map.on('mousemove', (event) => {
    const over = map.getLayer(RANKING_LAYERS.fill) !== undefined && map.queryRenderedFeatures(event.point, { layers: [RANKING_LAYERS.fill] }).length > 0
    map.getCanvas().style.cursor = over ? 'pointer' : ''
  })

  const basemap = loadDivisionBasemap(map, styleLoaded)

  const load = async (query: Record<string, string>): Promise<void> => {
    loading?.abort()
    const controller = new AbortController()
    loading = controller
    container.dataset.state = 'loading'
    try {
      const data = await getJson<RankingMapCollection>('/api/ranking/map', query, controller.signal)
      await Promise.all([basemap, styleLoaded])
      if (controller.signal.aborted) return
      addLayers()
      const classes = priorityClasses(data.features.map((f) => f.properties.rank))
      const areas: FeatureCollection<Polygon | MultiPolygon, RankingMapArea & { priorityClass: number }> = {
        type: 'FeatureCollection',
        features: data.features.map((f, i) => ({ ...f, properties: { ...f.properties, priorityClass: classes[i]! } })),
      }
      const labels: FeatureCollection<Point, { rank: number; position: number }> = {
        type: 'FeatureCollection',
        features: data.features.map((f): Feature<Point, { rank: number; position: number }> => ({
          type: 'Feature',
          id: f.id,
          geometry: { type: 'Point', coordinates: f.properties.label },
          properties: { rank: f.properties.rank, position: f.properties.position },
        })),
      }
      collection = data
      ranges = classRanges(
        data.features.map((f) => f.properties.rank),
        classes,
      )
      await Promise.all([map.getSource<GeoJSONSource>(AREA_SOURCE)!.setData(areas), map.getSource<GeoJSONSource>(LABEL_SOURCE)!.setData(labels)])
      if (controller.signal.aborted) return
      const box = collectionBounds(data)
      if (box && !keepUrlView) map.fitBounds(box, { padding: FIT_PADDING_PX, maxZoom: FIT_MAX_ZOOM, animate: false })
      keepUrlView = false
      renderLegend()
      // A new ranking may not hold the picked area, or hold it at another position.
      const again = picked ? data.features.find((f) => f.properties.code === picked!.code) : undefined
      select(again ? Number(again.id) : null)
      const idle = map.once('idle')
      map.triggerRepaint()
      await idle
      if (!controller.signal.aborted) container.dataset.state = 'ready'
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      container.dataset.state = 'failed'
      throw err
    }
  }

  const rankingMap: RankingMap = {
    map,
    load,
    pick(code) {
      const feature = code === null ? undefined : collection?.features.find((f) => f.properties.code === code)
      select(feature ? Number(feature.id) : null)
      if (feature) {
        const box = collectionBounds({ type: 'FeatureCollection', features: [feature] })
        if (box) map.fitBounds(box, { padding: FIT_PADDING_PX, maxZoom: FIT_MAX_ZOOM, linear: true, duration: 300 })
      }
    },
    setLang(next) {
      lang = next
      setBasemapLanguage(map, lang)
      relabelControls(canvasBox, MESSAGES[lang])
      renderLegend()
      renderInfo()
    },
    resize() {
      map.resize()
    },
  }
  renderLegend()
  return rankingMap
}

/** Creates the ranking map, loads the first query and publishes the test hook (its `ready`: that first load). */
export function startRankingMap(
  container: HTMLElement,
  options: RankingMapOptions,
  query: Record<string, string>,
): { rankingMap: RankingMap; ready: Promise<void> } {
  const rankingMap = createRankingMap(container, options)
  const ready = rankingMap.load(query)
  exposeTestHook({ map: rankingMap.map, ready })
  return { rankingMap, ready }
}
