/**
 * Importing enterprises (the registry every risk record hangs from): keyed by USCC, checked with
 * the GB 32100-2015 check character, or where a register has none by its external id (企业编号: a
 * business registration number, a department's own numbering); a row gives at least one of the two,
 * and a row with both finds an enterprise stored under either (a register that adds USCCs later); placed in a division (given, or the one containing the point)
 * and a management grid, and given a supervision tier by rule (docs/domain.md §5) unless one is assigned.
 * A register as it is needs only a name, a USCC (or external id) and a location: an industry (a GB/T 4754 code or
 * name, see domain/industry-classification.ts), scale and affiliation left out or not recognised are
 * stored as unknown (NULL, the text as written kept), the tier is then undetermined unless the rule
 * gives the same one whatever they are, and the data-quality report lists what is missing.
 * Enterprises without departments get them from their industry (supervision's choice; a new one's
 * industry department is written with its row). The
 * rows are written through the enterprises store (writeRegisterRows), the table's owner.
 */
import type { Knex } from 'knex'
import { DEFAULT_RULES } from '../../domain/rules'
import { addressMatcher, type AddressMatch, type NamedDivision } from '../../domain/address-division'
import { industryClassifier, type IndustryClassifier } from '../../domain/industry-classification'
import { tierWithUnknowns, type Affiliation, type EnterpriseScale, type SupervisionTier } from '../../domain/tier'
import { checkUscc, normaliseUscc } from '../../domain/uscc'
import {
  deferRegisterIndexes,
  REGISTER_SELECT,
  restoreRegisterIndexes,
  unchangedRegisterRow,
  withKeysAtEnd,
  writeRegisterRows,
  type DeferredIndexes,
  type RegisterRow,
} from '../enterprises'
import {
  addSpecialistDepartments,
  assignDepartments,
  DELEGATE_OUTLETS_TO_COUNTY,
  departmentNeeds,
  loadDepartmentChooser,
  tierInput,
  type DepartmentChooser,
} from '../supervision'
import type { Field } from './fields'
import { divisionsAt, gridsAt, loadDivisionBoxes, loadGridBoxes, loadGridCodes, type AreaBoxes } from './lookups'
import { changedRecords, recordSnapshots } from './snapshots'
import { locationFailed, pointOf, type KindContext, type KindSpec, type Prepared, type Problem, type RowInput, type WriteResult } from './kinds'

export const SCALE_VALUES = { large: ['大型', '大'], medium: ['中型', '中'], small: ['小型', '小'], micro: ['微型', '微'] } as const
export const AFFILIATION_VALUES = {
  central: ['中央', '央企', '中直', '部属'],
  province: ['省级', '省', '省属'],
  city: ['市级', '市', '市属'],
  county: ['县级', '县', '区', '县区', '区县', '县属', '区属'],
  township: ['乡镇', '乡镇级', '街道', '乡', '镇'],
} as const
export const TIER_VALUES = { city: ['市级', '市'], county: ['县级', '县', '区县'], township: ['乡镇级', '乡镇', '街道'] } as const
export const CREDIT_VALUES = { good: ['良好', '正常'], warned: ['警示', '重点关注'], blacklisted: ['黑名单', '失信'] } as const

/** Industry codes with their Chinese and English labels as accepted values. */
export function industryValues(rules = DEFAULT_RULES): Record<string, readonly string[]> {
  return Object.fromEntries(rules.industries.map((i) => [i.code, [i.zh, i.en]]))
}

export const LON_FIELD: Field = { key: 'lon', zh: '经度', aliases: ['lng', 'longitude', 'long', 'x', '东经', '经度坐标', 'x坐标'], type: { t: 'number' } }
export const LAT_FIELD: Field = { key: 'lat', zh: '纬度', aliases: ['latitude', 'y', '北纬', '纬度坐标', 'y坐标'], type: { t: 'number' } }

