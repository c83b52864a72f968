/**
 * Reading zip archives (XLSX workbooks, zipped shapefiles) from a file on disk with yauzl: the
 * central directory is read first, then any entry can be streamed on its own.
 */
import type { Readable } from 'node:stream'
import yauzl from 'yauzl'
import { fileError } from './bytes'

export interface ZipArchive {
  /** Entry names in archive order (folders excluded). */
  names: string[]
  has(name: string): boolean
  /** Streams one entry's uncompressed bytes. */
  open(name: string): Promise<Readable>
  /** Reads a (small) entry whole, as UTF-8 text. */
  text(name: string): Promise<string>
  close(): void
}

/** Opens a zip file; a file that is not a zip is a file error. */
export async function openZip(file: string): Promise<ZipArchive> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, decodeStrings: true, strictFileNames: false }, (err, z) => {
      if (err || !z) reject(fileError('zip_unreadable', {}, `not a readable zip archive: ${err?.message ?? 'unknown error'}`))
      else resolve(z)
    })
  })
  const entries = new Map<string, yauzl.Entry>()
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry)
      zip.readEntry()
    })
    zip.on('end', () => resolve())
    zip.on('error', (err: Error) => reject(fileError('zip_unreadable', {}, `not a readable zip archive: ${err.message}`)))
    zip.readEntry()
  })
  const open = (name: string) =>
    new Promise<Readable>((resolve, reject) => {
      const entry = entries.get(name)
      if (!entry) return reject(fileError('zip_entry_missing', { name }, `the archive has no entry ${name}`))
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) reject(fileError('zip_entry_missing', { name }, `cannot read ${name} from the archive: ${err?.message ?? 'unknown error'}`))
        else resolve(stream)
      })
    })
  return {
    names: [...entries.keys()],
    has: (name) => entries.has(name),
    open,
    async text(name) {
      const parts: Buffer[] = []
      for await (const chunk of await open(name)) parts.push(chunk as Buffer)
      return Buffer.concat(parts).toString('utf8')
    },
    close: () => zip.close(),
  }
}

/** Async iteration over a readable's chunks as Buffers. */
export async function* chunksOf(stream: Readable): AsyncGenerator<Buffer> {
  for await (const chunk of stream) yield chunk as Buffer
}
