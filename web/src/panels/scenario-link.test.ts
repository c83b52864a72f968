import { describe, expect, it } from 'vitest'
import { ROLES } from '../api/contract'
import { linkedChanges } from '../scenario/changes'
import { mayUseScenarios, scenarioChangeFor, scenarioLink } from './scenario-link'

describe('"try in a scenario" links of the record panels', () => {
  it('are offered to the roles the scenario routes admit', () => {
    expect(ROLES.filter(mayUseScenarios)).toEqual(['admin', 'planner', 'commander', 'inspector'])
    expect(mayUseScenarios(null)).toBe(false)
  })

  it('give each record its natural change, and none where there is none', () => {
    expect(scenarioChangeFor({ kind: 'hidden_danger', id: 12, status: 'open' })).toEqual({ kind: 'rectify_hidden_danger', id: 12 })
    expect(scenarioChangeFor({ kind: 'hidden_danger', id: 12, status: 'rectified' })).toEqual({ kind: 'rectify_hidden_danger', id: 12 })
    expect(scenarioChangeFor({ kind: 'hidden_danger', id: 12, status: 'verified' })).toBeNull()
    expect(scenarioChangeFor({ kind: 'major_hazard', id: 3 })).toEqual({ kind: 'remove_installation', id: 3 })
    expect(scenarioChangeFor({ kind: 'area_assessment', id: 5 })).toEqual({ kind: 'change_area_assessment', id: 5 })
    expect(scenarioChangeFor({ kind: 'resource', id: 8, resourceKind: 'rescue_team' })).toEqual({ kind: 'move_resource', id: 8 })
    expect(scenarioChangeFor({ kind: 'resource', id: 9, resourceKind: 'depot' })).toEqual({ kind: 'move_resource', id: 9 })
    expect(scenarioChangeFor({ kind: 'resource', id: 10, resourceKind: 'shelter' })).toBeNull()
    expect(scenarioChangeFor({ kind: 'safety_risk', id: 4 })).toBeNull()
  })

  it('link to the builder, which reads back the same change', () => {
    for (const change of [
      { kind: 'rectify_hidden_danger', id: 12 },
      { kind: 'remove_installation', id: 3 },
      { kind: 'change_area_assessment', id: 5 },
      { kind: 'move_resource', id: 8 },
    ] as const) {
      const url = new URL(scenarioLink(change), 'http://localhost')
      expect(url.pathname).toBe('/scenario.html')
      expect(url.searchParams.get('new')).toBe('1')
      expect(linkedChanges(url.searchParams)).toEqual([change])
    }
    expect(scenarioLink({ kind: 'rectify_hidden_danger', id: 12 })).toBe('/scenario.html?new=1&rectify_hidden_danger=12')
  })
})
