/**
 * Text encoding of CSV (and GeoJSON) files. Excel in China saves CSV as GBK, everything else as
 * UTF-8 (often with a BOM): a file is UTF-8 when its first non-ASCII bytes are valid UTF-8, else
 * GBK when they decode as GBK, else it is rejected. Decoding streams; the choice is made on the
 * first SNIFF_BYTES after the first non-ASCII byte (ASCII reads the same in both).
 */
import iconv from 'iconv-lite'
import { fileError } from './bytes'

export type TextEncoding = 'utf-8' | 'gbk'

/** Bytes examined from the first non-ASCII byte on to choose the encoding. */
const SNIFF_BYTES = 64 * 1024

/** C0 control bytes that never occur in a text file (tab, LF, CR, FF and ESC aside). */
function firstControlByte(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return i
  }
  return -1
}

function firstNonAscii(buf: Buffer): number {
  for (let i = 0; i < buf.length; i++) if (buf[i]! >= 0x80) return i
  return -1
}

function validUtf8(sample: Buffer, final: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !final })
    return true
  } catch {
    return false
  }
}

function validGbk(sample: Buffer, final: boolean): boolean {
  // A sample cut mid-character ends with a lone lead byte: leave it out of the verdict.
  let end = sample.length
  if (!final && end > 0 && sample[end - 1]! >= 0x81) {
    let leads = 0
    for (let i = end - 1; i >= 0 && sample[i]! >= 0x81; i--) leads++
    if (leads % 2 === 1) end -= 1
  }
  return !iconv.decode(sample.subarray(0, end), 'gbk').includes('\uFFFD')
}

/**
 * Chooses the encoding of a sample that starts at the first non-ASCII byte of a file (or is the
 * whole file). `final` says the sample ends the file. Throws a file error for anything else.
 */
export function chooseEncoding(sample: Buffer, final: boolean): TextEncoding {
  if (validUtf8(sample, final)) return 'utf-8'
  if (validGbk(sample, final)) return 'gbk'
  throw fileError(
    'encoding_unknown',
    {},
    'the file is neither UTF-8 nor GBK text: save it as "CSV UTF-8" or as CSV from a Chinese-language Excel (GBK)',
    'file',
    { reason: 'encoding' },
  )
}

function binaryError(offset: number) {
  return fileError('not_text', { offset }, `the file is not text (binary byte at offset ${offset}): expected CSV in UTF-8 or GBK`, 'file', {
    reason: 'encoding',
  })
}

/** Decoded text of a byte stream, with the encoding it was read in. */
export interface DecodedText {
  /** The encoding, known once the first non-ASCII byte was seen; 'utf-8' for pure ASCII. */
  readonly encoding: TextEncoding | null
  /** Whether the file began with a UTF-8 byte order mark. */
  readonly bom: boolean
  chunks: AsyncIterable<string>
}

/** Streams `bytes` as text, detecting UTF-8 (with or without BOM) or GBK. */
export function decodeText(bytes: AsyncIterable<Buffer>): DecodedText {
  const state: { encoding: TextEncoding | null; bom: boolean } = { encoding: null, bom: false }
  async function* run(): AsyncGenerator<string> {
    const iterator = bytes[Symbol.asyncIterator]()
    let offset = 0
    let first = true
    let decode: ((buf: Buffer) => string) | null = null
    let flush: (() => string) | null = null
    const use = (encoding: TextEncoding) => {
      state.encoding = encoding
      if (encoding === 'utf-8') {
        const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
        let at = 0
        decode = (buf) => {
          try {
            const text = decoder.decode(buf, { stream: true })
            at += buf.length
            return text
          } catch {
            throw fileError('encoding_mixed', { at, encoding: 'UTF-8' }, `invalid UTF-8 near byte ${at}: the file mixes encodings`, 'file', {
              reason: 'encoding',
            })
          }
        }
        flush = () => {
          try {
            return decoder.decode()
          } catch {
            throw fileError('utf8_truncated', {}, 'the file ends in the middle of a UTF-8 character', 'file', { reason: 'encoding' })
          }
        }
      } else {
        const decoder = iconv.getDecoder('gbk')
        let at = 0
        decode = (buf) => {
          const text = decoder.write(buf)
          if (text.includes('\uFFFD'))
            throw fileError('encoding_mixed', { at, encoding: 'GBK' }, `invalid GBK near byte ${at}: the file mixes encodings`, 'file', { reason: 'encoding' })
          at += buf.length
          return text
        }
        flush = () => decoder.end() ?? ''
      }
    }
    for (;;) {
      const next = await iterator.next()
      if (next.done) break
      let chunk = next.value
      if (first) {
        first = false
        // A lone BOM chunk is rare; a BOM is recognised only at the very start of the file.
        if (chunk.length >= 2 && ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))) {
          throw fileError('utf16', {}, 'the file is UTF-16 text ("Unicode text" in Excel): save it as "CSV UTF-8" instead', 'file', { reason: 'encoding' })
        }
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
          state.bom = true
          use('utf-8')
          offset += 3
          chunk = chunk.subarray(3)
        }
      }
      if (decode !== null) {
        const nul = chunk.indexOf(0)
        if (nul >= 0) throw binaryError(offset + nul)
        offset += chunk.length
        const text = (decode as (buf: Buffer) => string)(chunk)
        if (text) yield text
        continue
      }
      const control = firstControlByte(chunk)
      const high = firstNonAscii(chunk)
      if (control >= 0 && (high < 0 || control < high)) throw binaryError(offset + control)
      if (high < 0) {
        offset += chunk.length
        yield chunk.toString('latin1')
        continue
      }
      // Undecided until now: gather a sample from the first non-ASCII byte on, then choose.
      if (high > 0) yield chunk.subarray(0, high).toString('latin1')
      offset += high
      const parts = [chunk.subarray(high)]
      let length = parts[0]!.length
      let ended = false
      while (length < SNIFF_BYTES) {
        const more = await iterator.next()
        if (more.done) {
          ended = true
          break
        }
        parts.push(more.value)
        length += more.value.length
      }
      const sample = Buffer.concat(parts)
      const control2 = firstControlByte(sample)
      if (control2 >= 0) throw binaryError(offset + control2)
      use(chooseEncoding(sample, ended))
      offset += sample.length
      const text = (decode as unknown as (buf: Buffer) => string)(sample)
      if (text) yield text
      if (ended) break
    }
    if (flush !== null) {
      const rest = (flush as () => string)()
      if (rest) yield rest
    } else {
      state.encoding = 'utf-8'
    }
  }
  return {
    get encoding() {
      return state.encoding
    },
    get bom() {
      return state.bom
    },
    chunks: run(),
  }
}
