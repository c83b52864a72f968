import type { Knex } from 'knex'
import { recordAudit } from '../modules/audit/audit'
import { getPublication, insertPublication } from '../modules/publication/repository'

/**
 * The demo's first publication, approved by the demo admin, so the public portal shows a map on the
 * first start (a real deployment publishes when a planner approves one).
 */
export async function publishDemo(db: Knex, options: { approverUsername: string; resolution: number; ruleVersion: string }): Promise<number | null> {
  const approver = await db('app_user').where({ username: options.approverUsername }).first('id')
  if (!approver || (await db('publication').first('id'))) return null
  return db.transaction(async (trx) => {
    const id = await insertPublication(trx, {
      approvedBy: approver.id,
      note: '示例数据首次发布 (demo data, first publication)',
      resolution: options.resolution,
      ruleVersion: options.ruleVersion,
    })
    await recordAudit(trx, {
      action: 'created',
      entity: 'publication',
      entityId: id,
      before: null,
      after: await getPublication(trx, id),
      username: options.approverUsername,
    })
    return id
  })
}
