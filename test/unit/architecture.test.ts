import fs from 'node:fs'
import path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * The layering rules of docs/architecture.md, checked on the import statements of server/:
 *  - server/domain/ (the pure rules) imports nothing outside itself, not even a package; its tests
 *    (*.test.ts beside the files they test) may import vitest, and no other domain file imports them;
 *  - a module folder (server/modules/<name>/) imports another module only through its public
 *    files: its index.ts, or a file listed in PUBLIC. Today's other cross-module imports are in
 *    ALLOWED, the list of what remains to fix: a new one fails this test, and so does an entry that
 *    no longer exists (delete it: the list only shrinks);
 *  - no two module folders depend on each other, directly or through others (a folder imports another
 *    when any of its files imports any file of the other, public or not): ESLint's import-x/no-cycle
 *    sees only file cycles, and public/routes.ts -> publication/repository.ts with
 *    publication/routes.ts -> public/repository.ts was a folder cycle without one. An import listed
 *    in ALLOWED is left out of this check too, until it is fixed.
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
const ALLOWED = new Set<string>([])

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

/** Every import from one module folder into another, `importer -> imported` under server/modules/. */
function crossModuleImports(): Array<{ from: string; to: string }> {
  return tsFiles(MODULES).flatMap((file) => {
    const from = rel(MODULES, file)
    return importsOf(file).flatMap(({ target }) => {
      if (target === null || !target.startsWith(MODULES + path.sep)) return []
      const to = rel(MODULES, target)
      return to.split('/')[0] === from.split('/')[0] ? [] : [{ from, to }]
    })
  })
}

/** The groups of nodes that reach each other (strongly connected components of more than one node), each sorted. */
function cyclicGroups(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const reach = (start: string) => {
    const seen = new Set<string>()
    const todo = [...(edges.get(start) ?? [])]
    for (let node = todo.pop(); node !== undefined; node = todo.pop()) {
      if (seen.has(node)) continue
      seen.add(node)
      todo.push(...(edges.get(node) ?? []))
    }
    return seen
  }
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((to) => [...to])])].sort()
  const reached = new Map(nodes.map((node) => [node, reach(node)]))
  const groups = new Map<string, string[]>()
  for (const node of nodes) {
    const group = nodes.filter((other) => other === node || (reached.get(node)!.has(other) && reached.get(other)!.has(node)))
    if (group.length > 1) groups.set(group.join(' '), group)
  }
  return [...groups.values()]
}

describe('architecture', () => {
  it('finds the files it checks', () => {
    expect(tsFiles(path.join(SERVER, 'domain')).length).toBeGreaterThan(10)
    expect(fs.readdirSync(MODULES).length).toBeGreaterThan(10)
  })

  it('keeps server/domain free of anything outside it', () => {
    const domain = path.join(SERVER, 'domain')
    const rules = tsFiles(domain).filter((file) => !file.endsWith('.test.ts'))
    const outside = rules.flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => target === null || !target.startsWith(domain + path.sep))
        .map(({ specifier }) => `${rel(SERVER, file)} imports ${specifier}`),
    )
    expect(outside).toEqual([])
    const tests = rules.flatMap((file) =>
      importsOf(file)
        .filter(({ target }) => target !== null && target.endsWith('.test.ts'))
        .map(({ specifier }) => `${rel(SERVER, file)} imports ${specifier}`),
    )
    expect(tests, 'domain files that import a test file').toEqual([])
  })

  it('lets a module import another only through its public files, apart from the recorded exceptions', () => {
    const found = new Set<string>()
    for (const { from, to } of crossModuleImports()) {
      if (PUBLIC.has(to) || /^[^/]+\/index\.ts$/.test(to)) continue
      found.add(`${from} -> ${to}`)
    }
    const added = [...found].filter((edge) => !ALLOWED.has(edge)).sort()
    const gone = [...ALLOWED].filter((edge) => !found.has(edge)).sort()
    // A new edge: import the other module's index.ts or a public service instead (docs/architecture.md).
    expect(added, 'new imports of another module’s internals').toEqual([])
    // A fixed edge: delete its line from ALLOWED.
    expect(gone, 'ALLOWED entries that no longer exist').toEqual([])
  })

  it('finds a cycle of folders however long it is', () => {
    const graph = (pairs: string[]) => {
      const edges = new Map<string, Set<string>>()
      for (const pair of pairs) {
        const [a, b] = pair.split('>') as [string, string]
        edges.set(a, (edges.get(a) ?? new Set()).add(b))
      }
      return edges
    }
    expect(cyclicGroups(graph(['a>b', 'b>c', 'c>d']))).toEqual([])
    expect(cyclicGroups(graph(['a>b', 'b>a', 'c>a']))).toEqual([['a', 'b']])
    expect(cyclicGroups(graph(['a>b', 'b>c', 'c>a', 'c>d', 'd>e', 'e>d']))).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ])
  })

  it('has no cycle between module folders, apart from the recorded exceptions', () => {
    const folders = new Map<string, Set<string>>()
    const via = new Map<string, string>()
    for (const { from, to } of crossModuleImports()) {
      if (ALLOWED.has(`${from} -> ${to}`)) continue
      const [a, b] = [from.split('/')[0]!, to.split('/')[0]!]
      folders.set(a, (folders.get(a) ?? new Set()).add(b))
      via.set(`${a} -> ${b}`, `${from} -> ${to}`)
    }
    expect(folders.size, 'module folders that import another').toBeGreaterThan(10)
    // Each group of folders that import each other, with one import per edge inside it. To fix, move
    // what both need to the folder that owns its data, or to server/http, server/db or server/domain.
    const cycles = cyclicGroups(folders).map((group) => group.flatMap((a) => group.filter((b) => folders.get(a)?.has(b)).map((b) => via.get(`${a} -> ${b}`)!)))
    expect(cycles, 'module folders that depend on each other').toEqual([])
  })
})
