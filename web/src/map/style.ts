import type { ExpressionSpecification, GeoJSONSource, Map as MaplibreMap, StyleSpecification } from 'maplibre-gl'
import type { FeatureCollection, Geometry, Point } from 'geojson'
import type { BasemapDivisions, DivisionProperties } from '../api/contract'
import type { Lang } from '../i18n'

// The offline basemap: drawn only from the service's own division polygons, so the page makes no
// request to a tile, sprite or glyph server. The style has no `glyphs` URL on purpose: MapLibre then
// draws every label character (CJK, Latin and digits alike) locally with the browser's fonts
// (TinySDF), and never requests a glyph PBF.

/** Source ids of the basemap; their data is set by `setBasemapData` once it has loaded. */
export const BASEMAP_SOURCES = {
  counties: 'basemap-counties',
  townships: 'basemap-townships',
  countyLabels: 'basemap-county-labels',
  townshipLabels: 'basemap-township-labels',
  cityLabels: 'basemap-city-labels',
} as const

/** Layer ids of the basemap, bottom to top. */
export const BASEMAP_LAYERS = {
  background: 'background',
  countyFill: 'county-fill',
  townshipLine: 'township-line',
  countyLine: 'county-line',
  overlaysTop: 'overlays-top',
  townshipLabel: 'township-label',
  countyLabel: 'county-label',
  cityLabel: 'city-label',
} as const

/** The label layers, whose features carry the division's `code` (a click on a name opens its region). */
export const DIVISION_LABEL_LAYERS = [BASEMAP_LAYERS.cityLabel, BASEMAP_LAYERS.countyLabel, BASEMAP_LAYERS.townshipLabel] as const

/** Zoom below which the city's name stands for the whole map, and above which its counties are named. */
const CITY_LABEL_MAX_ZOOM = 7

/**
 * The layer that overlays (risk data) are inserted below, so that place names stay readable on top:
 * an empty marker right under the division names. The street basemap's names (streets.ts) go
 * between it and the division names, so overlays stay under them in whichever order both arrive.
 */
export const FIRST_LABEL_LAYER = BASEMAP_LAYERS.overlaysTop

/** Source id of the street basemap (streets.ts), when the service has one. */
export const STREET_SOURCE = 'streets'

/** Prefix of the street basemap's layer ids (the Protomaps ids after it, e.g. `street-roads_major`). */
export const STREET_LAYER_PREFIX = 'street-'

/** Key of a label layer's metadata holding its `text-field` per language (the street basemap's). */
export const LABEL_TEXT_FIELDS_KEY = 'riskmap:text-field'

/** The language each map's labels are in (set at creation and by each switch). */
const mapLanguages = new WeakMap<MaplibreMap, Lang>()

/** The language a map's labels are in (Chinese until told otherwise). */
export function mapLanguage(map: MaplibreMap): Lang {
  return mapLanguages.get(map) ?? 'zh-CN'
}

/** Records the language of a map's labels (createMap does; setBasemapLanguage keeps it). */
export function setMapLanguage(map: MaplibreMap, lang: Lang): void {
  mapLanguages.set(map, lang)
}

/**
 * CSS font families for labels, best first. Named fonts cover Chinese on Linux (Noto / Source Han,
 * WenQuanYi), macOS (PingFang) and Windows (Microsoft YaHei); `sans-serif` is the last resort.
 */
export const LABEL_FONT_STACK = ['Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', 'sans-serif']

/** The same families as one CSS `font-family` value, for MapLibre's `localIdeographFontFamily`. */
export const LABEL_FONT_FAMILY = LABEL_FONT_STACK.map((f) => (f.includes(' ') ? `'${f}'` : f)).join(', ')

/** Basemap colours (the thematic colours are in levels.ts). */
export const BASEMAP_COLORS = {
  background: '#eef1f4',
  countyFill: '#fbfbf8',
  countyLine: '#7d8791',
  townshipLine: '#aab2ba',
  labelText: '#3b4650',
  labelHalo: '#ffffff',
} as const

const emptyCollection = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] })

/** The label text of a division in a language: the English name where there is one, else the Chinese. */
export function divisionLabelText(lang: Lang): ExpressionSpecification {
  return lang === 'en' ? ['coalesce', ['get', 'nameEn'], ['get', 'name']] : ['get', 'name']
}