export const ENTERPRISE_FIELDS: readonly Field[] = [
  {
    key: 'uscc',
    zh: '统一社会信用代码',
    aliases: ['信用代码', '社会信用代码', '统一代码', '统一信用代码', 'creditcode', 'usci', '企业信用代码'],
    type: { t: 'text', maxLength: 40 },
    description: 'required unless 企业编号 (externalId) is given',
    descriptionZh: '必填，除非给出“企业编号”',
  },
  {
    key: 'name',
    zh: '企业名称',
    aliases: ['单位名称', '名称', '企业', 'enterprisename', 'company', '公司名称'],
    type: { t: 'text', maxLength: 200 },
    required: true,
  },
  {
    key: 'industry',
    zh: '行业',
    aliases: ['所属行业', '行业类别', '行业分类', '行业类型', '行业名称', '国民经济行业', '国民经济行业分类', '行业门类'],
    type: { t: 'text', maxLength: 200 },
    exportLabels: industryValues(),
    description:
      "a GB/T 4754-2017 code or name (C26, 2614, 化学原料和化学制品制造业, 零售业) or one of the service's industries; unknown text is kept and reported as a data-quality gap",
    descriptionZh: 'GB/T 4754-2017 的代码或名称（C26、2614、化学原料和化学制品制造业、零售业）或本系统的行业；未识别的照原文保存并列入数据质量报告',
  },
  {
    key: 'industryCode',
    zh: '行业代码',
    aliases: ['industrycode', '国民经济行业代码', '行业分类代码', '行业编码'],
    type: { t: 'text', maxLength: 20 },
    description: 'a GB/T 4754 code, taken before 行业 when both are given',
    descriptionZh: 'GB/T 4754 行业代码；与“行业”同时给出时以代码为准',
  },
  { key: 'scale', zh: '规模', aliases: ['企业规模', '规模类型'], type: { t: 'enum', values: SCALE_VALUES } },
  { key: 'affiliation', zh: '隶属关系', aliases: ['隶属', '隶属层级', '行政隶属'], type: { t: 'enum', values: AFFILIATION_VALUES } },
  { key: 'highHazard', zh: '高危', aliases: ['高危企业', '是否高危', '高危行业企业'], type: { t: 'boolean' } },
  { key: 'centralVertical', zh: '中央垂直管理', aliases: ['垂直管理', '中央垂管'], type: { t: 'boolean' } },
  { key: 'isOutlet', zh: '经营网点', aliases: ['是否经营网点', '网点'], type: { t: 'boolean' } },
  { key: 'explicitTier', zh: '指定监管层级', aliases: ['指定层级'], type: { t: 'enum', values: TIER_VALUES } },
  {
    key: 'divisionCode',
    zh: '行政区划代码',
    aliases: ['区划代码', '行政区划', '所属区划', '区划', 'division', 'adcode', '所属乡镇代码'],
    type: { t: 'text', maxLength: 9 },
  },
  { key: 'gridCode', zh: '网格编码', aliases: ['网格', '网格代码', '所属网格', 'mgmtgrid', 'grid'], type: { t: 'text', maxLength: 64 } },
  {
    key: 'address',
    zh: '地址',
    aliases: ['详细地址', '注册地址', '经营地址', '企业地址', '所在地', '住所', '经营场所', '生产经营地址'],
    type: { t: 'text', maxLength: 500 },
  },
  { key: 'responsiblePerson', zh: '安全生产责任人', aliases: ['责任人', '主要负责人', '负责人', '安全负责人'], type: { t: 'text', maxLength: 100 } },
  { key: 'responsiblePhone', zh: '联系电话', aliases: ['电话', '联系方式', '手机', '负责人电话', 'phone', '责任人电话'], type: { t: 'text', maxLength: 50 } },
  {
    key: 'externalId',
    zh: '企业编号',
    aliases: ['外部编号', '注册号', '工商注册号', '单位编号', '企业编码', 'externalid', 'enterpriseexternalid'],
    type: { t: 'text', maxLength: 100 },
    description: "the register's own id of an enterprise without a USCC (a business registration number, a department's numbering)",
    descriptionZh: '无统一社会信用代码的企业在登记册中的编号（工商注册号、部门编号等）',
  },
  { key: 'creditStatus', zh: '信用状态', aliases: ['信用'], type: { t: 'enum', values: CREDIT_VALUES } },
  { key: 'lastReportedAt', zh: '最近报告日期', aliases: ['报告日期', '最近上报日期'], type: { t: 'date' } },
  { key: 'reportDueAt', zh: '报告截止日期', aliases: ['下次报告日期', '报告到期日'], type: { t: 'date' } },
  { key: 'impactRadiusM', zh: '影响半径(米)', aliases: ['影响半径', 'impactradius'], type: { t: 'number', positive: true, max: 50_000 } },
  { key: 'synthetic', zh: '示例数据', aliases: ['示例', 'demo'], type: { t: 'boolean' } },
  LON_FIELD,
  LAT_FIELD,
  { key: 'tier', zh: '监管层级', type: { t: 'enum', values: TIER_VALUES }, exportOnly: true },
  { key: 'level', zh: '风险等级', type: { t: 'integer' }, exportOnly: true },
  { key: 'id', zh: '编号', aliases: ['序号'], type: { t: 'integer' }, exportOnly: true },
]

