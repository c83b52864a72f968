// The scenario builder's form state and the pure steps between it and the API's list of changes
// (docs/scenarios.md, "Changes"): one draft per change as the planner fills it in, the JSON change
// each draft sends, the drafts a JSON list or a page link (`?rectify_hidden_danger=12`) gives, and
// which change and field a 400's `details[0].field` (`changes[2].lon`) names. No DOM: unit-tested
// beside (changes.test.ts) against the server's own parser.
import {
  SCENARIO_CHANGE_KINDS,
  SCENARIO_RESOURCE_KINDS,
  type Level,
  type ScenarioChange,
  type ScenarioChangeKind,
  type ScenarioResourceKind,
} from '../api/contract'

/** The fields a change of kind K takes (the server's ScenarioChange, without `kind`). */
export type FieldOf<K extends ScenarioChangeKind> = Exclude<keyof Extract<ScenarioChange, { kind: K }>, 'kind'>
/** Any field of any change kind. */
export type ChangeField = { [K in ScenarioChangeKind]: FieldOf<K> }[ScenarioChangeKind]
/** The fields that name a stored record by its id. */
export type ReferenceField = Extract<ChangeField, 'hiddenDangerId' | 'enterpriseId' | 'majorHazardId' | 'areaAssessmentId' | 'resourceId'>
export type RiskLevel = Exclude<Level, 0>

/**
 * The fields of each kind, in the order the form shows them; typed against the server's
 * ScenarioChange, so a field a kind does not take fails the type check.
 */
export const KIND_FIELDS: { readonly [K in ScenarioChangeKind]: ReadonlyArray<FieldOf<K>> } = {
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

const REFERENCE_FIELDS: readonly ReferenceField[] = ['hiddenDangerId', 'enterpriseId', 'majorHazardId', 'areaAssessmentId', 'resourceId']

/** The field of a kind that names a record, or null (add_resource names none). */
export function referenceFieldOf(kind: ScenarioChangeKind): ReferenceField | null {
  return (KIND_FIELDS[kind] as readonly ChangeField[]).find((f): f is ReferenceField => (REFERENCE_FIELDS as readonly string[]).includes(f)) ?? null
}

export function takes(kind: ScenarioChangeKind, field: ChangeField): boolean {
  return (KIND_FIELDS[kind] as readonly ChangeField[]).includes(field)
}

/** Whether the kind's position may be left out (add_hidden_danger: the enterprise's position then). */
export function positionOptional(kind: ScenarioChangeKind): boolean {
  return kind === 'add_hidden_danger'
}

/** A record a change refers to, as the picker found it. */
export interface PickedRecord {
  id: number
  /** What the form shows for it (a name); null until it is looked up (a link or JSON gave only the id). */
  label: string | null
  /** Its current position, when known (the "old" position of a relocation or move). */
  lon?: number
  lat?: number
  /** Its current level (a major hazard installation, an area assessment), when known. */
  level?: Level
}

/** One change as the form holds it: every input of every kind; `changeOf` takes the kind's own. */
export interface Draft {
  /** Stable while the list is reordered (DOM keys, map markers). */
  key: number
  kind: ScenarioChangeKind
  record: PickedRecord | null
  lon: number | null
  lat: number | null
  isMajor: boolean
  level: RiskLevel | null
  impactRadiusM: number | null
  resourceKind: ScenarioResourceKind
  name: string
  capabilities: string[]
}

export function emptyDraft(kind: ScenarioChangeKind, key: number): Draft {
  return {
    key,
    kind,
    record: null,
    lon: null,
    lat: null,
    isMajor: true,
    level: null,
    impactRadiusM: null,
    resourceKind: 'rescue_team',
    name: '',
    capabilities: [],
  }
}

/** A draft turned into another kind: keeps what the new kind also takes (a position, a level), not the record. */
export function withKind(draft: Draft, kind: ScenarioChangeKind): Draft {
  const keepRecord = referenceFieldOf(kind) !== null && referenceFieldOf(kind) === referenceFieldOf(draft.kind)
  return { ...draft, kind, record: keepRecord ? draft.record : null }
}

/** Decimal places of a position from the map: 6 (about 0.1 m). */
export const POSITION_DECIMALS = 6

export function roundPosition(value: number): number {
  const f = 10 ** POSITION_DECIMALS
  return Math.round(value * f) / f
}

/**
 * The API's JSON change of a draft: the kind's fields only, a field left empty left out (the server
 * then names it: `changes[i].lon` must be a longitude).
 */
export function changeOf(draft: Draft): Record<string, unknown> {
  const change: Record<string, unknown> = { kind: draft.kind }
  for (const field of KIND_FIELDS[draft.kind] as readonly ChangeField[]) {
    let value: unknown
    switch (field) {
      case 'hiddenDangerId':
      case 'enterpriseId':
      case 'majorHazardId':
      case 'areaAssessmentId':
      case 'resourceId':
        value = draft.record?.id
        break
      case 'lon':
      case 'lat':
        value = draft[field] ?? undefined
        break
      case 'isMajor':
        value = draft.isMajor
        break
      case 'level':
        value = draft.level ?? undefined
        break
      case 'impactRadiusM':
        value = draft.impactRadiusM ?? undefined
        break
      case 'resourceKind':
        value = draft.resourceKind
        break
      case 'name':
        value = draft.name.trim()
        break
      case 'capabilities':
        value = [...draft.capabilities]
        break
    }
    if (value !== undefined) change[field] = value
  }
  return change
}

export function changesOf(drafts: readonly Draft[]): Array<Record<string, unknown>> {
  return drafts.map(changeOf)
}

/** What a draft still lacks before it is worth sending, as the field the server would name. */
export type Missing = { field: ReferenceField; what: 'record' } | { field: 'lon'; what: 'position' } | { field: 'level'; what: 'level' }

/** The first thing a draft lacks (a record, a position both or neither given, a level), or null. */
export function missingOf(draft: Draft): Missing | null {
  const ref = referenceFieldOf(draft.kind)
  if (ref && !draft.record) return { field: ref, what: 'record' }
  if (takes(draft.kind, 'lon')) {
    const given = (draft.lon !== null ? 1 : 0) + (draft.lat !== null ? 1 : 0)
    if (given === 1 || (given === 0 && !positionOptional(draft.kind))) return { field: 'lon', what: 'position' }
  }
  if (takes(draft.kind, 'level') && draft.level === null) return { field: 'level', what: 'level' }
  return null
}

/** A field of one change, as a 400 or 403 names it in `details[0].field`. */
export interface FieldAt {
  index: number
  /** The change's field (`lon`, `capabilities`: an item's index is left out), or null for the change as a whole. */
  field: string | null
}

/** `changes[2].lon` → { index: 2, field: 'lon' }; `changes[0].capabilities[1]` → capabilities; `changes` and others → null. */
export function fieldAt(path: string | undefined): FieldAt | null {
  const m = /^changes\[(\d+)\](?:\.([A-Za-z]+))?/.exec(path ?? '')
  if (!m) return null
  return { index: Number(m[1]), field: m[2] ?? null }
}

/** The part of the form a field's error is shown at: lat shares the position row with lon. */
export function formField(field: string | null): string | null {
  return field === 'lat' ? 'lon' : field
}

const isKind = (x: unknown): x is ScenarioChangeKind => typeof x === 'string' && (SCENARIO_CHANGE_KINDS as readonly string[]).includes(x)
const finite = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null)
const isRiskLevel = (x: unknown): x is RiskLevel => x === 1 || x === 2 || x === 3 || x === 4

