/**
 * Importing the grading sources an enterprise reports (docs/domain.md §3): major hazard installations with
 * their substances (GB 18218-2018), reported safety risks (LEC, risk matrix or a stated level) and
 * major accident hidden dangers. Each is keyed by its external id (编号) and hangs from an
 * enterprise named by USCC; without a location it stands at the enterprise's.
 */
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { canonicalHazardClass, compareReportedGrade, identifyAndGradeMajorHazard } from '../../domain/major-hazard'
import type { RuleSet } from '../../domain/rules'
import { dateOrderIssues, identificationIssues, placeSource, type DatedSourceKind, type SourceIssue } from '../../domain/source-checks'
import { normaliseUscc } from '../../domain/uscc'
import {
  gradeByMethod,
  insertSourceRows,
  replaceMajorHazardSubstances,
  updateSourceRows,
  type ImportedSourceRow,
  type ImportedSourceTable,
  type MethodColumns,
} from '../sources'
import type { Field } from './fields'
import { LAT_FIELD, LON_FIELD } from './kind-enterprises'
import { enterprisesByIdentifier, recordsByExternalId } from './lookups'
import { pointOf, type KindSpec, type Prepared, type Problem, type RowInput, type WriteResult } from './kinds'
import type { ProblemCode, ProblemParams } from './problems'
import { changedRecords, recordSnapshots, type ChildRows, type Snapshot } from './snapshots'

export const EXTERNAL_ID_FIELD: Field = {
  key: 'externalId',
  zh: '编号',
  aliases: ['外部编号', '记录编号', '源编号', 'externalid', 'code', '唯一编号'],
  type: { t: 'text', maxLength: 100 },
  required: true,
}
const ENTERPRISE_USCC_FIELD: Field = {
  key: 'enterpriseUscc',
  zh: '企业统一社会信用代码',
  aliases: ['统一社会信用代码', '企业信用代码', '信用代码', 'uscc', '所属企业信用代码'],
  type: { t: 'text', maxLength: 40 },
  description: "the enterprise's USCC; required unless 企业编号 (enterpriseExternalId) is given",
  descriptionZh: '所属企业的统一社会信用代码；未给出“企业编号”时必填',
}
/** The enterprise by its external id, for enterprises registered without a USCC (kind-enterprises.ts). */
const ENTERPRISE_EXTERNAL_ID_FIELD: Field = {
  key: 'enterpriseExternalId',
  zh: '企业编号',
  aliases: ['所属企业编号', 'enterpriseexternalid'],
  type: { t: 'text', maxLength: 100 },
  description: "the enterprise's external id (as imported with the enterprises), where it has no USCC",
  descriptionZh: '所属企业的企业编号（无统一社会信用代码的企业）',
}
/** One of the two enterprise columns is required. */
const enterpriseColumns = (_hasGeometry: boolean, has: (key: string) => boolean) => (has('enterpriseExternalId') ? [] : ['enterpriseUscc'])
const OPTIONAL_LON: Field = { ...LON_FIELD }
const OPTIONAL_LAT: Field = { ...LAT_FIELD }
const IMPACT_RADIUS: Field = { key: 'impactRadiusM', zh: '影响半径(米)', aliases: ['影响半径'], type: { t: 'number', positive: true, max: 50_000 } }
const VALID_UNTIL: Field = { key: 'validUntil', zh: '有效期至', aliases: ['有效期', '有效截止日期'], type: { t: 'date' } }

export const LEVEL_VALUES = {
  '4': ['重大风险', '重大', '红', '红色', 'red'],
  '3': ['较大风险', '较大', '橙', '橙色', 'orange'],
  '2': ['一般风险', '一般', '黄', '黄色', 'yellow'],
  '1': ['低风险', '低', '蓝', '蓝色', 'blue'],
} as const
export const METHOD_VALUES = {
  lec: ['LEC', '作业条件危险性评价法', 'LEC法'],
  matrix: ['风险矩阵', '风险矩阵法', '矩阵', 'LS'],
  stated: ['直接定级', '定级', '指定等级'],
} as const

