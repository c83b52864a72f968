import { describe, expect, it } from 'vitest'
import { auditChanges, dayRange, formatValue, sameJson } from './diff'

describe('auditChanges', () => {
  it('lists only the fields whose value changed, old and new', () => {
    const before = { id: 7, username: 'wang', disabled: false, role: 'planner', scope: { a: 1, b: [1, 2] } }
    const after = { id: 7, username: 'wang', disabled: true, role: 'planner', scope: { b: [1, 2], a: 1 }, passwordChanged: true }
    expect(auditChanges(before, after)).toEqual([
      { key: 'disabled', before: false, after: true },
      { key: 'passwordChanged', before: undefined, after: true },
    ])
  })

  it('lists every field of a created record as new, and of a deleted one as gone', () => {
    expect(auditChanges(null, { id: 1, name: 'x', note: null })).toEqual([
      { key: 'id', before: undefined, after: 1 },
      { key: 'name', before: undefined, after: 'x' },
      { key: 'note', before: undefined, after: null },
    ])
    expect(auditChanges({ id: 1 }, null)).toEqual([{ key: 'id', before: 1, after: undefined }])
  })

  it('compares values that are not objects as one field', () => {
    expect(auditChanges([1], [1, 2])).toEqual([{ key: '', before: [1], after: [1, 2] }])
    expect(auditChanges('a', 'a')).toEqual([])
    expect(auditChanges(null, null)).toEqual([])
  })
})

describe('sameJson and formatValue', () => {
  it('compares structurally and writes values for the diff list', () => {
    expect(sameJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true)
    expect(sameJson({ a: 1 }, { a: '1' })).toBe(false)
    expect(sameJson([1, 2], [2, 1])).toBe(false)
    expect(formatValue('文本')).toBe('文本')
    expect(formatValue(undefined)).toBe('')
    expect(formatValue(null)).toBe('null')
    expect(formatValue({ a: 1 })).toBe('{"a":1}')
  })
})

describe('dayRange', () => {
  it('runs from the start of the first local day to the start of the day after the last', () => {
    const { from, to } = dayRange('2026-03-01', '2026-03-31')
    expect(new Date(from!).getTime()).toBe(new Date(2026, 2, 1).getTime())
    expect(new Date(to!).getTime()).toBe(new Date(2026, 3, 1).getTime())
    expect(dayRange('', '')).toEqual({ from: undefined, to: undefined })
  })
})
