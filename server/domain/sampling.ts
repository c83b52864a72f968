/**
 * Double-random inspection sampling (双随机, docs/domain.md Policy 二(五), docs/domain.md §5): which enterprises a department
 * inspects in a period, how often by risk level, and which two inspectors go. Pure and seeded: the
 * same inputs and seed give the same draw on every run, so a stored plan can be reproduced.
 */
import { Random } from './random'
import { isLevel, type Level, type RiskLevel } from './levels'
import { DEFAULT_RULES, type RuleSet } from './rules'

/** Inspectors per inspection (行政执法 by at least two officers). */
export const INSPECTORS_PER_INSPECTION = 2

export interface SamplingEnterprise {
  id: number
  /** Current risk level, 0..4; 0 (nothing identified) is sampled like blue. */
  level: Level
  blacklisted: boolean
  /** Inspectors of the enterprise's previous inspection (performed or planned); none of them is drawn again first. */
  lastInspectorIds: number[]
}

export interface SamplingInput {
  enterprises: SamplingEnterprise[]
  /** Ids of the department's active inspectors. */
  rosterIds: number[]
  /** First and last day of the period, inclusive, `YYYY-MM-DD`. */
  periodStart: string
  periodEnd: string
  seed: string
}

export interface PlannedInspection {
  enterpriseId: number
  /** Day the inspection is planned for, `YYYY-MM-DD`, within the period. */
  plannedFor: string
  /** Two distinct inspectors, ascending. */
  inspectorIds: number[]
  /** The level the frequency was taken from (the risk level, raised when blacklisted). */
  samplingLevel: RiskLevel
}

export type SamplingResult =
  | {
      ok: true
      /** Length of the period in years (calendar months / 12, so a calendar quarter is exactly 0.25). */
      years: number
      /** Expected inspections over the period per enterprise at each sampling level. */
      expectedPerEnterprise: Record<RiskLevel, number>
      draws: PlannedInspection[]
    }
  | {
      ok: false
      reason: 'roster_too_small'
      /** Active inspectors the draw needs: two per inspection plus those of each enterprise's previous inspection. */
      needed: number
      available: number
    }

const DAY_MS = 86_400_000

function dayOf(iso: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso) || Number.isNaN(Date.parse(`${iso}T00:00:00Z`))) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`)
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)
}

function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** The day `months` calendar months after `day` (clamped to the end of a shorter month). */
function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay)) / DAY_MS)
}

/**
 * Length of the inclusive period in years, counted in calendar months so that a quarter is 0.25 and
 * a half-year 0.5 exactly; a partial month counts by its share of days.
 */
export function periodYears(periodStart: string, periodEnd: string): number {
  const start = dayOf(periodStart)
  const endExclusive = dayOf(periodEnd) + 1
  if (endExclusive <= start) throw new RangeError(`period ends (${periodEnd}) before it starts (${periodStart})`)
  let months = 0
  while (addMonths(start, months + 1) <= endExclusive) months += 1
  const anchor = addMonths(start, months)
  const monthLength = addMonths(start, months + 1) - anchor
  return (months + (endExclusive - anchor) / monthLength) / 12
}

/** The level whose frequency applies: the risk level (0 counts as blue), raised for a blacklisted enterprise, capped at red. */
export function samplingLevel(level: Level, blacklisted: boolean, rules: Pick<RuleSet, 'inspection'> = DEFAULT_RULES): RiskLevel {
  if (!isLevel(level)) throw new RangeError(`level must be 0..4, got ${String(level)}`)
  const base = Math.max(1, level)
  return Math.min(4, base + (blacklisted ? rules.inspection.blacklistRaise : 0)) as RiskLevel
}

/** Expected inspections over `years` at a level: perYear pro-rated, rounded to 1e-9 so 4 × 0.25 is exactly 1. */
export function expectedInspections(level: RiskLevel, years: number, rules: Pick<RuleSet, 'inspection'> = DEFAULT_RULES): number {
  return Math.round(rules.inspection.perYear[level] * years * 1e9) / 1e9
}

/**
 * Draws a plan. Each enterprise (in id order, each from its own stream derived from the seed, so adding
 * one enterprise does not change the others' draws) gets ⌊expected⌋ inspections plus one more with
 * probability equal to the fractional part; its inspections are spread one per equal slice of the
 * period, each on a random day of its slice; each takes two distinct inspectors at random from the
 * roster, never one who was on the enterprise's previous inspection. Refuses (without drawing
 * inspectors) when the roster is too small for that.
 */
export function drawInspectionPlan(input: SamplingInput, rules: Pick<RuleSet, 'inspection'> = DEFAULT_RULES): SamplingResult {
  const years = periodYears(input.periodStart, input.periodEnd)
  const start = dayOf(input.periodStart)
  const days = dayOf(input.periodEnd) - start + 1
  const expectedPerEnterprise = Object.fromEntries(([1, 2, 3, 4] as const).map((l) => [l, expectedInspections(l, years, rules)])) as Record<RiskLevel, number>
  const roster = [...new Set(input.rosterIds)].sort((a, b) => a - b)
  const inRoster = new Set(roster)
  const enterprises = [...input.enterprises].sort((a, b) => a.id - b.id)

  // First pass: how many inspections each enterprise gets.
  const counts = enterprises.map((e) => {
    const rng = Random.derive(input.seed, `enterprise:${e.id}`)
    const level = samplingLevel(e.level, e.blacklisted, rules)
    const expected = expectedPerEnterprise[level]
    const whole = Math.floor(expected)
    // Always consume one number, so the stream is at the same place whatever the level.
    const extra = rng.next() < expected - whole ? 1 : 0
    return { enterprise: e, level, count: whole + extra, rng }
  })

  // The roster must allow every inspection two inspectors who were not on the previous one.
  let needed = 0
  for (const { enterprise, count } of counts) {
    if (count === 0) continue
    const previous = new Set(enterprise.lastInspectorIds.filter((id) => inRoster.has(id))).size
    needed = Math.max(needed, INSPECTORS_PER_INSPECTION + (count > 1 ? Math.max(previous, INSPECTORS_PER_INSPECTION) : previous))
  }
  if (roster.length < needed) return { ok: false, reason: 'roster_too_small', needed, available: roster.length }

  const draws: PlannedInspection[] = []
  for (const { enterprise, level, count, rng } of counts) {
    let previous = new Set(enterprise.lastInspectorIds)
    for (let k = 0; k < count; k++) {
      const sliceStart = start + Math.floor((k * days) / count)
      const sliceEnd = start + Math.floor(((k + 1) * days) / count) - 1
      const plannedFor = isoOf(rng.int(sliceStart, Math.max(sliceStart, sliceEnd)))
      const eligible = roster.filter((id) => !previous.has(id))
      const inspectorIds = rng.sample(eligible, INSPECTORS_PER_INSPECTION).sort((a, b) => a - b)
      draws.push({ enterpriseId: enterprise.id, plannedFor, inspectorIds, samplingLevel: level })
      previous = new Set(inspectorIds)
    }
  }
  return { ok: true, years, expectedPerEnterprise, draws }
}
