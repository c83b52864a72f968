import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type WebSession } from '../helpers/browser'

// The what-if scenario page (docs/scenarios.md) in real Chromium: a scenario saved through the API
// and opened by its URL draws exactly its changed cells on the diff map and lists what changes; the
// builder (web/src/scenario/builder.ts) makes one from records found by search and a map click,
// shows a bad change's error beside its field, previews before saving and starts from a saved
// scenario's changes; the staff map's record panels link into it ("try in a scenario").

let web: WebSession

beforeAll(async () => {
  web = await startWebSession({ as: 'planner' })
}, 180_000)
afterAll(async () => {
  if (web) await stopWebSession(web)
})

describe('the scenario page', () => {
  it("shows a saved scenario's changed cells on the diff map", async () => {
    const danger = await web.app.db('hidden_danger').where({ is_major: true }).whereNot({ status: 'verified' }).orderBy('id').first('id')
    expect(danger).toBeTruthy()
    const created = await web.app.inject({
      method: 'POST',
      url: '/api/scenarios',
      payload: { name: '浏览器测试情景', changes: [{ kind: 'rectify_hidden_danger', hiddenDangerId: Number(danger.id) }] },
    })
    expect(created.statusCode, created.body).toBe(201)
    const scenario = created.json()
    const changed = scenario.result.cells.features.filter((f: { properties: { change: string } }) => f.properties.change !== 'stale')
    expect(changed.length).toBeGreaterThan(0)

    const { page, guard } = web.session
    await page.goto(`${web.baseUrl}/scenario.html?id=${scenario.id}`)
    await waitUntilReady(page)
    await waitForMapIdle(page)
    expect(await page.locator('.scenario-result').getAttribute('data-scenario')).toBe(String(scenario.id))
    expect(await page.locator('.scenario-summary').textContent()).toContain(String(scenario.result.summary.cellsChanged))
    // the county ranking's moves, one line each, in the API's order
    const moves: Array<{ code: string; rankAfter: number }> = scenario.result.ranking.moves
    expect(moves.length).toBeGreaterThan(0)
    expect(await page.locator('.scenario-rank-move').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.code))).toEqual(
      moves.map((m) => m.code),
    )
    expect(await page.locator('.scenario-rank-move').first().textContent()).toContain(String(moves[0]!.rankAfter))
    const onMap = await page.evaluate(() => {
      const map = window.__riskmap!.map
      const source = map.getSource('scenario-diff') as unknown as { serialize: () => { data: { features: Array<{ properties: { h3: string } }> } } }
      const data = source.serialize().data
      const rendered = map.queryRenderedFeatures({ layers: ['scenario-diff-fill'] }).map((f) => String(f.properties?.h3))
      return { source: (data?.features ?? []).map((f) => f.properties.h3), rendered: [...new Set(rendered)] }
    })
    const expected = scenario.result.cells.features.map((f: { properties: { h3: string } }) => f.properties.h3).sort()
    expect([...onMap.source].sort()).toEqual(expected)
    // drawn: the lowered cells are on screen, and nothing else is
    expect(onMap.rendered.length).toBeGreaterThan(0)
    for (const h3 of onMap.rendered) expect(expected).toContain(h3)
    guard.assertClean()
  })

  it('builds a scenario through the form: a hidden danger found by search, a rescue team placed on the map', async () => {
    const danger = await web.app
      .db('hidden_danger as h')
      .join('enterprise as e', 'e.id', 'h.enterprise_id')
      .where('h.is_major', true)
      .whereNot('h.status', 'verified')
      .orderBy('h.id')
      .first('h.id', 'e.name')
    expect(danger).toBeTruthy()
    // a point inside the deployment: a county's point on its surface
    const inside = await web.app.db.raw(
      `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM division WHERE rank = 'county' ORDER BY code LIMIT 1) x`,
    )
    const target = { lon: Number(inside.rows[0].lon), lat: Number(inside.rows[0].lat) }
    const name = `界面构建的情景 ${Date.now()}`

    const { page, guard } = web.session
    await page.goto(`${web.baseUrl}/scenario.html`)
    await waitUntilReady(page)
    await waitForMapIdle(page)

    // 1. rectify the hidden danger, found by its enterprise's name
    await page.locator('.scenario-add-kind').selectOption('rectify_hidden_danger')
    await page.locator('.scenario-add').click()
    const first = page.locator('.scenario-change[data-index="0"]')
    expect(await first.getAttribute('data-kind')).toBe('rectify_hidden_danger')
    await first.locator('.scenario-record-search').fill(danger.name)
    await first.locator(`.scenario-pick-result[data-id="${danger.id}"]`).click()
    expect(await first.locator('.scenario-record').getAttribute('data-id')).toBe(String(danger.id))
    expect(await first.locator('.scenario-record').textContent()).toContain(danger.name)

    // 2. a new rescue team, placed by clicking the map
    await page.locator('.scenario-add-kind').selectOption('add_resource')
    await page.locator('.scenario-add').click()
    const second = page.locator('.scenario-change[data-index="1"]')
    expect(await second.getAttribute('data-kind')).toBe('add_resource')
    await second.locator('.scenario-resource-name').fill('情景新增救援队')
    await second.locator('.scenario-capability input[value="hazmat"]').check()
    // a new change that needs a position waits for the map click
    expect(await second.locator('.scenario-pick-map').getAttribute('aria-pressed')).toBe('true')
    await clickMapAt(page, target)
    const lon = Number(await second.locator('.scenario-lon').inputValue())
    const lat = Number(await second.locator('.scenario-lat').inputValue())
    expect(Math.abs(lon - target.lon)).toBeLessThan(0.01)
    expect(Math.abs(lat - target.lat)).toBeLessThan(0.01)
    expect(await page.locator('.scenario-marker-new').count()).toBe(1)
    expect(await second.locator('.scenario-pick-map').getAttribute('aria-pressed')).toBe('false')

    // 3. save: the page goes to the saved scenario
    await page.locator('.scenario-name').fill(name)
    await Promise.all([page.waitForURL(/scenario\.html\?id=\d+/), page.locator('.scenario-save').click()])
    await waitUntilReady(page)
    const id = Number(new URL(page.url()).searchParams.get('id'))
    expect(await page.locator('.scenario-result').getAttribute('data-scenario')).toBe(String(id))

    // what was saved is what was chosen
    const saved = await web.app.inject({ method: 'GET', url: `/api/scenarios/${id}` })
    expect(saved.statusCode, saved.body).toBe(200)
    const scenario = saved.json()
    expect(scenario.name).toBe(name)
    expect(scenario.changes).toEqual([
      { kind: 'rectify_hidden_danger', hiddenDangerId: Number(danger.id) },
      { kind: 'add_resource', resourceKind: 'rescue_team', name: '情景新增救援队', capabilities: ['hazmat'], lon, lat },
    ])
    const covered = await web.app.db.raw('SELECT count(*)::int AS n FROM division WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint(?, ?), 4326))', [lon, lat])
    expect(covered.rows[0].n).toBeGreaterThan(0)
    expect(scenario.result.summary.cellsChanged).toBeGreaterThan(0)
    guard.assertClean()
  })

  it("shows a bad change's error beside its field and saves nothing", async () => {
    const danger = await web.app.db('hidden_danger').where({ is_major: true }).whereNot({ status: 'verified' }).orderBy('id').first('id')
    // an installation below red: a "reduction" to red is refused (changes[1].level)
    const hazard = await web.app
      .db('major_hazard as m')
      .join('enterprise as e', 'e.id', 'm.enterprise_id')
      .where('m.level', '<', 4)
      .orderBy('m.id')
      .first('m.id', 'm.level', 'e.name')
    expect(hazard).toBeTruthy()
    const name = `越级核减 ${Date.now()}`

    const { page, guard } = web.session
    const problemsBefore = guard.problems.length
    // a link from another page starts the scenario with its change
    await page.goto(`${web.baseUrl}/scenario.html?new=1&rectify_hidden_danger=${danger.id}`)
    await waitUntilReady(page)
    const first = page.locator('.scenario-change[data-index="0"]')
    expect(await first.getAttribute('data-kind')).toBe('rectify_hidden_danger')
    expect(await first.locator('.scenario-record').getAttribute('data-id')).toBe(String(danger.id))

    await page.locator('.scenario-add-kind').selectOption('reduce_installation')
    await page.locator('.scenario-add').click()
    const second = page.locator('.scenario-change[data-index="1"]')
    await second.locator('.scenario-record-search').fill(hazard.name)
    await second.locator(`.scenario-pick-result[data-id="${hazard.id}"]`).click()
    // the installation's own level is shown, the selector starts one below it
    expect(await second.locator('.scenario-level').inputValue()).toBe(String(Math.max(1, hazard.level - 1)))
    await second.locator('.scenario-level').selectOption('4')
    await page.locator('.scenario-name').fill(name)
    await page.locator('.scenario-save').click()

    const error = second.locator('.scenario-field-invalid[data-field="level"] .scenario-field-error')
    await error.waitFor()
    expect((await error.textContent())!.length).toBeGreaterThan(0)
    expect(await second.getAttribute('class')).toContain('scenario-change-invalid')
    expect(await first.locator('.scenario-field-error').count()).toBe(0)
    expect(await first.getAttribute('class')).not.toContain('scenario-change-invalid')
    // nothing saved, and the page stays on the form
    expect(new URL(page.url()).searchParams.get('id')).toBeNull()
    const stored = await web.app.db('scenario').where({ name }).count<{ count: string }[]>('* as count')
    expect(Number(stored[0]!.count)).toBe(0)
    // the one problem the page had is the refused POST (and the console line Chromium writes for it)
    const problems = guard.problems.slice(problemsBefore)
    expect(problems.length).toBeGreaterThan(0)
    for (const p of problems) expect(p).toMatch(/HTTP 400: POST .*\/api\/scenarios$|status of 400/)
    guard.problems.splice(problemsBefore)
    guard.assertClean()
  })

  it('previews a scenario on the diff map without saving it, shows a refused change at its field, then saves', async () => {
    const danger = await web.app
      .db('hidden_danger as h')
      .join('enterprise as e', 'e.id', 'h.enterprise_id')
      .where('h.is_major', true)
      .whereNot('h.status', 'verified')
      .orderBy('h.id')
      .first('h.id', 'e.name')
    const hazard = await web.app
      .db('major_hazard as m')
      .join('enterprise as e', 'e.id', 'm.enterprise_id')
      .where('m.level', '<', 4)
      .orderBy('m.id')
      .first('m.id', 'm.level', 'e.name')
    expect(danger && hazard).toBeTruthy()
    const name = `预览后保存 ${Date.now()}`
    const countNamed = async () => Number((await web.app.db('scenario').where({ name }).count<{ count: string }[]>('* as count'))[0]!.count)
    const countAll = async () => Number((await web.app.db('scenario').count<{ count: string }[]>('* as count'))[0]!.count)
    const before = await countAll()

    const { page, guard } = web.session
    const problemsBefore = guard.problems.length
    await page.goto(`${web.baseUrl}/scenario.html?new=1&rectify_hidden_danger=${danger.id}`)
    await waitUntilReady(page)
    await page.locator('.scenario-name').fill(name)

    // a refused change: the preview shows its error at the field, as saving does
    await page.locator('.scenario-add-kind').selectOption('reduce_installation')
    await page.locator('.scenario-add').click()
    const second = page.locator('.scenario-change[data-index="1"]')
    await second.locator('.scenario-record-search').fill(hazard.name)
    await second.locator(`.scenario-pick-result[data-id="${hazard.id}"]`).click()
    await second.locator('.scenario-level').selectOption('4')
    await page.locator('.scenario-preview-button').click()
    await second.locator('.scenario-field-invalid[data-field="level"] .scenario-field-error').waitFor()
    expect(await page.locator('.scenario-preview').count()).toBe(0)
    const problems = guard.problems.slice(problemsBefore)
    expect(problems.length).toBeGreaterThan(0)
    for (const p of problems) expect(p).toMatch(/HTTP 400: POST .*\/api\/scenarios\/preview$|status of 400/)
    guard.problems.splice(problemsBefore)

    // without it, the preview draws the cells the API computes for the same change, and saves nothing
    await second.locator('.scenario-change-remove').click()
    const expected = await web.app.inject({
      method: 'POST',
      url: '/api/scenarios/preview',
      payload: { changes: [{ kind: 'rectify_hidden_danger', hiddenDangerId: Number(danger.id) }] },
    })
    expect(expected.statusCode, expected.body).toBe(200)
    const result = expected.json()
    const cells: string[] = result.cells.features.map((f: { properties: { h3: string } }) => f.properties.h3).sort()
    expect(result.summary.cellsChanged).toBeGreaterThan(0)
    await page.locator('.scenario-preview-button').click()
    const preview = page.locator('.scenario-preview')
    await preview.waitFor()
    expect(await preview.locator('.scenario-summary').textContent()).toContain(String(result.summary.cellsChanged))
    expect(await preview.locator('.scenario-rank-move').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.code))).toEqual(
      result.ranking.moves.map((m: { code: string }) => m.code),
    )
    await waitForMapIdle(page)
    const onMap = await page.evaluate(() => {
      const map = window.__riskmap!.map
      const source = map.getSource('scenario-diff') as unknown as { serialize: () => { data: { features: Array<{ properties: { h3: string } }> } } }
      const rendered = map.queryRenderedFeatures({ layers: ['scenario-diff-fill'] }).map((f) => String(f.properties?.h3))
      return { source: source.serialize().data.features.map((f) => f.properties.h3), rendered: [...new Set(rendered)] }
    })
    expect([...onMap.source].sort()).toEqual(cells)
    expect(onMap.rendered.length).toBeGreaterThan(0)
    for (const h3 of onMap.rendered) expect(cells).toContain(h3)
    expect(new URL(page.url()).searchParams.get('id')).toBeNull()
    expect(await countNamed()).toBe(0)
    expect(await countAll()).toBe(before)

    // save: now it is stored, with the previewed change
    await Promise.all([page.waitForURL(/scenario\.html\?id=\d+/), page.locator('.scenario-save').click()])
    await waitUntilReady(page)
    expect(await countNamed()).toBe(1)
    const id = Number(new URL(page.url()).searchParams.get('id'))
    const saved = (await web.app.inject({ method: 'GET', url: `/api/scenarios/${id}` })).json()
    expect(saved.name).toBe(name)
    expect(saved.changes).toEqual([{ kind: 'rectify_hidden_danger', hiddenDangerId: Number(danger.id) }])
    guard.assertClean()
  })

  it("opens a saved scenario's changes in the builder as a new scenario", async () => {
    const danger = await web.app
      .db('hidden_danger as h')
      .join('enterprise as e', 'e.id', 'h.enterprise_id')
      .where('h.is_major', true)
      .whereNot('h.status', 'verified')
      .orderBy('h.id')
      .first('h.id', 'e.name')
    const hazard = await web.app.db('major_hazard').orderBy('id').first('id', 'name')
    const changes = [
      { kind: 'rectify_hidden_danger', hiddenDangerId: Number(danger.id) },
      { kind: 'remove_installation', majorHazardId: Number(hazard.id) },
    ]
    const name = `复制编辑 ${Date.now()}`
    const created = await web.app.inject({ method: 'POST', url: '/api/scenarios', payload: { name, description: '说明文字', changes } })
    expect(created.statusCode, created.body).toBe(201)
    const id = created.json().id

    const { page, guard } = web.session
    await page.goto(`${web.baseUrl}/scenario.html?id=${id}`)
    await waitUntilReady(page)
    await page.locator('.scenario-edit-copy').click()
    const cards = page.locator('.scenario-change')
    await page.locator('.scenario-change[data-index="1"] .scenario-record', { hasText: hazard.name }).waitFor()
    expect(await cards.count()).toBe(2)
    expect(await cards.evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.kind))).toEqual(changes.map((c) => c.kind))
    const first = page.locator('.scenario-change[data-index="0"] .scenario-record')
    expect(await first.getAttribute('data-id')).toBe(String(danger.id))
    await page.locator('.scenario-change[data-index="0"] .scenario-record', { hasText: danger.name }).waitFor()
    expect(await page.locator('.scenario-name').inputValue()).toBe(`${name} (副本)`)
    expect(await page.locator('.scenario-description').inputValue()).toBe('说明文字')
    // the builder sends exactly the saved changes
    await page.locator('.scenario-json summary').click()
    expect(JSON.parse(await page.locator('.scenario-changes').inputValue())).toEqual(changes)
    guard.assertClean()
  })

  it('follows "try in a scenario" from a hidden danger and a rescue team on the staff map into the builder', async () => {
    const danger = await web.app.db('hidden_danger').whereNot({ status: 'verified' }).orderBy('id').first('id')
    const team = await web.app.db('resource').where({ kind: 'rescue_team' }).orderBy('id').first('id')
    expect(danger && team).toBeTruthy()

    const { page, guard } = web.session
    await page.goto(`${web.baseUrl}/#sel=hidden_danger:${danger.id}`)
    await waitUntilReady(page)
    const panel = page.locator(`.panel[data-selection="hidden_danger:${danger.id}"][data-state="shown"]`)
    await panel.waitFor()
    const link = panel.locator('.scenario-try-link')
    expect(await link.textContent()).toBe('在情景推演中尝试')
    expect(await link.getAttribute('href')).toBe(`/scenario.html?new=1&rectify_hidden_danger=${danger.id}`)
    await Promise.all([page.waitForURL(/scenario\.html\?new=1/), link.click()])
    await waitUntilReady(page)
    const first = page.locator('.scenario-change[data-index="0"]')
    expect(await page.locator('.scenario-change').count()).toBe(1)
    expect(await first.getAttribute('data-kind')).toBe('rectify_hidden_danger')
    expect(await first.locator('.scenario-record').getAttribute('data-id')).toBe(String(danger.id))

    // a rescue team: moved, the builder waiting for the map click of its new position
    await page.goto(`${web.baseUrl}/#sel=resource:${team.id}`)
    await waitUntilReady(page)
    const teamPanel = page.locator(`.panel[data-selection="resource:${team.id}"][data-state="shown"]`)
    await teamPanel.waitFor()
    await Promise.all([page.waitForURL(/scenario\.html\?new=1/), teamPanel.locator('.scenario-try-link').click()])
    await waitUntilReady(page)
    expect(new URL(page.url()).searchParams.get('move_resource')).toBe(String(team.id))
    expect(await first.getAttribute('data-kind')).toBe('move_resource')
    expect(await first.locator('.scenario-record').getAttribute('data-id')).toBe(String(team.id))
    expect(await first.locator('.scenario-pick-map').getAttribute('aria-pressed')).toBe('true')
    guard.assertClean()
  })
})

/** Centres the map on a point and clicks it there (the panel covers the right of the map, never its centre). */
async function clickMapAt(page: Page, point: { lon: number; lat: number }): Promise<void> {
  await page.evaluate(({ lon, lat }) => window.__riskmap!.map.jumpTo({ center: [lon, lat], zoom: 11 }), point)
  await waitForMapIdle(page)
  const pixel = await page.evaluate(({ lon, lat }) => window.__riskmap!.map.project([lon, lat]), point)
  const box = (await page.locator('#map canvas').first().boundingBox())!
  await page.mouse.click(box.x + pixel.x, box.y + pixel.y)
}
