import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SaxesParser } from 'saxes'
import { describe, expect, it } from 'vitest'
import yazl from 'yazl'
import { AppError } from '../../server/errors'
import { columnIndex, SheetScanner, SheetXmlError, type RawCell } from '../../server/modules/transfer/sheet-xml'
import { openXlsx } from '../../server/modules/transfer/xlsx-reader'

// The worksheet scanner replaces a SAX parser on the import's hottest path, so it is held to that
// parser (saxes, still used for the shared strings) on sheets as Excel, WPS, LibreOffice, GDAL and
// our own export write them, and on the XML a sheet may hold beyond that, in chunks of every size.

interface Row {
  number: number
  cells: RawCell[]
}

/** The rows as saxes reads the same XML (what the reader did before the scanner). */
function bySaxes(xml: string): Row[] {
  const rows: Row[] = []
  const parser = new SaxesParser()
  let number = 0
  let cells: RawCell[] | null = null
  let cell: RawCell | null = null
  let next = 0
  let text: string | null = null
  let inline = false
  let phonetic = 0
  const local = (name: string) => name.slice(name.indexOf(':') + 1)
  parser.on('opentag', (tag) => {
    const name = local(tag.name)
    const a = tag.attributes as Record<string, string>
    if (name === 'row') {
      number = a.r !== undefined ? Number(a.r) : number + 1
      cells = []
      next = 0
    } else if (name === 'c') {
      const column = a.r !== undefined ? columnIndex(a.r) : next
      next = column + 1
      cell = { column, type: a.t ?? 'n', style: a.s === undefined ? -1 : Number(a.s), value: null }
    } else if (name === 'v') text = ''
    else if (name === 'is') {
      inline = true
      cell!.value = ''
    } else if (name === 'rPh') phonetic++
    else if (name === 't' && inline && phonetic === 0) text = ''
  })
  const onText = (t: string) => {
    if (text !== null) text += t
  }
  parser.on('text', onText)
  parser.on('cdata', onText)
  parser.on('closetag', (tag) => {
    const name = local(tag.name)
    if (name === 'v') {
      cell!.value = text
      text = null
    } else if (name === 't' && text !== null && inline) {
      cell!.value = (cell!.value ?? '') + text
      text = null
    } else if (name === 'rPh') phonetic--
    else if (name === 'is') inline = false
    else if (name === 'c') {
      cells?.push(cell!)
      cell = null
    } else if (name === 'row') {
      rows.push({ number, cells: cells! })
      cells = null
    }
  })
  parser.write(xml)
  parser.close()
  return rows
}

/** The scanner's rows, the XML pushed in chunks of `sizes` (repeated), or whole. */
function byScanner(xml: string, sizes: number[] = [xml.length]): Row[] {
  const rows: Row[] = []
  const scanner = new SheetScanner((number, cells) => rows.push({ number, cells }))
  let pos = 0
  for (let i = 0; pos < xml.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length]!)
    scanner.push(xml.slice(pos, pos + size))
    pos += size
  }
  scanner.push('', true)
  return rows
}

const HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
const sheet = (rows: string) => `${HEAD}<worksheet ${NS}><sheetData>${rows}</sheetData></worksheet>`

const SHEETS: Record<string, string> = {
  // Our export: every text inline in its cell.
  ours: sheet(
    '<row r="1"><c r="A1" t="inlineStr"><is><t>企业名称</t></is></c><c r="B1" t="inlineStr"><is><t>经度</t></is></c></row>' +
      '<row r="2"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> 沈阳 &amp; 化工 &lt;示例&gt; &quot;甲&quot; &apos;乙&apos; </t></is></c><c r="B2"><v>123.45</v></c></row>',
  ),
  // GDAL and LibreOffice: indented, shared strings by index, styles.
  gdal: `${HEAD}<worksheet ${NS}>\n<cols>\n<col min="1" max="2" width="15"/>\n</cols>\n<sheetData>\n<row r="1">\n<c r="A1" t="s">\n<v>0</v>\n</c>\n<c r="B1" s="2" t="n">\n<v>46023</v>\n</c>\n</row>\n</sheetData>\n</worksheet>\n`,
  // Excel: spans, styles, booleans, errors, formulas with cached values, an empty styled cell, gaps.
  excel: sheet(
    '<row r="3" spans="1:6" x14ac:dyDescent="0.25"><c r="A3" s="1" t="s"><v>4</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#DIV/0!</v></c>' +
      '<c r="D3"><f>SUM(B1:B2)</f><v>7</v></c><c r="E3" s="5"/><c r="AB3" t="str"><f>A1&amp;"x"</f><v>甲x</v></c></row>',
  ),
  // A prefixed namespace, single quotes, cells and rows without references, rich text with a phonetic run.
  prefixed:
    `${HEAD}<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>` +
    "<x:row><x:c t='inlineStr'><x:is><x:r><x:rPr><x:b/></x:rPr><x:t>危险</x:t></x:r><x:r><x:t>化学品</x:t></x:r><x:rPh sb='0' eb='2'><x:t>キケン</x:t></x:rPh></x:is></x:c><x:c><x:v>2</x:v></x:c></x:row>" +
    "<x:row r = '7' ><x:c r='C7' t = 'd'><x:v>2026-01-01T00:00:00</x:v></x:c></x:row></x:sheetData></x:worksheet>",
  // What XML allows besides: comments, processing instructions, CDATA, character references, line breaks in text, an empty value.
  xml: sheet(
    '<!-- written by hand --><row r="1"><?pi here?><c r="A1" t="inlineStr"><is><t><![CDATA[a < b & c]]> &#20013;&#x6587; &#x1F600;</t></is></c>' +
      '<c r="B1" t="inlineStr"><is><t>第一行\r\n第二行\r第三行</t></is></c><c r="C1"><v/></c><c r="D1"><v></v></c></row><!-- end -->',
  ),
}

