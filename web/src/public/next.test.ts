import { describe, expect, it } from 'vitest'
import { loginParam, safeNextPath, withoutLoginParam } from './next'

const ORIGIN = 'http://127.0.0.1:3000'

describe('safeNextPath', () => {
  it.each([
    ['/', '/'],
    ['/publications.html', '/publications.html'],
    ['/index.html?lang=en#map=10/41.8/123.4', '/index.html?lang=en#map=10/41.8/123.4'],
    [null, '/'],
    ['', '/'],
    ['https://evil.example/', '/'],
    ['//evil.example/x', '/'],
    ['/\\evil.example', '/'],
    ['javascript:alert(1)', '/'],
    ['publications.html', '/'],
  ])('%s → %s', (next, expected) => {
    expect(safeNextPath(next, ORIGIN)).toBe(expected)
  })
})

describe('login hash parameter', () => {
  it('reads and removes login= beside the map view', () => {
    expect(loginParam('#login=%2Fpublications.html&map=10/41.8/123.4')).toBe('/publications.html')
    expect(loginParam('#map=10/41.8/123.4')).toBeNull()
    expect(loginParam('#login')).toBe('')
    expect(withoutLoginParam('#login=%2F&map=10/41.8/123.4')).toBe('#map=10/41.8/123.4')
    expect(withoutLoginParam('#login=%2F')).toBe('')
  })
})