/** The assessment-method columns shared by safety risks and area assessments (docs/domain.md §3.2). */
export const METHOD_FIELDS: readonly Field[] = [
  { key: 'method', zh: '评估方法', aliases: ['方法', '评价方法'], type: { t: 'enum', values: METHOD_VALUES } },
  { key: 'lecL', zh: 'LEC可能性L', aliases: ['L', 'lec_l', '可能性L'], type: { t: 'number' } },
  { key: 'lecE', zh: 'LEC暴露频率E', aliases: ['E', 'lec_e', '暴露频率E'], type: { t: 'number' } },
  { key: 'lecC', zh: 'LEC后果C', aliases: ['C', 'lec_c', '后果C'], type: { t: 'number' } },
  { key: 'matrixL', zh: '矩阵可能性L', aliases: ['matrix_l', '可能性'], type: { t: 'integer' } },
  { key: 'matrixS', zh: '矩阵严重性S', aliases: ['matrix_s', 'S', '严重性'], type: { t: 'integer' } },
  { key: 'statedLevel', zh: '指定等级', aliases: ['定级等级', '风险等级(指定)'], type: { t: 'enum', values: LEVEL_VALUES } },
  { key: 'statedMethod', zh: '定级方法', aliases: ['定级依据'], type: { t: 'text', maxLength: 200 } },
  { key: 'score', zh: '风险值', type: { t: 'number' }, exportOnly: true },
  { key: 'level', zh: '风险等级', aliases: ['等级'], type: { t: 'integer' }, exportOnly: true },
]

/** Grades the method columns of a row; the method is inferred from the values when no column names it. */
export function gradeMethod(v: Record<string, unknown>, rules: RuleSet): MethodColumns | Problem[] {
  const has = (k: string) => v[k] !== null && v[k] !== undefined
  const method =
    (v.method as MethodColumns['method'] | null | undefined) ??
    (has('lecL') || has('lecE') || has('lecC') ? 'lec' : has('matrixL') || has('matrixS') ? 'matrix' : has('statedLevel') ? 'stated' : null)
  if (method === null)
    return [
      {
        field: 'method',
        code: 'assessment_missing',
        reason: 'no assessment: give 评估方法 (method) with L, E, C (LEC), L and S (risk matrix) or a stated level',
      },
    ]
  // The row's flat columns, to the API's method block: one grading (sources' gradeByMethod) for both write paths.
  const fieldOf: Record<string, string> = { 'lec.L': 'lecL', 'lec.E': 'lecE', 'lec.C': 'lecC', 'matrix.L': 'matrixL', 'matrix.S': 'matrixS' }
  const missing = (keys: string[]): Problem[] =>
    keys.filter((k) => !has(k)).map((k) => ({ field: k, code: 'required_for_method', params: { method }, reason: `is required when the method is ${method}` }))
  const required = method === 'lec' ? ['lecL', 'lecE', 'lecC'] : method === 'matrix' ? ['matrixL', 'matrixS'] : ['statedLevel']
  const absent = missing(required)
  if (absent.length > 0) return absent
  try {
    return gradeByMethod(
      {
        method,
        lec: method === 'lec' ? { L: v.lecL as number, E: v.lecE as number, C: v.lecC as number } : null,
        matrix: method === 'matrix' ? { L: v.matrixL as number, S: v.matrixS as number } : null,
        stated: method === 'stated' ? { level: Number(v.statedLevel), method: (v.statedMethod as string | null) ?? '指定' } : null,
      },
      rules,
    )
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_input') {
      const detail = err.details[0]
      const field = fieldOf[detail?.field ?? ''] ?? 'method'
      // The domain's limits, for a page: LEC's value set, the matrix's range.
      const numbers = (detail?.message ?? '').match(/-?\d+(\.\d+)?/g)?.map(Number) ?? []
      const code: ProblemCode = method === 'lec' ? 'lec_not_in_set' : 'matrix_out_of_range'
      const params: ProblemParams = method === 'lec' ? { allowed: numbers.map(String) } : { min: numbers[0] ?? 0, max: numbers[1] ?? 0 }
      return [{ field, value: v[field], code, params, reason: detail?.message ?? err.message }]
    }
    throw err
  }
}

/** A source row's enterprise and location: the given point, or the enterprise's. */
interface SourceBase {
  externalId: string
  enterpriseUscc: string | null
  enterpriseExternalId: string | null
  lon: number | null
  lat: number | null
  /** Filled by the batch checks. */
  enterpriseId?: number
}

