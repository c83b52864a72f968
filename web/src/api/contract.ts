// The one place the web takes the server's response types from (docs/architecture.md, "One typed
// contract"). Types are imported type-only: erased at build, so the page bundles no server code, and a
// change of a server response schema fails the web's type check instead of drifting from a copy. Each
// type is FromSchema of the route's response schema (SchemaType in server/http/schemas.ts), exported
// next to that schema. Shared vocabularies (levels, kinds, statuses) come from server/domain, pure
// modules the page may bundle as values.
import type { CellDetail, ChangesResponse, RegionDetail } from '../../../server/modules/cells/routes'
import type { DivisionCollection } from '../../../server/modules/divisions/routes'
import type { EnterpriseCollection, EnterpriseFeature } from '../../../server/modules/enterprises/routes'
import type { EnforcementHistory } from '../../../server/modules/enforcement/history'
import type { IncidentContext } from '../../../server/modules/incident/routes'
import type { PublicDivisionCollection } from '../../../server/modules/public/schemas'
import type { NearestResponse, ResourceFeature, ResourceVocabulary } from '../../../server/modules/resources/schemas'
import type { SafetyRiskResponse } from '../../../server/modules/sources/safety-risks'
import type { EnterpriseSupervision } from '../../../server/modules/supervision/schemas'

export type { CellRule, CellSourceKind as SourceKind } from '../../../server/domain/cell-level'
export type { Crs } from '../../../server/domain/coords'
export type { ChartSourceKind } from '../../../server/domain/charts'
export type { ErrorDetail } from '../../../server/domain/errors'
export type { DivisionRank } from '../../../server/domain/division-register'
export type { Level } from '../../../server/domain/levels'
export type { ResourceKind, ResourceStatus } from '../../../server/domain/resources'
export type { ResourceFeature, ResourceVocabulary } from '../../../server/modules/resources/schemas'
export type { ApiErrorBody } from '../../../server/http/schemas'
export type { CellDetail, ChangesResponse, RegionDetail } from '../../../server/modules/cells/routes'
export type { DivisionCollection } from '../../../server/modules/divisions/routes'
export type { EnforcementHistory } from '../../../server/modules/enforcement/history'
export type { EnterpriseCollection, EnterpriseFeature } from '../../../server/modules/enterprises/routes'
export type { Health } from '../../../server/modules/health/routes'
export type { IncidentContext } from '../../../server/modules/incident/routes'
export type { CoverageGapCollection, NearestResponse } from '../../../server/modules/resources/schemas'
export type { IsochroneCollection } from '../../../server/modules/roads/schemas'
export type { HiddenDangerResponse as HiddenDangerRecord } from '../../../server/modules/sources'
export type { AreaAssessmentResponse as AreaAssessmentRecord } from '../../../server/modules/sources/area-assessments'
export type { MajorHazardResponse as MajorHazardRecord } from '../../../server/modules/sources/major-hazards'
export type { SafetyRiskResponse as SafetyRiskRecord } from '../../../server/modules/sources/safety-risks'
export type {
  CoverageGap,
  CoverageItem,
  CoverageQuery,
  CoverageReport,
  DataGap,
  Department,
  DepartmentList,
  EnterpriseSupervision,
  QualityReport,
} from '../../../server/modules/supervision/schemas'
export type { Plan, PlanInspection, PlanPage, PlanRequest, PlanWithInspections } from '../../../server/modules/enforcement/schemas'
export type { SupervisionTier } from '../../../server/domain/tier'
export type {
  LevelCounts,
  PlaceReading,
  PublicDivisionCollection,
  PublicPenalty,
  PublicPenaltyPage,
  PublicPublication,
  PublicPublicationResponse,
  PublicRegion,
  PublicRegions,
  ShelterCollection,
} from '../../../server/modules/public/schemas'
export type {
  DiffCell,
  Draft,
  DraftPage,
  DraftPreview,
  Publication,
  PublicationChanges,
  PublicationDiff,
  PublicationPage,
} from '../../../server/modules/publication/schemas'
export type { RegionReport } from '../../../server/modules/region-report/schemas'
export type { CellsAsOf, HistoryDiff, RegionsAsOf } from '../../../server/modules/history/routes'
export type { DepartmentsAnswer, DistrictsAnswer, HistoryAnswer, SourcesAnswer } from '../../../server/modules/charts/routes'
export type { RankingMove, ScenarioRanking } from '../../../server/modules/ranking/service'
export type { RankedArea, Ranking, RankingMapCollection } from '../../../server/modules/ranking/schemas'
export type { ScenarioResult } from '../../../server/modules/scenarios/service'
export type { AuditPage, AuditQuery } from '../../../server/modules/audit/routes'
export type { CreatedUser, NewUser, SessionInfo, UserChange, UserRecord } from '../../../server/modules/auth/schemas'
export type { ApiToken, CreatedToken, NewTokenInput } from '../../../server/modules/auth/token-routes'
export type {
  CreatedReport,
  PublicReportInput,
  PublicReportStatus,
  ReportCategories,
  ReportChangeInput,
  ReportListQuery,
  ReportPage,
  StaffReport,
} from '../../../server/modules/reports/schemas'

