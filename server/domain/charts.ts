/**
 * The aggregates behind the staff charts page (web/charts.html): pure functions over rows the
 * charts repository reads, so the arithmetic is tested without a database.
 */
import type { RiskLevel } from './levels'

export const RISK_LEVELS: readonly RiskLevel[] = [1, 2, 3, 4]

/** Cells at each risk level (1..4), keyed by level as a string, as JSON gives them. */
export type LevelCounts = Record<'1' | '2' | '3' | '4', number>

const zero = (): LevelCounts => ({ 1: 0, 2: 0, 3: 0, 4: 0 })

/** One day's net change of the cells at one level: +1 for a cell that entered it, −1 for one that left. */
export interface LevelDelta {
  day: string
  level: number
  delta: number
}

/**
 * The cells at each level at the end of each day on which a level changed, from the day-by-day net
 * changes of the level history. The history is complete from the first grading (every cell enters
 * with a change from level 0), so the running sum is the count of that day. Level 0 is not counted
 * (it is everything else). Days are returned in order; a day with only level-0 changes still appears.
 */
export function levelTimeline(deltas: readonly LevelDelta[]): Array<{ day: string; cells: LevelCounts }> {
  const days = [...new Set(deltas.map((d) => d.day))].sort()
  const byDay = new Map<string, LevelDelta[]>()
  for (const d of deltas) {
    const list = byDay.get(d.day)
    if (list) list.push(d)
    else byDay.set(d.day, [d])
  }
  const running = zero()
  return days.map((day) => {
    for (const d of byDay.get(day) ?? []) {
      if (d.level >= 1 && d.level <= 4) running[String(d.level) as keyof LevelCounts] += d.delta
    }
    return { day, cells: { ...running } }
  })
}

/** How long closed reports took, in days: how many, the median and the mean (null when none). */
export interface HandlingStats {
  closed: number
  medianDays: number | null
  meanDays: number | null
}

/** Rounds to one decimal (a tenth of a day, 2.4 h): finer means nothing on a chart. */
const tenth = (x: number) => Math.round(x * 10) / 10

export function handlingStats(days: readonly number[]): HandlingStats {
  if (days.length === 0) return { closed: 0, medianDays: null, meanDays: null }
  const sorted = [...days].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length
  return { closed: sorted.length, medianDays: tenth(median), meanDays: tenth(mean) }
}

/** The kinds of grading source the sources chart counts, in its order. */
export const CHART_SOURCE_KINDS = ['major_hazard', 'safety_risk', 'hidden_danger', 'area_assessment'] as const
export type ChartSourceKind = (typeof CHART_SOURCE_KINDS)[number]

/** Sources per kind and level, every kind and level present (0 where none). */
export function sourceMatrix(rows: ReadonlyArray<{ kind: string; level: number; n: number }>): Record<ChartSourceKind, LevelCounts> {
  const out = Object.fromEntries(CHART_SOURCE_KINDS.map((k) => [k, zero()])) as Record<ChartSourceKind, LevelCounts>
  for (const r of rows) {
    if (!(CHART_SOURCE_KINDS as readonly string[]).includes(r.kind)) throw new Error(`unknown source kind ${r.kind}`)
    if (r.level < 1 || r.level > 4) throw new Error(`source level ${r.level} of ${r.kind} is not 1..4`)
    out[r.kind as ChartSourceKind][String(r.level) as keyof LevelCounts] += r.n
  }
  return out
}
