/**
 * Enterprises in chunks, each with its specialist departments, major hazard installations
 * (substances, quantities, GB 18218 grade), reported safety risks, and (via ./enforcement.ts)
 * its enforcement history; then its level by the domain rules.
 */
import { enterpriseLevel } from '../../domain/enterprise-level'
import type { Level } from '../../domain/levels'
import { compareReportedGrade, identifyAndGradeMajorHazard } from '../../domain/major-hazard'
import { DEFAULT_RULES } from '../../domain/rules'
import { highHazardIndustry, supervisionTier, type Affiliation, type EnterpriseScale } from '../../domain/tier'
import { buildUscc } from '../../domain/uscc'
import { Random } from '../../domain/random'
import { assessmentColumns } from './assessments'
import { type ChunkRows, type Context, DEMO_NOTE, poisson, takeId } from './context'
import { addMonths, isoDate } from './dates'
import { creditRows, hiddenDangerRows, inspectionRows, type EnforcementSubject } from './enforcement'
import { FACTS } from './layout'
import { demoPhone, personName } from './people'
import { type ProfileName, jitter, pointGeom, pointInCell } from './places'
import { type EnterpriseRow } from './rows'
import { DEPARTMENT_SPECS } from './supervision'

export interface IndustrySpec {
  code: string
  /** Share of enterprises. */
  share: number
  profile: ProfileName
  /** Business words for names: 沈阳 + word + business + form. */
  business: readonly string[]
  /** Share of enterprises with special equipment (boilers, pressure vessels, lifts, cranes). */
  specialEquipment: number
  /** Mean number of major hazard installations per enterprise at scale 1 (Poisson). */
  majorHazardMean: number
  /** Probability of reported safety risks, and how many at most. */
  safetyRisk: { p: number; max: number }
  /** Probability of a hidden danger on record. */
  hiddenDanger: number
}

export const INDUSTRIES: readonly IndustrySpec[] = [
  {
    code: 'hazardous_chemicals',
    share: 0.06,
    profile: 'chemical',
    business: ['化工', '石化', '精细化工', '化学品', '气体', '石油销售'],
    specialEquipment: 0.9,
    majorHazardMean: 0.9,
    safetyRisk: { p: 0.9, max: 4 },
    hiddenDanger: 0.13,
  },
  {
    code: 'mining',
    share: 0.01,
    profile: 'mining',
    business: ['矿业', '煤业', '石材', '建材矿业'],
    specialEquipment: 0.7,
    majorHazardMean: 0,
    safetyRisk: { p: 0.9, max: 4 },
    hiddenDanger: 0.13,
  },
  {
    code: 'fireworks',
    share: 0.005,
    profile: 'rural',
    business: ['烟花爆竹', '烟花'],
    specialEquipment: 0,
    majorHazardMean: 0,
    safetyRisk: { p: 0.8, max: 2 },
    hiddenDanger: 0.13,
  },
  {
    code: 'metal_smelting',
    share: 0.02,
    profile: 'industrial',
    business: ['冶金', '铸造', '钢铁', '有色金属', '特钢'],
    specialEquipment: 1,
    majorHazardMean: 0.3,
    safetyRisk: { p: 0.9, max: 3 },
    hiddenDanger: 0.13,
  },
  {
    code: 'construction',
    share: 0.12,
    profile: 'urban',
    business: ['建筑工程', '建设', '市政工程', '路桥工程', '建筑安装'],
    specialEquipment: 0.7,
    majorHazardMean: 0,
    safetyRisk: { p: 0.4, max: 2 },
    hiddenDanger: 0.07,
  },
  {
    code: 'manufacturing',
    share: 0.33,
    profile: 'industrial',
    business: ['机械制造', '汽车零部件', '电子科技', '食品', '纺织', '家具', '装备制造', '塑料制品', '木业', '冷链食品'],
    specialEquipment: 0.6,
    majorHazardMean: 0.006,
    safetyRisk: { p: 0.28, max: 2 },
    hiddenDanger: 0.025,
  },
  {
    code: 'gas',
    share: 0.015,
    profile: 'urban',
    business: ['燃气', '天然气', '液化气', '能源'],
    specialEquipment: 1,
    majorHazardMean: 0.6,
    safetyRisk: { p: 0.8, max: 2 },
    hiddenDanger: 0.07,
  },
  {
    code: 'transport',
    share: 0.06,
    profile: 'logistics',
    business: ['运输', '客运', '物流运输', '危货运输'],
    specialEquipment: 0.2,
    majorHazardMean: 0,
    safetyRisk: { p: 0.3, max: 1 },
    hiddenDanger: 0.025,
  },
  {
    code: 'warehousing',
    share: 0.06,
    profile: 'logistics',
    business: ['仓储', '物流', '冷链物流', '供应链'],
    specialEquipment: 0.5,
    majorHazardMean: 0.035,
    safetyRisk: { p: 0.3, max: 1 },
    hiddenDanger: 0.025,
  },
  {
    code: 'retail',
    share: 0.22,
    profile: 'urban',
    business: ['商贸', '超市', '餐饮管理', '酒店管理', '购物中心', '商场'],
    specialEquipment: 0.2,
    majorHazardMean: 0,
    safetyRisk: { p: 0.15, max: 1 },
    hiddenDanger: 0.02,
  },
  {
    code: 'other',
    share: 0.1,
    profile: 'urban',
    business: ['科技', '服务', '文化传媒', '物业管理', '教育科技'],
    specialEquipment: 0.15,
    majorHazardMean: 0,
    safetyRisk: { p: 0.15, max: 1 },
    hiddenDanger: 0.02,
  },
]

