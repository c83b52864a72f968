/**
 * The tile layer registry (docs/architecture.md §9): what each `/tiles/{layer}` serves and how its rows are chosen.
 * Every SQL fragment here is static text written in this file; a request only ever picks a layer by
 * looking its id up in TILE_LAYERS, and every value (zoom, resolution, date) reaches SQL as a bound
 * parameter. The property names are the contract with the web app's styles.
 */
import { MIN_PYRAMID_RES } from '../../grading/engine'

/** A bound SQL fragment: `sql` uses knex `?` placeholders, filled from `bindings` in order. */
export interface SqlFragment {
  sql: string
  bindings: unknown[]
}

/** What a selection may depend on besides the tile envelope. */
export interface SelectionContext {
  /** Zoom of the tile being built (22 when computing a layer's bounds). */
  z: number
  /** H3 resolution of the cells layer at this zoom (see cellResolution). */
  cellRes: number
  /** The database's current date, YYYY-MM-DD, for layers that depend on it (overdue). */
  today: string
  /** Public layers only: the publication served (the latest) and its finest H3 resolution. */
  publication?: { id: number; res: number }
  /**
   * The viewer's jurisdiction (an inspector's division-code prefix, docs/domain.md §8): source layers with
   * an `enterpriseDivision` keep only the rows of enterprises whose division code starts with it.
   * Absent or null: no limit.
   */
  divisionPrefix?: string | null
  /** A grid worker's management grid: the same layers keep only the rows of the grid's enterprises. */
  gridId?: number | null
}

/** TileJSON `fields` types. */
export type FieldType = 'Number' | 'String' | 'Boolean'

export interface SourceField {
  /** Property name in the tile (camelCase). */
  name: string
  /** SQL expression over the FROM clause; its SQL type decides the MVT value type. */
  sql: string
  type: FieldType
  description: string
  /** Values for `?` placeholders in `sql`, if it has any. */
  bind?: (ctx: SelectionContext) => unknown[]
}

/** One MVT layer inside a tile (a style's `source-layer`), read from one table. */
export interface SourceLayer {
  /** MVT layer name. */
  name: string
  description: string
  geometry: 'point' | 'polygon'
  /** FROM clause; the main table is aliased `t`. */
  from: string
  /** Feature id: a non-negative integer below 2^53 (MapLibre feature state). */
  id: string
  /** Indexed EPSG:3857 geometry: filtered with `&&` against the tile envelope and encoded. */
  geom3857: string
  /** The EPSG:4326 geometry the 3857 copy is generated from, for TileJSON bounds. */
  geom4326: string
  fields: SourceField[]
  /** Below this zoom the source layer is left out of the tile (keeps low-zoom tiles small). */
  minzoom: number
  /** Extra row filter; bound values only. */
  where?: (ctx: SelectionContext) => SqlFragment
  /**
   * For rows that name an enterprise or its records: SQL expression of that enterprise's division
   * code over the FROM clause. The rows are then limited to the viewer's jurisdiction
   * (`ctx.divisionPrefix`), and the layer's tiles are cached per jurisdiction.
   */
  enterpriseDivision?: string
  /** With `enterpriseDivision`: that enterprise's management grid, for a grid worker's tiles (`ctx.gridId`). */
  enterpriseGrid?: string
  /**
   * Polygons are drawn only within the deployment's outline (the union of the top-level divisions,
   * those without a parent): a cell that crosses it is cut along it, one wholly outside is left out.
   * Without any division, nothing is cut.
   */
  clipToOutline?: boolean
}

/** A layer of the URL space `/tiles/{id}/…`: one or more MVT layers encoded into one tile. */
export interface TileLayer {
  id: string
  description: string
  sources: SourceLayer[]
  /** Zoom range advertised in TileJSON; requests outside it are still served (empty below minzoom). */
  minzoom: number
  maxzoom: number
  /** The content changes with the date even when no data is written (deadlines pass at midnight). */
  dependsOnDate: boolean
  /** Some source layer names enterprises: an inspector's tiles hold their jurisdiction only (see SourceLayer.enterpriseDivision). */
  dependsOnJurisdiction: boolean
}

