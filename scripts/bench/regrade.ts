// `npm run bench -- regrade [--database-url URL] [--edits N]`: full regrade of the province-sized
// set, then N incremental edits (a major hidden danger reported, then verified) timed one by one.
// Without --database-url it creates riskmap_bench_province on the local server and loads scale 60.
// --quick: a scratch database with the small demo set and 10 edits, dropped afterwards (seconds).
// --compare REF: also times the full regrade of git revision REF (e.g. the commit before a change
// to the engine) on the same database in the same run, and prints the ratio.
// The figures include where the full regrade spends its time (seconds per phase).
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { fullRegrade, regradeIncremental, type GradingOptions } from '../../server/grading/engine'
import { isDatabaseEmpty, loadDemo } from '../../server/demo/load'
import { quickDatabase } from '../lib/bench'
import { localBenchDatabase } from '../lib/database'

const { values } = parseArgs({
  options: { 'database-url': { type: 'string' }, edits: { type: 'string' }, quick: { type: 'boolean', default: false }, compare: { type: 'string' } },
})
const quick = values.quick ? await quickDatabase('regrade', { graded: false }) : null
const url = quick?.url ?? values['database-url'] ?? process.env.DATABASE_URL ?? (await localBenchDatabase())
const edits = Number(values.edits ?? (quick ? 10 : 200))
const db = createKnex({ url, embedded: false, statementTimeoutMs: 0 })
await migrateLatest(db)
if (await isDatabaseEmpty(db)) {
  console.error('loading the province-sized demo set (scale 60) …')
  await loadDemo(db, { scale: 60 })
}
const options: GradingOptions = { res: 8, rules: DEFAULT_RULES }

/**
 * Seconds of a full regrade by the engine of git revision `ref`, run in a temporary checkout of it
 * (sharing this checkout's node_modules) on the same database.
 */
function timeRevision(ref: string): number {
  const root = path.resolve(import.meta.dirname, '..', '..')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'riskmap-bench-compare-'))
  execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', dir, ref], { stdio: 'ignore' })
  try {
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'))
    const script = path.join(dir, 'bench-compare.ts')
    fs.writeFileSync(
      script,
      `import { createKnex } from './server/db/knex'
import { DEFAULT_RULES } from './server/domain/rules'
import { fullRegrade } from './server/grading/engine'
const db = createKnex({ url: process.env.BENCH_URL!, embedded: false, statementTimeoutMs: 0 })
const result = await fullRegrade(db, { res: 8, rules: DEFAULT_RULES })
console.log(result.seconds)
await db.destroy()
`,
    )
    const out = execFileSync(process.execPath, [...process.execArgv, script], { cwd: dir, env: { ...process.env, BENCH_URL: url }, encoding: 'utf8' })
    return Number(out.trim().split('\n').pop())
  } finally {
    execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', dir], { stdio: 'ignore' })
  }
}

const previousS = values.compare ? timeRevision(values.compare) : null

// CPU seconds of this process and of the database backend that runs the regrade (read from /proc
// when the server is local): on a busy machine they say more than wall-clock time.
const [{ pid: backendPid }] = (await db.raw<{ rows: Array<{ pid: number }> }>('SELECT pg_backend_pid() AS pid')).rows
function backendCpuS(): number | null {
  try {
    const fields = fs.readFileSync(`/proc/${backendPid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in clock ticks of 1/100 s
  } catch {
    return null
  }
}
const cpuNow = () => ({ node: process.cpuUsage(), db: backendCpuS() })
const round1 = (x: number) => Math.round(x * 10) / 10

let rssMax = 0
const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100)
const phases: Record<string, number> = {}
const phasesCpu: Record<string, { node: number; db: number | null }> = {}
let phase = ''
let phaseStarted = performance.now()
let phaseCpu = cpuNow()
const fullCpu = cpuNow()
const full = await fullRegrade(db, options, {
  onProgress(p) {
    if (p.phase === phase) return
    const now = performance.now()
    const cpu = cpuNow()
    if (phase) {
      phases[phase] = round1((now - phaseStarted) / 1000)
      const node = process.cpuUsage(phaseCpu.node)
      phasesCpu[phase] = { node: round1((node.user + node.system) / 1e6), db: cpu.db === null || phaseCpu.db === null ? null : round1(cpu.db - phaseCpu.db) }
    }
    phase = p.phase
    phaseStarted = now
    phaseCpu = cpu
  },
})
const fullNode = process.cpuUsage(fullCpu.node)
const fullDb = backendCpuS()
clearInterval(sampler)
rssMax = Math.max(rssMax, process.memoryUsage().rss)

// Incremental: alternate "report a major hidden danger" and "verify it" on random enterprises.
const { rows: sample } = await db.raw<{ rows: Array<{ id: string; lon: number; lat: number }> }>(
  'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM enterprise ORDER BY md5(id::text) LIMIT ?',
  [Math.ceil(edits / 2)],
)
const times: number[] = []
for (const e of sample) {
  const enterpriseId = Number(e.id)
  let t = performance.now()
  const hd = await db.transaction(async (trx) => {
    const [row] = await trx('hidden_danger')
      .insert({
        enterprise_id: enterpriseId,
        description: 'bench',
        is_major: true,
        found_at: '2026-11-01',
        deadline: '2026-12-01',
        reported_by: 'bench',
        geom: trx.raw('ST_SetSRID(ST_MakePoint(?, ?), 4326)', [e.lon, e.lat]),
      })
      .returning('id')
    await regradeIncremental(trx, { enterpriseIds: [enterpriseId] }, { kind: 'hidden_danger', id: Number(row.id), action: 'reported' }, options)
    return Number(row.id)
  })
  times.push(performance.now() - t)
  t = performance.now()
  await db.transaction(async (trx) => {
    await trx('hidden_danger')
      .where({ id: hd })
      .update({ status: 'verified', rectified_at: trx.fn.now(), verified_at: trx.fn.now(), verified_by: 'bench-verifier' })
    await regradeIncremental(trx, { enterpriseIds: [enterpriseId] }, { kind: 'hidden_danger', id: hd, action: 'verified' }, options)
  })
  times.push(performance.now() - t)
}
times.sort((a, b) => a - b)
const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!
const p50 = pct(0.5)
console.log(
  JSON.stringify({
    case: 'regrade',
    full_s: Math.round(full.seconds * 10) / 10,
    full_phases_s: phases,
    full_cpu_s: { node: round1((fullNode.user + fullNode.system) / 1e6), db: fullDb === null || fullCpu.db === null ? null : round1(fullDb - fullCpu.db) },
    full_phases_cpu_s: phasesCpu,
    ...(previousS === null
      ? {}
      : {
          previous_full_s: Math.round(previousS * 10) / 10,
          previous_ref: values.compare,
          speedup_vs_previous: Math.round((previousS / full.seconds) * 100) / 100,
        }),
    incremental_ms_p50: Math.round(p50 * 10) / 10,
    incremental_ms_p99: Math.round(pct(0.99) * 10) / 10,
    speedup: Math.round((full.seconds * 1000) / p50),
    rss_mb: Math.round(rssMax / 1048576),
    enterprises: full.counts.enterprises,
    cell_sources: full.counts.cellSources,
    edits: times.length,
    ...(quick ? { quick: true } : {}),
  }),
)
await db.destroy()
await quick?.drop()
