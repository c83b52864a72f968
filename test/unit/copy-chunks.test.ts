import { describe, expect, it } from 'vitest'
import { copyChunks } from '../../server/db/copy'

// COPY text is encoded line by line into chunks: whatever the lines (Chinese, a line longer than a
// chunk), the bytes sent must be exactly the UTF-8 of the text, and no line is cut.

const bytesOf = (chunks: Iterable<Buffer>) => Buffer.concat([...chunks])

describe('copyChunks', () => {
  it('sends nothing for no rows', () => {
    expect([...copyChunks([], () => 'x\n')]).toEqual([])
  })

  it('gives the UTF-8 of the lines in order, across many chunks', () => {
    const rows = Array.from({ length: 30_000 }, (_, i) => i)
    const line = (i: number, index: number) => `${index}\t沈阳示例化工有限公司${i}\t地址：和平区${'路'.repeat(i % 40)}\tSRID=4326;POINT(123.4 41.8)\n`
    const chunks = [...copyChunks(rows, line)]
    expect(chunks.length).toBeGreaterThan(1)
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(1 << 20)
    expect(bytesOf(chunks).equals(Buffer.from(rows.map(line).join(''), 'utf8'))).toBe(true)
  })

  it('keeps a line longer than a chunk whole', () => {
    const long = `${'危'.repeat(600_000)}\n`
    const chunks = [...copyChunks(['a', 'b', 'c'], (r) => (r === 'b' ? long : `${r}\n`))]
    expect(bytesOf(chunks).toString('utf8')).toBe(`a\n${long}c\n`)
    expect(chunks.some((c) => c.toString('utf8') === long)).toBe(true)
  })

  it('encodes characters outside the basic plane (surrogate pairs) whole', () => {
    const text = '𠀀𪚥 企业\n'
    expect(bytesOf(copyChunks([1, 2], () => text)).toString('utf8')).toBe(text + text)
  })
})