/** A zoom band of the cells layer: tiles at zoom ≤ maxZoom show cells of H3 resolution `res`. */
export interface ZoomResolution {
  maxZoom: number
  res: number
}

/**
 * Zoom → H3 resolution of the cells layer (docs/domain.md §4.5), the one place it is configured. A band's
 * cells are a few pixels to a few dozen pixels across, so a tile holds at most a few hundred cells
 * (< 500 KB at every zoom); from zoom 12 on the analysis resolution itself is drawn.
 * H3 average cell area: res 4 ≈ 1 770 km², 5 ≈ 253 km², 6 ≈ 36 km², 7 ≈ 5.2 km², 8 ≈ 0.74 km².
 */
export const CELL_RESOLUTION_BY_ZOOM: readonly ZoomResolution[] = [
  { maxZoom: 6, res: 4 },
  { maxZoom: 7, res: 5 },
  { maxZoom: 9, res: 6 },
  { maxZoom: 11, res: 7 },
]

/**
 * The H3 resolution drawn at zoom `z`: the band's resolution, never finer than the analysis
 * resolution nor coarser than the pyramid's coarsest (MIN_PYRAMID_RES); beyond the last band, the
 * analysis resolution.
 */
export function cellResolution(z: number, analysisRes: number, bands: readonly ZoomResolution[] = CELL_RESOLUTION_BY_ZOOM): number {
  const band = bands.find((b) => z <= b.maxZoom)
  const res = band ? band.res : analysisRes
  return Math.max(Math.min(res, analysisRes), Math.min(MIN_PYRAMID_RES, analysisRes))
}

/** Risk level of a row, 0..4 (0 none, 1 blue, 2 yellow, 3 orange, 4 red). */
const LEVEL_DESCRIPTION = 'Number: risk level 0–4 (0 none, 1 blue 低风险, 2 yellow 一般风险, 3 orange 较大风险, 4 red 重大风险)'

/** A zoom band of a thinned layer: tiles at zoom ≤ maxZoom draw rows of level ≥ minLevel. */
export interface LevelBand {
  maxZoom: number
  minLevel: number
}

/**
 * Lowest risk level drawn per zoom in the dense layers; beyond the last band every row is drawn.
 * Sized on the province-scale demo set (200 000 enterprises, 30 000 major hazards, 20 000 area
 * assessments, mostly in one city), so that the densest tile of each band stays far below 500 KB.
 */
export const MIN_LEVEL_BY_ZOOM = {
  enterprises: [
    { maxZoom: 11, minLevel: 4 },
    { maxZoom: 12, minLevel: 3 },
    { maxZoom: 13, minLevel: 2 },
  ],
  major_hazards: [
    { maxZoom: 9, minLevel: 4 },
    { maxZoom: 11, minLevel: 3 },
  ],
  area_assessments: [
    { maxZoom: 9, minLevel: 4 },
    { maxZoom: 11, minLevel: 3 },
    { maxZoom: 12, minLevel: 2 },
  ],
} as const satisfies Record<string, readonly LevelBand[]>

/** The lowest level a thinned layer draws at zoom z (0: every row). */
export function minLevelAt(bands: readonly LevelBand[], z: number): number {
  return bands.find((b) => z <= b.maxZoom)?.minLevel ?? 0
}

/** How a layer's bands read in TileJSON, e.g. "zoom ≤ 11: level ≥ 4; zoom 12: level ≥ 3; from zoom 13: every level". */
function describeBands(bands: readonly LevelBand[]): string {
  let from = 0
  const parts = bands.map((b) => {
    const range = from === b.maxZoom ? `zoom ${b.maxZoom}` : from === 0 ? `zoom ≤ ${b.maxZoom}` : `zoom ${from}–${b.maxZoom}`
    from = b.maxZoom + 1
    return `${range}: level ≥ ${b.minLevel}`
  })
  return `${parts.join('; ')}; from zoom ${from}: every level`
}

