import fs from 'node:fs'
import path from 'node:path'
import { publishViaDraft } from '../helpers/publish'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import { buildUscc } from '../../server/domain/uscc'
import { openGuardedPage, startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'

// One language per page (issue 20): in zh-CN mode no page shows an English word. Every page, staff
// and public, is opened in a real Chromium and the text it renders (and its placeholders, titles and
// labels) is scanned for Latin words; only codes and units of an allow-list may appear.

/**
 * Latin words a Chinese page may show: codes, units, formats and product names that are written
 * in Latin letters in Chinese too. Anything else is an untranslated string.
 */
const ALLOWED = new Set([
  'H3',
  'API',
  'CSV',
  'XLSX',
  'GeoJSON',
  'Shapefile',
  'GeoPackage',
  'PNG',
  'PDF',
  'JSON',
  'HTTP',
  'URL',
  'ID',
  'km',
  'km²',
  'm²',
  'kg',
  't',
  'h',
  'min',
  'PostGIS',
  'PostgreSQL',
  'PGlite',
  'MapLibre',
  'OpenStreetMap',
  'OGC',
  'CSRF',
  'WGS',
  'GCJ',
  'BD',
  'CGCS',
  'EPSG',
  'LEC',
  'USCC',
  'GB',
  'AQ',
  'HTML',
  'PBF',
  'ZIP',
  'GPS',
  'GIS',
  'QGIS',
  'GDAL',
  'Excel',
  'SCL',
  'GBK',
  'Unicode',
  'WKT',
  'XML',
])

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage
let cell: { h3: string; lon: number; lat: number }
let enterpriseId: number
let hazard: { lon: number; lat: number }
let scenarioId: number

const COUNTY = '210106'

/**
 * A register with four bad rows: no name, a credit code of the wrong length, a place outside the
 * deployment (Beijing), an unknown scale beside an unknown industry (which alone is no error).
 */
const BAD_REGISTER = Buffer.from(
  [
    '企业名称,统一社会信用代码,经度,纬度,行业,规模,隶属关系',
    `,${buildUscc('91210102MA0L10001')},123.4312,41.8017,其他,小型,乡镇`,
    '语言测试乙公司,ABC123,123.4312,41.8017,其他,小型,乡镇',
    `语言测试丙公司,${buildUscc('91210102MA0L10003')},116.3975,39.9087,其他,小型,乡镇`,
    `语言测试丁公司,${buildUscc('91210102MA0L10004')},123.4286,41.7984,Widgets,huge,乡镇`,
  ].join('\r\n') + '\r\n',
  'utf8',
)

/** The visible text of the page and the texts of its attributes a reader meets (placeholder, title, aria-label). */
async function pageText(page: Page): Promise<string> {
  return page.evaluate(() => {
    // The language switch is written in the other language on purpose (its lang attribute says so);
    // what people wrote (names, notes) is shown as written, marked translate="no".
    const other = [...document.querySelectorAll<HTMLElement>('body [lang]:not([lang^="zh"]), body [translate="no"]')]
    for (const node of other) node.style.setProperty('display', 'none')
    const parts = [document.title, document.body.innerText]
    for (const node of other) node.style.removeProperty('display')
    for (const node of document.querySelectorAll<HTMLElement>('[placeholder], [title], [aria-label]')) {
      if (node.closest('[hidden]') || node.closest('.maplibregl-ctrl-attrib') || node.closest('body [lang]:not([lang^="zh"]), [translate="no"]')) continue
      for (const name of ['placeholder', 'title', 'aria-label']) {
        const value = node.getAttribute(name)
        if (value) parts.push(value)
      }
    }
    return parts.join('\n')
  })
}

/** Latin words in `text` that are not allowed, each with a little context. */
function englishWords(text: string): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  // A run of letters and digits with a digit in it is a code (an H3 cell id, a credit code, a
  // division code), not a word.
  for (const match of text.matchAll(/[A-Za-z0-9][A-Za-z0-9²_-]*/g)) {
    const word = match[0]
    if (!/[A-Za-z]/.test(word) || ALLOWED.has(word) || /^[A-Za-z]$/.test(word) || /\d/.test(word)) continue
    if (seen.has(word)) continue
    seen.add(word)
    const at = match.index ?? 0
    out.push(`${word} «${text.slice(Math.max(0, at - 20), at + word.length + 20).replace(/\s+/g, ' ')}»`)
  }
  return out
}

