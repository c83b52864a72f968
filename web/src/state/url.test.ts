import { describe, expect, it } from 'vitest'
import { parseUrlHash, parseView, withUrlState } from './url'
import { formatSelection, parseSelection, type Selection } from './selection'

describe('parseSelection / formatSelection', () => {
  const cases: Array<[string, Selection | null]> = [
    ['cell:883025c2ebfffff', { kind: 'cell', h3: '883025c2ebfffff' }],
    ['cell:883025C2EBFFFFF', { kind: 'cell', h3: '883025c2ebfffff' }],
    ['region:210102', { kind: 'region', code: '210102' }],
    ['region:G210102-001', { kind: 'region', code: 'G210102-001' }],
    ['enterprise:225', { kind: 'enterprise', id: 225 }],
    ['major_hazard:154', { kind: 'major_hazard', id: 154 }],
    ['hidden_danger:11', { kind: 'hidden_danger', id: 11 }],
    ['safety_risk:453', { kind: 'safety_risk', id: 453 }],
    ['area_assessment:1', { kind: 'area_assessment', id: 1 }],
    ['resource:191', { kind: 'resource', id: 191 }],
    ['cell:88302', null],
    ['cell:zz3025c2ebfffff', null],
    ['region:210102;drop', null],
    ['enterprise:0', null],
    ['enterprise:-3', null],
    ['enterprise:1.5', null],
    ['enterprise:99999999999999999', null],
    ['penalty:3', null],
    ['constructor:1', null],
    ['enterprise', null],
    ['', null],
  ]
  it.each(cases)('%s', (text, expected) => {
    expect(parseSelection(text)).toEqual(expected)
    if (expected) expect(parseSelection(formatSelection(expected))).toEqual(expected)
  })
})

describe('parseView', () => {
  it('reads zoom/lat/lon and ignores bearing and pitch', () => {
    expect(parseView('12.5/41.8/123.43')).toEqual({ zoom: 12.5, lat: 41.8, lon: 123.43 })
    expect(parseView('12.5/41.8/123.43/30/45')).toEqual({ zoom: 12.5, lat: 41.8, lon: 123.43 })
  })
  it.each(['', '12/41.8', '12/a/123', '12/95/123', '12/41/190'])('rejects %j', (text) => {
    expect(parseView(text)).toBeNull()
  })
})

describe('parseUrlHash', () => {
  it('reads the view, overlays in legend order and the selection', () => {
    expect(parseUrlHash('#map=13/41.8006/123.395&layers=regions,cells,bogus&sel=cell:883025c2ebfffff')).toEqual({
      view: { zoom: 13, lat: 41.8006, lon: 123.395 },
      layers: ['cells', 'regions'],
      selection: { kind: 'cell', h3: '883025c2ebfffff' },
    })
  })
  it('tells an absent layer list (defaults) from an empty one (nothing shown)', () => {
    expect(parseUrlHash('#map=8/41/123').layers).toBeNull()
    expect(parseUrlHash('#map=8/41/123&layers=').layers).toEqual([])
  })
  it('reads an empty hash as nothing', () => {
    expect(parseUrlHash('')).toEqual({ view: null, layers: null, selection: null })
  })
})

describe('withUrlState', () => {
  it("keeps MapLibre's map= first and writes the rest unescaped", () => {
    expect(withUrlState('#map=13/41.8/123.4', { layers: ['regions', 'cells'], selection: { kind: 'region', code: '210102' } })).toBe(
      '#map=13/41.8/123.4&layers=cells,regions&sel=region:210102',
    )
  })
  it('replaces the previous values and drops sel when nothing is selected', () => {
    expect(withUrlState('#map=13/41.8/123.4&layers=cells&sel=cell:883025c2ebfffff', { layers: ['cells', 'overdue'], selection: null })).toBe(
      '#map=13/41.8/123.4&layers=cells,overdue',
    )
  })
  it('round-trips through parseUrlHash', () => {
    const hash = withUrlState('', { layers: ['enterprises'], selection: { kind: 'enterprise', id: 7 } })
    expect(parseUrlHash(hash)).toEqual({ view: null, layers: ['enterprises'], selection: { kind: 'enterprise', id: 7 } })
  })
})
