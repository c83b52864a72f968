/**
 * The generation context shared by the generators: seed, scale, today, the layout and samplers,
 * the departments and rosters built so far, and the next id per table; plus the scale anchors.
 */
import { Random } from '../../domain/random'
import { type Layout } from './layout'
import { CellSampler, type ProfileName } from './places'
import {
  type CreditEventRow,
  type DemoTable,
  type DepartmentRow,
  type EnterpriseRow,
  type EnterpriseSpecialistDepartmentRow,
  type HiddenDangerRow,
  type InspectionInspectorRow,
  type InspectionPlanRow,
  type InspectionRow,
  type InspectorRow,
  type MajorHazardRow,
  type MajorHazardSubstanceRow,
  type PenaltyRow,
  type SafetyRiskRow,
  type ViolationRow,
} from './rows'

/** Enterprises generated (with all their records) per batch group; also bounds memory at large scales. */
export const ENTERPRISE_CHUNK = 2000

/**
 * Counts at scale 1 (the city) and at scale 60 (a province-sized benchmark, docs/domain.md §11); other
 * scales interpolate log-linearly: count(s) = c1 · s^p with p = ln(c60 / c1) / ln 60.
 * `enforcement` is inspections + violations + penalties + hidden dangers + credit events.
 */
export const SCALE_ANCHORS = {
  enterprise: [3000, 200_000],
  majorHazard: [250, 30_000],
  areaAssessment: [60, 20_000],
  resource: [400, 20_000],
  enforcement: [5000, 500_000],
} as const satisfies Record<string, readonly [number, number]>

export function scaledCount(anchor: readonly [number, number], scale: number): number {
  const [c1, c60] = anchor
  return Math.round(c1 * scale ** (Math.log(c60 / c1) / Math.log(60)))
}

/** How much more of a per-enterprise record there is per enterprise at this scale than at scale 1. */
export function perEnterpriseFactor(anchor: readonly [number, number], scale: number): number {
  const base = anchor[0] / SCALE_ANCHORS.enterprise[0]
  return scaledCount(anchor, scale) / Math.max(1, scaledCount(SCALE_ANCHORS.enterprise, scale)) / base
}
/** Inspection history window, days. */
export const HISTORY_DAYS = 730
export const DEMO_NOTE = '（示例）'
export const GENERATOR = 'demo-generator'

export interface Context {
  seed: string
  scale: number
  today: number
  layout: Layout
  samplers: Record<ProfileName, CellSampler>
  /** Urban density per lattice cell (profile weight), for resident population near installations. */
  urbanWeight: Float64Array
  /** `${division_code}:${department key}` → department. */
  departments: Map<string, DepartmentRow>
  roster: Map<number, InspectorRow[]>
  plans: Map<number, InspectionPlanRow[]>
  /** Next id per table. */
  nextId: Record<string, number>
  /** Penalty decision numbers per prefix and year. */
  decisionCounters: Map<string, number>
  /** Offset of the organisation-code permutation, from the seed. */
  orgCodeOffset: number
  /** Per-enterprise multipliers of major hazard installations and of inspections at this scale. */
  majorHazardFactor: number
  enforcementFactor: number
}

export function takeId(ctx: Context, table: DemoTable): number {
  const id = ctx.nextId[table] ?? 1
  ctx.nextId[table] = id + 1
  return id
}

export interface ChunkRows {
  enterprise: EnterpriseRow[]
  enterprise_specialist_department: EnterpriseSpecialistDepartmentRow[]
  major_hazard: MajorHazardRow[]
  major_hazard_substance: MajorHazardSubstanceRow[]
  safety_risk: SafetyRiskRow[]
  inspection: InspectionRow[]
  inspection_inspector: InspectionInspectorRow[]
  hidden_danger: HiddenDangerRow[]
  violation: ViolationRow[]
  penalty: PenaltyRow[]
  credit_event: CreditEventRow[]
}

export const CHUNK_TABLES = [
  'enterprise',
  'enterprise_specialist_department',
  'major_hazard',
  'major_hazard_substance',
  'safety_risk',
  'inspection',
  'inspection_inspector',
  'hidden_danger',
  'violation',
  'penalty',
  'credit_event',
] as const satisfies ReadonlyArray<keyof ChunkRows>

export function poisson(rng: Random, mean: number): number {
  const limit = Math.exp(-mean)
  let k = 0
  let p = rng.next()
  while (p > limit) {
    k++
    p *= rng.next()
  }
  return k
}
