/**
 * What-if scenarios (docs/scenarios.md): the hypothetical changes a planner can try, and their
 * validation. Pure: the records a change names are checked against the database elsewhere; here
 * only the shape, so that every bad change is a 400 naming `changes[i].<field>`.
 */
import { invalid } from './errors'
import type { Level } from './levels'
import type { Role } from './roles'

/** The change kinds, in the order the planner's form offers them. */
export const SCENARIO_CHANGE_KINDS = [
  'rectify_hidden_danger',
  'add_hidden_danger',
  'remove_installation',
  'relocate_installation',
  'reduce_installation',
  'change_area_assessment',
  'add_resource',
  'move_resource',
  'remove_resource',
] as const
export type ScenarioChangeKind = (typeof SCENARIO_CHANGE_KINDS)[number]

/** Resource kinds a scenario may add, move or remove: the ones coverage is measured for. */
export const SCENARIO_RESOURCE_KINDS = ['rescue_team', 'depot'] as const
export type ScenarioResourceKind = (typeof SCENARIO_RESOURCE_KINDS)[number]

/** Who builds scenarios: planners (budgets), commanders (teams and depots), inspectors (their jurisdiction); admin passes every rule. */
export const SCENARIO_ROLES = ['planner', 'commander', 'inspector'] as const satisfies readonly Role[]

/** Most changes one scenario holds (each may reach a few thousand analysis cells). */
export const MAX_SCENARIO_CHANGES = 100

export type ScenarioChange =
  /** The hidden danger is rectified and verified: it no longer grades (docs/domain.md §3.3). */
  | { kind: 'rectify_hidden_danger'; hiddenDangerId: number }
  /** A new open hidden danger at an enterprise (its position, or the one given). */
  | { kind: 'add_hidden_danger'; enterpriseId: number; isMajor: boolean; lon?: number; lat?: number }
  /** A major hazard installation is taken away. */
  | { kind: 'remove_installation'; majorHazardId: number }
  /** A major hazard installation moves to another point. */
  | { kind: 'relocate_installation'; majorHazardId: number; lon: number; lat: number }
  /** A major hazard installation holds less: a lower level and, optionally, a smaller impact radius (metres). */
  | { kind: 'reduce_installation'; majorHazardId: number; level: Level; impactRadiusM?: number }
  /** A public-area assessment gets another level. */
  | { kind: 'change_area_assessment'; areaAssessmentId: number; level: Level }
  /** A new rescue team or material depot at a point. */
  | { kind: 'add_resource'; resourceKind: ScenarioResourceKind; name: string; capabilities: string[]; lon: number; lat: number }
  /** An existing rescue team or depot moves. */
  | { kind: 'move_resource'; resourceId: number; lon: number; lat: number }
  /** An existing rescue team or depot is withdrawn. */
  | { kind: 'remove_resource'; resourceId: number }

/** Largest row id a change may name (PostgreSQL integer; docs/security.md, bounds). */
const MAX_ID = 2_147_483_647
/** Largest impact radius a reduced installation may state, metres. */
const MAX_RADIUS_M = 50_000

type Raw = Record<string, unknown>

function id(raw: Raw, field: string, at: string): number {
  const v = raw[field]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_ID)
    throw invalid(`${at}.${field}`, `must be a record id, an integer from 1 to ${MAX_ID}`)
  return v
}

function level(raw: Raw, field: string, at: string): Level {
  const v = raw[field]
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4) throw invalid(`${at}.${field}`, 'must be a level from 1 (blue) to 4 (red)')
  return v as Level
}

function lonLat(raw: Raw, at: string, optional: boolean): { lon: number; lat: number } | null {
  if (optional && raw.lon === undefined && raw.lat === undefined) return null
  const { lon, lat } = raw
  if (typeof lon !== 'number' || !Number.isFinite(lon) || lon < -180 || lon > 180)
    throw invalid(`${at}.lon`, 'must be a longitude from -180 to 180 (degrees, WGS 84)')
  if (typeof lat !== 'number' || !Number.isFinite(lat) || lat < -90 || lat > 90)
    throw invalid(`${at}.lat`, 'must be a latitude from -90 to 90 (degrees, WGS 84)')
  return { lon, lat }
}

const FIELDS: Readonly<Record<ScenarioChangeKind, readonly string[]>> = {
  rectify_hidden_danger: ['hiddenDangerId'],
  add_hidden_danger: ['enterpriseId', 'isMajor', 'lon', 'lat'],
  remove_installation: ['majorHazardId'],
  relocate_installation: ['majorHazardId', 'lon', 'lat'],
  reduce_installation: ['majorHazardId', 'level', 'impactRadiusM'],
  change_area_assessment: ['areaAssessmentId', 'level'],
  add_resource: ['resourceKind', 'name', 'capabilities', 'lon', 'lat'],
  move_resource: ['resourceId', 'lon', 'lat'],
  remove_resource: ['resourceId'],
}