/** The row filter of a thinned layer. */
function levelFilter(bands: readonly LevelBand[]): (ctx: SelectionContext) => SqlFragment {
  return (ctx) => ({ sql: 't.level >= ?', bindings: [minLevelAt(bands, ctx.z)] })
}

/** Below this zoom the resources layer draws rescue teams and depots only (the dispatch overview). */
export const ALL_RESOURCES_FROM_ZOOM = 12

const cells: SourceLayer = {
  name: 'cells',
  description:
    'Graded H3 cells at the resolution chosen for the zoom (pyramid); cells without a level are left out unless stale; cut along the deployment outline (the top-level divisions)',
  geometry: 'polygon',
  from: 'cell t',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'h3', sql: 't.h3', type: 'String', description: 'String: H3 index (GET /api/cells/{h3} explains it)' },
    { name: 'res', sql: 't.res', type: 'Number', description: 'Number: H3 resolution of this cell' },
    { name: 'level', sql: 't.level', type: 'Number', description: LEVEL_DESCRIPTION },
    { name: 'stale', sql: 't.stale', type: 'Boolean', description: 'Boolean: every record behind the level is out of date (draw hatched)' },
    {
      name: 'score',
      sql: 'round(t.score::numeric, 1)::double precision',
      type: 'Number',
      description: 'Number: ranking score within the level (Σ weight × distance decay), 0.1 precision',
    },
    { name: 'rule', sql: 't.rule', type: 'String', description: 'String: rule that set the level: highest, accumulation or none' },
  ],
  minzoom: 0,
  where: (ctx) => ({ sql: 't.res = ? AND (t.level > 0 OR t.stale)', bindings: [ctx.cellRes] }),
  clipToOutline: true,
}

const divisions: SourceLayer = {
  name: 'divisions',
  description: 'Division units (city, county, township) with their grade from the shares of their area and their highest cell level',
  geometry: 'polygon',
  from: "division t LEFT JOIN region_level l ON l.region_kind = 'division' AND l.region_key = t.code",
  id: 't.code::bigint',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'code', sql: 't.code', type: 'String', description: 'String: division code (GB/T 2260, 6 or 9 digits)' },
    { name: 'name', sql: 't.name', type: 'String', description: 'String: name' },
    { name: 'rank', sql: 't.rank', type: 'String', description: 'String: province, city, county or township' },
    { name: 'parentCode', sql: 't.parent_code', type: 'String', description: 'String: code of the enclosing division' },
    { name: 'level', sql: 'coalesce(l.level, 0::smallint)', type: 'Number', description: `${LEVEL_DESCRIPTION} (the grade from the shares of the area)` },
    {
      name: 'highestLevel',
      sql: 'coalesce(l.max_level, 0::smallint)',
      type: 'Number',
      description: 'Number: the highest cell level in the region (就高), 0..4',
    },
    { name: 'stale', sql: 'coalesce(l.stale, false)', type: 'Boolean', description: 'Boolean: the level rests on out-of-date records only' },
  ],
  minzoom: 0,
}

const mgmtGrids: SourceLayer = {
  name: 'mgmt_grids',
  description: 'Management grids with their grade from the shares of their area and their highest cell level',
  geometry: 'polygon',
  from: "mgmt_grid t LEFT JOIN region_level l ON l.region_kind = 'mgmt_grid' AND l.region_key = t.id::text",
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'code', sql: 't.code', type: 'String', description: 'String: grid code (GET /api/regions/{code})' },
    { name: 'name', sql: 't.name', type: 'String', description: 'String: name' },
    { name: 'divisionCode', sql: 't.division_code', type: 'String', description: 'String: the division the grid belongs to' },
    { name: 'level', sql: 'coalesce(l.level, 0::smallint)', type: 'Number', description: `${LEVEL_DESCRIPTION} (the grade from the shares of the area)` },
    {
      name: 'highestLevel',
      sql: 'coalesce(l.max_level, 0::smallint)',
      type: 'Number',
      description: 'Number: the highest cell level in the region (就高), 0..4',
    },
    { name: 'stale', sql: 'coalesce(l.stale, false)', type: 'Boolean', description: 'Boolean: the level rests on out-of-date records only' },
  ],
  minzoom: 9,
}