describe('worksheet scanner', () => {
  for (const [name, xml] of Object.entries(SHEETS)) {
    it(`reads ${name} sheets as saxes does`, () => {
      const expected = bySaxes(xml)
      expect(expected.length).toBeGreaterThan(0)
      expect(byScanner(xml)).toEqual(expected)
    })
    it(`reads ${name} sheets the same in chunks of every size`, () => {
      const whole = byScanner(xml)
      for (const size of [1, 2, 3, 5, 7, 11, 64]) expect(byScanner(xml, [size])).toEqual(whole)
      expect(byScanner(xml, [1, 9, 2, 30, 4, 3])).toEqual(whole)
    })
  }

  it('reads a generated sheet of many rows as saxes does, chunked at random', () => {
    const values = ['沈阳示例化工有限公司', 'a & b', '<tag>', '"quoted"', "it's", ' lead', 'trail ', '', '123', '1e5', '𠀀𪚥']
    let rows = ''
    for (let r = 1; r <= 300; r++) {
      rows += `<row r="${r}">`
      for (let c = 0; c < 6; c++) {
        const v = values[(r * 7 + c * 3) % values.length]!
        const esc = v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
        rows += c % 2 === 0 ? `<c r="${'ABCDEF'[c]}${r}" t="inlineStr"><is><t>${esc}</t></is></c>` : `<c r="${'ABCDEF'[c]}${r}" s="${c}"><v>${r * c}.5</v></c>`
      }
      rows += '</row>'
    }
    const xml = sheet(rows)
    let seed = 7
    const sizes = Array.from({ length: 97 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 200)
    const expected = bySaxes(xml)
    expect(expected).toHaveLength(300)
    expect(byScanner(xml, sizes)).toEqual(expected)
  })

  it('refuses what is not well-formed where it reads: a sheet cut short, a tag closed in the wrong place, a DOCTYPE, an unknown entity', () => {
    const refused = (xml: string, message: RegExp) => {
      expect(() => byScanner(xml)).toThrow(SheetXmlError)
      expect(() => byScanner(xml)).toThrow(message)
    }
    refused(sheet('<row r="1"><c r="A1"><v>1</v></c></row>').slice(0, -30), /ends (inside a tag|before <\/)/)
    refused(`${HEAD}<worksheet ${NS}><sheetData><row r="1"><c r="A1"><v>1</v></c>`, /ends before <\/row>/)
    refused(sheet('<row r="1"><c r="A1"><v>1</v></row>'), /<\/row> closes <c>/)
    refused(`${HEAD}<!DOCTYPE worksheet [<!ENTITY x "y">]><worksheet/>`, /DOCTYPE/)
    refused(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a &nbsp; b</t></is></c></row>'), /unknown entity &nbsp;/)
    refused(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>a & b</t></is></c></row>'), /an ampersand that starts no reference/)
  })

  it('turns a damaged worksheet into the import error xlsx_damaged, naming the fault', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskmap-sheet-'))
    try {
      const file = path.join(dir, 'damaged.xlsx')
      const zip = new yazl.ZipFile()
      zip.addBuffer(Buffer.from(`${HEAD}<workbook ${NS}><sheets><sheet name="a" sheetId="1"/></sheets></workbook>`), 'xl/workbook.xml')
      zip.addBuffer(
        Buffer.from(sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>名称</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></row>')),
        'xl/worksheets/sheet1.xml',
      )
      zip.end()
      await new Promise<void>((resolve, reject) => zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject))
      // The fault may show as the header row is read, or as the rows after it are.
      const read = async () => {
        const reader = await openXlsx(file)
        try {
          for await (const record of reader.records) void record
        } finally {
          await reader.close()
        }
      }
      const error = await read().catch((err: unknown) => err)
      expect(error).toBeInstanceOf(AppError)
      expect(error).toMatchObject({ code: 'invalid_file', message: expect.stringMatching(/worksheet XML is damaged: <\/row> closes <c>/) })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