export interface EnterpriseRecord {
  /** Null when the row identifies the enterprise by its external id alone. */
  uscc: string | null
  /** undefined: the file has no such column (keep what is stored). */
  externalId?: string | null
  name: string
  /** The service's industry; null when the register gives none or one the classification does not know. */
  industry: string | null
  /** The industry as the register wrote it. */
  industrySource: string | null
  /** The GB/T 4754 code it resolved to (C26). */
  industryClass: string | null
  /** The classification's high-hazard flag for the industry (false when unknown). */
  industryHighHazard: boolean
  scale: EnterpriseScale | null
  affiliation: Affiliation | null
  /** undefined: the file has no such column (keep what is stored); null: empty cell. */
  highHazard?: boolean | null
  centralVertical?: boolean | null
  isOutlet?: boolean | null
  explicitTier?: SupervisionTier | null
  divisionCode: string | null
  gridCode?: string | null
  address?: string | null
  responsiblePerson?: string | null
  responsiblePhone?: string | null
  creditStatus?: string | null
  lastReportedAt?: string | null
  reportDueAt?: string | null
  impactRadiusM?: number | null
  synthetic?: boolean | null
  lon: number
  lat: number
  /** point: the row's own coordinates; division: the label point of the division its address (or code) names. */
  locatedBy: 'point' | 'division'
  /** Filled by the batch checks. */
  gridId?: number | null
  /** Filled by the batch checks: the stored enterprise the row updates (found by USCC, else by external id). */
  stored?: StoredEnterprise | null
}

const OPTIONAL_KEYS = [
  'highHazard',
  'centralVertical',
  'isOutlet',
  'explicitTier',
  'gridCode',
  'address',
  'responsiblePerson',
  'responsiblePhone',
  'creditStatus',
  'lastReportedAt',
  'reportDueAt',
  'impactRadiusM',
  'synthetic',
] as const