/**
 * A draft from one JSON change (the advanced editor, a saved scenario's changes): what the form
 * can hold of it; records get no label until looked up. Throws on something that is not a change
 * of a known kind.
 */
export function draftOf(raw: unknown, key: number): Draft {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError('a change is an object with a kind')
  const r = raw as Record<string, unknown>
  if (!isKind(r.kind)) throw new TypeError(`unknown change kind ${JSON.stringify(r.kind)}`)
  const draft = emptyDraft(r.kind, key)
  const ref = referenceFieldOf(r.kind)
  const id = ref ? r[ref] : undefined
  if (typeof id === 'number' && Number.isInteger(id) && id > 0) draft.record = { id, label: null }
  draft.lon = finite(r.lon)
  draft.lat = finite(r.lat)
  if (typeof r.isMajor === 'boolean') draft.isMajor = r.isMajor
  if (isRiskLevel(r.level)) draft.level = r.level
  draft.impactRadiusM = finite(r.impactRadiusM)
  if ((SCENARIO_RESOURCE_KINDS as readonly unknown[]).includes(r.resourceKind)) draft.resourceKind = r.resourceKind as ScenarioResourceKind
  if (typeof r.name === 'string') draft.name = r.name
  if (Array.isArray(r.capabilities)) draft.capabilities = r.capabilities.filter((c): c is string => typeof c === 'string')
  return draft
}

/**
 * Changes a page link asks for: `?rectify_hidden_danger=12&remove_installation=3,4` — one change per
 * id, for each kind that names a record; the parameters' order is kept. Anything else is ignored.
 */
export function linkedChanges(params: URLSearchParams): Array<{ kind: ScenarioChangeKind; id: number }> {
  const out: Array<{ kind: ScenarioChangeKind; id: number }> = []
  for (const [name, value] of params) {
    if (!isKind(name) || referenceFieldOf(name) === null) continue
    for (const part of value.split(',')) {
      const id = Number(part.trim())
      if (Number.isInteger(id) && id > 0 && id <= 2_147_483_647) out.push({ kind: name, id })
    }
  }
  return out
}

/** The list with item `index` moved by `delta` places (−1 up, +1 down); unchanged at either end. */
export function moved<T>(list: readonly T[], index: number, delta: number): T[] {
  const to = index + delta
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list]
  const copy = [...list]
  const [item] = copy.splice(index, 1)
  copy.splice(to, 0, item!)
  return copy
}

/** Geodesic distance on a sphere (haversine, mean Earth radius), metres: how far a relocation moves. */
export function distanceM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)))
}
