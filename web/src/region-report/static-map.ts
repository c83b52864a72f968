import type { Messages } from '../i18n'
import { CELL_FILL_OPACITY, LEVEL_COLORS, STALE_HATCH } from '../map/levels'
import { BASEMAP_COLORS } from '../map/style'
import { roundDistance } from '../export/scale'
import { formatDistance } from '../ui/format'
import type { RegionReport } from './api'
import { fitProjection, ringsPath } from './projection'

const SVG_NS = 'http://www.w3.org/2000/svg'
/** Size of the map, SVG user units (CSS pixels on screen, scaled to the column width in print). */
const WIDTH = 640
const HEIGHT = 400
const PADDING = 16
/** The longest the scale bar may be, pixels. */
const SCALE_MAX_PX = 120

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number> = {}): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value))
  return element
}

/**
 * The region's small map as inline SVG (sharp in print, no tiles to wait for): its cells coloured
 * by level (hatched when stale) clipped to its outline, the outline, a scale bar and a north arrow.
 */
export function staticMap(m: Messages, report: RegionReport, title: string): SVGSVGElement {
  const projection = fitProjection(report.region.bbox, WIDTH, HEIGHT, PADDING)
  const outline = report.map.outline
  const outlinePath = ringsPath(outline.type === 'Polygon' ? outline.coordinates : outline.coordinates.flat(), projection)
  const root = svg('svg', { class: 'report-map', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'data-cells': report.map.cells.length })
  const label = svg('title')
  label.textContent = title
  const defs = svg('defs')
  const clip = svg('clipPath', { id: 'report-map-clip' })
  clip.append(svg('path', { d: outlinePath, 'fill-rule': 'evenodd' }))
  const hatch = svg('pattern', { id: 'report-map-hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' })
  hatch.append(svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: STALE_HATCH.stripe, 'stroke-width': 1.5, 'stroke-opacity': STALE_HATCH.stripeOpacity }))
  defs.append(clip, hatch)
  root.append(label, defs, svg('rect', { width: WIDTH, height: HEIGHT, fill: BASEMAP_COLORS.background }))
  root.append(svg('path', { d: outlinePath, fill: BASEMAP_COLORS.countyFill, 'fill-rule': 'evenodd' }))

  const cells = svg('g', { 'clip-path': 'url(#report-map-clip)', class: 'report-map-cells' })
  for (const cell of report.map.cells) {
    const d = ringsPath([cell.ring], projection)
    cells.append(svg('path', { d, fill: LEVEL_COLORS[cell.level], 'fill-opacity': CELL_FILL_OPACITY, 'data-level': cell.level }))
    if (cell.stale) cells.append(svg('path', { d, fill: 'url(#report-map-hatch)' }))
  }
  root.append(cells, svg('path', { d: outlinePath, fill: 'none', stroke: BASEMAP_COLORS.countyLine, 'stroke-width': 1.5, 'fill-rule': 'evenodd' }))

  // Scale bar, lower left.
  const metres = roundDistance(projection.metresPerPx * SCALE_MAX_PX)
  const barPx = metres / projection.metresPerPx
  const scale = svg('g', { class: 'report-map-scale', transform: `translate(${PADDING}, ${HEIGHT - PADDING})` })
  scale.append(svg('path', { d: `M0 -5V0H${barPx.toFixed(1)}V-5`, fill: 'none', stroke: '#1f2a33', 'stroke-width': 2 }))
  const scaleText = svg('text', { x: 0, y: -9, class: 'report-map-text' })
  scaleText.textContent = formatDistance(m, metres)
  scale.append(scaleText)
  // North arrow, upper right (the map is drawn north up).
  const north = svg('g', { class: 'report-map-north', transform: `translate(${WIDTH - PADDING - 10}, ${PADDING + 4})` })
  north.append(svg('path', { d: 'M0 0L7 18L0 13L-7 18Z', fill: '#1f2a33' }))
  const n = svg('text', { x: 0, y: 30, 'text-anchor': 'middle', class: 'report-map-text' })
  n.textContent = m.locale === 'en' ? 'N' : '北'
  north.append(n)
  root.append(scale, north)
  return root
}
