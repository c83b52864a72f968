/**
 * Importing polygons: public-area risk assessments (docs/domain.md §3.4: an area, or a corridor — a line
 * buffered geodesically by bufferM metres), division units (GB/T 2260 codes) and management grids.
 * Polygons arrive as GeoJSON / shapefile geometry or as WKT (or GeoJSON text) in a table cell.
 */
import type { Geometry } from 'geojson'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { divisionByName } from '../../domain/division-register'
import { bufferIssues, dateOrderIssues, divisionCodeIssues } from '../../domain/source-checks'
import type { Field } from './fields'
import { asMultiLineString, asMultiPolygon, geometryFromCell, geometryProblem } from './geometry'
import { EXTERNAL_ID_FIELD, METHOD_FIELDS, gradeMethod, sourceProblem } from './kind-sources'
import { divisionOfSql, setDivisionParents, upsertDivisions, upsertMgmtGrids } from '../divisions'
import { writeAreaAssessmentRows, type MethodColumns } from '../sources'
import { recordsByExternalId } from './lookups'
import { changedRecords, recordSnapshots } from './snapshots'
import { jsonRows, type KindContext, type KindSpec, type Prepared, type Problem, type WriteResult } from './kinds'

export const GEOMETRY_FIELD: Field = {
  key: 'geometry',
  zh: '几何(WKT)',
  aliases: ['wkt', 'geom', '几何', '空间范围', '边界', 'geojson', 'shape'],
  type: { t: 'geometry' },
  description: 'WKT (e.g. MULTIPOLYGON(((…)))) or GeoJSON geometry text; GeoJSON and shapefile features carry it as their geometry',
  descriptionZh: 'WKT（如 MULTIPOLYGON(((…)))）或 GeoJSON 几何文本；GeoJSON 与 Shapefile 的要素以其几何为准',
}
const DIVISION_CODE_FIELD: Field = {
  key: 'divisionCode',
  zh: '行政区划代码',
  aliases: ['区划代码', '所属区划', 'division', 'adcode'],
  type: { t: 'text', maxLength: 9 },
}
const SYNTHETIC_FIELD: Field = { key: 'synthetic', zh: '示例数据', aliases: ['示例', 'demo'], type: { t: 'boolean' } }

/** The shared division-code check (domain/source-checks.ts): a 6- or 9-digit code of a division in the database or the file. */
function divisionProblem(code: string | null, ctx: KindContext): Problem[] {
  return divisionCodeIssues(code, (c) => ctx.divisions.has(c)).map((issue) => sourceProblem(issue, []))
}

// ------------------------------------------------------------------------------ area assessments

export const AREA_KIND_VALUES = { area: ['区域', '面', '片区'], corridor: ['廊道', '带状', '管线', '线'] } as const

export const AREA_ASSESSMENT_FIELDS: readonly Field[] = [
  EXTERNAL_ID_FIELD,
  { key: 'name', zh: '区域名称', aliases: ['名称', '评估区域', '区域'], type: { t: 'text', maxLength: 200 }, required: true },
  { key: 'areaKind', zh: '区域类型', aliases: ['类型'], type: { t: 'enum', values: AREA_KIND_VALUES } },
  ...METHOD_FIELDS,
  { key: 'assessor', zh: '评估人', aliases: ['评估单位', '评估机构'], type: { t: 'text', maxLength: 200 }, required: true },
  { key: 'assessedAt', zh: '评估日期', aliases: ['评价日期'], type: { t: 'date' }, required: true },
  { key: 'validUntil', zh: '有效期至', aliases: ['有效期'], type: { t: 'date' } },
  DIVISION_CODE_FIELD,
  { key: 'bufferM', zh: '缓冲距离(米)', aliases: ['缓冲距离', '缓冲半径', '半宽'], type: { t: 'number', positive: true, max: 5000 } },
  { key: 'sourceLine', zh: '中心线(WKT)', aliases: ['中心线', 'sourceline'], type: { t: 'geometry' } },
  GEOMETRY_FIELD,
]

interface AreaRecord {
  externalId: string
  row: MethodColumns & Record<string, unknown>
  geometry: Geometry
  /** The line of a corridor; null for an area. */
  line: Geometry | null
  bufferM: number | null
  divisionCode: string | null
}

