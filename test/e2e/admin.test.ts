import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { openGuardedPage, signInContext, startWebSession, stopWebSession, type GuardedPage, type PageGuard } from '../helpers/browser'
import { ADMIN_MESSAGES } from '../../web/src/admin/messages'
import type { AuditPage, UserRecord } from '../../web/src/admin/api'

// The admin page (web/admin.html, issue 7) in a real Chromium: an admin creates a staff account
// through the form (the generated password is shown once and signs in), disables it, resets its
// password and signs it out everywhere through the row actions, sees the API's refusals next to the
// field they name and the audit entries of all that; anyone else sees an admins-only message.

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

const zh = ADMIN_MESSAGES['zh-CN']
const run = `${process.pid}-${Date.now() % 1_000_000}`
const plannerName = `e2e_planner_${run}`
let plannerId: number
let plannerPassword: string

/** The deliberate refusals of the forms: their 4xx responses and Chromium's console lines about them. */
const isDeliberateRefusal = (problem: string): boolean => /\b(400|409)\b/.test(problem) && problem.includes('/api/users')

function expectOnlyDeliberateRefusals(guard: PageGuard): void {
  expect(guard.problems.some(isDeliberateRefusal)).toBe(true)
  expect(guard.problems.filter((p) => !isDeliberateRefusal(p))).toEqual([])
  guard.problems.length = 0
}

/** Signs in through the API from Node, as a client would; returns the status and the session cookie. */
async function apiSignIn(
  username: string,
  password: string,
): Promise<{ status: number; cookie: string | null; body: { user?: { username: string; role: string } } }> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  })
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? null, body: await res.json() }
}

async function openAdmin(page: Page): Promise<void> {
  await page.goto('about:blank')
  await page.goto(`${baseUrl}/admin.html`)
  await page.waitForFunction(() => document.body.dataset.state === 'ready')
}

/** A cell of the users table, by username and column. */
function userCell(page: Page, username: string, column: string) {
  return page.locator(`.user-list tr[data-username="${username}"]:not(.ad-reset-row) td[data-column="${column}"]`)
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
})

afterAll(() => stopWebSession({ app, browser }))