// Values shared with the server: pure server/domain modules, bundled into the page.
export { CHART_SOURCE_KINDS } from '../../../server/domain/charts'
export { REPORT_STATUSES, REPORT_TRANSITIONS, type ReportSource, type ReportStatus } from '../../../server/domain/reports'
export { ROLES, type Role } from '../../../server/domain/roles'
export { CAPABILITIES } from '../../../server/domain/resources'
export {
  COVERAGE_GAP_KINDS,
  DATA_GAP_KINDS,
  jurisdictionPrefix,
  type CoverageGapKind,
  type DataGapKind,
  type Specialty,
} from '../../../server/domain/supervision'
export type { PlanStatus } from '../../../server/domain/enforcement'
export {
  SCENARIO_CHANGE_KINDS,
  SCENARIO_RESOURCE_KINDS,
  SCENARIO_ROLES,
  type ScenarioChange,
  type ScenarioChangeKind,
  type ScenarioResourceKind,
} from '../../../server/domain/scenario'

/** Division polygons the basemap draws: the staff endpoint's or the public one's. */
export type BasemapDivisions = DivisionCollection | PublicDivisionCollection

/** The properties every division feature of either endpoint has. */
export type DivisionProperties = BasemapDivisions['features'][number]['properties']

/** Properties of an enterprise in `GET /api/enterprises`. */
export type EnterpriseSummary = EnterpriseCollection['features'][number]['properties']
/** Properties of one enterprise from `GET /api/enterprises/:id`. */
export type EnterpriseDetail = EnterpriseFeature['properties']

export type EnforcementInspection = EnforcementHistory['inspections'][number]
export type EnforcementViolation = EnforcementHistory['violations'][number]
export type EnforcementPenalty = EnforcementHistory['penalties'][number]
export type EnforcementCreditEvent = EnforcementHistory['creditEvents'][number]
export type SupervisionDepartment = EnterpriseSupervision['specialistDepartments'][number]

/** LEC / matrix / stated figures of a reported risk or an area assessment. */
export type MethodFigures = Pick<SafetyRiskResponse, 'method' | 'lec' | 'matrix' | 'stated' | 'score' | 'level'>

export type ResourceProperties = ResourceFeature['properties']

/** One entry of the resource vocabulary, with its Chinese and English labels. */
export type VocabularyEntry = ResourceVocabulary['kinds'][number]

/** One source influencing a cell. */
export type CellSource = CellDetail['sources'][number]
/** An enterprise located in a cell, with its enforcement state. */
export type CellEnterprise = CellDetail['enterprises'][number]
/** An available emergency resource near a cell. */
export type CellResource = CellDetail['resources'][number]
export type CellHistoryEntry = CellDetail['history'][number]
/** What caused a level change (a grading run, an edited record…). */
export type ChangeCause = CellHistoryEntry['cause']
/** A division a cell lies in. */
export type PlaceRef = NonNullable<CellDetail['place']['county']>

/** A source among those behind a region's level. */
export type RegionTopSource = RegionDetail['topSources'][number]

/** One cell whose level changed in a window. */
export type LevelChange = ChangesResponse['items'][number]

/** An item of `/api/resources/nearest` (kind-specific fields only when set). */
export type NearestResource = NearestResponse['items'][number]
/** A resource ranked by travel time: by=time sends each item's ETA, road distance, snap and route. */
export type TimedResource = NearestResource & Required<Pick<NearestResource, 'etaS' | 'roadDistanceM' | 'snap' | 'route'>>
/** `/api/resources/nearest?by=time`: the timed items, the unreachable ones and how they were routed. */
export type NearestByTimeResponse = Omit<NearestResponse, 'items'> & Required<Pick<NearestResponse, 'unreachable' | 'routing'>> & { items: TimedResource[] }

export type IncidentMajorHazard = IncidentContext['riskSources']['majorHazards'][number]
export type IncidentHiddenDanger = IncidentContext['riskSources']['hiddenDangers'][number]
export type IncidentAreaAssessment = IncidentContext['riskSources']['areaAssessments'][number]
export type IncidentShelter = IncidentContext['shelters'][number]
