import { execFile } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import { recordValues } from '../../server/modules/transfer/records'
import { openXlsx } from '../../server/modules/transfer/xlsx-reader'
import { openZip } from '../../server/modules/transfer/zip'
import { buildTestApp } from '../helpers/app'
import { signIn } from '../helpers/auth'
import { publishViaDraft } from '../helpers/publish'

// A desktop-GIS client against the running service: GDAL's own tools (ogrinfo, ogr2ogr; Debian's
// gdal-bin, installed by .ci/run) over HTTP on a free port, anonymously and with an API token
// header, as QGIS (which uses GDAL's drivers) would.
const run = promisify(execFile)

let app: FastifyInstance
let base: string
let token: string
let inspectorPrefix: string
let tmp: string

beforeAll(async () => {
  app = await buildTestApp({}, { as: null })
  await app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const inspector = await signIn(app, 'inspector')
  inspectorPrefix = inspector.user.divisionPrefix!
  const res = await app.inject({ method: 'POST', url: '/api/tokens', headers: inspector.headers, payload: { name: 'GDAL test' } })
  expect(res.statusCode, res.body).toBe(201)
  token = res.json().secret
  // The public collections serve the latest publication: make sure there is one.
  await publishViaDraft(app, 'GDAL test')
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-gdal-'))
})
afterAll(async () => {
  await app?.close()
  if (tmp) await fs.rm(tmp, { recursive: true, force: true })
})

/** Runs a GDAL tool; `withToken` sends the inspector's API token on every HTTP request it makes. */
async function gdal(tool: 'ogrinfo' | 'ogr2ogr', args: string[], withToken = false): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, GDAL_HTTP_TIMEOUT: '60', CPL_VSIL_CURL_CACHE_SIZE: '0' }
  if (withToken) env.GDAL_HTTP_HEADERS = `Authorization: Bearer ${token}`
  const { stdout } = await run(tool, args, { env, maxBuffer: 64 * 1024 * 1024 })
  return stdout
}

describe('OGC API – Features with GDAL (OAPIF)', () => {
  it('lists the public collections anonymously and the staff ones with a token header', async () => {
    const anonymous = await gdal('ogrinfo', ['-ro', '-q', `OAPIF:${base}/ogc`])
    expect(anonymous).toMatch(/public_cells/)
    expect(anonymous).toMatch(/shelters/)
    expect(anonymous).not.toMatch(/enterprises/)
    const staff = await gdal('ogrinfo', ['-ro', '-q', `OAPIF:${base}/ogc`], true)
    for (const id of ['enterprises', 'major_hazards', 'hidden_dangers', 'cells', 'divisions', 'overdue_rectifications', 'public_cells'])
      expect(staff).toContain(id)
  })

  it('ogr2ogr pages through a collection of several pages and gets every feature exactly once', async () => {
    const [{ n }] = await app.db('enterprise').whereLike('division_code', `${inspectorPrefix}%`).count({ n: '*' })
    const expected = Number(n)
    const pageSize = Math.ceil(expected / 3)
    expect(pageSize).toBeGreaterThan(10)
    const out = path.join(tmp, 'enterprises.geojson')
    await gdal('ogr2ogr', ['-preserve_fid', '-f', 'GeoJSON', out, `OAPIF:${base}/ogc`, 'enterprises', '-oo', `PAGE_SIZE=${pageSize}`], true)
    const collection = JSON.parse(await fs.readFile(out, 'utf8')) as { features: Array<{ id: number; properties: Record<string, unknown> }> }
    // GDAL keeps the OGC feature id as the feature's FID (written as `id` with -preserve_fid).
    const ids = collection.features.map((f) => Number(f.id))
    expect(ids.length).toBe(expected)
    expect(new Set(ids).size).toBe(expected)
    // Exactly the inspector's enterprises: the token did not widen what its user sees.
    const mine = (await app.db('enterprise').whereLike('division_code', `${inspectorPrefix}%`).pluck('id')).map(Number).sort((a, b) => a - b)
    expect([...ids].sort((a, b) => a - b)).toEqual(mine)
    expect(typeof collection.features[0]!.properties.level).toBe('number')
  })
})