function prepare(input: RowInput, ctx: KindContext): EnterpriseRecord | Problem[] {
  const v = input.values
  const problems: Problem[] = []
  const uscc = v.uscc === null || v.uscc === undefined ? null : normaliseUscc(String(v.uscc))
  const externalId = v.externalId === null || v.externalId === undefined ? (v.externalId as null | undefined) : String(v.externalId).trim()
  if (uscc !== null) {
    const check = checkUscc(uscc)
    if (!check.valid)
      problems.push({
        field: 'uscc',
        value: v.uscc,
        code: `uscc_${check.fault}`,
        params: check.params,
        reason: `invalid unified social credit code: ${check.reason}`,
      })
  } else if (!externalId) {
    problems.push({
      field: 'uscc',
      code: 'uscc_or_external_id_required',
      reason: 'the enterprise needs an identifier: give 统一社会信用代码 (uscc) or 企业编号 (externalId)',
    })
  }
  const divisionCode = (v.divisionCode as string | null | undefined) ?? null
  if (divisionCode !== null) {
    if (!/^(\d{6}|\d{9})$/.test(divisionCode))
      problems.push({
        field: 'divisionCode',
        value: divisionCode,
        code: 'division_code_format',
        reason: 'must be a 6-digit (GB/T 2260) or 9-digit township code',
      })
    else if (!ctx.divisions.has(divisionCode))
      problems.push({
        field: 'divisionCode',
        value: divisionCode,
        code: 'division_unknown_or_empty',
        params: { code: divisionCode },
        reason: `division ${divisionCode} does not exist: import the divisions first, or leave the cell empty to take the division containing the point`,
      })
  }
  let lonLat = pointOf(input.geometry)
  let located: string | null = null
  if (lonLat === null && problems.length === 0 && !locationFailed(input)) {
    // No coordinates: the division the row names by code, else the one its address names (approximate).
    const places = ctx.memo.get('divisionPlaces') as DivisionPlaces
    const address = (v.address as string | null | undefined) ?? null
    const match: AddressMatch =
      divisionCode !== null
        ? { kind: 'found', code: divisionCode, name: divisionCode, rank: 'county' }
        : address !== null
          ? places.match(address)
          : { kind: 'none' }
    if (match.kind === 'found' && places.labels.has(match.code)) {
      located = match.code
      lonLat = places.labels.get(match.code)!
    } else if (match.kind === 'ambiguous') {
      problems.push({
        field: 'address',
        value: address,
        code: 'address_ambiguous',
        params: { candidates: match.candidates.map((c) => `${c.name} ${c.code}`) },
        reason: `names several divisions (${match.candidates.map((c) => `${c.name} ${c.code}`).join(', ')}): give 经度/纬度 or 行政区划代码`,
      })
    } else if (address !== null) {
      problems.push({
        field: 'address',
        value: address,
        code: 'address_unknown',
        reason: 'names no division of this deployment, and the row has no coordinates: give 经度 and 纬度 (lon, lat) or 行政区划代码',
      })
    } else {
      problems.push({
        field: 'lon',
        code: 'location_or_address_required',
        reason: 'the location is required: give 经度 and 纬度 (lon, lat), or an address (地址/所在地) naming a division',
      })
    }
  }
  // A row whose location could not be read (input.failed) has only its problems.
  if (problems.length > 0 || lonLat === null) return problems
  const industrySource = (v.industryCode as string | null | undefined) ?? (v.industry as string | null | undefined) ?? null
  const classifier = ctx.memo.get('industries') as IndustryClassifier
  const match = industrySource === null ? null : (classifier.resolve(industrySource) ?? (v.industryCode ? classifier.resolve(String(v.industry ?? '')) : null))
  const record: EnterpriseRecord = {
    uscc,
    ...(externalId !== undefined ? { externalId: externalId || null } : {}),
    name: v.name as string,
    industry: match?.industry ?? null,
    industrySource,
    industryClass: match?.classCode ?? null,
    industryHighHazard: match?.highHazard ?? false,
    scale: (v.scale as EnterpriseScale | null | undefined) ?? null,
    affiliation: (v.affiliation as Affiliation | null | undefined) ?? null,
    divisionCode: divisionCode ?? located,
    lon: lonLat![0],
    lat: lonLat![1],
    locatedBy: located !== null ? 'division' : 'point',
  }
  for (const key of OPTIONAL_KEYS) if (ctx.present.has(key)) (record as unknown as Record<string, unknown>)[key] = v[key] ?? null
  if (record.lastReportedAt && record.reportDueAt && record.reportDueAt < record.lastReportedAt) {
    return [
      {
        field: 'reportDueAt',
        value: record.reportDueAt,
        code: 'date_before',
        params: { other: 'lastReportedAt', date: record.lastReportedAt },
        reason: `is before 最近报告日期 (lastReportedAt) ${record.lastReportedAt}`,
      },
    ]
  }
  return record
}

interface DivisionPlaces {
  match(address: string): AddressMatch
  /** Label point (on the surface) of each division. */
  labels: Map<string, [number, number]>
}

async function loadDivisionPlaces(trx: Knex.Transaction): Promise<DivisionPlaces> {
  const rows = (await trx('division').select('code', 'name', 'rank', 'parent_code', trx.raw('ST_X(label_point) AS lon, ST_Y(label_point) AS lat'))) as Array<{
    code: string
    name: string
    rank: NamedDivision['rank']
    parent_code: string | null
    lon: number
    lat: number
  }>
  return {
    match: addressMatcher(rows.map((r) => ({ code: r.code, name: r.name, rank: r.rank, parentCode: r.parent_code }))),
    labels: new Map(rows.map((r) => [r.code, [r.lon, r.lat]])),
  }
}