function sourceBase(input: RowInput): SourceBase {
  const p = pointOf(input.geometry)
  const { enterpriseUscc, enterpriseExternalId } = input.values
  return {
    externalId: String(input.values.externalId),
    enterpriseUscc: enterpriseUscc === null || enterpriseUscc === undefined ? null : normaliseUscc(String(enterpriseUscc)),
    enterpriseExternalId: enterpriseExternalId === null || enterpriseExternalId === undefined ? null : String(enterpriseExternalId).trim() || null,
    lon: p?.[0] ?? null,
    lat: p?.[1] ?? null,
  }
}

/**
 * A rule of the shared checks (domain/source-checks.ts, the API's too) as the importer words it: a
 * problem row naming the file's field; `fields` are the kind's, for the Chinese names of dates. The
 * API words the same issues as its 400 (sources/shared.ts `invalidSource`).
 */
export function sourceProblem(issue: SourceIssue, fields: readonly Field[]): Problem {
  switch (issue.code) {
    case 'date_before': {
      const { other, date } = issue.params
      const label = fields.find((f) => f.key === other)
      return {
        field: issue.field,
        value: issue.value,
        code: 'date_before',
        params: { other, date },
        reason: `is before ${label ? `${label.zh} (${other})` : other} ${date}`,
      }
    }
    case 'enterprise_unknown': {
      const ref = issue.params
      if (ref.by === 'externalId')
        return {
          field: 'enterpriseExternalId',
          value: ref.externalId,
          code: 'enterprise_unknown_external_id',
          params: { key: ref.externalId },
          reason: `no enterprise with the id ${ref.externalId}: import the enterprises first`,
        }
      // The importer names no enterprise by its id; an id would be worded as the key it was looked up by.
      const uscc = ref.by === 'uscc' ? ref.uscc : String(ref.id)
      return {
        field: 'enterpriseUscc',
        value: uscc,
        code: 'enterprise_unknown',
        params: { uscc },
        reason: `no enterprise with USCC ${uscc}: import the enterprises first`,
      }
    }
    case 'enterprise_required':
      return {
        field: 'enterpriseUscc',
        code: 'uscc_or_external_id_required',
        reason: 'the enterprise is required: give 企业统一社会信用代码 (enterpriseUscc) or 企业编号 (enterpriseExternalId)',
      }
    case 'point_half':
      return issue.field === 'lon'
        ? { field: 'lon', code: 'lon_required_with_lat', reason: 'is required when 纬度 (lat) is given' }
        : { field: 'lat', code: 'lat_required_with_lon', reason: 'is required when 经度 (lon) is given' }
    case 'division_code_format':
      return { field: 'divisionCode', value: issue.value, code: 'division_code_format', reason: 'must be a 6-digit (GB/T 2260) or 9-digit township code' }
    case 'division_unknown':
      return {
        field: 'divisionCode',
        value: issue.value,
        code: 'division_unknown',
        params: { code: issue.params.code },
        reason: `division ${issue.params.code} does not exist: import the divisions first`,
      }
    case 'corridor_buffer_required':
      return { field: 'bufferM', code: 'corridor_buffer_required', reason: 'is required for a corridor: its half-width, 1 to 5000 metres' }
    case 'buffer_corridor_only':
      return { field: 'bufferM', code: 'buffer_corridor_only', reason: 'applies to a corridor only' }
    case 'not_major_hazard': {
      const { S, threshold } = issue.params
      // The importer names q, the column a row of substances sets (the API names its substances list).
      return { field: 'q', code: 'not_major_hazard', params: { S, threshold }, reason: `not a major hazard installation: S = Σ q/Q = ${S} < ${threshold}` }
    }
  }
}

/** The shared date-order check of a row of `kind`, as problems. */
function dateOrder(kind: DatedSourceKind, v: Record<string, unknown>, fields: readonly Field[]): Problem[] {
  return dateOrderIssues(kind, v).map((issue) => sourceProblem(issue, fields))
}

/** The code of a rule of the major-hazard grading that a substance breaks (domain/major-hazard.ts names the field). */
function hazardRuleCode(field: string, message: string): { code: ProblemCode; params?: ProblemParams } {
  const index = Number(/\[(\d+)\]/.exec(field)?.[1] ?? 0) + 1
  if (/\.class$/.test(field)) return { code: 'hazard_class_unknown', params: { text: /"(.*)"/.exec(message)?.[1] ?? '', index } }
  if (/\.beta$/.test(field)) return { code: 'beta_invalid', params: { index } }
  if (/\.Q$/.test(field)) return { code: 'critical_quantity_invalid', params: { index } }
  if (/\.q$/.test(field)) return { code: 'quantity_invalid', params: { index } }
  if (field === 'population500m') return { code: 'population_invalid' }
  return { code: 'substance_required' }
}