export const NAME_WORDS = [
  '华泰',
  '东方',
  '鑫源',
  '恒达',
  '宏盛',
  '金鼎',
  '瑞丰',
  '远航',
  '北方',
  '盛京',
  '辽沈',
  '天合',
  '信达',
  '永安',
  '国泰',
  '博远',
  '昌盛',
  '德润',
  '富源',
  '广汇',
  '海川',
  '浩然',
  '嘉诚',
  '锦华',
  '凯越',
  '明达',
  '诺信',
  '鹏程',
  '启航',
  '荣昌',
  '顺通',
  '泰和',
  '祥瑞',
  '新宇',
  '卓越',
  '兴辽',
  '沈北',
  '浑河',
  '辽河',
  '长白',
  '松岭',
  '金桥',
  '银河',
  '宏图',
  '中盛',
  '腾飞',
  '晟达',
  '润泽',
  '聚源',
  '恒信',
]

export interface SubstanceSpec {
  name: string
  cas: string
  /** GB 18218-2018 table 4 class, when β does not come from the toxic-gas table 3. */
  hazardClass: string | null
  /** Critical quantity Q, tonnes (GB 18218-2018 table 1). */
  Q: number
}

/** Substances of GB 18218-2018 table 1 with their critical quantities. */
export const SUBSTANCES: Record<string, SubstanceSpec> = {
  chlorine: { name: '氯', cas: '7782-50-5', hazardClass: null, Q: 5 },
  ammonia: { name: '氨', cas: '7664-41-7', hazardClass: null, Q: 10 },
  h2s: { name: '硫化氢', cas: '7783-06-4', hazardClass: null, Q: 5 },
  eo: { name: '环氧乙烷', cas: '75-21-8', hazardClass: null, Q: 10 },
  hcl: { name: '氯化氢（无水）', cas: '7647-01-0', hazardClass: null, Q: 20 },
  so2: { name: '二氧化硫', cas: '7446-09-5', hazardClass: null, Q: 20 },
  phosgene: { name: '光气', cas: '75-44-5', hazardClass: null, Q: 0.3 },
  hf: { name: '氟化氢', cas: '7664-39-3', hazardClass: null, Q: 1 },
  coalGas: { name: '煤气（一氧化碳）', cas: '630-08-0', hazardClass: null, Q: 20 },
  naturalGas: { name: '天然气', cas: '8006-14-2', hazardClass: 'W2', Q: 50 },
  lpg: { name: '液化石油气', cas: '68476-85-7', hazardClass: 'W2', Q: 50 },
  hydrogen: { name: '氢', cas: '1333-74-0', hazardClass: 'W2', Q: 5 },
  acetylene: { name: '乙炔', cas: '74-86-2', hazardClass: 'W2', Q: 1 },
  ethylene: { name: '乙烯', cas: '74-85-1', hazardClass: 'W2', Q: 50 },
  vinylChloride: { name: '氯乙烯', cas: '75-01-4', hazardClass: 'W2', Q: 50 },
  oxygen: { name: '氧（压缩的或液化的）', cas: '7782-44-7', hazardClass: 'W4', Q: 200 },
  benzene: { name: '苯', cas: '71-43-2', hazardClass: 'W5.4', Q: 50 },
  toluene: { name: '甲苯', cas: '108-88-3', hazardClass: 'W5.4', Q: 500 },
  methanol: { name: '甲醇', cas: '67-56-1', hazardClass: 'W5.4', Q: 500 },
  ethanol: { name: '乙醇', cas: '64-17-5', hazardClass: 'W5.4', Q: 500 },
  acetone: { name: '丙酮', cas: '67-64-1', hazardClass: 'W5.4', Q: 500 },
  gasoline: { name: '汽油', cas: '86290-81-5', hazardClass: 'W5.4', Q: 200 },
}

