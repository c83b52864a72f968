/**
 * Administrative penalties (行政处罚, docs/domain.md §7, docs/domain.md Policy 二(八)): the checks of a
 * new decision (its enterprise, the violation it penalises, a unique decision number) and publishing
 * one, each audited in the caller's transaction. The SQL is in penalty-repository.ts.
 */
import type { Knex } from 'knex'
import { conflict, invalid } from '../../errors'
import { recordAudit } from '../audit/audit'
import { lockRow } from '../../db/db'
import { enterpriseRef } from './shared'
import { insertPenalty, loadPenalty, penaltyWithDecisionNo, setPenaltyPublished } from './penalty-repository'
import { violationFinding } from './violation-repository'
import type { PenaltyBody, PenaltyRecord } from './schemas'

/** Records a penalty decision; 400 naming the field for a missing enterprise or violation, 409 naming decisionNo for a number already used. */
export async function recordPenalty(trx: Knex.Transaction, body: PenaltyBody, username: string | null): Promise<PenaltyRecord> {
  await enterpriseRef(trx, body.enterpriseId)
  if (body.violationId !== undefined && body.violationId !== null) {
    const violation = await violationFinding(trx, body.violationId)
    if (!violation) throw invalid('violationId', `no violation with id ${body.violationId}`)
    if (violation.enterpriseId !== body.enterpriseId) {
      throw invalid('violationId', `violation ${body.violationId} is of enterprise ${violation.enterpriseId}, not ${body.enterpriseId}`)
    }
    if (body.decidedAt < violation.foundAt)
      throw invalid('decidedAt', `${body.decidedAt} is before violation ${body.violationId} was found (${violation.foundAt})`)
  }
  const decisionNo = body.decisionNo.trim()
  const twin = await penaltyWithDecisionNo(trx, decisionNo)
  if (twin !== undefined) {
    const message = `decision number ${decisionNo} is already penalty ${twin}'s`
    throw conflict(message, [{ field: 'decisionNo', message, existingId: twin }])
  }
  const id = await insertPenalty(trx, {
    enterpriseId: body.enterpriseId,
    violationId: body.violationId ?? null,
    decisionNo,
    amountYuan: body.amountYuan,
    decidedAt: body.decidedAt,
    description: body.description?.trim() || null,
    published: body.published,
  })
  const after = (await loadPenalty(trx, id))!
  await recordAudit(trx, { action: 'created', entity: 'penalty', entityId: after.id, before: null, after, username })
  return after
}

/** Publishes a penalty decision (公开); 404 when missing, 409 when it is already published. */
export async function publishPenalty(trx: Knex.Transaction, id: number, username: string | null): Promise<PenaltyRecord> {
  await lockRow(trx, 'penalty', id)
  const before = (await loadPenalty(trx, id))!
  if (before.published) {
    const message = `penalty ${id} is already published`
    throw conflict(message, [{ field: 'published', message, current: 'published' }])
  }
  await setPenaltyPublished(trx, id)
  const after = (await loadPenalty(trx, id))!
  await recordAudit(trx, { action: 'published', entity: 'penalty', entityId: id, before, after, username })
  return after
}
