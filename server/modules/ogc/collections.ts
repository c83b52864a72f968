/**
 * The OGC API – Features collection registry: what each `/ogc/collections/{id}` serves, who may
 * read it and how its rows are chosen. Like the tile layer registry (tiles/layers.ts), every SQL
 * fragment is static text written here; a request only picks a collection by looking its id up in
 * COLLECTIONS and a property by its name in the collection's list, and every value reaches SQL as a
 * bound parameter (sql.ts).
 *
 * Access (docs/domain.md §8, docs/security.md): staff collections are live data with the API's rules,
 * including the caller's read scope (`readScope()`, as the API and the tiles apply it): an inspector
 * reads the enterprises, their records and assessed areas of the jurisdiction, a grid worker the
 * enterprises of the grid and their records; the public
 * collections are the latest publication's levels and shapes, plus shelters, and never name an
 * enterprise or a record.
 */
import type { Access } from '../auth/access'

/** JSON type of a property as the OpenAPI document and the collection's schema state it. */
export type PropertyType = 'integer' | 'number' | 'string' | 'boolean' | 'date'

export interface CollectionProperty {
  /** Property name in the GeoJSON (camelCase, as in the REST API). */
  name: string
  /** SQL expression over the collection's FROM clause. */
  sql: string
  type: PropertyType
  description: string
  /** May be used as a query parameter `?name=value` (equality) on the items. */
  filter?: boolean
}

/** What a selection may depend on besides the request's own parameters. */
export interface SelectionContext {
  /** The latest publication (public collections), null when nothing has been published. */
  publication: { id: number; res: number } | null
  /** The analysis H3 resolution (staff cells). */
  analysisRes: number
}

/** A bound SQL fragment: `sql` uses knex `?` placeholders, filled from `bindings` in order. */
export interface SqlFragment {
  sql: string
  bindings: unknown[]
}

export interface Collection {
  id: string
  title: string
  description: string
  /** Who may read it: 'public' for anyone, otherwise the API's access rule. */
  access: Access
  geometry: 'point' | 'polygon' | 'multipolygon'
  /** FROM clause; the main table is aliased `t`. */
  from: string
  /** Feature id expression: unique, and the ORDER BY of every page. */
  featureId: string
  idType: 'integer' | 'string'
  /** The EPSG:4326 geometry (longitude, latitude). */
  geom: string
  properties: CollectionProperty[]
  /** A date or timestamp expression the `datetime` parameter filters on, and what it means. */
  datetime?: { sql: string; description: string }
  /** Extra row filter (bound values only). */
  where?: (ctx: SelectionContext) => SqlFragment
  /**
   * Alias of the enterprise row (the record's own, or its enterprise's): the caller's read scope
   * (readScope: an inspector's jurisdiction, a grid worker's grid; docs/security.md) limits the rows
   * through it, so a row outside the scope is never selected.
   */
  scopeEnterprise?: string
  /**
   * Division code of a row that belongs to no enterprise (an area assessment): only a jurisdiction
   * limits it, as the REST API does.
   */
  jurisdictionDivision?: string
}

const LEVEL = 'risk level 0–4 (0 none, 1 blue 低风险, 2 yellow 一般风险, 3 orange 较大风险, 4 red 重大风险)'
const day = (c: string) => `to_char(${c}, 'YYYY-MM-DD')`
const IN_JURISDICTION = " An inspector reads only the rows of their jurisdiction (division-code prefix), a grid worker those of the grid's enterprises."

