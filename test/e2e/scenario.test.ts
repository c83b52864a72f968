import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type WebSession } from '../helpers/browser'

// The what-if scenario page (docs/scenarios.md) in real Chromium: a scenario saved through the API
// and opened by its URL draws exactly its changed cells on the diff map and lists what changes.

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
      method: 'POST', url: '/api/scenarios',
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
    expect(await page.locator('.scenario-rank-move').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.code))).toEqual(moves.map((m) => m.code))
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
})
