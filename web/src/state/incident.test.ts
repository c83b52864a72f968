import { describe, expect, it } from 'vitest'
import { parseIncidentParam, withIncidentParam } from './incident'

describe('incident in the URL hash', () => {
  it('adds, replaces and removes the parameter, keeping the others', () => {
    const hash = withIncidentParam('#map=13/41.8/123.4&layers=cells', [123.4, 41.8])
    expect(hash).toBe('#map=13/41.8/123.4&layers=cells&incident=123.400000,41.800000')
    expect(parseIncidentParam(hash)).toEqual([123.4, 41.8])
    expect(withIncidentParam(hash, [1, 2])).toBe('#map=13/41.8/123.4&layers=cells&incident=1.000000,2.000000')
    expect(withIncidentParam(hash, null)).toBe('#map=13/41.8/123.4&layers=cells')
  })

  it('ignores what is not a point', () => {
    expect(parseIncidentParam('#incident=abc')).toBeNull()
    expect(parseIncidentParam('#incident=1,2,3')).toBeNull()
    expect(parseIncidentParam('#incident=200,10')).toBeNull()
    expect(parseIncidentParam('#map=1/2/3')).toBeNull()
  })
})