/** How the layers that name enterprises say that they are limited to an inspector's jurisdiction. */
const IN_JURISDICTION = " An inspector's tiles hold only the enterprises of their jurisdiction (division-code prefix) and their records."

const enterprises: SourceLayer = {
  name: 'enterprises',
  description: `Enterprises; ${describeBands(MIN_LEVEL_BY_ZOOM.enterprises)}.${IN_JURISDICTION}`,
  geometry: 'point',
  from: 'enterprise t',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'name', sql: 't.name', type: 'String', description: 'String: registered name' },
    { name: 'level', sql: 't.level', type: 'Number', description: LEVEL_DESCRIPTION },
    { name: 'industry', sql: 't.industry', type: 'String', description: 'String: industry code' },
    { name: 'highHazard', sql: 't.high_hazard', type: 'Boolean', description: 'Boolean: high-hazard industry (hazardous chemicals, mines, fireworks, …)' },
    {
      name: 'approximate',
      sql: "(t.located_by = 'division')",
      type: 'Boolean',
      description: 'Boolean: located only at the division its address names (draw as approximate)',
    },
  ],
  minzoom: 10,
  where: levelFilter(MIN_LEVEL_BY_ZOOM.enterprises),
  enterpriseDivision: 't.division_code',
  enterpriseGrid: 't.mgmt_grid_id',
}

const majorHazards: SourceLayer = {
  name: 'major_hazards',
  description: `Major hazard installations (GB 18218-2018); ${describeBands(MIN_LEVEL_BY_ZOOM.major_hazards)}.${IN_JURISDICTION}`,
  geometry: 'point',
  from: 'major_hazard t',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'name', sql: 't.name', type: 'String', description: 'String: installation name' },
    { name: 'grade', sql: 't.grade', type: 'Number', description: 'Number: major hazard grade 1 (highest) – 4' },
    { name: 'level', sql: 't.level', type: 'Number', description: LEVEL_DESCRIPTION },
    { name: 'enterpriseId', sql: 't.enterprise_id', type: 'Number', description: 'Number: owning enterprise id' },
    {
      name: 'impactRadiusM',
      sql: 't.impact_radius_m',
      type: 'Number',
      description: 'Number: reported impact radius, metres (absent: the default for the level)',
    },
  ],
  minzoom: 8,
  where: levelFilter(MIN_LEVEL_BY_ZOOM.major_hazards),
  // A subquery, so that tiles without a jurisdiction do not pay for the join.
  enterpriseDivision: '(SELECT e.division_code FROM enterprise e WHERE e.id = t.enterprise_id)',
  enterpriseGrid: '(SELECT e.mgmt_grid_id FROM enterprise e WHERE e.id = t.enterprise_id)',
}

const areaAssessments: SourceLayer = {
  name: 'area_assessments',
  description: `Public-area risk assessments (areas and buffered corridors); ${describeBands(MIN_LEVEL_BY_ZOOM.area_assessments)}`,
  geometry: 'polygon',
  from: 'area_assessment t',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'name', sql: 't.name', type: 'String', description: 'String: assessed area' },
    { name: 'level', sql: 't.level', type: 'Number', description: LEVEL_DESCRIPTION },
    { name: 'areaKind', sql: 't.area_kind', type: 'String', description: 'String: area or corridor' },
    { name: 'assessedAt', sql: "to_char(t.assessed_at, 'YYYY-MM-DD')", type: 'String', description: 'String: assessment date, YYYY-MM-DD' },
  ],
  minzoom: 0,
  where: levelFilter(MIN_LEVEL_BY_ZOOM.area_assessments),
}

