import { describe, expect, it } from 'vitest'
import { cellsPerLevel, changeTotals, daysBefore, lastMonths, mapResolution } from './summary'

describe('mapResolution', () => {
  it.each([
    // analysis res, cells at it, max cells, expected res
    [8, 0, 1500, 8],
    [8, 1500, 1500, 8],
    [8, 1501, 1500, 7],
    [8, 1500 * 7, 1500, 7],
    [8, 1500 * 7 + 1, 1500, 6],
    [8, 4000, 1500, 7],
    [9, 1_000_000, 1500, 5],
  ])('res %i with %i cells, at most %i → %i', (res, cells, max, expected) => {
    expect(mapResolution(res, cells, max)).toBe(expected)
  })

  it('never goes below the coarsest pyramid level', () => {
    expect(mapResolution(8, 10_000_000, 10, 4)).toBe(4)
  })
})

describe('changeTotals', () => {
  const change = (before: number, after: number, beforeStale = false, afterStale = false) => ({ before, after, beforeStale, afterStale })

  it('counts raised, lowered and stale-only changes', () => {
    expect(changeTotals([change(0, 3), change(2, 4), change(4, 1), change(2, 2, false, true), change(1, 1)])).toEqual({
      firstGraded: 0,
      raised: 2,
      lowered: 1,
      staleOnly: 1,
    })
  })

  it('counts a first grading apart from the raised levels', () => {
    const first = { ...change(0, 3), firstGraded: true }
    expect(changeTotals([first, first, change(0, 3), change(3, 1)])).toEqual({ firstGraded: 2, raised: 1, lowered: 1, staleOnly: 0 })
  })

  it('is all zero without changes', () => {
    expect(changeTotals([])).toEqual({ firstGraded: 0, raised: 0, lowered: 0, staleOnly: 0 })
  })
})

describe('cellsPerLevel', () => {
  it('makes the cells without a level level 0', () => {
    expect(cellsPerLevel({ 1: 3, 4: 2 }, 10)).toEqual({ '0': 5, '1': 3, '2': 0, '3': 0, '4': 2 })
  })

  it('never gives a negative level-0 count', () => {
    expect(cellsPerLevel({ 2: 7 }, 5)).toEqual({ '0': 0, '1': 0, '2': 7, '3': 0, '4': 0 })
  })
})

describe('lastMonths', () => {
  it('lists calendar months oldest first, across a year boundary', () => {
    expect(lastMonths('2026-02-15', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
  })

  it('gives twelve months ending with the current one', () => {
    const months = lastMonths('2026-11-28', 12)
    expect(months).toHaveLength(12)
    expect(months[0]).toBe('2025-12')
    expect(months[11]).toBe('2026-11')
  })
})

describe('daysBefore', () => {
  it.each([
    ['2026-11-28', 365, '2025-11-28'],
    ['2024-03-01', 1, '2024-02-29'],
    ['2026-01-01', 0, '2026-01-01'],
  ])('%s minus %i days is %s', (date, days, expected) => {
    expect(daysBefore(date, days)).toBe(expected)
  })
})
