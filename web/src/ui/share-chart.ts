import type { Level } from '../api/contract'
import type { Messages } from '../i18n'
import { LEVEL_COLORS, LEVEL_OUTLINE_COLOR, LEVELS_BY_SEVERITY } from '../map/levels'
import { formatShare } from './format'

const SVG_NS = 'http://www.w3.org/2000/svg'

/** Chart geometry, in SVG user units (CSS pixels at 100 %). */
const ROW_HEIGHT = 18
const BAR_HEIGHT = 12
const LABEL_WIDTH = 74
const BAR_WIDTH = 170
const VALUE_WIDTH = 50

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag)
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value))
  return element
}

/**
 * The share of a region's area at each level as horizontal bars, most severe first, drawn as
 * inline SVG (no chart library). Levels are listed even at 0 %, so regions compare row by row.
 */
export function shareChart(m: Messages, shares: Partial<Record<string, number>>): SVGSVGElement {
  const levels = LEVELS_BY_SEVERITY.filter((level) => level > 0 || (shares[String(level)] ?? 0) > 0)
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
  const height = levels.length * ROW_HEIGHT
  const chart = svg('svg', { class: 'share-chart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img' })
  const title = svg('title', {})
  title.textContent = `${m.region.sharesChart}: ${levels.map((l) => `${m.levelNames[l]} ${formatShare(m, shares[String(l)] ?? 0)}`).join(', ')}`
  chart.append(title)
  levels.forEach((level: Level, i) => {
    const share = Math.max(0, Math.min(1, shares[String(level)] ?? 0))
    const y = i * ROW_HEIGHT
    const row = svg('g', { 'data-level': level })
    const label = svg('text', { x: 0, y: y + ROW_HEIGHT / 2, 'dominant-baseline': 'middle', class: 'share-chart-label' })
    label.textContent = m.levelNames[level]
    const track = svg('rect', { x: LABEL_WIDTH, y: y + (ROW_HEIGHT - BAR_HEIGHT) / 2, width: BAR_WIDTH, height: BAR_HEIGHT, class: 'share-chart-track' })
    const bar = svg('rect', {
      x: LABEL_WIDTH,
      y: y + (ROW_HEIGHT - BAR_HEIGHT) / 2,
      width: Math.max(share > 0 ? 1 : 0, share * BAR_WIDTH),
      height: BAR_HEIGHT,
      fill: LEVEL_COLORS[level],
      stroke: LEVEL_OUTLINE_COLOR,
      'stroke-width': share > 0 ? 0.5 : 0,
    })
    const value = svg('text', { x: width, y: y + ROW_HEIGHT / 2, 'dominant-baseline': 'middle', 'text-anchor': 'end', class: 'share-chart-value' })
    value.textContent = formatShare(m, share)
    row.append(label, track, bar, value)
    chart.append(row)
  })
  return chart
}