describe('the users admin', () => {
  it('creates a planner without a password: the generated one is shown once and signs in', async () => {
    const { page } = session
    await openAdmin(page)
    expect(await page.locator('#users .ad-heading').textContent()).toBe(zh.users.title)
    // A planner needs no department, jurisdiction or grid: those fields are not shown.
    expect(await page.inputValue('#user-role')).toBe('planner')
    for (const name of ['departmentId', 'divisionPrefix', 'mgmtGridId']) expect(await page.locator(`#user-${name}`).isVisible()).toBe(false)

    await page.fill('#user-username', plannerName)
    await page.fill('#user-displayName', '测试规划员')
    await page.click('.user-form .ad-submit')
    const secret = page.locator('.ad-secret-value')
    await secret.waitFor({ state: 'visible' })
    plannerPassword = (await secret.textContent())!
    expect(plannerPassword).toHaveLength(16)
    expect(await page.textContent('.ad-secret-title')).toBe(zh.users.generatedTitle(plannerName))
    expect(await page.textContent('.user-form .ad-form-status')).toBe(zh.users.created(plannerName))

    // The new account is in the table, as the API has it.
    const stored = ((await app.inject('/api/users')).json() as UserRecord[]).find((u) => u.username === plannerName)!
    expect(stored).toMatchObject({ role: 'planner', displayName: '测试规划员', disabled: false, departmentId: null, divisionPrefix: null, mgmtGridId: null })
    plannerId = stored.id
    await userCell(page, plannerName, 'role').waitFor()
    expect(await userCell(page, plannerName, 'role').textContent()).toBe(zh.roles.planner)
    expect(await userCell(page, plannerName, 'displayName').textContent()).toBe('测试规划员')
    expect(await userCell(page, plannerName, 'disabled').textContent()).toBe(zh.no)

    // The shown password signs in through the API.
    const signIn = await apiSignIn(plannerName, plannerPassword)
    expect(signIn.status).toBe(200)
    expect(signIn.body.user).toMatchObject({ username: plannerName, role: 'planner' })

    // Closing the box forgets the password: it is nowhere on the page any more.
    await page.click('.ad-secret-dismiss')
    expect(await page.locator('.ad-secret').isVisible()).toBe(false)
    expect(await page.content()).not.toContain(plannerPassword)
    session.guard.assertClean()
  })

  it('signs the account out everywhere, disables it (sign-in fails) and enables it again', async () => {
    const { page } = session
    const { cookie } = await apiSignIn(plannerName, plannerPassword)
    const me = async () => (await (await fetch(`${baseUrl}/api/auth/me`, { headers: { cookie: cookie! } })).json()) as { user: { username: string } | null }
    expect((await me()).user?.username).toBe(plannerName)

    await page.click(`.user-list tr[data-username="${plannerName}"] button[data-action="sign-out"]`)
    await page.waitForFunction((text) => document.querySelector('#users .ad-status')?.textContent === text, zh.users.signedOutDone(plannerName))
    expect((await me()).user).toBeNull()

    await page.click(`.user-list tr[data-username="${plannerName}"] button[data-action="disable"]`)
    await page.waitForFunction((text) => document.querySelector('#users .ad-status')?.textContent === text, zh.users.disabledDone(plannerName))
    expect(await userCell(page, plannerName, 'disabled').textContent()).toBe(zh.yes)
    expect((await app.db('app_user').where({ id: plannerId }).first('disabled')).disabled).toBe(true)
    expect((await apiSignIn(plannerName, plannerPassword)).status).toBe(401)

    await page.click(`.user-list tr[data-username="${plannerName}"] button[data-action="enable"]`)
    await page.waitForFunction((text) => document.querySelector('#users .ad-status')?.textContent === text, zh.users.enabledDone(plannerName))
    expect(await userCell(page, plannerName, 'disabled').textContent()).toBe(zh.no)
    expect((await apiSignIn(plannerName, plannerPassword)).status).toBe(200)
    session.guard.assertClean()
  })

  it('resets the password to one the admin types; a too short one is refused next to the field', async () => {
    const { page, guard } = session
    await page.click(`.user-list tr[data-username="${plannerName}"] button[data-action="reset-password"]`)
    const input = page.locator(`#reset-${plannerId}-password`)
    await input.fill('short')
    await page.click('.ad-reset-form .ad-submit')
    const error = page.locator(`.ad-reset-form .ad-field-error[data-field="password"]`)
    await error.waitFor({ state: 'visible' })
    expect(await error.textContent()).toMatch(/10/)
    expect(await input.getAttribute('aria-invalid')).toBe('true')
    expect((await apiSignIn(plannerName, plannerPassword)).status).toBe(200)

    const chosen = `chosen-by-admin-${run}`
    await input.fill(chosen)
    await page.click('.ad-reset-form .ad-submit')
    await page.waitForFunction((text) => document.querySelector('#users .ad-status')?.textContent === text, zh.users.passwordDone(plannerName))
    expect(await page.locator('.ad-reset-row').count()).toBe(0)
    expect((await apiSignIn(plannerName, plannerPassword)).status).toBe(401)
    expect((await apiSignIn(plannerName, chosen)).status).toBe(200)
    expectOnlyDeliberateRefusals(guard)
  })

  it("shows the API's refusals next to the field they name: an inspector without a jurisdiction, a taken username", async () => {
    const { page, guard } = session
    await openAdmin(page)
    const username = `e2e_inspector_${run}`
    const department = await app.db('department').orderBy('id').first('id')
    const body = { username, role: 'inspector', departmentId: Number(department.id) }
    const refusal = await app.inject({ method: 'POST', url: '/api/users', payload: body })
    expect(refusal.statusCode, refusal.body).toBe(400)
    const expected = refusal.json().error.details[0] as { field: string; message: string }
    expect(expected.field).toBe('divisionPrefix')

    await page.fill('#user-username', username)
    await page.selectOption('#user-role', 'inspector')
    // An inspector's department and jurisdiction fields appear; the grid does not.
    expect(await page.locator('#user-departmentId').isVisible()).toBe(true)
    expect(await page.locator('#user-divisionPrefix').isVisible()).toBe(true)
    expect(await page.locator('#user-mgmtGridId').isVisible()).toBe(false)
    await page.selectOption('#user-departmentId', String(department.id))
    await page.click('.user-form .ad-submit')
    const error = page.locator('.user-form .ad-field-error[data-field="divisionPrefix"]')
    await error.waitFor({ state: 'visible' })
    expect(await error.textContent()).toBe(expected.message)
    expect(await page.getAttribute('#user-divisionPrefix', 'aria-invalid')).toBe('true')
    expect(await page.locator('.user-form .ad-form-error').isVisible()).toBe(false)
    expect(await page.locator('.ad-secret').isVisible()).toBe(false)
    expect(await app.db('app_user').where({ username }).first('id')).toBeUndefined()

    // A taken username: the 409 is said next to the username; the earlier error is gone.
    await page.fill('#user-username', plannerName)
    await page.selectOption('#user-role', 'planner')
    await page.click('.user-form .ad-submit')
    const taken = page.locator('.user-form .ad-field-error[data-field="username"]')
    await taken.waitFor({ state: 'visible' })
    expect(await taken.textContent()).toBe('already taken')
    expect(await error.isVisible()).toBe(false)
    expectOnlyDeliberateRefusals(guard)
  })
})

