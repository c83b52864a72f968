/**
 * Emergency resources (resource): rescue teams, equipment, material depots, shelters, experts.
 */
import { Random } from '../../domain/random'
import { type Context, DEMO_NOTE, SCALE_ANCHORS, scaledCount, takeId } from './context'
import { isoTime } from './dates'
import { demoPhone, personName } from './people'
import { type ProfileName, pointGeom, pointInCell } from './places'
import { type ResourceRow } from './rows'

export interface TeamSpec {
  type: string
  zh: string
  capabilities: readonly string[]
  optional?: readonly string[]
  headcount: [number, number]
  weight: number
  profile: ProfileName
}

export const TEAM_SPECS: readonly TeamSpec[] = [
  {
    type: 'fire_rescue',
    zh: '消防救援站',
    capabilities: ['fire', 'structural_collapse', 'traffic'],
    optional: ['hazmat', 'water'],
    headcount: [25, 60],
    weight: 30,
    profile: 'urban',
  },
  { type: 'hazmat', zh: '危险化学品应急救援队', capabilities: ['hazmat', 'fire'], headcount: [20, 50], weight: 12, profile: 'chemical' },
  { type: 'mine_rescue', zh: '矿山救护队', capabilities: ['mine', 'structural_collapse', 'medical'], headcount: [30, 80], weight: 4, profile: 'mining' },
  { type: 'water_rescue', zh: '水上救援队', capabilities: ['water'], optional: ['medical'], headcount: [10, 30], weight: 6, profile: 'urban' },
  { type: 'medical', zh: '医疗急救站', capabilities: ['medical'], headcount: [8, 30], weight: 15, profile: 'urban' },
  { type: 'power', zh: '电力应急抢修队', capabilities: ['electrical'], headcount: [15, 40], weight: 8, profile: 'urban' },
  { type: 'traffic', zh: '交通事故救援队', capabilities: ['traffic'], optional: ['structural_collapse'], headcount: [10, 30], weight: 6, profile: 'logistics' },
  { type: 'gas_emergency', zh: '燃气抢险队', capabilities: ['hazmat', 'fire'], headcount: [10, 30], weight: 6, profile: 'urban' },
  {
    type: 'volunteer',
    zh: '志愿者救援队',
    capabilities: ['water'],
    optional: ['medical', 'structural_collapse'],
    headcount: [10, 60],
    weight: 8,
    profile: 'urban',
  },
]

export const EQUIPMENT_SPECS: ReadonlyArray<{ type: string; capabilities: readonly string[]; quantity: [number, number] }> = [
  { type: '泡沫消防车', capabilities: ['fire', 'hazmat'], quantity: [1, 4] },
  { type: '举高喷射消防车', capabilities: ['fire'], quantity: [1, 2] },
  { type: '化学事故抢险救援车', capabilities: ['hazmat'], quantity: [1, 2] },
  { type: '有毒气体侦检仪', capabilities: ['hazmat'], quantity: [2, 10] },
  { type: '生命探测仪', capabilities: ['structural_collapse'], quantity: [1, 4] },
  { type: '冲锋舟', capabilities: ['water'], quantity: [2, 8] },
  { type: '大功率排水泵', capabilities: ['water'], quantity: [2, 10] },
  { type: '应急发电车', capabilities: ['electrical'], quantity: [1, 3] },
  { type: '正压式空气呼吸器', capabilities: ['hazmat', 'fire', 'mine'], quantity: [10, 50] },
  { type: '矿用救生舱', capabilities: ['mine'], quantity: [1, 2] },
  { type: '挖掘机', capabilities: ['structural_collapse'], quantity: [1, 5] },
  { type: '重型清障车', capabilities: ['traffic'], quantity: [1, 3] },
  { type: '负压救护车', capabilities: ['medical'], quantity: [1, 4] },
]

export const DEPOT_ITEMS: ReadonlyArray<{ item: string; unit: string; quantity: [number, number] }> = [
  { item: '沙袋', unit: '个', quantity: [1000, 20000] },
  { item: '帐篷', unit: '顶', quantity: [20, 500] },
  { item: '棉被', unit: '床', quantity: [100, 5000] },
  { item: '应急照明灯', unit: '台', quantity: [20, 300] },
  { item: '救生衣', unit: '件', quantity: [50, 1000] },
  { item: '吸附棉', unit: 'kg', quantity: [100, 3000] },
  { item: '防化服', unit: '套', quantity: [10, 200] },
  { item: '灭火器', unit: '具', quantity: [50, 2000] },
  { item: '编织袋', unit: '条', quantity: [1000, 50000] },
  { item: '发电机', unit: '台', quantity: [2, 40] },
  { item: '饮用水', unit: '箱', quantity: [200, 10000] },
  { item: '方便食品', unit: '箱', quantity: [200, 8000] },
]

