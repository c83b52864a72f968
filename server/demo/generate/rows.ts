/**
 * The demo set's row types, one per table, and the tables in foreign-key-safe insert order.
 */
import type { MultiLineString, MultiPolygon, Point } from 'geojson'
import { type EnterpriseLevelReason } from '../../domain/enterprise-level'
import type { Level } from '../../domain/levels'
import { type Affiliation, type EnterpriseScale } from '../../domain/tier'
import type { Specialty } from '../../domain/supervision'

export interface DemoOptions {
  /** Seed of every random choice; the same seed, scale and `today` give identical rows. Default 'riskmap-demo'. */
  seed?: string
  /** Multiplies every count that is not geography: 1 ≈ the city (≈ 3 000 enterprises), 60 ≈ a province. */
  scale?: number
  /** The day the data is "as of" (UTC date); deadlines, staleness and history are relative to it. Default: now. */
  today?: Date
}

/** Tables in foreign-key-safe insert order. */
export const DEMO_TABLES = [
  'division',
  'mgmt_grid',
  'department',
  'inspector',
  'inspection_plan',
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
  'area_assessment',
  'resource',
] as const

export type DemoTable = (typeof DEMO_TABLES)[number]

/** Date columns are 'YYYY-MM-DD'; timestamptz columns are ISO 8601 strings in UTC. */
export type DateString = string
export type Timestamp = string

export interface DivisionRow {
  code: string
  name: string
  name_en: string
  rank: 'city' | 'county' | 'township'
  parent_code: string | null
  synthetic: boolean
  geom: MultiPolygon
}

export interface MgmtGridRow {
  id: number
  code: string
  name: string
  division_code: string
  geom: MultiPolygon
}

export interface DepartmentRow {
  id: number
  name: string
  kind: 'industry' | 'specialist'
  division_code: string
  industries: string[]
  /** A specialist department's field (domain/supervision.ts SPECIALTIES); null for an industry one. */
  specialty: Specialty | null
}

export interface InspectorRow {
  id: number
  department_id: number
  name: string
  badge_no: string
  active: boolean
}

export interface InspectionPlanRow {
  id: number
  department_id: number
  division_prefix: string
  period_start: DateString
  period_end: DateString
  seed: string
  rule_version: string
  published_at: Timestamp | null
  results_published_at: Timestamp | null
  created_by: string
}

export interface EnterpriseRow {
  id: number
  uscc: string
  name: string
  industry: string
  high_hazard: boolean
  scale: EnterpriseScale
  affiliation: Affiliation
  central_vertical: boolean
  is_outlet: boolean
  tier: 'city' | 'county' | 'township' | null
  tier_source: 'rule'
  tier_reason: string
  /** The 9-digit township that contains the point. */
  division_code: string
  mgmt_grid_id: number | null
  address: string
  industry_department_id: number | null
  responsible_person: string | null
  responsible_phone: string | null
  credit_status: 'good' | 'warned' | 'blacklisted'
  last_reported_at: DateString | null
  report_due_at: DateString | null
  level: Level
  inherent_level: Level
  level_reason: EnterpriseLevelReason
  impact_radius_m: number | null
  synthetic: boolean
  geom: Point
}

export interface EnterpriseSpecialistDepartmentRow {
  enterprise_id: number
  department_id: number
}

export interface MajorHazardRow {
  id: number
  enterprise_id: number
  name: string
  population_500m: number
  reported_r: number | null
  reported_grade: number | null
  s: number
  r: number
  alpha: number
  grade: number
  level: number
  grade_mismatch: string | null
  impact_radius_m: number | null
  reported_at: DateString
  valid_until: DateString
  rule_version: string
  geom: Point
}

export interface MajorHazardSubstanceRow {
  id: number
  major_hazard_id: number
  name: string
  cas: string | null
  hazard_class: string | null
  q_t: number
  critical_q_t: number
  beta: number
}