/**
 * One change from its JSON form; `index` is its place in the scenario's list. Throws a 400 naming
 * `changes[index].<field>` for an unknown kind, a missing or malformed field, or a field the kind
 * does not take. `capabilities` are checked against `knownCapabilities`.
 */
export function parseScenarioChange(raw: unknown, index: number, knownCapabilities: readonly string[]): ScenarioChange {
  const at = `changes[${index}]`
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(at, 'must be an object with a kind')
  const r = raw as Raw
  const kind = r.kind
  if (typeof kind !== 'string' || !(SCENARIO_CHANGE_KINDS as readonly string[]).includes(kind)) {
    throw invalid(`${at}.kind`, `unknown change kind ${JSON.stringify(kind)}; one of ${SCENARIO_CHANGE_KINDS.join(', ')}`)
  }
  const k = kind as ScenarioChangeKind
  for (const field of Object.keys(r)) {
    if (field !== 'kind' && !FIELDS[k].includes(field))
      throw invalid(`${at}.${field}`, `a ${k} change does not take ${field}; it takes ${FIELDS[k].join(', ')}`)
  }
  switch (k) {
    case 'rectify_hidden_danger':
      return { kind: k, hiddenDangerId: id(r, 'hiddenDangerId', at) }
    case 'add_hidden_danger': {
      if (r.isMajor !== undefined && typeof r.isMajor !== 'boolean') throw invalid(`${at}.isMajor`, 'must be true or false')
      const point = lonLat(r, at, true)
      return { kind: k, enterpriseId: id(r, 'enterpriseId', at), isMajor: r.isMajor !== false, ...(point ?? {}) }
    }
    case 'remove_installation':
      return { kind: k, majorHazardId: id(r, 'majorHazardId', at) }
    case 'relocate_installation':
      return { kind: k, majorHazardId: id(r, 'majorHazardId', at), ...lonLat(r, at, false)! }
    case 'reduce_installation': {
      const change: ScenarioChange = { kind: k, majorHazardId: id(r, 'majorHazardId', at), level: level(r, 'level', at) }
      if (r.impactRadiusM !== undefined) {
        const v = r.impactRadiusM
        if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > MAX_RADIUS_M)
          throw invalid(`${at}.impactRadiusM`, `must be a radius in metres, above 0 and at most ${MAX_RADIUS_M}`)
        change.impactRadiusM = v
      }
      return change
    }
    case 'change_area_assessment':
      return { kind: k, areaAssessmentId: id(r, 'areaAssessmentId', at), level: level(r, 'level', at) }
    case 'add_resource': {
      const resourceKind = r.resourceKind
      if (typeof resourceKind !== 'string' || !(SCENARIO_RESOURCE_KINDS as readonly string[]).includes(resourceKind)) {
        throw invalid(`${at}.resourceKind`, `must be one of ${SCENARIO_RESOURCE_KINDS.join(', ')}`)
      }
      const name = r.name === undefined ? '' : r.name
      if (typeof name !== 'string' || name.length > 200) throw invalid(`${at}.name`, 'must be text of at most 200 characters')
      const capabilities = r.capabilities === undefined ? [] : r.capabilities
      if (!Array.isArray(capabilities)) throw invalid(`${at}.capabilities`, 'must be a list of capabilities')
      capabilities.forEach((c, j) => {
        if (typeof c !== 'string' || !knownCapabilities.includes(c)) throw invalid(`${at}.capabilities[${j}]`, `unknown capability ${JSON.stringify(c)}`)
      })
      return {
        kind: k,
        resourceKind: resourceKind as ScenarioResourceKind,
        name,
        capabilities: [...new Set(capabilities as string[])],
        ...lonLat(r, at, false)!,
      }
    }
    case 'move_resource':
      return { kind: k, resourceId: id(r, 'resourceId', at), ...lonLat(r, at, false)! }
    case 'remove_resource':
      return { kind: k, resourceId: id(r, 'resourceId', at) }
  }
}

/** Every change of a scenario, parsed; an empty list or one longer than the bound is a 400 on `changes`. */
export function parseScenarioChanges(raw: unknown, knownCapabilities: readonly string[]): ScenarioChange[] {
  if (!Array.isArray(raw)) throw invalid('changes', 'must be a list of changes')
  if (raw.length === 0) throw invalid('changes', 'a scenario needs at least one change')
  if (raw.length > MAX_SCENARIO_CHANGES) throw invalid('changes', `at most ${MAX_SCENARIO_CHANGES} changes`)
  return raw.map((c, i) => parseScenarioChange(c, i, knownCapabilities))
}

/** The field of a change that names the record it refers to (for error details). */
export function referenceField(change: ScenarioChange): string | null {
  switch (change.kind) {
    case 'rectify_hidden_danger':
      return 'hiddenDangerId'
    case 'add_hidden_danger':
      return 'enterpriseId'
    case 'remove_installation':
    case 'relocate_installation':
    case 'reduce_installation':
      return 'majorHazardId'
    case 'change_area_assessment':
      return 'areaAssessmentId'
    case 'move_resource':
    case 'remove_resource':
      return 'resourceId'
    case 'add_resource':
      return null
  }
}
