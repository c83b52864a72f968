import type { ChartSourceKind } from '../api/contract'
import type { Lang } from '../i18n'

// The charts page's texts, per language (the convention of web/src/i18n/index.ts), and the charts
// they name; level names as on the map's legend.

export type ChartId = 'districts' | 'history' | 'sources' | 'overdue' | 'handling'

export const CHART_IDS: readonly ChartId[] = ['districts', 'history', 'sources', 'overdue', 'handling']

/** The source kinds the charts count, as the server's charts module names them. */
export type SourceKind = ChartSourceKind

export interface ChartsMessages {
  title: string
  intro: string
  loading: string
  failed: (message: string) => string
  empty: string
  levels: [string, string, string, string, string]
  charts: Record<ChartId, { title: string; note: string }>
  shareAxis: string
  cellsAxis: string
  sourcesAxis: string
  countAxis: string
  kinds: Record<SourceKind, string>
  overdueHiddenDangers: string
  overdueViolations: string
  medianDays: string
  openOverdueReports: string
  noDepartment: string
  /** A department's label: its division and its name. */
  department: (division: string | null, name: string) => string
}

export const CHARTS_MESSAGES: Readonly<Record<Lang, ChartsMessages>> = {
  'zh-CN': {
    title: '风险统计图表',
    intro: '各区县风险面积构成、风险等级变化、风险源构成，以及各部门逾期整改和举报办理时长。数据来自当前评估结果，检查员只看到本辖区的企业数据。',
    loading: '正在加载图表数据…',
    failed: (message) => `图表数据加载失败：${message}`,
    empty: '暂无数据',
    levels: ['未识别', '低风险', '一般风险', '较大风险', '重大风险'],
    charts: {
      districts: { title: '各区县风险面积构成', note: '每个区县面积中各风险等级所占比例（红、橙、黄、蓝四色），未识别部分为灰色。' },
      history: { title: '风险等级变化', note: '每次等级变化当日结束时各等级的分析网格单元数量，来自保存的等级变化记录（按协调世界时日期）。' },
      sources: { title: '风险源类型与等级', note: '重大危险源、安全风险、未销号重大事故隐患（直接判定为重大风险）和公共区域风险评估，按风险等级统计。' },
      overdue: { title: '各部门逾期整改', note: '已过整改期限仍未整改的隐患和违法行为，按企业的行业主管部门统计。' },
      handling: { title: '各部门举报办理时长', note: '已办结（含不予受理）举报从受理到办结的中位天数，以及已超期未办结的举报数。' },
    },
    shareAxis: '面积占比（%）',
    cellsAxis: '网格单元数',
    sourcesAxis: '风险源数量',
    countAxis: '件',
    kinds: { major_hazard: '重大危险源', safety_risk: '安全风险', hidden_danger: '未销号重大隐患', area_assessment: '公共区域评估' },
    overdueHiddenDangers: '逾期未整改隐患',
    overdueViolations: '逾期未整改违法行为',
    medianDays: '办理时长中位数（天）',
    openOverdueReports: '超期未办结举报（件）',
    noDepartment: '未指定部门',
    department: (division, name) => (division ? `${division}${name}` : name),
  },
  en: {
    title: 'Risk charts',
    intro:
      'Area shares of each level per district, level changes over time, sources by kind and level, and per department the overdue rectifications and report handling times. From the current grading; an inspector sees the enterprises of the jurisdiction only.',
    loading: 'Loading the charts…',
    failed: (message) => `The chart data could not be loaded: ${message}`,
    empty: 'No data',
    levels: ['No risk identified', 'Low risk', 'Moderate risk', 'Significant risk', 'Major risk'],
    charts: {
      districts: {
        title: 'Levels by district',
        note: 'The share of each district’s area at each level (red, orange, yellow, blue); grey: no risk identified.',
      },
      history: {
        title: 'Level changes over time',
        note: 'Analysis cells at each level at the end of every day on which a level changed, from the kept level history (UTC dates).',
      },
      sources: {
        title: 'Sources by kind and level',
        note: 'Major hazard installations, safety risks, unverified major hidden dangers (red by rule) and public-area assessments, by level.',
      },
      overdue: {
        title: 'Overdue rectifications by department',
        note: 'Hidden dangers and violations still open after their deadline, under the industry department of their enterprise.',
      },
      handling: {
        title: 'Report handling times by department',
        note: 'Median days from filing to closing of the finished reports (closed or rejected), and the open reports past their deadline.',
      },
    },
    shareAxis: 'Share of area (%)',
    cellsAxis: 'Cells',
    sourcesAxis: 'Sources',
    countAxis: 'reports',
    kinds: {
      major_hazard: 'Major hazards',
      safety_risk: 'Safety risks',
      hidden_danger: 'Unverified major hidden dangers',
      area_assessment: 'Public-area assessments',
    },
    overdueHiddenDangers: 'Overdue hidden dangers',
    overdueViolations: 'Overdue violations',
    medianDays: 'Median handling time (days)',
    openOverdueReports: 'Open reports past deadline',
    noDepartment: 'No department',
    department: (division, name) => (division ? `${division} ${name}` : name),
  },
}
