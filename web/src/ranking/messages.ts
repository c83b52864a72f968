import type { Lang } from '../i18n'
import type { Part } from './parts'

// The ranking page's texts, per language (the convention of web/src/i18n/index.ts).

export interface RankingMessages {
  title: string
  intro: string
  areas: string
  choices: Record<'county' | 'township' | 'grid' | 'cell', string>
  region: string
  regionPlaceholder: string
  weights: string
  parts: Record<Part, string>
  apply: string
  reset: string
  exportCsv: string
  exportXlsx: string
  loading: string
  shown: (n: number, total: number, version: string) => string
  rank: string
  area: string
  level: string
  score: string
  breakdown: string
  backlog: string
  overdue: string
  open: string
  openOnMap: string
  levels: string[]
  highest: (level: string) => string
  view: string
  views: Record<'table' | 'map', string>
  mapLoading: string
  mapShown: (n: number, total: number) => string
  legendTitle: string
  /** The ranks of one priority class in the legend. */
  classRanks: (first: number, last: number) => string
  legendNote: string
  rankOf: (rank: number) => string
  close: string
}

export const RANKING_MESSAGES: Readonly<Record<Lang, RankingMessages>> = {
  'zh-CN': {
    title: '安全项目优先排序',
    intro: '优先分值由风险等级、风险分值、暴露人口、救援覆盖和执法积压各项得分相加而成，权重来自规则集，可临时调整。点击区域名称在地图上查看。',
    areas: '排序对象',
    choices: { county: '区县', township: '乡镇街道', grid: '网格', cell: '分析网格单元' },
    region: '限定区划代码',
    regionPlaceholder: '如 210106',
    weights: '权重（分）',
    parts: {
      riskLevel: '风险等级',
      riskScore: '风险分值',
      exposure: '暴露人口',
      coverageGap: '救援覆盖缺口',
      responseDistance: '救援距离',
      overdue: '逾期整改',
      openHiddenDangers: '未整改隐患',
    },
    apply: '重新排序',
    reset: '恢复规则集权重',
    exportCsv: '导出 CSV',
    exportXlsx: '导出 Excel',
    loading: '正在计算排序…',
    shown: (n, total, version) => `显示前 ${n} 个，共 ${total} 个（规则版本 ${version}）`,
    rank: '排名',
    area: '区域',
    level: '风险等级',
    score: '优先分值',
    breakdown: '分值构成',
    backlog: '执法积压',
    overdue: '逾期',
    open: '未整改隐患',
    openOnMap: '在地图上查看',
    levels: ['未识别', '低风险', '一般风险', '较大风险', '重大风险'],
    highest: (level) => `最高网格：${level}`,
    view: '显示方式',
    views: { table: '表格', map: '地图' },
    mapLoading: '正在加载地图…',
    mapShown: (n, total) => `地图显示前 ${n} 个，共 ${total} 个`,
    legendTitle: '优先档次（按排名五等分）',
    classRanks: (first, last) => (first === last ? `第 ${first} 名` : `第 ${first}–${last} 名`),
    legendNote: '紫色越深越优先；颜色不是风险等级。',
    rankOf: (rank) => `第 ${rank} 名`,
    close: '关闭',
  },
  en: {
    title: 'Priorities for safety projects',
    intro:
      'The priority score is the sum of its parts: risk level, risk score, exposure, emergency coverage and enforcement backlog, weighted by the rule set (adjustable here). Click an area to see it on the map.',
    areas: 'Rank',
    choices: { county: 'Counties', township: 'Townships', grid: 'Management grids', cell: 'Analysis cells' },
    region: 'Within division code',
    regionPlaceholder: 'e.g. 210106',
    weights: 'Weights (points)',
    parts: {
      riskLevel: 'Risk level',
      riskScore: 'Risk score',
      exposure: 'Exposure',
      coverageGap: 'Coverage gap',
      responseDistance: 'Response distance',
      overdue: 'Overdue rectifications',
      openHiddenDangers: 'Open hidden dangers',
    },
    apply: 'Rank again',
    reset: 'Rule set weights',
    exportCsv: 'Export CSV',
    exportXlsx: 'Export Excel',
    loading: 'Ranking…',
    shown: (n, total, version) => `Top ${n} of ${total} (rule version ${version})`,
    rank: 'Rank',
    area: 'Area',
    level: 'Level',
    score: 'Score',
    breakdown: 'Parts',
    backlog: 'Backlog',
    overdue: 'overdue',
    open: 'open hidden dangers',
    openOnMap: 'Show on the map',
    levels: ['none', 'blue', 'yellow', 'orange', 'red'],
    highest: (level) => `highest cell: ${level}`,
    view: 'Show as',
    views: { table: 'Table', map: 'Map' },
    mapLoading: 'Loading the map…',
    mapShown: (n, total) => `The map shows the first ${n} of ${total}`,
    legendTitle: 'Priority class (fifths of the ranking)',
    classRanks: (first, last) => (first === last ? `rank ${first}` : `ranks ${first}–${last}`),
    legendNote: 'The darker the purple, the higher the priority; the colours are not risk levels.',
    rankOf: (rank) => `Rank ${rank}`,
    close: 'Close',
  },
}
