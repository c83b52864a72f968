import { describe, expect, it } from 'vitest'
import { DEFAULT_RULES } from './rules'
import { drawInspectionPlan, expectedInspections, periodYears, samplingLevel, type SamplingEnterprise, type SamplingInput } from './sampling'
import type { Level } from './levels'

const enterprise = (id: number, level: Level, extra: Partial<SamplingEnterprise> = {}): SamplingEnterprise => ({
  id,
  level,
  blacklisted: false,
  lastInspectorIds: [],
  ...extra,
})
const ROSTER = [11, 12, 13, 14, 15, 16]

function draw(input: Partial<SamplingInput> & Pick<SamplingInput, 'enterprises'>) {
  const result = drawInspectionPlan({ rosterIds: ROSTER, periodStart: '2026-01-01', periodEnd: '2026-06-30', seed: 'seed', ...input })
  if (!result.ok) throw new Error(`refused: needs ${result.needed}`)
  return result
}

describe('periodYears', () => {
  it.each([
    ['2026-01-01', '2026-03-31', 0.25],
    ['2026-04-01', '2026-06-30', 0.25],
    ['2026-01-01', '2026-06-30', 0.5],
    ['2026-07-01', '2026-12-31', 0.5],
    ['2026-01-01', '2026-12-31', 1],
    ['2026-01-15', '2026-02-14', 1 / 12],
    ['2026-02-01', '2026-02-14', 14 / 28 / 12],
    ['2024-02-01', '2024-02-29', 1 / 12],
    ['2026-01-31', '2026-02-27', 1 / 12], // 31 Jan + 1 month = 28 Feb (clamped), exclusive end
  ])('%s … %s → %f years', (start, end, years) => {
    expect(periodYears(start, end)).toBeCloseTo(years, 12)
  })

  it('refuses a period that ends before it starts', () => {
    expect(() => periodYears('2026-02-01', '2026-01-31')).toThrow(/before it starts/)
  })
})

describe('samplingLevel and expectedInspections', () => {
  it.each([
    [0, false, 1],
    [1, false, 1],
    [2, false, 2],
    [3, false, 3],
    [4, false, 4],
    [0, true, 2],
    [1, true, 2],
    [2, true, 3],
    [3, true, 4],
    [4, true, 4],
  ] as const)('level %i, blacklisted %s → samples at %i', (level, blacklisted, expected) => {
    expect(samplingLevel(level, blacklisted)).toBe(expected)
  })

  it('follows the rule set: a raise of 2 lifts blue to orange', () => {
    const rules = { inspection: { ...DEFAULT_RULES.inspection, blacklistRaise: 2 } }
    expect(samplingLevel(1, true, rules)).toBe(3)
  })

  it('pro-rates perYear to the period: red 4/yr over a quarter is exactly 1', () => {
    expect(expectedInspections(4, periodYears('2026-01-01', '2026-03-31'))).toBe(1)
    expect(expectedInspections(1, 0.5)).toBe(0.25)
  })
})