/** Finds each row's enterprise by USCC (else by its external id) and fills a missing location from it. */
async function resolveEnterprises<R extends SourceBase>(trx: Knex.Transaction, batch: Array<Prepared<R>>): Promise<void> {
  const found = await enterprisesByIdentifier(
    trx,
    batch.flatMap((p) => (p.record.enterpriseUscc ? [p.record.enterpriseUscc] : [])),
    batch.flatMap((p) => (p.record.enterpriseExternalId ? [p.record.enterpriseExternalId] : [])),
  )
  for (const p of batch) {
    const { enterpriseUscc: uscc, enterpriseExternalId: externalId } = p.record
    const e = uscc ? found.byUscc.get(uscc) : externalId ? found.byExternalId.get(externalId) : undefined
    const ref: Parameters<typeof placeSource>[1] = uscc
      ? { field: 'enterpriseUscc', ref: { by: 'uscc', uscc } }
      : externalId
        ? { field: 'enterpriseExternalId', ref: { by: 'externalId', externalId } }
        : null
    const placed = placeSource(p.record, ref, e)
    if (!placed.ok || !e) {
      if (!placed.ok) p.problems.push(sourceProblem(placed.issue, []))
      continue
    }
    p.record.enterpriseId = e.id
    p.record.lon = placed.lon
    p.record.lat = placed.lat
  }
}

interface Existing {
  id: number
  enterprise_id: string
}

/**
 * Inserts new records and updates those whose external id is known, in two statements (the sources
 * store's `insertSourceRows` and `updateSourceRows`); returns the ids by external id, the enterprises
 * to regrade (old and new owners) and, with `audit`, each existing record the file changed with its
 * before/after snapshots. With `skipUnchanged` a record identical to what is stored is left alone
 * (not updated, not regraded).
 */
async function upsertByExternalId(
  trx: Knex.Transaction,
  table: ImportedSourceTable,
  prefix: string,
  rows: ImportedSourceRow[],
  { skipUnchanged = true, audit = true } = {},
): Promise<{ created: number; updated: number; ids: Map<string, number>; enterpriseIds: number[]; changes: NonNullable<WriteResult['changes']> }> {
  const existing = await recordsByExternalId<Existing>(
    trx,
    table,
    prefix,
    rows.map((r) => r.external_id),
    ['enterprise_id'],
  )
  const before = audit
    ? await recordSnapshots(
        trx,
        table,
        'id',
        [...existing.values()].map((e) => e.id),
      )
    : new Map<string | number, Snapshot>()
  const inserts = rows.filter((r) => !existing.has(r.external_id))
  const updates = rows.filter((r) => existing.has(r.external_id)).map((r) => ({ ...r, id: existing.get(r.external_id)!.id }))
  const ids = new Map<string, number>()
  const enterpriseIds = new Set<number>()
  if (inserts.length > 0) {
    const out = await insertSourceRows(trx, table, inserts)
    for (const r of out) {
      ids.set(r.external_id, Number(r.id))
      enterpriseIds.add(Number(r.enterprise_id))
    }
  }
  let updated = 0
  let changes: NonNullable<WriteResult['changes']> = []
  if (updates.length > 0) {
    const out = await updateSourceRows(trx, table, updates, { skipUnchanged })
    updated = out.length
    for (const u of updates) ids.set(u.external_id, u.id)
    for (const r of out) {
      enterpriseIds.add(Number(r.enterprise_id))
      enterpriseIds.add(Number(existing.get(r.external_id)?.enterprise_id ?? r.enterprise_id))
    }
    if (audit)
      changes = changedRecords(
        table,
        before,
        await recordSnapshots(
          trx,
          table,
          'id',
          out.map((r) => Number(r.id)),
        ),
      )
  }
  return { created: inserts.length, updated, ids, enterpriseIds: [...enterpriseIds], changes }
}

// ------------------------------------------------------------------------------ safety risks

