import type { Messages } from '../i18n'

// Numbers, distances and dates as the current language writes them.

/** A distance in metres: "850 米" / "850 m" below a kilometre, "1.2 公里" / "1.2 km" above. */
export function formatDistance(m: Messages, metres: number): string {
  if (metres < 1000) return m.units.metres(Math.round(metres).toLocaleString(m.locale))
  return m.units.kilometres((metres / 1000).toLocaleString(m.locale, { maximumFractionDigits: 1 }))
}

/** An area in square kilometres, two decimals at most. */
export function formatAreaKm2(m: Messages, km2: number): string {
  return m.units.squareKilometres(km2.toLocaleString(m.locale, { maximumFractionDigits: 2 }))
}

/** A share 0–1 as a percentage with at most one decimal. */
export function formatShare(m: Messages, share: number): string {
  return share.toLocaleString(m.locale, { style: 'percent', maximumFractionDigits: 1 })
}

export function formatNumber(m: Messages, value: number, maximumFractionDigits = 1): string {
  return value.toLocaleString(m.locale, { maximumFractionDigits })
}

/** An ISO instant as a local date and time, `YYYY-MM-DD HH:mm`; an ISO date (YYYY-MM-DD) is left as it is. */
export function formatInstant(iso: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${localDate(date)} ${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
}

/** The local date `days` days before `from`, `YYYY-MM-DD`. */
export function daysBefore(from: Date, days: number): string {
  const date = new Date(from.getFullYear(), from.getMonth(), from.getDate() - days)
  return localDate(date)
}

/** Degrees with 5 decimals (≈ 1 m). */
export function formatDegrees(value: number): string {
  return value.toFixed(5)
}

/** A driving time: "4 分 05 秒" / "4 min 05 s" under ten minutes, whole minutes above. */
export function formatDuration(m: Messages, seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const min = Math.floor(total / 60)
  const sec = String(total % 60).padStart(2, '0')
  if (m.locale === 'en') return min >= 10 ? `${Math.round(total / 60)} min` : `${min} min ${sec} s`
  return min >= 10 ? `${Math.round(total / 60)} 分钟` : `${min} 分 ${sec} 秒`
}
