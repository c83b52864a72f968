/**
 * Violations (违法行为, docs/domain.md §7) and their rectification loop — the same state machine as
 * hidden dangers (domain/rectification.ts). Violations do not grade risk, but open ones past their
 * deadline are on the overdue map layer, so every write bumps the tile data version. The SQL is in
 * violation-repository.ts.
 */
import type { Knex } from 'knex'
import { conflict, invalid } from '../../errors'
import { checkVerifier, rectificationStep, refusalMessage } from '../../domain/rectification'
import { bumpDataVersion } from '../../grading/repository'
import { recordAudit } from '../audit/audit'
import type { SessionActor } from '../../http/actor'
import { checkDateOrder } from '../../http/validation'
import { lockRow } from '../../db/db'
import { inspectionEnterprise } from './repository'
import { enterpriseRef } from './shared'
import { insertViolationRow, loadViolation, writeViolationStep, type ViolationStepColumns } from './violation-repository'
import type { ViolationBody, ViolationRecord, ViolationStep } from './schemas'

/**
 * Validates and stores a violation, audits it and bumps the tile data version, in the caller's
 * transaction; `actor` (the session's account) is its reporter. `fieldPrefix` names fields inside a larger
 * body (e.g. `violations[0].`).
 */
export async function insertViolation(trx: Knex.Transaction, body: ViolationBody, actor: SessionActor, fieldPrefix = ''): Promise<ViolationRecord> {
  checkDateOrder({ field: `${fieldPrefix}foundAt`, value: body.foundAt }, { field: `${fieldPrefix}deadline`, value: body.deadline })
  await enterpriseRef(trx, body.enterpriseId)
  if (body.inspectionId !== undefined && body.inspectionId !== null) {
    const inspectionEnterpriseId = await inspectionEnterprise(trx, body.inspectionId)
    if (inspectionEnterpriseId === undefined) throw invalid('inspectionId', `no inspection with id ${body.inspectionId}`)
    if (inspectionEnterpriseId !== body.enterpriseId) {
      throw invalid('inspectionId', `inspection ${body.inspectionId} is of enterprise ${inspectionEnterpriseId}, not ${body.enterpriseId}`)
    }
  }
  const id = await insertViolationRow(trx, {
    enterpriseId: body.enterpriseId,
    inspectionId: body.inspectionId ?? null,
    description: body.description.trim(),
    legalBasis: body.legalBasis?.trim() || null,
    foundAt: body.foundAt,
    deadline: body.deadline,
    reportedBy: actor.name,
    reportedByUserId: actor.id,
  })
  const after = (await loadViolation(trx, id))!
  await recordAudit(trx, { action: 'created', entity: 'violation', entityId: after.id, before: null, after, username: actor.username })
  await bumpDataVersion(trx)
  return after
}

/**
 * What a step stores for a violation and what its audit row adds (the rectification, who reopened
 * it and why: the violation has no columns for them). Verifying checks the separation of duties first.
 */
function stepWrite(step: ViolationStep, record: ViolationRecord, actor: SessionActor): { columns: ViolationStepColumns; auditNote: object } {
  switch (step.action) {
    case 'rectify':
      return {
        columns: { step: 'rectified', byUserId: actor.id },
        auditNote: { rectifiedBy: actor.name, rectification: step.body.rectification.trim() },
      }
    case 'verify':
      checkVerifier('violation', record, actor)
      return { columns: { step: 'verified', by: actor.name, byUserId: actor.id }, auditNote: {} }
    case 'reopen':
      return {
        columns: { step: 'reopened' },
        auditNote: { reopenedBy: actor.name, reopenedByUserId: actor.id, reopenReason: step.body.reason.trim() },
      }
  }
}

/**
 * Takes a violation one step along its rectification loop in the caller's transaction: 404 when it
 * is missing, 409 naming its status when the step is not allowed from it; audited, and the tile data
 * version bumped.
 */
export async function stepViolation(trx: Knex.Transaction, id: number, step: ViolationStep, actor: SessionActor): Promise<ViolationRecord> {
  await lockRow(trx, 'violation', id)
  const before = (await loadViolation(trx, id))!
  const outcome = rectificationStep(before.status, step.action)
  if (!outcome.ok) {
    const message = refusalMessage('violation', id, outcome)
    throw conflict(message, [{ field: 'status', message, current: outcome.current }])
  }
  const { columns, auditNote } = stepWrite(step, before, actor)
  await writeViolationStep(trx, id, outcome.to, columns)
  const after = (await loadViolation(trx, id))!
  await recordAudit(trx, {
    action: outcome.done,
    entity: 'violation',
    entityId: id,
    before,
    after: { ...after, ...auditNote },
    username: actor.username,
  })
  await bumpDataVersion(trx)
  return after
}