export const SAFETY_RISK_FIELDS: readonly Field[] = [
  EXTERNAL_ID_FIELD,
  ENTERPRISE_USCC_FIELD,
  { key: 'name', zh: '风险名称', aliases: ['风险点名称', '名称', '风险点'], type: { t: 'text', maxLength: 200 }, required: true },
  { key: 'description', zh: '风险描述', aliases: ['描述', '风险说明'], type: { t: 'text', maxLength: 2000 } },
  ...METHOD_FIELDS,
  IMPACT_RADIUS,
  { key: 'assessedAt', zh: '评估日期', aliases: ['评价日期', '辨识日期'], type: { t: 'date' }, required: true },
  VALID_UNTIL,
  ENTERPRISE_EXTERNAL_ID_FIELD,
  OPTIONAL_LON,
  OPTIONAL_LAT,
]

interface SafetyRiskRecord extends SourceBase {
  row: Record<string, unknown>
}

export const safetyRisksKind: KindSpec<SafetyRiskRecord> = {
  kind: 'safety_risks',
  tables: ['safety_risk'],
  label: { en: 'safety risk', zh: '安全风险' },
  fields: SAFETY_RISK_FIELDS,
  geometry: 'point',
  pointOptional: true,
  requiredColumns: enterpriseColumns,
  prepare(input, ctx) {
    const v = input.values
    const graded = gradeMethod(v, ctx.rules)
    const problems = [...(Array.isArray(graded) ? graded : []), ...dateOrder('safety_risk', v, SAFETY_RISK_FIELDS)]
    if (problems.length > 0) return problems
    const base = sourceBase(input)
    return {
      ...base,
      row: {
        name: v.name,
        description: v.description ?? null,
        ...(graded as MethodColumns),
        impact_radius_m: v.impactRadiusM ?? null,
        assessed_at: v.assessedAt,
        valid_until: v.validUntil ?? null,
        rule_version: ctx.rules.version,
      },
    }
  },
  keys: (r) => [{ field: 'externalId', value: r.externalId }],
  async check(trx, batch) {
    await resolveEnterprises(trx, batch)
  },
  async write(trx, batch) {
    const rows = batch.map((p) => ({
      ...p.record.row,
      enterprise_id: p.record.enterpriseId,
      external_id: p.record.externalId,
      lon: p.record.lon,
      lat: p.record.lat,
    }))
    const r = await upsertByExternalId(trx, 'safety_risk', 'SR', rows)
    return { created: r.created, updated: r.updated, enterpriseIds: r.enterpriseIds, areaIds: [], changes: r.changes }
  },
}

// ------------------------------------------------------------------------------ hidden dangers

export const HIDDEN_DANGER_STATUS_VALUES = {
  open: ['未整改', '待整改', '整改中'],
  rectified: ['已整改', '整改完成', '待验收', '已整改待验收'],
  verified: ['已验收', '已销号', '验收通过', '已闭环'],
} as const

export const HIDDEN_DANGER_FIELDS: readonly Field[] = [
  EXTERNAL_ID_FIELD,
  ENTERPRISE_USCC_FIELD,
  { key: 'description', zh: '隐患描述', aliases: ['隐患内容', '描述', '隐患名称'], type: { t: 'text', maxLength: 2000 }, required: true },
  { key: 'isMajor', zh: '重大隐患', aliases: ['是否重大隐患', '是否重大'], type: { t: 'boolean' } },
  { key: 'foundAt', zh: '发现日期', aliases: ['排查日期', '检查日期'], type: { t: 'date' }, required: true },
  { key: 'deadline', zh: '整改期限', aliases: ['整改截止日期', '整改时限'], type: { t: 'date' }, required: true },
  { key: 'status', zh: '整改状态', aliases: ['状态'], type: { t: 'enum', values: HIDDEN_DANGER_STATUS_VALUES } },
  { key: 'reportedBy', zh: '报告人', aliases: ['上报人', '发现人', '检查人'], type: { t: 'text', maxLength: 100 }, required: true },
  { key: 'rectifiedAt', zh: '整改完成时间', aliases: ['整改完成日期'], type: { t: 'timestamp' } },
  { key: 'rectifiedBy', zh: '整改人', aliases: ['整改负责人'], type: { t: 'text', maxLength: 100 } },
  { key: 'rectification', zh: '整改措施', aliases: ['整改情况'], type: { t: 'text', maxLength: 2000 } },
  { key: 'verifiedAt', zh: '验收时间', aliases: ['验收日期', '销号日期'], type: { t: 'timestamp' } },
  { key: 'verifiedBy', zh: '验收人', aliases: ['销号人'], type: { t: 'text', maxLength: 100 } },
  ENTERPRISE_EXTERNAL_ID_FIELD,
  OPTIONAL_LON,
  OPTIONAL_LAT,
]