describe('the audit log', () => {
  it("shows the account's entries newest first with the admin's username and the changed fields", async () => {
    const { page } = session
    await openAdmin(page)
    await page.selectOption('#audit-entity', 'user')
    await page.fill('#audit-entityId', String(plannerId))
    await page.click('.audit-filters .ad-submit')
    await page.waitForFunction((total) => document.querySelector<HTMLElement>('#audit .ad-range')?.dataset.total === total, '4')

    const api = (await app.inject(`/api/audit?entity=user&entityId=${plannerId}`)).json() as AuditPage
    expect(api.total).toBe(4) // created, disabled, enabled, password reset (signing out is not a change of the account)
    const rows = await page.$$eval('.audit-list tbody tr', (trs) =>
      trs.map((tr) => ({
        id: Number((tr as HTMLElement).dataset.auditId),
        action: (tr as HTMLElement).dataset.action,
        user: tr.querySelector('td[data-column="username"]')!.textContent,
        entity: tr.querySelector('td[data-column="entity"]')!.textContent,
        entityId: tr.querySelector('td[data-column="entityId"]')!.textContent,
      })),
    )
    expect(rows.map((r) => r.id)).toEqual(api.items.map((i) => i.id))
    expect(rows.map((r) => r.id)).toEqual([...rows.map((r) => r.id)].sort((a, b) => b - a))
    const created = rows.at(-1)!
    expect(created).toMatchObject({ action: 'created', user: 'test_admin', entity: zh.audit.entities.user, entityId: String(plannerId) })
    expect(await page.textContent(`.audit-list tr[data-audit-id="${created.id}"] td[data-column="action"]`)).toBe(zh.audit.actions.created)

    // Expanded: the created entry lists the new account's fields, none → value.
    const createdRow = page.locator(`.audit-list tr[data-audit-id="${created.id}"]`)
    await createdRow.locator('summary').click()
    const username = createdRow.locator('.ad-diff-values[data-key="username"]')
    expect(await username.locator('.ad-old').textContent()).toBe(zh.none)
    expect(await username.locator('.ad-new').textContent()).toBe(plannerName)

    // The disable entry lists exactly what changed: disabled false → true.
    const disabling = api.items.find((i) => (i.after as { disabled?: boolean }).disabled === true)!
    const disableRow = page.locator(`.audit-list tr[data-audit-id="${disabling.id}"]`)
    expect(await disableRow.locator('summary').textContent()).toBe(zh.audit.changes(1))
    await disableRow.locator('summary').click()
    expect(await disableRow.locator('.ad-diff-values[data-key="disabled"]').textContent()).toBe('false → true')

    // Filtering by a user who wrote nothing empties the page; English is one click away.
    await page.fill('#audit-username', `nobody_${run}`)
    await page.click('.audit-filters .ad-submit')
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#audit .ad-range')?.dataset.total === '0')
    expect(await page.textContent('.audit-list')).toBe(zh.audit.noEntries)
    await page.click('.lang-switch')
    expect(await page.textContent('#users .ad-heading')).toBe(ADMIN_MESSAGES.en.users.title)
    expect(await page.textContent('#audit .ad-heading')).toBe(ADMIN_MESSAGES.en.audit.title)
    expect(await page.textContent('.audit-list')).toBe(ADMIN_MESSAGES.en.audit.noEntries)
    await page.click('.lang-switch')
    expect(await page.textContent('#users .ad-heading')).toBe(zh.users.title)
    session.guard.assertClean()
  })
})

describe('a user who is not an admin', () => {
  it('sees the admins-only message and no tables, and the page asks the API for nothing of the admin', async () => {
    const planner = await openGuardedPage(browser)
    try {
      await signInContext(app, planner.context, baseUrl, 'planner')
      await planner.page.goto(`${baseUrl}/admin.html`)
      await planner.page.waitForFunction(() => document.body.dataset.state === 'denied')
      expect(await planner.page.locator('.ad-denied').isVisible()).toBe(true)
      expect(await planner.page.textContent('.ad-denied')).toBe(zh.adminsOnly)
      expect(await planner.page.locator('#users').isVisible()).toBe(false)
      expect(await planner.page.locator('#audit').isVisible()).toBe(false)
      expect(await planner.page.locator('table').count()).toBe(0)
      expect(planner.guard.requests.filter((url) => /\/api\/(users|audit)/.test(url))).toEqual([])
      planner.guard.assertClean()
    } finally {
      await planner.context.close()
    }
  })
})
