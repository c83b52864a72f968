/**
 * Importing emergency resources (docs/domain.md §6): rescue teams, equipment, depots, shelters and experts,
 * keyed by external id, with the kind-specific rules of domain/resources.ts. Depot stock is a JSON
 * list or text such as `沙袋:5000:个; 帐篷:200:顶`.
 */
import {
  CAPABILITY_LABELS,
  RESOURCE_KIND_LABELS,
  RESOURCE_STATUS_LABELS,
  resourceProblems,
  type DepotItem,
  type ResourceInput,
  type ResourceKind,
} from '../../domain/resources'
import { writeImportedResources } from '../resources'
import type { Field } from './fields'
import { LAT_FIELD, LON_FIELD } from './kind-enterprises'
import { EXTERNAL_ID_FIELD } from './kind-sources'
import { divisionsAt, recordsByExternalId } from './lookups'
import { locationFailed, pointOf, type KindSpec, type Problem } from './kinds'
import type { ProblemCode, ProblemParams } from './problems'
import { changedRecords, recordSnapshots } from './snapshots'

const labelValues = (labels: Record<string, { zh: string; en: string }>) => Object.fromEntries(Object.entries(labels).map(([k, l]) => [k, [l.zh, l.en]]))

/** API names of the kind-specific fields → their field keys here (the same). */
const FIELD_OF_PROBLEM: Record<string, string> = { items: 'items', capabilities: 'capabilities', contact: 'contact' }

export const RESOURCE_FIELDS: readonly Field[] = [
  EXTERNAL_ID_FIELD,
  { key: 'kind', zh: '资源类型', aliases: ['类型', '类别', '资源类别'], type: { t: 'enum', values: labelValues(RESOURCE_KIND_LABELS) }, required: true },
  { key: 'name', zh: '名称', aliases: ['资源名称', '队伍名称'], type: { t: 'text', maxLength: 200 }, required: true },
  { key: 'organisation', zh: '所属单位', aliases: ['单位', '管理单位'], type: { t: 'text', maxLength: 200 } },
  { key: 'dutyPhone', zh: '值班电话', aliases: ['电话', '联系电话'], type: { t: 'text', maxLength: 50 } },
  { key: 'contact', zh: '联系人', aliases: ['负责人'], type: { t: 'text', maxLength: 100 } },
  { key: 'status', zh: '状态', aliases: ['可用状态'], type: { t: 'enum', values: labelValues(RESOURCE_STATUS_LABELS) } },
  { key: 'capabilities', zh: '救援能力', aliases: ['能力', '专业能力'], type: { t: 'list', values: labelValues(CAPABILITY_LABELS) } },
  { key: 'teamType', zh: '队伍类型', aliases: ['队伍类别'], type: { t: 'text', maxLength: 100 } },
  { key: 'headcount', zh: '人数', aliases: ['队伍人数'], type: { t: 'integer', min: 0 } },
  { key: 'equipmentType', zh: '装备类型', aliases: ['装备名称'], type: { t: 'text', maxLength: 100 } },
  { key: 'quantity', zh: '数量', aliases: ['装备数量'], type: { t: 'integer', min: 0 } },
  {
    key: 'items',
    zh: '储备物资',
    aliases: ['物资', '物资清单'],
    type: { t: 'text', maxLength: 20_000 },
    description: 'JSON [{ item, quantity, unit }] or "沙袋:5000:个; 帐篷:200:顶"',
    descriptionZh: 'JSON 数组 [{ item, quantity, unit }]，或写作“沙袋:5000:个; 帐篷:200:顶”',
  },
  { key: 'capacity', zh: '容纳人数', aliases: ['可容纳人数', '容量'], type: { t: 'integer', min: 0 } },
  { key: 'expertField', zh: '专业领域', aliases: ['专家领域', '专业'], type: { t: 'text', maxLength: 200 } },
  { key: 'divisionCode', zh: '行政区划代码', aliases: ['区划代码', '所属区划'], type: { t: 'text', maxLength: 9 } },
  { key: 'synthetic', zh: '示例数据', aliases: ['示例', 'demo'], type: { t: 'boolean' } },
  LON_FIELD,
  LAT_FIELD,
]

/** Depot stock from JSON or from `item:quantity:unit` entries separated by ; or newlines. */
export function parseItems(text: string): DepotItem[] | { code: ProblemCode; params?: ProblemParams; reason: string } {
  const t = text.trim()
  if (t.startsWith('[')) {
    try {
      const list = JSON.parse(t) as DepotItem[]
      if (!Array.isArray(list) || list.some((i) => typeof i?.item !== 'string' || typeof i?.quantity !== 'number' || typeof i?.unit !== 'string')) {
        return { code: 'items_not_list', reason: 'must be a list of { item, quantity, unit }' }
      }
      return list
    } catch {
      return { code: 'not_json', reason: 'is not valid JSON' }
    }
  }
  const items: DepotItem[] = []
  for (const part of t
    .split(/[;；\n]+/)
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(.+?)[:：]\s*([\d.]+)\s*[:：]?\s*(.*)$/.exec(part)
    if (!m || !Number.isFinite(Number(m[2]))) return { code: 'item_not_triple', params: { text: part }, reason: `"${part}" is not item:quantity:unit` }
    items.push({ item: m[1]!.trim(), quantity: Number(m[2]), unit: m[3]!.trim() || '个' })
  }
  return items
}