describe('drawInspectionPlan', () => {
  const mixed = [enterprise(1, 4), enterprise(2, 3), enterprise(3, 2), enterprise(4, 1), enterprise(5, 1, { blacklisted: true }), enterprise(6, 0)]

  it('is reproducible from its seed, whatever the order of its inputs', () => {
    const a = draw({ enterprises: mixed })
    expect(draw({ enterprises: [...mixed].reverse(), rosterIds: [...ROSTER].reverse() })).toEqual(a)
    expect(draw({ enterprises: mixed, seed: 'another seed' }).draws).not.toEqual(a.draws)
  })

  it("keeps every other enterprise's draw when one enterprise is added (one stream per enterprise)", () => {
    const before = draw({ enterprises: mixed }).draws
    const after = draw({ enterprises: [...mixed, enterprise(99, 4)] }).draws
    expect(after.filter((d) => d.enterpriseId !== 99)).toEqual(before)
  })

  it('gives every red enterprise exactly one inspection over a quarter (4/yr), inside the period', () => {
    for (const seed of ['a', 'b', 'c', 'd', 'e']) {
      const { draws } = draw({ enterprises: [enterprise(1, 4), enterprise(2, 4), enterprise(3, 3, { blacklisted: true })], periodEnd: '2026-03-31', seed })
      expect(draws.map((d) => d.enterpriseId)).toEqual([1, 2, 3])
      for (const d of draws) {
        expect(d.plannedFor >= '2026-01-01' && d.plannedFor <= '2026-03-31').toBe(true)
        expect(d.samplingLevel).toBe(4)
      }
    }
  })

  it('spreads several inspections of one enterprise one per slice of the period', () => {
    const { draws } = draw({ enterprises: [enterprise(1, 4)], periodEnd: '2026-12-31' })
    expect(draws).toHaveLength(4)
    const quarters = [
      ['2026-01-01', '2026-04-01'],
      ['2026-04-01', '2026-07-01'],
      ['2026-07-01', '2026-10-01'],
      ['2026-10-01', '2027-01-01'],
    ]
    draws.forEach((d, k) => {
      expect(d.plannedFor >= quarters[k]![0]! && d.plannedFor < quarters[k]![1]!, `${d.plannedFor} in quarter ${k + 1}`).toBe(true)
    })
  })

  it('draws two distinct inspectors from the roster for each inspection', () => {
    for (let s = 0; s < 200; s++) {
      for (const d of draw({ enterprises: mixed, seed: `pairs ${s}` }).draws) {
        expect(d.inspectorIds).toHaveLength(2)
        expect(d.inspectorIds[0]).toBeLessThan(d.inspectorIds[1]!)
        for (const id of d.inspectorIds) expect(ROSTER).toContain(id)
      }
    }
  })

  it('meets the frequency of each level within statistical tolerance over 2 000 seeds', () => {
    // Two months (1/6 year): every expectation is fractional, so every count is a Bernoulli draw.
    const periodEnd = '2026-02-28'
    const years = periodYears('2026-01-01', periodEnd)
    const population = [
      ...[1, 2, 3].map((i) => enterprise(100 + i, 4)),
      ...[1, 2, 3].map((i) => enterprise(200 + i, 3)),
      ...[1, 2, 3].map((i) => enterprise(300 + i, 2)),
      ...[1, 2, 3].map((i) => enterprise(400 + i, 1)),
      ...[1, 2, 3].map((i) => enterprise(500 + i, 1, { blacklisted: true })),
      ...[1, 2, 3].map((i) => enterprise(600 + i, 0)),
    ]
    const groups: Record<string, { expected: number; ids: number[] }> = {
      red: { expected: 4 * years, ids: [101, 102, 103] },
      orange: { expected: 2 * years, ids: [201, 202, 203] },
      yellow: { expected: 1 * years, ids: [301, 302, 303] },
      blue: { expected: 0.5 * years, ids: [401, 402, 403] },
      'blacklisted blue (as yellow)': { expected: 1 * years, ids: [501, 502, 503] },
      'ungraded (as blue)': { expected: 0.5 * years, ids: [601, 602, 603] },
    }
    const seeds = 2000
    const totals = new Map<number, number>()
    for (let s = 0; s < seeds; s++) {
      const counts = new Map<number, number>()
      for (const d of draw({ enterprises: population, periodEnd, seed: `frequency ${s}` }).draws)
        counts.set(d.enterpriseId, (counts.get(d.enterpriseId) ?? 0) + 1)
      for (const e of population) {
        const n = counts.get(e.id) ?? 0
        totals.set(e.id, (totals.get(e.id) ?? 0) + n)
        // Never more than the expectation rounded up, never less than rounded down.
        const group = Object.values(groups).find((g) => g.ids.includes(e.id))!
        expect(n).toBeGreaterThanOrEqual(Math.floor(group.expected))
        expect(n).toBeLessThanOrEqual(Math.ceil(group.expected))
      }
    }
    for (const [name, { expected, ids }] of Object.entries(groups)) {
      const trials = seeds * ids.length
      const mean = ids.reduce((sum, id) => sum + totals.get(id)!, 0) / trials
      const p = expected - Math.floor(expected)
      // Five standard errors of a Bernoulli mean: a false alarm about once in 3.5 million runs.
      const tolerance = 5 * Math.sqrt((p * (1 - p)) / trials)
      expect(Math.abs(mean - expected), `${name}: mean ${mean}, expected ${expected} ± ${tolerance}`).toBeLessThanOrEqual(tolerance)
    }
  })

  it('never sends an inspector of the previous inspection, nor the same one twice running within the plan', () => {
    const roster = [1, 2, 3, 4]
    for (let s = 0; s < 300; s++) {
      const { draws } = draw({
        enterprises: [enterprise(1, 4, { lastInspectorIds: [1, 2] }), enterprise(2, 3, { lastInspectorIds: [3, 99] })],
        rosterIds: roster,
        periodEnd: '2026-12-31',
        seed: `no repeat ${s}`,
      })
      const first = draws.filter((d) => d.enterpriseId === 1)
      expect(first.map((d) => d.inspectorIds)).toEqual([
        [3, 4],
        [1, 2],
        [3, 4],
        [1, 2],
      ])
      const second = draws.filter((d) => d.enterpriseId === 2)
      expect(second[0]!.inspectorIds).not.toContain(3)
      for (let k = 1; k < second.length; k++) {
        expect(second[k]!.inspectorIds.some((id) => second[k - 1]!.inspectorIds.includes(id))).toBe(false)
      }
    }
  })

  it.each([
    ['two inspections of one enterprise with three inspectors', [enterprise(1, 4)], [1, 2, 3], 4],
    ['one inspection after one by two of the three', [enterprise(1, 2, { lastInspectorIds: [1, 2] })], [1, 2, 3], 4],
    ['one inspection after one by three of the four', [enterprise(1, 2, { lastInspectorIds: [1, 2, 3] })], [1, 2, 3, 4], 5],
    ['a single inspector', [enterprise(1, 2)], [7], 2],
    ['no inspector at all', [enterprise(1, 4)], [], 4],
  ])('refuses a roster too small: %s → needs %i', (_name, enterprises, rosterIds, needed) => {
    const result = drawInspectionPlan({ enterprises, rosterIds, periodStart: '2026-01-01', periodEnd: '2026-12-31', seed: 'small' })
    expect(result).toEqual({ ok: false, reason: 'roster_too_small', needed, available: rosterIds.length })
  })

  it('needs only two inspectors when the previous ones came from another department', () => {
    const result = drawInspectionPlan({
      enterprises: [enterprise(1, 2, { lastInspectorIds: [50, 51] })],
      rosterIds: [1, 2],
      periodStart: '2026-01-01',
      periodEnd: '2026-12-31',
      seed: 's',
    })
    expect(result).toMatchObject({ ok: true, draws: [{ enterpriseId: 1, inspectorIds: [1, 2] }] })
  })
})
