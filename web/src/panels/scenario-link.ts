import { SCENARIO_RESOURCE_KINDS, SCENARIO_ROLES, type Role, type ScenarioChangeKind } from '../api/contract'

// "Try in a scenario" (docs/scenarios.md, "The page"): a record panel of the staff map links to the
// scenario page started with the change that record suggests. Pure: unit-tested beside.

/** What a record panel knows of the record, as far as a scenario is concerned. */
export type ScenarioLinkRecord =
  | { kind: 'hidden_danger'; id: number; status: string }
  | { kind: 'major_hazard'; id: number }
  | { kind: 'area_assessment'; id: number }
  | { kind: 'resource'; id: number; resourceKind: string }
  | { kind: 'safety_risk'; id: number }

/** One change a link starts the builder with (`?new=1&<kind>=<id>`, scenario/changes.ts linkedChanges). */
export interface LinkedChange {
  kind: ScenarioChangeKind
  id: number
}

/** Whether a staff role may build scenarios (the routes' access list; admin passes every rule). */
export function mayUseScenarios(role: Role | null | undefined): boolean {
  return role === 'admin' || (SCENARIO_ROLES as readonly string[]).includes(role ?? '')
}

/**
 * The natural change of a record: rectify an open (not yet verified) hidden danger, remove a major
 * hazard installation, change an area assessment's level (chosen in the builder), move a rescue team
 * or depot (the builder then waits for the map click). Null for anything else (a verified hidden
 * danger, a reported safety risk, a shelter or expert).
 */
export function scenarioChangeFor(record: ScenarioLinkRecord): LinkedChange | null {
  switch (record.kind) {
    case 'hidden_danger':
      return record.status === 'verified' ? null : { kind: 'rectify_hidden_danger', id: record.id }
    case 'major_hazard':
      return { kind: 'remove_installation', id: record.id }
    case 'area_assessment':
      return { kind: 'change_area_assessment', id: record.id }
    case 'resource':
      return (SCENARIO_RESOURCE_KINDS as readonly string[]).includes(record.resourceKind) ? { kind: 'move_resource', id: record.id } : null
    default:
      return null
  }
}

/** The scenario page's URL that starts a new scenario with the change. */
export function scenarioLink(change: LinkedChange): string {
  const params = new URLSearchParams({ new: '1', [change.kind]: String(change.id) })
  return `/scenario.html?${params.toString()}`
}
