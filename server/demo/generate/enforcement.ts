/**
 * Enforcement records of one enterprise: inspections (and their inspectors), violations,
 * penalties, major accident hidden dangers with their rectification, and credit events.
 */
import { Random } from '../../domain/random'
import { DEMO_NOTE, HISTORY_DAYS, poisson, takeId, type ChunkRows, type Context } from './context'
import { DAY_MS, addMonths, isoDate, isoTime, yearOf } from './dates'
import { FACTS, type LayoutCounty } from './layout'
import { jitter, pointGeom } from './places'
import { type DepartmentRow, type EnterpriseRow, type InspectorRow, type Timestamp } from './rows'
import { DEPARTMENT_SPECS } from './supervision'

export const HIDDEN_DANGERS: Record<string, readonly string[]> = {
  hazardous_chemicals: [
    '涉及毒性气体的储罐区未设置有毒气体泄漏检测报警装置',
    '涉及重点监管危险化工工艺的装置未实现自动化控制',
    '危险化学品储存超量或禁忌物料混存',
    '重大危险源未设置独立的安全仪表系统',
  ],
  mining: ['矿井未按规定建立通风系统', '超层越界开采', '露天采场边坡角超过设计要求'],
  fireworks: ['仓库超量储存烟花爆竹', '零售点与居民居住场所设置在同一建筑物内'],
  metal_smelting: ['煤气区域未设置固定式一氧化碳检测报警装置', '熔融金属吊运未使用冶金起重机'],
  construction: ['深基坑未按专项方案施工', '高大模板支撑系统未经验收即投入使用', '起重机械安全装置失效'],
  manufacturing: ['粉尘爆炸危险场所除尘系统未采取防爆措施', '有限空间作业未执行审批制度', '液氨制冷车间未设置氨气泄漏报警装置'],
  gas: ['燃气管道穿越密闭空间未采取防护措施', '液化气储罐安全阀失效'],
  transport: ['危险货物运输车辆未安装卫星定位装置', '驾驶员未取得从业资格'],
  warehousing: ['仓库内违规住人', '危险化学品与普通货物混存'],
  retail: ['人员密集场所安全出口被封堵', '违规使用瓶装液化气'],
  other: ['消防设施损坏未修复', '电气线路私拉乱接'],
}

export const VIOLATIONS: ReadonlyArray<readonly [string, string]> = [
  ['未按规定对从业人员进行安全生产教育和培训', '《中华人民共和国安全生产法》第九十七条'],
  ['未如实记录安全生产教育和培训情况', '《中华人民共和国安全生产法》第九十七条'],
  ['特种作业人员未按照规定经专门的安全作业培训并取得相应资格上岗作业', '《中华人民共和国安全生产法》第九十七条'],
  ['安全设备的安装、使用、检测、改造和报废不符合国家标准或者行业标准', '《中华人民共和国安全生产法》第九十九条'],
  ['未对安全设备进行经常性维护、保养和定期检测', '《中华人民共和国安全生产法》第九十九条'],
  ['未为从业人员提供符合国家标准或者行业标准的劳动防护用品', '《中华人民共和国安全生产法》第九十九条'],
  ['对重大危险源未登记建档，未进行定期检测、评估、监控', '《中华人民共和国安全生产法》第一百零一条'],
  ['未建立安全风险分级管控制度或者未按照安全风险分级采取相应管控措施', '《中华人民共和国安全生产法》第一百零一条'],
  ['未采取措施消除事故隐患', '《中华人民共和国安全生产法》第一百零二条'],
  ['未按照规定制定生产安全事故应急救援预案或者未定期组织演练', '《中华人民共和国安全生产法》第九十七条'],
]

export const RECTIFICATIONS = ['已完成整改并提交整改报告', '已更换并检测合格', '已补充培训并建立档案', '已加装报警装置并联网', '已按方案整改，经复查合格']

