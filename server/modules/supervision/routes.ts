import type { FastifyInstance } from 'fastify'
import { coverageRoutes } from './coverage'
import { dataQualityRoutes } from './data-quality'
import { departmentRoutes } from './departments'
import { tierRoutes } from './tiers'

/**
 * Supervision (docs/domain.md §5, docs/domain.md Policy 二(一)(二)): supervising departments and their rosters, each
 * enterprise's tier, departments and responsible person, and the coverage report. Every write
 * is one transaction with its audit row.
 */
export default async function supervisionRoutes(app: FastifyInstance): Promise<void> {
  await departmentRoutes(app)
  await tierRoutes(app)
  await coverageRoutes(app)
  await dataQualityRoutes(app)
}
