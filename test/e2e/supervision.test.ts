import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { startWebSession, stopWebSession, type GuardedPage } from '../helpers/browser'
import { SUPERVISION_MESSAGES } from '../../web/src/supervision/messages'
import type { CoverageReport, PlanWithInspections } from '../../web/src/supervision/api'
import { COVERAGE_PAGE_SIZE } from '../../web/src/supervision/coverage'

// The supervision page (web/supervision.html, issue 6) in a real Chromium against the graded demo
// database: the coverage report agrees with its API, with and without a division filter, and a
// double-random plan drawn through the form shows its enterprises and inspectors, or the API's
// refusal next to the field it names.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

const zh = SUPERVISION_MESSAGES['zh-CN']
const run = `${process.pid}-${Date.now() % 1_000_000}`
/** A county of the demo set, and two fire departments of our own there: one with a roster, one without enough. */
let county: string
let staffed: { id: number; name: string }
let understaffed: { id: number; name: string }

/** The deliberate refusals of the plan form: their 4xx responses and Chromium's console lines about them. */
const isDeliberateRefusal = (problem: string): boolean => /\b(400|409)\b/.test(problem) && problem.includes('/api/inspection-plans')

async function coverage(query: string): Promise<CoverageReport> {
  const res = await app.inject(`/api/supervision/coverage?limit=${COVERAGE_PAGE_SIZE}${query}`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** Waits until the coverage tab shows a loaded report of `enterprises` enterprises. */
async function waitForCoverage(page: Page, report: CoverageReport): Promise<void> {
  await page.waitForFunction((expected) => {
    const root = document.querySelector<HTMLElement>('#coverage')
    const summary = document.querySelector<HTMLElement>('#coverage .sv-summary')
    return root?.dataset.state === 'ready' && summary?.dataset.enterprises === expected
  }, String(report.enterprises))
}

/** The per-division table as the page shows it: code → column → value. */
async function divisionTable(page: Page): Promise<Record<string, Record<string, number>>> {
  return page.$$eval('.coverage-divisions tbody tr', (rows) =>
    Object.fromEntries(
      rows.map((tr) => [
        (tr as HTMLElement).dataset.code!,
        Object.fromEntries([...tr.querySelectorAll<HTMLElement>('td[data-value]')].map((td) => [td.dataset.column!, Number(td.dataset.value)])),
      ]),
    ),
  )
}

function expectedTable(report: CoverageReport): Record<string, Record<string, number>> {
  return Object.fromEntries(report.byDivision.map((d) => [d.code, { enterprises: d.enterprises, withGaps: d.withGaps, ...d.gaps }]))
}

async function createDepartment(name: string, inspectors: number, enterpriseIds: number[]) {
  const [row] = await app
    .db('department')
    .insert({ name: `${name}${run}`, kind: 'specialist', specialty: 'fire', division_code: county, industries: [] })
    .returning(['id', 'name'])
  for (let i = 0; i < inspectors; i++)
    await app.db('inspector').insert({ department_id: row.id, name: `测试执法员${i + 1}`, badge_no: `E2E-${row.id}-${i}-${run}`, active: true })
  // Enterprises that already have a fire department: the coverage report does not change.
  await app.db('enterprise_specialist_department').insert(enterpriseIds.map((enterprise_id) => ({ enterprise_id, department_id: row.id })))
  return { id: Number(row.id), name: row.name as string }
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
  // The county with the most red and orange enterprises under fire supervision; its three highest-level ones.
  const { rows } = await app.db.raw<{ rows: Array<{ id: string; county: string }> }>(`
    WITH fire AS (
      SELECT e.id, e.level, substr(e.division_code, 1, 6) AS county FROM enterprise e
       WHERE NOT e.central_vertical AND e.level >= 3 AND EXISTS (
         SELECT 1 FROM enterprise_specialist_department s JOIN department d ON d.id = s.department_id
          WHERE s.enterprise_id = e.id AND d.specialty = 'fire'))
    SELECT id, county FROM fire WHERE county = (SELECT county FROM fire GROUP BY county ORDER BY count(*) DESC, county LIMIT 1)
     ORDER BY level DESC, id LIMIT 3`)
  expect(rows.length, 'demo enterprises of level orange or red under fire supervision').toBe(3)
  county = rows[0]!.county
  const ids = rows.map((r) => Number(r.id))
  staffed = await createDepartment('双随机测试消防大队', 6, ids)
  understaffed = await createDepartment('人手不足测试消防大队', 1, ids.slice(0, 1))
})

afterAll(() => stopWebSession({ app, browser }))

describe('the coverage report page', () => {
  it('shows the counts of the API, per division and in total, and the first page of enterprises with their gaps', async () => {
    const { page } = session
    const whole = await coverage('')
    await page.goto(`${baseUrl}/supervision.html`)
    await waitForCoverage(page, whole)

    expect(await page.locator('.sv-heading').first().textContent()).toBe(zh.coverage.title)
    const summary = page.locator('#coverage .sv-summary')
    expect(await summary.getAttribute('data-with-gaps')).toBe(String(whole.withGaps))
    expect(await summary.getAttribute('data-excluded')).toBe(String(whole.excluded))
    expect(await divisionTable(page)).toEqual(expectedTable(whole))
    const totals = await page.$$eval('.coverage-divisions tfoot td[data-value]', (cells) =>
      Object.fromEntries(cells.map((td) => [(td as HTMLElement).dataset.column!, Number((td as HTMLElement).dataset.value)])),
    )
    expect(totals).toEqual({ enterprises: whole.enterprises, withGaps: whole.withGaps, ...whole.byGap })

    // The first page of the list, each enterprise linking to its selection on the staff map, each gap named.
    expect(await page.locator('.coverage-items .sv-range').getAttribute('data-total')).toBe(String(whole.total))
    const rows = await page.$$eval('.coverage-list tbody tr', (trs) =>
      trs.map((tr) => ({
        id: Number((tr as HTMLElement).dataset.enterpriseId),
        href: tr.querySelector('a.sv-map-link')!.getAttribute('href'),
        gaps: [...tr.querySelectorAll<HTMLElement>('.sv-gap')].map((g) => [g.dataset.kind, g.dataset.specialty ?? null, g.textContent]),
      })),
    )
    expect(rows.map((r) => r.id)).toEqual(whole.items.map((i) => i.id))
    for (const [k, row] of rows.entries()) {
      expect(row.href).toBe(`/#sel=enterprise:${row.id}`)
      expect(row.gaps).toEqual(
        whole.items[k]!.gaps.map((g) => [
          g.kind,
          g.specialty ?? null,
          g.specialty ? zh.coverage.missingSpecialty(zh.coverage.specialties[g.specialty]) : zh.coverage.gapNames[g.kind],
        ]),
      )
    }

    // Sorting by a column orders the rows by it.
    await page.click('.coverage-divisions th[data-column="withGaps"] button')
    expect(await page.getAttribute('.coverage-divisions th[data-column="withGaps"]', 'aria-sort')).toBe('descending')
    const sorted = await page.$$eval('.coverage-divisions tbody td[data-column="withGaps"]', (cells) =>
      cells.map((td) => Number((td as HTMLElement).dataset.value)),
    )
    expect(sorted).toEqual([...whole.byDivision.map((d) => d.withGaps)].sort((a, b) => b - a))
    session.guard.assertClean()
  })

  it('filters by a division: the counts change to those of the API for it, and the page follows', async () => {
    const { page } = session
    const whole = await coverage('')
    const busiest = [...whole.byDivision].sort((a, b) => b.withGaps - a.withGaps)[0]!
    const filtered = await coverage(`&division=${busiest.code}`)
    expect(filtered.enterprises).toBeLessThan(whole.enterprises)

    await page.selectOption('.coverage-division', busiest.code)
    await waitForCoverage(page, filtered)
    expect(await divisionTable(page)).toEqual(expectedTable(filtered))
    expect(await divisionTable(page)).toEqual({ [busiest.code]: { enterprises: busiest.enterprises, withGaps: busiest.withGaps, ...busiest.gaps } })
    expect(await page.getAttribute('#coverage .sv-summary', 'data-with-gaps')).toBe(String(filtered.withGaps))
    expect(await page.locator('.coverage-items .sv-range').getAttribute('data-total')).toBe(String(filtered.total))
    const ids = await page.$$eval('.coverage-list tbody tr', (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.enterpriseId)))
    expect(ids).toEqual(filtered.items.map((i) => i.id))
    expect(new URL(page.url()).hash).toContain(`division=${busiest.code}`)

    // The next page is the API's next page.
    if (filtered.total > COVERAGE_PAGE_SIZE) {
      const second = await coverage(`&division=${busiest.code}&offset=${COVERAGE_PAGE_SIZE}`)
      await page.click('.coverage-items .sv-next')
      await page.waitForFunction(
        (first) => document.querySelector<HTMLElement>('.coverage-list tbody tr')?.dataset.enterpriseId === first,
        String(second.items[0]!.id),
      )
      expect(await page.$$eval('.coverage-list tbody tr', (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.enterpriseId)))).toEqual(
        second.items.map((i) => i.id),
      )
    }

    // A reload keeps the filter; English is one click away.
    await page.reload()
    await waitForCoverage(page, filtered)
    expect(await page.inputValue('.coverage-division')).toBe(busiest.code)
    await page.click('.lang-switch')
    expect(await page.locator('#coverage .sv-heading').textContent()).toBe(SUPERVISION_MESSAGES.en.coverage.title)
    expect(new URL(page.url()).searchParams.get('lang')).toBe('en')
    await page.click('.lang-switch')
    expect(await page.locator('#coverage .sv-heading').textContent()).toBe(zh.coverage.title)
    session.guard.assertClean()
  })
})