async function check(trx: Knex.Transaction, batch: Array<Prepared<EnterpriseRecord>>, ctx: KindContext): Promise<void> {
  const gridCodes = ctx.memo.get('gridCodes') as Map<string, number>
  const needDivision = batch.map((p, i) => ({ p, i })).filter(({ p }) => p.record.divisionCode === null)
  const found = await divisionsAt(
    trx,
    needDivision.map(({ p, i }) => ({ i, lon: p.record.lon, lat: p.record.lat })),
    ctx.memo.get('divisionBoxes') as AreaBoxes,
  )
  for (const { p, i } of needDivision) {
    const code = found.get(i)
    if (code === undefined)
      p.problems.push({
        field: 'divisionCode',
        code: 'point_in_no_division',
        params: { lon: p.record.lon, lat: p.record.lat },
        reason: `the point (${p.record.lon}, ${p.record.lat}) lies in no division: give 行政区划代码 (divisionCode)`,
      })
    else p.record.divisionCode = code
  }
  // An approximate location (a division's label point) says nothing about the management grid.
  const needGrid = batch.map((p, i) => ({ p, i })).filter(({ p }) => !p.record.gridCode && p.record.locatedBy === 'point')
  const grids = await gridsAt(
    trx,
    needGrid.map(({ p, i }) => ({ i, lon: p.record.lon, lat: p.record.lat })),
    ctx.memo.get('gridBoxes') as AreaBoxes,
  )
  for (const { p, i } of needGrid) p.record.gridId = grids.get(i) ?? null
  for (const p of batch) {
    if (!p.record.gridCode) continue
    const id = gridCodes.get(p.record.gridCode)
    if (id === undefined)
      p.problems.push({
        field: 'gridCode',
        value: p.record.gridCode,
        code: 'grid_unknown',
        params: { code: p.record.gridCode },
        reason: `management grid ${p.record.gridCode} does not exist: import the grids first, or leave the cell empty`,
      })
    else p.record.gridId = id
  }
  await findStored(trx, batch, ctx)
}

/**
 * The stored enterprise each row updates: the one with its USCC, else the one with its external id
 * (which must not carry another USCC). An external id stays with one enterprise, in the file as in
 * the database, and two rows of a file cannot update the same enterprise.
 */
async function findStored(trx: Knex.Transaction, batch: Array<Prepared<EnterpriseRecord>>, ctx: KindContext): Promise<void> {
  // A first load: the table was empty and is locked by the import, so nothing is stored (and the read-only connection must not wait for that lock).
  if (ctx.memo.get('firstLoad')) return
  const usccs = batch.flatMap((p) => (p.record.uscc ? [p.record.uscc] : []))
  const externalIds = batch.flatMap((p) => (p.record.externalId ? [p.record.externalId] : []))
  const { rows } = await trx.raw<{ rows: Array<StoredEnterprise & { id: string }> }>(
    `SELECT id, ${REGISTER_SELECT}
     FROM enterprise
     WHERE uscc = ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb))::bpchar[])
        OR external_id = ANY(ARRAY(SELECT jsonb_array_elements_text(?::jsonb)))`,
    [JSON.stringify(usccs), JSON.stringify(externalIds)],
  )
  const byUscc = new Map(rows.filter((r) => r.uscc !== null).map((r) => [r.uscc!, r]))
  const byExternalId = new Map(rows.filter((r) => r.external_id !== null).map((r) => [r.external_id!, r]))
  const targets = ctx.memo.get('storedRows') as Map<string, number>
  for (const p of batch) {
    const { uscc, externalId } = p.record
    const named = externalId ? byExternalId.get(externalId) : undefined
    const stored = (uscc ? byUscc.get(uscc) : undefined) ?? (named && (named.uscc === null || uscc === null) ? named : undefined)
    if (externalId && named && named.id !== stored?.id) {
      const other = named.uscc ?? named.name
      p.problems.push({
        field: 'externalId',
        value: externalId,
        code: 'external_id_taken',
        params: { key: externalId, other },
        reason: `enterprise id ${externalId} already belongs to another enterprise (${other})`,
      })
      continue
    }
    if (stored) {
      const first = targets.get(stored.id)
      if (first !== undefined && first !== p.input.row) {
        const field = uscc ? 'uscc' : 'externalId'
        const key = uscc ?? externalId!
        p.problems.push({
          field,
          value: key,
          code: 'duplicate_key',
          params: { key, row: first },
          reason: `row ${first} of the file updates the same enterprise (${stored.uscc ?? stored.external_id})`,
        })
        continue
      }
      targets.set(stored.id, p.input.row)
    }
    p.record.stored = stored ?? null
  }
}