export const areaAssessmentsKind: KindSpec<AreaRecord> = {
  kind: 'area_assessments',
  tables: ['area_assessment'],
  label: { en: 'area assessment', zh: '公共区域风险评估' },
  fields: AREA_ASSESSMENT_FIELDS,
  geometry: 'area',
  prepare(input, ctx) {
    const v = input.values
    const graded = gradeMethod(v, ctx.rules)
    const problems: Problem[] = Array.isArray(graded) ? [...graded] : []
    const g = input.geometry!
    const isLine = g.type === 'LineString' || g.type === 'MultiLineString'
    const areaKind = (v.areaKind as string | null | undefined) ?? (isLine ? 'corridor' : 'area')
    const bufferM = (v.bufferM as number | null | undefined) ?? null
    let line: Geometry | null = null
    if (areaKind === 'corridor') {
      problems.push(...bufferIssues('corridor', bufferM).map((issue) => sourceProblem(issue, [])))
      if (isLine) line = g
      else if (v.sourceLine !== null && v.sourceLine !== undefined) {
        try {
          const parsed = geometryFromCell(v.sourceLine)
          const problem = geometryProblem(parsed)
          if (problem) problems.push({ field: 'sourceLine', ...problem })
          else if (asMultiLineString(parsed) === null)
            problems.push({ field: 'sourceLine', code: 'not_a_line', params: { type: parsed.type }, reason: 'must be a LineString or MultiLineString' })
          else line = ctx.toWgs84(parsed)
        } catch (err) {
          problems.push(
            err instanceof AppError
              ? { field: 'sourceLine', code: 'line_not_lon_lat', params: { detail: err.message }, reason: err.message }
              : {
                  field: 'sourceLine',
                  code: 'geometry_unreadable',
                  params: { detail: (err as Error).message },
                  reason: `is not WKT or GeoJSON: ${(err as Error).message}`,
                },
          )
        }
      } else
        problems.push({
          field: 'sourceLine',
          code: 'corridor_line_required',
          reason: 'a corridor given as a polygon needs its centre line (中心线) too; or give the line itself as the geometry',
        })
    } else {
      if (isLine)
        problems.push({
          field: 'geometry',
          code: 'area_not_line',
          reason: 'an area needs a Polygon or MultiPolygon (a line makes a corridor: set 区域类型 to 廊道 with 缓冲距离)',
        })
      problems.push(...bufferIssues('area', bufferM).map((issue) => sourceProblem(issue, [])))
    }
    if (!isLine && asMultiPolygon(g) === null)
      problems.push({
        field: 'geometry',
        code: 'area_geometry_type',
        params: { type: g.type },
        reason: `must be a Polygon, MultiPolygon or (for a corridor) a line, not ${g.type}`,
      })
    problems.push(...divisionProblem((v.divisionCode as string | null | undefined) ?? null, ctx))
    problems.push(...dateOrderIssues('area_assessment', v).map((issue) => sourceProblem(issue, AREA_ASSESSMENT_FIELDS)))
    if (problems.length > 0) return problems
    return {
      externalId: String(v.externalId),
      row: {
        ...(graded as MethodColumns),
        name: v.name,
        area_kind: areaKind,
        assessor: v.assessor,
        assessed_at: v.assessedAt,
        valid_until: v.validUntil ?? null,
        rule_version: ctx.rules.version,
      },
      geometry: g,
      line,
      bufferM: areaKind === 'corridor' ? bufferM : null,
      divisionCode: (v.divisionCode as string | null | undefined) ?? null,
    }
  },
  keys: (r) => [{ field: 'externalId', value: r.externalId }],
  async write(trx, batch): Promise<WriteResult> {
    const existing = await recordsByExternalId<{ id: number }>(
      trx,
      'area_assessment',
      'AA',
      batch.map((p) => p.record.externalId),
      [],
    )
    const before = await recordSnapshots(
      trx,
      'area_assessment',
      'id',
      [...existing.values()].map((e) => e.id),
    )
    const rows = batch.map((p) => {
      const r = p.record
      const zoneIsLine = r.geometry.type === 'LineString' || r.geometry.type === 'MultiLineString'
      return {
        ...r.row,
        id: existing.get(r.externalId)?.id ?? null,
        external_id: r.externalId,
        division_code: r.divisionCode,
        buffer_m: r.bufferM,
        source_line: r.line === null ? null : asMultiLineString(r.line),
        polygon: zoneIsLine ? null : asMultiPolygon(r.geometry),
      }
    })
    const out = await writeAreaAssessmentRows(trx, rows)
    const created = out.filter((o) => o.inserted).length
    const after = await recordSnapshots(
      trx,
      'area_assessment',
      'id',
      out.filter((o) => !o.inserted).map((o) => Number(o.id)),
    )
    return {
      created,
      updated: out.length - created,
      enterpriseIds: [],
      areaIds: out.map((o) => Number(o.id)),
      changes: changedRecords('area_assessment', before, after),
    }
  },
}

