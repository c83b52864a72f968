/**
 * Departments, their inspector rosters and their half-year double-random inspection plans.
 */
import { DEFAULT_RULES } from '../../domain/rules'
import type { Specialty } from '../../domain/supervision'
import { Random } from '../../domain/random'
import { type Context, GENERATOR, HISTORY_DAYS, takeId } from './context'
import { DAY_MS, isoDate, isoTime, yearOf } from './dates'
import { FACTS } from './layout'
import { personName } from './people'
import { type DepartmentRow, type InspectionPlanRow, type InspectorRow } from './rows'

export interface DepartmentSpec {
  key: string
  kind: 'industry' | 'specialist'
  /** Name of the department at the city and at a county. */
  cityName: string
  countyName: string
  /** Abbreviation used in badge numbers and penalty decision numbers. */
  badge: string
  decision: string
  industries: readonly string[]
  specialty: Specialty | null
}

export const DEPARTMENT_SPECS: readonly DepartmentSpec[] = [
  {
    key: 'emergency',
    kind: 'industry',
    cityName: '应急管理局',
    countyName: '应急管理局',
    badge: 'YJ',
    decision: '应急',
    industries: ['hazardous_chemicals', 'mining', 'fireworks', 'metal_smelting', 'manufacturing', 'other'],
    specialty: null,
  },
  {
    key: 'housing',
    kind: 'industry',
    cityName: '住房和城乡建设局',
    countyName: '住房和城乡建设局',
    badge: 'ZJ',
    decision: '建',
    industries: ['construction', 'gas'],
    specialty: null,
  },
  {
    key: 'transport',
    kind: 'industry',
    cityName: '交通运输局',
    countyName: '交通运输局',
    badge: 'JT',
    decision: '交',
    industries: ['transport', 'warehousing'],
    specialty: null,
  },
  { key: 'commerce', kind: 'industry', cityName: '商务局', countyName: '商务局', badge: 'SW', decision: '商', industries: ['retail'], specialty: null },
  { key: 'fire', kind: 'specialist', cityName: '消防救援支队', countyName: '消防救援大队', badge: 'XF', decision: '消', industries: [], specialty: 'fire' },
  {
    key: 'market',
    kind: 'specialist',
    cityName: '市场监督管理局（特种设备）',
    countyName: '市场监督管理局（特种设备）',
    badge: 'SJ',
    decision: '市监',
    industries: [],
    specialty: 'special_equipment',
  },
]

export function departmentRows(ctx: Context): DepartmentRow[] {
  const rows: DepartmentRow[] = []
  const units = [
    { code: FACTS.city.code, prefix: FACTS.city.name, city: true },
    ...ctx.layout.counties.map((c) => ({ code: c.fact.code, prefix: c.fact.name, city: false })),
  ]
  for (const unit of units) {
    for (const spec of DEPARTMENT_SPECS) {
      const row: DepartmentRow = {
        id: takeId(ctx, 'department'),
        name: `${unit.prefix}${unit.city ? spec.cityName : spec.countyName}`,
        kind: spec.kind,
        division_code: unit.code,
        industries: [...spec.industries],
        specialty: spec.specialty,
      }
      rows.push(row)
      ctx.departments.set(`${unit.code}:${spec.key}`, row)
    }
  }
  return rows
}

export function inspectorRows(ctx: Context, rng: Random): InspectorRow[] {
  const rows: InspectorRow[] = []
  // Rosters grow with the square root of the scale, so a province-sized set still has plausible workloads.
  const factor = Math.max(1, Math.ceil(Math.sqrt(ctx.scale)))
  for (const dept of ctx.departments.values()) {
    const spec = DEPARTMENT_SPECS.find((s) => dept.name.endsWith(s.countyName) || dept.name.endsWith(s.cityName))!
    const n = rng.int(3, 8) * factor
    const list: InspectorRow[] = []
    for (let k = 1; k <= n; k++) {
      const row: InspectorRow = {
        id: takeId(ctx, 'inspector'),
        department_id: dept.id,
        name: personName(rng),
        badge_no: `${dept.division_code}${spec.badge}${String(k).padStart(3, '0')}`,
        active: rng.chance(0.95),
      }
      list.push(row)
      rows.push(row)
    }
    ctx.roster.set(dept.id, list)
  }
  return rows
}

/** Half-year 双随机 plans of every emergency-management department over the history window. */
export function planRows(ctx: Context): InspectionPlanRow[] {
  const rows: InspectionPlanRow[] = []
  const firstYear = yearOf(ctx.today - HISTORY_DAYS)
  const lastYear = yearOf(ctx.today)
  for (const dept of ctx.departments.values()) {
    if (!dept.name.endsWith('应急管理局')) continue
    const list: InspectionPlanRow[] = []
    for (let year = firstYear; year <= lastYear; year++) {
      for (const half of [0, 1]) {
        const start = Math.floor(Date.UTC(year, half * 6, 1) / DAY_MS)
        const end = Math.floor(Date.UTC(year, half * 6 + 6, 0) / DAY_MS)
        if (end < ctx.today - HISTORY_DAYS || start > ctx.today) continue
        const row: InspectionPlanRow = {
          id: takeId(ctx, 'inspection_plan'),
          department_id: dept.id,
          division_prefix: dept.division_code,
          period_start: isoDate(start),
          period_end: isoDate(end),
          seed: `${ctx.seed}/plan/${dept.division_code}/${isoDate(start)}`,
          rule_version: DEFAULT_RULES.version,
          published_at: isoTime(start - 7, 9 * 60),
          results_published_at: end + 15 <= ctx.today ? isoTime(end + 15, 9 * 60) : null,
          created_by: GENERATOR,
        }
        list.push(row)
        rows.push(row)
      }
    }
    ctx.plans.set(dept.id, list)
  }
  return rows
}