interface StoredEnterprise {
  id: string
  uscc: string | null
  external_id: string | null
  name: string
  high_hazard: boolean
  central_vertical: boolean
  is_outlet: boolean
  tier: SupervisionTier | null
  tier_source: 'rule' | 'explicit'
  address: string | null
  responsible_person: string | null
  responsible_phone: string | null
  credit_status: string
  last_reported_at: string | null
  report_due_at: string | null
  impact_radius_m: number | null
  synthetic: boolean
  /** The other register columns and the point, for telling an unchanged row (unchangedRegisterRow). */
  [column: string]: unknown
}

/** A column's value: the file's (an empty cell: the fallback), else what is stored when the file lacks the column, else the fallback. */
function pick<T>(given: T | null | undefined, kept: T | undefined, fallback: T): T {
  return given !== undefined ? (given ?? fallback) : (kept ?? fallback)
}

/** The stored row: what the file gives, what is stored for the columns it lacks, defaults, and the tier. */
function merged(r: EnterpriseRecord, stored: StoredEnterprise | undefined, rules = DEFAULT_RULES): RegisterRow {
  const highHazard = pick(r.highHazard, stored?.high_hazard, r.industryHighHazard)
  const centralVertical = pick(r.centralVertical, stored?.central_vertical, false)
  const isOutlet = pick(r.isOutlet, stored?.is_outlet, false)
  // Unknown scale, affiliation or industry: the tier only when the rule gives the same one whatever they are.
  const rule = tierWithUnknowns({
    ...tierInput(
      {
        affiliation: r.affiliation,
        scale: r.scale,
        high_hazard: highHazard || r.industryHighHazard,
        industry: r.industry,
        central_vertical: centralVertical,
        is_outlet: isOutlet,
      },
      rules,
    ),
    delegateOutletsToCounty: DELEGATE_OUTLETS_TO_COUNTY,
  })
  // An assigned tier overrides the rule (docs/domain.md §5); a file without that column keeps an assignment.
  const explicit = r.explicitTier !== undefined ? r.explicitTier : stored?.tier_source === 'explicit' ? stored.tier : null
  return {
    id: stored ? Number(stored.id) : null,
    // A row without a USCC (or without the external id column) keeps what is stored.
    uscc: r.uscc ?? stored?.uscc ?? null,
    external_id: r.externalId !== undefined ? r.externalId : (stored?.external_id ?? null),
    name: r.name,
    industry: r.industry,
    industry_source: r.industrySource,
    industry_class: r.industryClass,
    high_hazard: highHazard,
    scale: r.scale,
    affiliation: r.affiliation,
    central_vertical: centralVertical,
    is_outlet: isOutlet,
    tier: explicit ?? rule.tier,
    tier_source: explicit ? 'explicit' : 'rule',
    tier_reason: explicit ? `assigned explicitly (${explicit})` : rule.reason,
    division_code: r.divisionCode,
    mgmt_grid_id: r.gridId ?? null,
    address: pick(r.address, stored?.address, null),
    responsible_person: pick(r.responsiblePerson, stored?.responsible_person, null),
    responsible_phone: pick(r.responsiblePhone, stored?.responsible_phone, null),
    credit_status: pick(r.creditStatus, stored?.credit_status, 'good'),
    last_reported_at: pick(r.lastReportedAt, stored?.last_reported_at, null),
    report_due_at: pick(r.reportDueAt, stored?.report_due_at, null),
    impact_radius_m: pick(r.impactRadiusM, stored?.impact_radius_m, null),
    synthetic: pick(r.synthetic, stored?.synthetic, false),
    located_by: r.locatedBy,
    lon: r.lon,
    lat: r.lat,
  }
}

