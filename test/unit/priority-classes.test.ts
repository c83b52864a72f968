import { describe, expect, it } from 'vitest'
import { PRIORITY_CLASS_COLORS, PRIORITY_CLASS_COUNT, priorityClasses } from '../../web/src/ranking/parts'
import { LEVEL_COLORS, hexToRgb } from '../../web/src/map/levels'

// The map mode of the ranking page (web/src/ranking/parts.ts); the ranking rules themselves are tested in server/domain/ranking.test.ts.
describe('priorityClasses (the map mode of the ranking page)', () => {
  // [what, ranks, classes]
  const cases: Array<[string, number[], number[]]> = [
    ['no areas', [], []],
    ['one area: the first class', [1], [0]],
    ['five areas: one per class', [1, 2, 3, 4, 5], [0, 1, 2, 3, 4]],
    ['ten areas: two per class', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]],
    ['equal scores share a rank and so a class', [1, 1, 1, 4, 5, 6, 7, 8, 9, 10], [0, 0, 0, 1, 2, 2, 3, 3, 4, 4]],
    ['a tie across a class boundary stays in the higher class', [1, 2, 2, 2, 5], [0, 1, 1, 1, 4]],
    ['fewer areas than classes leave classes empty', [1, 2, 3], [0, 1, 3]],
    ['seven areas', [1, 2, 3, 4, 5, 6, 7], [0, 0, 1, 2, 2, 3, 4]],
  ]
  it.each(cases)('%s', (_what, ranks, classes) => {
    expect(priorityClasses(ranks)).toEqual(classes)
  })

  it('cuts 1000 ranked areas into five classes of 200, in rank order', () => {
    const ranks = Array.from({ length: 1000 }, (_, i) => i + 1)
    const classes = priorityClasses(ranks)
    for (let c = 0; c < PRIORITY_CLASS_COUNT; c++) expect(classes.filter((x) => x === c)).toHaveLength(200)
    for (let i = 1; i < classes.length; i++) expect(classes[i]).toBeGreaterThanOrEqual(classes[i - 1]!)
  })

  it('colours the classes from dark to light purple, apart from every risk-level colour', () => {
    expect(PRIORITY_CLASS_COLORS).toHaveLength(PRIORITY_CLASS_COUNT)
    const luminance = (hex: string) => {
      const [r, g, b] = hexToRgb(hex)
      return 0.299 * r + 0.587 * g + 0.114 * b
    }
    const lums = PRIORITY_CLASS_COLORS.map(luminance)
    for (let i = 1; i < lums.length; i++) expect(lums[i]! - lums[i - 1]!).toBeGreaterThan(25)
    for (const hex of PRIORITY_CLASS_COLORS) {
      const [r, g, b] = hexToRgb(hex)
      // purple: blue and red above green
      expect(b).toBeGreaterThan(g)
      expect(r).toBeGreaterThan(g)
      for (const level of Object.values(LEVEL_COLORS)) {
        const [lr, lg, lb] = hexToRgb(level)
        expect(Math.abs(r - lr) + Math.abs(g - lg) + Math.abs(b - lb), `${hex} vs ${level}`).toBeGreaterThan(60)
      }
    }
  })
})
