import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createWriteStream } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../server/domain/coords'
import { geodesicDistanceM } from '../../server/domain/geo'
import { fromWkt, parseCrsParam, projectedDefinition, resolveCrs } from '../../server/modules/transfer/crs'
import { geometryProblem, parseWkt } from '../../server/modules/transfer/geometry'
import { openGeoJson } from '../../server/modules/transfer/geojson-reader'
import { formatFromName, sniffFormat } from '../../server/modules/transfer/import'
import { recordValues, type KeyedRecord, type RecordReader } from '../../server/modules/transfer/records'
import { parseShape, ringArea, ringsToPolygons, openShapefileZip } from '../../server/modules/transfer/shapefile-reader'
import { columnIndex, excelSerialToDate, openXlsx } from '../../server/modules/transfer/xlsx-reader'
import { columnLetters, xlsxStream } from '../../server/modules/transfer/xlsx-writer'
import { FIXTURES, GK_AREAS, GK_CM123_WKT } from '../fixtures/make-fixtures'

async function* chunks(text: string, size: number): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text)
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}

/** A reader's records, each with its values by header. */
async function all(reader: RecordReader): Promise<KeyedRecord[]> {
  const out: KeyedRecord[] = []
  for await (const r of reader.records) out.push({ ...r, cells: undefined, values: recordValues(reader.headers, r) })
  return out
}

// Reference values from PostGIS 3.3 / PROJ: ST_Transform(ST_SetSRID(ST_MakePoint(123.4, 41.8), 4490), 4550), and to 4549 and 32651.
const POSTGIS = {
  4550: [533243.9059566584, 4629499.95817187],
  4549: [782591.6912119747, 4635014.750950627],
  32651: [533230.6083940354, 4627648.158304849],
} as const