/** Substance pools and unit names by industry. */
export const HAZARD_POOLS: Record<string, { substances: readonly string[]; units: readonly string[]; maxSubstances: number }> = {
  hazardous_chemicals: {
    substances: [
      'chlorine',
      'ammonia',
      'h2s',
      'eo',
      'hcl',
      'so2',
      'phosgene',
      'hf',
      'hydrogen',
      'acetylene',
      'ethylene',
      'vinylChloride',
      'benzene',
      'toluene',
      'methanol',
      'ethanol',
      'acetone',
      'gasoline',
      'lpg',
    ],
    units: ['储罐区', '生产装置区', '危险化学品仓库', '装卸区', '罐区'],
    maxSubstances: 4,
  },
  gas: { substances: ['naturalGas', 'lpg'], units: ['储配站', 'LNG储罐区', '液化气储配站', '门站'], maxSubstances: 2 },
  metal_smelting: { substances: ['coalGas', 'oxygen', 'hydrogen'], units: ['煤气柜区', '制氧站', '氢气站'], maxSubstances: 3 },
  warehousing: { substances: ['gasoline', 'methanol', 'lpg', 'ethanol', 'toluene'], units: ['油库罐区', '危险化学品仓库'], maxSubstances: 3 },
  manufacturing: { substances: ['ammonia'], units: ['液氨制冷车间'], maxSubstances: 1 },
}

export const RISK_NAMES: Record<string, readonly string[]> = {
  hazardous_chemicals: ['储罐区火灾爆炸风险', '有毒气体泄漏中毒风险', '装卸作业泄漏风险', '反应釜超温超压风险', '动火作业风险'],
  mining: ['冒顶片帮风险', '瓦斯爆炸风险', '透水风险', '边坡坍塌风险', '爆破作业风险'],
  fireworks: ['仓库爆炸风险', '超量储存风险'],
  metal_smelting: ['高温熔融金属喷溅风险', '煤气中毒风险', '起重伤害风险', '粉尘爆炸风险'],
  construction: ['高处坠落风险', '深基坑坍塌风险', '起重机械倾覆风险', '脚手架坍塌风险'],
  manufacturing: ['机械伤害风险', '粉尘爆炸风险', '有限空间作业中毒窒息风险', '触电风险', '液氨泄漏风险'],
  gas: ['燃气泄漏爆炸风险', '管网第三方破坏风险', '储罐超压风险'],
  transport: ['危险货物运输泄漏风险', '车辆伤害风险', '客运车辆交通事故风险'],
  warehousing: ['仓库火灾风险', '叉车伤害风险', '货架坍塌风险'],
  retail: ['人员密集场所火灾风险', '踩踏风险', '燃气使用风险'],
  other: ['电气火灾风险', '人员密集场所火灾风险'],
}