describe('vector tiles with GDAL (MVT)', () => {
  it('reads a zoom level of the staff tiles with typed fields from metadata.json, with a token header', async () => {
    const info = await gdal('ogrinfo', ['-ro', '-so', `MVT:/vsicurl/${base}/tiles/cells/8`, '-oo', 'TILE_EXTENSION=mvt', 'cells'], true)
    expect(info).toMatch(/Feature Count: [1-9]/)
    expect(info).toMatch(/level: Real/)
    expect(info).toMatch(/stale: Integer\(Boolean\)/)
    expect(info).toMatch(/h3: String/)
  })

  it('TileJSON names field types as clients read them', async () => {
    const doc = (await app.inject({ url: '/tiles/public/cells.json' })).json()
    expect(doc.vector_layers[0].fields).toEqual({ h3: 'String', level: 'Number', stale: 'Boolean' })
    expect(doc.attribution).toBeTruthy()
    expect(doc.center).toHaveLength(3)
  })
})

describe('exports that open in GDAL', () => {
  it('a GeoPackage export opens with EPSG:4326, its geometry type, every row and typed columns', async () => {
    const res = await fetch(`${base}/api/export/major_hazards.gpkg`, { headers: { authorization: `Bearer ${token}` } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/geopackage+sqlite3')
    const file = path.join(tmp, 'major_hazards.gpkg')
    await fs.writeFile(file, Buffer.from(await res.arrayBuffer()))
    const info = await gdal('ogrinfo', ['-ro', '-so', file, 'major_hazards'])
    const [{ n }] = await app
      .db('major_hazard as m')
      .join('enterprise as e', 'e.id', 'm.enterprise_id')
      .whereLike('e.division_code', `${inspectorPrefix}%`)
      .count({ n: '*' })
    expect(info).toContain(`Feature Count: ${n}`)
    expect(info).toContain('Geometry: Point')
    expect(info).toMatch(/ID\["EPSG",4326\]\]\s*Data axis/)
    expect(info).toMatch(/R: Real/)
    expect(info).toMatch(/reportedAt: Date/)
    const sql = await gdal('ogrinfo', ['-ro', '-q', file, '-sql', 'SELECT name, ST_X(geom) AS x FROM major_hazards ORDER BY fid LIMIT 1'])
    expect(sql).toMatch(/x \(Real\) = 12[2-4]\./)
  })

  it('a CSV export with wkt=true opens as points', async () => {
    const res = await fetch(`${base}/api/export/enterprises.csv?wkt=true&lang=en`, { headers: { authorization: `Bearer ${token}` } })
    const file = path.join(tmp, 'enterprises.csv')
    await fs.writeFile(file, Buffer.from(await res.arrayBuffer()))
    const info = await gdal('ogrinfo', ['-ro', '-al', '-q', file])
    expect(info).toMatch(/POINT \(12[2-4]\.\d+ 4[1-3]\.\d+\)/)
  })
})

describe('a workbook GDAL writes', () => {
  it('reads cell for cell an XLSX with a shared-string table (as Excel, WPS and LibreOffice write them) larger than its first buffer', async () => {
    // Enough distinct text to grow the reader's string table past its first 64 KiB.
    const rows = Array.from({ length: 3000 }, (_, i) => [`沈阳示例企业${i}（登记册）`, `A&B <${i}> "引号" 😀`, i % 7 === 0 ? '' : `备注${i % 50}`])
    const csvFile = path.join(tmp, 'register.csv')
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`
    await fs.writeFile(csvFile, `名称,说明,备注\r\n${rows.map((r) => r.map(quote).join(',')).join('\r\n')}\r\n`)
    const xlsxFile = path.join(tmp, 'register.xlsx')
    await gdal('ogr2ogr', ['-f', 'XLSX', xlsxFile, csvFile, '-nln', 'Sheet1'])
    // GDAL's workbook keeps its text in xl/sharedStrings.xml, cells pointing into it.
    const zip = await openZip(xlsxFile)
    expect(zip.has('xl/sharedStrings.xml')).toBe(true)
    expect(await zip.text('xl/worksheets/sheet1.xml')).toMatch(/<c r="A2" [^>]*t="s"/)
    zip.close()
    const reader = await openXlsx(xlsxFile)
    const read: unknown[][] = []
    for await (const r of reader.records) {
      const values = recordValues(reader.headers, r)
      read.push(reader.headers.map((h) => values[h]))
    }
    await reader.close()
    expect(reader.headers).toEqual(['名称', '说明', '备注'])
    expect(read).toEqual(rows)
  })
})
