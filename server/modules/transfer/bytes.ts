/**
 * The bytes of an uploaded or local file: the size limit (checked before parsing when the size is
 * known, and while streaming when it is not), peeking at the head to recognise the format, and
 * spooling to a temporary file for zip-based formats, whose directory sits at the end of the file.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { AppError } from '../../errors'
import type { FileProblemCode, ProblemParams } from './problems'

/** Largest file an import accepts, bytes (100 MB). The one place this default lives. */
export const IMPORT_MAX_BYTES = 100 * 1024 * 1024

/**
 * A problem with the file as a whole (encoding, structure, columns): nothing is imported. The detail
 * carries the problem's code and what it names (problems.ts), for a page to word in its language.
 */
export function fileError(code: FileProblemCode, params: ProblemParams, message: string, field = 'file', extra: Record<string, unknown> = {}): AppError {
  return new AppError(400, 'invalid_file', message, [{ field, message, code, params, ...extra }])
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024)
  return mb >= 1 ? `${Math.round(mb * 10) / 10} MB` : `${bytes} bytes`
}

/** The file is over the import limit (413). */
export function tooLarge(maxBytes: number, size?: number): AppError {
  const message =
    size === undefined
      ? `the file is larger than the import limit of ${megabytes(maxBytes)}`
      : `the file is ${megabytes(size)}, over the import limit of ${megabytes(maxBytes)}`
  const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10
  const params: ProblemParams = size === undefined ? { limitMb: mb(maxBytes) } : { limitMb: mb(maxBytes), sizeMb: mb(size) }
  return new AppError(413, 'payload_too_large', message, [{ field: 'file', message, limitBytes: maxBytes, code: 'file_too_large', params }])
}

export function emptyFile(): AppError {
  return fileError('file_empty', {}, 'the file is empty')
}

/** Counts bytes as they pass and fails as soon as the limit is exceeded. */
export async function* limitBytes(chunks: AsyncIterable<Buffer | string | Uint8Array>, maxBytes: number, counter: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    counter.bytes += buf.length
    if (counter.bytes > maxBytes) throw tooLarge(maxBytes)
    if (buf.length > 0) yield buf
  }
}

/**
 * Reads at least `n` bytes (or the whole stream when shorter) and returns them with an iterable
 * that yields every byte again, head included.
 */
export async function peekHead(chunks: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; all: AsyncIterable<Buffer> }> {
  const iterator = chunks[Symbol.asyncIterator]()
  const taken: Buffer[] = []
  let length = 0
  let done = false
  while (length < n) {
    const next = await iterator.next()
    if (next.done) {
      done = true
      break
    }
    taken.push(next.value)
    length += next.value.length
  }
  const head = Buffer.concat(taken)
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head
    if (done) return
    for (;;) {
      const next = await iterator.next()
      if (next.done) return
      yield next.value
    }
  }
  return { head, all: all() }
}

/** Writes a stream to a fresh temporary file; `remove` deletes it (and its folder). */
export async function spoolToFile(chunks: AsyncIterable<Buffer>, suffix: string): Promise<{ file: string; remove: () => Promise<void> }> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'riskmap-import-'))
  const file = path.join(dir, `upload${suffix}`)
  const remove = () => fsp.rm(dir, { recursive: true, force: true })
  try {
    await pipeline(Readable.from(chunks), fs.createWriteStream(file))
  } catch (err) {
    await remove()
    throw err
  }
  return { file, remove }
}