describe('coordinate systems', () => {
  it('unprojects CGCS2000 Gauss-Kruger and UTM grids to the PostGIS reference within a millimetre', () => {
    for (const [code, [x, y]] of Object.entries(POSTGIS)) {
      const [lon, lat] = parseCrsParam(`EPSG:${code}`).toWgs84(x, y)
      expect(geodesicDistanceM(lon, lat, 123.4, 41.8), `EPSG:${code}`).toBeLessThan(0.001)
    }
    const [lon, lat] = fromWkt(GK_CM123_WKT, 'wgs84').toWgs84(...POSTGIS[4550])
    expect(geodesicDistanceM(lon, lat, 123.4, 41.8)).toBeLessThan(0.001)
  })

  it('knows which EPSG codes are which grid', () => {
    expect(projectedDefinition(4550)).toContain('+lon_0=123 ')
    expect(projectedDefinition(4549)).toContain('+lon_0=120 ')
    expect(projectedDefinition(4527)).toContain('+x_0=39500000')
    expect(projectedDefinition(4326)).toBeNull()
  })

  it('applies a stated GCJ-02 after a projected .prj, and lets a stated grid override the file', () => {
    const chained = resolveCrs('gcj02', { wkt: GK_CM123_WKT })
    expect(chained.name).toContain('then GCJ-02')
    expect(resolveCrs('EPSG:4549', { wkt: GK_CM123_WKT }).name).toBe('EPSG:4549')
    expect(resolveCrs(undefined, null).name).toBe('WGS 84')
    expect(resolveCrs(undefined, { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' }).geographic).toBe(true)
    expect(resolveCrs(undefined, { name: 'urn:ogc:def:crs:EPSG::4550' }).geographic).toBe(false)
  })

  it('converts GCJ-02 back to the true WGS 84 point (the published forward formula, inverted)', () => {
    const [lon, lat] = parseCrsParam('gcj02').toWgs84(...wgs84ToGcj02(123.43, 41.8))
    expect(geodesicDistanceM(lon, lat, 123.43, 41.8)).toBeLessThan(0.01)
    expect(gcj02ToWgs84(...wgs84ToGcj02(123.43, 41.8))[0]).toBeCloseTo(123.43, 7)
  })

  it('refuses Beijing 1954 / Xian 1980 and unknown codes with a reason', () => {
    expect(() => fromWkt('GEOGCS["GCS_Beijing_1954",DATUM["D_Beijing_1954",SPHEROID["Krasovsky_1940",6378245.0,298.3]]]', 'wgs84')).toThrow(/Beijing 1954/)
    expect(() => parseCrsParam('EPSG:2000')).toThrow(/unsupported coordinate system EPSG:2000/)
    expect(() => parseCrsParam('mars')).toThrow(/crs must be one of/)
  })
})

describe('geometry', () => {
  it('parses WKT and EWKT', () => {
    expect(parseWkt('POINT(123.4 41.8)')).toEqual({ type: 'Point', coordinates: [123.4, 41.8] })
    expect(parseWkt('SRID=4326;POINT Z (1 2 3)')).toEqual({ type: 'Point', coordinates: [1, 2] })
    expect(parseWkt('POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,1 1))')).toEqual({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 4],
          [0, 0],
        ],
        [
          [1, 1],
          [1, 2],
          [2, 2],
          [1, 1],
        ],
      ],
    })
    expect(parseWkt('MULTIPOLYGON(((0 0,1 0,1 1,0 0)),((5 5,6 5,6 6,5 5)))').type).toBe('MultiPolygon')
    expect(parseWkt('MULTIPOINT((1 2),(3 4))')).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    })
    expect(() => parseWkt('CIRCLE(1 2)')).toThrow(/unsupported WKT type/)
    expect(() => parseWkt('POINT(1 2) extra')).toThrow(/unexpected text/)
  })

  it('describes structurally broken geometry', () => {
    expect(
      geometryProblem({
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 1],
          ],
        ],
      }),
    ).toEqual({ code: 'geometry_malformed', params: { type: 'Polygon' }, reason: expect.stringMatching(/closed/) })
    expect(geometryProblem({ type: 'Point', coordinates: ['a', 1] })).toEqual({
      code: 'geometry_malformed',
      params: { type: 'Point' },
      reason: expect.stringMatching(/numbers/),
    })
    expect(geometryProblem({ type: 'Circle', coordinates: [] })).toEqual({
      code: 'geometry_type_unsupported',
      params: { type: 'Circle' },
      reason: expect.stringMatching(/unsupported geometry type/),
    })
  })

  it('sorts shapefile rings into shells (clockwise) and holes, written with RFC 7946 winding', () => {
    const shellCw = [
      [0, 0],
      [0, 4],
      [4, 4],
      [4, 0],
      [0, 0],
    ]
    const holeCcw = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
    ]
    const otherCw = [
      [10, 10],
      [10, 11],
      [11, 11],
      [11, 10],
      [10, 10],
    ]
    expect(ringArea(shellCw)).toBeLessThan(0)
    const polygons = ringsToPolygons([shellCw, holeCcw, otherCw])
    expect(polygons).toHaveLength(2)
    expect(polygons[0]).toHaveLength(2)
    expect(ringArea(polygons[0]![0]!)).toBeGreaterThan(0)
    expect(ringArea(polygons[0]![1]!)).toBeLessThan(0)
  })

  it('reads a point record of a .shp', () => {
    const content = Buffer.alloc(20)
    content.writeInt32LE(1, 0)
    content.writeDoubleLE(533243.9, 4)
    content.writeDoubleLE(4629499.9, 12)
    expect(parseShape(content)).toEqual({ type: 'Point', coordinates: [533243.9, 4629499.9] })
  })
})

