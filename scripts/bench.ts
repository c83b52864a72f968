/**
 * Benchmarks: `npm run bench -- <case> [--quick] [options]`, or `npm run bench -- all --quick`.
 * Each case prints one JSON line with its figures (progress goes to stderr).
 *
 * `--quick` runs a case at tiny sizes in seconds (a scratch PostGIS database with a small demo set,
 * dropped afterwards), so that CI (`.ci/run`) runs every case and a benchmark can never silently
 * break; its figures mean nothing. Without it a case measures at full size (see the README).
 * `all` runs every case in turn, each in its own process, and fails when one fails.
 *
 * Adding a case: write scripts/bench/<name>.ts (a script that runs on import, reads its options
 * with node:util parseArgs, handles `--quick`, prints one JSON line) and register it below with
 * one line.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CASES = {
  regrade: 'full regrade of the province set, then incremental edits',
  tiles: 'vector tiles: cache misses against raw SQL, cache hits against a bare route, largest tiles',
  nearest: 'GET /api/resources/nearest against its raw SQL over 1 000 000 resources',
  import: 'CSV and XLSX import of 200 000 enterprises',
  load: 'the service under a mixed read/write load',
  scenario: 'what-if scenarios of 10 changes computed in memory, against a full regrade of the province set',
  routing: 'GET /api/resources/nearest?by=time against its raw pgRouting call, and isochrones, on 200 000 road edges',
} as const satisfies Record<string, string>

type CaseName = keyof typeof CASES
const isCase = (name: string | undefined): name is CaseName => name !== undefined && Object.hasOwn(CASES, name)

const name = process.argv[2]
if (name === 'all') {
  const args = process.argv.slice(3)
  for (const each of Object.keys(CASES)) {
    const started = performance.now()
    process.stderr.write(`== bench ${each} ${args.join(' ')}\n`)
    const script = fileURLToPath(new URL(`./bench/${each}.ts`, import.meta.url))
    const run = spawnSync(process.execPath, [...process.execArgv, script, ...args], { stdio: 'inherit' })
    if (run.status !== 0) {
      process.stderr.write(`bench ${each} failed (exit ${run.status ?? run.signal})\n`)
      process.exit(1)
    }
    process.stderr.write(`== bench ${each}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`)
  }
} else if (isCase(name)) {
  process.argv.splice(2, 1)
  await import(`./bench/${name}.ts`)
} else {
  const list = Object.entries(CASES).map(([c, about]) => `  ${c.padEnd(8)} ${about}`)
  console.error(`usage: npm run bench -- <case|all> [--quick] [options]\n${list.join('\n')}`)
  process.exit(2)
}
