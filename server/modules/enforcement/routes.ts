import type { FastifyInstance } from 'fastify'
import { creditRoutes } from './credit'
import { historyRoutes } from './history'
import { inspectionRoutes } from './inspections'
import { penaltyRoutes } from './penalties'
import { planRoutes } from './plans'
import { violationRoutes } from './violations'

/**
 * Enforcement (docs/domain.md §5, §7, docs/domain.md Policy 二(五)(八)): double-random plans, inspections, violations and their
 * rectification, penalties, credit status, overdue rectifications and each enterprise's history.
 * Every write is one transaction with its audit rows.
 */
export default async function enforcementRoutes(app: FastifyInstance): Promise<void> {
  await planRoutes(app)
  await inspectionRoutes(app)
  await violationRoutes(app)
  await penaltyRoutes(app)
  await creditRoutes(app)
  await historyRoutes(app)
}
