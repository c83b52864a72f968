/**
 * Pure helpers of the printable region report: how coarse the report's map draws the cells, and
 * how the level changes of a region's cells add up. No Fastify, no SQL.
 */

/** Each coarser H3 resolution has about this many times fewer cells (aperture 7). */
const H3_APERTURE = 7

/**
 * The H3 resolution the report's small map draws cells at: the analysis resolution when the region
 * has at most `maxCells` cells there, else the first coarser pyramid level (docs/domain.md §4.5) expected
 * to stay under it, never below `minRes`.
 */
export function mapResolution(analysisRes: number, analysisCells: number, maxCells: number, minRes = 0): number {
  if (analysisCells <= maxCells) return analysisRes
  const steps = Math.ceil(Math.log(analysisCells / maxCells) / Math.log(H3_APERTURE))
  return Math.max(minRes, analysisRes - steps)
}

export interface CellChange {
  before: number
  after: number
  beforeStale: boolean
  afterStale: boolean
  /** The cell had no level history before the window: its first grading, not a raise. */
  firstGraded?: boolean
}

export interface ChangeTotals {
  /** Cells graded for the first time in the window (no history before it): not counted as raised. */
  firstGraded: number
  /** Cells whose level went up (first state to last state of the window), first gradings excepted. */
  raised: number
  lowered: number
  /** Cells whose level is the same but whose "data stale" flag changed. */
  staleOnly: number
}

/** Adds up per-cell changes (first to last state in a window, as GET /api/changes gives them). */
export function changeTotals(changes: readonly CellChange[]): ChangeTotals {
  const totals: ChangeTotals = { firstGraded: 0, raised: 0, lowered: 0, staleOnly: 0 }
  for (const c of changes) {
    if (c.firstGraded && c.after !== c.before) totals.firstGraded++
    else if (c.after > c.before) totals.raised++
    else if (c.after < c.before) totals.lowered++
    else if (c.afterStale !== c.beforeStale) totals.staleOnly++
  }
  return totals
}

/**
 * Cells per level 0..4 from the graded cells' counts and the number of analysis cells covering the
 * region: the cells with no source (never graded, or graded 0) make up level 0.
 */
export function cellsPerLevel(graded: Partial<Record<number, number>>, coveringCells: number): Record<'0' | '1' | '2' | '3' | '4', number> {
  const counts = { '0': 0, '1': graded[1] ?? 0, '2': graded[2] ?? 0, '3': graded[3] ?? 0, '4': graded[4] ?? 0 }
  const withLevel = counts['1'] + counts['2'] + counts['3'] + counts['4']
  counts['0'] = Math.max(0, coveringCells - withLevel)
  return counts
}

/** The `months` calendar months up to and including the one of `today` (YYYY-MM-DD), oldest first, as YYYY-MM. */
export function lastMonths(today: string, months: number): string[] {
  const [year, month] = today.split('-').map(Number) as [number, number]
  const out: string[] = []
  for (let i = months - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i
    out.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`)
  }
  return out
}

/** The date `days` days before `date` (both YYYY-MM-DD, calendar days in UTC). */
export function daysBefore(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) - days * 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}
