import type {
  CoverageGapCollection,
  Crs,
  EnterpriseCollection,
  EnterpriseFeature,
  IncidentContext,
  IsochroneCollection,
  NearestByTimeResponse,
  NearestResponse,
} from './contract'
import type {
  ApiErrorBody,
  AreaAssessmentRecord,
  CellDetail,
  ChangesResponse,
  EnforcementHistory,
  EnterpriseSupervision,
  ErrorDetail,
  Health,
  HiddenDangerRecord,
  MajorHazardRecord,
  RegionDetail,
  ResourceFeature,
  ResourceVocabulary,
  SafetyRiskRecord,
} from './contract'
import type { ResourceKind } from './contract'
import type { DivisionCollection, DivisionRank } from './contract'

/**
 * A failed API call. `code` is the server's machine code (`not_found`, `invalid_input`, …) or, when
 * no JSON error came back, `network` (no response at all) or `http` (a non-JSON error response).
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** The server's details: a field and a message each, and whatever else the error says (a retry time…). */
  readonly details: ErrorDetail[]
  /** The path that was requested, e.g. `/api/enterprises/12`. */
  readonly path: string

  constructor(path: string, status: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message)
    this.name = 'ApiError'
    this.path = path
    this.status = status
    this.code = code
    this.details = details
  }
}

/**
 * The Accept-Language of API calls: the page's language (`<html lang>`, which every page sets from
 * the language switch), so that the server's error messages come in the language the page shows.
 */
export function languageHeaders(): Record<string, string> {
  const lang = document.documentElement.lang === 'en' ? 'en' : 'zh-CN'
  return { 'accept-language': lang }
}

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false
  const error = (body as { error: unknown }).error
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
}

/** The URL of an API path with its query, on this page's origin. */
export function apiUrl(path: string, query: Query = {}): string {
  const url = new URL(path, window.location.origin)
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value))
  }
  return url.pathname + url.search
}

/**
 * GETs JSON from the API. Throws ApiError carrying the server's `{ error }` body on any non-2xx
 * answer; an abort rejects with the AbortError DOMException untouched, so callers can ignore it.
 */
export async function getJson<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  const url = apiUrl(path, query)
  let response: Response
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...languageHeaders() }, signal })
  } catch (err) {
    if (isAbortError(err)) throw err
    throw new ApiError(url, 0, 'network', err instanceof Error ? err.message : String(err))
  }
  const body: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    if (isErrorBody(body)) {
      throw new ApiError(url, response.status, body.error.code, body.error.message, body.error.details ?? [])
    }
    throw new ApiError(url, response.status, 'http', `${response.status} ${response.statusText}`)
  }
  if (body === undefined) throw new ApiError(url, response.status, 'http', 'response is not JSON')
  return body as T
}

let csrfToken: string | null = null

/** Remembers the session's CSRF token (auth/session.ts sets it when it reads the session). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** The header that proves a state-changing request comes from this page, when signed in. */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {}
}

/**
 * Sends JSON with a state-changing method and reads the JSON answer, with the session's CSRF token
 * (setCsrfToken). Errors as getJson; a 204 resolves with undefined.
 */
export async function sendJson<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const url = apiUrl(path)
  const headers: Record<string, string> = { accept: 'application/json', ...languageHeaders(), ...csrfHeaders() }
  if (body !== undefined) headers['content-type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal })
  } catch (err) {
    if (isAbortError(err)) throw err
    throw new ApiError(url, 0, 'network', err instanceof Error ? err.message : String(err))
  }
  if (response.status === 204) return undefined as T
  const answer: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    if (isErrorBody(answer)) throw new ApiError(url, response.status, answer.error.code, answer.error.message, answer.error.details ?? [])
    throw new ApiError(url, response.status, 'http', `${response.status} ${response.statusText}`)
  }
  return answer as T
}

/** True for the rejection of an aborted fetch. */
export function isAbortError(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError'
}

/** Division units of one rank that have a boundary; `simplifyM` is a Douglas-Peucker tolerance in metres. */
export function fetchDivisions(rank: DivisionRank, options: { simplifyM?: number; signal?: AbortSignal } = {}): Promise<DivisionCollection> {
  return getJson<DivisionCollection>('/api/divisions', { rank, simplifyM: options.simplifyM, boundary: true }, options.signal)
}

/** A page of enterprises matching a filter (name substring or USCC `q`, division, level…). */
export function fetchEnterprises(filter: Query, signal?: AbortSignal): Promise<EnterpriseCollection> {
  return getJson<EnterpriseCollection>('/api/enterprises', filter, signal)
}

/** One enterprise with its supervision and risk summary. */
export function fetchEnterprise(id: number, signal?: AbortSignal): Promise<EnterpriseFeature> {
  return getJson<EnterpriseFeature>(`/api/enterprises/${encodeURIComponent(String(id))}`, {}, signal)
}

export function fetchHealth(signal?: AbortSignal): Promise<Health> {
  return getJson<Health>('/api/health', {}, signal)
}

/** Why a cell (an analysis cell or a coarser pyramid cell) has its level, and what lies in and around it. */
export function fetchCell(h3: string, signal?: AbortSignal): Promise<CellDetail> {
  return getJson<CellDetail>(`/api/cells/${encodeURIComponent(h3)}`, {}, signal)
}