interface ResourceRecord {
  externalId: string
  input: ResourceInput
  divisionCode: string | null
  synthetic: boolean | null | undefined
  lon: number
  lat: number
}

export const resourcesKind: KindSpec<ResourceRecord> = {
  kind: 'resources',
  tables: ['resource'],
  label: { en: 'emergency resource', zh: '应急资源' },
  fields: RESOURCE_FIELDS,
  geometry: 'point',
  requiredColumns: (hasGeometry) => (hasGeometry ? [] : ['lon', 'lat']),
  prepare(input, ctx) {
    const v = input.values
    const problems: Problem[] = []
    let items: DepotItem[] | null = null
    if (v.items !== null && v.items !== undefined) {
      const parsed = parseItems(String(v.items))
      if ('reason' in parsed) problems.push({ field: 'items', value: v.items, ...parsed })
      else items = parsed
    }
    const divisionCode = (v.divisionCode as string | null | undefined) ?? null
    if (divisionCode !== null && !ctx.divisions.has(divisionCode))
      problems.push({
        field: 'divisionCode',
        value: divisionCode,
        code: 'division_unknown',
        params: { code: divisionCode },
        reason: `division ${divisionCode} does not exist: import the divisions first`,
      })
    const lonLat = pointOf(input.geometry)
    if (lonLat === null && !locationFailed(input))
      problems.push({ field: 'lon', code: 'location_required', reason: 'the location is required: give 经度 and 纬度 (lon, lat)' })
    const resource: ResourceInput = {
      kind: v.kind as ResourceKind,
      name: v.name as string,
      organisation: (v.organisation as string | null) ?? null,
      dutyPhone: (v.dutyPhone as string | null) ?? null,
      contact: (v.contact as string | null) ?? null,
      status: ((v.status as string | null) ?? 'available') as ResourceInput['status'],
      capabilities: (v.capabilities as string[] | null) ?? [],
      teamType: (v.teamType as string | null) ?? null,
      headcount: (v.headcount as number | null) ?? null,
      equipmentType: (v.equipmentType as string | null) ?? null,
      quantity: (v.quantity as number | null) ?? null,
      items,
      capacity: (v.capacity as number | null) ?? null,
      expertField: (v.expertField as string | null) ?? null,
    }
    for (const p of resourceProblems(resource)) {
      const key = p.field?.replace(/\[.*$/, '') ?? ''
      problems.push({ field: FIELD_OF_PROBLEM[key] ?? key, reason: p.message, code: p.code as ProblemCode, ...(p.params ? { params: p.params } : {}) })
    }
    if (problems.length > 0 || lonLat === null) return problems
    return {
      externalId: String(v.externalId),
      input: resource,
      divisionCode,
      synthetic: v.synthetic as boolean | null | undefined,
      lon: lonLat![0],
      lat: lonLat![1],
    }
  },
  keys: (r) => [{ field: 'externalId', value: r.externalId }],
  async check(trx, batch) {
    const need = batch.map((p, i) => ({ p, i })).filter(({ p }) => p.record.divisionCode === null)
    const found = await divisionsAt(
      trx,
      need.map(({ p, i }) => ({ i, lon: p.record.lon, lat: p.record.lat })),
    )
    for (const { p, i } of need) p.record.divisionCode = found.get(i) ?? null
  },
  async write(trx, batch) {
    const existing = await recordsByExternalId<{ id: number; synthetic: boolean }>(
      trx,
      'resource',
      'RS',
      batch.map((p) => p.record.externalId),
      ['synthetic'],
    )
    const before = await recordSnapshots(
      trx,
      'resource',
      'id',
      [...existing.values()].map((e) => e.id),
    )
    const rows = batch.map(({ record: r }) => {
      const kept = existing.get(r.externalId)
      const i = r.input
      return {
        id: kept?.id ?? null,
        external_id: r.externalId,
        kind: i.kind,
        name: i.name,
        organisation: i.organisation,
        duty_phone: i.dutyPhone,
        contact: i.contact,
        status: i.status,
        capabilities: i.capabilities,
        team_type: i.teamType,
        headcount: i.headcount,
        equipment_type: i.equipmentType,
        quantity: i.quantity,
        items: i.items ?? [],
        capacity: i.capacity,
        expert_field: i.expertField,
        division_code: r.divisionCode,
        synthetic: r.synthetic !== undefined ? (r.synthetic ?? false) : (kept?.synthetic ?? false),
        lon: r.lon,
        lat: r.lat,
      }
    })
    const out = await writeImportedResources(trx, rows)
    const created = out.filter((o) => o.inserted).length
    const after = await recordSnapshots(
      trx,
      'resource',
      'id',
      out.filter((o) => !o.inserted).map((o) => Number(o.id)),
    )
    return { created, updated: out.length - created, enterpriseIds: [], areaIds: [], changes: changedRecords('resource', before, after) }
  },
}
