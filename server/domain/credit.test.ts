import { describe, expect, it } from 'vitest'
import { currentCreditStatus, type CreditEvent } from './credit'

const TODAY = '2026-06-15'
const ev = (id: number, status: CreditEvent['status'], startsOn: string, endsOn: string | null = null): CreditEvent => ({ id, status, startsOn, endsOn })

describe('currentCreditStatus', () => {
  const cases: Array<[string, CreditEvent[], string, number | null]> = [
    ['no events → good', [], 'good', null],
    ['a warning in force', [ev(1, 'warned', '2026-01-01', '2026-12-31')], 'warned', 1],
    ['a warning that ended yesterday', [ev(1, 'warned', '2026-01-01', '2026-06-14')], 'good', null],
    ['a warning ending today is still in force', [ev(1, 'warned', '2026-01-01', TODAY)], 'warned', 1],
    ['a blacklisting that starts tomorrow', [ev(1, 'blacklisted', '2026-06-16')], 'good', null],
    ['the later start wins', [ev(1, 'blacklisted', '2026-03-01'), ev(2, 'warned', '2026-05-01', '2026-12-31')], 'warned', 2],
    ['a credit repair lifts a blacklisting', [ev(1, 'blacklisted', '2026-01-01'), ev(2, 'good', '2026-06-01')], 'good', 2],
    ['same start: the later record wins', [ev(2, 'blacklisted', '2026-06-01'), ev(1, 'warned', '2026-06-01')], 'blacklisted', 2],
    ['an ended later event leaves the earlier one', [ev(1, 'blacklisted', '2026-01-01'), ev(2, 'good', '2026-02-01', '2026-03-01')], 'blacklisted', 1],
  ]
  it.each(cases)('%s', (_name, events, status, eventId) => {
    expect(currentCreditStatus(events, TODAY)).toEqual({ status, eventId })
  })
})
