/**
 * Credit status (安全生产诚信, docs/domain.md Policy 二(八), docs/domain.md §7): which of an
 * enterprise's credit events sets its status on a given day. Pure: the enforcement module reads the
 * events and stores the result.
 */
import type { CreditStatus } from './enforcement'

export interface CreditEvent {
  id: number
  status: CreditStatus
  /** `YYYY-MM-DD`, inclusive. */
  startsOn: string
  endsOn: string | null
}

/**
 * The credit status on `today`: that of the latest-starting event in force (started, not ended; the
 * later id wins a tie), so a later "good" event (信用修复) lifts an earlier blacklisting; good when none.
 */
export function currentCreditStatus(events: readonly CreditEvent[], today: string): { status: CreditStatus; eventId: number | null } {
  let best: CreditEvent | null = null
  for (const e of events) {
    if (e.startsOn > today || (e.endsOn !== null && e.endsOn < today)) continue
    if (!best || e.startsOn > best.startsOn || (e.startsOn === best.startsOn && e.id > best.id)) best = e
  }
  return best ? { status: best.status, eventId: best.id } : { status: 'good', eventId: null }
}
