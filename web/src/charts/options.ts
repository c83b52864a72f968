import type { BarSeriesOption, LineSeriesOption } from 'echarts/charts'
import type { AriaComponentOption, GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components'
import type { ComposeOption } from 'echarts/core'
import { CHART_SOURCE_KINDS, type DepartmentsAnswer, type DistrictsAnswer, type HistoryAnswer, type SourcesAnswer } from '../api/contract'
import { LEVEL_COLORS } from '../map/levels'
import type { ChartId, SourceKind } from './messages'
import { CHARTS_MESSAGES } from './messages'
import type { Lang } from '../i18n'

// The ECharts options of the charts page, built from the API's answers (pure: tested in the browser
// test against the same answers). Level series are drawn most severe first, in the map's colours.

export type ChartOption = ComposeOption<
  BarSeriesOption | LineSeriesOption | GridComponentOption | LegendComponentOption | TooltipComponentOption | AriaComponentOption
>

export type { DepartmentsAnswer, DistrictsAnswer, HistoryAnswer, SourcesAnswer } from '../api/contract'
/** A risk level as the counts key it (1..4). */
type LevelKey = keyof HistoryAnswer['days'][number]['cells']
/** One department's row of the department charts. */
export type DepartmentItem = DepartmentsAnswer['items'][number]

const SEVERE_FIRST = [4, 3, 2, 1] as const
export const SOURCE_KINDS: readonly SourceKind[] = CHART_SOURCE_KINDS
/** Bar colours of the department charts: browns for rectifications, blues for reports. */
export const DEPARTMENT_COLORS = { hiddenDangers: '#6d4c41', violations: '#bcaaa4', median: '#1565c0', openOverdue: '#90caf9' } as const

/** Height of a horizontal chart of `rows` categories, pixels. */
export function rowsHeight(rows: number): number {
  return Math.max(160, 80 + rows * 26)
}

// Tooltips are drawn on the canvas (richText): an HTML tooltip writes style attributes, which the
// Content-Security-Policy (style-src 'self') refuses.
const tooltip = (trigger: 'axis' | 'item'): TooltipComponentOption => ({ trigger, renderMode: 'richText', axisPointer: { type: 'shadow' } })
// The screen-reader label is the chart's title and note: ECharts' own description lists raw
// dimension values (NaN for a stack's base) that read as noise.
const ariaOf = (lang: Lang, id: ChartId): AriaComponentOption => {
  const t = CHARTS_MESSAGES[lang].charts[id]
  return { enabled: true, decal: { show: false }, label: { description: `${t.title}${lang === 'zh-CN' ? '。' : '. '}${t.note}` } }
}

/** Stacked bars of each county's area shares, per level (level 0 grey, so each bar is 100 %). */
export function districtsOption(lang: Lang, answer: DistrictsAnswer): ChartOption {
  const t = CHARTS_MESSAGES[lang]
  const names = answer.items.map((d) => (lang === 'en' && d.nameEn ? d.nameEn : d.name))
  const series: BarSeriesOption[] = ([4, 3, 2, 1, 0] as const).map((level) => ({
    type: 'bar',
    id: `level-${level}`,
    name: t.levels[level],
    stack: 'share',
    itemStyle: { color: LEVEL_COLORS[level] },
    data: answer.items.map((d) => (d.shares[String(level)] ?? 0) * 100),
  }))
  return {
    aria: ariaOf(lang, 'districts'),
    tooltip: { ...tooltip('axis'), valueFormatter: (v) => `${Number(v).toFixed(1)} %` },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 8 ? 30 : 0 } },
    yAxis: { type: 'value', name: t.shareAxis, min: 0, max: 100 },
    series,
  }
}

/** A line per level: the cells at that level at the end of each day with a change. */
export function historyOption(lang: Lang, answer: HistoryAnswer): ChartOption {
  const t = CHARTS_MESSAGES[lang]
  const series: LineSeriesOption[] = SEVERE_FIRST.map((level) => ({
    type: 'line',
    id: `level-${level}`,
    name: t.levels[level],
    step: 'end',
    showSymbol: true,
    itemStyle: { color: LEVEL_COLORS[level] },
    lineStyle: { color: LEVEL_COLORS[level], width: 2 },
    data: answer.days.map((d) => d.cells[String(level) as LevelKey]),
  }))
  return {
    aria: ariaOf(lang, 'history'),
    tooltip: tooltip('axis'),
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: answer.days.map((d) => d.day), boundaryGap: false },
    yAxis: { type: 'value', name: t.cellsAxis, minInterval: 1 },
    series,
  }
}

