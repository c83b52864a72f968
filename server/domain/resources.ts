/**
 * Emergency resources (docs/domain.md §6): the one place that defines their kinds, statuses and the
 * capability vocabulary (with Chinese and English labels for the map and the panels), and which
 * fields each kind carries. Pure TypeScript: no Fastify, no SQL.
 */
import type { ErrorDetail } from './errors'

export const RESOURCE_KINDS = ['rescue_team', 'equipment', 'depot', 'shelter', 'expert'] as const
export type ResourceKind = (typeof RESOURCE_KINDS)[number]

export const RESOURCE_STATUSES = ['available', 'deployed', 'out_of_service'] as const
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number]

/** What a resource can respond to. Keys are stored in `resource.capabilities`; never rename one. */
export const CAPABILITIES = [
  'hazmat',
  'fire',
  'forest_fire',
  'mine',
  'water',
  'flood',
  'medical',
  'structural_collapse',
  'electrical',
  'traffic',
  'communications',
  'special_equipment',
] as const
export type Capability = (typeof CAPABILITIES)[number]

export interface Label {
  zh: string
  en: string
}

export const RESOURCE_KIND_LABELS: Readonly<Record<ResourceKind, Label>> = {
  rescue_team: { zh: '救援队伍', en: 'rescue team' },
  equipment: { zh: '救援装备', en: 'equipment' },
  depot: { zh: '物资储备库', en: 'material depot' },
  shelter: { zh: '应急避难场所', en: 'shelter' },
  expert: { zh: '专家', en: 'expert' },
}

export const RESOURCE_STATUS_LABELS: Readonly<Record<ResourceStatus, Label>> = {
  available: { zh: '可调用', en: 'available' },
  deployed: { zh: '已出动', en: 'deployed' },
  out_of_service: { zh: '停用维护', en: 'out of service' },
}

export const CAPABILITY_LABELS: Readonly<Record<Capability, Label>> = {
  hazmat: { zh: '危险化学品', en: 'hazardous materials' },
  fire: { zh: '火灾扑救', en: 'firefighting' },
  forest_fire: { zh: '森林草原灭火', en: 'forest and grassland fire' },
  mine: { zh: '矿山救援', en: 'mine rescue' },
  water: { zh: '水域救援', en: 'water rescue' },
  flood: { zh: '防汛抢险', en: 'flood control' },
  medical: { zh: '医疗救护', en: 'medical' },
  structural_collapse: { zh: '建筑坍塌搜救', en: 'structural collapse' },
  electrical: { zh: '电力抢修', en: 'electrical' },
  traffic: { zh: '交通事故救援', en: 'traffic accidents' },
  communications: { zh: '应急通信', en: 'emergency communications' },
  special_equipment: { zh: '特种设备', en: 'special equipment' },
}

export function isResourceKind(x: unknown): x is ResourceKind {
  return typeof x === 'string' && (RESOURCE_KINDS as readonly string[]).includes(x)
}

export function isCapability(x: unknown): x is Capability {
  return typeof x === 'string' && (CAPABILITIES as readonly string[]).includes(x)
}

/** One line of a depot's stock. `quantity` is in `unit` (个, 顶, kg …). */
export interface DepotItem {
  item: string
  quantity: number
  unit: string
}

/** The fields that only some kinds carry, by their API names. */
export const KIND_SPECIFIC_FIELDS = ['teamType', 'headcount', 'equipmentType', 'quantity', 'items', 'capacity', 'expertField'] as const
export type KindSpecificField = (typeof KIND_SPECIFIC_FIELDS)[number]

/**
 * Which kind-specific fields each kind requires. A field listed for no other kind must be absent
 * (or null) on the others, so that nothing is silently stored where no one will read it.
 */
export const KIND_REQUIRED_FIELDS: Readonly<Record<ResourceKind, readonly KindSpecificField[]>> = {
  rescue_team: ['teamType', 'headcount'],
  equipment: ['equipmentType', 'quantity'],
  depot: ['items'],
  shelter: ['capacity'],
  expert: ['expertField'],
}

/** A resource as written through the API (WGS 84 already). */
export interface ResourceInput {
  kind: ResourceKind
  name: string
  organisation?: string | null
  dutyPhone?: string | null
  contact?: string | null
  status?: ResourceStatus
  capabilities?: string[]
  teamType?: string | null
  headcount?: number | null
  equipmentType?: string | null
  quantity?: number | null
  items?: DepotItem[] | null
  capacity?: number | null
  expertField?: string | null
}

/** A kind-specific problem: the field, the English message, and a stable code and its values for a page. */
export interface ResourceProblem extends ErrorDetail {
  field: string
  code: string
  params?: Record<string, string | number | string[]>
}

/**
 * Kind-specific rules the JSON schema cannot say clearly: required fields per kind, fields that do
 * not apply to the kind, a rescue team's capabilities, an expert's contact, duplicate capabilities
 * or depot items. Returns every problem, each naming its field (`capabilities[2]`, `items[1].item`).
 */
export function resourceProblems(input: ResourceInput): ResourceProblem[] {
  const problems: ResourceProblem[] = []
  const kind = input.kind
  const required = KIND_REQUIRED_FIELDS[kind]
  for (const field of KIND_SPECIFIC_FIELDS) {
    const value = input[field]
    const present = value !== undefined && value !== null
    if (required.includes(field) && !present) {
      problems.push({ field, message: `is required for a ${kind}`, code: 'resource_field_required', params: { kind } })
    } else if (!required.includes(field) && present) {
      const owner = RESOURCE_KINDS.filter((k) => KIND_REQUIRED_FIELDS[k].includes(field))
      problems.push({
        field,
        message: `applies only to ${owner.join(', ')}, not to a ${kind}`,
        code: 'resource_field_not_applicable',
        params: { kind, owners: owner },
      })
    }
  }
  const capabilities = input.capabilities ?? []
  capabilities.forEach((c, i) => {
    if (!isCapability(c))
      problems.push({
        field: `capabilities[${i}]`,
        message: `unknown capability "${c}"; one of ${CAPABILITIES.join(', ')}`,
        code: 'capability_unknown',
        params: { text: c },
      })
    else if (capabilities.indexOf(c) !== i)
      problems.push({ field: `capabilities[${i}]`, message: `repeats "${c}"`, code: 'capability_repeated', params: { text: c } })
  })
  if (kind === 'rescue_team' && capabilities.length === 0) {
    problems.push({ field: 'capabilities', message: 'a rescue team needs at least one capability', code: 'team_needs_capability' })
  }
  if (kind === 'expert' && !input.contact && !input.dutyPhone) {
    problems.push({ field: 'contact', message: 'an expert needs a contact or a duty phone', code: 'expert_needs_contact' })
  }
  if (kind === 'depot' && input.items) {
    if (input.items.length === 0) problems.push({ field: 'items', message: 'a depot needs at least one stock item', code: 'depot_needs_items' })
    const seen = new Set<string>()
    input.items.forEach((it, i) => {
      const key = `${it.item.trim()}\u0000${it.unit.trim()}`
      if (seen.has(key))
        problems.push({
          field: `items[${i}].item`,
          message: `repeats "${it.item}" in ${it.unit}`,
          code: 'depot_item_repeated',
          params: { item: it.item, unit: it.unit },
        })
      seen.add(key)
    })
  }
  return problems
}
