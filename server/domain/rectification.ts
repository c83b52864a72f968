/**
 * The closed loop of rectification (整改闭环, docs/domain.md Policy 二(五), docs/domain.md §7), shared by hidden dangers and
 * violations: open → rectified → verified, or rectified → open again when verification fails.
 * Pure: callers lock the record, ask for the step and store the result.
 */
import { AppError, invalid } from './errors'

export type RectificationStatus = 'open' | 'rectified' | 'verified'
export type RectificationAction = 'rectify' | 'verify' | 'reopen'

export const RECTIFICATION_STATUSES: readonly RectificationStatus[] = ['open', 'rectified', 'verified']
export const RECTIFICATION_ACTIONS: readonly RectificationAction[] = ['rectify', 'verify', 'reopen']

/** One step of the loop: the only state it starts from, where it leads, and its past-tense name (audit action, cause). */
export interface RectificationStep {
  from: RectificationStatus
  to: RectificationStatus
  done: 'rectified' | 'verified' | 'reopened'
}

export const RECTIFICATION_STEPS: Readonly<Record<RectificationAction, RectificationStep>> = Object.freeze({
  rectify: { from: 'open', to: 'rectified', done: 'rectified' },
  verify: { from: 'rectified', to: 'verified', done: 'verified' },
  reopen: { from: 'rectified', to: 'open', done: 'reopened' },
})

export type RectificationOutcome =
  | ({ ok: true; action: RectificationAction } & RectificationStep)
  | {
      ok: false
      action: RectificationAction
      /** The state the record is in, which does not allow the action. */
      current: RectificationStatus
      /** The state the action needs. */
      required: RectificationStatus
      done: RectificationStep['done']
    }

/** The next state for `action` from `current`, or a refusal naming the current state. */
export function rectificationStep(current: RectificationStatus, action: RectificationAction): RectificationOutcome {
  const step = RECTIFICATION_STEPS[action]
  if (!step) throw invalid('action', `must be one of ${RECTIFICATION_ACTIONS.join(', ')}`)
  if (!RECTIFICATION_STATUSES.includes(current)) throw invalid('status', `must be one of ${RECTIFICATION_STATUSES.join(', ')}`)
  if (current !== step.from) return { ok: false, action, current, required: step.from, done: step.done }
  return { ok: true, action, ...step }
}

/**
 * The sentence a refusal is reported with, e.g. `violation 12 is open; only a rectified violation can
 * be verified`. `noun` names the kind of record (`hidden danger`, `violation`).
 */
export function refusalMessage(
  noun: string,
  id: number | string,
  refusal: { current: RectificationStatus; required: RectificationStatus; done: string },
): string {
  const article = /^[aeiou]/.test(refusal.required) ? 'an' : 'a'
  return `${noun} ${id} is ${refusal.current}; only ${article} ${refusal.required} ${noun} can be ${refusal.done}`
}

/** Names compared for "a different person" on rows from before accounts (no user id): trimmed and case-insensitive. */
export function samePerson(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase()
}

/** An account as the separation of duties sees it: its user id and its display name. */
export interface Actor {
  id: number
  name: string
}

/** Who reported and who rectified a finding: accounts (null on rows from before accounts, which keep the name only). */
export interface FindingDuties {
  reportedBy: string
  reportedByUserId: number | null
  rectifiedByUserId: number | null
}

/**
 * Separation of duties (docs/security.md "Duties"): a rectification is verified by an account other
 * than the one that reported the finding and the one that recorded its rectification, compared by
 * user id. A row reported before accounts were recorded has only the reporter's name: it is compared
 * with the verifier's name. Refused with 403 `separation_of_duties`.
 */
export function checkVerifier(noun: string, finding: FindingDuties, verifier: Actor): void {
  const reporter = finding.reportedByUserId !== null ? finding.reportedByUserId === verifier.id : samePerson(finding.reportedBy, verifier.name)
  const duty = reporter ? 'reported' : finding.rectifiedByUserId !== null && finding.rectifiedByUserId === verifier.id ? 'rectified' : null
  if (duty) {
    const message = `you ${duty} this ${noun}: it is verified by another account`
    throw new AppError(403, 'separation_of_duties', message, [{ field: 'verifiedBy', message, userId: verifier.id }])
  }
}

/** Overdue: still open after its deadline (dates `YYYY-MM-DD`, compared as strings). A rectified one awaiting verification is not. */
export function isOverdue(finding: { status: RectificationStatus; deadline: string }, today: string): boolean {
  return finding.status === 'open' && finding.deadline < today
}