/** GB 11714 check character of an 8-character organisation code body. */
export function orgCodeCheck(body: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2]
  let sum = 0
  for (let i = 0; i < 8; i++) {
    const ch = body.charCodeAt(i)
    sum += (ch <= 57 ? ch - 48 : ch - 55) * weights[i]!
  }
  const c = 11 - (sum % 11)
  return c === 10 ? 'X' : c === 11 ? '0' : String(c)
}

/**
 * A unique, valid USCC (GB 32100-2015) for an enterprise id: registration type (91 company,
 * 92 individual business), the county code, an organisation code that is a bijection of the id
 * (so codes never repeat), and the check character from the domain helper.
 */
export function usccFor(ctx: Context, id: number, countyCode: string, individual: boolean): string {
  // 73939133 is coprime with 10^8, so id ↦ (id·k + offset) mod 10^8 is a bijection.
  const body = String((id * 73_939_133 + ctx.orgCodeOffset) % 100_000_000).padStart(8, '0')
  return buildUscc(`${individual ? '92' : '91'}${countyCode}${body}${orgCodeCheck(body)}`)
}

export function roundQuantity(t: number): number {
  if (t >= 100) return Math.round(t)
  if (t >= 1) return Math.round(t * 10) / 10
  return Math.max(0.01, Math.round(t * 100) / 100)
}

export function populationBand(rng: Random, urban: boolean): number {
  const band = urban ? rng.weighted([0, 1, 2, 3, 4], [0.02, 0.1, 0.1, 0.23, 0.55]) : rng.weighted([0, 1, 2, 3, 4], [0.15, 0.35, 0.15, 0.2, 0.15])
  return [0, rng.int(1, 29), rng.int(30, 49), rng.int(50, 99), rng.int(100, 3000)][band]!
}

export const GRADE_BANDS: Record<1 | 2 | 3 | 4, [number, number]> = { 1: [100, 400], 2: [50, 100], 3: [10, 50], 4: [0, 10] }

export interface PlannedHazard {
  population: number
  substances: Array<{ spec: SubstanceSpec; q: number }>
  result: ReturnType<typeof identifyAndGradeMajorHazard>
}

/**
 * Chooses substances, quantities and population so that S ≥ 1 and the grade hits a target drawn
 * from a spread over all four grades; the result is the domain's own computation.
 */
