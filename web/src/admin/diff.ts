import { localDate } from '../ui/format'

/** One field of an audited record whose value changed; undefined: the field was absent on that side. */
export interface FieldChange {
  key: string
  before: unknown
  after: unknown
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Structural equality of JSON values (object key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => sameJson(v, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    return [...keys].every((k) => sameJson(a[k], b[k]))
  }
  return false
}

/**
 * The fields that differ between an audited record before and after a write, in the order they first
 * appear (after's keys, then keys only before had). A creation (before null) lists every field of
 * after, a deletion every field of before. Values that are not objects compare as one field, ''.
 */
export function auditChanges(before: unknown, after: unknown): FieldChange[] {
  const from = before ?? {}
  const to = after ?? {}
  if (!isPlainObject(from) || !isPlainObject(to)) return sameJson(before, after) ? [] : [{ key: '', before: before ?? undefined, after: after ?? undefined }]
  const keys = [...new Set([...Object.keys(to), ...Object.keys(from)])]
  return keys.filter((k) => !sameJson(from[k], to[k])).map((key) => ({ key, before: from[key], after: to[key] }))
}

/** A JSON value for the diff list: strings as they are, absent as an empty string, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return ''
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/** An ISO instant as local date and time with seconds, `YYYY-MM-DD HH:mm:ss`. */
export function localDateTime(iso: string): string {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const two = (n: number) => String(n).padStart(2, '0')
  return `${localDate(date)} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

/**
 * The audit query's time window from local calendar dates (YYYY-MM-DD, either may be empty): from the
 * start of the first day to the start of the day after the last, as ISO instants.
 */
export function dayRange(fromDate: string, toDate: string): { from?: string; to?: string } {
  const start = (value: string, plusDays: number): string | undefined => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
    if (!match) return undefined
    return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + plusDays).toISOString()
  }
  return { from: start(fromDate, 0), to: start(toDate, 1) }
}