// ------------------------------------------------------------------------------ divisions

export const RANK_VALUES = {
  province: ['省', '省级'],
  city: ['市', '地级市', '市级'],
  county: ['县', '区', '县级', '区县', '县级市'],
  township: ['乡镇', '街道', '乡', '镇', '乡镇级'],
} as const

export const DIVISION_FIELDS: readonly Field[] = [
  {
    key: 'code',
    zh: '区划代码',
    aliases: ['行政区划代码', 'adcode', 'divisioncode', '代码'],
    type: { t: 'text', maxLength: 9 },
    description: "GB/T 2260 code; left out or empty, the division of that name in the deployment's register (REGION_CODE)",
    descriptionZh: 'GB/T 2260 代码；不填时按名称在本部署（REGION_CODE）登记的行政区划中查找',
  },
  { key: 'name', zh: '区划名称', aliases: ['名称', '行政区划名称'], type: { t: 'text', maxLength: 200 }, required: true },
  { key: 'nameEn', zh: '英文名称', aliases: ['name_en', 'englishname'], type: { t: 'text', maxLength: 200 } },
  { key: 'rank', zh: '级别', aliases: ['层级', '区划级别'], type: { t: 'enum', values: RANK_VALUES } },
  { key: 'parentCode', zh: '上级区划代码', aliases: ['上级代码', 'parent', 'parent_code'], type: { t: 'text', maxLength: 9 } },
  SYNTHETIC_FIELD,
  GEOMETRY_FIELD,
]

/** The rank a GB/T 2260 code implies: 9 digits township, xx0000 province, xxxx00 city, else county. */
export function rankOfCode(code: string): 'province' | 'city' | 'county' | 'township' {
  if (code.length === 9) return 'township'
  if (code.endsWith('0000')) return 'province'
  if (code.endsWith('00')) return 'city'
  return 'county'
}

/** The parent a code implies (null for a province). */
export function parentOfCode(code: string): string | null {
  const rank = rankOfCode(code)
  if (rank === 'township') return code.slice(0, 6)
  if (rank === 'county') return `${code.slice(0, 4)}00`
  if (rank === 'city') return `${code.slice(0, 2)}0000`
  return null
}

interface ParentLink {
  code: string
  parentCode: string
  parentDerived: boolean
  row: number
  line: number
}

interface DivisionRecord {
  code: string
  name: string
  nameEn: string | null | undefined
  rank: string
  parentCode: string | null
  /** The parent came from the code, not the file: a missing one is left out silently. */
  parentDerived: boolean
  synthetic: boolean | null | undefined
  geometry: Geometry
  row: number
  line: number
}

/** The register code of a division a boundary file names without a code, or the row's problem. */
function codeOfName(name: string, parentCode: string | null, ctx: KindContext): string | Problem[] {
  const match = divisionByName(ctx.register, name, parentCode)
  if (match.kind === 'found') return match.division.code
  const region = ctx.regionCode ?? 'none'
  if (match.kind === 'none') {
    return [
      {
        field: 'name',
        value: name,
        code: 'division_name_unknown',
        params: { name, region },
        reason: `the name "${name}" is not a division of this deployment's register (REGION_CODE ${region}): give 区划代码 (code)`,
      },
    ]
  }
  const candidates = match.candidates.map((d) => `${d.name} ${d.code}`)
  return [
    {
      field: 'name',
      value: name,
      code: 'division_name_ambiguous',
      params: { name, candidates },
      reason: `the name "${name}" names several divisions (${candidates.join(', ')}): give 区划代码 (code) or 上级区划代码 (parentCode)`,
    },
  ]
}

