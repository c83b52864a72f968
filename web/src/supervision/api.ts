import { getJson, sendJson } from '../api/client'
import type { Specialty } from '../api/departments'

export { fetchDepartments, type Department, type Specialty } from '../api/departments'

// Typed calls of the supervision page: the coverage report (server/modules/supervision/coverage.ts),
// departments (departments.ts) and double-random plans (server/modules/enforcement/plans.ts).

export const COVERAGE_GAP_KINDS = ['industry_department', 'specialist_department', 'responsible_person', 'tier'] as const
export type CoverageGapKind = (typeof COVERAGE_GAP_KINDS)[number]
export type PlanStatus = 'draft' | 'published' | 'results_published'
export type Tier = 'city' | 'county' | 'township'

export interface CoverageGap {
  kind: CoverageGapKind
  specialty?: Specialty
  message: string
}

export type GapCounts = Record<CoverageGapKind, number>

export interface CoverageDivision {
  code: string
  name: string | null
  enterprises: number
  withGaps: number
  gaps: GapCounts
}

export interface CoverageItem {
  id: number
  name: string
  uscc: string | null
  externalId: string | null
  divisionCode: string
  countyCode: string
  industry: string | null
  tier: Tier | null
  gaps: CoverageGap[]
}

export interface CoverageReport {
  division: string | null
  enterprises: number
  excluded: number
  withGaps: number
  byGap: GapCounts
  byDivision: CoverageDivision[]
  total: number
  limit: number
  offset: number
  items: CoverageItem[]
}

export interface CoverageQuery {
  division?: string
  gap?: CoverageGapKind
  limit: number
  offset: number
}

export function fetchCoverage(query: CoverageQuery, signal?: AbortSignal): Promise<CoverageReport> {
  return getJson<CoverageReport>('/api/supervision/coverage', { ...query }, signal)
}

export interface Plan {
  id: number
  departmentId: number
  departmentName: string
  divisionPrefix: string
  periodStart: string
  periodEnd: string
  seed: string
  status: PlanStatus
  createdBy: string
  createdByUserId: number | null
  publishedByUserId: number | null
  seedSource: 'generated' | 'replayed'
  counts: { enterprises: number; inspections: number; recorded: number; pending: number }
}

export interface PlanInspection {
  id: number
  enterpriseId: number
  enterpriseName: string
  divisionCode: string
  plannedFor: string | null
  inspectedAt: string | null
  result: string | null
  inspectors: Array<{ id: number; name: string }>
}

export interface PlanWithInspections extends Plan {
  inspections: PlanInspection[]
}

export interface PlanPage {
  total: number
  limit: number
  offset: number
  items: Plan[]
}

export function fetchPlans(page: { limit: number; offset: number }, signal?: AbortSignal): Promise<PlanPage> {
  return getJson<PlanPage>('/api/inspection-plans', page, signal)
}

export function fetchPlan(id: number, signal?: AbortSignal): Promise<PlanWithInspections> {
  return getJson<PlanWithInspections>(`/api/inspection-plans/${encodeURIComponent(String(id))}`, {}, signal)
}

/** What POST /api/inspection-plans takes. */
export interface PlanRequest {
  departmentId: number
  divisionPrefix: string
  periodStart: string
  periodEnd: string
  seed?: string
}

export function createPlan(body: PlanRequest): Promise<PlanWithInspections> {
  return sendJson<PlanWithInspections>('POST', '/api/inspection-plans', body)
}

/**
 * The division-code prefix a department's division covers (as the server's jurisdictionPrefix):
 * 210100 (the city) → 2101, a county (210106) → itself.
 */
export function jurisdictionPrefix(divisionCode: string): string {
  if (divisionCode.length === 6 && divisionCode.endsWith('0000')) return divisionCode.slice(0, 2)
  if (divisionCode.length === 6 && divisionCode.endsWith('00')) return divisionCode.slice(0, 4)
  return divisionCode
}