/** The offline basemap style, with empty division sources that `setBasemapData` fills. */
export function createOfflineStyle(lang: Lang): StyleSpecification {
  return {
    version: 8,
    name: 'riskmap offline basemap',
    sources: {
      [BASEMAP_SOURCES.counties]: { type: 'geojson', data: emptyCollection() },
      [BASEMAP_SOURCES.townships]: { type: 'geojson', data: emptyCollection() },
      [BASEMAP_SOURCES.countyLabels]: { type: 'geojson', data: emptyCollection() },
      [BASEMAP_SOURCES.townshipLabels]: { type: 'geojson', data: emptyCollection() },
      [BASEMAP_SOURCES.cityLabels]: { type: 'geojson', data: emptyCollection() },
    },
    layers: [
      { id: BASEMAP_LAYERS.background, type: 'background', paint: { 'background-color': BASEMAP_COLORS.background } },
      {
        id: BASEMAP_LAYERS.countyFill,
        type: 'fill',
        source: BASEMAP_SOURCES.counties,
        paint: { 'fill-color': BASEMAP_COLORS.countyFill, 'fill-opacity': 1 },
      },
      {
        id: BASEMAP_LAYERS.townshipLine,
        type: 'line',
        source: BASEMAP_SOURCES.townships,
        minzoom: 8,
        paint: {
          'line-color': BASEMAP_COLORS.townshipLine,
          // pixels: hairlines when a whole county is in view, finer than county lines throughout
          'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.3, 11, 0.8, 14, 1.4],
          'line-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0, 9, 0.8],
          'line-dasharray': [3, 2],
        },
      },
      {
        id: BASEMAP_LAYERS.countyLine,
        type: 'line',
        source: BASEMAP_SOURCES.counties,
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': BASEMAP_COLORS.countyLine,
          'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 12, 2],
        },
      },
      // draws nothing: marks where overlays end and names begin (FIRST_LABEL_LAYER)
      { id: BASEMAP_LAYERS.overlaysTop, type: 'background', layout: { visibility: 'none' }, paint: { 'background-opacity': 0 } },
      {
        id: BASEMAP_LAYERS.townshipLabel,
        type: 'symbol',
        source: BASEMAP_SOURCES.townshipLabels,
        minzoom: 10.5,
        layout: {
          'text-field': divisionLabelText(lang),
          'text-font': LABEL_FONT_STACK,
          'text-size': 11,
          // ems: keeps a township name and its "(示例)" demo suffix on one line
          'text-max-width': 12,
          'text-padding': 4,
        },
        paint: { 'text-color': BASEMAP_COLORS.labelText, 'text-halo-color': BASEMAP_COLORS.labelHalo, 'text-halo-width': 1.2, 'text-opacity': 0.85 },
      },
      {
        id: BASEMAP_LAYERS.countyLabel,
        type: 'symbol',
        source: BASEMAP_SOURCES.countyLabels,
        minzoom: CITY_LABEL_MAX_ZOOM,
        layout: {
          'text-field': divisionLabelText(lang),
          'text-font': LABEL_FONT_STACK,
          'text-size': ['interpolate', ['linear'], ['zoom'], 7, 12, 12, 16],
          'text-max-width': 8,
          'text-padding': 6,
        },
        paint: { 'text-color': BASEMAP_COLORS.labelText, 'text-halo-color': BASEMAP_COLORS.labelHalo, 'text-halo-width': 1.6 },
      },
      {
        id: BASEMAP_LAYERS.cityLabel,
        type: 'symbol',
        source: BASEMAP_SOURCES.cityLabels,
        maxzoom: CITY_LABEL_MAX_ZOOM,
        layout: {
          'text-field': divisionLabelText(lang),
          'text-font': LABEL_FONT_STACK,
          'text-size': 16,
          'text-max-width': 8,
        },
        paint: { 'text-color': BASEMAP_COLORS.labelText, 'text-halo-color': BASEMAP_COLORS.labelHalo, 'text-halo-width': 1.8 },
      },
    ],
  }
}

/** The label points of the divisions, carrying their names. */
export function divisionLabelPoints(divisions: BasemapDivisions): FeatureCollection<Point, Omit<DivisionProperties, 'label'>> {
  const features: FeatureCollection<Point, Omit<DivisionProperties, 'label'>>['features'] = []
  for (const feature of divisions.features) {
    const { label, ...properties } = feature.properties
    if (label?.type === 'Point') features.push({ type: 'Feature', id: feature.id, geometry: label, properties })
  }
  return { type: 'FeatureCollection', features }
}

/** The loaded division polygons of the basemap, by rank. */
export interface BasemapData {
  city: BasemapDivisions
  counties: BasemapDivisions
  townships: BasemapDivisions
}

/** The features of a division collection that have a boundary (a division not imported yet has none). */
function withBoundary(divisions: BasemapDivisions): FeatureCollection<Geometry, DivisionProperties> {
  const features: FeatureCollection<Geometry, DivisionProperties>['features'] = []
  for (const { id, geometry, properties } of divisions.features) if (geometry) features.push({ type: 'Feature', id, geometry, properties })
  return { type: 'FeatureCollection', features }
}

/** Puts loaded division polygons into the basemap sources. */
export function setBasemapData(map: MaplibreMap, data: BasemapData): void {
  map.getSource<GeoJSONSource>(BASEMAP_SOURCES.cityLabels)?.setData(divisionLabelPoints(data.city))
  map.getSource<GeoJSONSource>(BASEMAP_SOURCES.counties)?.setData(withBoundary(data.counties))
  map.getSource<GeoJSONSource>(BASEMAP_SOURCES.townships)?.setData(withBoundary(data.townships))
  map.getSource<GeoJSONSource>(BASEMAP_SOURCES.countyLabels)?.setData(divisionLabelPoints(data.counties))
  map.getSource<GeoJSONSource>(BASEMAP_SOURCES.townshipLabels)?.setData(divisionLabelPoints(data.townships))
}

/** Switches the division labels, and the street basemap's names where it is drawn, to a language. */
export function setBasemapLanguage(map: MaplibreMap, lang: Lang): void {
  setMapLanguage(map, lang)
  for (const id of DIVISION_LABEL_LAYERS) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', divisionLabelText(lang))
  }
  for (const id of map.getLayersOrder()) {
    const fields = (map.getLayer(id)?.metadata as Record<string, Record<Lang, ExpressionSpecification>> | undefined)?.[LABEL_TEXT_FIELDS_KEY]
    if (fields) map.setLayoutProperty(id, 'text-field', fields[lang])
  }
}