async function open(page: Page, path: string, ready: (page: Page) => Promise<void>): Promise<string[]> {
  await page.goto('about:blank')
  await page.goto(`${baseUrl}${path}`)
  await ready(page)
  return englishWords(await pageText(page))
}

const idle = async (page: Page) => {
  await page.waitForLoadState('networkidle', { timeout: 30_000 })
}
const mapReady = async (page: Page) => {
  await waitUntilReady(page)
  await waitForMapIdle(page)
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
  // A publication whose note and accounts are written in Latin letters: what people wrote is shown
  // as written (marked translate="no"), and the scan must still pass.
  await publishViaDraft(app, 'Quarterly update')
  const graded = await app.db.raw<{ rows: Array<{ h3: string; lon: number; lat: number }> }>(
    `SELECT h3, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM cell WHERE res = 8 AND level >= 3 AND NOT stale ORDER BY level DESC, h3 LIMIT 1`,
  )
  cell = graded.rows[0]!
  const enterprise = await app.db('enterprise').orderBy('id').first('id')
  enterpriseId = Number(enterprise.id)
  const { rows } = await app.db.raw<{ rows: Array<{ lon: number; lat: number }> }>(
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM major_hazard WHERE geom && ST_MakeEnvelope(123.3, 41.72, 123.56, 41.88, 4326) ORDER BY id LIMIT 1`,
  )
  hazard = rows[0]!
  const danger = await app.db('hidden_danger').where({ is_major: true }).whereNot({ status: 'verified' }).orderBy('id').first('id')
  const created = await app.inject({
    method: 'POST',
    url: '/api/scenarios',
    payload: { name: '语言测试情景', changes: [{ kind: 'rectify_hidden_danger', hiddenDangerId: Number(danger.id) }] },
  })
  if (created.statusCode !== 201) throw new Error(created.body)
  scenarioId = (created.json() as { id: number }).id
  // A hazard report whose tracking code happens to be all letters: a code, never an English word,
  // on the report desk (the newest report is on its first page).
  const place = await app.db('mgmt_grid').orderBy('id').first(app.db.raw('ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat'))
  const filed = await app.inject({
    method: 'POST',
    url: '/api/public/reports',
    payload: { location: { lon: Number(place.lon), lat: Number(place.lat) }, category: 'illegal_business', description: '语言测试：楼道堆放液化气瓶' },
  })
  if (filed.statusCode !== 201) throw new Error(filed.body)
  const letters = 'ABCDEFGHJKMNPQRSTUVWXYZ'
  const code = Array.from({ length: 10 }, () => letters[Math.floor(Math.random() * letters.length)]).join('')
  await app
    .db('public_report')
    .where({ tracking_code: (filed.json() as { trackingCode: string }).trackingCode })
    .update({ tracking_code: code })
}, 180_000)

afterAll(() => stopWebSession({ app, browser }))

describe('one language per page (zh-CN)', () => {
  // Every staff page, and the states of the staff map a reader meets (panels, overlays, the upload
  // page, incident mode), in zh-CN mode.
  const panelShown = async (page: Page) => {
    await mapReady(page)
    await page.locator('.panel[data-state="shown"]').waitFor()
    await page.waitForLoadState('networkidle', { timeout: 30_000 })
  }
  const staffPages: Array<[string, () => string, (page: Page) => Promise<void>]> = [
    ['the staff map', () => '/', mapReady],
    ['a cell panel', () => `/#map=13/${cell.lat}/${cell.lon}&layers=cells&sel=cell:${cell.h3}`, panelShown],
    ['a region panel', () => `/#sel=region:${COUNTY}`, panelShown],
    ['an enterprise panel', () => `/#layers=cells&sel=enterprise:${enterpriseId}`, panelShown],
    [
      'the coverage-gap overlay',
      () => '/#map=12/41.8/123.43&layers=cells,coverage_gaps',
      async (page) => {
        await mapReady(page)
        await page.locator('.gap-controls').waitFor()
        await page.waitForLoadState('networkidle', { timeout: 30_000 })
        await waitForMapIdle(page)
        // The popup of a gap cell, when one is drawn.
        const point = await page.evaluate(() => {
          const map = window.__riskmap!.map
          const [feature] = map.queryRenderedFeatures({ layers: ['coverage-gap-fill'] })
          if (!feature || feature.geometry.type !== 'Polygon') return null
          const ring = feature.geometry.coordinates[0]!
          const lon = ring.reduce((a, c) => a + c[0]!, 0) / ring.length
          const lat = ring.reduce((a, c) => a + c[1]!, 0) / ring.length
          const p = map.project([lon, lat])
          const rect = map.getCanvas().getBoundingClientRect()
          return { x: rect.left + p.x, y: rect.top + p.y }
        })
        if (point) {
          await page.mouse.click(point.x, point.y)
          await page.waitForLoadState('networkidle', { timeout: 30_000 })
        }
      },
    ],
    [
      'the upload page',
      () => '/',
      async (page) => {
        await mapReady(page)
        await page.locator('.import-toggle').click()
        await page.locator('.import-view').waitFor({ state: 'visible' })
        await page.locator('.import-kind').selectOption('enterprises')
        await page.waitForLoadState('networkidle', { timeout: 30_000 })
      },
    ],
    // The row report of a bad file, checked only (a dry run stores nothing): the reasons in Chinese,
    // what the file wrote (values, a Latin code) shown as written.
    [
      "the upload page's row report",
      () => '/',
      async (page) => {
        await mapReady(page)
        await page.locator('.import-toggle').click()
        await page.locator('.import-view').waitFor({ state: 'visible' })
        await page.locator('.import-kind').selectOption('enterprises')
        await page.locator('.import-file').setInputFiles({ name: 'bad-register.csv', mimeType: 'text/csv', buffer: BAD_REGISTER })
        await page.locator('.import-check').click()
        await page.locator('.import-report[data-state="checked"]').waitFor()
        const reasons = await page
          .locator('.import-errors tbody .import-error-reason')
          .evaluateAll((cells) => cells.map((c) => (c as HTMLElement).dataset.code))
        expect(reasons).toEqual(['required', 'uscc_length', 'outside_extent', 'not_one_of'])
        await page.waitForLoadState('networkidle', { timeout: 30_000 })
      },
    ],
    // A file refused as a whole (neither UTF-8 nor GBK; a column missing): the banner in Chinese.
    ...(['bad-encoding.csv', 'bad-missing-column.csv'] as const).map((file): [string, () => string, (page: Page) => Promise<void>] => [
      `the upload page's refusal of ${file}`,
      () => '/',
      async (page) => {
        await mapReady(page)
        await page.locator('.import-toggle').click()
        await page.locator('.import-view').waitFor({ state: 'visible' })
        await page.locator('.import-kind').selectOption('enterprises')
        await page
          .locator('.import-file')
          .setInputFiles({ name: file, mimeType: 'text/csv', buffer: fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', file)) })
        await page.locator('.import-check').click()
        await page.locator('.import-report[data-state="failed"]').waitFor()
        expect(await page.locator('.import-report .import-message').getAttribute('data-code')).toBe(
          file === 'bad-encoding.csv' ? 'encoding_unknown' : 'column_missing',
        )
      },
    ]),
    [
      'incident mode',
      () => '/',
      async (page) => {
        await mapReady(page)
        await page.locator('.incident-toggle').click()
        await page.locator('.incident-panel').waitFor()
        await page.locator('.incident-coordinates').fill(`${hazard.lon.toFixed(6)}, ${hazard.lat.toFixed(6)}`)
        await page.locator('.incident-place').click()
        await page.locator('.incident-panel[data-state="shown"]').waitFor()
        await page.waitForLoadState('networkidle', { timeout: 30_000 })
      },
    ],
    ['the coverage report', () => '/supervision.html', idle],
    ['the inspection plans', () => '/supervision.html#tab=plans', idle],
    ['the data-quality report', () => '/supervision.html#tab=quality', idle],
    ['the admin page', () => '/admin.html', idle],
    ['the hazard-report desk', () => '/reports.html', idle],
    ['the API tokens', () => '/tokens.html', idle],
    ['the ranking', () => '/ranking.html#level=region&rank=county', idle],
    ['the ranking of cells', () => '/ranking.html#level=cell', idle],
    [
      'the ranking as a map',
      () => '/ranking.html#level=region&rank=township&view=map',
      async (page) => {
        await page.locator('.rk-map-box[data-state="ready"]').waitFor()
      },
    ],
    [
      'the charts',
      () => '/charts.html',
      async (page) => {
        await page.waitForSelector('.ch-main[data-state="ready"]')
      },
    ],
    ['a scenario', () => `/scenario.html?id=${scenarioId}`, mapReady],
    [
      'the region report',
      () => `/report.html?region=${COUNTY}`,
      async (page) => {
        await page.waitForSelector('main.report[data-state="ready"]')
      },
    ],
    ['the publications', () => '/publications.html', idle],
  ]
  it.each(staffPages)(
    '%s shows no English word',
    async (_name, path, ready) => {
      expect(await open(session.page, path(), ready)).toEqual([])
    },
    120_000,
  )

  it('the public portal shows no English word', async () => {
    const anonymous = await openGuardedPage(browser)
    try {
      expect(await open(anonymous.page, '/public.html', mapReady)).toEqual([])
    } finally {
      await anonymous.context.close()
    }
  }, 90_000)

  // The report form's coordinate boxes in English (longer labels): both inside the form, on a
  // desktop and on a phone.
  it.each([
    [1440, 900],
    [390, 844],
  ])(
    'in English the report form keeps its coordinate boxes inside it at %i px',
    async (width, height) => {
      const visitor = await openGuardedPage(browser, { viewport: { width, height }, locale: 'en' })
      try {
        const { page } = visitor
        await page.goto(`${baseUrl}/public.html?lang=en`)
        await mapReady(page)
        await page.locator('.public-report-open').click()
        await page.locator('.rp-form').waitFor({ state: 'visible' })
        const form = (await page.locator('.rp-form').boundingBox())!
        for (const selector of ['.rp-lon', '.rp-lat']) {
          const b = (await page.locator(selector).boundingBox())!
          expect(b.width, selector).toBeGreaterThan(60)
          expect(b.x, selector).toBeGreaterThanOrEqual(form.x - 0.5)
          expect(b.x + b.width, selector).toBeLessThanOrEqual(form.x + form.width + 0.5)
        }
      } finally {
        await visitor.context.close()
      }
    },
    90_000,
  )

  it('finds an English word when there is one', async () => {
    const { page } = session
    await page.goto('about:blank')
    await page.setContent('<html lang="zh-CN"><body><p>风险地图 20 km H3 Loading</p><button lang="en">English</button></body></html>')
    expect((await pageText(page)).includes('English')).toBe(false)
    expect(englishWords(await pageText(page)).map((w) => w.split(' ')[0])).toEqual(['Loading'])
  })
})