interface HiddenDangerRecord extends SourceBase {
  row: Record<string, unknown>
}

export const hiddenDangersKind: KindSpec<HiddenDangerRecord> = {
  kind: 'hidden_dangers',
  tables: ['hidden_danger'],
  label: { en: 'hidden danger', zh: '事故隐患' },
  fields: HIDDEN_DANGER_FIELDS,
  geometry: 'point',
  pointOptional: true,
  requiredColumns: enterpriseColumns,
  prepare(input) {
    const v = input.values
    const status = (v.status as string | null | undefined) ?? 'open'
    const problems = dateOrder('hidden_danger', v, HIDDEN_DANGER_FIELDS)
    if (status !== 'open' && !v.rectifiedAt)
      problems.push({ field: 'rectifiedAt', code: 'required_for_status', params: { status }, reason: `is required when the status is ${status}` })
    if (status === 'verified' && !v.verifiedAt)
      problems.push({ field: 'verifiedAt', code: 'required_for_status', params: { status }, reason: 'is required when the status is verified' })
    if (status === 'verified' && !v.verifiedBy)
      problems.push({ field: 'verifiedBy', code: 'required_for_status', params: { status }, reason: 'is required when the status is verified' })
    if (v.verifiedBy && v.verifiedBy === v.reportedBy)
      problems.push({
        field: 'verifiedBy',
        value: v.verifiedBy,
        code: 'verifier_is_reporter',
        reason: 'must differ from the person who reported the hidden danger',
      })
    if (problems.length > 0) return problems
    return {
      ...sourceBase(input),
      row: {
        description: v.description,
        is_major: v.isMajor ?? true,
        found_at: v.foundAt,
        deadline: v.deadline,
        status,
        reported_by: v.reportedBy,
        rectified_at: v.rectifiedAt ?? null,
        rectified_by: v.rectifiedBy ?? null,
        rectification: v.rectification ?? null,
        verified_at: v.verifiedAt ?? null,
        verified_by: v.verifiedBy ?? null,
      },
    }
  },
  keys: (r) => [{ field: 'externalId', value: r.externalId }],
  async check(trx, batch) {
    await resolveEnterprises(trx, batch)
  },
  async write(trx, batch) {
    const rows = batch.map((p) => ({
      ...p.record.row,
      enterprise_id: p.record.enterpriseId,
      external_id: p.record.externalId,
      lon: p.record.lon,
      lat: p.record.lat,
    }))
    const r = await upsertByExternalId(trx, 'hidden_danger', 'HD', rows)
    return { created: r.created, updated: r.updated, enterpriseIds: r.enterpriseIds, areaIds: [], changes: r.changes }
  },
}

// ------------------------------------------------------------------------------ major hazards

export const GRADE_VALUES = { '1': ['一级'], '2': ['二级'], '3': ['三级'], '4': ['四级'] } as const

export const MAJOR_HAZARD_FIELDS: readonly Field[] = [
  EXTERNAL_ID_FIELD,
  ENTERPRISE_USCC_FIELD,
  { key: 'name', zh: '危险源名称', aliases: ['重大危险源名称', '名称', '单元名称'], type: { t: 'text', maxLength: 200 }, required: true },
  { key: 'population500m', zh: '500米内人口', aliases: ['周边500米人口', '500米范围内人数', '人口'], type: { t: 'integer', min: 0 }, required: true },
  { key: 'reportedR', zh: '上报R值', aliases: ['上报r', 'reported_r'], type: { t: 'number', min: 0 } },
  { key: 'reportedGrade', zh: '上报等级', aliases: ['危险源等级', '级别'], type: { t: 'enum', values: GRADE_VALUES } },
  IMPACT_RADIUS,
  { key: 'reportedAt', zh: '备案日期', aliases: ['报告日期', '填报日期', '备案时间'], type: { t: 'date' }, required: true },
  VALID_UNTIL,
  {
    key: 'substances',
    zh: '物质清单',
    aliases: ['物质(json)'],
    type: { t: 'json' },
    description: 'JSON array of { name, cas, class, q, Q, beta }',
    descriptionZh: 'JSON 数组，每项 { name, cas, class, q, Q, beta }',
  },
  { key: 'substanceName', zh: '物质名称', aliases: ['危险化学品名称', '物质'], type: { t: 'text', maxLength: 200 } },
  { key: 'cas', zh: 'CAS号', aliases: ['cas', 'cas编号'], type: { t: 'text', maxLength: 20 } },
  { key: 'hazardClass', zh: '危险性类别', aliases: ['类别', 'class'], type: { t: 'text', maxLength: 20 } },
  { key: 'q', zh: '设计最大量(吨)', aliases: ['最大存在量', '设计最大量', '实际存在量', 'q(t)'], type: { t: 'number', positive: true } },
  { key: 'criticalQ', zh: '临界量(吨)', aliases: ['临界量', 'Q(t)', 'criticalq'], type: { t: 'number', positive: true } },
  { key: 'beta', zh: '校正系数β', aliases: ['β', '校正系数'], type: { t: 'number', positive: true } },
  ENTERPRISE_EXTERNAL_ID_FIELD,
  OPTIONAL_LON,
  OPTIONAL_LAT,
  { key: 'S', zh: 'S值', type: { t: 'number' }, exportOnly: true },
  { key: 'R', zh: 'R值(计算)', type: { t: 'number' }, exportOnly: true },
  { key: 'grade', zh: '分级', type: { t: 'integer' }, exportOnly: true },
  { key: 'level', zh: '风险等级', type: { t: 'integer' }, exportOnly: true },
]

