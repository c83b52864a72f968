import type { ExpressionSpecification } from 'maplibre-gl'
import type { Level } from '../api/contract'

// The one place the web app defines its thematic colours: what each risk level looks like, how
// stale data is hatched, and the markers of the point layers. Legends, the side panels and every
// map layer read these; their names live in the i18n files (`levelNames`, `layers`).
//
// Red, orange, yellow and blue are the official 红橙黄蓝 scheme, so the hues are fixed; their
// lightness is spread (red and blue dark, orange mid, yellow light) so that the four stay apart for
// readers with red-green colour-vision deficiency and in greyscale print. Each is drawn with a dark
// outline, which keeps yellow visible on the light basemap.

/** Levels from the most to the least severe, the order of the legend. */
export const LEVELS_BY_SEVERITY: readonly Level[] = [4, 3, 2, 1, 0]

/** The four graded levels, most severe first (level 0 is not drawn on the cell map). */
export const RISK_LEVELS: readonly (1 | 2 | 3 | 4)[] = [4, 3, 2, 1]

/** Fill colour of each level, CSS hex. */
export const LEVEL_COLORS: Readonly<Record<Level, string>> = {
  4: '#d7191c',
  3: '#f07c12',
  2: '#ffd92f',
  1: '#2b6cc4',
  0: '#9e9e9e',
}

/** Text colour readable on each level's fill (WCAG AA for the panel's level chip). */
export const LEVEL_TEXT_COLORS: Readonly<Record<Level, string>> = {
  4: '#ffffff',
  3: '#1a1a1a',
  2: '#1a1a1a',
  1: '#ffffff',
  0: '#1a1a1a',
}

/** Outline drawn around level-coloured symbols on the map. */
export const LEVEL_OUTLINE_COLOR = '#333333'

/**
 * Opacity of the cell fill, 0–1: the basemap's boundaries and names stay readable through it, and
 * each level keeps its hue (see `blendOver`).
 */
export const CELL_FILL_OPACITY = 0.62

/**
 * A dark red edge inside every red (level 4) cell, at every zoom: for readers with red-green
 * colour-vision deficiency the translucent red and orange fills become two olive tones that differ
 * mostly in lightness (simulated deuteranopia: luminance 154 against 190), easy to confuse when
 * seen apart; the edge marks red without a fifth colour. The legend's red swatch carries it too.
 */
export const RED_CELL_EDGE = '#5c0a0b'

/** Cell outlines, drawn from CELL_OUTLINE_MIN_ZOOM on where a cell is big enough to show its edge. */
export const CELL_OUTLINE_COLOR = '#ffffff'

/** Diagonal hatch over stale cells ("data stale", docs/domain.md §4.3): dark stripes on the level colour. */
export const STALE_HATCH = {
  stripe: '#2b2b2b',
  /** Stripe opacity, 0–1. */
  stripeOpacity: 0.85,
  /** Legend swatch background under the stripes. */
  swatchBackground: '#ffffff',
} as const

/**
 * Outline of the regions (divisions and management grids) that the regions layer draws: a neutral
 * dark line on a light halo, apart from every level colour, so that a boundary reads over red cells
 * as well as over blue ones (a region's level is in its panel, not in its boundary).
 */
export const REGION_COLORS = {
  /** County, city and township boundaries. */
  line: '#263238',
  /** The light band under the boundary that sets it off from any cell colour. */
  halo: '#ffffff',
  /** Invisible fill of the region hit layer. */
  ungraded: '#7d8791',
  /** Management grid outlines. */
  grid: '#5b6670',
} as const

/** The selected cell, region or record on the map. */
export const SELECTION_COLORS = {
  line: '#111111',
  halo: '#ffffff',
} as const

/** Markers of the point layers that are not level-coloured. */
export const MARKER_COLORS = {
  /** Emergency resources: the green of emergency signs (GB 2894), a white cross. */
  resource: '#0a8a4a',
  resourceSymbol: '#ffffff',
  /** Resources that are deployed or out of service are drawn greyed. */
  resourceUnavailable: '#8d979f',
  /** Overdue rectifications: a purple ring with an exclamation mark, apart from the four levels. */
  overdue: '#7b1fa2',
  overdueSymbol: '#ffffff',
  /** Outline of every marker. */
  outline: '#1f2a33',
  halo: '#ffffff',
} as const

/**
 * Cells out of reach of a rescue team (the coverage-gap overlay): a bold cyan outline over a light
 * cyan wash, apart from the four levels, the emergency green and the overdue purple.
 */
export const COVERAGE_GAP_COLORS = {
  line: '#00a0c8',
  fill: '#00a0c8',
  /** Fill opacity, 0–1: the cell's level colour stays readable under it. */
  fillOpacity: 0.18,
  halo: '#ffffff',
} as const

/** A MapLibre expression giving the fill colour of the feature's numeric `level` property. */
export function levelColorExpression(property = 'level'): ExpressionSpecification {
  return ['match', ['get', property], 4, LEVEL_COLORS[4], 3, LEVEL_COLORS[3], 2, LEVEL_COLORS[2], 1, LEVEL_COLORS[1], LEVEL_COLORS[0]]
}

/** True when `x` is one of the integers 0..4. */
export function isLevel(x: unknown): x is Level {
  return x === 0 || x === 1 || x === 2 || x === 3 || x === 4
}

/** `#rrggbb` → [r, g, b], 0–255. */
export function hexToRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** The colour seen when `top` is drawn with `opacity` over `bottom` (source-over), 0–255 per channel. */
export function blendOver(top: string, opacity: number, bottom: string): [number, number, number] {
  const t = hexToRgb(top)
  const b = hexToRgb(bottom)
  return [0, 1, 2].map((i) => Math.round(t[i]! * opacity + b[i]! * (1 - opacity))) as [number, number, number]
}

/** The commander view (incident mode): the incident, lines to the nearest resources, distance rings. */
export const INCIDENT_COLORS = {
  /** The incident marker: a red-black target, apart from the level reds by its black ring. */
  incident: '#e0001b',
  incidentOutline: '#111111',
  /** Lines from the incident to each resource, and the resources' circles: emergency green. */
  line: '#0a8a4a',
  resource: '#0a8a4a',
  /** Distance rings (1, 3, 5 km). */
  ring: '#1f2a33',
  halo: '#ffffff',
} as const