/** A name different from `other` (the schema forbids verifying one's own report). */
export function otherPerson(rng: Random, roster: readonly InspectorRow[], other: string): string {
  const candidates = roster.filter((i) => i.name !== other)
  return candidates.length > 0 ? rng.pick(candidates).name : `${other}所在部门复核组${DEMO_NOTE}`
}

/** Status and timestamps of a finding (hidden danger or violation) as of `today`. */
export function findingProgress(
  rng: Random,
  today: number,
  foundAt: number,
  deadline: number,
  weights: { open: number; rectified: number; verified: number },
): { status: 'open' | 'rectified' | 'verified'; rectifiedAt: Timestamp | null; verifiedAt: Timestamp | null } {
  const elapsed = today - foundAt
  if (elapsed < 1) return { status: 'open', rectifiedAt: null, verifiedAt: null }
  const status = rng.weightedKey(weights)
  if (status === 'open') return { status, rectifiedAt: null, verifiedAt: null }
  // Most rectifications happen before the deadline; some late.
  const rectifiedDay = foundAt + Math.min(elapsed, rng.int(1, Math.max(1, Math.round((deadline - foundAt) * 1.2))))
  const rectifiedAt = isoTime(rectifiedDay, rng.int(8 * 60, 17 * 60))
  if (status === 'rectified') return { status, rectifiedAt, verifiedAt: null }
  const verifiedDay = Math.min(today, rectifiedDay + rng.int(1, 20))
  return { status, rectifiedAt, verifiedAt: isoTime(verifiedDay, 18 * 60) }
}

/** The enterprise whose enforcement history is being generated, and where it is supervised. */
export interface EnforcementSubject {
  enterprise: EnterpriseRow
  industryDept: DepartmentRow | null
  fire: DepartmentRow
  /** Division code of the supervising departments (the city's or the county's). */
  deptDivision: string
  county: LayoutCounty
  lonLat: readonly [number, number]
}

/** An inspection as the later findings see it. */
export interface InspectionDone {
  id: number
  day: number
  dept: DepartmentRow
  inspectors: InspectorRow[]
}

/**
 * Inspections over the last two years, more often for higher risk (docs/domain.md §5), with the
 * violations they found and the penalties decided on them; plus now and then a planned one.
 */
