import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { addMonthsUtc, cellLevel, distanceDecay, impactRadiusM, isStale, parentLevel, type CellSource, type PyramidCell } from './cell-level'
import type { Level } from './levels'
import { DEFAULT_RULES } from './rules'

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    if (e instanceof AppError) return e.details[0]?.field
    throw e
  }
  throw new Error('expected an AppError')
}

/** A point source at its default radius, `distanceM` metres from the cell. */
function src(level: Level, id: number, distanceM = 0, extra: Partial<CellSource> = {}): CellSource {
  return { kind: 'major_hazard', id, level, distanceM, radiusM: level === 0 ? 0 : DEFAULT_RULES.impactRadiusM[level], stale: false, ...extra }
}

describe('cellLevel', () => {
  const cases: Array<{ label: string; sources: CellSource[]; level: Level; rule: string; stale: boolean; score: number; explanation: RegExp }> = [
    { label: 'no source → level 0', sources: [], level: 0, rule: 'none', stale: false, score: 0, explanation: /No risk source/ },
    { label: 'only level-0 sources → level 0', sources: [src(0, 1)], level: 0, rule: 'none', stale: false, score: 0, explanation: /No risk source/ },
    {
      label: 'one red at its location',
      sources: [src(4, 1)],
      level: 4,
      rule: 'highest',
      stale: false,
      score: 100,
      explanation: /red from major hazard installation #1/,
    },
    // decay at the zone edge: 1 − 1000 / (2 × 1000) = 0.5
    { label: 'one red at the edge of its zone', sources: [src(4, 1, 1000)], level: 4, rule: 'highest', stale: false, score: 50, explanation: /red/ },
    {
      label: 'highest wins (就高)',
      sources: [src(1, 1), src(3, 2, 250), src(2, 3)],
      level: 3,
      rule: 'highest',
      stale: false,
      score: 3 + 30 * 0.75 + 10,
      explanation: /orange from major hazard installation #2/,
    },
    { label: '2 yellow sources stay yellow', sources: [src(2, 1), src(2, 2)], level: 2, rule: 'highest', stale: false, score: 20, explanation: /fewer than 3/ },
    {
      label: '3 yellow sources raise the cell to orange',
      sources: [src(2, 1), src(2, 2, 150), src(2, 3, 300)],
      level: 3,
      rule: 'accumulation',
      stale: false,
      score: 10 + 7.5 + 5,
      explanation: /3 yellow sources \(at least 3\) raise the cell from yellow to orange/,
    },
    {
      label: '3 orange sources raise the cell to red',
      sources: [src(3, 1), src(3, 2), src(3, 3)],
      level: 4,
      rule: 'accumulation',
      stale: false,
      score: 90,
      explanation: /orange to red/,
    },
    {
      label: '4 blue sources raise the cell to yellow',
      sources: [src(1, 1), src(1, 2), src(1, 3), src(1, 4)],
      level: 2,
      rule: 'accumulation',
      stale: false,
      score: 12,
      explanation: /blue to yellow/,
    },
    {
      label: '3 red sources do not raise red',
      sources: [src(4, 1), src(4, 2), src(4, 3)],
      level: 4,
      rule: 'highest',
      stale: false,
      score: 300,
      explanation: /red is not raised/,
    },
    {
      label: 'accumulation counts only the top level: 3 yellow + 1 orange stays orange',
      sources: [src(2, 1), src(2, 2), src(2, 3), src(3, 4)],
      level: 3,
      rule: 'highest',
      stale: false,
      score: 60,
      explanation: /orange from major hazard installation #4/,
    },
    {
      label: 'all influencing records stale → stale, level kept',
      sources: [src(3, 1, 0, { stale: true }), src(2, 2, 0, { stale: true })],
      level: 3,
      rule: 'highest',
      stale: true,
      score: 40,
      explanation: /all 2 influencing records are stale/,
    },
    {
      label: 'one fresh record → not stale',
      sources: [src(3, 1, 0, { stale: true }), src(1, 2, 0, { stale: false })],
      level: 3,
      rule: 'highest',
      stale: false,
      score: 33,
      explanation: /orange/,
    },
    {
      label: 'a fresh level-0 record does not count against staleness',
      sources: [src(2, 1, 0, { stale: true }), src(0, 2)],
      level: 2,
      rule: 'highest',
      stale: true,
      score: 10,
      explanation: /record is stale/,
    },
    {
      label: 'area assessment intersecting the cell (distance 0, radius 0) counts fully',
      sources: [{ kind: 'area_assessment', id: 9, level: 2, distanceM: 0, radiusM: 0, stale: false }],
      level: 2,
      rule: 'highest',
      stale: false,
      score: 10,
      explanation: /yellow from public-area assessment #9/,
    },
  ]
  it.each(cases)('$label', ({ sources, level, rule, stale, score, explanation }) => {
    const result = cellLevel(sources)
    expect(result.level).toBe(level)
    expect(result.rule).toBe(rule)
    expect(result.stale).toBe(stale)
    expect(result.score).toBeCloseTo(score, 3)
    expect(result.explanation).toMatch(explanation)
    expect(result.explanationZh.length).toBeGreaterThan(3)
  })

  it('counts influencing sources by level and kind', () => {
    const result = cellLevel([
      src(4, 1),
      src(2, 2, 0, { kind: 'safety_risk' }),
      src(2, 3, 0, { kind: 'enterprise' }),
      src(1, 4, 0, { kind: 'safety_risk' }),
      src(0, 5, 0, { kind: 'hidden_danger' }),
    ])
    expect(result.counts.byLevel).toEqual({ '1': 1, '2': 2, '3': 0, '4': 1 })
    expect(result.counts.byKind).toEqual({ major_hazard: 1, safety_risk: 2, enterprise: 1 })
  })

  it('names the nearest source at the top level', () => {
    expect(cellLevel([src(3, 7, 400), src(3, 3, 100)]).explanation).toMatch(/#3/)
  })

  it('accumulation n comes from the rule set', () => {
    const rules = structuredClone(DEFAULT_RULES)
    rules.accumulation.n = 2
    expect(cellLevel([src(2, 1), src(2, 2)], rules)).toMatchObject({ level: 3, rule: 'accumulation' })
  })

  const invalidCases: Array<[string, CellSource[], string]> = [
    ['negative distance', [src(2, 1, -1)], 'sources[0].distanceM'],
    ['NaN radius', [src(2, 1), src(2, 2, 0, { radiusM: Number.NaN })], 'sources[1].radiusM'],
    ['level 5', [src(5 as Level, 1, 0, { radiusM: 10 })], 'sources[0].level'],
  ]
  it.each(invalidCases)('rejects %s naming %s', (_label, sources, field) => {
    expect(fieldOf(() => cellLevel(sources))).toBe(field)
  })
})

describe('distanceDecay (metres)', () => {
  const cases: Array<[number, number, number]> = [
    [0, 1000, 1],
    [500, 1000, 0.75],
    [1000, 1000, 0.5],
    [2000, 1000, 0],
    [3000, 1000, 0],
    [0, 0, 1],
    [5, 0, 0],
  ]
  it.each(cases)('d %i m, radius %i m → %d', (d, r, expected) => {
    expect(distanceDecay(d, r)).toBeCloseTo(expected, 12)
  })
})

describe('impactRadiusM (metres)', () => {
  const cases: Array<[Level, number | null | undefined, number]> = [
    [4, undefined, 1000],
    [3, undefined, 500],
    [2, undefined, 300],
    [1, undefined, 100],
    [0, undefined, 0],
    [1, null, 100],
    [4, 2500, 2500],
    [2, 50, 50],
  ]
  it.each(cases)('level %i, reported %s → %i', (level, reported, expected) => {
    expect(impactRadiusM(level, reported)).toBe(expected)
  })

  const invalidCases: Array<[Level, number, string]> = [
    [2, 0, 'impactRadiusM'],
    [2, -5, 'impactRadiusM'],
    [2, Number.NaN, 'impactRadiusM'],
    [9 as Level, 100, 'level'],
  ]
  it.each(invalidCases)('level %i, reported %d → invalid %s', (level, reported, field) => {
    expect(fieldOf(() => impactRadiusM(level, reported))).toBe(field)
  })
})

describe('isStale (12 calendar months by default)', () => {
  const d = (iso: string) => new Date(iso)
  const cases: Array<[string, Date, Date | null, Date, boolean]> = [
    ['exactly 12 months old: still valid', d('2025-06-15T00:00:00Z'), null, d('2026-06-15T00:00:00Z'), false],
    ['one second past 12 months: stale', d('2025-06-15T00:00:00Z'), null, d('2026-06-15T00:00:01Z'), true],
    ['one month old', d('2026-05-15T00:00:00Z'), null, d('2026-06-15T00:00:00Z'), false],
    ['31 Jan + 12 months is 31 Jan', d('2025-01-31T08:00:00Z'), null, d('2026-01-31T08:00:00Z'), false],
    ['own validity not yet past', d('2020-01-01T00:00:00Z'), d('2027-01-01T00:00:00Z'), d('2026-06-15T00:00:00Z'), false],
    ['exactly at own validity: still valid', d('2025-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), false],
    ['past own validity, though recent', d('2026-01-01T00:00:00Z'), d('2026-03-01T00:00:00Z'), d('2026-06-15T00:00:00Z'), true],
  ]
  it.each(cases)('%s', (_label, reportedAt, validUntil, now, expected) => {
    expect(isStale(reportedAt, validUntil, now)).toBe(expected)
  })

  it('rejects an invalid date naming it', () => {
    expect(fieldOf(() => isStale(new Date('nope'), null, new Date()))).toBe('reportedAt')
    expect(fieldOf(() => isStale(new Date(), new Date('nope'), new Date()))).toBe('validUntil')
    expect(fieldOf(() => isStale(new Date(), null, new Date('nope')))).toBe('now')
  })

  const monthCases: Array<[string, number, string]> = [
    ['2024-01-31T00:00:00Z', 1, '2024-02-29T00:00:00.000Z'],
    ['2025-01-31T00:00:00Z', 1, '2025-02-28T00:00:00.000Z'],
    ['2024-02-29T12:30:00Z', 12, '2025-02-28T12:30:00.000Z'],
    ['2025-11-30T00:00:00Z', 3, '2026-02-28T00:00:00.000Z'],
  ]
  it.each(monthCases)('addMonthsUtc(%s, %i) → %s', (from, months, to) => {
    expect(addMonthsUtc(new Date(from), months).toISOString()).toBe(to)
  })
})

describe('parentLevel (pyramid)', () => {
  const cases: Array<[string, PyramidCell[], PyramidCell]> = [
    ['no children', [], { level: 0, score: 0, stale: false }],
    [
      'highest child, scores summed',
      [
        { level: 2, score: 10, stale: false },
        { level: 4, score: 100.5, stale: true },
      ],
      { level: 4, score: 110.5, stale: false },
    ],
    [
      'all levelled children stale',
      [
        { level: 2, score: 10, stale: true },
        { level: 3, score: 30, stale: true },
        { level: 0, score: 0, stale: false },
      ],
      { level: 3, score: 40, stale: true },
    ],
    [
      'only level-0 children',
      [
        { level: 0, score: 0, stale: false },
        { level: 0, score: 0, stale: false },
      ],
      { level: 0, score: 0, stale: false },
    ],
  ]
  it.each(cases)('%s', (_label, children, expected) => {
    expect(parentLevel(children)).toEqual(expected)
  })
})

describe('cellLevel explanation names the deciding source', () => {
  it('uses the record name in both languages when given, and reports it as lead', () => {
    const r = cellLevel([
      { kind: 'hidden_danger', id: 11, name: '储罐区报警失效', level: 4, distanceM: 120, radiusM: 1000, stale: false },
      { kind: 'safety_risk', id: 3, name: '有限空间', level: 2, distanceM: 0, radiusM: 300, stale: false },
    ])
    expect(r.lead).toEqual({ kind: 'hidden_danger', id: 11 })
    expect(r.explanation).toContain('unrectified major hidden danger “储罐区报警失效”')
    expect(r.explanationZh).toBe('就高：未销号重大事故隐患“储罐区报警失效”为重大风险（同级源 1 个）')
  })
})
