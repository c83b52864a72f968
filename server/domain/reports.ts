/**
 * Public (12350-style) and grid-worker reports (docs/domain.md §8, docs/domain.md Policy 二(十)): the category vocabulary,
 * the status machine staff triage a report through, tracking codes and the overdue rule.
 * Pure: no Fastify, no knex.
 */
import { conflict, invalid } from './errors'

export const REPORT_STATUSES = ['received', 'triaged', 'assigned', 'closed', 'rejected'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const REPORT_SOURCES = ['public', 'grid_worker'] as const
export type ReportSource = (typeof REPORT_SOURCES)[number]

/** States a report never leaves; a resolution text is required to enter them. */
export const FINAL_STATUSES: readonly ReportStatus[] = ['closed', 'rejected']

/**
 * Where each status may go. A report is triaged (checked, not spam) before it is assigned to a
 * department or inspection; it may be rejected (spam, duplicate, not a safety matter) at any open
 * step and closed once triaged (handled, with or without an inspection).
 */
export const REPORT_TRANSITIONS: Readonly<Record<ReportStatus, readonly ReportStatus[]>> = {
  received: ['triaged', 'rejected'],
  triaged: ['assigned', 'closed', 'rejected'],
  assigned: ['closed', 'rejected'],
  closed: [],
  rejected: [],
}

/** Statuses from which a report can become an inspection task (which assigns it). */
export const INSPECTABLE_STATUSES: readonly ReportStatus[] = ['received', 'triaged', 'assigned']

export interface ReportCategory {
  code: string
  zh: string
  en: string
  /**
   * Who handles it: the department supervising this industry (department.industries vocabulary;
   * `other` is the emergency-management department, the comprehensive supervisor) or the
   * specialist department of this field (department.specialty).
   */
  handledBy: { industry: string } | { specialty: 'fire' | 'special_equipment' }
}

/** What the public may report. */
export const PUBLIC_CATEGORIES: readonly ReportCategory[] = [
  { code: 'illegal_business', zh: '非法生产经营', en: 'Illegal production or business', handledBy: { industry: 'other' } },
  { code: 'hazardous_chemicals', zh: '危险化学品', en: 'Hazardous chemicals', handledBy: { industry: 'hazardous_chemicals' } },
  { code: 'fire_hazard', zh: '消防隐患', en: 'Fire hazard', handledBy: { specialty: 'fire' } },
  { code: 'construction', zh: '建筑施工', en: 'Construction site', handledBy: { industry: 'construction' } },
  { code: 'gas', zh: '燃气', en: 'Gas', handledBy: { industry: 'gas' } },
  { code: 'special_equipment', zh: '特种设备（电梯、锅炉等）', en: 'Special equipment (lifts, boilers…)', handledBy: { specialty: 'special_equipment' } },
  { code: 'crowded_place', zh: '人员密集场所', en: 'Crowded place', handledBy: { industry: 'retail' } },
  { code: 'other', zh: '其他', en: 'Other', handledBy: { industry: 'other' } },
]

/** What grid workers report from their grid (changes of the enterprise register, illegal activity). */
export const GRID_WORKER_CATEGORIES: readonly ReportCategory[] = [
  { code: 'enterprise_opened', zh: '企业新开', en: 'Enterprise opened', handledBy: { industry: 'other' } },
  { code: 'enterprise_closed', zh: '企业关闭', en: 'Enterprise closed', handledBy: { industry: 'other' } },
  { code: 'enterprise_moved', zh: '企业迁移', en: 'Enterprise moved', handledBy: { industry: 'other' } },
  { code: 'suspected_illegal_production', zh: '疑似非法生产', en: 'Suspected illegal production', handledBy: { industry: 'other' } },
]

export const PUBLIC_CATEGORY_CODES = PUBLIC_CATEGORIES.map((c) => c.code)
export const GRID_WORKER_CATEGORY_CODES = GRID_WORKER_CATEGORIES.map((c) => c.code)

/** The category of a code, from either vocabulary; undefined for an unknown code. */
export function reportCategory(code: string): ReportCategory | undefined {
  return PUBLIC_CATEGORIES.find((c) => c.code === code) ?? GRID_WORKER_CATEGORIES.find((c) => c.code === code)
}

/**
 * Checks a requested status change; throws a 409 naming the current status when the machine does
 * not allow it, and `invalid('resolution')` when a final status comes without a resolution text.
 */
export function checkTransition(current: ReportStatus, next: ReportStatus, resolution: string | null | undefined): void {
  if (!REPORT_TRANSITIONS[current].includes(next)) {
    const allowed = REPORT_TRANSITIONS[current]
    throw conflict(`The report is ${current}; it cannot become ${next}` + (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'), [
      { field: 'status', message: `cannot go from ${current} to ${next}`, current, allowed: [...allowed] },
    ])
  }
  if (FINAL_STATUSES.includes(next) && !resolution?.trim()) {
    throw invalid('resolution', `is required to make a report ${next}: it is what the reporter reads`)
  }
}

// ---------------------------------------------------------------- tracking codes

/** Digits and capitals without the look-alikes 0/O, 1/I/L, so a code read aloud or copied by hand survives. */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
/** Characters of a tracking code: 31^10 ≈ 8·10^14 codes, about 49 bits, not guessable by trying. */
export const TRACKING_CODE_LENGTH = 10

/** A new random tracking code; `randomIndex(n)` returns a uniform integer in [0, n) (crypto.randomInt). */
export function newTrackingCode(randomIndex: (n: number) => number): string {
  let code = ''
  for (let i = 0; i < TRACKING_CODE_LENGTH; i++) code += TRACKING_ALPHABET[randomIndex(TRACKING_ALPHABET.length)]
  return code
}

/**
 * Reads a tracking code as a person may type it: case, spaces and hyphens do not matter. Returns
 * the canonical code, or null when it cannot be one.
 */
export function parseTrackingCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '').toUpperCase()
  if (code.length !== TRACKING_CODE_LENGTH) return null
  for (const ch of code) if (!TRACKING_ALPHABET.includes(ch)) return null
  return code
}
