import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { openGuardedPage, startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { REPORT_MESSAGES } from '../../web/src/reports/messages'

// A public report filed in the browser (a click on the map picks the place), followed by its
// tracking code, then found and triaged by staff on the triage page.
//
// The public portal mounts web/src/reports/public-form.ts beside its map.
const PUBLIC_PAGE = '/public.html'
const zh = REPORT_MESSAGES['zh-CN']

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let staff: GuardedPage
let visitor: GuardedPage

beforeAll(async () => {
  // The session's page is signed in as an admin (staff); the visitor's page is a fresh anonymous context.
  ;({ app, baseUrl, browser, session: staff } = await startWebSession())
  visitor = await openGuardedPage(browser)
})

afterAll(() => stopWebSession({ app, browser }))

describe('public reports in the browser', () => {
  it('files a report by clicking the map, shows its tracking code, finds it by that code, and staff see and triage it', async () => {
    const { page } = visitor
    await page.goto(`${baseUrl}${PUBLIC_PAGE}`)
    await waitUntilReady(page)
    await waitForMapIdle(page)
    await page.locator('.rp-category option[value="fire_hazard"]').waitFor({ state: 'attached' })
    // The header's one report button opens the form.
    await page.locator('.public-report-open').click()
    await page.locator('.rp-form').waitFor({ state: 'visible' })

    // Pick the place: a click in the middle of the map (the city centre).
    const canvas = page.locator('.maplibregl-canvas')
    const box = (await canvas.boundingBox())!
    await canvas.click({ position: { x: box.width / 2, y: box.height / 2 } })
    await expect.poll(() => page.locator('.rp-lon').inputValue()).toMatch(/^123\.\d{6}$/)
    expect(await page.locator('.rp-lat').inputValue()).toMatch(/^41\.\d{6}$/)
    expect(await page.locator('.rp-marker').count()).toBe(1)

    // A description without a category: the API's refusal shows next to the category.
    const description = '楼道里堆放了大量纸箱和电动车，堵住了安全出口。'
    await page.locator('.rp-description').fill(description)
    expect(await page.locator('.rp-counter').textContent()).toBe(zh.counter(description.length, 2000))
    await page.locator('.rp-submit').click()
    const categoryError = page.locator('.rp-field-category .rp-error')
    await categoryError.waitFor({ state: 'visible' })
    expect(await categoryError.textContent()).toBe(zh.fieldErrors.category)
    visitor.guard.problems.splice(0) // that 400 was the point

    await page.locator('.rp-category').selectOption('fire_hazard')
    await page.locator('.rp-contact').fill('13900001111')
    await page.locator('.rp-submit').click()
    const codeEl = page.locator('.rp-result .rp-code')
    await codeEl.waitFor({ state: 'visible' })
    const code = (await codeEl.textContent())!.trim()
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{10}$/)
    expect(await categoryError.isHidden()).toBe(true)
    const stored = await app.db('public_report').where({ tracking_code: code }).first('category', 'contact', 'division_code')
    expect(stored).toMatchObject({ category: 'fire_hazard', contact: '13900001111' })
    expect(stored.division_code).toMatch(/^2101/)

    // Follow it by its code, typed in lower case with a hyphen as people do.
    await page.locator('.rp-lookup-code').fill(`${code.slice(0, 5).toLowerCase()}-${code.slice(5)}`)
    await page.locator('.rp-lookup-button').click()
    const statusValue = page.locator('.rp-lookup-result .rp-status-value')
    await statusValue.waitFor({ state: 'visible' })
    expect(await statusValue.textContent()).toBe(zh.statuses.received)
    expect(await page.locator('.rp-lookup-result').textContent()).not.toContain('13900001111')

    // An unknown code says so.
    await page.locator('.rp-lookup-code').fill('ZZZZZZZZZZ')
    await page.locator('.rp-lookup-button').click()
    await page.locator('.rp-lookup-result .rp-error').waitFor({ state: 'visible' })
    expect(await page.locator('.rp-lookup-result').textContent()).toBe(zh.lookupNotFound)
    visitor.guard.problems.splice(0) // that 404 was the point

    // Staff find it on the triage page and mark it triaged.
    const desk = staff.page
    await desk.goto(`${baseUrl}/reports.html`)
    const row = desk.locator(`.rp-row[data-code="${code}"]`)
    await row.waitFor({ state: 'visible' })
    expect(await row.locator('.rp-cell-status').textContent()).toBe(zh.statuses.received)
    await row.click()
    await desk.locator('.rp-detail .rp-move-triaged').click()
    await expect.poll(() => row.locator('.rp-cell-status').textContent()).toBe(zh.statuses.triaged)

    // Sent to another department, picked by its name (not typed as an id).
    const routed = await app.db('public_report').where({ tracking_code: code }).first('department_id')
    const other = await app
      .db('department')
      .whereNot('id', routed.department_id ?? 0)
      .orderBy('id')
      .first('id', 'name')
    const picker = desk.locator('.rp-detail select.rp-department')
    expect(await picker.locator('option:checked').textContent()).toContain(
      (await app.db('department').where('id', routed.department_id).first('name'))?.name ?? '',
    )
    expect(await picker.locator(`option[value="${other.id}"]`).textContent()).toContain(other.name)
    await picker.selectOption(String(other.id))
    await desk.locator('.rp-detail .rp-reassign').click()
    await expect.poll(async () => (await app.db('public_report').where({ tracking_code: code }).first('department_id')).department_id).toBe(other.id)
    await expect.poll(() => row.locator('td').nth(5).textContent()).toBe(other.name)

    // Overdue reports are highlighted: push this one's deadline into the past.
    await app
      .db('public_report')
      .where({ tracking_code: code })
      .update({ deadline_at: app.db.raw("now() - interval '1 hour'") })
    await desk.locator('.rp-filter-overdue').check()
    const overdueRow = desk.locator(`.rp-row.rp-overdue[data-code="${code}"]`)
    await overdueRow.waitFor({ state: 'visible' })
    expect(await overdueRow.locator('.rp-overdue-badge').textContent()).toBe(zh.overdue)
    expect(await desk.locator('.rp-row:not(.rp-overdue)').count()).toBe(0)

    // And the reporter sees the new status.
    await page.locator('.rp-lookup-code').fill(code)
    await page.locator('.rp-lookup-button').click()
    await expect.poll(() => statusValue.textContent()).toBe(zh.statuses.triaged)

    visitor.guard.assertClean()
    staff.guard.assertClean()
  })
})