export const divisionsKind: KindSpec<DivisionRecord> = {
  kind: 'divisions',
  tables: ['division'],
  label: { en: 'division unit', zh: '行政区划' },
  fields: DIVISION_FIELDS,
  geometry: 'area',
  noExtentCheck: true,
  prepare(input, ctx) {
    const v = input.values
    const named = v.code === null || v.code === undefined ? codeOfName(v.name as string, (v.parentCode as string | null | undefined) ?? null, ctx) : null
    if (Array.isArray(named)) return named
    const code = named ?? String(v.code)
    const problems: Problem[] = []
    if (!/^(\d{6}|\d{9})$/.test(code))
      problems.push({ field: 'code', value: code, code: 'division_code_format', reason: 'must be a 6-digit (GB/T 2260) or 9-digit township code' })
    if (asMultiPolygon(input.geometry!) === null)
      problems.push({
        field: 'geometry',
        code: 'polygon_type',
        params: { type: input.geometry!.type },
        reason: `must be a Polygon or MultiPolygon, not ${input.geometry!.type}`,
      })
    const parentGiven = ctx.present.has('parentCode')
    const parentCode = parentGiven ? ((v.parentCode as string | null) ?? null) : /^(\d{6}|\d{9})$/.test(code) ? parentOfCode(code) : null
    if (parentGiven && parentCode !== null && !/^(\d{6}|\d{9})$/.test(parentCode))
      problems.push({ field: 'parentCode', value: parentCode, code: 'parent_code_format', reason: 'must be a 6- or 9-digit code' })
    if (problems.length > 0) return problems
    // A row already refused is not a parent for the rows after it.
    if (input.failed === undefined) ctx.divisions.add(code)
    return {
      code,
      name: v.name as string,
      nameEn: v.nameEn as string | null | undefined,
      rank: (v.rank as string | null | undefined) ?? rankOfCode(code),
      parentCode,
      parentDerived: !parentGiven,
      synthetic: v.synthetic as boolean | null | undefined,
      geometry: input.geometry!,
      row: input.row,
      line: input.line,
    }
  },
  keys: (r) => [{ field: 'code', value: r.code }],
  async write(trx, batch, ctx) {
    const parents = (ctx.memo.get('parents') as ParentLink[] | undefined) ?? []
    ctx.memo.set('parents', parents)
    const stored = new Map(
      (
        (await trx('division')
          .whereIn(
            'code',
            batch.map((p) => p.record.code),
          )
          .select('code', 'name_en', 'synthetic')) as Array<{ code: string; name_en: string | null; synthetic: boolean }>
      ).map((r) => [r.code, r]),
    )
    const rows = batch.map(({ record: r }) => {
      if (r.parentCode !== null) parents.push({ code: r.code, parentCode: r.parentCode, parentDerived: r.parentDerived, row: r.row, line: r.line })
      const kept = stored.get(r.code)
      return {
        code: r.code,
        name: r.name,
        rank: r.rank,
        geom: asMultiPolygon(r.geometry),
        name_en: r.nameEn !== undefined ? r.nameEn : (kept?.name_en ?? null),
        synthetic: r.synthetic !== undefined ? (r.synthetic ?? false) : (kept?.synthetic ?? false),
      }
    })
    const codes = batch.map((p) => p.record.code)
    const before = await recordSnapshots(trx, 'division', 'code', codes)
    // Parents are set in finish(), once every division of the file exists.
    const out = await upsertDivisions(trx, rows)
    const created = out.filter((o) => o.inserted).length
    const changes = changedRecords('division', before, await recordSnapshots(trx, 'division', 'code', [...before.keys()]))
    return { created, updated: out.length - created, enterpriseIds: [], areaIds: [], regionsChanged: true, changes }
  },
  async finish(trx, ctx) {
    const parents = (ctx.memo.get('parents') as ParentLink[] | undefined) ?? []
    if (parents.length === 0) return []
    const existing = new Set(
      (
        (await trx('division')
          .whereIn('code', [...new Set(parents.map((p) => p.parentCode!))])
          .select('code')) as Array<{ code: string }>
      ).map((r) => r.code),
    )
    const problems: Array<{ row: number; line: number; problem: Problem }> = []
    const updates: Array<{ code: string; parent: string }> = []
    for (const p of parents) {
      if (existing.has(p.parentCode!)) updates.push({ code: p.code, parent: p.parentCode! })
      else if (!p.parentDerived)
        problems.push({
          row: p.row,
          line: p.line,
          problem: {
            field: 'parentCode',
            value: p.parentCode,
            code: 'parent_unknown',
            params: { code: p.parentCode! },
            reason: `parent division ${p.parentCode} does not exist in the database or the file`,
          },
        })
    }
    await setDivisionParents(trx, updates)
    return problems
  },
}

