import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Browser, Page } from 'playwright-core'
import iconv from 'iconv-lite'
import { wgs84ToGcj02 } from '../../server/domain/coords'
import { geodesicDistanceM } from '../../server/domain/geo'
import { buildUscc } from '../../server/domain/uscc'
import { startWebSession, stopWebSession, waitForMapIdle, waitUntilReady, type GuardedPage } from '../helpers/browser'
import { en } from '../../web/src/i18n/en'
import { zhCN } from '../../web/src/i18n/zh-CN'

// The upload page (issue 8) in a real Chromium against the real app and the shared demo database:
// a good CSV is checked (a dry run: nothing stored) and then imported, and the map reloads its
// tiles; a bad CSV lists every invalid row with its row and column, and importing it (all or
// nothing) is refused with nothing stored.

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))
const resultsDir = path.join(repoRoot, 'test-results')

let app: FastifyInstance
let baseUrl: string
let browser: Browser
let session: GuardedPage

/** USCCs of this run only: the shared database may keep earlier runs' enterprises. */
const stamp = `${String(process.pid % 100_000).padStart(5, '0')}${String(Date.now() % 10_000).padStart(4, '0')}`
const usccOf = (n: number): string =>
  buildUscc(
    `91210102${stamp.slice(0, 5)}${String(Number(stamp.slice(5)) * 10 + n)
      .padStart(5, '0')
      .slice(-4)}`,
  )
const GOOD = [
  { name: `导入测试甲公司${stamp}`, uscc: usccOf(1), lon: 123.4312, lat: 41.8017 },
  { name: `导入测试乙公司${stamp}`, uscc: usccOf(2), lon: 123.4286, lat: 41.7984 },
]
const BAD_VALID = { name: `导入测试丙公司${stamp}`, uscc: usccOf(3) }
/** A code with a wrong check character. */
const BAD_USCC = (() => {
  const right = usccOf(4)
  return right.slice(0, 17) + (right.endsWith('0') ? '1' : '0')
})()
const SWAPPED_USCC = usccOf(5)

const HEADER = '企业名称,统一社会信用代码,经度,纬度,行业,规模,隶属关系'
const csv = (lines: string[]): Buffer => Buffer.from([HEADER, ...lines].join('\r\n') + '\r\n', 'utf8')
const GOOD_CSV = csv(GOOD.map((e) => `${e.name},${e.uscc},${e.lon},${e.lat},其他,小型,乡镇`))
const BAD_CSV = csv([
  `导入测试错误代码,${BAD_USCC},123.4301,41.8003,其他,小型,乡镇`,
  `导入测试坐标颠倒,${SWAPPED_USCC},41.8003,123.4301,其他,小型,乡镇`,
  `${BAD_VALID.name},${BAD_VALID.uscc},123.4322,41.7991,其他,小型,乡镇`,
])

/** The deliberate refusal of the bad import: its 422 response and Chromium's console line about it. */
const isDeliberateRefusal = (problem: string): boolean => problem.includes('422') && problem.includes('/api/import/enterprises')

async function storedCount(usccs: string[]): Promise<number> {
  const row = await app.db('enterprise').whereIn('uscc', usccs).count<{ count: string }[]>({ count: '*' }).first()
  return Number(row?.count ?? 0)
}

async function stat(page: Page, key: string): Promise<string> {
  return (await page.locator(`.import-report .import-stat[data-stat="${key}"] .import-stat-value`).textContent()) ?? ''
}

async function errorRows(page: Page) {
  return page.locator('.import-report .import-errors tbody tr').evaluateAll((rows) =>
    rows.map((tr) => {
      const cell = (name: string) => tr.querySelector(`.import-error-${name}`)?.textContent ?? ''
      return { row: cell('row'), line: cell('line'), column: cell('column'), value: cell('value'), reason: cell('reason') }
    }),
  )
}

beforeAll(async () => {
  ;({ app, baseUrl, browser, session } = await startWebSession())
  const { page } = session
  await page.goto(`${baseUrl}/`)
  await waitUntilReady(page)
  await waitForMapIdle(page)
})

