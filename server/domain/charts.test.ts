import { describe, expect, it } from 'vitest'
import { handlingStats, levelTimeline, sourceMatrix } from './charts'

describe('levelTimeline', () => {
  it('sums the day-by-day net changes into the cells at each level at the end of each day, in day order', () => {
    const timeline = levelTimeline([
      { day: '2026-03-02', level: 4, delta: -1 },
      { day: '2026-03-01', level: 4, delta: 3 },
      { day: '2026-03-01', level: 1, delta: 10 },
      { day: '2026-03-02', level: 3, delta: 1 },
      { day: '2026-03-05', level: 1, delta: -10 },
    ])
    expect(timeline).toEqual([
      { day: '2026-03-01', cells: { 1: 10, 2: 0, 3: 0, 4: 3 } },
      { day: '2026-03-02', cells: { 1: 10, 2: 0, 3: 1, 4: 2 } },
      { day: '2026-03-05', cells: { 1: 0, 2: 0, 3: 1, 4: 2 } },
    ])
  })

  it('gives nothing for no history, and ignores level 0', () => {
    expect(levelTimeline([])).toEqual([])
    expect(levelTimeline([{ day: '2026-01-01', level: 0, delta: 5 }])).toEqual([{ day: '2026-01-01', cells: { 1: 0, 2: 0, 3: 0, 4: 0 } }])
  })
})

describe('handlingStats', () => {
  it('counts, and gives the median and mean to a tenth of a day', () => {
    expect(handlingStats([3, 1, 2])).toEqual({ closed: 3, medianDays: 2, meanDays: 2 })
    expect(handlingStats([1, 2, 4, 10.04])).toEqual({ closed: 4, medianDays: 3, meanDays: 4.3 })
  })
  it('has no median or mean without a closed report', () => {
    expect(handlingStats([])).toEqual({ closed: 0, medianDays: null, meanDays: null })
  })
})

describe('sourceMatrix', () => {
  it('lists every kind and level, adding the rows', () => {
    const m = sourceMatrix([
      { kind: 'major_hazard', level: 4, n: 2 },
      { kind: 'area_assessment', level: 1, n: 5 },
      { kind: 'major_hazard', level: 4, n: 1 },
    ])
    expect(m.major_hazard).toEqual({ 1: 0, 2: 0, 3: 0, 4: 3 })
    expect(m.area_assessment).toEqual({ 1: 5, 2: 0, 3: 0, 4: 0 })
    expect(m.safety_risk).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 })
    expect(m.hidden_danger).toEqual({ 1: 0, 2: 0, 3: 0, 4: 0 })
  })
  it('refuses an unknown kind or a level outside 1..4', () => {
    expect(() => sourceMatrix([{ kind: 'enterprise', level: 2, n: 1 }])).toThrow(/unknown source kind enterprise/)
    expect(() => sourceMatrix([{ kind: 'safety_risk', level: 0, n: 1 }])).toThrow(/level 0/)
  })
})