export const EXPERT_FIELDS: ReadonlyArray<{ field: string; capabilities: readonly string[] }> = [
  { field: '危险化学品', capabilities: ['hazmat'] },
  { field: '矿山安全', capabilities: ['mine'] },
  { field: '消防', capabilities: ['fire'] },
  { field: '特种设备', capabilities: ['structural_collapse'] },
  { field: '建筑施工', capabilities: ['structural_collapse'] },
  { field: '城镇燃气', capabilities: ['hazmat', 'fire'] },
  { field: '电力', capabilities: ['electrical'] },
  { field: '医疗救护', capabilities: ['medical'] },
  { field: '水上救援', capabilities: ['water'] },
  { field: '道路交通', capabilities: ['traffic'] },
]

export function resourceRows(ctx: Context, rng: Random): ResourceRow[] {
  const total = Math.max(1, scaledCount(SCALE_ANCHORS.resource, ctx.scale))
  const { layout } = ctx
  const rows: ResourceRow[] = []
  const counters = new Map<string, number>()
  const ordinal = (key: string) => {
    const n = (counters.get(key) ?? 0) + 1
    counters.set(key, n)
    return n
  }
  for (let k = 0; k < total; k++) {
    const kind = rng.weightedKey({ rescue_team: 0.15, equipment: 0.37, depot: 0.1, shelter: 0.3, expert: 0.08 })
    const team =
      kind === 'rescue_team'
        ? rng.weighted(
            TEAM_SPECS,
            TEAM_SPECS.map((t) => t.weight),
          )
        : null
    const profile: ProfileName = team?.profile ?? (kind === 'depot' ? 'logistics' : 'urban')
    const cell = ctx.samplers[profile].sample(rng)
    const lonLat = pointInCell(rng, layout.lattice, cell)
    const township = layout.townships[layout.townshipOf[cell]!]!
    const county = layout.counties[township.county]!
    const town = township.name.replace(DEMO_NOTE, '')
    const status = rng.weightedKey({ available: 0.9, deployed: 0.06, out_of_service: 0.04 })
    const row: ResourceRow = {
      id: takeId(ctx, 'resource'),
      kind,
      name: '',
      organisation: '',
      duty_phone: demoPhone(rng),
      contact: personName(rng),
      status,
      status_updated_at: isoTime(ctx.today - rng.int(0, 60), rng.int(0, 1439)),
      capabilities: [],
      team_type: null,
      headcount: null,
      equipment_type: null,
      quantity: null,
      items: [],
      capacity: null,
      expert_field: null,
      division_code: township.code,
      synthetic: true,
      geom: pointGeom(lonLat),
    }
    if (team) {
      const n = ordinal(`${county.fact.code}:${team.type}`)
      row.name = `${county.short}${town}${team.zh}${n > 1 ? `（${n}）` : ''}${DEMO_NOTE}`
      row.organisation = team.type === 'fire_rescue' ? `沈阳市消防救援支队${county.short}大队${DEMO_NOTE}` : `${county.fact.name}${team.zh}${DEMO_NOTE}`
      row.team_type = team.type
      row.headcount = rng.int(team.headcount[0], team.headcount[1])
      row.capabilities = [...team.capabilities, ...(team.optional ?? []).filter(() => rng.chance(0.5))]
    } else if (kind === 'equipment') {
      const spec = rng.pick(EQUIPMENT_SPECS)
      row.name = `${spec.type}（${county.short}${town}存放点）${DEMO_NOTE}`
      row.organisation = `${county.fact.name}${rng.pick(['消防救援大队', '应急管理局', '城市管理局', '示例应急救援中心'])}${DEMO_NOTE}`
      row.equipment_type = spec.type
      row.quantity = rng.int(spec.quantity[0], spec.quantity[1])
      row.capabilities = [...spec.capabilities]
    } else if (kind === 'depot') {
      row.name = `${county.short}${town}应急物资储备库${DEMO_NOTE}`
      row.organisation = `${county.fact.name}应急管理局${DEMO_NOTE}`
      row.items = rng.sample(DEPOT_ITEMS, rng.int(4, 8)).map((it) => ({ item: it.item, quantity: rng.int(it.quantity[0], it.quantity[1]), unit: it.unit }))
      row.capabilities = []
    } else if (kind === 'shelter') {
      const place = rng.pick(['公园', '中心小学', '文化广场', '体育场', '中学操场', '绿地'])
      const n = ordinal(`${township.code}:${place}`)
      row.name = `${town}${place}${n > 1 ? n : ''}应急避难场所${DEMO_NOTE}`
      row.organisation = `${county.fact.name}应急管理局${DEMO_NOTE}`
      row.capacity = rng.int(5, 300) * 100
    } else {
      const field = rng.pick(EXPERT_FIELDS)
      row.name = `${row.contact}（${field.field}专家）${DEMO_NOTE}`
      row.organisation = `沈阳市安全生产专家库${DEMO_NOTE}`
      row.expert_field = field.field
      row.capabilities = [...field.capabilities]
    }
    rows.push(row)
  }
  return rows
}