afterAll(() => stopWebSession({ app, browser }))

describe('the upload page', () => {
  it('opens from the header button with the kinds, coordinate systems and modes', async () => {
    const { page } = session
    const button = page.locator('.app-header .import-toggle')
    expect(await button.textContent()).toBe(zhCN.importer.toggle)
    expect(zhCN.importer.toggle).toBe('数据导入')
    expect(await page.locator('.import-view').isVisible()).toBe(false)
    await button.click()
    await page.locator('.import-view').waitFor({ state: 'visible' })
    expect(await page.locator('.import-title').textContent()).toBe(zhCN.importer.title)
    const options = (select: string) => page.locator(`.import-view ${select} option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))
    expect(await options('.import-kind')).toEqual([
      'enterprises',
      'major_hazards',
      'safety_risks',
      'hidden_dangers',
      'area_assessments',
      'resources',
      'divisions',
      'mgmt_grids',
      'roads',
    ])
    expect(await options('.import-format')).toEqual(['', 'csv', 'xlsx', 'geojson', 'shapefile', 'osm-pbf'])
    expect(await options('.import-crs')).toEqual(['wgs84', 'cgcs2000', 'gcj02', 'bd09'])
    expect(await options('.import-mode')).toEqual(['all', 'valid'])
    expect(await page.locator('.import-mode').inputValue()).toBe('all')
    expect(await page.locator('.import-confirm').isDisabled()).toBe(true)
  })

  it('checks a good CSV without storing it, then imports it and reloads the map tiles', async () => {
    const { page } = session
    await page.locator('.import-kind').selectOption('enterprises')
    await page.locator('.import-file').setInputFiles({ name: 'good-enterprises.csv', mimeType: 'text/csv', buffer: GOOD_CSV })
    // The format comes from the extension.
    expect(await page.locator('.import-format option[value=""]').textContent()).toContain('CSV')
    const dryRun = page.waitForRequest((r) => r.url().includes('/api/import/enterprises') && r.method() === 'POST')
    await page.locator('.import-check').click()
    const request = await dryRun
    const url = new URL(request.url())
    expect(Object.fromEntries(url.searchParams)).toEqual({ format: 'csv', crs: 'wgs84', mode: 'all', dryRun: 'true' })
    expect(request.headers()['content-type']).toBe('application/octet-stream')
    expect(request.postDataBuffer()?.equals(GOOD_CSV)).toBe(true)
    await page.locator('.import-report[data-state="checked"]').waitFor()

    expect(await page.locator('.import-report-title').textContent()).toBe(zhCN.importer.dryRunTitle)
    expect(await stat(page, 'encoding')).toBe('utf-8')
    expect(await stat(page, 'rows')).toBe('2')
    expect(await stat(page, 'valid')).toBe('2')
    expect(await stat(page, 'invalid')).toBe('0')
    expect(await stat(page, 'created')).toBe('2')
    expect(await stat(page, 'updated')).toBe('0')
    expect(await errorRows(page)).toEqual([])
    expect(await page.locator('.import-no-errors').textContent()).toBe(zhCN.importer.noErrors)
    // A dry run stores nothing.
    expect(await storedCount(GOOD.map((e) => e.uscc))).toBe(0)

    const tileJson = page.waitForRequest((r) => /\/tiles\/enterprises\.json/.test(r.url()))
    const real = page.waitForRequest((r) => r.url().includes('/api/import/enterprises') && !r.url().includes('dryRun'))
    expect(await page.locator('.import-confirm').isDisabled()).toBe(false)
    expect(await page.locator('.import-confirm').textContent()).toBe('确认导入')
    await page.locator('.import-confirm').click()
    expect(Object.fromEntries(new URL((await real).url()).searchParams)).toEqual({ format: 'csv', crs: 'wgs84', mode: 'all' })
    await page.locator('.import-report[data-state="done"]').waitFor()
    expect(await page.locator('.import-report-title').textContent()).toBe(zhCN.importer.resultTitle)
    expect(await stat(page, 'created')).toBe('2')
    expect(await stat(page, 'updated')).toBe('0')
    expect(await stat(page, 'regrade')).toMatch(/企业 2 家/)
    expect(await stat(page, 'regrade')).not.toMatch(/[A-Za-z]/) // the regrade's mode in Chinese too
    // After a real import the map reads its TileJSON again (the new data version).
    await tileJson
    expect(await page.locator('.import-confirm').isDisabled()).toBe(true)

    const rows = await app
      .db('enterprise')
      .whereIn(
        'uscc',
        GOOD.map((e) => e.uscc),
      )
      .orderBy('uscc')
      .select('uscc', 'name', 'industry', 'scale', 'affiliation', app.db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
    expect(rows).toHaveLength(2)
    for (const e of GOOD) {
      const row = rows.find((r) => r.uscc === e.uscc)
      expect(row).toMatchObject({ name: e.name, industry: 'other', scale: 'small', affiliation: 'township' })
      expect(Number(row.lon)).toBeCloseTo(e.lon, 6)
      expect(Number(row.lat)).toBeCloseTo(e.lat, 6)
    }
    await waitForMapIdle(page)
    await page.screenshot({ path: (fs.mkdirSync(resultsDir, { recursive: true }), path.join(resultsDir, 'import-done.png')) })
  })

  // A market-regulation register as a city safety office holds it (issue 19): GBK, only 企业名称,
  // 统一社会信用代码, 行业 (GB/T 4754 name or code), 经度/纬度 in GCJ-02 and 所在地.
  it('imports a GBK register with six columns, GCJ-02 coordinates and GB/T 4754 industries, each enterprise with its departments', async () => {
    const { page } = session
    const register = [
      {
        name: `登记册化工${stamp}`,
        uscc: usccOf(6),
        industry: '化学原料和化学制品制造业',
        lon: 123.4301,
        lat: 41.8003,
        at: '沈阳市和平区示例路6号',
        expected: 'hazardous_chemicals',
      },
      { name: `登记册百货${stamp}`, uscc: usccOf(7), industry: 'F52', lon: 123.4322, lat: 41.7991, at: '沈阳市和平区示例路7号', expected: 'retail' },
    ]
    const lines = ['企业名称,统一社会信用代码,行业,经度,纬度,所在地']
    for (const e of register) {
      const [lon, lat] = wgs84ToGcj02(e.lon, e.lat)
      lines.push([e.name, e.uscc, e.industry, lon.toFixed(7), lat.toFixed(7), e.at].join(','))
    }
    const gbk = iconv.encode(`${lines.join('\r\n')}\r\n`, 'gbk')
    await page.locator('.import-kind').selectOption('enterprises')
    await page.locator('.import-crs').selectOption('gcj02')
    await page.locator('.import-file').setInputFiles({ name: '市场主体登记.csv', mimeType: 'text/csv', buffer: gbk })
    await page.locator('.import-check').click()
    await page.locator('.import-report[data-state="checked"]').waitFor()
    expect(await stat(page, 'encoding')).toBe('gbk')
    expect(await stat(page, 'rows')).toBe('2')
    expect(await stat(page, 'valid')).toBe('2')
    expect(await errorRows(page)).toEqual([])
    await page.locator('.import-confirm').click()
    await page.locator('.import-report[data-state="done"]').waitFor()
    expect(await stat(page, 'created')).toBe('2')

    const rows = await app
      .db('enterprise')
      .whereIn(
        'uscc',
        register.map((e) => e.uscc),
      )
      .select('uscc', 'name', 'industry', 'scale', 'affiliation', 'address', 'industry_department_id', app.db.raw('ST_X(geom) AS lon, ST_Y(geom) AS lat'))
    expect(rows).toHaveLength(2)
    for (const e of register) {
      const row = rows.find((r) => r.uscc === e.uscc)
      // The name read from GBK, the industry mapped, the unknown left unknown, the position back in WGS 84.
      expect(row).toMatchObject({ name: e.name, industry: e.expected, scale: null, affiliation: null, address: e.at })
      expect(row.industry_department_id, `${e.name} has its industry department`).not.toBeNull()
      expect(geodesicDistanceM(Number(row.lon), Number(row.lat), e.lon, e.lat), e.name).toBeLessThan(1)
    }
    await page.locator('.import-crs').selectOption('wgs84') // as the next case expects
  })

  it('lists the invalid rows of a bad CSV by row and column, and refuses to import it (all or nothing)', async () => {
    const { page } = session
    await page.locator('.import-file').setInputFiles({ name: 'bad-enterprises.csv', mimeType: 'text/csv', buffer: BAD_CSV })
    // A new file clears the last report and asks for a new check.
    expect(await page.locator('.import-report').getAttribute('data-state')).toBe('idle')
    expect(await page.locator('.import-confirm').isDisabled()).toBe(true)
    await page.locator('.import-check').click()
    await page.locator('.import-report[data-state="checked"]').waitFor()
    expect(await stat(page, 'rows')).toBe('3')
    expect(await stat(page, 'valid')).toBe('1')
    expect(await stat(page, 'invalid')).toBe('2')
    expect(await page.locator('.import-warning').textContent()).toBe(zhCN.importer.willBeRejected)

    const checkErrors = async () => {
      const errors = await errorRows(page)
      const uscc = errors.find((e) => e.row === '1')
      expect(uscc).toMatchObject({ row: '1', line: '2', column: '统一社会信用代码', value: BAD_USCC })
      expect(uscc!.reason).toMatch(/^统一社会信用代码无效：校验码应为 [0-9A-Z]，实为 [0-9A-Z]$/)
      const swapped = errors.find((e) => e.row === '2')
      expect(swapped).toMatchObject({ row: '2', line: '3' })
      expect(['经度', '纬度']).toContain(swapped!.column)
      expect(swapped!.reason).toMatch(/^经纬度似乎填反了/)
      expect(errors.filter((e) => e.row === '3')).toEqual([])
      return errors
    }
    await checkErrors()

    // Importing anyway: the server refuses the whole file (422 import_rejected) and the page says so.
    await page.locator('.import-confirm').click()
    await page.locator('.import-report[data-state="rejected"]').waitFor()
    expect(await page.locator('.import-report-title').textContent()).toBe(zhCN.importer.rejectedTitle)
    expect(await page.locator('.import-message').textContent()).toBe(zhCN.importer.rejectedMessage)
    await checkErrors()
    expect(await storedCount([BAD_USCC, SWAPPED_USCC, BAD_VALID.uscc])).toBe(0)
    await page.screenshot({ path: path.join(resultsDir, 'import-rejected.png') })
  })

  it('switches its texts with the language and closes', async () => {
    const { page } = session
    await page.locator('.lang-switch').click()
    expect(await page.locator('.import-toggle').textContent()).toBe(en.importer.toggle)
    expect(await page.locator('.import-title').textContent()).toBe(en.importer.title)
    expect(await page.locator('.import-report-title').textContent()).toBe(en.importer.rejectedTitle)
    expect(await page.locator('.import-errors th').allTextContents()).toEqual(['Row', 'Line', 'Column', 'Value', 'Reason'])
    // The reasons too, worded again from their codes.
    const reasons = (await errorRows(page)).map((e) => e.reason)
    expect(reasons[0]).toMatch(/^invalid unified social credit code: check character expected [0-9A-Z], got [0-9A-Z]$/)
    expect(reasons[1]).toMatch(/^looks like latitude and longitude are swapped/)
    await page.locator('.import-close').click()
    expect(await page.locator('.import-view').isVisible()).toBe(false)
  })

  it('made no request to anywhere else and none failed, apart from the deliberate refusal', () => {
    const { guard } = session
    expect(guard.externalRequests).toEqual([])
    // The refusal was seen (and is the only problem).
    expect(guard.problems.some(isDeliberateRefusal)).toBe(true)
    expect(guard.problems.filter((p) => !isDeliberateRefusal(p))).toEqual([])
  })
})
