import type { Lang } from '../i18n'

// The history control's texts (the map as of a date), per language (the convention of
// web/src/i18n/index.ts). The Chinese object gives the shape.

const zhCN = {
  title: '历史',
  asOf: '查看日期',
  compare: '对比起始日期',
  clear: '回到当前',
  loading: '正在加载…',
  shown: (date: string, n: number) => `${date} 的风险地图：${n} 个网格有等级`,
  changed: (up: number, down: number) => `期间 ${up} 个网格等级上升，${down} 个下降`,
  regionsChanged: '区县等级变化',
  districts: '区县等级（面积占比规则）',
  levels: ['无', '低', '一般', '较大', '重大'],
}

/** Texts of the history control. */
export type HistoryMessages = typeof zhCN

const en: HistoryMessages = {
  title: 'History',
  asOf: 'Map as of',
  compare: 'Changes since',
  clear: 'Back to today',
  loading: 'Loading…',
  shown: (date: string, n: number) => `The map as of ${date}: ${n} cells with a level`,
  changed: (up: number, down: number) => `${up} cells rose and ${down} fell in between`,
  regionsChanged: 'Districts whose grade changed',
  districts: 'District grades (area-share rule)',
  levels: ['none', 'blue', 'yellow', 'orange', 'red'],
}

export const HISTORY_MESSAGES: Readonly<Record<Lang, HistoryMessages>> = { 'zh-CN': zhCN, en }
