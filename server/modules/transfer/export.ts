/**
 * Export of the current selection (docs/architecture.md §9): a layer filtered by division prefix, lowest level
 * and bounding box, as GeoJSON (English property keys, WGS 84), CSV (UTF-8 with BOM, Chinese
 * headers and labels by default, English with lang=en) or XLSX. Rows are read in keyset pages
 * (never all at once) and streamed out. Headers and labels are those of the import fields, so an
 * exported file imports back as it is. Records stored without an external id are exported with
 * `<prefix>-<id>` (e.g. MH-12), which the import recognises.
 */
import { Readable } from 'node:stream'
import type { Knex } from 'knex'
import { invalid } from '../../errors'
import type { RuleSet } from '../../domain/rules'
import type { BBox } from '../../http/schemas'
import type { Field } from './fields'
import { AREA_ASSESSMENT_FIELDS, DIVISION_FIELDS, MGMT_GRID_FIELDS } from './kind-areas'
import { ENTERPRISE_FIELDS } from './kind-enterprises'
import { RESOURCE_FIELDS } from './kind-resources'
import { HIDDEN_DANGER_FIELDS, MAJOR_HAZARD_FIELDS, SAFETY_RISK_FIELDS } from './kind-sources'
import { writeGeoPackage, type GpkgColumnType } from './gpkg-writer'
import { xlsxStream } from './xlsx-writer'