export interface AssessmentColumns {
  method: 'lec' | 'matrix' | 'stated'
  lec_l: number | null
  lec_e: number | null
  lec_c: number | null
  matrix_l: number | null
  matrix_s: number | null
  stated_method: string | null
  score: number | null
  level: number
}

export interface SafetyRiskRow extends AssessmentColumns {
  id: number
  enterprise_id: number
  name: string
  description: string
  impact_radius_m: number | null
  assessed_at: DateString
  valid_until: DateString
  rule_version: string
  geom: Point
}

export interface InspectionRow {
  id: number
  enterprise_id: number
  plan_id: number | null
  planned_for: DateString | null
  inspected_at: DateString | null
  findings: string | null
  result: 'compliant' | 'violations_found' | 'not_found' | 'closed' | null
}

export interface InspectionInspectorRow {
  inspection_id: number
  inspector_id: number
}

export interface HiddenDangerRow {
  id: number
  enterprise_id: number
  inspection_id: number | null
  description: string
  is_major: boolean
  found_at: DateString
  deadline: DateString
  status: 'open' | 'rectified' | 'verified'
  reported_by: string
  rectified_at: Timestamp | null
  rectified_by: string | null
  rectification: string | null
  verified_at: Timestamp | null
  verified_by: string | null
  geom: Point
}

export interface ViolationRow {
  id: number
  enterprise_id: number
  inspection_id: number | null
  description: string
  legal_basis: string
  found_at: DateString
  deadline: DateString
  status: 'open' | 'rectified' | 'verified'
  reported_by: string
  rectified_at: Timestamp | null
  verified_at: Timestamp | null
  verified_by: string | null
}

export interface PenaltyRow {
  id: number
  enterprise_id: number
  violation_id: number | null
  decision_no: string
  amount_yuan: number
  decided_at: DateString
  description: string
  published: boolean
}

export interface CreditEventRow {
  id: number
  enterprise_id: number
  status: 'good' | 'warned' | 'blacklisted'
  reason: string
  starts_on: DateString
  ends_on: DateString | null
}

export interface AreaAssessmentRow extends AssessmentColumns {
  id: number
  name: string
  area_kind: 'area' | 'corridor'
  assessor: string
  assessed_at: DateString
  valid_until: DateString
  rule_version: string
  division_code: string | null
  source_line: MultiLineString | null
  buffer_m: number | null
  geom: MultiPolygon
}

export interface DepotItem {
  item: string
  quantity: number
  unit: string
}

export interface ResourceRow {
  id: number
  kind: 'rescue_team' | 'equipment' | 'depot' | 'shelter' | 'expert'
  name: string
  organisation: string
  duty_phone: string
  contact: string
  status: 'available' | 'deployed' | 'out_of_service'
  status_updated_at: Timestamp
  capabilities: string[]
  team_type: string | null
  headcount: number | null
  equipment_type: string | null
  quantity: number | null
  items: DepotItem[]
  capacity: number | null
  expert_field: string | null
  division_code: string
  synthetic: boolean
  geom: Point
}

export interface DemoRows {
  division: DivisionRow
  mgmt_grid: MgmtGridRow
  department: DepartmentRow
  inspector: InspectorRow
  inspection_plan: InspectionPlanRow
  enterprise: EnterpriseRow
  enterprise_specialist_department: EnterpriseSpecialistDepartmentRow
  major_hazard: MajorHazardRow
  major_hazard_substance: MajorHazardSubstanceRow
  safety_risk: SafetyRiskRow
  inspection: InspectionRow
  inspection_inspector: InspectionInspectorRow
  hidden_danger: HiddenDangerRow
  violation: ViolationRow
  penalty: PenaltyRow
  credit_event: CreditEventRow
  area_assessment: AreaAssessmentRow
  resource: ResourceRow
}

/** Every table's rows, keys in `DEMO_TABLES` order. */
export type DemoTables = { [T in DemoTable]: Array<DemoRows[T]> }

/** One batch of rows of one table; batches come in an order that satisfies every foreign key. */
export type DemoBatch = { [T in DemoTable]: { table: T; rows: Array<DemoRows[T]> } }[DemoTable]