export function planMajorHazard(rng: Random, pool: (typeof HAZARD_POOLS)[string], urban: boolean): PlannedHazard {
  let fallback: PlannedHazard | undefined
  for (let attempt = 0; attempt < 60; attempt++) {
    // 一级 installations are rare; most are 三级 and 四级.
    const target = rng.weighted([1, 2, 3, 4] as const, [0.03, 0.15, 0.4, 0.42])
    const count = rng.int(1, Math.min(pool.maxSubstances, pool.substances.length))
    const specs = rng.sample(pool.substances, count).map((key) => SUBSTANCES[key]!)
    const population = populationBand(rng, urban)
    const raw = specs.map(() => rng.float(0.2, 1.2))
    const sum = raw.reduce((a, b) => a + b, 0)
    const shares = raw.map((w) => w / sum)
    const input = (S: number, round: boolean) => ({
      population500m: population,
      substances: specs.map((spec, k) => ({
        name: spec.name,
        cas: spec.cas,
        ...(spec.hazardClass ? { class: spec.hazardClass } : {}),
        q: round ? roundQuantity(S * shares[k]! * spec.Q) : S * shares[k]! * spec.Q,
        Q: spec.Q,
      })),
    })
    // R at S = 1 is the least R these substances can have as a major hazard installation.
    const unitR = identifyAndGradeMajorHazard(input(1, false)).R
    const [lo, hi] = GRADE_BANDS[target]
    const low = Math.max(lo * 1.03, unitR * 1.05)
    const high = hi * 0.97
    if (low >= high) continue
    const u = rng.next()
    const R = low + (high - low) * (target === 1 ? u * u : u)
    const S = R / unitR
    if (S > 400) continue
    const built = input(S, true)
    const result = identifyAndGradeMajorHazard(built)
    const planned: PlannedHazard = { population, substances: specs.map((spec, k) => ({ spec, q: built.substances[k]!.q })), result }
    if (result.identified && result.S >= 1) fallback ??= planned
    if (result.identified && result.grade === target) return planned
  }
  if (fallback) return fallback
  // Unreachable with the pools above; kept so the generator can never emit S < 1.
  const spec = SUBSTANCES.methanol!
  const population = 10
  return {
    population,
    substances: [{ spec, q: 1000 }],
    result: identifyAndGradeMajorHazard({
      population500m: population,
      substances: [{ name: spec.name, cas: spec.cas, class: spec.hazardClass!, q: 1000, Q: spec.Q }],
    }),
  }
}

