import { ApiError, fetchEnterprise, fetchEnterprises, fetchRecord, getJson, isAbortError } from '../api/client'
import type { AreaAssessmentRecord, HiddenDangerRecord, Level, MajorHazardRecord, ResourceFeature } from '../api/contract'
import type { ReferenceField } from './changes'

// The record search of the scenario builder: finds the record a change names through the staff
// list endpoints the other pages use. The API has a name filter (`q`) only for enterprises, so:
//   enterprises          GET /api/enterprises?q=                       name substring or USCC
//   hidden dangers       the enterprises matching the text, then GET /api/hidden-dangers?enterpriseId=
//                        (verified ones left out: they cannot be rectified again)
//   installations        the same, GET /api/major-hazards?enterpriseId=
//   area assessments     GET /api/area-assessments (read once), filtered here by name
//   teams and depots     GET /api/resources?kind=&bbox= of the map's view, filtered here by name
// A number (`12` or `#12`) finds the record with that id.

/** A record the search found, with what the form shows of it. */
export interface FoundRecord {
  id: number
  /** Its own text: the name, or a hidden danger's description. */
  name: string
  /** Whose it is: the enterprise (hidden danger, installation), the division (resource, enterprise). */
  owner: string | null
  level?: Level
  isMajor?: boolean
  /** A resource's kind (rescue_team, depot). */
  resourceKind?: string
  lon?: number
  lat?: number
}

/** Enterprises asked for when the text names an enterprise; results listed at most. */
const MAX_ENTERPRISES = 8
const MAX_RESULTS = 12
/** Records of one enterprise asked for. */
const PER_ENTERPRISE = 50
/** Teams or depots of one kind read from the map's view. */
const RESOURCES_IN_VIEW = 1000
const AREA_PAGE = 1000

interface Page<T> {
  items: T[]
}

export type LonLatBox = [number, number, number, number]

/** `12` or `#12`: a record id. */
export function idQuery(text: string): number | null {
  const m = /^#?\s*(\d{1,10})$/.exec(text.trim())
  if (!m) return null
  const id = Number(m[1])
  return id >= 1 && id <= 2_147_483_647 ? id : null
}

/** True when `text` is worth a search: an id, two characters, or one Chinese character. */
export function searchable(text: string): boolean {
  const t = text.trim()
  return idQuery(t) !== null || t.length >= 2 || /[\u3400-\u9fff]/.test(t)
}

/** Does a record's text contain the query (case-insensitive)? */
export function matches(query: string, ...texts: Array<string | null | undefined>): boolean {
  const needle = query.trim().toLowerCase()
  return texts.some((t) => typeof t === 'string' && t.toLowerCase().includes(needle))
}

const hiddenDanger = (h: HiddenDangerRecord, owner: string | null): FoundRecord => ({
  id: h.id,
  name: h.description,
  owner,
  isMajor: h.isMajor,
  lon: h.lon,
  lat: h.lat,
})
const installation = (m: MajorHazardRecord, owner: string | null): FoundRecord => ({
  id: m.id,
  name: m.name,
  owner,
  level: m.level as Level,
  lon: m.lon,
  lat: m.lat,
})
const area = (a: AreaAssessmentRecord): FoundRecord => ({ id: a.id, name: a.name, owner: a.divisionCode, level: a.level as Level })
const resource = (r: ResourceFeature): FoundRecord => ({
  id: r.id,
  name: r.properties.name,
  owner: r.properties.divisionName,
  resourceKind: r.properties.kind,
  lon: r.geometry.coordinates[0],
  lat: r.geometry.coordinates[1],
})

async function enterprisesNamed(text: string, limit: number, signal: AbortSignal) {
  return (await fetchEnterprises({ q: text.trim(), limit }, signal)).features
}

/** Records of the enterprises whose name contains the text, each list read per enterprise. */
async function ofEnterprises<T>(
  text: string,
  path: string,
  signal: AbortSignal,
  toFound: (item: T, owner: string) => FoundRecord | null,
): Promise<FoundRecord[]> {
  const enterprises = await enterprisesNamed(text, MAX_ENTERPRISES, signal)
  const lists = await Promise.all(
    enterprises.map(async (e) =>
      (await getJson<Page<T>>(path, { enterpriseId: e.properties.id, limit: PER_ENTERPRISE }, signal)).items.map((item) => toFound(item, e.properties.name)),
    ),
  )
  return lists.flat().filter((f): f is FoundRecord => f !== null)
}

