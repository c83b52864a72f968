/**
 * Inspections (监督检查, docs/domain.md §7, docs/domain.md Policy 二(五)): recording one with what it
 * found, or the result of a planned one. Violations and hidden dangers found are recorded with the
 * inspection in its transaction; hidden dangers through the hidden-dangers module, so a major one
 * makes the enterprise red at once and its verified rectification lifts that at once. The SQL is in
 * repository.ts.
 */
import type { Knex } from 'knex'
import { AppError, conflict, invalid, notFound } from '../../errors'
import type { GradingOptions } from '../../grading/engine'
import { recordAudit } from '../audit/audit'
import { hiddenDangers, regradeAndAudit, type HiddenDangerRecord, type RegradeSummary } from '../sources'
import type { SessionActor } from '../../http/actor'
import { databaseToday, lockRow, type Db } from '../../db/db'
import { checkInspectors, enterpriseRef } from './shared'
import { insertInspection, loadInspection, recordInspectionOutcome } from './repository'
import { planDepartment } from './plan-repository'
import { insertViolation } from './violation-service'
import type { InspectionBody, InspectionOutcome, InspectionRecord, ViolationRecord } from './schemas'

/** An inspection with what was recorded with it: what recording one, or a planned one's result, sends. */
export interface RecordedInspection {
  inspection: InspectionRecord
  violations: ViolationRecord[]
  hiddenDangers: HiddenDangerRecord[]
  regrade: RegradeSummary | null
}

/** An inspection; 404 when there is none. */
export async function loadInspectionOr404(db: Db, id: number): Promise<InspectionRecord> {
  const found = await loadInspection(db, id)
  if (!found) throw notFound('inspection', id)
  return found
}

/** Re-reads a validation error of a nested write so its field is named from the request body, e.g. `hiddenDangers[0].lat`. */
async function withPrefix<T>(prefix: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err
    const [first] = err.details
    throw invalid(first?.field ? `${prefix}.${first.field}` : prefix, first?.message ?? err.message)
  }
}

/** Checks an outcome before anything is written: not in the future, deadlines after the inspection, a result that fits the findings. */
function checkOutcome(outcome: InspectionOutcome, today: string): void {
  if (outcome.inspectedAt > today) throw invalid('inspectedAt', `${outcome.inspectedAt} is in the future (today is ${today})`)
  for (const [list, name] of [
    [outcome.violations ?? [], 'violations'],
    [outcome.hiddenDangers ?? [], 'hiddenDangers'],
  ] as const) {
    list.forEach((found, i) => {
      if (found.deadline < outcome.inspectedAt) throw invalid(`${name}[${i}].deadline`, `${found.deadline} is before inspectedAt ${outcome.inspectedAt}`)
    })
  }
  const found = (outcome.violations?.length ?? 0) + (outcome.hiddenDangers?.length ?? 0)
  if (found > 0 && outcome.result !== 'violations_found') {
    throw invalid('result', `is ${outcome.result}, but ${found} violation(s) or hidden danger(s) are recorded with it: use violations_found`)
  }
}

/**
 * Stores what an inspection found, in its transaction: hidden dangers (stored, regraded and audited
 * by the hidden-dangers module) and violations (audited). The account recording the inspection is
 * their reporter (docs/security.md "Duties").
 */
async function recordFound(
  trx: Knex.Transaction,
  grading: GradingOptions,
  inspection: { id: number; enterpriseId: number; inspectedAt: string },
  outcome: InspectionOutcome,
  actor: SessionActor,
): Promise<Omit<RecordedInspection, 'inspection'>> {
  const dangers: HiddenDangerRecord[] = []
  const regrade: RegradeSummary = { affectedCells: 0, changedCells: 0 }
  for (const [i, h] of (outcome.hiddenDangers ?? []).entries()) {
    const id = await withPrefix(`hiddenDangers[${i}]`, () =>
      hiddenDangers.insert(
        trx,
        {
          enterpriseId: inspection.enterpriseId,
          inspectionId: inspection.id,
          description: h.description,
          isMajor: h.isMajor,
          foundAt: inspection.inspectedAt,
          deadline: h.deadline,
          lon: h.lon ?? null,
          lat: h.lat ?? null,
        },
        grading,
        actor,
      ),
    )
    const after = (await hiddenDangers.load(trx, id))!
    const summary = await regradeAndAudit(trx, grading, {
      kind: 'hidden_danger',
      id,
      action: 'created',
      before: null,
      after,
      scope: hiddenDangers.scope(after),
      username: actor.username,
    })
    regrade.affectedCells += summary.affectedCells
    regrade.changedCells += summary.changedCells
    dangers.push(after)
  }
  // Violations after hidden dangers: their tile-version bump must follow the grading lock, as in every regrade.
  const violations: ViolationRecord[] = []
  for (const [i, v] of (outcome.violations ?? []).entries()) {
    violations.push(
      await withPrefix(`violations[${i}]`, () =>
        insertViolation(
          trx,
          {
            enterpriseId: inspection.enterpriseId,
            inspectionId: inspection.id,
            description: v.description,
            legalBasis: v.legalBasis ?? null,
            foundAt: inspection.inspectedAt,
            deadline: v.deadline,
          },
          actor,
        ),
      ),
    )
  }
  return { violations, hiddenDangers: dangers, regrade: dangers.length > 0 ? regrade : null }
}