const staff: Collection[] = [
  {
    id: 'enterprises',
    title: 'Enterprises 企业',
    description: `Enterprises with their risk level, tier and credit status.${IN_JURISDICTION}`,
    access: 'staff',
    geometry: 'point',
    from: 'enterprise t',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'registered name' },
      {
        name: 'uscc',
        sql: 't.uscc',
        type: 'string',
        description: 'unified social credit code (GB 32100-2015); null for an enterprise registered by its external id alone',
        filter: true,
      },
      {
        name: 'external_id',
        sql: 't.external_id',
        type: 'string',
        description: "the register's own id of the enterprise (企业编号), where given",
        filter: true,
      },
      { name: 'industry', sql: 't.industry', type: 'string', description: 'industry code', filter: true },
      { name: 'scale', sql: 't.scale', type: 'string', description: 'enterprise scale', filter: true },
      { name: 'divisionCode', sql: 't.division_code', type: 'string', description: 'division code (GB/T 2260)', filter: true },
      { name: 'tier', sql: 't.tier', type: 'string', description: 'supervision tier: city, county or township', filter: true },
      { name: 'highHazard', sql: 't.high_hazard', type: 'boolean', description: 'high-hazard industry', filter: true },
      { name: 'creditStatus', sql: 't.credit_status', type: 'string', description: 'good, warned or blacklisted', filter: true },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'lastReportedAt', sql: day('t.last_reported_at'), type: 'date', description: 'last report date' },
      { name: 'synthetic', sql: 't.synthetic', type: 'boolean', description: 'demo data (示例)' },
    ],
    datetime: { sql: 't.last_reported_at', description: 'the date the enterprise last reported' },
    scopeEnterprise: 't',
  },
  {
    id: 'major_hazards',
    title: 'Major hazard installations 重大危险源',
    description: `Major hazard installations graded by GB 18218-2018 (S, R, grade 1–4).${IN_JURISDICTION}`,
    access: 'staff',
    geometry: 'point',
    from: 'major_hazard t JOIN enterprise e ON e.id = t.enterprise_id',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'installation name' },
      { name: 'enterpriseId', sql: 't.enterprise_id', type: 'integer', description: 'owning enterprise id', filter: true },
      { name: 'enterpriseName', sql: 'e.name', type: 'string', description: 'owning enterprise name' },
      { name: 'S', sql: 't.s', type: 'number', description: 'S = Σ q/Q' },
      { name: 'R', sql: 't.r', type: 'number', description: 'R = α · Σ β·q/Q' },
      { name: 'grade', sql: 't.grade', type: 'integer', description: 'major hazard grade 1 (highest) – 4', filter: true },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'impactRadiusM', sql: 't.impact_radius_m', type: 'number', description: 'reported impact radius, metres' },
      { name: 'reportedAt', sql: day('t.reported_at'), type: 'date', description: 'report date' },
      { name: 'validUntil', sql: day('t.valid_until'), type: 'date', description: 'report valid until' },
    ],
    datetime: { sql: 't.reported_at', description: 'the report date' },
    scopeEnterprise: 'e',
  },
  {
    id: 'safety_risks',
    title: 'Reported safety risks 重大安全风险',
    description: `Safety risks reported by enterprises, graded by LEC, the 5×5 matrix or a stated level.${IN_JURISDICTION}`,
    access: 'staff',
    geometry: 'point',
    from: 'safety_risk t JOIN enterprise e ON e.id = t.enterprise_id',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'risk name' },
      { name: 'enterpriseId', sql: 't.enterprise_id', type: 'integer', description: 'enterprise id', filter: true },
      { name: 'enterpriseName', sql: 'e.name', type: 'string', description: 'enterprise name' },
      { name: 'method', sql: 't.method', type: 'string', description: 'lec, matrix or stated', filter: true },
      { name: 'score', sql: 't.score', type: 'number', description: 'D (LEC) or R (matrix)' },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'assessedAt', sql: day('t.assessed_at'), type: 'date', description: 'assessment date' },
      { name: 'validUntil', sql: day('t.valid_until'), type: 'date', description: 'valid until' },
    ],
    datetime: { sql: 't.assessed_at', description: 'the assessment date' },
    scopeEnterprise: 'e',
  },
  {
    id: 'hidden_dangers',
    title: 'Hidden dangers 事故隐患',
    description: `Accident hidden dangers found at enterprises, with their rectification status.${IN_JURISDICTION}`,
    access: 'staff',
    geometry: 'point',
    from: 'hidden_danger t JOIN enterprise e ON e.id = t.enterprise_id',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'enterpriseId', sql: 't.enterprise_id', type: 'integer', description: 'enterprise id', filter: true },
      { name: 'enterpriseName', sql: 'e.name', type: 'string', description: 'enterprise name' },
      { name: 'description', sql: 't.description', type: 'string', description: 'what was found' },
      {
        name: 'isMajor',
        sql: 't.is_major',
        type: 'boolean',
        description: 'a major accident hidden danger (makes the enterprise red until verified)',
        filter: true,
      },
      { name: 'status', sql: 't.status', type: 'string', description: 'open, rectified or verified', filter: true },
      { name: 'foundAt', sql: day('t.found_at'), type: 'date', description: 'date found' },
      { name: 'deadline', sql: day('t.deadline'), type: 'date', description: 'rectification deadline' },
    ],
    datetime: { sql: 't.found_at', description: 'the date the hidden danger was found' },
    scopeEnterprise: 'e',
  },
  {
    id: 'area_assessments',
    title: 'Public-area assessments 公共区域风险评估',
    description: `Assessed public areas and buffered corridors with their level.${IN_JURISDICTION}`,
    access: 'staff',
    geometry: 'multipolygon',
    from: 'area_assessment t',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'assessed area' },
      { name: 'areaKind', sql: 't.area_kind', type: 'string', description: 'area or corridor', filter: true },
      { name: 'method', sql: 't.method', type: 'string', description: 'lec, matrix or stated', filter: true },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'assessor', sql: 't.assessor', type: 'string', description: 'who assessed it' },
      { name: 'divisionCode', sql: 't.division_code', type: 'string', description: 'division code', filter: true },
      { name: 'assessedAt', sql: day('t.assessed_at'), type: 'date', description: 'assessment date' },
      { name: 'validUntil', sql: day('t.valid_until'), type: 'date', description: 'valid until' },
    ],
    datetime: { sql: 't.assessed_at', description: 'the assessment date' },
    jurisdictionDivision: 't.division_code',
  },
  {
    id: 'resources',
    title: 'Emergency resources 应急资源',
    description: 'Rescue teams, equipment, material depots, shelters and experts with their status.',
    access: 'staff',
    geometry: 'point',
    from: 'resource t',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'name' },
      { name: 'kind', sql: 't.kind', type: 'string', description: 'rescue_team, equipment, depot, shelter or expert', filter: true },
      { name: 'status', sql: 't.status', type: 'string', description: 'available, deployed or out_of_service', filter: true },
      { name: 'organisation', sql: 't.organisation', type: 'string', description: 'organisation' },
      { name: 'dutyPhone', sql: 't.duty_phone', type: 'string', description: '24-hour duty phone' },
      { name: 'capabilities', sql: "array_to_string(t.capabilities, ',')", type: 'string', description: 'comma-separated capabilities (hazmat,fire,…)' },
      { name: 'headcount', sql: 't.headcount', type: 'integer', description: 'rescue team headcount' },
      { name: 'quantity', sql: 't.quantity', type: 'integer', description: 'equipment quantity' },
      { name: 'capacity', sql: 't.capacity', type: 'integer', description: 'shelter capacity, persons' },
      { name: 'divisionCode', sql: 't.division_code', type: 'string', description: 'division code', filter: true },
    ],
  },
  {
    id: 'cells',
    title: 'Risk cells 风险网格',
    description: 'Graded H3 cells at the analysis resolution (cells without an identified source are left out unless stale).',
    access: 'staff',
    geometry: 'polygon',
    from: 'cell t',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'h3', sql: 't.h3', type: 'string', description: 'H3 index (GET /api/cells/{h3} explains it)', filter: true },
      { name: 'res', sql: 't.res', type: 'integer', description: 'H3 resolution' },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'stale', sql: 't.stale', type: 'boolean', description: 'every record behind the level is out of date', filter: true },
      { name: 'rule', sql: 't.rule', type: 'string', description: 'rule that set the level: highest, accumulation or none', filter: true },
      { name: 'score', sql: 'round(t.score::numeric, 1)::double precision', type: 'number', description: 'ranking score within the level' },
    ],
    where: (ctx) => ({ sql: 't.res = ? AND (t.level > 0 OR t.stale)', bindings: [ctx.analysisRes] }),
  },
  {
    id: 'divisions',
    title: 'Division risk levels 行政区风险等级',
    description: 'Division units (city, county, township) with their level and share of area per level.',
    access: 'staff',
    geometry: 'multipolygon',
    from: "division t LEFT JOIN region_level l ON l.region_kind = 'division' AND l.region_key = t.code",
    featureId: 't.code',
    idType: 'string',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'name' },
      { name: 'rank', sql: 't.rank', type: 'string', description: 'province, city, county or township', filter: true },
      { name: 'parentCode', sql: 't.parent_code', type: 'string', description: 'enclosing division', filter: true },
      { name: 'level', sql: 'coalesce(l.level, 0::smallint)', type: 'integer', description: LEVEL, filter: true },
      { name: 'stale', sql: 'coalesce(l.stale, false)', type: 'boolean', description: 'the level rests on out-of-date records only' },
      { name: 'shares', sql: "coalesce(l.shares::text, '{}')", type: 'string', description: 'share of the area per level, JSON {"0":…,"4":…}' },
    ],
  },
  {
    id: 'mgmt_grids',
    title: 'Management grid risk levels 网格风险等级',
    description: 'Management grids with their level and share of area per level.',
    access: 'staff',
    geometry: 'multipolygon',
    from: "mgmt_grid t LEFT JOIN region_level l ON l.region_kind = 'mgmt_grid' AND l.region_key = t.id::text",
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'code', sql: 't.code', type: 'string', description: 'grid code', filter: true },
      { name: 'name', sql: 't.name', type: 'string', description: 'name' },
      { name: 'divisionCode', sql: 't.division_code', type: 'string', description: 'division the grid belongs to', filter: true },
      { name: 'level', sql: 'coalesce(l.level, 0::smallint)', type: 'integer', description: LEVEL, filter: true },
      { name: 'stale', sql: 'coalesce(l.stale, false)', type: 'boolean', description: 'the level rests on out-of-date records only' },
      { name: 'shares', sql: "coalesce(l.shares::text, '{}')", type: 'string', description: 'share of the area per level, JSON' },
    ],
  },
  {
    id: 'overdue_rectifications',
    title: 'Overdue rectifications 逾期未整改',
    description: `Hidden dangers still open after their rectification deadline.${IN_JURISDICTION}`,
    access: 'staff',
    geometry: 'point',
    from: 'hidden_danger t JOIN enterprise e ON e.id = t.enterprise_id',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'enterpriseId', sql: 't.enterprise_id', type: 'integer', description: 'enterprise id', filter: true },
      { name: 'enterpriseName', sql: 'e.name', type: 'string', description: 'enterprise name' },
      { name: 'description', sql: 't.description', type: 'string', description: 'what was found' },
      { name: 'isMajor', sql: 't.is_major', type: 'boolean', description: 'a major hidden danger', filter: true },
      { name: 'deadline', sql: day('t.deadline'), type: 'date', description: 'rectification deadline' },
      { name: 'daysOverdue', sql: '(current_date - t.deadline)', type: 'integer', description: 'whole days past the deadline' },
    ],
    datetime: { sql: 't.deadline', description: 'the rectification deadline' },
    where: () => ({ sql: "t.status = 'open' AND t.deadline < current_date", bindings: [] }),
    scopeEnterprise: 'e',
  },
]