describe('file readers', () => {
  it('streams GeoJSON features in any chunking, with their lines and a leading crs member', async () => {
    const text =
      '{\n "type": "FeatureCollection",\n "crs": {"type": "name", "properties": {"name": "EPSG:4490"}},\n "features": [\n' +
      '  {"type": "Feature", "properties": {"name": "a \\"quoted\\" {brace}"}, "geometry": {"type": "Point", "coordinates": [123.4, 41.8]}},\n' +
      '  {"type": "Feature", "properties": {"name": "b", "extra": 1}, "geometry": null}\n ]\n}\n'
    for (const size of [1, 7, 4096]) {
      const reader = await openGeoJson(chunks(text, size))
      const records = await all(reader)
      expect(reader.headers).toEqual(['name'])
      expect(reader.declaredCrs).toEqual({ name: 'EPSG:4490' })
      expect(records.map((r) => [r.row, r.line, r.values.name])).toEqual([
        [1, 5, 'a "quoted" {brace}'],
        [2, 6, 'b'],
      ])
      expect(records[0]!.geometry).toEqual({ type: 'Point', coordinates: [123.4, 41.8] })
    }
  })

  it('reads a single Feature, and names the line of broken JSON', async () => {
    const one = await openGeoJson(chunks('{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[1,2]}}', 5))
    expect((await all(one))[0]).toMatchObject({ row: 1, values: { n: 1 } })
    await expect(openGeoJson(chunks('{"type":"FeatureCollection","features":[\n{"type":"Feature",\n"properties":{"a":tru}}]}', 8))).rejects.toThrow(
      /at line 2 is not valid JSON/,
    )
    await expect(openGeoJson(chunks('[1,2]', 8))).rejects.toThrow(/expected a JSON object/)
    await expect(openGeoJson(chunks('{"type":"FeatureCollection","features":[]}', 8))).rejects.toThrow(/has no features/)
  })

  it('reads an Excel-like XLSX: shared strings, date-formatted cells, numbers', async () => {
    const reader = await openXlsx(path.join(FIXTURES, 'enterprises-zh.xlsx'))
    const records = await all(reader)
    await reader.close()
    expect(reader.headers.slice(0, 4)).toEqual(['单位全称', '统一社会信用代码', '经度', '纬度'])
    expect(records).toHaveLength(2)
    expect(records[0]!.line).toBe(2)
    expect(records[0]!.values.最近报告日期).toEqual(new Date(Date.UTC(2026, 2, 15)))
    expect(records[0]!.values.联系电话).toBe(13800138000)
    expect(records[0]!.values.经度).toBe(123.41192)
    expect(columnIndex('AB12')).toBe(27)
    expect(excelSerialToDate(46023).toISOString()).toBe('2026-01-01T00:00:00.000Z')
  })

  it('reads a zipped shapefile: GBK attribute names and values, the .prj, polygons with holes', async () => {
    const reader = await openShapefileZip(path.join(FIXTURES, 'areas-gk123.zip'))
    const records = await all(reader)
    await reader.close()
    expect(reader.encoding).toBe('gbk')
    expect(reader.headers).toEqual(['编号', '区域名称', '评估方法', '指定等级', '评估人', '评估日期'])
    expect(reader.declaredCrs?.wkt).toBe(GK_CM123_WKT)
    expect(records.map((r) => r.values.区域名称)).toEqual(GK_AREAS.map((a) => a.name))
    expect(records[1]!.values.评估日期).toBe('2026-01-01')
    expect(records[1]!.geometry).toMatchObject({ type: 'Polygon' })
    expect((records[1]!.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2)
    await expect(openShapefileZip(path.join(FIXTURES, 'no-shp.zip'))).rejects.toThrow(/no \.shp file/)
  })

  it('writes XLSX that reads back cell for cell, text escaped', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-xlsx-'))
    try {
      const file = path.join(dir, 'out.xlsx')
      async function* rows() {
        yield ['A & <b>', 1.5, '', ' padded ']
        yield ['控制\u0001字符', -3, '是', 'x']
      }
      await pipeline(xlsxStream('测试', ['名称', '数值', '布尔', '文本'], rows()), createWriteStream(file))
      const reader = await openXlsx(file)
      const records = await all(reader)
      await reader.close()
      expect(reader.headers).toEqual(['名称', '数值', '布尔', '文本'])
      expect(records.map((r) => r.values)).toEqual([
        { 名称: 'A & <b>', 数值: 1.5, 布尔: '', 文本: ' padded ' },
        { 名称: '控制字符', 数值: -3, 布尔: '是', 文本: 'x' },
      ])
      expect(columnLetters(0)).toBe('A')
      // A column without a header is left out, and the columns after it keep their values.
      await pipeline(xlsxStream('测试', ['名称', '', '文本'], rows()), createWriteStream(file))
      const gapped = await openXlsx(file)
      const read = await all(gapped)
      await gapped.close()
      expect(gapped.headers).toEqual(['名称', '文本'])
      expect(read.map((r) => r.values)).toEqual([
        { 名称: 'A & <b>', 文本: '' },
        { 名称: '控制字符', 文本: '是' },
      ])
      expect(columnLetters(27)).toBe('AB')
    } finally {
      await fs.rm(dir, { recursive: true, force: true })
    }
  })

  it('recognises formats by name and by their first bytes', () => {
    expect(formatFromName('a.CSV')).toBe('csv')
    expect(formatFromName('a.xlsx')).toBe('xlsx')
    expect(formatFromName('a.geojson')).toBe('geojson')
    expect(formatFromName('a.zip')).toBeNull()
    expect(() => formatFromName('a.xls')).toThrow(/\.xls files are not supported/)
    expect(sniffFormat(Buffer.from('PK\u0003\u0004rest'))).toBe('zip')
    expect(sniffFormat(Buffer.from('\uFEFF  {"type"'))).toBe('geojson')
    expect(sniffFormat(Buffer.from('名称,经度'))).toBe('csv')
  })
})