/**
 * Records a performed inspection with what it found, in the caller's transaction. Its inspectors
 * must be active and belong to the enterprise's industry or specialist departments or to the plan's
 * department (errors name inspectorIds[i]); audited.
 */
export async function recordInspection(trx: Knex.Transaction, body: InspectionBody, grading: GradingOptions, actor: SessionActor): Promise<RecordedInspection> {
  const enterprise = await enterpriseRef(trx, body.enterpriseId)
  const departments = [...enterprise.departmentIds]
  let whose = `enterprise ${enterprise.id}'s departments (${enterprise.departmentIds.join(', ') || 'none'})`
  if (body.planId !== undefined && body.planId !== null) {
    const plan = await planDepartment(trx, body.planId)
    if (!plan) throw invalid('planId', `no inspection plan with id ${body.planId}`)
    departments.push(plan.departmentId)
    whose += ` or plan ${plan.id}'s department (${plan.departmentId})`
  }
  const inspectors = await checkInspectors(trx, body.inspectorIds, departments, whose)
  checkOutcome(body, await databaseToday(trx))
  const id = await insertInspection(trx, {
    enterpriseId: enterprise.id,
    planId: body.planId ?? null,
    inspectedAt: body.inspectedAt,
    findings: body.findings?.trim() || null,
    result: body.result,
    inspectorIds: inspectors.map((p) => p.id),
  })
  await recordAudit(trx, {
    action: 'created',
    entity: 'inspection',
    entityId: id,
    before: null,
    after: await loadInspectionOr404(trx, id),
    username: actor.username,
  })
  const found = await recordFound(trx, grading, { id, enterpriseId: enterprise.id, inspectedAt: body.inspectedAt }, body, actor)
  return { inspection: await loadInspectionOr404(trx, id), ...found }
}

/**
 * Records the result of a planned inspection (its drawn inspectors stay) with what it found, in the
 * caller's transaction: 404 when missing, 409 when it is already recorded or has no inspectors; audited.
 */
export async function recordPlannedResult(
  trx: Knex.Transaction,
  id: number,
  body: InspectionOutcome,
  grading: GradingOptions,
  actor: SessionActor,
): Promise<RecordedInspection> {
  await lockRow(trx, 'inspection', id)
  const before = await loadInspectionOr404(trx, id)
  if (before.status === 'recorded') {
    const message = `inspection ${id} is already recorded (inspected ${before.inspectedAt}, result ${before.result})`
    throw conflict(message, [{ field: 'status', message, current: 'recorded' }])
  }
  checkOutcome(body, await databaseToday(trx))
  if (before.inspectors.length === 0) throw conflict(`inspection ${id} has no inspectors to record it`, [{ field: 'inspectorIds', message: 'none assigned' }])
  await recordInspectionOutcome(trx, id, { inspectedAt: body.inspectedAt, findings: body.findings?.trim() || null, result: body.result })
  await recordAudit(trx, {
    action: 'recorded',
    entity: 'inspection',
    entityId: id,
    before,
    after: await loadInspectionOr404(trx, id),
    username: actor.username,
  })
  const found = await recordFound(trx, grading, { id, enterpriseId: before.enterpriseId, inspectedAt: body.inspectedAt }, body, actor)
  return { inspection: await loadInspectionOr404(trx, id), ...found }
}