export function inspectionRows(
  ctx: Context,
  rng: Random,
  out: ChunkRows,
  subject: EnforcementSubject,
  risk: { inherent: number; highHazard: boolean },
): InspectionDone[] {
  const { today } = ctx
  const { enterprise, industryDept, fire, deptDivision, county } = subject
  const { inherent, highHazard } = risk
  const inspections: InspectionDone[] = []
  const baseLevel = Math.max(inherent, highHazard ? 2 : 1)
  const mean = [0, 1.0, 1.8, 2.6, 3.4][baseLevel]! * ctx.enforcementFactor
  const days = Array.from({ length: poisson(rng, mean) }, () => today - rng.int(1, HISTORY_DAYS)).sort((a, b) => a - b)
  let lastPair: number[] = []
  const emergency = ctx.departments.get(`${deptDivision}:emergency`)!
  for (const day of days) {
    const dept = rng.chance(0.15) ? fire : (industryDept ?? emergency)
    const roster = ctx.roster.get(dept.id)!
    let pair = rng.sample(roster, 2)
    // Avoid the same inspector on the same enterprise twice running when the roster allows it.
    for (let t = 0; t < 5 && roster.length >= 4 && pair.some((p) => lastPair.includes(p.id)); t++) pair = rng.sample(roster, 2)
    lastPair = pair.map((p) => p.id)
    const plan = ctx.plans.get(dept.id)?.find((p) => isoDate(day) >= p.period_start && isoDate(day) <= p.period_end)
    const usePlan = plan !== undefined && rng.chance(0.7)
    const result = rng.weightedKey({ compliant: 0.8, violations_found: 0.13, not_found: 0.035, closed: 0.035 })
    const inspectionId = takeId(ctx, 'inspection')
    out.inspection.push({
      id: inspectionId,
      enterprise_id: enterprise.id,
      plan_id: usePlan ? plan.id : null,
      planned_for: usePlan ? isoDate(Math.max(day - rng.int(0, 14), Math.floor(Date.parse(plan.period_start) / DAY_MS))) : null,
      inspected_at: isoDate(day),
      findings: {
        compliant: '未发现违法违规行为（示例数据）',
        violations_found: '发现违法违规行为，已责令限期整改（示例数据）',
        not_found: '现场未找到该企业，疑似已迁址（示例数据）',
        closed: '企业已停产关闭（示例数据）',
      }[result],
      result,
    })
    for (const p of pair) out.inspection_inspector.push({ inspection_id: inspectionId, inspector_id: p.id })
    inspections.push({ id: inspectionId, day, dept, inspectors: pair })

    if (result === 'violations_found') {
      const nViolations = rng.weighted([1, 2, 3], [0.55, 0.3, 0.15])
      for (const [description, basis] of rng.sample(VIOLATIONS, nViolations)) {
        const deadline = day + rng.int(7, 60)
        const progress = findingProgress(
          rng,
          today,
          day,
          deadline,
          deadline < today ? { open: 0.12, rectified: 0.08, verified: 0.8 } : { open: 0.5, rectified: 0.3, verified: 0.2 },
        )
        const reportedBy = pair[0]!.name
        const violationId = takeId(ctx, 'violation')
        out.violation.push({
          id: violationId,
          enterprise_id: enterprise.id,
          inspection_id: inspectionId,
          description,
          legal_basis: basis,
          found_at: isoDate(day),
          deadline: isoDate(deadline),
          status: progress.status,
          reported_by: reportedBy,
          rectified_at: progress.rectifiedAt,
          verified_at: progress.verifiedAt,
          verified_by: progress.status === 'verified' ? otherPerson(rng, roster, reportedBy) : null,
        })
        const decided = day + rng.int(5, 40)
        if (rng.chance(0.37) && decided < today) {
          const spec = DEPARTMENT_SPECS.find((s) => dept.name.endsWith(s.countyName) || dept.name.endsWith(s.cityName))!
          const place = dept.division_code === FACTS.city.code ? '沈' : `沈${county.short}`
          const prefix = `${place}${spec.decision}罚〔${yearOf(decided)}〕`
          const number = (ctx.decisionCounters.get(prefix) ?? 0) + 1
          ctx.decisionCounters.set(prefix, number)
          out.penalty.push({
            id: takeId(ctx, 'penalty'),
            enterprise_id: enterprise.id,
            violation_id: violationId,
            decision_no: `${prefix}${number}号`,
            amount_yuan: rng.weighted([5000, 10000, 20000, 30000, 50000, 100000, 200000], [0.2, 0.25, 0.2, 0.12, 0.12, 0.08, 0.03]),
            decided_at: isoDate(decided),
            description: `${description}，依据${basis}予以行政处罚（示例数据）`,
            published: decided < today - 7 && rng.chance(0.55),
          })
        }
      }
    }
  }
  if (rng.chance(0.03)) {
    // A planned, not yet performed inspection.
    const inspectionId = takeId(ctx, 'inspection')
    const dept = industryDept ?? emergency
    out.inspection.push({
      id: inspectionId,
      enterprise_id: enterprise.id,
      plan_id: null,
      planned_for: isoDate(today + rng.int(1, 60)),
      inspected_at: null,
      findings: null,
      result: null,
    })
    for (const p of rng.sample(ctx.roster.get(dept.id)!, 2)) out.inspection_inspector.push({ inspection_id: inspectionId, inspector_id: p.id })
  }
  return inspections
}

