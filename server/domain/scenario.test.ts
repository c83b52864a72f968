import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { CAPABILITIES } from './resources'
import { MAX_SCENARIO_CHANGES, parseScenarioChange, parseScenarioChanges, SCENARIO_CHANGE_KINDS } from './scenario'

// The shape of a scenario's changes (docs/scenarios.md): every bad change is a 400 naming
// `changes[i].<field>`, and every good one is read into its typed form.

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).statusCode).toBe(400)
    return (err as AppError).details[0]?.field
  }
  return undefined
}

describe('parseScenarioChange', () => {
  it.each([
    [
      { kind: 'rectify_hidden_danger', hiddenDangerId: 7 },
      { kind: 'rectify_hidden_danger', hiddenDangerId: 7 },
    ],
    [
      { kind: 'add_hidden_danger', enterpriseId: 3 },
      { kind: 'add_hidden_danger', enterpriseId: 3, isMajor: true },
    ],
    [
      { kind: 'add_hidden_danger', enterpriseId: 3, isMajor: false, lon: 123.4, lat: 41.8 },
      { kind: 'add_hidden_danger', enterpriseId: 3, isMajor: false, lon: 123.4, lat: 41.8 },
    ],
    [
      { kind: 'remove_installation', majorHazardId: 2 },
      { kind: 'remove_installation', majorHazardId: 2 },
    ],
    [
      { kind: 'relocate_installation', majorHazardId: 2, lon: 123, lat: 41 },
      { kind: 'relocate_installation', majorHazardId: 2, lon: 123, lat: 41 },
    ],
    [
      { kind: 'reduce_installation', majorHazardId: 2, level: 2, impactRadiusM: 300 },
      { kind: 'reduce_installation', majorHazardId: 2, level: 2, impactRadiusM: 300 },
    ],
    [
      { kind: 'change_area_assessment', areaAssessmentId: 5, level: 1 },
      { kind: 'change_area_assessment', areaAssessmentId: 5, level: 1 },
    ],
    [
      { kind: 'add_resource', resourceKind: 'depot', lon: 123, lat: 41, capabilities: ['flood', 'flood'] },
      { kind: 'add_resource', resourceKind: 'depot', name: '', lon: 123, lat: 41, capabilities: ['flood'] },
    ],
    [
      { kind: 'move_resource', resourceId: 9, lon: 123, lat: 41 },
      { kind: 'move_resource', resourceId: 9, lon: 123, lat: 41 },
    ],
    [
      { kind: 'remove_resource', resourceId: 9 },
      { kind: 'remove_resource', resourceId: 9 },
    ],
  ])('reads %j', (raw, parsed) => {
    expect(parseScenarioChange(raw, 0, CAPABILITIES)).toEqual(parsed)
  })

  it('covers every kind in the table above', () => {
    expect(SCENARIO_CHANGE_KINDS).toHaveLength(9)
  })

  it.each([
    [null, 'changes[2]'],
    [{}, 'changes[2].kind'],
    [{ kind: 'demolish' }, 'changes[2].kind'],
    [{ kind: 'rectify_hidden_danger' }, 'changes[2].hiddenDangerId'],
    [{ kind: 'rectify_hidden_danger', hiddenDangerId: 0 }, 'changes[2].hiddenDangerId'],
    [{ kind: 'rectify_hidden_danger', hiddenDangerId: 2 ** 31 }, 'changes[2].hiddenDangerId'],
    [{ kind: 'rectify_hidden_danger', hiddenDangerId: 1.5 }, 'changes[2].hiddenDangerId'],
    [{ kind: 'rectify_hidden_danger', hiddenDangerId: 1, lon: 1 }, 'changes[2].lon'],
    [{ kind: 'add_hidden_danger', enterpriseId: 1, lon: 123 }, 'changes[2].lat'],
    [{ kind: 'add_hidden_danger', enterpriseId: 1, isMajor: 'yes' }, 'changes[2].isMajor'],
    [{ kind: 'relocate_installation', majorHazardId: 1, lon: 200, lat: 41 }, 'changes[2].lon'],
    [{ kind: 'reduce_installation', majorHazardId: 1, level: 0 }, 'changes[2].level'],
    [{ kind: 'reduce_installation', majorHazardId: 1, level: 2, impactRadiusM: -5 }, 'changes[2].impactRadiusM'],
    [{ kind: 'change_area_assessment', areaAssessmentId: 1, level: 5 }, 'changes[2].level'],
    [{ kind: 'add_resource', resourceKind: 'shelter', lon: 123, lat: 41 }, 'changes[2].resourceKind'],
    [{ kind: 'add_resource', resourceKind: 'rescue_team', lon: 123, lat: 41, capabilities: ['fire', 'x'] }, 'changes[2].capabilities[1]'],
    [{ kind: 'add_resource', resourceKind: 'rescue_team', lon: 123, lat: 41, capabilities: 'fire' }, 'changes[2].capabilities'],
    [{ kind: 'move_resource', resourceId: 1, lat: 41 }, 'changes[2].lon'],
  ])('refuses %j naming %s', (raw, field) => {
    expect(fieldOf(() => parseScenarioChange(raw, 2, CAPABILITIES))).toBe(field)
  })
})

describe('parseScenarioChanges', () => {
  it('needs a non-empty list within the bound', () => {
    expect(fieldOf(() => parseScenarioChanges('x', CAPABILITIES))).toBe('changes')
    expect(fieldOf(() => parseScenarioChanges([], CAPABILITIES))).toBe('changes')
    const many = Array.from({ length: MAX_SCENARIO_CHANGES + 1 }, () => ({ kind: 'remove_resource', resourceId: 1 }))
    expect(fieldOf(() => parseScenarioChanges(many, CAPABILITIES))).toBe('changes')
    expect(parseScenarioChanges(many.slice(1), CAPABILITIES)).toHaveLength(MAX_SCENARIO_CHANGES)
  })

  it('names the index of the first bad change', () => {
    expect(fieldOf(() => parseScenarioChanges([{ kind: 'remove_resource', resourceId: 1 }, { kind: 'nope' }], CAPABILITIES))).toBe('changes[1].kind')
  })
})
