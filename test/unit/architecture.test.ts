import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The layering rules of docs/architecture.md, checked on the import statements of server/:
 *  - server/domain/ (the pure rules) imports nothing outside itself, not even a package;
 *  - a module folder (server/modules/<name>/) imports another module only through its public
 *    files: its index.ts, or a file listed in PUBLIC. Today's other cross-module imports are in
 *    ALLOWED, the list of what remains to fix: a new one fails this test, and so does an entry that
 *    no longer exists (delete it: the list only shrinks).
 * Imports are read with TypeScript's own pre-processor (static, dynamic and re-exports alike).
 */

const ROOT = path.resolve(import.meta.dirname, '../..')
const SERVER = path.join(ROOT, 'server')
const MODULES = path.join(SERVER, 'modules')

/** Files other modules may import beside a module's index.ts: services every module uses. */
const PUBLIC = new Set([
  'audit/audit.ts', // records a change with before/after, in the caller's transaction
  'auth/access.ts', // the access rules every route declares (`config.access`)
  'auth/jurisdiction.ts', // the jurisdiction filter every staff query applies
])

/** Cross-module imports of internals that exist today, `importer -> imported` under server/modules/. To fix, then delete. */
const ALLOWED = new Set<string>([
  'transfer/kind-enterprises.ts -> supervision/assign.ts',
  'transfer/kind-enterprises.ts -> supervision/tiers.ts',
])

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return tsFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** Every import of a file: the specifier and, for a relative one, the file it resolves to. */
function importsOf(file: string): Array<{ specifier: string; target: string | null }> {
  const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true)
  return importedFiles.map(({ fileName: specifier }) => {
    if (!specifier.startsWith('.')) return { specifier, target: null }
    const base = path.resolve(path.dirname(file), specifier)
    const candidates = [base, `${base}.ts`, path.join(base, 'index.ts')]
    return { specifier, target: candidates.find((c) => fs.existsSync(c) && fs.statSync(c).isFile()) ?? `${base}.ts` }
  })
}

const rel = (from: string, file: string) => path.relative(from, file).split(path.sep).join('/')

describe('architecture', () => {
  it('finds the files it checks', () => {
    expect(tsFiles(path.join(SERVER, 'domain')).length).toBeGreaterThan(10)
    expect(fs.readdirSync(MODULES).length).toBeGreaterThan(10)
  })

  it('keeps server/domain free of anything outside it', () => {
    const domain = path.join(SERVER, 'domain')
    const outside = tsFiles(domain).flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => target === null || !target.startsWith(domain + path.sep))
        .map(({ specifier }) => `${rel(SERVER, file)} imports ${specifier}`),
    )
    expect(outside).toEqual([])
  })

  it('lets a module import another only through its public files, apart from the recorded exceptions', () => {
    const found = new Set<string>()
    for (const file of tsFiles(MODULES)) {
      const from = rel(MODULES, file)
      for (const { target } of importsOf(file)) {
        if (target === null || !target.startsWith(MODULES + path.sep)) continue
        const to = rel(MODULES, target)
        if (to.split('/')[0] === from.split('/')[0]) continue
        if (PUBLIC.has(to) || /^[^/]+\/index\.ts$/.test(to)) continue
        found.add(`${from} -> ${to}`)
      }
    }
    const added = [...found].filter((edge) => !ALLOWED.has(edge)).sort()
    const gone = [...ALLOWED].filter((edge) => !found.has(edge)).sort()
    // A new edge: import the other module's index.ts or a public service instead (docs/architecture.md).
    expect(added, 'new imports of another module’s internals').toEqual([])
    // A fixed edge: delete its line from ALLOWED.
    expect(gone, 'ALLOWED entries that no longer exist').toEqual([])
  })
})
