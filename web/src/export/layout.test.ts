import { describe, expect, it } from 'vitest'
import { HEADER_HEIGHT, LEGEND_GAP, LEGEND_ROW_HEIGHT, PADDING, pictureLayout } from './layout'

describe('pictureLayout', () => {
  it('stacks the title band, the map and the legend', () => {
    const layout = pictureLayout(800, 600, [40, 100, 100])
    expect(layout.header).toEqual({ x: 0, y: 0, width: 800, height: HEADER_HEIGHT })
    expect(layout.map).toEqual({ x: 0, y: HEADER_HEIGHT, width: 800, height: 600 })
    expect(layout.legend).toEqual({ x: 0, y: HEADER_HEIGHT + 600, width: 800, height: LEGEND_ROW_HEIGHT + 2 * PADDING })
    expect(layout.width).toBe(800)
    expect(layout.height).toBe(HEADER_HEIGHT + 600 + LEGEND_ROW_HEIGHT + 2 * PADDING)
  })

  it('puts the entries side by side in one row when they fit', () => {
    const { entries } = pictureLayout(800, 600, [40, 100, 100])
    const top = HEADER_HEIGHT + 600 + PADDING
    expect(entries).toEqual([
      { x: PADDING, y: top },
      { x: PADDING + 40 + LEGEND_GAP, y: top },
      { x: PADDING + 140 + 2 * LEGEND_GAP, y: top },
    ])
  })

  it('wraps entries that would pass the right margin', () => {
    const layout = pictureLayout(300, 200, [100, 100, 100, 100])
    const rows = new Set(layout.entries.map((e) => e.y))
    expect(rows.size).toBe(2)
    for (const e of layout.entries) expect(e.x + 100).toBeLessThanOrEqual(300 - PADDING)
    expect(layout.legend.height).toBe(2 * LEGEND_ROW_HEIGHT + 2 * PADDING)
  })

  it('keeps an entry wider than the picture on a row of its own', () => {
    const layout = pictureLayout(100, 100, [500, 20])
    expect(layout.entries[0]).toEqual({ x: PADDING, y: HEADER_HEIGHT + 100 + PADDING })
    expect(layout.entries[1]!.y).toBe(HEADER_HEIGHT + 100 + PADDING + LEGEND_ROW_HEIGHT)
  })
})