// ------------------------------------------------------------------------------ management grids

export const MGMT_GRID_FIELDS: readonly Field[] = [
  { key: 'code', zh: '网格编码', aliases: ['网格代码', '编码', 'gridcode'], type: { t: 'text', maxLength: 64 }, required: true },
  { key: 'name', zh: '网格名称', aliases: ['名称'], type: { t: 'text', maxLength: 200 }, required: true },
  DIVISION_CODE_FIELD,
  GEOMETRY_FIELD,
  { key: 'id', zh: '序号', type: { t: 'integer' }, exportOnly: true },
]

interface GridRecord {
  code: string
  name: string
  divisionCode: string | null
  geometry: Geometry
}

export const mgmtGridsKind: KindSpec<GridRecord> = {
  kind: 'mgmt_grids',
  tables: ['mgmt_grid'],
  label: { en: 'management grid', zh: '管理网格' },
  fields: MGMT_GRID_FIELDS,
  geometry: 'area',
  prepare(input, ctx) {
    const v = input.values
    const divisionCode = (v.divisionCode as string | null | undefined) ?? null
    const problems = divisionProblem(divisionCode, ctx)
    if (asMultiPolygon(input.geometry!) === null)
      problems.push({
        field: 'geometry',
        code: 'polygon_type',
        params: { type: input.geometry!.type },
        reason: `must be a Polygon or MultiPolygon, not ${input.geometry!.type}`,
      })
    if (problems.length > 0) return problems
    return { code: String(v.code), name: v.name as string, divisionCode, geometry: input.geometry! }
  },
  keys: (r) => [{ field: 'code', value: r.code }],
  async check(trx: Knex.Transaction, batch: Array<Prepared<GridRecord>>) {
    const need = batch.filter((p) => p.record.divisionCode === null)
    if (need.length === 0) return
    const { rows } = await trx.raw<{ rows: Array<{ i: number; code: string | null }> }>(
      `SELECT x.i, ${divisionOfSql('ST_SetSRID(ST_GeomFromGeoJSON(x.geom::text), 4326)')} AS code FROM jsonb_to_recordset(?::jsonb) AS x(i int, geom jsonb)`,
      [jsonRows(need.map((p, i) => ({ i, geom: p.record.geometry })))],
    )
    for (const r of rows) {
      const p = need[r.i]!
      if (r.code === null)
        p.problems.push({ field: 'divisionCode', code: 'grid_in_no_division', reason: 'the grid lies in no division: give 行政区划代码 (divisionCode)' })
      else p.record.divisionCode = r.code
    }
  },
  async write(trx, batch) {
    const rows = batch.map((p) => ({ code: p.record.code, name: p.record.name, division_code: p.record.divisionCode, geom: asMultiPolygon(p.record.geometry) }))
    const before = await recordSnapshots(
      trx,
      'mgmt_grid',
      'code',
      rows.map((r) => r.code),
    )
    const out = await upsertMgmtGrids(trx, rows)
    const created = out.filter((o) => o.inserted).length
    const changes = changedRecords('mgmt_grid', before, await recordSnapshots(trx, 'mgmt_grid', 'code', [...before.keys()]))
    return { created, updated: out.length - created, enterpriseIds: [], areaIds: [], regionsChanged: true, changes }
  },
}
