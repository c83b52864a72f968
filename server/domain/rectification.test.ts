import { describe, expect, it } from 'vitest'
import { AppError } from './errors'
import { checkVerifier, isOverdue, rectificationStep, refusalMessage, type RectificationAction, type RectificationStatus } from './rectification'

describe('rectificationStep', () => {
  // Every state × every action: the next state, or a refusal naming the current state and the one needed.
  const cases: Array<[RectificationStatus, RectificationAction, RectificationStatus | { current: RectificationStatus; required: RectificationStatus }]> = [
    ['open', 'rectify', 'rectified'],
    ['open', 'verify', { current: 'open', required: 'rectified' }],
    ['open', 'reopen', { current: 'open', required: 'rectified' }],
    ['rectified', 'rectify', { current: 'rectified', required: 'open' }],
    ['rectified', 'verify', 'verified'],
    ['rectified', 'reopen', 'open'],
    ['verified', 'rectify', { current: 'verified', required: 'open' }],
    ['verified', 'verify', { current: 'verified', required: 'rectified' }],
    ['verified', 'reopen', { current: 'verified', required: 'rectified' }],
  ]
  it.each(cases)('%s + %s → %j', (current, action, expected) => {
    const outcome = rectificationStep(current, action)
    if (typeof expected === 'string') {
      expect(outcome).toMatchObject({ ok: true, from: current, to: expected })
    } else {
      expect(outcome).toMatchObject({ ok: false, ...expected })
    }
  })

  it('names each step in the past tense for the audit log', () => {
    expect(rectificationStep('open', 'rectify')).toMatchObject({ done: 'rectified' })
    expect(rectificationStep('rectified', 'verify')).toMatchObject({ done: 'verified' })
    expect(rectificationStep('rectified', 'reopen')).toMatchObject({ done: 'reopened' })
  })

  it('rejects an unknown state or action naming the field', () => {
    expect(() => rectificationStep('closed' as never, 'rectify')).toThrow(AppError)
    expect(() => rectificationStep('open', 'close' as never)).toThrow(/action/)
  })
})

describe('refusalMessage', () => {
  const cases: Array<[string, RectificationStatus, RectificationAction, string]> = [
    ['hidden danger', 'open', 'verify', 'hidden danger 7 is open; only a rectified hidden danger can be verified'],
    ['hidden danger', 'verified', 'rectify', 'hidden danger 7 is verified; only an open hidden danger can be rectified'],
    ['violation', 'open', 'reopen', 'violation 7 is open; only a rectified violation can be reopened'],
    ['violation', 'rectified', 'rectify', 'violation 7 is rectified; only an open violation can be rectified'],
  ]
  it.each(cases)('%s %s + %s', (noun, current, action, message) => {
    const outcome = rectificationStep(current, action)
    if (outcome.ok) throw new Error('expected a refusal')
    expect(refusalMessage(noun, 7, outcome)).toBe(message)
  })
})

describe('checkVerifier: separation of duties by account', () => {
  const finding = (reportedByUserId: number | null, rectifiedByUserId: number | null, reportedBy = '张三') => ({
    reportedBy,
    reportedByUserId,
    rectifiedByUserId,
  })
  it.each([
    ['another account', finding(1, 2), { id: 3, name: '王五' }, null],
    ['the reporting account, under another name', finding(1, 2), { id: 1, name: '李四' }, /you reported this violation/],
    ['the rectifying account', finding(1, 2), { id: 2, name: '李四' }, /you rectified this violation/],
    ['an account named like the reporter of a row without accounts', finding(null, null, '张三'), { id: 5, name: ' 张三 ' }, /you reported/],
    ['an account named like the reporter of a row with accounts', finding(1, null, '张三'), { id: 5, name: '张三' }, null],
    ['another name on a row without accounts', finding(null, null, 'Inspector A'), { id: 5, name: 'inspector b' }, null],
  ])('%s', (_name, record, verifier, refusal) => {
    const check = () => checkVerifier('violation', record, verifier)
    if (!refusal) {
      expect(check).not.toThrow()
      return
    }
    try {
      check()
      throw new Error('expected a refusal')
    } catch (err) {
      expect(err).toBeInstanceOf(AppError)
      expect((err as AppError).statusCode).toBe(403)
      expect((err as AppError).code).toBe('separation_of_duties')
      expect((err as AppError).details[0]).toMatchObject({ field: 'verifiedBy', message: expect.stringMatching(refusal) })
    }
  })
})

describe('isOverdue', () => {
  it.each([
    ['open', '2026-03-01', '2026-03-02', true],
    ['open', '2026-03-02', '2026-03-02', false],
    ['rectified', '2026-03-01', '2026-03-02', false],
    ['verified', '2026-03-01', '2026-03-02', false],
  ] as const)('%s, deadline %s, today %s → %s', (status, deadline, today, overdue) => {
    expect(isOverdue({ status, deadline }, today)).toBe(overdue)
  })
})
