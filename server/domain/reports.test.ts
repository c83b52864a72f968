import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import {
  GRID_WORKER_CATEGORIES,
  PUBLIC_CATEGORIES,
  REPORT_STATUSES,
  TRACKING_ALPHABET,
  TRACKING_CODE_LENGTH,
  checkTransition,
  newTrackingCode,
  parseTrackingCode,
  reportCategory,
  type ReportStatus,
} from './reports'

function refusal(fn: () => void): AppError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError) return err
    throw err
  }
  throw new Error('expected a refusal')
}

describe('checkTransition', () => {
  // Every state × every target: allowed (with a resolution where one is needed) or 409.
  const allowed: Record<ReportStatus, ReportStatus[]> = {
    received: ['triaged', 'rejected'],
    triaged: ['assigned', 'closed', 'rejected'],
    assigned: ['closed', 'rejected'],
    closed: [],
    rejected: [],
  }
  const cases = REPORT_STATUSES.flatMap((from) => REPORT_STATUSES.map((to) => [from, to, allowed[from].includes(to)] as const))
  it.each(cases)('%s → %s allowed: %s', (from, to, ok) => {
    const act = () => checkTransition(from, to, 'handled: the site was inspected')
    if (ok) {
      expect(act).not.toThrow()
    } else {
      const err = refusal(act)
      expect(err.statusCode).toBe(409)
      expect(err.message).toContain(`is ${from}`)
      expect(err.details[0]).toMatchObject({ field: 'status', current: from })
    }
  })

  it('requires a resolution to close or reject', () => {
    for (const [from, to] of [
      ['triaged', 'closed'],
      ['received', 'rejected'],
      ['assigned', 'closed'],
    ] as const) {
      for (const resolution of [undefined, null, '', '   ']) {
        const err = refusal(() => checkTransition(from, to, resolution))
        expect(err.statusCode).toBe(400)
        expect(err.details[0]?.field).toBe('resolution')
      }
    }
    expect(() => checkTransition('received', 'triaged', undefined)).not.toThrow()
  })
})

describe('tracking codes', () => {
  it('are 10 characters of the unambiguous alphabet', () => {
    expect(TRACKING_ALPHABET).not.toMatch(/[01OIL]/)
    let i = 0
    const code = newTrackingCode((n) => i++ % n)
    expect(code).toHaveLength(TRACKING_CODE_LENGTH)
    expect(code).toBe('23456789AB')
    const random = newTrackingCode((n) => Math.floor(Math.random() * n))
    expect(random).toMatch(/^[2-9A-HJKMNP-Z]{10}$/)
  })

  it('are read as people type them', () => {
    expect(parseTrackingCode('abcde-fghjk')).toBe('ABCDEFGHJK')
    expect(parseTrackingCode(' 23456 789AB ')).toBe('23456789AB')
    expect(parseTrackingCode('ABCDEFGHJ')).toBeNull() // too short
    expect(parseTrackingCode('ABCDEFGHJKM')).toBeNull() // too long
    expect(parseTrackingCode('ABCDEFGHJ0')).toBeNull() // 0 is not in the alphabet
    expect(parseTrackingCode('ABCDEFGHJI')).toBeNull()
    expect(parseTrackingCode("1' OR '1'='1")).toBeNull()
  })
})

describe('categories', () => {
  it('have unique English codes and labels in both languages', () => {
    const all = [...PUBLIC_CATEGORIES, ...GRID_WORKER_CATEGORIES]
    expect(new Set(all.map((c) => c.code)).size).toBe(all.length)
    for (const c of all) {
      expect(c.code).toMatch(/^[a-z_]+$/)
      expect(c.zh).toMatch(/[\u4e00-\u9fff]/)
      expect(c.en).toMatch(/^[A-Z]/)
    }
    expect(GRID_WORKER_CATEGORIES.map((c) => c.code)).toEqual(['enterprise_opened', 'enterprise_closed', 'enterprise_moved', 'suspected_illegal_production'])
    expect(reportCategory('fire_hazard')?.handledBy).toEqual({ specialty: 'fire' })
    expect(reportCategory('nonsense')).toBeUndefined()
  })
})
