import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { startWebSession, stopWebSession, type GuardedPage } from '../helpers/browser'
import { CHARTS_MESSAGES } from '../../web/src/charts/messages'
import { LEVEL_COLORS } from '../../web/src/map/levels'
import { handledReports } from '../helpers/reports'

// The charts page (web/charts.html) in a real Chromium against the graded demo: every chart is drawn
// (on a canvas, in the map's level colours) with the data of its /api/charts route, in Chinese, and
// in English after the switch; the tooltip works under the Content-Security-Policy.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

type Counts = Record<'1' | '2' | '3' | '4', number>
interface Option {
  series: Array<{ id: string; name: string; data: number[]; itemStyle?: { color?: string } }>
  xAxis: Array<{ data?: string[] }>
  yAxis: Array<{ data?: string[] }>
}
interface Department {
  departmentId: number | null
  name: string | null
  divisionName: string | null
  overdueHiddenDangers: number
  overdueViolations: number
  reportsClosed: number
  medianHandlingDays: number | null
  reportsOpenOverdue: number
}

async function api<T>(url: string): Promise<T> {
  const res = await app.inject(url)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as T
}

async function option(id: string): Promise<Option> {
  const o = await session.page.evaluate((chart) => window.__riskmapCharts!.option(chart as never), id)
  expect(o, `chart ${id} is drawn`).toBeTruthy()
  return o as Option
}

const series = (o: Option, id: string) => {
  const s = o.series.find((x) => x.id === id)
  expect(s, `series ${id}`).toBeTruthy()
  return s!
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
  // Reports handled in 2 and 5 days and one overdue, for the handling-time chart (the demo files none).
  await handledReports(app, [2, 5, null])
})
afterAll(() => stopWebSession({ app, browser }))

describe('the charts page', () => {
  it("draws each chart from its API's data, in the level colours, in Chinese and then in English", async () => {
    const { page } = session
    const districts = await api<{ items: Array<{ code: string; name: string; nameEn: string | null; shares: Record<string, number> }> }>(
      '/api/charts/levels-by-district',
    )
    const history = await api<{ days: Array<{ day: string; cells: Counts }> }>('/api/charts/level-history')
    const sources = await api<{ kinds: Record<string, Counts> }>('/api/charts/sources')
    const departments = await api<{ items: Department[] }>('/api/charts/departments')

    await page.goto(`${baseUrl}/charts.html`)
    await page.locator('.ch-main[data-state="ready"]').waitFor()
    const zh = CHARTS_MESSAGES['zh-CN']
    expect(await page.locator('.ch-title').textContent()).toBe(zh.title)
    expect(await page.locator('.ch-chart canvas').count()).toBe(5)

    // Levels by district: a stacked bar per county, one series per level, the share in per cent.
    const d = await option('districts')
    expect(d.xAxis[0]!.data).toEqual(districts.items.map((i) => i.name))
    for (const level of [4, 3, 2, 1, 0] as const) {
      const s = series(d, `level-${level}`)
      expect(s.name).toBe(zh.levels[level])
      expect(s.itemStyle?.color).toBe(LEVEL_COLORS[level])
      expect(s.data).toEqual(districts.items.map((i) => (i.shares[String(level)] ?? 0) * 100))
    }

    // Level changes over time: a line per level over the days of the history.
    const h = await option('history')
    expect(h.xAxis[0]!.data).toEqual(history.days.map((x) => x.day))
    for (const level of ['4', '3', '2', '1'] as const) expect(series(h, `level-${level}`).data).toEqual(history.days.map((x) => x.cells[level]))

    // Sources by kind and level.
    const s = await option('sources')
    const kinds = ['major_hazard', 'safety_risk', 'hidden_danger', 'area_assessment'] as const
    expect(s.xAxis[0]!.data).toEqual(kinds.map((k) => zh.kinds[k]))
    for (const level of ['4', '3', '2', '1'] as const) expect(series(s, `level-${level}`).data).toEqual(kinds.map((k) => sources.kinds[k]![level]))

    // Overdue rectifications by department: every department with one, in the API's order.
    const o = await option('overdue')
    const withOverdue = departments.items.filter((x) => x.overdueHiddenDangers + x.overdueViolations > 0)
    expect(withOverdue.length).toBeGreaterThan(0)
    expect(o.yAxis[0]!.data).toEqual(withOverdue.map((x) => (x.departmentId === null ? zh.noDepartment : `${x.divisionName ?? ''}${x.name}`)))
    expect(series(o, 'hidden-dangers').data).toEqual(withOverdue.map((x) => x.overdueHiddenDangers))
    expect(series(o, 'violations').data).toEqual(withOverdue.map((x) => x.overdueViolations))

    // Report handling times: every department with a finished or an overdue report.
    const r = await option('handling')
    const handled = departments.items.filter((x) => x.reportsClosed > 0 || x.reportsOpenOverdue > 0)
    const byLabel = new Map(handled.map((x) => [x.departmentId === null ? zh.noDepartment : `${x.divisionName ?? ''}${x.name}`, x]))
    const labels = r.yAxis[0]!.data ?? []
    expect([...labels].sort()).toEqual([...byLabel.keys()].sort())
    expect(series(r, 'median-days').data).toEqual(labels.map((l) => byLabel.get(l)!.medianHandlingDays ?? 0))
    expect(series(r, 'open-overdue').data).toEqual(labels.map((l) => byLabel.get(l)!.reportsOpenOverdue))

    // The district chart really drew red where a district has red area.
    if (districts.items.some((i) => (i.shares['4'] ?? 0) > 0.005)) {
      const red = await page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('.ch-card-districts canvas')!
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height)
        let n = 0
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i]! - 0xd7) < 4 && Math.abs(data[i + 1]! - 0x19) < 4 && Math.abs(data[i + 2]! - 0x1c) < 4) n++
        return n
      })
      expect(red, 'red pixels on the district chart').toBeGreaterThan(0)
    }

    // A tooltip (drawn on the canvas: no style attribute for the CSP to refuse).
    const box = (await page.locator('.ch-card-sources .ch-chart').boundingBox())!
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6)
    await page.waitForTimeout(300)

    // English: the same data, the series named in English.
    await page.locator('.lang-switch').click()
    await page.locator('html[lang="en"]').waitFor()
    const en = CHARTS_MESSAGES.en
    expect(await page.locator('.ch-title').textContent()).toBe(en.title)
    const dEn = await option('districts')
    expect(series(dEn, 'level-4').name).toBe(en.levels[4])
    expect(dEn.xAxis[0]!.data).toEqual(districts.items.map((i) => i.nameEn ?? i.name))
    expect(series(dEn, 'level-4').data).toEqual(series(d, 'level-4').data)
    expect((await option('sources')).xAxis[0]!.data).toEqual(kinds.map((k) => en.kinds[k]))
    session.guard.assertClean()
  })
})
