import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tarWithout } from '../../server/db/postgis-bundle'

// Archives written by GNU tar (as PGlite's bundle is), in its own format and in POSIX pax, with paths
// longer than a tar header's 100 bytes (the long-name headers must go with their entry).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskmap-tar-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const deep = `share/${'postgresql/'.repeat(12)}extension`
const files: Record<string, string> = {
  'lib/postgresql/postgis-3.so': 'postgis library',
  'lib/postgresql/postgis_raster-3.so': 'raster library '.repeat(100),
  'share/postgresql/extension/postgis.control': 'default_version = 3.6.2',
  [`${deep}/postgis--3.6.2.sql`]: 'CREATE FUNCTION …',
  [`${deep}/postgis_topology--3.6.2.sql`]: 'topology',
  'share/proj/proj.db': 'x'.repeat(5000),
}
const source = path.join(dir, 'src')
for (const [name, text] of Object.entries(files)) {
  fs.mkdirSync(path.join(source, path.dirname(name)), { recursive: true })
  fs.writeFileSync(path.join(source, name), text)
}
fs.symlinkSync('postgis--3.6.2.sql', path.join(source, deep, 'postgis--3.6.1--3.6.2.sql'))
const kept = ['lib/postgresql/postgis-3.so', 'share/postgresql/extension/postgis.control', `${deep}/postgis--3.6.2.sql`, 'share/proj/proj.db']

describe('tarWithout', () => {
  for (const format of ['gnu', 'pax']) {
    it(`drops the chosen entries of a ${format} archive and keeps the rest byte for byte`, () => {
      const archive = path.join(dir, `${format}.tar`)
      execFileSync('tar', [`--format=${format}`, '-cf', archive, '-C', source, 'lib', 'share'])
      const out = path.join(dir, `${format}-slim.tar`)
      fs.writeFileSync(
        out,
        tarWithout(fs.readFileSync(archive), (name) => /(^|\/)postgis_(raster|topology)[^/]*$/.test(name)),
      )
      const listed = execFileSync('tar', ['-tf', out], { encoding: 'utf8' }).trim().split('\n')
      const entries = listed.filter((n) => !n.endsWith('/'))
      expect(entries.sort()).toEqual([...kept, `${deep}/postgis--3.6.1--3.6.2.sql`].sort())
      for (const name of kept) expect(execFileSync('tar', ['-xOf', out, name], { encoding: 'utf8' }), name).toBe(files[name])
      expect(listed.filter((n) => n.endsWith('/')).length).toBeGreaterThan(3)
    })
  }

  it('refuses an archive cut short', () => {
    const archive = fs.readFileSync(path.join(dir, 'gnu.tar'))
    const header = archive.indexOf('share/proj/proj.db')
    expect(() => tarWithout(archive.subarray(0, header + 1024), () => false)).toThrow(/runs past the end/)
  })
})