const resources: SourceLayer = {
  name: 'resources',
  description: `Emergency resources: rescue teams, equipment, depots, shelters, experts; below zoom ${ALL_RESOURCES_FROM_ZOOM} rescue teams and depots only`,
  geometry: 'point',
  from: 'resource t',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'name', sql: 't.name', type: 'String', description: 'String: name' },
    { name: 'kind', sql: 't.kind', type: 'String', description: 'String: rescue_team, equipment, depot, shelter or expert' },
    { name: 'status', sql: 't.status', type: 'String', description: 'String: available, deployed or out_of_service' },
    {
      name: 'capabilities',
      sql: "array_to_string(t.capabilities, ',')",
      type: 'String',
      description: 'String: comma-separated capabilities (hazmat,fire,…); empty when none',
    },
  ],
  minzoom: 9,
  where: (ctx) => ({ sql: "(?::boolean OR t.kind IN ('rescue_team', 'depot'))", bindings: [ctx.z >= ALL_RESOURCES_FROM_ZOOM] }),
}

const overdueHiddenDangers: SourceLayer = {
  name: 'overdue_hidden_dangers',
  description: `Hidden dangers still open after their rectification deadline.${IN_JURISDICTION}`,
  geometry: 'point',
  from: 'hidden_danger t JOIN enterprise e ON e.id = t.enterprise_id',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'enterpriseId', sql: 't.enterprise_id', type: 'Number', description: 'Number: enterprise id' },
    { name: 'enterpriseName', sql: 'e.name', type: 'String', description: 'String: enterprise name' },
    { name: 'description', sql: 'left(t.description, 120)', type: 'String', description: 'String: what was found (first 120 characters)' },
    { name: 'isMajor', sql: 't.is_major', type: 'Boolean', description: 'Boolean: a major hidden danger' },
    { name: 'deadline', sql: "to_char(t.deadline, 'YYYY-MM-DD')", type: 'String', description: 'String: rectification deadline, YYYY-MM-DD' },
    { name: 'daysOverdue', sql: '(?::date - t.deadline)', bind: (ctx) => [ctx.today], type: 'Number', description: 'Number: whole days past the deadline' },
  ],
  minzoom: 10,
  where: (ctx) => ({ sql: "t.status = 'open' AND t.deadline < ?::date", bindings: [ctx.today] }),
  enterpriseDivision: 'e.division_code',
  enterpriseGrid: 'e.mgmt_grid_id',
}

const overdueViolations: SourceLayer = {
  name: 'overdue_violations',
  description: `Violations still open after their rectification deadline, at their enterprise's location.${IN_JURISDICTION}`,
  geometry: 'point',
  from: 'violation t JOIN enterprise e ON e.id = t.enterprise_id',
  id: 't.id',
  geom3857: 'e.geom_3857',
  geom4326: 'e.geom',
  fields: [
    { name: 'enterpriseId', sql: 't.enterprise_id', type: 'Number', description: 'Number: enterprise id' },
    { name: 'enterpriseName', sql: 'e.name', type: 'String', description: 'String: enterprise name' },
    { name: 'description', sql: 'left(t.description, 120)', type: 'String', description: 'String: the violation (first 120 characters)' },
    { name: 'deadline', sql: "to_char(t.deadline, 'YYYY-MM-DD')", type: 'String', description: 'String: rectification deadline, YYYY-MM-DD' },
    { name: 'daysOverdue', sql: '(?::date - t.deadline)', bind: (ctx) => [ctx.today], type: 'Number', description: 'Number: whole days past the deadline' },
  ],
  minzoom: 10,
  where: (ctx) => ({ sql: "t.status = 'open' AND t.deadline < ?::date", bindings: [ctx.today] }),
  enterpriseDivision: 'e.division_code',
  enterpriseGrid: 'e.mgmt_grid_id',
}

