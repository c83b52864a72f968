// Where each part of an exported map goes, in CSS pixels (the picture is drawn at 1× or 2× of
// these): a title band on top, the map, and the legend below it. Pure functions.

/** Height of the title band: the title and a line with the date and data version. */
export const HEADER_HEIGHT = 64
/** Margin around the legend and the overlays on the map. */
export const PADDING = 12
/** Height of one legend row. */
export const LEGEND_ROW_HEIGHT = 24
/** Space between legend entries. */
export const LEGEND_GAP = 20
/** Legend swatch size. */
export const SWATCH_WIDTH = 24
export const SWATCH_HEIGHT = 14
/** Space between a swatch and its label. */
export const SWATCH_LABEL_GAP = 6
/** The longest the scale bar may be. */
export const SCALE_BAR_MAX_WIDTH = 120
/** Radius of the north arrow's disc. */
export const NORTH_ARROW_RADIUS = 18

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

export interface PictureLayout {
  width: number
  height: number
  header: Rect
  map: Rect
  legend: Rect
  /** Top-left corner of each legend entry, in the order given. */
  entries: Array<{ x: number; y: number }>
}

/**
 * Lays out a picture of a `mapWidth` × `mapHeight` map whose legend entries are `entryWidths` wide:
 * the entries flow left to right and wrap to a new row when the next would pass the right margin.
 */
export function pictureLayout(mapWidth: number, mapHeight: number, entryWidths: readonly number[]): PictureLayout {
  const width = Math.round(mapWidth)
  const map: Rect = { x: 0, y: HEADER_HEIGHT, width, height: Math.round(mapHeight) }
  const top = map.y + map.height + PADDING
  const entries: Array<{ x: number; y: number }> = []
  let x = PADDING
  let row = 0
  for (const entryWidth of entryWidths) {
    if (x > PADDING && x + entryWidth > width - PADDING) {
      row++
      x = PADDING
    }
    entries.push({ x, y: top + row * LEGEND_ROW_HEIGHT })
    x += entryWidth + LEGEND_GAP
  }
  const rows = entryWidths.length ? row + 1 : 0
  const legend: Rect = { x: 0, y: map.y + map.height, width, height: rows * LEGEND_ROW_HEIGHT + 2 * PADDING }
  return { width, height: legend.y + legend.height, header: { x: 0, y: 0, width, height: HEADER_HEIGHT }, map, legend, entries }
}