interface Substance {
  name: string
  cas: string | null
  class: string | null
  q: number
  Q: number
  beta: number | null
}

interface MajorHazardRecord extends SourceBase {
  firstRow: number
  fields: {
    name: string
    population_500m: number
    reported_r: number | null
    reported_grade: number | null
    impact_radius_m: number | null
    reported_at: string
    valid_until: string | null
  }
  substances: Substance[]
  graded?: Record<string, unknown>
  betas?: number[]
}

function substancesOf(v: Record<string, unknown>): Substance[] | Problem[] {
  const out: Substance[] = []
  if (Array.isArray(v.substances)) {
    for (const [i, s] of (v.substances as Array<Record<string, unknown>>).entries()) {
      const q = Number(s.q)
      const Q = Number(s.Q ?? s.criticalQ)
      if (typeof s.name !== 'string' || !(q > 0) || !(Q > 0))
        return [
          { field: 'substances', code: 'substance_incomplete', params: { index: i + 1 }, reason: `substance ${i + 1} needs a name, q > 0 and Q > 0 (tonnes)` },
        ]
      out.push({
        name: s.name,
        cas: (s.cas as string) ?? null,
        class: (s.class as string) ?? null,
        q,
        Q,
        beta: s.beta === undefined || s.beta === null ? null : Number(s.beta),
      })
    }
  } else if (v.substances !== null && v.substances !== undefined)
    return [{ field: 'substances', code: 'substances_not_list', reason: 'must be a JSON array of { name, cas, class, q, Q, beta }' }]
  if (v.substanceName !== null && v.substanceName !== undefined) {
    const missing = ['q', 'criticalQ'].filter((k) => v[k] === null || v[k] === undefined)
    if (missing.length > 0)
      return missing.map((k): Problem => ({ field: k, code: 'required_with_substance', reason: `is required with 物质名称 (substanceName)` }))
    out.push({
      name: v.substanceName as string,
      cas: (v.cas as string | null) ?? null,
      class: (v.hazardClass as string | null) ?? null,
      q: v.q as number,
      Q: v.criticalQ as number,
      beta: (v.beta as number | null) ?? null,
    })
  }
  return out
}

/** An installation's substances, kept in its audit snapshots. */
const SUBSTANCES: ChildRows = { name: 'substances', table: 'major_hazard_substance', parentColumn: 'major_hazard_id', orderBy: ['name', 'cas', 'q_t'] }

