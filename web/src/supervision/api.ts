import { getJson, sendJson } from '../api/client'
import type { CoverageReport, CoverageQuery, PlanPage, PlanRequest, PlanWithInspections } from '../api/contract'

export { fetchDepartments, type Department, type Specialty } from '../api/departments'

// Typed calls of the supervision page: the coverage report (server/modules/supervision/coverage.ts),
// departments (departments.ts) and double-random plans (server/modules/enforcement/plans.ts). The
// types and vocabularies are the server's, through web/src/api/contract.ts.

export { COVERAGE_GAP_KINDS, jurisdictionPrefix, type CoverageGapKind, type PlanStatus, type SupervisionTier as Tier } from '../api/contract'
export type {
  CoverageGap,
  CoverageItem,
  CoverageQuery,
  CoverageReport,
  Plan,
  PlanInspection,
  PlanPage,
  PlanRequest,
  PlanWithInspections,
} from '../api/contract'

export type CoverageDivision = CoverageReport['byDivision'][number]
export type GapCounts = CoverageReport['byGap']

export function fetchCoverage(query: CoverageQuery, signal?: AbortSignal): Promise<CoverageReport> {
  return getJson<CoverageReport>('/api/supervision/coverage', { ...query }, signal)
}

export function fetchPlans(page: { limit: number; offset: number }, signal?: AbortSignal): Promise<PlanPage> {
  return getJson<PlanPage>('/api/inspection-plans', page, signal)
}

export function fetchPlan(id: number, signal?: AbortSignal): Promise<PlanWithInspections> {
  return getJson<PlanWithInspections>(`/api/inspection-plans/${encodeURIComponent(String(id))}`, {}, signal)
}

export function createPlan(body: PlanRequest): Promise<PlanWithInspections> {
  return sendJson<PlanWithInspections>('POST', '/api/inspection-plans', body)
}