describe('the double-random plans tab', () => {
  async function openPlans(page: Page): Promise<void> {
    await page.goto('about:blank')
    await page.goto(`${baseUrl}/supervision.html#tab=plans`)
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#plans')?.dataset.state === 'ready')
  }

  it('draws a plan through the form and shows its enterprises and inspectors', async () => {
    const { page } = session
    await openPlans(page)
    await page.selectOption('#plan-departmentId', String(staffed.id))
    // The department's jurisdiction is the default scope.
    expect(await page.inputValue('#plan-divisionPrefix')).toBe(county)
    await page.fill('#plan-periodStart', '2026-01-01')
    await page.fill('#plan-periodEnd', '2026-11-30')
    // No seed: the service draws one from a cryptographic source (a seed is only an admin's replay of a recorded one).
    await page.click('.plan-form .sv-submit')
    await page.waitForSelector('.plan-detail[data-plan-id]:not([hidden])')

    const planId = Number(await page.getAttribute('.plan-detail', 'data-plan-id'))
    const stored = (await app.inject(`/api/inspection-plans/${planId}`)).json() as PlanWithInspections
    expect(stored).toMatchObject({
      departmentId: staffed.id,
      divisionPrefix: county,
      periodStart: '2026-01-01',
      periodEnd: '2026-11-30',
      seedSource: 'generated',
    })
    expect(stored.seed).toMatch(/^[0-9a-f]{24}$/)
    expect(stored.inspections.length).toBeGreaterThan(0)
    const shown = await page.$$eval('.plan-inspections tbody tr', (trs) =>
      trs.map((tr) => ({
        id: Number((tr as HTMLElement).dataset.inspectionId),
        enterprise: tr.querySelector('.plan-enterprise a')!.textContent,
        href: tr.querySelector('.plan-enterprise a')!.getAttribute('href'),
        inspectors: tr.querySelector<HTMLElement>('.plan-inspectors')!.dataset.inspectorIds,
        names: tr.querySelector('.plan-inspectors')!.textContent,
      })),
    )
    expect(shown).toEqual(
      stored.inspections.map((i) => ({
        id: i.id,
        enterprise: i.enterpriseName,
        href: `/#sel=enterprise:${i.enterpriseId}`,
        inspectors: i.inspectors.map((p) => p.id).join(','),
        names: i.inspectors.map((p) => p.name).join('、'),
      })),
    )
    for (const i of stored.inspections) expect(i.inspectors).toHaveLength(2)
    expect(await page.textContent('.sv-form-status')).toBe(zh.plans.created(planId, stored.counts.inspections, stored.counts.enterprises))
    // The list has it, first.
    await page.waitForSelector(`.plan-list tr[data-plan-id="${planId}"]`)
    expect(await page.getAttribute('.plan-list tbody tr', 'data-plan-id')).toBe(String(planId))
    session.guard.assertClean()
  })

  it("shows the API's refusals next to the field they name, and stores nothing", async () => {
    const { page, guard } = session
    await openPlans(page)
    const body = { departmentId: understaffed.id, divisionPrefix: county, periodStart: '2026-01-01', periodEnd: '2026-11-30' }
    const refusal = await app.inject({ method: 'POST', url: '/api/inspection-plans', payload: body })
    expect(refusal.statusCode, refusal.body).toBe(409)
    const expected = refusal.json().error.details[0] as { field: string; message: string }
    expect(expected.field).toBe('departmentId')

    await page.selectOption('#plan-departmentId', String(understaffed.id))
    expect(await page.inputValue('#plan-divisionPrefix')).toBe(county)
    await page.fill('#plan-periodStart', body.periodStart)
    await page.fill('#plan-periodEnd', body.periodEnd)
    await page.click('.plan-form .sv-submit')
    const error = page.locator('.sv-field-error[data-field="departmentId"]')
    await error.waitFor({ state: 'visible' })
    expect(await error.textContent()).toBe(expected.message)
    expect(expected.message).toMatch(/has 1 active inspector\(s\); this plan needs at least \d/)
    expect(await page.getAttribute('#plan-departmentId', 'aria-invalid')).toBe('true')
    expect(await page.locator('.sv-field-error[data-field="periodEnd"]').isVisible()).toBe(false)
    expect(await page.locator('.sv-form-error').isVisible()).toBe(false)

    // Dates in the wrong order: named by the API as periodEnd, shown there; the earlier error is gone.
    await page.fill('#plan-periodEnd', '2025-12-01')
    await page.click('.plan-form .sv-submit')
    const dates = page.locator('.sv-field-error[data-field="periodEnd"]')
    await dates.waitFor({ state: 'visible' })
    expect(await dates.textContent()).toBe('2025-12-01 is not after periodStart 2026-01-01')
    expect(await error.isVisible()).toBe(false)

    expect(await app.db('inspection_plan').where({ department_id: understaffed.id }).count<{ n: string }[]>('* as n')).toEqual([{ n: '0' }])
    expect(guard.problems.some(isDeliberateRefusal)).toBe(true)
    expect(guard.problems.filter((p) => !isDeliberateRefusal(p))).toEqual([])
    guard.problems.length = 0
  })
})