/** Public collections: the latest publication (docs/domain.md §8) and the shelters, for anyone. */
function publication(ctx: SelectionContext): { id: number; res: number } {
  // Without a publication nothing is public: the bound id -1 matches no row.
  return ctx.publication ?? { id: -1, res: 0 }
}

const published: Collection[] = [
  {
    id: 'public_cells',
    title: 'Published risk cells 公布的风险网格',
    description: 'H3 cell levels of the latest approved publication, at its published resolution.',
    access: 'public',
    geometry: 'polygon',
    from: 'publication_cell t',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'h3', sql: 't.h3', type: 'string', description: 'H3 index', filter: true },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'stale', sql: 't.stale', type: 'boolean', description: 'the level rests on out-of-date records only', filter: true },
    ],
    where: (ctx) => {
      const p = publication(ctx)
      return { sql: 't.publication_id = ? AND t.res = ? AND (t.level > 0 OR t.stale)', bindings: [p.id, p.res] }
    },
  },
  {
    id: 'public_regions',
    title: 'Published division risk levels 公布的行政区风险等级',
    description: 'Division levels and shares of area per level in the latest approved publication.',
    access: 'public',
    geometry: 'multipolygon',
    from: "publication_region t JOIN division d ON d.code = t.region_key AND t.region_kind = 'division'",
    featureId: 't.region_key',
    idType: 'string',
    geom: 'd.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'name' },
      { name: 'rank', sql: 'd.rank', type: 'string', description: 'city, county or township', filter: true },
      { name: 'parentCode', sql: 'd.parent_code', type: 'string', description: 'enclosing division', filter: true },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
      { name: 'shares', sql: 't.shares::text', type: 'string', description: 'share of the area per level, JSON' },
    ],
    where: (ctx) => ({ sql: 't.publication_id = ?', bindings: [publication(ctx).id] }),
  },
  {
    id: 'public_zones',
    title: 'Published public-area risk zones 公布的公共区域风险',
    description: 'Public-area risk zones (areas and corridors) of the latest approved publication.',
    access: 'public',
    geometry: 'multipolygon',
    from: 'publication_area t',
    featureId: 't.area_id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'area name' },
      { name: 'level', sql: 't.level', type: 'integer', description: LEVEL, filter: true },
    ],
    where: (ctx) => ({ sql: 't.publication_id = ?', bindings: [publication(ctx).id] }),
  },
  {
    id: 'shelters',
    title: 'Emergency shelters 避难场所',
    description: 'Emergency shelters with their capacity.',
    access: 'public',
    geometry: 'point',
    from: 'resource t',
    featureId: 't.id',
    idType: 'integer',
    geom: 't.geom',
    properties: [
      { name: 'name', sql: 't.name', type: 'string', description: 'name' },
      { name: 'capacity', sql: 't.capacity', type: 'integer', description: 'capacity, persons' },
      { name: 'status', sql: 't.status', type: 'string', description: 'available, deployed or out_of_service', filter: true },
    ],
    where: () => ({ sql: "t.kind = 'shelter'", bindings: [] }),
  },
]

/** Every collection by id: the allowlist a request's `{collectionId}` is looked up in. */
export const COLLECTIONS: Readonly<Record<string, Collection>> = Object.freeze(Object.fromEntries([...staff, ...published].map((c) => [c.id, c])))

/** The collection with this id, or undefined (never a prototype property such as `constructor`). */
export function findCollection(id: string): Collection | undefined {
  return Object.hasOwn(COLLECTIONS, id) ? COLLECTIONS[id] : undefined
}
