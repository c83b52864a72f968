/**
 * The checks a grading source's record passes on both of its write paths (docs/domain.md §3): the
 * API (one record, `modules/sources`) and the importer (rows of a file, `modules/transfer`). Each
 * returns neutral issues — the field at fault, a stable code and its parameters — and each path words
 * them its own way: the API as the first issue's 400 `invalid_input`, the importer as problem rows.
 * Field names are the API body's, which the importer's field keys share.
 */

/** A rule a record breaks: the field at fault (the body's / the file's key), a code and what to word it with. */
export type SourceIssue =
  /** `field` (a later date) is before `other` (the earlier date, `date`). */
  | { field: string; code: 'date_before'; value: string; params: { other: string; date: string } }
  /** The enterprise the record hangs from does not exist. */
  | { field: string; code: 'enterprise_unknown'; params: EnterpriseRef }
  /** The record names no enterprise at all (the importer's rows may leave both of its columns empty). */
  | { field: 'enterprise'; code: 'enterprise_required' }
  /** One of lon and lat without the other. */
  | { field: 'lon' | 'lat'; code: 'point_half'; params: { given: 'lon' | 'lat' } }
  /** A division code that is not a 6- or 9-digit code. */
  | { field: 'divisionCode'; code: 'division_code_format'; value: string }
  /** A division code no stored division has. */
  | { field: 'divisionCode'; code: 'division_unknown'; value: string; params: { code: string } }
  /** A corridor without its half-width. */
  | { field: 'bufferM'; code: 'corridor_buffer_required' }
  /** A half-width on an area. */
  | { field: 'bufferM'; code: 'buffer_corridor_only' }
  /** Substances that do not make a major hazard installation: S = Σ q/Q below the threshold. */
  | { field: 'substances'; code: 'not_major_hazard'; params: { S: number; threshold: number } }

/** How a record names its enterprise: by the API's id, or by the importer's USCC or external id. */
export type EnterpriseRef = { by: 'id'; id: number } | { by: 'uscc'; uscc: string } | { by: 'externalId'; externalId: string }

/** The grading-source kinds whose records carry dates in order. */
export type DatedSourceKind = 'major_hazard' | 'safety_risk' | 'hidden_danger' | 'area_assessment'

/**
 * The dates of each kind that must come in order: the second (when given) on or after the first.
 * A hidden danger's rectification deadline is on or after the day it was found; an assessment or a
 * filing is valid until a day on or after it.
 */
export const SOURCE_DATE_ORDER: Readonly<Record<DatedSourceKind, readonly [earlier: string, later: string]>> = {
  hidden_danger: ['foundAt', 'deadline'],
  major_hazard: ['reportedAt', 'validUntil'],
  safety_risk: ['assessedAt', 'validUntil'],
  area_assessment: ['assessedAt', 'validUntil'],
}

const isDate = (v: unknown): v is string => typeof v === 'string' && v !== ''

/**
 * The date-order issue of a record of `kind` (values by field name, ISO dates `YYYY-MM-DD`, which
 * compare as strings): none when either date is missing or they are in order.
 */
export function dateOrderIssues(kind: DatedSourceKind, values: object): SourceIssue[] {
  const [earlier, later] = SOURCE_DATE_ORDER[kind]
  const a = (values as Record<string, unknown>)[earlier]
  const b = (values as Record<string, unknown>)[later]
  return isDate(a) && isDate(b) && b < a ? [{ field: later, code: 'date_before', value: b, params: { other: earlier, date: a } }] : []
}

const given = (v: number | null | undefined): v is number => v !== undefined && v !== null

/** A point is given whole or not at all: lon without lat (or lat without lon) is an issue naming the missing one. */
export function pointPairIssues(lon: number | null | undefined, lat: number | null | undefined): SourceIssue[] {
  if (given(lon) === given(lat)) return []
  return given(lon) ? [{ field: 'lat', code: 'point_half', params: { given: 'lon' } }] : [{ field: 'lon', code: 'point_half', params: { given: 'lat' } }]
}

/**
 * Where a source of an enterprise stands: its own point when given, else its enterprise's. The
 * enterprise must exist (`enterprise` is what the lookup by `ref` found, undefined when nothing);
 * without `ref` the record names none. `field` is the input that named the enterprise.
 */
export function placeSource(
  point: { lon?: number | null; lat?: number | null },
  ref: { field: string; ref: EnterpriseRef } | null,
  enterprise: { lon: number; lat: number } | undefined,
): { ok: true; lon: number; lat: number } | { ok: false; issue: SourceIssue } {
  if (ref === null) return { ok: false, issue: { field: 'enterprise', code: 'enterprise_required' } }
  if (!enterprise) return { ok: false, issue: { field: ref.field, code: 'enterprise_unknown', params: ref.ref } }
  return given(point.lon) && given(point.lat) ? { ok: true, lon: point.lon, lat: point.lat } : { ok: true, lon: enterprise.lon, lat: enterprise.lat }
}

/** A division code: 6 digits (GB/T 2260) or 9 (a township). */
export const DIVISION_CODE_PATTERN = /^(\d{6}|\d{9})$/

/** A record's division code (null: none given) must be a code, and one `known` has. */
export function divisionCodeIssues(code: string | null, known: (code: string) => boolean): SourceIssue[] {
  if (code === null) return []
  if (!DIVISION_CODE_PATTERN.test(code)) return [{ field: 'divisionCode', code: 'division_code_format', value: code }]
  if (!known(code)) return [{ field: 'divisionCode', code: 'division_unknown', value: code, params: { code } }]
  return []
}

/** A corridor needs its half-width (bufferM); an area takes none. */
export function bufferIssues(kind: 'area' | 'corridor', bufferM: number | null): SourceIssue[] {
  if (kind === 'corridor' && bufferM === null) return [{ field: 'bufferM', code: 'corridor_buffer_required' }]
  if (kind === 'area' && bufferM !== null) return [{ field: 'bufferM', code: 'buffer_corridor_only' }]
  return []
}

/** An installation is a major hazard one only when S = Σ q/Q reaches the rule set's threshold (GB 18218-2018 §3.2). */
export function identificationIssues(graded: { identified: boolean; S: number }, threshold: number): SourceIssue[] {
  return graded.identified ? [] : [{ field: 'substances', code: 'not_major_hazard', params: { S: graded.S, threshold } }]
}