export const EXPORT_LAYERS = [
  'enterprises',
  'major_hazards',
  'safety_risks',
  'hidden_dangers',
  'area_assessments',
  'resources',
  'cells',
  'divisions',
  'mgmt_grids',
] as const
export type ExportLayerName = (typeof EXPORT_LAYERS)[number]
export const EXPORT_FORMATS = ['geojson', 'csv', 'xlsx', 'gpkg'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export interface ExportFilter {
  /** Division code or prefix. */
  division?: string
  /** A grid worker's grid, set by the auth scope (see auth/jurisdiction ScopedListQuery). */
  scopeGridId?: number
  /** Whether the reader may see enterprise contacts (auth/access readScope); false exports them empty. */
  contacts: boolean
  /** Lowest level to include (0–4). */
  minLevel?: number
  bbox?: BBox
  /** CSV/XLSX headers and labels. */
  lang: 'zh' | 'en'
  /** Cells only: H3 resolution. */
  res: number
  /** CSV/XLSX: a first column `WKT` with the geometry (EPSG:4326), which GDAL and QGIS read as the geometry without options. */
  wkt?: boolean
  rules: RuleSet
  /** Called once when the selection has been read to its end (rows: records read) or failed, e.g. to audit the export. */
  onDone?: (outcome: { rows: number; error?: unknown }) => void
}

/** The selection's records, counted; `onDone` hears the count at the end or the error. */
function counted(rows: AsyncIterable<Record<string, unknown>>, onDone: ExportFilter['onDone']): AsyncIterable<Record<string, unknown>> {
  if (!onDone) return rows
  return (async function* () {
    let n = 0
    try {
      for await (const row of rows) {
        n += 1
        yield row
      }
    } catch (error) {
      onDone({ rows: n, error })
      throw error
    }
    onDone({ rows: n })
  })()
}

const CELL_FIELDS: readonly Field[] = [
  { key: 'id', zh: '编号', type: { t: 'integer' } },
  { key: 'h3', zh: 'H3编号', type: { t: 'text' } },
  { key: 'res', zh: '分辨率', type: { t: 'integer' } },
  { key: 'level', zh: '风险等级', type: { t: 'integer' } },
  { key: 'stale', zh: '数据不足', type: { t: 'boolean' } },
  { key: 'rule', zh: '判定规则', type: { t: 'enum', values: { highest: ['就高'], accumulation: ['叠加'], none: ['无'] } } },
  { key: 'score', zh: '分值', type: { t: 'number' } },
  { key: 'counts', zh: '统计', type: { t: 'json' } },
  { key: 'geometry', zh: '几何(WKT)', type: { t: 'geometry' } },
]

interface LayerSpec {
  fields: readonly Field[]
  /** FROM clause with joins (identifiers fixed here, never from a request). */
  from: string
  /** Keyset column, unique and indexed; `text` keys compare as text. */
  key: string
  keyType: 'bigint' | 'text'
  /** SQL expression of each exported field key (geometry and lon/lat are added by the geometry kind). */
  columns: Record<string, string>
  /** The geometry column. */
  geom: string
  /** 'point' layers export lon/lat columns; 'area' layers a WKT column. */
  shape: 'point' | 'area'
  /** Division-code column for the division filter, or an EXISTS condition taking the prefix. */
  division: string
  /** Level column for minLevel, or null when levels do not apply. */
  level: string | null
  /** Rows per page (polygons are heavier). */
  page: number
}

const ext = (prefix: string, t: string) => `coalesce(${t}.external_id, '${prefix}-' || ${t}.id)`
const day = (c: string) => `to_char(${c}, 'YYYY-MM-DD')`
const instant = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
const METHOD_COLUMNS = (t: string) => ({
  method: `${t}.method`,
  lecL: `${t}.lec_l`,
  lecE: `${t}.lec_e`,
  lecC: `${t}.lec_c`,
  matrixL: `${t}.matrix_l`,
  matrixS: `${t}.matrix_s`,
  statedLevel: `CASE WHEN ${t}.method = 'stated' THEN ${t}.level::text END`,
  statedMethod: `${t}.stated_method`,
  score: `${t}.score`,
  level: `${t}.level`,
})

const LAYERS: Record<ExportLayerName, LayerSpec> = {
  enterprises: {
    fields: ENTERPRISE_FIELDS,
    from: 'enterprise e LEFT JOIN mgmt_grid g ON g.id = e.mgmt_grid_id',
    key: 'e.id',
    keyType: 'bigint',
    geom: 'e.geom',
    shape: 'point',
    division: 'e.division_code',
    level: 'e.level',
    page: 2000,
    columns: {
      id: 'e.id',
      uscc: 'e.uscc',
      externalId: 'e.external_id',
      name: 'e.name',
      // The industry as the register wrote it (a GB/T 4754 code or name), so importing the export again keeps
      // its classification; the service's industry where there is none (an enterprise entered in the service).
      industry: 'coalesce(e.industry_source, e.industry)',
      scale: 'e.scale',
      affiliation: 'e.affiliation',
      highHazard: 'e.high_hazard',
      centralVertical: 'e.central_vertical',
      isOutlet: 'e.is_outlet',
      explicitTier: "CASE WHEN e.tier_source = 'explicit' THEN e.tier END",
      tier: 'e.tier',
      divisionCode: 'e.division_code',
      gridCode: 'g.code',
      address: 'e.address',
      responsiblePerson: 'e.responsible_person',
      responsiblePhone: 'e.responsible_phone',
      creditStatus: 'e.credit_status',
      lastReportedAt: day('e.last_reported_at'),
      reportDueAt: day('e.report_due_at'),
      impactRadiusM: 'e.impact_radius_m',
      level: 'e.level',
      synthetic: 'e.synthetic',
    },
  },
  major_hazards: {
    fields: MAJOR_HAZARD_FIELDS,
    from: 'major_hazard m JOIN enterprise e ON e.id = m.enterprise_id',
    key: 'm.id',
    keyType: 'bigint',
    geom: 'm.geom',
    shape: 'point',
    division: 'e.division_code',
    level: 'm.level',
    page: 1000,
    columns: {
      externalId: ext('MH', 'm'),
      enterpriseUscc: 'e.uscc',
      enterpriseExternalId: 'e.external_id',
      name: 'm.name',
      population500m: 'm.population_500m',
      reportedR: 'm.reported_r',
      reportedGrade: 'm.reported_grade::text',
      impactRadiusM: 'm.impact_radius_m',
      reportedAt: day('m.reported_at'),
      validUntil: day('m.valid_until'),
      substances: `(SELECT coalesce(json_agg(json_build_object('name', s.name, 'cas', s.cas, 'class', s.hazard_class, 'q', s.q_t, 'Q', s.critical_q_t, 'beta', s.beta) ORDER BY s.id), '[]')
                    FROM major_hazard_substance s WHERE s.major_hazard_id = m.id)`,
      S: 'm.s',
      R: 'm.r',
      grade: 'm.grade',
      level: 'm.level',
    },
  },
  safety_risks: {
    fields: SAFETY_RISK_FIELDS,
    from: 'safety_risk r JOIN enterprise e ON e.id = r.enterprise_id',
    key: 'r.id',
    keyType: 'bigint',
    geom: 'r.geom',
    shape: 'point',
    division: 'e.division_code',
    level: 'r.level',
    page: 2000,
    columns: {
      externalId: ext('SR', 'r'),
      enterpriseUscc: 'e.uscc',
      enterpriseExternalId: 'e.external_id',
      name: 'r.name',
      description: 'r.description',
      ...METHOD_COLUMNS('r'),
      impactRadiusM: 'r.impact_radius_m',
      assessedAt: day('r.assessed_at'),
      validUntil: day('r.valid_until'),
    },
  },
  hidden_dangers: {
    fields: HIDDEN_DANGER_FIELDS,
    from: 'hidden_danger h JOIN enterprise e ON e.id = h.enterprise_id',
    key: 'h.id',
    keyType: 'bigint',
    geom: 'h.geom',
    shape: 'point',
    division: 'e.division_code',
    level: 'e.level',
    page: 2000,
    columns: {
      externalId: ext('HD', 'h'),
      enterpriseUscc: 'e.uscc',
      enterpriseExternalId: 'e.external_id',
      description: 'h.description',
      isMajor: 'h.is_major',
      foundAt: day('h.found_at'),
      deadline: day('h.deadline'),
      status: 'h.status',
      reportedBy: 'h.reported_by',
      rectifiedAt: instant('h.rectified_at'),
      rectifiedBy: 'h.rectified_by',
      rectification: 'h.rectification',
      verifiedAt: instant('h.verified_at'),
      verifiedBy: 'h.verified_by',
    },
  },
  area_assessments: {
    fields: AREA_ASSESSMENT_FIELDS,
    from: 'area_assessment a',
    key: 'a.id',
    keyType: 'bigint',
    geom: 'a.geom',
    shape: 'area',
    division: 'a.division_code',
    level: 'a.level',
    page: 500,
    columns: {
      externalId: ext('AA', 'a'),
      name: 'a.name',
      areaKind: 'a.area_kind',
      ...METHOD_COLUMNS('a'),
      assessor: 'a.assessor',
      assessedAt: day('a.assessed_at'),
      validUntil: day('a.valid_until'),
      divisionCode: 'a.division_code',
      bufferM: 'a.buffer_m',
      sourceLine: 'a.source_line',
    },
  },
  resources: {
    fields: RESOURCE_FIELDS,
    from: 'resource r',
    key: 'r.id',
    keyType: 'bigint',
    geom: 'r.geom',
    shape: 'point',
    division: 'r.division_code',
    level: null,
    page: 2000,
    columns: {
      externalId: ext('RS', 'r'),
      kind: 'r.kind',
      name: 'r.name',
      organisation: 'r.organisation',
      dutyPhone: 'r.duty_phone',
      contact: 'r.contact',
      status: 'r.status',
      capabilities: 'r.capabilities',
      teamType: 'r.team_type',
      headcount: 'r.headcount',
      equipmentType: 'r.equipment_type',
      quantity: 'r.quantity',
      items: 'CASE WHEN jsonb_array_length(r.items) > 0 THEN r.items END',
      capacity: 'r.capacity',
      expertField: 'r.expert_field',
      divisionCode: 'r.division_code',
      synthetic: 'r.synthetic',
    },
  },
  cells: {
    fields: CELL_FIELDS,
    from: 'cell c',
    key: 'c.id',
    keyType: 'bigint',
    geom: 'c.geom',
    shape: 'area',
    level: 'c.level',
    page: 2000,
    division: "EXISTS (SELECT 1 FROM region_cell rc WHERE rc.cell_id = c.id AND rc.region_kind = 'division' AND rc.region_key LIKE ? || '%')",
    columns: { id: 'c.id', h3: 'c.h3', res: 'c.res', level: 'c.level', stale: 'c.stale', rule: 'c.rule', score: 'c.score', counts: 'c.counts' },
  },
  divisions: {
    fields: [...DIVISION_FIELDS, { key: 'level', zh: '风险等级', type: { t: 'integer' }, exportOnly: true }],
    from: "division d LEFT JOIN region_level rl ON rl.region_kind = 'division' AND rl.region_key = d.code",
    key: 'd.code',
    keyType: 'text',
    geom: 'd.geom',
    shape: 'area',
    division: 'd.code',
    level: 'coalesce(rl.level, 0)',
    page: 200,
    columns: { code: 'd.code', name: 'd.name', nameEn: 'd.name_en', rank: 'd.rank', parentCode: 'd.parent_code', synthetic: 'd.synthetic', level: 'rl.level' },
  },
  mgmt_grids: {
    fields: [...MGMT_GRID_FIELDS, { key: 'level', zh: '风险等级', type: { t: 'integer' }, exportOnly: true }],
    from: "mgmt_grid g LEFT JOIN region_level rl ON rl.region_kind = 'mgmt_grid' AND rl.region_key = g.id::text",
    key: 'g.id',
    keyType: 'bigint',
    geom: 'g.geom',
    shape: 'area',
    division: 'g.division_code',
    level: 'coalesce(rl.level, 0)',
    page: 500,
    columns: { id: 'g.id', code: 'g.code', name: 'g.name', divisionCode: 'g.division_code', level: 'rl.level' },
  },
}

/** Fields of a major hazard's substance, written one row per substance in tables. */
const SUBSTANCE_KEYS = ['substanceName', 'cas', 'hazardClass', 'q', 'criticalQ', 'beta'] as const

/** The columns of a layer in a table (CSV/XLSX), in field order. */
function tableFields(layer: ExportLayerName, spec: LayerSpec): Field[] {
  const keys = new Set([...Object.keys(spec.columns), ...(spec.shape === 'point' ? ['lon', 'lat'] : ['geometry'])])
  if (layer === 'major_hazards') {
    keys.delete('substances')
    SUBSTANCE_KEYS.forEach((k) => keys.add(k))
  }
  return spec.fields.filter((f) => keys.has(f.key))
}

/** Layers whose rows belong to an enterprise, aliased `e` in their FROM clause. */
const ENTERPRISE_JOINED = /\benterprise e\b/
/** An enterprise's contact data, exported only to readers whose scope includes contacts. */
const CONTACT_KEYS = new Set(['responsiblePerson', 'responsiblePhone'])

/** One page of rows after `after` (keyset), with geometry as GeoJSON (and WKT for tables). */
async function page(
  db: Knex,
  spec: LayerSpec,
  filter: ExportFilter,
  after: string | number | null,
  wkt: boolean,
  wkb = false,
): Promise<Array<Record<string, unknown>>> {
  const where: string[] = []
  const bindings: Array<string | number> = []
  if (after !== null) {
    where.push(`${spec.key} > ?::${spec.keyType}`)
    bindings.push(after)
  }
  if (filter.division) {
    if (spec.division.includes('?')) where.push(spec.division)
    else where.push(`${spec.division} LIKE ? || '%'`)
    bindings.push(filter.division)
  }
  // The read scope (auth/access readScope): a grid worker exports the enterprise data of the grid only.
  if (filter.scopeGridId !== undefined && ENTERPRISE_JOINED.test(spec.from)) {
    where.push('e.mgmt_grid_id = ?')
    bindings.push(filter.scopeGridId)
  }
  if (filter.minLevel !== undefined && filter.minLevel > 0) {
    where.push(`${spec.level} >= ?`)
    bindings.push(filter.minLevel)
  }
  if (filter.bbox) {
    where.push(`${spec.geom} && ST_MakeEnvelope(?, ?, ?, ?, 4326) AND ST_Intersects(${spec.geom}, ST_MakeEnvelope(?, ?, ?, ?, 4326))`)
    const b = filter.bbox
    bindings.push(b.minLon, b.minLat, b.maxLon, b.maxLat, b.minLon, b.minLat, b.maxLon, b.maxLat)
  }
  if (spec === LAYERS.cells) {
    where.push('c.res = ?')
    bindings.push(filter.res)
  }
  const select = Object.entries(spec.columns).map(([k, sql]) =>
    !filter.contacts && CONTACT_KEYS.has(k)
      ? `NULL::text AS "${k}"`
      : k === 'sourceLine'
        ? `ST_AsGeoJSON(${sql}, 9)::json AS "sourceLine"`
        : `${sql} AS "${k}"`,
  )
  select.push(`${spec.key} AS "_key"`, `ST_AsGeoJSON(${spec.geom}, 9)::json AS "_geometry"`)
  if (wkt && spec.shape === 'area') select.push(`ST_AsText(${spec.geom}, 9) AS "geometry"`)
  if (wkb) select.push(`ST_AsBinary(${spec.geom}, 'NDR') AS "_wkb"`)
  if (wkt && 'sourceLine' in spec.columns) select.push(`ST_AsText(${spec.columns.sourceLine}, 9) AS "_sourceLineWkt"`)
  const sql = `SELECT ${select.join(', ')} FROM ${spec.from} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${spec.key} LIMIT ${spec.page}`
  const { rows } = await db.raw<{ rows: Array<Record<string, unknown>> }>(sql, bindings)
  return rows
}

/** Every row of the selection, page by page. The first page is fetched before this returns, so a bad query fails early. */
async function selection(db: Knex, spec: LayerSpec, filter: ExportFilter, wkt: boolean, wkb = false): Promise<AsyncIterable<Record<string, unknown>>> {
  const first = await page(db, spec, filter, null, wkt, wkb)
  return (async function* () {
    let rows = first
    for (;;) {
      for (const row of rows) yield row
      if (rows.length < spec.page) return
      rows = await page(db, spec, filter, rows[rows.length - 1]!._key as string | number, wkt, wkb)
    }
  })()
}

/** A cell a spreadsheet would read as a formula: = + - @ after any leading tab, CR, LF or space. */
export const FORMULA_START = /^[\t\r\n ]*[=+\-@]/

/** A value as a table cell: labels in the chosen language, yes/no, lists joined, JSON (the CSV formula guard is csvField). */
export function cellValue(field: Field, value: unknown, lang: 'zh' | 'en'): string | number {
  if (value === null || value === undefined) return ''
  const type = field.type
  if (type.t === 'boolean') return lang === 'zh' ? (value ? '是' : '否') : value ? 'true' : 'false'
  if (type.t === 'enum' && lang === 'zh') return type.values[String(value)]?.[0] ?? String(value)
  if (field.exportLabels && lang === 'zh') return field.exportLabels[String(value)]?.[0] ?? String(value)
  if (type.t === 'list' && Array.isArray(value)) {
    const labels = type.values
    return (value as string[]).map((v) => (lang === 'zh' && labels ? (labels[v]?.[0] ?? v) : v)).join(lang === 'zh' ? '、' : ',')
  }
  if (typeof value === 'number') return value
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** Table rows of one database row: one per substance for major hazards. */
function* tableRows(layer: ExportLayerName, row: Record<string, unknown>): Generator<Record<string, unknown>> {
  const geometry = row._geometry as { coordinates?: number[] } | null
  const base: Record<string, unknown> = { ...row }
  if (geometry && Array.isArray(geometry.coordinates) && typeof geometry.coordinates[0] === 'number') {
    base.lon = geometry.coordinates[0]
    base.lat = geometry.coordinates[1]
  }
  if ('_sourceLineWkt' in row) base.sourceLine = row._sourceLineWkt
  if (layer !== 'major_hazards') {
    yield base
    return
  }
  const substances = (row.substances as Array<{ name: string; cas: string | null; class: string | null; q: number; Q: number; beta: number }>) ?? []
  for (const s of substances.length > 0 ? substances : [null]) {
    yield s === null ? base : { ...base, substanceName: s.name, cas: s.cas, hazardClass: s.class, q: s.q, criticalQ: s.Q, beta: s.beta }
  }
}

/**
 * One CSV field. Text that a spreadsheet would run as a formula gets an apostrophe, which import drops
 * again; spreadsheets skip leading tabs, line breaks and spaces before the formula sign (OWASP CSV
 * injection). XLSX needs no guard: its cells are typed strings (inlineStr), never formulas, and an
 * apostrophe there would show as data.
 */
export function csvField(value: string | number): string {
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export interface ExportStream {
  contentType: string
  stream: Readable
}

/** Streams a layer in a format. Throws AppError for a filter that does not apply. */
export async function exportLayer(db: Knex, layer: ExportLayerName, format: ExportFormat, filter: ExportFilter): Promise<ExportStream> {
  const spec = LAYERS[layer]
  if (filter.minLevel !== undefined && filter.minLevel > 0 && spec.level === null)
    throw invalid('minLevel', `does not apply to ${layer}: they have no risk level`)
  if (format === 'gpkg') return geoPackage(db, layer, spec, filter)
  const rows = counted(await selection(db, spec, filter, format !== 'geojson'), filter.onDone)
  if (format === 'geojson') {
    async function* features(): AsyncGenerator<string> {
      yield '{"type":"FeatureCollection","features":['
      let first = true
      for await (const row of rows) {
        const { _key, _geometry, ...properties } = row
        if (layer === 'cells') properties.id = Number(properties.id)
        if (layer === 'enterprises') properties.id = Number(properties.id)
        const feature = { type: 'Feature', geometry: _geometry, properties }
        yield `${first ? '' : ','}\n${JSON.stringify(feature)}`
        first = false
      }
      yield '\n]}\n'
    }
    return { contentType: 'application/geo+json; charset=utf-8', stream: Readable.from(features(), { objectMode: false }) }
  }
  const fields = tableFields(layer, spec)
  const header = [...(filter.wkt ? ['WKT'] : []), ...fields.map((f) => (filter.lang === 'zh' ? f.zh : f.key))]
  async function* cells(): AsyncGenerator<Array<string | number>> {
    for await (const row of rows) {
      for (const flat of tableRows(layer, row)) {
        const values = fields.map((f) => {
          const v = flat[f.key]
          return f.key === 'id' && v !== null && v !== undefined ? Number(v) : cellValue(f, v, filter.lang)
        })
        if (filter.wkt) values.unshift(spec.shape === 'point' ? `POINT (${flat.lon} ${flat.lat})` : String(flat.geometry ?? ''))
        yield values
      }
    }
  }
  return tableStream(layer, format, header, cells())
}

/**
 * Rows of a table as CSV (UTF-8 with BOM, CRLF, quoted where needed) or XLSX (one sheet named
 * `sheetName`), streamed as they come. Values should already be table cells (see `cellValue`: the
 * formula guard is applied there).
 */
export function tableStream(sheetName: string, format: 'csv' | 'xlsx', header: readonly string[], rows: AsyncIterable<Array<string | number>>): ExportStream {
  if (format === 'csv') {
    async function* lines(): AsyncGenerator<string> {
      yield `\uFEFF${header.map(csvField).join(',')}\r\n`
      let buffer: string[] = []
      for await (const line of rows) {
        buffer.push(line.map(csvField).join(','))
        if (buffer.length >= 500) {
          yield `${buffer.join('\r\n')}\r\n`
          buffer = []
        }
      }
      if (buffer.length > 0) yield `${buffer.join('\r\n')}\r\n`
    }
    return { contentType: 'text/csv; charset=utf-8', stream: Readable.from(lines(), { objectMode: false }) }
  }
  return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', stream: xlsxStream(sheetName, [...header], rows) }
}

/** GeoPackage column type of an export field. */
function gpkgType(field: Field | undefined): GpkgColumnType {
  switch (field?.type.t) {
    case 'integer':
      return 'INTEGER'
    case 'number':
      return 'REAL'
    case 'boolean':
      return 'BOOLEAN'
    case 'date':
      return 'DATE'
    case 'timestamp':
      return 'DATETIME'
    default:
      return 'TEXT'
  }
}

/**
 * A layer as a GeoPackage (EPSG:4326): one feature table named after the layer, with the GeoJSON
 * export's English property keys as columns and their values (not the Chinese labels).
 */
async function geoPackage(db: Knex, layer: ExportLayerName, spec: LayerSpec, filter: ExportFilter): Promise<ExportStream> {
  const rows = counted(await selection(db, spec, filter, false, true), filter.onDone)
  const keys = Object.keys(spec.columns)
  const columns = keys.map((key) => ({ name: key, type: key === 'id' ? ('INTEGER' as const) : gpkgType(spec.fields.find((f) => f.key === key)) }))
  const bytes = await writeGeoPackage(
    {
      table: layer,
      description: `riskmap ${layer}, exported ${new Date().toISOString().slice(0, 10)}`,
      geometryType: layer === 'cells' ? 'POLYGON' : spec.shape === 'point' ? 'POINT' : 'MULTIPOLYGON',
      columns,
    },
    (async function* () {
      for await (const row of rows) yield { wkb: row._wkb as Uint8Array | null, values: keys.map((k) => row[k]) }
    })(),
  )
  return { contentType: 'application/geopackage+sqlite3', stream: Readable.from([Buffer.from(bytes)]) }
}
