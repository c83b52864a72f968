/**
 * Dates as UTC day numbers, and their ISO strings.
 */
import { type DateString, type Timestamp } from './rows'

export const DAY_MS = 86_400_000

export function dayOf(date: Date): number {
  return Math.floor(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()) / DAY_MS)
}

export function isoDate(day: number): DateString {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** A timestamp on `day` at `minutes` past midnight UTC. */
export function isoTime(day: number, minutes: number): Timestamp {
  return new Date(day * DAY_MS + minutes * 60_000).toISOString()
}

export function yearOf(day: number): number {
  return new Date(day * DAY_MS).getUTCFullYear()
}

/** The same day of month `months` later (clamped to the month's last day), as in the staleness rule. */
export function addMonths(day: number, months: number): number {
  const d = new Date(day * DAY_MS)
  const y = d.getUTCFullYear()
  const m = d.getUTCMonth() + months
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate()
  return Math.floor(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY_MS)
}
