import { describe, expect, it } from 'vitest'
import {
  bufferIssues,
  dateOrderIssues,
  divisionCodeIssues,
  identificationIssues,
  placeSource,
  pointPairIssues,
  SOURCE_DATE_ORDER,
  type DatedSourceKind,
  type SourceIssue,
} from './source-checks'

describe('dateOrderIssues', () => {
  const cases: Array<[string, DatedSourceKind, Record<string, unknown>, SourceIssue[]]> = [
    ['deadline after found', 'hidden_danger', { foundAt: '2026-03-01', deadline: '2026-03-31' }, []],
    ['deadline on the day found', 'hidden_danger', { foundAt: '2026-03-01', deadline: '2026-03-01' }, []],
    [
      'deadline before found',
      'hidden_danger',
      { foundAt: '2026-03-01', deadline: '2026-02-28' },
      [{ field: 'deadline', code: 'date_before', value: '2026-02-28', params: { other: 'foundAt', date: '2026-03-01' } }],
    ],
    ['no valid-until', 'safety_risk', { assessedAt: '2026-03-01', validUntil: null }, []],
    ['valid-until left out', 'area_assessment', { assessedAt: '2026-03-01' }, []],
    ['no first date (a row missing it is reported elsewhere)', 'major_hazard', { reportedAt: null, validUntil: '2026-01-01' }, []],
    [
      'valid-until before filing',
      'major_hazard',
      { reportedAt: '2026-03-01', validUntil: '2025-12-31' },
      [{ field: 'validUntil', code: 'date_before', value: '2025-12-31', params: { other: 'reportedAt', date: '2026-03-01' } }],
    ],
    [
      'valid-until before the assessment',
      'area_assessment',
      { assessedAt: '2026-03-01', validUntil: '2026-02-01' },
      [{ field: 'validUntil', code: 'date_before', value: '2026-02-01', params: { other: 'assessedAt', date: '2026-03-01' } }],
    ],
  ]
  it.each(cases)('%s', (_label, kind, values, issues) => {
    expect(dateOrderIssues(kind, values)).toEqual(issues)
  })

  it('orders one pair of dates for every kind', () => {
    expect(Object.keys(SOURCE_DATE_ORDER).sort()).toEqual(['area_assessment', 'hidden_danger', 'major_hazard', 'safety_risk'])
  })
})

describe('pointPairIssues', () => {
  const cases: Array<[string, number | null | undefined, number | null | undefined, SourceIssue[]]> = [
    ['both', 120.1, 30.2, []],
    ['neither', undefined, undefined, []],
    ['both null', null, null, []],
    ['lon alone', 120.1, null, [{ field: 'lat', code: 'point_half', params: { given: 'lon' } }]],
    ['lat alone', undefined, 30.2, [{ field: 'lon', code: 'point_half', params: { given: 'lat' } }]],
  ]
  it.each(cases)('%s', (_label, lon, lat, issues) => {
    expect(pointPairIssues(lon, lat)).toEqual(issues)
  })
})

describe('placeSource', () => {
  const enterprise = { lon: 121, lat: 31 }
  const byId = { field: 'enterpriseId', ref: { by: 'id', id: 7 } } as const
  const byUscc = { field: 'enterpriseUscc', ref: { by: 'uscc', uscc: '914403001922038216' } } as const
  const cases: Array<[string, Parameters<typeof placeSource>, ReturnType<typeof placeSource>]> = [
    ['its own point', [{ lon: 120, lat: 30 }, byId, enterprise], { ok: true, lon: 120, lat: 30 }],
    ["no point: the enterprise's", [{ lon: null, lat: null }, byUscc, enterprise], { ok: true, lon: 121, lat: 31 }],
    ['point left out', [{ lon: undefined, lat: undefined }, byId, enterprise], { ok: true, lon: 121, lat: 31 }],
    [
      'unknown enterprise by id',
      [{ lon: 120, lat: 30 }, byId, undefined],
      { ok: false, issue: { field: 'enterpriseId', code: 'enterprise_unknown', params: { by: 'id', id: 7 } } },
    ],
    [
      'unknown enterprise by USCC',
      [{ lon: null, lat: null }, byUscc, undefined],
      { ok: false, issue: { field: 'enterpriseUscc', code: 'enterprise_unknown', params: { by: 'uscc', uscc: '914403001922038216' } } },
    ],
    ['no enterprise named', [{ lon: null, lat: null }, null, undefined], { ok: false, issue: { field: 'enterprise', code: 'enterprise_required' } }],
  ]
  it.each(cases)('%s', (_label, args, result) => {
    expect(placeSource(...args)).toEqual(result)
  })
})

describe('divisionCodeIssues', () => {
  const known = (code: string) => code === '110101' || code === '110101001'
  const cases: Array<[string, string | null, SourceIssue[]]> = [
    ['none given', null, []],
    ['a county', '110101', []],
    ['a township', '110101001', []],
    ['five digits', '11010', [{ field: 'divisionCode', code: 'division_code_format', value: '11010' }]],
    ['letters', '11010a', [{ field: 'divisionCode', code: 'division_code_format', value: '11010a' }]],
    ['unknown', '110102', [{ field: 'divisionCode', code: 'division_unknown', value: '110102', params: { code: '110102' } }]],
  ]
  it.each(cases)('%s', (_label, code, issues) => {
    expect(divisionCodeIssues(code, known)).toEqual(issues)
  })
})

describe('bufferIssues', () => {
  const cases: Array<['area' | 'corridor', number | null, SourceIssue[]]> = [
    ['corridor', 50, []],
    ['corridor', null, [{ field: 'bufferM', code: 'corridor_buffer_required' }]],
    ['area', null, []],
    ['area', 50, [{ field: 'bufferM', code: 'buffer_corridor_only' }]],
  ]
  it.each(cases)('%s with bufferM %s', (kind, bufferM, issues) => {
    expect(bufferIssues(kind, bufferM)).toEqual(issues)
  })
})

describe('identificationIssues', () => {
  it('passes an identified installation', () => {
    expect(identificationIssues({ identified: true, S: 1.2 }, 1)).toEqual([])
  })
  it('names the substances of one below the threshold, with S and the threshold', () => {
    expect(identificationIssues({ identified: false, S: 0.4 }, 1)).toEqual([
      { field: 'substances', code: 'not_major_hazard', params: { S: 0.4, threshold: 1 } },
    ])
  })
})
