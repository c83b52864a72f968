#!/usr/bin/env node
// Rewrites citations of documents outside the repository into citations of its own docs:
//   DESIGN §N(.M)      → docs/domain.md §N(.M)        (§9 and §10: docs/architecture.md §N)
//   seed §二(八)…       → docs/domain.md Policy 二(八)…
// over server/, web/, scripts/ and test/. Dry run by default (prints each change and a count);
// `--write` rewrites the files. Usage: node scripts/dev/cite-docs.mjs [--write]
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const DIRS = ['server', 'web', 'scripts', 'test']
const EXTENSIONS = new Set(['.ts', '.mts', '.js', '.mjs', '.css', '.html'])
const SELF = fileURLToPath(import.meta.url)
const write = process.argv.includes('--write')

/** `DESIGN §4.3`, `DESIGN.md §9`, `DESIGN §3–§5`: the first section number decides the document. */
const DESIGN = /\bDESIGN(?:\.md)?\s*§(\d+)/g
/** `seed §二(五)(八)`. */
const SEED = /\bseed\s*§([一二三四五六七八九十]+(?:\([一二三四五六七八九十]+\))*)/g

export function rewrite(text) {
  return text
    .replace(DESIGN, (_m, n) => `${n === '9' || n === '10' ? 'docs/architecture.md' : 'docs/domain.md'} §${n}`)
    .replace(SEED, (_m, item) => `docs/domain.md Policy ${item}`)
}

function* files(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist' && entry.name !== 'fixtures') yield* files(full)
    } else if (EXTENSIONS.has(path.extname(entry.name)) && full !== SELF) yield full
  }
}

let changedFiles = 0
let changedCitations = 0
for (const dir of DIRS) {
  for (const file of files(path.join(ROOT, dir))) {
    const before = fs.readFileSync(file, 'utf8')
    const count = (before.match(DESIGN)?.length ?? 0) + (before.match(SEED)?.length ?? 0)
    if (count === 0) continue
    const after = rewrite(before)
    changedFiles++
    changedCitations += count
    const rel = path.relative(ROOT, file)
    if (write) fs.writeFileSync(file, after)
    else {
      const a = before.split('\n')
      const b = after.split('\n')
      a.forEach((line, i) => {
        if (line !== b[i]) console.log(`${rel}:${i + 1}: ${b[i].trim()}`)
      })
    }
  }
}
console.log(`${write ? 'rewrote' : 'would rewrite'} ${changedCitations} citations in ${changedFiles} files`)