/** Major accident hidden dangers: some found at an inspection, some self-reported. */
export function hiddenDangerRows(
  ctx: Context,
  rng: Random,
  out: ChunkRows,
  subject: EnforcementSubject,
  inspections: readonly InspectionDone[],
  industryCode: string,
  chance: number,
): Array<{ id: number; isMajor: boolean; status: 'open' | 'rectified' | 'verified' }> {
  const { today } = ctx
  const { enterprise, industryDept, deptDivision, lonLat } = subject
  const dangers: Array<{ id: number; isMajor: boolean; status: 'open' | 'rectified' | 'verified' }> = []
  if (rng.chance(chance)) {
    const linked = inspections.length > 0 && rng.chance(0.5) ? rng.pick(inspections) : null
    const status0 = rng.weightedKey({ open: 0.35, rectified: 0.12, verified: 0.53 })
    // Open ones are mostly recent, so some are still within their deadline and some overdue.
    const foundAt = linked ? linked.day : status0 === 'open' ? today - rng.int(0, 120) : today - rng.int(30, 540)
    const deadline = foundAt + rng.int(15, 90)
    const progress = findingProgress(rng, today, foundAt, deadline, {
      open: status0 === 'open' ? 1 : 0,
      rectified: status0 === 'rectified' ? 1 : 0,
      verified: status0 === 'verified' ? 1 : 0,
    })
    const roster = linked ? ctx.roster.get(linked.dept.id)! : ctx.roster.get((industryDept ?? ctx.departments.get(`${deptDivision}:emergency`)!).id)!
    const reportedBy = linked ? linked.inspectors[0]!.name : rng.pick([`企业自查上报${DEMO_NOTE}`, `网格员上报${DEMO_NOTE}`, `12350举报核实${DEMO_NOTE}`])
    const hazardId = takeId(ctx, 'hidden_danger')
    // Most hidden dangers are general (一般隐患); a major one (重大事故隐患) is the exception (docs/region-grading.md, "The demo city").
    const isMajor = rng.chance(0.12)
    out.hidden_danger.push({
      id: hazardId,
      enterprise_id: enterprise.id,
      inspection_id: linked?.id ?? null,
      description: `${rng.pick(HIDDEN_DANGERS[industryCode] ?? HIDDEN_DANGERS.other!)}${DEMO_NOTE}`,
      is_major: isMajor,
      found_at: isoDate(foundAt),
      deadline: isoDate(deadline),
      status: progress.status,
      reported_by: reportedBy,
      rectified_at: progress.rectifiedAt,
      rectified_by: progress.rectifiedAt ? (enterprise.responsible_person ?? `企业安全管理部门${DEMO_NOTE}`) : null,
      rectification: progress.rectifiedAt ? rng.pick(RECTIFICATIONS) : null,
      verified_at: progress.verifiedAt,
      verified_by: progress.verifiedAt ? otherPerson(rng, roster, reportedBy) : null,
      geom: pointGeom(jitter(rng, lonLat, 80)),
    })
    dangers.push({ id: hazardId, isMajor, status: progress.status })
  }
  return dangers
}

/** Credit: some penalised enterprises are warned or blacklisted (docs/domain.md Policy 二(八)); sets `credit_status`. */
export function creditRows(ctx: Context, rng: Random, out: ChunkRows, enterprise: EnterpriseRow): void {
  const { today } = ctx
  const penalties = out.penalty.filter((p) => p.enterprise_id === enterprise.id)
  if (penalties.length > 0 && rng.chance(0.3)) {
    const first = Math.floor(Date.parse(penalties[0]!.decided_at) / DAY_MS)
    const start = Math.min(today, first + rng.int(5, 30))
    const status = rng.chance(0.3) ? 'blacklisted' : 'warned'
    const end = addMonths(start, status === 'blacklisted' ? 36 : 12)
    out.credit_event.push({
      id: takeId(ctx, 'credit_event'),
      enterprise_id: enterprise.id,
      status,
      reason: `${status === 'blacklisted' ? '列入安全生产失信联合惩戒“黑名单”' : '安全生产不良记录警示'}：${penalties[0]!.decision_no}（示例数据）`,
      starts_on: isoDate(start),
      ends_on: isoDate(end),
    })
    enterprise.credit_status = end >= today ? status : 'good'
  }
}