/** Bars per kind of source, stacked by level. */
export function sourcesOption(lang: Lang, answer: SourcesAnswer): ChartOption {
  const t = CHARTS_MESSAGES[lang]
  const series: BarSeriesOption[] = SEVERE_FIRST.map((level) => ({
    type: 'bar',
    id: `level-${level}`,
    name: t.levels[level],
    stack: 'sources',
    itemStyle: { color: LEVEL_COLORS[level] },
    data: SOURCE_KINDS.map((k) => answer.kinds[k][String(level) as LevelKey]),
  }))
  return {
    aria: ariaOf(lang, 'sources'),
    tooltip: tooltip('axis'),
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: SOURCE_KINDS.map((k) => t.kinds[k]), axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: t.sourcesAxis, minInterval: 1 },
    series,
  }
}

/** A department's label on an axis. */
export function departmentLabel(lang: Lang, d: DepartmentItem): string {
  const t = CHARTS_MESSAGES[lang]
  return d.departmentId === null || d.name === null ? t.noDepartment : t.department(d.divisionName, d.name)
}

/** The departments the overdue chart lists: those with an overdue rectification, most first (the API's order). */
export function overdueRows(answer: DepartmentsAnswer): DepartmentItem[] {
  return answer.items.filter((d) => d.overdueHiddenDangers + d.overdueViolations > 0)
}

/** The departments the handling chart lists: those with a finished or an overdue open report, slowest first. */
export function handlingRows(answer: DepartmentsAnswer): DepartmentItem[] {
  return answer.items
    .filter((d) => d.reportsClosed > 0 || d.reportsOpenOverdue > 0)
    .sort((a, b) => (b.medianHandlingDays ?? -1) - (a.medianHandlingDays ?? -1) || b.reportsOpenOverdue - a.reportsOpenOverdue)
}

function horizontal(lang: Lang, id: ChartId, rows: DepartmentItem[], axisName: string, series: BarSeriesOption[]): ChartOption {
  return {
    aria: ariaOf(lang, id),
    tooltip: tooltip('axis'),
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    // Most first at the top.
    yAxis: { type: 'category', inverse: true, data: rows.map((d) => departmentLabel(lang, d)), axisLabel: { interval: 0 } },
    xAxis: { type: 'value', name: axisName, minInterval: 1 },
    series,
  }
}

/** Overdue hidden dangers and violations per department, stacked. */
export function overdueOption(lang: Lang, answer: DepartmentsAnswer): ChartOption {
  const t = CHARTS_MESSAGES[lang]
  const rows = overdueRows(answer)
  return horizontal(lang, 'overdue', rows, t.countAxis, [
    {
      type: 'bar',
      id: 'hidden-dangers',
      name: t.overdueHiddenDangers,
      stack: 'overdue',
      itemStyle: { color: DEPARTMENT_COLORS.hiddenDangers },
      data: rows.map((d) => d.overdueHiddenDangers),
    },
    {
      type: 'bar',
      id: 'violations',
      name: t.overdueViolations,
      stack: 'overdue',
      itemStyle: { color: DEPARTMENT_COLORS.violations },
      data: rows.map((d) => d.overdueViolations),
    },
  ])
}

/** Median handling days and open overdue reports per department, side by side. */
export function handlingOption(lang: Lang, answer: DepartmentsAnswer): ChartOption {
  const t = CHARTS_MESSAGES[lang]
  const rows = handlingRows(answer)
  const option = horizontal(lang, 'handling', rows, '', [
    { type: 'bar', id: 'median-days', name: t.medianDays, itemStyle: { color: DEPARTMENT_COLORS.median }, data: rows.map((d) => d.medianHandlingDays ?? 0) },
    {
      type: 'bar',
      id: 'open-overdue',
      name: t.openOverdueReports,
      itemStyle: { color: DEPARTMENT_COLORS.openOverdue },
      data: rows.map((d) => d.reportsOpenOverdue),
    },
  ])
  return option
}