/** A division unit (6 or 9-digit code) or a management grid (its code) with its level and shares. */
export function fetchRegion(code: string, signal?: AbortSignal): Promise<RegionDetail> {
  return getJson<RegionDetail>(`/api/regions/${encodeURIComponent(code)}`, {}, signal)
}

/**
 * Cells of a region whose level changed since the start of a day (YYYY-MM-DD) in the user's time
 * zone: sent as that instant, because the API reads a bare date as midnight UTC.
 */
export function fetchChanges(sinceDate: string, region: string, signal?: AbortSignal): Promise<ChangesResponse> {
  const [year, month, day] = sinceDate.split('-').map(Number) as [number, number, number]
  const since = new Date(year, month - 1, day).toISOString()
  return getJson<ChangesResponse>('/api/changes', { since, region }, signal)
}

/** The records a panel can show by id, with the API path and response type of each. */
export interface RecordTypes {
  major_hazard: MajorHazardRecord
  hidden_danger: HiddenDangerRecord
  safety_risk: SafetyRiskRecord
  area_assessment: AreaAssessmentRecord
  resource: ResourceFeature
}

export type RecordKind = keyof RecordTypes

const RECORD_PATHS: Readonly<Record<RecordKind, string>> = {
  major_hazard: '/api/major-hazards',
  hidden_danger: '/api/hidden-dangers',
  safety_risk: '/api/safety-risks',
  area_assessment: '/api/area-assessments',
  resource: '/api/resources',
}

/** One risk record or emergency resource by id. */
export function fetchRecord<K extends RecordKind>(kind: K, id: number, signal?: AbortSignal): Promise<RecordTypes[K]> {
  return getJson<RecordTypes[K]>(`${RECORD_PATHS[kind]}/${encodeURIComponent(String(id))}`, {}, signal)
}

/** Resource kinds, statuses and capabilities with their labels. */
export function fetchResourceVocabulary(signal?: AbortSignal): Promise<ResourceVocabulary> {
  return getJson<ResourceVocabulary>('/api/resources/vocabulary', {}, signal)
}

/** A point as the user gave it, in `crs` (the server converts it to WGS 84). */
export interface CrsPoint {
  lon: number
  lat: number
  crs: Crs
}

/** The `k` available resources nearest to a point by geodesic distance, optionally of one kind or capability. */
export function fetchNearestResources(
  point: CrsPoint,
  filter: { k: number; kind?: ResourceKind; capability?: string },
  signal?: AbortSignal,
): Promise<NearestResponse> {
  return getJson<NearestResponse>('/api/resources/nearest', { ...point, ...filter, status: 'available' }, signal)
}

/** Why travel-time ranking is not possible at a point: it is off the network, there is none, or no engine. */
const NO_ROUTING = new Set(['outside_network', 'no_road_network', 'routing_unavailable'])

/**
 * The k nearest available resources by travel time over the road network, or `{ straight: reason }`
 * when the network does not cover the point (the caller falls back to straight-line distance).
 */
export async function fetchNearestByTime(
  point: CrsPoint,
  filter: { k: number; kind?: ResourceKind; capability?: string },
  signal?: AbortSignal,
): Promise<NearestByTimeResponse | { straight: string }> {
  try {
    return await getJson<NearestByTimeResponse>('/api/resources/nearest', { ...point, ...filter, status: 'available', by: 'time' }, signal)
  } catch (err) {
    if (err instanceof ApiError && NO_ROUTING.has(err.code)) return { straight: err.code }
    throw err
  }
}

/** The areas a resource, or the available resources of a capability together, reach within the given minutes by road. */
export function fetchIsochrones(
  of: { resourceId: number } | { capability: string },
  minutes: readonly number[],
  signal?: AbortSignal,
): Promise<IsochroneCollection> {
  return getJson<IsochroneCollection>('/api/roads/isochrones', { ...of, minutes: minutes.join(',') }, signal)
}

/** Risk sources, cells and shelters within `radiusM` of an incident, and the nearest resources of each kind. */
export function fetchIncidentContext(point: CrsPoint, radiusM: number, signal?: AbortSignal): Promise<IncidentContext> {
  return getJson<IncidentContext>('/api/incident/context', { ...point, radiusM }, signal)
}

/** An enterprise's enforcement history: inspections, violations, hidden dangers, penalties, credit, what is overdue. */
export function fetchEnforcement(id: number, limit: number, signal?: AbortSignal): Promise<EnforcementHistory> {
  return getJson<EnforcementHistory>(`/api/enterprises/${encodeURIComponent(String(id))}/enforcement`, { limit }, signal)
}

/** An enterprise's supervision: tier (rule or explicit), departments, responsible person, coverage gaps. */
export function fetchSupervision(id: number, signal?: AbortSignal): Promise<EnterpriseSupervision> {
  return getJson<EnterpriseSupervision>(`/api/enterprises/${encodeURIComponent(String(id))}/supervision`, {}, signal)
}

/** Risk cells (level ≥ minLevel) with no available rescue team of a capability within `thresholdM`, as GeoJSON. */
export function fetchCoverageGaps(
  query: { capability: string; thresholdM?: number; minutes?: number; minLevel: number },
  signal?: AbortSignal,
): Promise<CoverageGapCollection> {
  return getJson<CoverageGapCollection>('/api/resources/coverage-gaps', { ...query, format: 'geojson' }, signal)
}
