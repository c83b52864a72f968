import { describe, expect, it } from 'vitest'
import { parseScenarioChange, parseScenarioChanges } from '../../../server/domain/scenario'
import { CAPABILITIES, SCENARIO_CHANGE_KINDS } from '../api/contract'
import {
  KIND_FIELDS,
  changeOf,
  changesOf,
  distanceM,
  draftOf,
  emptyDraft,
  fieldAt,
  formField,
  linkedChanges,
  missingOf,
  moved,
  referenceFieldOf,
  roundPosition,
  withKind,
  type Draft,
} from './changes'

/** A draft of the kind with every input filled in. */
function filled(kind: Draft['kind'], key = 1): Draft {
  return {
    ...emptyDraft(kind, key),
    record: { id: 7, label: 'x' },
    lon: 123.4,
    lat: 41.8,
    isMajor: false,
    level: 2,
    impactRadiusM: 300,
    resourceKind: 'depot',
    name: ' 新队伍 ',
    capabilities: ['hazmat', 'fire'],
  }
}

describe('the scenario builder form state', () => {
  it('sends, for every kind, exactly the fields the server parses back to the same change', () => {
    for (const kind of SCENARIO_CHANGE_KINDS) {
      const change = changeOf(filled(kind))
      expect(Object.keys(change).sort(), kind).toEqual(['kind', ...KIND_FIELDS[kind]].sort())
      // the server's own parser takes it as it is: no field the kind does not take, none malformed
      expect(parseScenarioChange(change, 0, CAPABILITIES), kind).toEqual(change)
      expect(missingOf(filled(kind)), kind).toBeNull()
    }
  })

  it('builds the list a planner chose', () => {
    const rectify = { ...emptyDraft('rectify_hidden_danger', 1), record: { id: 27, label: '浑南昌盛燃气' } }
    const team = { ...emptyDraft('add_resource', 2), name: '浑南新队', capabilities: ['hazmat'], lon: 123.5, lat: 41.75 }
    const reduce = { ...emptyDraft('reduce_installation', 3), record: { id: 5, label: 'tank', level: 3 as const }, level: 2 as const }
    const changes = changesOf([rectify, team, reduce])
    expect(changes).toEqual([
      { kind: 'rectify_hidden_danger', hiddenDangerId: 27 },
      { kind: 'add_resource', resourceKind: 'rescue_team', name: '浑南新队', capabilities: ['hazmat'], lon: 123.5, lat: 41.75 },
      { kind: 'reduce_installation', majorHazardId: 5, level: 2 },
    ])
    expect(parseScenarioChanges(changes, CAPABILITIES)).toEqual(changes)
  })

  it('leaves an empty input out, so that the server names the field', () => {
    const move = emptyDraft('move_resource', 1)
    expect(changeOf(move)).toEqual({ kind: 'move_resource' })
    expect(() => parseScenarioChange(changeOf({ ...move, record: { id: 3, label: null } }), 4, CAPABILITIES)).toThrow(
      expect.objectContaining({ details: [expect.objectContaining({ field: 'changes[4].lon' })] }),
    )
    // add_hidden_danger: no position is the enterprise's own
    expect(changeOf({ ...emptyDraft('add_hidden_danger', 2), record: { id: 9, label: null } })).toEqual({
      kind: 'add_hidden_danger',
      enterpriseId: 9,
      isMajor: true,
    })
  })

  it('says what a draft still lacks, as the field the server would name', () => {
    expect(missingOf(emptyDraft('rectify_hidden_danger', 1))).toEqual({ field: 'hiddenDangerId', what: 'record' })
    expect(missingOf(emptyDraft('add_resource', 1))).toEqual({ field: 'lon', what: 'position' })
    expect(missingOf({ ...emptyDraft('relocate_installation', 1), record: { id: 1, label: null }, lon: 123 })).toEqual({ field: 'lon', what: 'position' })
    expect(missingOf({ ...emptyDraft('add_hidden_danger', 1), record: { id: 1, label: null } })).toBeNull()
    expect(missingOf({ ...emptyDraft('add_hidden_danger', 1), record: { id: 1, label: null }, lat: 41 })).toEqual({ field: 'lon', what: 'position' })
    expect(missingOf({ ...emptyDraft('change_area_assessment', 1), record: { id: 1, label: null } })).toEqual({ field: 'level', what: 'level' })
  })

  it('names the reference field of each kind', () => {
    expect(SCENARIO_CHANGE_KINDS.map((k) => referenceFieldOf(k))).toEqual([
      'hiddenDangerId',
      'enterpriseId',
      'majorHazardId',
      'majorHazardId',
      'majorHazardId',
      'areaAssessmentId',
      null,
      'resourceId',
      'resourceId',
    ])
  })

  it('keeps the record across kinds that name the same kind of record', () => {
    const d = { ...emptyDraft('remove_installation', 1), record: { id: 4, label: 'tank' }, lon: 1, lat: 2 }
    expect(withKind(d, 'relocate_installation').record).toEqual({ id: 4, label: 'tank' })
    expect(withKind(d, 'rectify_hidden_danger').record).toBeNull()
    expect(withKind(d, 'add_resource')).toMatchObject({ kind: 'add_resource', record: null, lon: 1, lat: 2 })
  })

  it('reads the change and field a 400 names', () => {
    expect(fieldAt('changes[2].lon')).toEqual({ index: 2, field: 'lon' })
    expect(fieldAt('changes[0].capabilities[1]')).toEqual({ index: 0, field: 'capabilities' })
    expect(fieldAt('changes[11]')).toEqual({ index: 11, field: null })
    expect(fieldAt('changes')).toBeNull()
    expect(fieldAt('name')).toBeNull()
    expect(fieldAt(undefined)).toBeNull()
    expect(formField('lat')).toBe('lon')
    expect(formField('level')).toBe('level')
  })

  it('reads drafts back from JSON changes', () => {
    const json = [
      { kind: 'rectify_hidden_danger', hiddenDangerId: 12 },
      { kind: 'add_resource', resourceKind: 'depot', name: 'D', capabilities: ['flood'], lon: 123.1, lat: 41.9 },
      { kind: 'reduce_installation', majorHazardId: 3, level: 1, impactRadiusM: 250 },
    ]
    const drafts = json.map((c, i) => draftOf(c, i + 1))
    expect(drafts[0]!.record).toEqual({ id: 12, label: null })
    expect(changesOf(drafts)).toEqual(json)
    expect(() => draftOf({ kind: 'paint_it_red' }, 1)).toThrow(/unknown change kind/)
    expect(() => draftOf([1], 1)).toThrow(TypeError)
  })

  it('reads the changes a page link asks for', () => {
    const params = new URLSearchParams('new=1&rectify_hidden_danger=12,13&add_resource=4&remove_installation=x&move_resource=0&remove_resource=5&lang=en')
    expect(linkedChanges(params)).toEqual([
      { kind: 'rectify_hidden_danger', id: 12 },
      { kind: 'rectify_hidden_danger', id: 13 },
      { kind: 'remove_resource', id: 5 },
    ])
  })

  it('moves a change up and down, never past either end', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b'])
    expect(moved(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c'])
    expect(moved(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c'])
    expect(moved(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c'])
  })

  it('rounds map positions and measures a move', () => {
    expect(roundPosition(123.456789123)).toBe(123.456789)
    expect(distanceM({ lon: 123, lat: 41 }, { lon: 123, lat: 42 })).toBeCloseTo(111_195, -1)
  })
})
