import { addProtocol, type ExpressionSpecification, type LayerSpecification, type Map as MaplibreMap } from 'maplibre-gl'
import { Protocol } from 'pmtiles'
import { layers as protomapsLayers, namedFlavor, type Flavor } from '@protomaps/basemaps'
import { getJson } from '../api/client'
import type { Lang } from '../i18n'
import { BASEMAP_LAYERS, LABEL_FONT_STACK, LABEL_TEXT_FIELDS_KEY, STREET_LAYER_PREFIX, STREET_SOURCE, mapLanguage } from './style'

// The optional street basemap (BASEMAP_PMTILES on the server): streets, water, land use and place
// names read by HTTP range requests from the one PMTiles file the service serves at
// /basemap/region.pmtiles, drawn with the layers of @protomaps/basemaps. Without it the division
// basemap of style.ts is all there is, unchanged.
//
// Text: the style keeps having no `glyphs` URL, so MapLibre draws every label character (the
// Protomaps layers' Chinese place and road names as well as Latin and digits) locally with the
// browser's fonts (TinySDF), and the page requests no glyph file from anywhere — nor from the
// service. Serving glyph PBFs instead would need tens of MB of Noto Sans CJK PBF ranges that no
// maintained npm package ships prebuilt (the Protomaps glyph sets cover Latin-based scripts only;
// MapLibre would draw CJK locally anyway, its default for ideographs), and would add a route, a cache and
// a second rendering of the Latin names that differs from the division labels'. The fonts tried,
// in order, are LABEL_FONT_STACK's (Noto Sans CJK / Source Han / PingFang / YaHei / WenQuanYi,
// then sans-serif). Sprites: none are shipped; the Protomaps layers that are only icons are left
// out and the icon of the others (POIs, towns) dropped, keeping their names.

/**
 * The Protomaps flavour, `white` (greys on white), with darker roads and names: no basemap colour
 * is mistaken for a risk level (the `light` flavour's blue water and green parks sit close to level
 * blue and the grading colours) and the cells keep their hue over it; `white`'s own roads
 * (#ebebeb on white) vanish under a cell's fill (CELL_FILL_OPACITY), these show through it as
 * darker lines. The names are drawn over the cells in any case.
 */
const STREET_FLAVOR: Flavor = {
  ...namedFlavor('white'),
  water: '#d9dcde',
  highway: '#8c8c8c',
  bridges_highway: '#8c8c8c',
  major: '#a0a0a0',
  bridges_major: '#a0a0a0',
  link: '#b4b4b4',
  bridges_link: '#b4b4b4',
  minor_a: '#bebebe',
  minor_b: '#c8c8c8',
  bridges_minor: '#c8c8c8',
  minor_service: '#d2d2d2',
  other: '#d2d2d2',
  bridges_other: '#d2d2d2',
  railway: '#b0b0b0',
  roads_label_major: '#5c5c5c',
  roads_label_minor: '#7a7a7a',
  city_label: '#3b4650',
  subplace_label: '#5c6670',
}

/** Protomaps layers that are an icon and nothing else: without a sprite they would draw nothing. */
const ICON_ONLY_LAYERS = new Set(['roads_oneway', 'roads_shields'])

/** Where the server says the PMTiles file is (`/basemap/config.json`). */
interface BasemapConfig {
  pmtiles: string | null
}

/** The name language of the Protomaps layers for a page language. */
function protomapsLang(lang: Lang): string {
  return lang === 'en' ? 'en' : 'zh-Hans'
}

/** Drops every `icon-*` layout property (they need a sprite) and sets the label font stack. */
function withoutSprite(layer: LayerSpecification): LayerSpecification {
  if (layer.type !== 'symbol') return layer
  const layout = Object.fromEntries(Object.entries(layer.layout ?? {}).filter(([key]) => !key.startsWith('icon-')))
  if ('text-field' in layout) layout['text-font'] = LABEL_FONT_STACK
  return { ...layer, layout }
}

/**
 * The street basemap's layers for a language, split into what goes under the risk layers (land,
 * water, roads, boundaries) and the labels that go over them. Each label layer carries its
 * `text-field` in both languages in its metadata, for the language switch (style.ts).
 */
export function streetLayers(lang: Lang): { base: LayerSpecification[]; labels: LayerSpecification[] } {
  const flavor = STREET_FLAVOR
  const byLang: Record<Lang, LayerSpecification[]> = {
    'zh-CN': protomapsLayers(STREET_SOURCE, flavor, { lang: protomapsLang('zh-CN') }) as LayerSpecification[],
    en: protomapsLayers(STREET_SOURCE, flavor, { lang: protomapsLang('en') }) as LayerSpecification[],
  }
  const textField = (l: Lang, id: string): ExpressionSpecification | undefined => {
    const layer = byLang[l].find((candidate) => candidate.id === id)
    return layer?.type === 'symbol' ? (layer.layout?.['text-field'] as ExpressionSpecification | undefined) : undefined
  }
  const base: LayerSpecification[] = []
  const labels: LayerSpecification[] = []
  for (const layer of byLang[lang]) {
    // our style has its own background (style.ts), which stays
    if (layer.type === 'background' || ICON_ONLY_LAYERS.has(layer.id)) continue
    const own = { ...withoutSprite(layer), id: `${STREET_LAYER_PREFIX}${layer.id}` } as LayerSpecification
    if (own.type === 'symbol') {
      const zh = textField('zh-CN', layer.id)
      const en = textField('en', layer.id)
      if (zh && en) own.metadata = { [LABEL_TEXT_FIELDS_KEY]: { 'zh-CN': zh, en } }
      labels.push(own)
    } else {
      base.push(own)
    }
  }
  return { base, labels }
}

let protocolAdded = false

/** Registers the `pmtiles://` protocol with MapLibre once per page: tiles are read by range requests. */
function addPmtilesProtocol(): void {
  if (protocolAdded) return
  const protocol = new Protocol()
  addProtocol('pmtiles', protocol.tile)
  protocolAdded = true
}

/**
 * Adds the street basemap to a map when the service has one: the land, water and road layers go
 * over the division fill and under the division lines and every risk layer; the street and place
 * names go over the risk layers (above FIRST_LABEL_LAYER, below the division names). Resolves with
 * whether it was added. A failure to read the configuration leaves the division basemap alone.
 * `styleLoaded`: the map's first `style.load`, listened for as the map was made (isStyleLoaded()
 * stays false while the division sources load, and the event may be past by the time this runs).
 */
export async function addStreetBasemap(map: MaplibreMap, styleLoaded: Promise<unknown>): Promise<boolean> {
  let config: BasemapConfig
  try {
    config = await getJson<BasemapConfig>('/basemap/config.json')
  } catch (err) {
    console.warn('riskmap: reading the basemap configuration failed; drawing the divisions only', err)
    return false
  }
  if (!config.pmtiles) return false
  addPmtilesProtocol()
  await styleLoaded
  if (map.getSource(STREET_SOURCE)) return true
  // same origin, absolute: the protocol hands this URL to fetch() with a Range header
  const url = new URL(config.pmtiles, window.location.href).href
  map.addSource(STREET_SOURCE, { type: 'vector', url: `pmtiles://${url}` })
  const { base, labels } = streetLayers(mapLanguage(map))
  for (const layer of base) map.addLayer(layer, BASEMAP_LAYERS.townshipLine)
  // Right under the division names, so over FIRST_LABEL_LAYER, under which every overlay goes
  // whether it was added before these or after.
  for (const layer of labels) map.addLayer(layer, BASEMAP_LAYERS.townshipLabel)
  return true
}
