import iconv from 'iconv-lite'
import { describe, expect, it } from 'vitest'
import { AppError } from '../../server/errors'
import { openCsv, guessDelimiter } from '../../server/modules/transfer/csv-reader'
import { chooseEncoding, decodeText } from '../../server/modules/transfer/text-decode'
import { recordValues, type KeyedRecord } from '../../server/modules/transfer/records'

async function* chunks(buf: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size)
}

async function decode(buf: Buffer, size = 1 << 16) {
  const text = decodeText(chunks(buf, size))
  let out = ''
  for await (const c of text.chunks) out += c
  return { out, encoding: text.encoding, bom: text.bom }
}

async function csvRows(text: string | Buffer, size = 1 << 16) {
  const reader = await openCsv(chunks(Buffer.isBuffer(text) ? text : Buffer.from(text), size))
  const rows: KeyedRecord[] = []
  for await (const r of reader.records) rows.push({ ...r, cells: undefined, values: recordValues(reader.headers, r) })
  return { reader, rows }
}

const CHINESE = '企业名称,统一社会信用代码\n沈阳示例化工有限公司（测试）,91210102MA0T00001G\n'

describe('text encoding', () => {
  it('reads UTF-8 with and without a BOM, in any chunking', async () => {
    expect(await decode(Buffer.from(`\uFEFF${CHINESE}`))).toEqual({ out: CHINESE, encoding: 'utf-8', bom: true })
    for (const size of [1, 2, 3, 5, 64]) expect(await decode(Buffer.from(CHINESE), size)).toEqual({ out: CHINESE, encoding: 'utf-8', bom: false })
  })

  it('recognises GBK from Excel and decodes it across chunk boundaries', async () => {
    const gbk = iconv.encode(CHINESE, 'gbk')
    for (const size of [1, 3, 7, 4096]) expect(await decode(gbk, size)).toMatchObject({ out: CHINESE, encoding: 'gbk' })
    // A sample cut in the middle of a two-byte character is still GBK.
    expect(chooseEncoding(gbk.subarray(0, 5), false)).toBe('gbk')
  })

  it('calls pure ASCII UTF-8', async () => {
    expect(await decode(Buffer.from('name,lon\nA,123.4\n'))).toMatchObject({ encoding: 'utf-8' })
  })

  it('refuses bytes that are neither UTF-8 nor GBK, binary data and UTF-16', async () => {
    await expect(decode(Buffer.from([0x61, 0x2c, 0x81, 0x20, 0xff, 0x41]))).rejects.toThrow(/neither UTF-8 nor GBK/)
    await expect(decode(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]))).rejects.toThrow(/not text \(binary byte at offset 4\)/)
    await expect(decode(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).rejects.toThrow(/UTF-16/)
    const error = await decode(Buffer.from([0x81, 0x20])).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect(error).toMatchObject({ statusCode: 400, code: 'invalid_file', details: [{ field: 'file', reason: 'encoding' }] })
  })

  it('refuses a file that switches encoding after its first non-ASCII bytes', async () => {
    const mixed = Buffer.concat([Buffer.from('名称\n'), Buffer.alloc(70_000, 0x41), iconv.encode('\n沈阳\n', 'gbk')])
    await expect(decode(mixed, 4096)).rejects.toThrow(/invalid UTF-8 near byte/)
  })
})

describe('CSV', () => {
  it('guesses the delimiter from the header line', () => {
    expect(guessDelimiter('a,b,c')).toBe(',')
    expect(guessDelimiter('a;b;"c,d"')).toBe(';')
    expect(guessDelimiter('a\tb\tc')).toBe('\t')
  })

  it('numbers data rows from 1 and reports the line where each starts, across quoted line breaks', async () => {
    const { reader, rows } = await csvRows('name,address\r\nA,"line one\r\nline two"\r\n\r\n,\r\nB,plain\r\nC,"x\ny\nz"\nD,end', 3)
    expect(reader.headers).toEqual(['name', 'address'])
    expect(rows.map((r) => [r.row, r.line, r.values.name])).toEqual([
      [1, 2, 'A'],
      [2, 6, 'B'],
      [3, 7, 'C'],
      [4, 10, 'D'],
    ])
    expect(rows[0]!.values.address).toBe('line one\r\nline two')
  })

  it('leaves out a column without a header, and reads a short row as empty cells', async () => {
    const { reader, rows } = await csvRows('名称,,经度\n测试,x,123.4\n短\n')
    expect(reader.headers).toEqual(['名称', '经度'])
    expect(rows.map((r) => r.values)).toEqual([
      { 名称: '测试', 经度: '123.4' },
      { 名称: '短', 经度: '' },
    ])
  })

  it('flags a row with more fields than the header', async () => {
    const { rows } = await csvRows('a,b\n1,2\n3,4,5\n')
    expect(rows[0]!.problem).toBeUndefined()
    expect(rows[1]!.problem?.reason).toMatch(/has 3 fields but the header has 2/)
  })

  it('refuses an empty file and a header that names a column twice', async () => {
    await expect(csvRows('')).rejects.toThrow('the file is empty')
    await expect(csvRows('\uFEFF\r\n  \r\n')).rejects.toThrow('the file is empty')
    await expect(csvRows('名称,经度,名称\n')).rejects.toThrow(/column "名称" appears twice/)
  })

  it('reads semicolon-separated GBK', async () => {
    const { reader, rows } = await csvRows(iconv.encode('名称;经度\n测试;123,4\n', 'gbk'), 2)
    expect(reader.encoding).toBe('gbk')
    expect(rows[0]!.values).toEqual({ 名称: '测试', 经度: '123,4' })
  })
})
