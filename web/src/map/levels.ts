import type { ExpressionSpecification } from 'maplibre-gl'
import type { Level } from '../api/types'

// The one place the web app defines what each risk level looks like. Legends, the side panel and
// every map layer read these; their names live in the i18n files (`levelNames`).
//
// Red, orange, yellow and blue are the official 红橙黄蓝 scheme, so the hues are fixed; their
// lightness is spread (red and blue dark, orange mid, yellow light) so that the four stay apart for
// readers with red-green colour-vision deficiency and in greyscale print. Each is drawn with a dark
// outline, which keeps yellow visible on the light basemap.

/** Levels from the most to the least severe, the order of the legend. */
export const LEVELS_BY_SEVERITY: readonly Level[] = [4, 3, 2, 1, 0]

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

/** A MapLibre expression giving the fill colour of the feature's numeric `level` property. */
export function levelColorExpression(property = 'level'): ExpressionSpecification {
  return [
    'match',
    ['get', property],
    4, LEVEL_COLORS[4],
    3, LEVEL_COLORS[3],
    2, LEVEL_COLORS[2],
    1, LEVEL_COLORS[1],
    LEVEL_COLORS[0],
  ]
}

/** True when `x` is one of the integers 0..4. */
export function isLevel(x: unknown): x is Level {
  return x === 0 || x === 1 || x === 2 || x === 3 || x === 4
}
