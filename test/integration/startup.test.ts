import { spawn } from 'node:child_process'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { PGlite } from '@electric-sql/pglite'
import { serveWire } from '../../server/db/embedded-wire'
import { ROLES } from '../../server/modules/auth/access'
import { DEMO_ACCOUNTS_FILE } from '../../server/demo/accounts'
import { signInWithDemoAccount } from '../helpers/auth'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs `server/main.ts` as a real process with the given environment (no inherited DATABASE_URL). */
function runMain(
  env: Record<string, string>,
  options: { untilReady?: boolean; timeoutMs?: number } = {},
): Promise<Run & { url?: string; stop?: () => Promise<Run> }> {
  const { DATABASE_URL: _a, TEST_DATABASE_URL: _b, ...inherited } = process.env
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: { ...inherited, LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<Run>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })))
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000)
  exited.finally(() => clearTimeout(timer))
  if (!options.untilReady) return exited
  return new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /ready at (http:\/\/\S+) /.exec(stdout)
      if (m) {
        resolve({
          code: null,
          stdout,
          stderr,
          ms: Date.now() - started,
          url: m[1]!.replace('localhost', '127.0.0.1'),
          stop: () => (child.kill('SIGTERM'), exited),
        })
      }
    })
    exited.then((run) => reject(new Error(`exited before ready (${run.code}): ${run.stderr}`)))
  })
}

const dirs: string[] = []
async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'riskmap-start-'))
  dirs.push(dir)
  return dir
}
afterAll(async () => {
  for (const dir of dirs) await fs.rm(dir, { recursive: true, force: true })
})

describe('start-up', () => {
  it('names the variable of an invalid configuration and exits 1', async () => {
    const run = await runMain({ H3_RES: 'eight' })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('H3_RES must be a whole number')
    expect(run.stderr).not.toMatch(/\n\s+at /) // a message, not a stack trace
  })

  it('names BASEMAP_PMTILES when the basemap file is missing or not a PMTiles file, and exits 1', async () => {
    const dir = await tempDir()
    const missing = await runMain({ BASEMAP_PMTILES: path.join(dir, 'city.pmtiles') })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain(
      `riskmap cannot start: Invalid configuration: BASEMAP_PMTILES names a file that does not exist: ${path.join(dir, 'city.pmtiles')}`,
    )
    const notPmtiles = path.join(dir, 'city.mbtiles')
    await fs.writeFile(notPmtiles, 'SQLite format 3\0'.padEnd(200, '\0'))
    const wrong = await runMain({ BASEMAP_PMTILES: notPmtiles })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('BASEMAP_PMTILES is not a PMTiles file')
    expect(wrong.stderr).not.toMatch(/\n\s+at /)
  })

  it('gives a clear message and a non-zero exit within 10 s for an unreachable database', async () => {
    const run = await runMain({ DATABASE_URL: 'postgres://postgres@127.0.0.1:9/riskmap' })
    expect(run.code).not.toBe(0)
    expect(run.ms).toBeLessThan(10_000)
    expect(run.stderr).toMatch(/Cannot connect to the database at postgres:\/\/postgres@127\.0\.0\.1:9\/riskmap: nothing is listening there/)
  })

  it('refuses a PostgreSQL server without PostGIS, saying how to fix it', async () => {
    // A real server without PostGIS: PGlite started without the extension.
    const bare = await PGlite.create()
    const server = await serveWire(bare, '127.0.0.1', 0)
    try {
      const run = await runMain({ DATABASE_URL: `postgres://postgres@${server.address}/postgres` })
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/PostGIS is not installed on the PostgreSQL \S+ server\. Install it/)
      expect(run.stderr).not.toMatch(/\n\s+at /)
    } finally {
      await server.close()
      await bare.close()
    }
  })

  it('starts on the embedded database with the demo data, and keeps the data across a restart', async () => {
    const dataDir = await tempDir()
    const first = await runMain({ DATA_DIR: dataDir }, { untilReady: true, timeoutMs: 300_000 })
    const health = await (await fetch(`${first.url}/api/health`)).json()
    expect(health).toMatchObject({ status: 'ok', embedded: true })
    expect((await fetch(`${first.url}/api/enterprises?limit=1`)).status).toBe(401)
    // The demo accounts: one per role, their passwords in a file only its owner can read.
    const accounts = await fs.readFile(path.join(dataDir, DEMO_ACCOUNTS_FILE), 'utf8')
    for (const role of ROLES) expect(accounts).toMatch(new RegExp(`\t${role}\t[A-Za-z0-9]{16}\t`))
    expect((await fs.stat(path.join(dataDir, DEMO_ACCOUNTS_FILE))).mode & 0o077).toBe(0)
    // The public portal has a first publication to show, approved by the demo admin.
    const published = await (await fetch(`${first.url}/api/public/publication`)).json()
    expect(published.publication).toMatchObject({ id: expect.any(Number), resolution: 7 })
    const cookie = await signInWithDemoAccount(first.url!, dataDir)
    const before = await (await fetch(`${first.url}/api/enterprises?limit=1`, { headers: { cookie } })).json()
    expect(before.numberMatched).toBeGreaterThan(1000)
    const stopped = await first.stop!()
    expect(stopped.code).toBe(0)
    const adminPassword = accounts
      .split('\n')
      .find((l) => l.startsWith('admin\t'))!
      .split('\t')[2]!
    expect(stopped.stdout).toContain(adminPassword)

    const second = await runMain({ DATA_DIR: dataDir, LOG_LEVEL: 'info' }, { untilReady: true, timeoutMs: 300_000 })
    // Sessions live in the database: the first run's cookie still works after the restart.
    const after = await (await fetch(`${second.url}/api/enterprises?limit=1`, { headers: { cookie } })).json()
    expect(after.numberMatched).toBe(before.numberMatched)
    const secondRun = await second.stop!()
    expect(secondRun.stdout).not.toContain('loading the synthetic demo data set')
    // The passwords are shown once, at the first start only.
    expect(secondRun.stdout).not.toContain(adminPassword)
  }, 600_000)
})