export function generateChunk(ctx: Context, rng: Random, count: number): ChunkRows {
  const out: ChunkRows = {
    enterprise: [],
    enterprise_specialist_department: [],
    major_hazard: [],
    major_hazard_substance: [],
    safety_risk: [],
    inspection: [],
    inspection_inspector: [],
    hidden_danger: [],
    violation: [],
    penalty: [],
    credit_event: [],
  }
  const { layout, today } = ctx
  const shares = INDUSTRIES.map((i) => i.share)
  for (let n = 0; n < count; n++) {
    const industry = rng.weighted(INDUSTRIES, shares)
    const cell = ctx.samplers[industry.profile].sample(rng)
    const lonLat = pointInCell(rng, layout.lattice, cell)
    const township = layout.townships[layout.townshipOf[cell]!]!
    const county = layout.counties[township.county]!
    const gridIndex = layout.gridOf[cell]!
    const highHazard = highHazardIndustry(industry.code)

    const scale = rng.weightedKey<EnterpriseScale>(
      highHazard || industry.code === 'gas' ? { large: 0.07, medium: 0.2, small: 0.45, micro: 0.28 } : { large: 0.02, medium: 0.1, small: 0.43, micro: 0.45 },
    )
    const affiliation = rng.weightedKey<Affiliation>(
      scale === 'large'
        ? { central: 0.1, province: 0.15, city: 0.35, county: 0.3, township: 0.1 }
        : { central: 0.003, province: 0.01, city: 0.05, county: 0.27, township: 0.667 },
    )
    const centralVertical = affiliation === 'central' && ['transport', 'gas', 'hazardous_chemicals'].includes(industry.code) && rng.chance(0.5)
    const isOutlet = ['hazardous_chemicals', 'gas', 'retail'].includes(industry.code) && scale !== 'micro' && rng.chance(0.08)
    const tier = supervisionTier({ affiliation, scale, highHazard, centralVertical, isOutlet, delegateOutletsToCounty: true })
    const deptDivision = tier.tier === 'city' ? FACTS.city.code : county.fact.code
    const industrySpec = DEPARTMENT_SPECS.find((d) => d.kind === 'industry' && d.industries.includes(industry.code))!
    // ≈ 1.5 % lack an industry department: coverage gaps for the 全覆盖 report to find.
    const industryDept = centralVertical || rng.chance(0.015) ? null : ctx.departments.get(`${deptDivision}:${industrySpec.key}`)!
    const hasResponsible = !rng.chance(0.015)

    const id = takeId(ctx, 'enterprise')
    const individual = scale === 'micro' && (industry.code === 'retail' || industry.code === 'fireworks') && rng.chance(0.5)
    const form = individual
      ? rng.pick(['经营部', '商店'])
      : scale === 'large'
        ? rng.pick(['股份有限公司', '集团有限公司', '有限公司'])
        : scale === 'micro'
          ? rng.pick(['有限公司', '厂', '经营部'])
          : rng.pick(['有限公司', '有限责任公司'])
    const prefix = rng.chance(0.7) ? '沈阳' : county.short
    const outletSuffix = isOutlet ? `${county.short}${rng.pick(['分公司', '经营网点', '加油站'])}` : ''
    const name = `${prefix}${rng.pick(NAME_WORDS)}${rng.pick(industry.business)}${form}${outletSuffix}${DEMO_NOTE}`

    const stale = rng.chance(0.05)
    const lastReported = stale ? today - rng.int(400, 900) : today - rng.int(1, 330)
    const enterprise: EnterpriseRow = {
      id,
      uscc: usccFor(ctx, id, county.fact.code, individual),
      name,
      industry: industry.code,
      high_hazard: highHazard,
      scale,
      affiliation,
      central_vertical: centralVertical,
      is_outlet: isOutlet,
      tier: tier.tier,
      tier_source: 'rule',
      tier_reason: tier.reason,
      division_code: township.code,
      mgmt_grid_id: gridIndex >= 0 ? layout.grids[gridIndex]!.id : null,
      address: `${FACTS.city.name}${county.fact.name}${township.name.replace(DEMO_NOTE, '')}示例路${rng.int(1, 999)}号`,
      industry_department_id: industryDept?.id ?? null,
      responsible_person: hasResponsible ? personName(rng) : null,
      responsible_phone: hasResponsible ? demoPhone(rng) : null,
      credit_status: 'good',
      last_reported_at: isoDate(lastReported),
      report_due_at: isoDate(addMonths(lastReported, 12)),
      level: 0,
      inherent_level: 0,
      level_reason: { rule: 'baseline', text: '', textZh: '' },
      impact_radius_m: highHazard && rng.chance(0.05) ? rng.int(5, 20) * 100 : null,
      synthetic: true,
      geom: pointGeom(lonLat),
    }
    out.enterprise.push(enterprise)

    // Specialist departments: fire rescue for (almost) all, special equipment where there is some.
    const fire = ctx.departments.get(`${deptDivision}:fire`)!
    const market = ctx.departments.get(`${deptDivision}:market`)!
    if (!rng.chance(0.01)) out.enterprise_specialist_department.push({ enterprise_id: id, department_id: fire.id })
    if (rng.chance(industry.specialEquipment)) out.enterprise_specialist_department.push({ enterprise_id: id, department_id: market.id })

    // Major hazard installations.
    const urban = ctx.urbanWeight[cell]! > 4
    const hazards: Array<{ id: number; level: Level }> = []
    const pool = HAZARD_POOLS[industry.code]
    const k = pool ? Math.min(8, poisson(rng, industry.majorHazardMean * ctx.majorHazardFactor)) : 0
    if (pool && k > 0) {
      for (let h = 0; h < k; h++) {
        const plan = planMajorHazard(rng, pool, urban)
        const { result } = plan
        const grade = result.grade
        const hazardId = takeId(ctx, 'major_hazard')
        let reportedR: number | null = null
        let reportedGrade: number | null = null
        if (rng.chance(0.03)) {
          // A report that disagrees with the recomputation: grade off by one, R understated.
          reportedGrade = grade === 4 ? 3 : grade === 1 ? 2 : grade + (rng.chance(0.5) ? 1 : -1)
          reportedR = Math.round(result.R * rng.float(0.4, 0.8) * 100) / 100
        } else if (rng.chance(0.8)) {
          reportedR = Math.round(result.R * 100) / 100
          reportedGrade = grade
        }
        const reportedAt = lastReported - rng.int(0, 30)
        const mainName = plan.substances[0]!.spec.name.replace(/（.*）/, '')
        out.major_hazard.push({
          id: hazardId,
          enterprise_id: id,
          name: `${mainName}${rng.pick(pool.units)}${k > 1 ? `${h + 1}号` : ''}${DEMO_NOTE}`,
          population_500m: plan.population,
          reported_r: reportedR,
          reported_grade: reportedGrade,
          s: result.S,
          r: result.R,
          alpha: result.alpha,
          grade,
          level: result.level,
          grade_mismatch: compareReportedGrade({ R: reportedR, grade: reportedGrade }, { R: result.R, grade }),
          impact_radius_m: rng.chance(0.3) ? [0, 1500, 900, 600, 300][grade]! * rng.float(0.7, 1.4) : null,
          reported_at: isoDate(reportedAt),
          valid_until: isoDate(addMonths(reportedAt, 12)),
          rule_version: DEFAULT_RULES.version,
          geom: pointGeom(jitter(rng, lonLat, 150)),
        })
        plan.substances.forEach((s, k2) => {
          out.major_hazard_substance.push({
            id: takeId(ctx, 'major_hazard_substance'),
            major_hazard_id: hazardId,
            name: s.spec.name,
            cas: s.spec.cas,
            hazard_class: s.spec.hazardClass,
            q_t: s.q,
            critical_q_t: s.spec.Q,
            beta: result.betas[k2]!,
          })
        })
        hazards.push({ id: hazardId, level: result.level })
      }
    }

    // Reported safety risks.
    const risks: Array<{ id: number; level: Level }> = []
    if (rng.chance(industry.safetyRisk.p)) {
      const k = rng.int(1, industry.safetyRisk.max)
      const names = rng.sample(RISK_NAMES[industry.code] ?? RISK_NAMES.other!, k)
      for (const riskName of names) {
        // 重大 and 较大 reported risks concentrate in the high-hazard industries.
        const columns = assessmentColumns(rng, highHazard ? 0.5 : 0.05)
        const assessedAt = lastReported - rng.int(0, 30)
        const riskId = takeId(ctx, 'safety_risk')
        out.safety_risk.push({
          id: riskId,
          enterprise_id: id,
          name: `${riskName}${DEMO_NOTE}`,
          description: `${riskName}：企业自行辨识上报（示例数据）`,
          ...columns,
          impact_radius_m: rng.chance(0.1) ? rng.int(1, 10) * 100 : null,
          assessed_at: isoDate(assessedAt),
          valid_until: isoDate(addMonths(assessedAt, 12)),
          rule_version: DEFAULT_RULES.version,
          geom: pointGeom(jitter(rng, lonLat, 100)),
        })
        risks.push({ id: riskId, level: columns.level as Level })
      }
    }
    const inherent = Math.max(0, ...hazards.map((h) => h.level), ...risks.map((r) => r.level))

    // Inspections, findings and penalties, hidden dangers and credit (./enforcement.ts).
    const subject: EnforcementSubject = { enterprise, industryDept, fire, deptDivision, county, lonLat }
    const inspections = centralVertical ? [] : inspectionRows(ctx, rng, out, subject, { inherent, highHazard })
    const dangers = hiddenDangerRows(ctx, rng, out, subject, inspections, industry.code, industry.hiddenDanger)
    creditRows(ctx, rng, out, enterprise)

    const graded = enterpriseLevel({ industry: industry.code, highHazard, majorHazards: hazards, safetyRisks: risks, hiddenDangers: dangers })
    enterprise.level = graded.level
    enterprise.inherent_level = graded.inherentLevel
    enterprise.level_reason = graded.reason
  }
  return out
}
