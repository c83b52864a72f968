import { parse } from 'csv-parse/sync'
import { describe, expect, it } from 'vitest'
import { CsvQuoteError, CsvTokenizer } from '../../server/modules/transfer/csv-tokenizer'

/** Every record of `text` fed in chunks cut at `cuts`. */
function tokenize(text: string, delimiter: string, cuts: number[] = []): string[][] {
  const t = new CsvTokenizer(delimiter)
  const out: string[][] = []
  let at = 0
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...t.push(text.slice(at, cut)))
    at = cut
  }
  out.push(...t.push(text.slice(at), true))
  return out
}

/** What csv-parse makes of it with the options the reader used before. */
function reference(text: string, delimiter: string): string[][] {
  return parse(text, { delimiter, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: true, relax_quotes: true }) as string[][]
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('CSV tokenizer', () => {
  it('reads quoting, doubled quotes, line breaks inside quotes and every record end', () => {
    const text = 'a,"b ""x"", y",c\r\n"multi\r\nline",,"\n"\nplain\rlast,"q"'
    expect(tokenize(text, ',')).toEqual([['a', 'b "x", y', 'c'], ['multi\r\nline', '', '\n'], ['plain'], ['last', 'q']])
  })

  it('keeps stray quotes as written, as csv-parse does with relax_quotes', () => {
    const text = 'ab"c,"d"e,f\n'
    expect(tokenize(text, ',')).toEqual(reference(text, ','))
    expect(tokenize(text, ',')[0]).toEqual(['ab"c', '"d"e', 'f'])
  })

  it('refuses a quote left open at the end of the file', () => {
    expect(() => tokenize('a,"b\nc\n', ',')).toThrow(CsvQuoteError)
  })

  it('gives what csv-parse gives on generated files, however the text is cut into chunks', () => {
    const next = random(20261207)
    const pieces = ['a', '名称', ' ', '1.5', '"', '""', ',', ';', '\t', '\r\n', '\n', '\r', 'x y']
    for (let round = 0; round < 400; round++) {
      const delimiter = [',', ';', '\t'][round % 3]!
      // Records of fields, each either plain (no quote, delimiter or line break) or quoted (anything, quotes doubled).
      const lines: string[] = []
      for (let r = 1 + Math.floor(next() * 6); r > 0; r--) {
        const fields: string[] = []
        for (let f = 1 + Math.floor(next() * 5); f > 0; f--) {
          let raw = ''
          for (let k = Math.floor(next() * 4); k > 0; k--) raw += pieces[Math.floor(next() * pieces.length)]
          const plain = raw.replace(/["\r\n,;\t]/g, '')
          fields.push(next() < 0.5 ? plain : `"${raw.replace(/"/g, '""')}"`)
        }
        lines.push(fields.join(delimiter))
      }
      const end = ['\n', '\r\n', '\r'][Math.floor(next() * 3)]!
      const text = lines.join(end) + (next() < 0.5 ? end : '')
      const cuts = Array.from({ length: Math.floor(next() * 4) }, () => Math.floor(next() * text.length))
      const expected = reference(text, delimiter)
      expect(tokenize(text, delimiter, cuts), JSON.stringify({ text, cuts })).toEqual(expected)
      // Every place one chunk can end: inside a doubled quote, between CR and LF, after a delimiter.
      if (round < 100) for (let cut = 1; cut < text.length; cut++) expect(tokenize(text, delimiter, [cut]), JSON.stringify({ text, cut })).toEqual(expected)
    }
  })
})