let areas: Promise<AreaAssessmentRecord[]> | null = null
const resourcesInView = new Map<string, Promise<ResourceFeature[]>>()

async function resourcesIn(box: LonLatBox | null, signal: AbortSignal): Promise<ResourceFeature[]> {
  const bbox = box?.map((v) => v.toFixed(4)).join(',')
  const key = bbox ?? ''
  let cached = resourcesInView.get(key)
  if (!cached) {
    cached = Promise.all(
      (['rescue_team', 'depot'] as const).map(
        async (kind) => (await getJson<{ features: ResourceFeature[] }>('/api/resources', { kind, bbox, limit: RESOURCES_IN_VIEW }, signal)).features,
      ),
    ).then((lists) => lists.flat())
    resourcesInView.clear() // only the latest view's
    resourcesInView.set(key, cached)
    cached.catch(() => resourcesInView.delete(key))
  }
  return cached
}

/** The record of `field` with this id, or null when there is none (or it is not a record a change may name). */
export async function recordById(field: ReferenceField, id: number, signal?: AbortSignal): Promise<FoundRecord | null> {
  try {
    switch (field) {
      case 'enterpriseId': {
        const e = await fetchEnterprise(id, signal)
        return {
          id,
          name: e.properties.name,
          owner: e.properties.divisionName,
          level: e.properties.level as Level,
          lon: e.geometry.coordinates[0],
          lat: e.geometry.coordinates[1],
        }
      }
      case 'hiddenDangerId': {
        const h = await fetchRecord('hidden_danger', id, signal)
        const e = await fetchEnterprise(h.enterpriseId, signal).catch(() => null)
        return hiddenDanger(h, e?.properties.name ?? null)
      }
      case 'majorHazardId': {
        const m = await fetchRecord('major_hazard', id, signal)
        const e = await fetchEnterprise(m.enterpriseId, signal).catch(() => null)
        return installation(m, e?.properties.name ?? null)
      }
      case 'areaAssessmentId':
        return area(await fetchRecord('area_assessment', id, signal))
      case 'resourceId': {
        const r = await fetchRecord('resource', id, signal)
        return r.properties.kind === 'rescue_team' || r.properties.kind === 'depot' ? resource(r) : null
      }
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null
    throw err
  }
}

/**
 * Records of `field` matching the text (see the top of this file); `view` is the map's view, where
 * teams and depots are looked for. Rejects with an AbortError when `signal` aborts.
 */
export async function searchRecords(field: ReferenceField, text: string, view: LonLatBox | null, signal: AbortSignal): Promise<FoundRecord[]> {
  const id = idQuery(text)
  if (id !== null) {
    const found = await recordById(field, id, signal)
    return found ? [found] : []
  }
  let found: FoundRecord[]
  switch (field) {
    case 'enterpriseId':
      found = (await enterprisesNamed(text, MAX_RESULTS, signal)).map((e) => ({
        id: e.properties.id,
        name: e.properties.name,
        owner: null,
        level: e.properties.level as Level,
        lon: e.geometry.coordinates[0],
        lat: e.geometry.coordinates[1],
      }))
      break
    case 'hiddenDangerId':
      found = await ofEnterprises<HiddenDangerRecord>(text, '/api/hidden-dangers', signal, (h, owner) =>
        h.status === 'verified' ? null : hiddenDanger(h, owner),
      )
      break
    case 'majorHazardId':
      found = await ofEnterprises<MajorHazardRecord>(text, '/api/major-hazards', signal, installation)
      break
    case 'areaAssessmentId': {
      if (!areas) {
        // read once for the page (not aborted with one search: the next one reuses it)
        const loading = getJson<Page<AreaAssessmentRecord>>('/api/area-assessments', { limit: AREA_PAGE }).then((p) => p.items)
        loading.catch(() => (areas = null))
        areas = loading
      }
      found = (await areas).filter((a) => matches(text, a.name, a.divisionCode)).map(area)
      break
    }
    case 'resourceId':
      found = (await resourcesIn(view, signal))
        .filter((r) => matches(text, r.properties.name, r.properties.organisation, r.properties.divisionName))
        .map(resource)
      break
  }
  return found.slice(0, MAX_RESULTS)
}

export { isAbortError }