async function write(trx: Knex.Transaction, batch: Array<Prepared<EnterpriseRecord>>, ctx: KindContext): Promise<WriteResult> {
  // A stored enterprise the row leaves as it is (a register imported again) is not written at all.
  const rows = batch.flatMap((p) => {
    const row = merged(p.record, p.record.stored ?? undefined)
    return p.record.stored && unchangedRegisterRow(row, p.record.stored) ? [] : [row]
  })
  // What is stored was found by the batch checks; a new enterprise needs no snapshot (nothing to audit).
  const beforeImport = await recordSnapshots(
    trx,
    'enterprise',
    'id',
    rows.flatMap((r) => (r.id !== null ? [r.id] : [])),
  )
  // A new enterprise gets its departments as it is written: the industry one in its row, no update after.
  const choose = ctx.memo.get('departments') as DepartmentChooser
  const fresh = rows.filter((r) => r.id === null)
  const choices = fresh.map((r) => choose(departmentNeeds(r)))
  fresh.forEach((r, i) => (r.industry_department_id = choices[i]!.industry))
  // Rows of stored enterprises update them by id (only when something differs); the others insert.
  // On a first load that may, their foreign keys are checked once at the end (withKeysAtEnd).
  const { inserted, updated } = await withKeysAtEnd(trx, ctx.memo.get('firstLoad') as DeferredIndexes | null, async () => {
    const written = await writeRegisterRows(trx, rows)
    await addSpecialistDepartments(
      trx,
      choices.flatMap((c, i) => c.specialists.map((s) => ({ enterpriseId: written.inserted[i]!, departmentId: s.id }))),
      true,
    )
    return written
  })
  // A stored enterprise's missing departments now (its audit below shows them).
  await assignDepartments(trx, updated, choose)
  ctx.memo.set('created', (ctx.memo.get('created') as number) + inserted.length)
  // Existing enterprises the file renamed, moved or otherwise changed: each audited with before/after.
  const afterImport = await recordSnapshots(trx, 'enterprise', 'id', updated)
  const changes = changedRecords('enterprise', beforeImport, afterImport)
  return { created: inserted.length, updated: updated.length, enterpriseIds: [...updated, ...inserted], areaIds: [], changes }
}

export const enterprisesKind: KindSpec<EnterpriseRecord> = {
  kind: 'enterprises',
  tables: ['enterprise'],
  label: { en: 'enterprise', zh: '企业' },
  fields: ENTERPRISE_FIELDS,
  geometry: 'point',
  prepare,
  // Coordinates, unless the file places its rows another way: a geometry, a division code or an address (prepare).
  requiredColumns: (hasGeometry, has) => [
    ...(hasGeometry || has('divisionCode') || has('address') ? [] : ['lon', 'lat']),
    ...(has('externalId') ? [] : ['uscc']),
  ],
  keys: (r) => [...(r.uscc ? [{ field: 'uscc', value: r.uscc }] : []), ...(r.externalId ? [{ field: 'externalId', value: r.externalId }] : [])],
  async load(trx, ctx) {
    ctx.memo.set('storedRows', new Map<string, number>())
    ctx.memo.set('created', 0)
    ctx.memo.set('departments', await loadDepartmentChooser(trx))
    // An empty table is loaded without its secondary indexes, built once at the end (finish); a dry run locks nothing.
    ctx.memo.set('firstLoad', ctx.dryRun ? null : await deferRegisterIndexes(trx))
    ctx.memo.set('gridCodes', await loadGridCodes(trx))
    ctx.memo.set('industries', industryClassifier(ctx.industryTable, industryValues(ctx.rules)))
    ctx.memo.set('divisionPlaces', await loadDivisionPlaces(trx))
    ctx.memo.set('divisionBoxes', await loadDivisionBoxes(trx))
    ctx.memo.set('gridBoxes', await loadGridBoxes(trx))
  },
  outcome(ctx) {
    const firstLoad = ctx.memo.get('firstLoad') as DeferredIndexes | null
    if (!firstLoad) return null
    const rows = ctx.memo.get('created') as number
    const keys = firstLoad.keysAtEnd ? ', their foreign keys checked once at the end' : ''
    return {
      code: 'register_first_load',
      params: { rows, keysCheckedAtEnd: firstLoad.keysAtEnd ? 1 : 0 },
      text: `the enterprise table was empty: its ${rows} rows were loaded first and its indexes built once after them${keys} (readers of enterprises waited for the import)`,
    }
  },
  // Stored enterprises are found by USCC and external id, which the file's own rows never share (duplicates are refused in memory).
  checksAhead: true,
  check,
  write,
  /** On a first load, the indexes, built once from the loaded rows. */
  async finish(trx, ctx) {
    const deferred = ctx.memo.get('firstLoad') as DeferredIndexes | null
    if (deferred) await restoreRegisterIndexes(trx, deferred)
    return []
  },
}
