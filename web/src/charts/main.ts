import { BarChart, LineChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { init, use, type ECharts } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { ApiError, getJson } from '../api/client'
import type { Lang } from '../i18n'
import { el, requireElement } from '../ui/dom'
import { startStaffPage } from '../ui/page'
import {
  districtsOption,
  handlingOption,
  handlingRows,
  historyOption,
  overdueOption,
  overdueRows,
  rowsHeight,
  sourcesOption,
  type ChartOption,
  type DepartmentsAnswer,
  type DistrictsAnswer,
  type HistoryAnswer,
  type SourcesAnswer,
} from './options'
import { CHART_IDS, CHARTS_MESSAGES, type ChartId } from './messages'
import '../ui/page.css'
import './charts.css'

// The charts page (staff): district level shares, level changes over time, sources by kind and
// level, and per department overdue rectifications and report handling times, each from its
// /api/charts route. Only the ECharts parts used here are bundled (bar, line, grid, legend,
// tooltip, aria, canvas), and only into this page.

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, AriaComponent, CanvasRenderer])

/** What the page exposes to browser tests as `window.__riskmapCharts`: each chart's option as drawn. */
interface ChartsTestHook {
  ready: Promise<void>
  option: (id: ChartId) => unknown
}

declare global {
  interface Window {
    __riskmapCharts?: ChartsTestHook
  }
}

interface Answers {
  districts: DistrictsAnswer
  history: HistoryAnswer
  sources: SourcesAnswer
  departments: DepartmentsAnswer
}

function optionOf(id: ChartId, lang: Lang, a: Answers): { option: ChartOption; rows: number | null; empty: boolean } {
  switch (id) {
    case 'districts':
      return { option: districtsOption(lang, a.districts), rows: null, empty: a.districts.items.length === 0 }
    case 'history':
      return { option: historyOption(lang, a.history), rows: null, empty: a.history.days.length === 0 }
    case 'sources':
      return { option: sourcesOption(lang, a.sources), rows: null, empty: false }
    case 'overdue': {
      const rows = overdueRows(a.departments).length
      return { option: overdueOption(lang, a.departments), rows, empty: rows === 0 }
    }
    case 'handling': {
      const rows = handlingRows(a.departments).length
      return { option: handlingOption(lang, a.departments), rows, empty: rows === 0 }
    }
  }
}

async function start(): Promise<void> {
  const { page } = await startStaffPage()
  const title = requireElement(document, '.ch-title')
  const main = requireElement(document, '.ch-main')
  const intro = el('p', 'ch-intro')
  const status = el('p', 'ch-status')
  status.setAttribute('role', 'status')
  const grid = el('div', 'ch-grid')
  const boxes = new Map<ChartId, { section: HTMLElement; heading: HTMLElement; note: HTMLElement; canvas: HTMLElement; empty: HTMLElement }>()
  for (const id of CHART_IDS) {
    const section = el('section', `ch-card ch-card-${id}`)
    section.dataset.chart = id
    const heading = el('h2', 'ch-card-title')
    const note = el('p', 'ch-card-note')
    const canvas = el('div', 'ch-chart')
    const empty = el('p', 'ch-empty')
    empty.hidden = true
    section.append(heading, note, canvas, empty)
    grid.append(section)
    boxes.set(id, { section, heading, note, canvas, empty })
  }
  main.append(intro, status, grid)
  const charts = new Map<ChartId, ECharts>()
  let answers: Answers | null = null

  const draw = () => {
    if (!answers) return
    for (const id of CHART_IDS) {
      const box = boxes.get(id)!
      const { option, rows, empty } = optionOf(id, page.lang, answers)
      box.empty.hidden = !empty
      box.canvas.hidden = empty
      charts.get(id)?.dispose()
      charts.delete(id)
      if (empty) continue
      // CSSOM, not a style attribute: allowed by the Content-Security-Policy.
      if (rows !== null) box.canvas.style.height = `${rowsHeight(rows)}px`
      // The locale is fixed at init: the chart is made anew on a language switch.
      const chart = init(box.canvas, null, { renderer: 'canvas', locale: page.lang === 'zh-CN' ? 'ZH' : 'EN' })
      chart.setOption(option)
      charts.set(id, chart)
    }
  }

  const render = () => {
    const t = CHARTS_MESSAGES[page.lang]
    document.title = t.title
    title.textContent = t.title
    intro.textContent = t.intro
    for (const [id, box] of boxes) {
      box.heading.textContent = t.charts[id].title
      box.note.textContent = t.charts[id].note
      box.empty.textContent = t.empty
    }
    draw()
  }

  page.onSwitch(() => render())
  window.addEventListener('resize', () => {
    for (const chart of charts.values()) chart.resize()
  })

  render()
  main.dataset.state = 'loading'
  status.textContent = CHARTS_MESSAGES[page.lang].loading
  const ready = (async () => {
    const [districts, history, sources, departments] = await Promise.all([
      getJson<DistrictsAnswer>('/api/charts/levels-by-district'),
      getJson<HistoryAnswer>('/api/charts/level-history'),
      getJson<SourcesAnswer>('/api/charts/sources'),
      getJson<DepartmentsAnswer>('/api/charts/departments'),
    ])
    answers = { districts, history, sources, departments }
    status.textContent = ''
    render()
    main.dataset.state = 'ready'
  })()
  window.__riskmapCharts = { ready, option: (id) => charts.get(id)?.getOption() ?? null }
  ready.catch((err: unknown) => {
    main.dataset.state = 'failed'
    const message = err instanceof ApiError ? (err.details?.[0] ? `${err.details[0].field ?? ''}: ${err.details[0].message}` : err.message) : String(err)
    status.textContent = CHARTS_MESSAGES[page.lang].failed(message)
  })
}

void start()
