import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser } from 'playwright-core'
import { buildApp } from '../../server/app'
import { loadConfig } from '../../server/config'
import { launchChromium, openGuardedPage, signInContext, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { roadCollection, roadFeature, SMALL_ROAD_NETWORK } from '../helpers/roads'
import { openScratch, type ScratchDatabase } from '../helpers/scratch-db'
import { signIn } from '../helpers/auth'
import { en } from '../../web/src/i18n/en'
import { zhCN } from '../../web/src/i18n/zh-CN'

// Road upload in the browser (docs/domain.md §6) against the real app on its own scratch database
// (a road import replaces the whole network, which the shared demo database's other tests use): a
// GeoJSON file with a road without a class and one with a negative speed lists both rows and is
// refused with nothing stored; a file named .pbf that is not PBF is refused with nothing stored; a
// good small GeoJSON file is checked and imported, and the report's note (the edges and junctions
// the network now has) is worded in the page's language, Chinese and then English; then, in incident
// mode, an incident no resource can drive to is ranked by straight line, labelled so.

let scratch: ScratchDatabase
let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

const GOOD = SMALL_ROAD_NETWORK
const BAD = roadCollection([
  roadFeature({ class: 'primary', maxspeed: 60 }, [
    [123.4, 41.78],
    [123.41, 41.78],
  ]),
  roadFeature({ maxspeed: 50, name: '无等级路' }, [
    [123.41, 41.77],
    [123.41, 41.78],
  ]),
  roadFeature({ class: 'secondary', maxspeed: -30 }, [
    [123.43, 41.78],
    [123.42, 41.78],
  ]),
])

const edgeCount = async () => Number((await app.db.raw<{ rows: Array<{ n: string }> }>('SELECT count(*) AS n FROM road_edge')).rows[0]!.n)
/** The deliberate refusals: the import's 4xx answers and Chromium's console lines about them. */
const isDeliberate = (problem: string) => /\b4(00|22)\b/.test(problem) && (problem.includes('/api/import/roads') || problem.includes('Failed to load resource'))

beforeAll(async () => {
  scratch = await openScratch(inject('serverUrl'), 'riskmap_roadweb')
  app = await buildApp({ config: loadConfig({ LOG_LEVEL: 'silent' }), database: { url: scratch.url, embedded: scratch.embedded, statementTimeoutMs: 60_000 } })
  await app.listen({ port: 0, host: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  browser = await launchChromium()
  session = await openGuardedPage(browser)
  await signInContext(app, session.context, baseUrl, 'admin')
  await session.page.goto(`${baseUrl}/`)
  await waitUntilReady(session.page)
  await session.page.locator('.app-header .import-toggle').click()
  await session.page.locator('.import-view').waitFor({ state: 'visible' })
  await session.page.locator('.import-kind').selectOption('roads')
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await scratch?.drop()
})

describe('road upload in the browser', () => {
  it('lists a road without a class and one with a negative speed by row and column, and refuses the file: nothing stored', async () => {
    const { page } = session
    await page.locator('.import-file').setInputFiles({ name: 'bad-roads.geojson', mimeType: 'application/geo+json', buffer: BAD })
    await page.locator('.import-check').click()
    await page.locator('.import-report[data-state="checked"]').waitFor()
    const stat = async (key: string) => page.locator(`.import-report .import-stat[data-stat="${key}"] .import-stat-value`).textContent()
    expect(await stat('rows')).toBe('3')
    expect(await stat('invalid')).toBe('2')
    const errors = await page.locator('.import-report .import-errors tbody tr').evaluateAll((rows) =>
      rows.map((tr) => ({
        row: tr.querySelector('.import-error-row')?.textContent,
        column: tr.querySelector('.import-error-column')?.textContent,
        value: tr.querySelector('.import-error-value')?.textContent,
      })),
    )
    expect(errors).toContainEqual(expect.objectContaining({ row: '2', column: 'class' }))
    expect(errors).toContainEqual({ row: '3', column: 'maxspeed', value: '-30' })
    expect(errors.filter((e) => e.row === '1')).toEqual([])
    await page.locator('.import-confirm').click()
    await page.locator('.import-report[data-state="rejected"]').waitFor()
    expect(await page.locator('.import-report-title').textContent()).toBe(zhCN.importer.rejectedTitle)
    expect(await edgeCount()).toBe(0)
  })

  it('refuses a .pbf file that is not an OpenStreetMap PBF extract, saying so: nothing stored', async () => {
    const { page } = session
    await page
      .locator('.import-file')
      .setInputFiles({ name: 'roads.pbf', mimeType: 'application/octet-stream', buffer: Buffer.from('this is not a protocol buffer file\n') })
    await page.locator('.import-check').click()
    await page.locator('.import-report[data-state="failed"]').waitFor()
    // Worded by the page from the problem's code: not a PBF file, but text.
    expect(await page.locator('.import-message').getAttribute('data-code')).toBe('not_osm_pbf')
    expect(await page.locator('.import-message').textContent()).toBe('不是 OpenStreetMap PBF 文件：而是文本')
    expect(await edgeCount()).toBe(0)
  })

  it('checks and imports a small GeoJSON road file with its row report, and words the note in the page language', async () => {
    const { page } = session
    await page.locator('.import-file').setInputFiles({ name: 'roads.geojson', mimeType: 'application/geo+json', buffer: GOOD })
    await page.locator('.import-check').click()
    await page.locator('.import-report[data-state="checked"]').waitFor()
    const stat = async (key: string) => page.locator(`.import-report .import-stat[data-stat="${key}"] .import-stat-value`).textContent()
    expect(await stat('rows')).toBe('3')
    expect(await stat('valid')).toBe('3')
    expect(await stat('invalid')).toBe('0')
    expect(await edgeCount()).toBe(0) // a check stores nothing
    await page.locator('.import-confirm').click()
    await page.locator('.import-report[data-state="done"]').waitFor()
    expect(await stat('created')).toBe('3')
    // The lines split where they share (123.41, 41.78) and (123.42, 41.78): 5 edges between 6 vertices.
    const { rows } = await app.db.raw<{ rows: Array<{ edges: string; junctions: string; version: string }> }>(
      'SELECT (SELECT count(*) FROM road_edge) AS edges, (SELECT count(*) FROM road_vertex) AS junctions, (SELECT version FROM road_network) AS version',
    )
    const params = { edges: Number(rows[0]!.edges), junctions: Number(rows[0]!.junctions), version: Number(rows[0]!.version) }
    expect(params.edges).toBe(5)
    expect(params.junctions).toBe(6)
    expect(await page.locator('.import-outcome').allTextContents()).toEqual([zhCN.importer.notes.roads_replaced!(params)])
    await page.locator('.lang-switch').click()
    await page.locator('.import-outcome').filter({ hasText: 'road network' }).waitFor()
    expect(await page.locator('.import-outcome').allTextContents()).toEqual([en.importer.notes.roads_replaced!(params)])
  })

  it('in incident mode, falls back to straight-line distance, labelled so, where no road leads from any resource to the incident', async () => {
    const { page } = session
    // The secondary road is one-way eastwards to its dead end at 123.43: a team there cannot drive
    // back to an incident on it.
    const { rows } = await app.db.raw<{ rows: Array<{ id: string }> }>(
      `INSERT INTO resource (name, kind, status, capabilities, team_type, headcount, geom)
       VALUES ('尽头救援队', 'rescue_team', 'available', ARRAY['fire'], '消防', 12, ST_SetSRID(ST_MakePoint(123.4305, 41.7802), 4326)) RETURNING id`,
    )
    const teamId = Number(rows[0]!.id)
    const timed = (
      await app.inject({ url: '/api/resources/nearest?lon=123.4252&lat=41.7801&k=5&status=available&by=time', headers: (await signIn(app, 'admin')).headers })
    ).json() as { items: unknown[]; unreachable: Array<{ id: number; reason: string }> }
    expect(timed.items).toEqual([])
    expect(timed.unreachable).toEqual([expect.objectContaining({ id: teamId, reason: 'no_route' })])
    await page.locator('.import-close').click()
    await page.locator('.incident-toggle').click()
    await page.locator('.incident-panel').waitFor()
    await page.locator('.incident-coordinates').fill('123.4252, 41.7801')
    await page.locator('.incident-place').click()
    await page.locator('.incident-ranking[data-ranking="straight"]').waitFor()
    await page.locator('.incident-panel[data-state="shown"]').waitFor()
    expect(await page.locator('.incident-ranking').innerText()).toBe(en.incident.rankedStraight('no_route'))
    expect(Number(await page.locator('.incident-resources > li').first().getAttribute('data-id'))).toBe(teamId)
    expect(await page.locator('.incident-resources > li').first().getAttribute('data-eta-s')).toBeNull()
    expect(await page.locator('.incident-isochrones').count()).toBe(0)
  })

  it('made no request to anywhere else and none failed, apart from the deliberate refusals', () => {
    const { guard } = session
    expect(guard.externalRequests).toEqual([])
    expect(guard.problems.some(isDeliberate)).toBe(true)
    expect(guard.problems.filter((p) => !isDeliberate(p))).toEqual([])
  })
})