function layer(id: string, description: string, sources: SourceLayer[], options: { dependsOnDate?: boolean } = {}): TileLayer {
  const dependsOnJurisdiction = sources.some((s) => s.enterpriseDivision !== undefined)
  return {
    id,
    description: dependsOnJurisdiction ? `${description}.${IN_JURISDICTION}` : description,
    sources,
    minzoom: Math.min(...sources.map((s) => s.minzoom)),
    maxzoom: 14,
    dependsOnDate: options.dependsOnDate ?? false,
    dependsOnJurisdiction,
  }
}

/** Every tile layer by id: the allowlist a request's `{layer}` is looked up in. */
export const TILE_LAYERS: Readonly<Record<string, TileLayer>> = Object.freeze({
  cells: layer('cells', 'Risk level of H3 cells: the analysis grid from zoom 12, a coarser pyramid below', [cells]),
  regions: layer('regions', 'Division units and management grids with their risk level; two MVT layers: divisions, mgmt_grids', [divisions, mgmtGrids]),
  enterprises: layer('enterprises', 'Enterprises by risk level', [enterprises]),
  major_hazards: layer('major_hazards', 'Major hazard installations', [majorHazards]),
  area_assessments: layer('area_assessments', 'Public-area risk assessments', [areaAssessments]),
  resources: layer('resources', 'Emergency resources', [resources]),
  overdue: layer(
    'overdue',
    'Hidden dangers and violations open past their deadline; two MVT layers: overdue_hidden_dangers, overdue_violations',
    [overdueHiddenDangers, overdueViolations],
    { dependsOnDate: true },
  ),
})

/** The layer with this id, or undefined (never a prototype property such as `constructor`). */
export function findTileLayer(id: string): TileLayer | undefined {
  return Object.hasOwn(TILE_LAYERS, id) ? TILE_LAYERS[id] : undefined
}

// ------------------------------------------------------------------ public layers (docs/domain.md §8)
// Served under /tiles/public from the latest publication only, never from live tables. Their
// fields are levels alone: nothing here can name an enterprise, a substance or a record.

/** The publication a public selection reads; a public layer is never built without one. */
function publicationOf(ctx: SelectionContext): { id: number; res: number } {
  if (!ctx.publication) throw new Error('a public tile layer needs the publication in its selection context')
  return ctx.publication
}

const publicCells: SourceLayer = {
  name: 'cells',
  description:
    'Published H3 cell levels at the resolution chosen for the zoom, never finer than the published resolution; cut along the deployment outline (the top-level divisions)',
  geometry: 'polygon',
  from: 'publication_cell t',
  id: 't.id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [
    { name: 'h3', sql: 't.h3', type: 'String', description: 'String: H3 index' },
    { name: 'level', sql: 't.level', type: 'Number', description: LEVEL_DESCRIPTION },
    { name: 'stale', sql: 't.stale', type: 'Boolean', description: 'Boolean: the level rests on out-of-date records only (draw hatched)' },
  ],
  minzoom: 0,
  where: (ctx) => {
    const p = publicationOf(ctx)
    return { sql: 't.publication_id = ? AND t.res = ? AND (t.level > 0 OR t.stale)', bindings: [p.id, Math.min(ctx.cellRes, p.res)] }
  },
  clipToOutline: true,
}

const publicAreas: SourceLayer = {
  name: 'areas',
  description: 'Published public-area risk zones (areas and corridors), by level',
  geometry: 'polygon',
  from: 'publication_area t',
  id: 't.area_id',
  geom3857: 't.geom_3857',
  geom4326: 't.geom',
  fields: [{ name: 'level', sql: 't.level', type: 'Number', description: LEVEL_DESCRIPTION }],
  minzoom: 0,
  where: (ctx) => ({ sql: 't.publication_id = ?', bindings: [publicationOf(ctx).id] }),
}

/** The public tile layers by id: the allowlist of `/tiles/public/{layer}`. */
export const PUBLIC_TILE_LAYERS: Readonly<Record<string, TileLayer>> = Object.freeze({
  cells: layer('cells', 'Risk level of H3 cells in the latest publication (pyramid, capped at the public resolution)', [publicCells]),
  areas: layer('areas', 'Public-area risk zones in the latest publication', [publicAreas]),
})
