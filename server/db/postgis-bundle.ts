/**
 * PostGIS for the embedded database without the parts the service never uses. PGlite's PostGIS bundle
 * (a gzipped tar of libraries and SQL files) holds PostGIS, PostGIS raster (with GDAL), topology and
 * the TIGER geocoder, and PGlite compiles every WebAssembly library of a bundle as it starts, used or
 * not: raster and topology add ~200 MB to the process. The embedded database loads the same bundle
 * without them, written once to the system's temporary folder (docs/architecture.md, "The embedded
 * and the real database"); `CREATE EXTENSION postgis_raster` fails there, as on a server without it.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import type { Extension } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'

/** Files of the extensions the service does not use (libraries, control and SQL files). */
const UNUSED = /(^|\/)postgis_(raster|topology|tiger_geocoder)[^/]*$/

/** PGlite's PostGIS extension, loading its bundle without raster, topology and the geocoder. */
export const postgisWithoutRaster: Extension = {
  name: 'postgis',
  async setup(pg, emscriptenOpts) {
    const original = await postgis.setup(pg, emscriptenOpts)
    if (!original.bundlePath) return original
    // A temporary folder that cannot be written costs memory, not the start: the whole bundle then.
    const slim = await slimBundle(fileURLToPath(original.bundlePath)).catch(() => null)
    return slim === null ? original : { ...original, bundlePath: pathToFileURL(slim) }
  },
}

/** The bundle without UNUSED files, made once per bundle (its size names it) in the temporary folder. */
async function slimBundle(bundle: string): Promise<string> {
  const { size } = await fs.stat(bundle)
  const slim = path.join(os.tmpdir(), `riskmap-postgis-${size}.tar.gz`)
  if (await fs.stat(slim).catch(() => null)) return slim
  const tar = tarWithout(gunzipSync(await fs.readFile(bundle)), (name) => UNUSED.test(name))
  // Written under another name and renamed: a process starting meanwhile never reads half a file.
  const partial = `${slim}.${randomBytes(4).toString('hex')}`
  await fs.writeFile(partial, gzipSync(tar, { level: 1 }))
  await fs.rename(partial, slim)
  return slim
}

/** A NUL-terminated text field of a tar header. */
function field(header: Buffer, start: number, end: number): string {
  const text = header.toString('utf8', start, end)
  const nul = text.indexOf('\0')
  return nul < 0 ? text : text.slice(0, nul)
}

/**
 * A tar archive (POSIX ustar, with pax or GNU long-name headers) without the entries whose path
 * `drop` selects; a long-name header goes with its entry.
 */
export function tarWithout(tar: Buffer, drop: (name: string) => boolean): Buffer {
  const kept: Buffer[] = []
  let pending: Buffer[] = []
  let longName: string | null = null
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((b) => b === 0)) break
    const size = parseInt(field(header, 124, 136).trim() || '0', 8)
    const end = offset + 512 + Math.ceil(size / 512) * 512
    if (end > tar.length) throw new Error(`tar entry at byte ${offset} runs past the end of the archive`)
    const entry = tar.subarray(offset, end)
    const data = () => tar.toString('utf8', offset + 512, offset + 512 + size)
    const type = String.fromCharCode(header[156]!)
    if (type === 'g') kept.push(entry)
    else if (type === 'L' || type === 'x') {
      // The next entry's path: a GNU long name, or the `path` record of a pax header.
      const name = type === 'L' ? data().replace(/\0+$/, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data())?.[1]
      if (name !== undefined) longName = name
      pending.push(entry)
    } else if (type === 'K') pending.push(entry)
    else {
      const prefix = field(header, 257, 262) === 'ustar' ? field(header, 345, 500) : ''
      const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100))
      if (!drop(name)) kept.push(...pending, entry)
      pending = []
      longName = null
    }
    offset = end
  }
  kept.push(Buffer.alloc(1024))
  return Buffer.concat(kept)
}
