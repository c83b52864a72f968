import { describe, expect, it } from 'vitest'
import { idQuery, matches, searchable } from './records'

describe('the record search of the scenario builder', () => {
  it('takes a number, with or without #, as a record id', () => {
    expect(idQuery('12')).toBe(12)
    expect(idQuery(' #27 ')).toBe(27)
    expect(idQuery('# 3')).toBe(3)
    expect(idQuery('0')).toBeNull()
    expect(idQuery('99999999999')).toBeNull()
    expect(idQuery('12a')).toBeNull()
    expect(idQuery('燃气')).toBeNull()
  })

  it('searches for an id, two characters or one Chinese character', () => {
    expect(searchable('7')).toBe(true)
    expect(searchable('燃')).toBe(true)
    expect(searchable('ab')).toBe(true)
    expect(searchable('a')).toBe(false)
    expect(searchable('  ')).toBe(false)
  })

  it('matches any of a record’s texts, case-insensitively', () => {
    expect(matches('Team', 'Hunnan rescue team', null)).toBe(true)
    expect(matches('浑南', null, '浑南区')).toBe(true)
    expect(matches('铁西', '浑南', undefined)).toBe(false)
  })
})
