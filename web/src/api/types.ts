import type { Feature, FeatureCollection, Geometry, MultiPolygon, Point, Polygon } from 'geojson'
import type { Level, ResourceKind, ResourceStatus } from './contract'

/** Properties of an enterprise in `GET /api/enterprises`. */
export interface EnterpriseSummary {
  id: number
  /** Unified social credit code (GB 32100-2015), 18 characters; null for an enterprise registered by its external id alone. */
  uscc: string | null
  /** The register's own id (企业编号), where given. */
  externalId: string | null
  name: string
  /** null: unknown (the register gave none the GB/T 4754 table knows). */
  industry: string | null
  highHazard: boolean
  scale: 'large' | 'medium' | 'small' | 'micro' | null
  tier: 'city' | 'county' | 'township' | null
  divisionCode: string
  mgmtGridId: number | null
  creditStatus: 'good' | 'warned' | 'blacklisted'
  level: Level
  synthetic: boolean
}

/** Properties of one enterprise from `GET /api/enterprises/:id`. */
export interface EnterpriseDetail extends EnterpriseSummary {
  affiliation: 'central' | 'province' | 'city' | 'county' | 'township' | null
  /** The industry as the register wrote it, and the GB/T 4754 code it resolved to. */
  industrySource?: string | null
  industryClass?: string | null
  /** division: placed at the division its address names (an approximate location). */
  locatedBy?: 'point' | 'division'
  centralVertical: boolean
  tierSource: 'rule' | 'explicit'
  tierReason: string | null
  address: string | null
  responsiblePerson: string | null
  responsiblePhone: string | null
  inherentLevel: Level
  levelReason: Record<string, unknown> | null
  /** ISO date (YYYY-MM-DD) of the last risk report. */
  lastReportedAt: string | null
  reportDueAt: string | null
  divisionName: string | null
  industryDepartment: string | null
  specialistDepartments: string[]
  mgmtGridName: string | null
  majorHazards: number
  safetyRisks: number
  openHiddenDangers: number
}

/** A paginated GeoJSON collection as the list endpoints return it. */
export type PagedCollection<G extends Point | MultiPolygon | Polygon, P> = FeatureCollection<G, P> & {
  numberMatched: number
  numberReturned: number
}

export type EnterpriseCollection = PagedCollection<Point, EnterpriseSummary>

export type EnterpriseFeature = Feature<Point, EnterpriseDetail>

/** A depot's stock line; `quantity` is in `unit`. */
export interface DepotItem {
  item: string
  quantity: number
  unit: string
}

/** An emergency resource near a point (nearest-resources item). */
export interface NearbyResource {
  id: number
  name: string
  kind: ResourceKind
  capabilities: string[]
  status: ResourceStatus
  dutyPhone: string | null
  contact: string | null
  organisation: string | null
  /** Geodesic distance from the query point, metres. */
  distanceM: number
  /** Initial bearing from the query point, degrees clockwise from north. */
  bearingDeg: number
  lon: number
  lat: number
  teamType?: string
  headcount?: number
  equipmentType?: string
  quantity?: number
  capacity?: number
}

/** Coordinate systems a point can be given in: WGS 84 (GPS), GCJ-02 (高德/腾讯), BD-09 (百度). */
export type Crs = 'wgs84' | 'gcj02' | 'bd09'

/** An item of `/api/resources/nearest`: a nearby resource with its depot stock, if any. */
export interface NearestResource extends NearbyResource {
  items?: DepotItem[]
  expertField?: string
}

/** A resource ranked by travel time (`by=time`): its ETA, the road distance and the route. */
export interface TimedResource extends NearestResource {
  /** Estimated arrival, seconds (off-road legs included). */
  etaS: number
  /** Route length along roads, metres. */
  roadDistanceM: number
  route: { type: 'LineString' | 'MultiLineString'; coordinates: unknown } | null
}

/** `/api/resources/nearest?by=time`. */
export interface NearestByTimeResponse {
  query: NearestResponse['query']
  items: TimedResource[]
  unreachable: Array<{ id: number; name: string; kind: string; distanceM: number; reason: string }>
  routing: { engine: string }
}

/** `/api/roads/isochrones`: one polygon per minutes value. */
export interface IsochroneCollection {
  type: 'FeatureCollection'
  /** One resource's isochrones, or (capability) the union of its available resources'. */
  resourceId?: number
  capability?: string
  resourceIds?: number[]
  offNetworkIds?: number[]
  features: Array<{ type: 'Feature'; geometry: Geometry | null; properties: { minutes: number; vertices: number; resources?: number } }>
}

/** `/api/resources/nearest`: the query point converted to WGS 84, and the nearest resources. */
export interface NearestResponse {
  query: { lon: number; lat: number; crs: Crs; k: number; kind?: string; capability?: string; status?: string }
  items: NearestResource[]
}

/** Where a thing lies from the incident. */
export interface Placed {
  distanceM: number
  bearingDeg: number
  lon: number
  lat: number
}

export interface IncidentSubstance {
  name: string
  cas: string | null
  hazardClass: string | null
  /** Design maximum quantity, tonnes. */
  qT: number
  /** Critical quantity, tonnes. */
  criticalQT: number
}

export interface IncidentMajorHazard extends Placed {
  id: number
  name: string
  level: Level
  grade: number
  r: number
  impactRadiusM: number | null
  enterprise: { id: number; name: string; address: string | null; responsiblePerson: string | null; responsiblePhone: string | null }
  substances: IncidentSubstance[]
}

export interface IncidentHiddenDanger extends Placed {
  id: number
  description: string
  status: 'open' | 'rectified'
  foundAt: string | null
  deadline: string | null
  overdue: boolean
  enterprise: { id: number; name: string }
}

export interface IncidentAreaAssessment {
  id: number
  name: string
  areaKind: string
  level: Level
  method: string
  assessor: string
  assessedAt: string | null
  validUntil: string | null
  /** 0 when the incident is inside the area. */
  distanceM: number
}

export interface IncidentShelter extends Placed {
  id: number
  name: string
  capacity: number
  status: string
  organisation: string | null
  dutyPhone: string | null
}

/** `/api/incident/context`: what lies around an incident. */
export interface IncidentContext {
  query: { lon: number; lat: number; crs: Crs; radiusM: number }
  riskSources: {
    majorHazards: IncidentMajorHazard[]
    hiddenDangers: IncidentHiddenDanger[]
    areaAssessments: IncidentAreaAssessment[]
  }
  cells: Array<{ h3: string; level: Level; stale: boolean; rule: string; distanceM: number }>
  shelters: IncidentShelter[]
  nearestByKind: Partial<Record<ResourceKind, NearestResource[]>>
}

/** Properties of a cell in `/api/resources/coverage-gaps?format=geojson`. */
export interface CoverageGapProperties {
  h3: string
  level: Level
  stale: boolean
  lon: number
  lat: number
  nearestTeamId: number | null
  nearestTeamName: string | null
  nearestTeamDistanceM: number | null
  /** Asked in minutes: the fastest arrival of any team by road, seconds (null: none reaches it). */
  bestTimeS?: number | null
  /** Asked in minutes: the cell lies off the road network. */
  offNetwork?: boolean
}

/** `GET /api/resources/coverage-gaps?format=geojson`. */
export interface CoverageGapCollection {
  type: 'FeatureCollection'
  features: Array<{ type: 'Feature'; id?: string; geometry: Geometry; properties: CoverageGapProperties }>
}