export const majorHazardsKind: KindSpec<MajorHazardRecord> = {
  kind: 'major_hazards',
  tables: ['major_hazard', 'major_hazard_substance'],
  label: { en: 'major hazard installation', zh: '重大危险源' },
  fields: MAJOR_HAZARD_FIELDS,
  geometry: 'point',
  pointOptional: true,
  requiredColumns: enterpriseColumns,
  prepare(input) {
    const v = input.values
    const substances = substancesOf(v)
    const problems = dateOrder('major_hazard', v, MAJOR_HAZARD_FIELDS)
    if (substances.length > 0 && 'reason' in substances[0]!) problems.push(...(substances as Problem[]))
    if (problems.length > 0) return problems
    return {
      ...sourceBase(input),
      firstRow: input.row,
      fields: {
        name: v.name as string,
        population_500m: v.population500m as number,
        reported_r: (v.reportedR as number | null) ?? null,
        reported_grade: v.reportedGrade === null || v.reportedGrade === undefined ? null : Number(v.reportedGrade),
        impact_radius_m: (v.impactRadiusM as number | null) ?? null,
        reported_at: v.reportedAt as string,
        valid_until: (v.validUntil as string | null) ?? null,
      },
      substances: substances as Substance[],
    }
  },
  keys: (r) => [{ field: 'externalId', value: r.externalId }],
  merge(into, next) {
    into.substances.push(...next.substances)
  },
  async check(trx, batch, ctx) {
    for (const p of batch) {
      if (p.record.substances.length === 0) {
        p.problems.push({
          field: 'substanceName',
          code: 'installation_needs_substance',
          reason: 'an installation needs at least one substance (物质名称, 设计最大量, 临界量) or a 物质清单 JSON',
        })
        continue
      }
      try {
        const graded = identifyAndGradeMajorHazard(
          {
            population500m: p.record.fields.population_500m,
            substances: p.record.substances.map((s) => ({
              name: s.name,
              cas: s.cas ?? undefined,
              class: s.class ?? undefined,
              q: s.q,
              Q: s.Q,
              beta: s.beta ?? undefined,
            })),
          },
          ctx.rules,
        )
        const unidentified = identificationIssues(graded, ctx.rules.majorHazard.identificationThreshold)
        if (unidentified.length > 0) {
          p.problems.push(...unidentified.map((issue) => sourceProblem(issue, MAJOR_HAZARD_FIELDS)))
          continue
        }
        p.record.betas = graded.betas
        p.record.graded = {
          s: graded.S,
          r: graded.R,
          alpha: graded.alpha,
          grade: graded.grade,
          level: graded.level,
          grade_mismatch: compareReportedGrade({ R: p.record.fields.reported_r, grade: p.record.fields.reported_grade }, graded, ctx.rules),
        }
      } catch (err) {
        if (!(err instanceof AppError)) throw err
        const field = err.details[0]?.field ?? ''
        p.problems.push({
          field: /class/.test(field) ? 'hazardClass' : /beta/.test(field) ? 'beta' : /\.Q$/.test(field) ? 'criticalQ' : /\.q$/.test(field) ? 'q' : 'substances',
          reason: err.message,
          ...hazardRuleCode(field, err.message),
        })
      }
    }
    await resolveEnterprises(
      trx,
      batch.filter((p) => p.problems.length === 0),
    )
  },
  async write(trx, batch, ctx) {
    const rows = batch.map((p) => ({
      ...p.record.fields,
      ...p.record.graded,
      rule_version: ctx.rules.version,
      enterprise_id: p.record.enterpriseId,
      external_id: p.record.externalId,
      lon: p.record.lon,
      lat: p.record.lat,
    }))
    // Audited here, not in the upsert: an installation's snapshot includes its substances, rewritten below.
    const known = await recordsByExternalId<{ id: number }>(
      trx,
      'major_hazard',
      'MH',
      rows.map((x) => x.external_id),
      [],
    )
    const knownIds = [...known.values()].map((k) => k.id)
    const before = await recordSnapshots(trx, 'major_hazard', 'id', knownIds, SUBSTANCES)
    const r = await upsertByExternalId(trx, 'major_hazard', 'MH', rows, { skipUnchanged: false, audit: false })
    const ids = [...r.ids.values()]
    const substances = batch.flatMap((p) =>
      p.record.substances.map((s, i) => ({
        major_hazard_id: r.ids.get(p.record.externalId),
        name: s.name,
        cas: s.cas,
        hazard_class: s.class ? (canonicalHazardClass(s.class, ctx.rules) ?? null) : null,
        q_t: s.q,
        critical_q_t: s.Q,
        beta: p.record.betas![i],
      })),
    )
    await replaceMajorHazardSubstances(trx, ids, substances)
    const changes = changedRecords('major_hazard', before, await recordSnapshots(trx, 'major_hazard', 'id', knownIds, SUBSTANCES))
    return { created: r.created, updated: r.updated, enterpriseIds: r.enterpriseIds, areaIds: [], changes }
  },
}
