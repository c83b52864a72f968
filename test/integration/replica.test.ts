import { execFile } from 'node:child_process'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import type { Knex } from 'knex'
import { latLngToCell } from 'h3-js'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { buildApp } from '../../server/app'
import { ConfigError, loadConfig } from '../../server/config'
import { DatabaseSetupError } from '../../server/db/check'
import { createKnex } from '../../server/db/knex'
import { migrateLatest } from '../../server/db/migrate'
import { loadDemo } from '../../server/demo/load'
import { fullRegrade } from '../../server/grading/engine'
import { DEFAULT_RULES } from '../../server/domain/rules'
import { tileAt } from '../../server/modules/tiles/tile'
import { signIn } from '../helpers/auth'

// Reads on a real PostgreSQL streaming replica (docs/architecture.md §10): a throw-away primary cluster and a
// hot standby made from it with pg_basebackup -R, both on free loopback ports. The app writes to
// the primary and serves tiles and cell explanations from the standby; pausing the standby's WAL
// replay shows that those reads really come from it (they lag), and resuming it that they catch up.

const execFileAsync = promisify(execFile)
const embedded = inject('embedded')
const runAsPostgres = process.getuid?.() === 0

/** Newest /usr/lib/postgresql/<major>/bin that has the server programs and a PostGIS for that major. */
function findPgBin(): { bin: string; major: string } | null {
  const root = '/usr/lib/postgresql'
  if (!fs.existsSync(root)) return null
  const majors = fs
    .readdirSync(root)
    .filter((d) => /^\d+$/.test(d))
    .sort((a, b) => Number(b) - Number(a))
  for (const major of majors) {
    const bin = path.join(root, major, 'bin')
    const programs = ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'].every((p) => fs.existsSync(path.join(bin, p)))
    if (programs && fs.existsSync(`/usr/share/postgresql/${major}/extension/postgis.control`)) return { bin, major }
  }
  return null
}

/** A free TCP port on the loopback interface. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

class Cluster {
  constructor(
    readonly pgBin: string,
    readonly dir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`
  }

  /** The server log, beside the data directory (pg_basebackup needs an empty one). */
  get log(): string {
    return `${this.dir}.log`
  }

  /** Runs a PostgreSQL program, as the postgres user when we are root (the server refuses root). */
  async run(program: string, args: string[]): Promise<string> {
    const file = path.join(this.pgBin, program)
    const [cmd, argv] = runAsPostgres ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args]
    try {
      const { stdout } = await execFileAsync(cmd, argv, { cwd: path.dirname(this.dir), timeout: 120_000 })
      return stdout
    } catch (err) {
      const logTail = fs.existsSync(this.log) ? fs.readFileSync(this.log, 'utf8').slice(-2000) : ''
      const e = err as { stderr?: string; message: string }
      throw new Error(`${program} ${args.join(' ')} failed: ${e.stderr || e.message}\n${logTail}`)
    }
  }

  async start(): Promise<void> {
    await this.run('pg_ctl', ['-D', this.dir, '-l', this.log, '-w', '-t', '60', 'start'])
  }

  async stop(): Promise<void> {
    if (fs.existsSync(path.join(this.dir, 'postmaster.pid'))) await this.run('pg_ctl', ['-D', this.dir, '-m', 'immediate', '-w', 'stop'])
  }

  /** Appends settings to postgresql.conf (later lines win). */
  configure(settings: Record<string, string | number>): void {
    const lines = Object.entries(settings).map(([k, v]) => `${k} = ${typeof v === 'number' ? v : `'${v}'`}`)
    fs.appendFileSync(path.join(this.dir, 'postgresql.conf'), `\n${lines.join('\n')}\n`)
  }
}

describe.runIf(!embedded)('reads on a streaming replica', () => {
  let base: string | null = null
  let primary: Cluster | null = null
  let replica: Cluster | null = null
  let app: FastifyInstance | null = null
  let auth: Record<string, string> = {}

  beforeAll(async () => {
    const pg = findPgBin()
    if (!pg) {
      throw new Error(
        'The replica test needs the PostgreSQL server programs (initdb, pg_ctl, pg_basebackup) under /usr/lib/postgresql/<major>/bin ' +
          'and PostGIS for that major: apt-get install postgresql-15 postgresql-15-postgis-3',
      )
    }
    base = await fsp.mkdtemp(path.join(os.tmpdir(), 'riskmap-replica-'))
    if (runAsPostgres) {
      const { stdout } = await execFileAsync('id', ['-u', 'postgres'])
      const uid = Number(stdout.trim())
      const gid = Number((await execFileAsync('id', ['-g', 'postgres'])).stdout.trim())
      await fsp.chown(base, uid, gid)
    }
    const [primaryPort, replicaPort] = [await freePort(), await freePort()]
    primary = new Cluster(pg.bin, path.join(base, 'primary'), primaryPort)
    replica = new Cluster(pg.bin, path.join(base, 'replica'), replicaPort === primaryPort ? primaryPort + 1 : replicaPort)

    await primary.run('initdb', ['-D', primary.dir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
    // Speed over durability: a throw-away cluster. wal_level = replica is what streaming needs.
    primary.configure({
      port: primary.port,
      listen_addresses: '127.0.0.1',
      unix_socket_directories: base,
      wal_level: 'replica',
      max_wal_senders: 4,
      hot_standby: 'on',
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
    })
    fs.appendFileSync(path.join(primary.dir, 'pg_hba.conf'), '\nhost replication all 127.0.0.1/32 trust\n')
    await primary.start()

    const db = createKnex({ url: primary.url, embedded: false, statementTimeoutMs: 120_000 })
    try {
      await db.raw('CREATE EXTENSION IF NOT EXISTS postgis')
      await migrateLatest(db)
      await loadDemo(db, { scale: 1 })
      await fullRegrade(db, { res: 8, rules: DEFAULT_RULES })
    } finally {
      await db.destroy()
    }

    await replica.run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', replica.dir, '-R', '-X', 'stream', '-c', 'fast'])
    replica.configure({ port: replica.port })
    await replica.start()

    const config = loadConfig({ LOG_LEVEL: 'silent', DATABASE_URL: primary.url, READ_DATABASE_URL: replica.url })
    app = await buildApp({
      config,
      database: { url: primary.url, embedded: false, statementTimeoutMs: config.statementTimeoutMs, readUrl: config.readDatabaseUrl },
    })
    auth = (await signIn(app, 'admin')).headers
  })

  afterAll(async () => {
    // Each step on its own, so that one failing still leaves the others to run.
    await app?.close().catch((err: unknown) => console.error(err))
    await replica?.stop().catch((err: unknown) => console.error(err))
    await primary?.stop().catch((err: unknown) => console.error(err))
    if (base) await fsp.rm(base, { recursive: true, force: true })
  })

  const one = async <T>(db: Knex, sql: string, bindings: Knex.RawBinding[] = []): Promise<T> => {
    const { rows } = await db.raw<{ rows: T[] }>(sql, bindings)
    return rows[0]!
  }

  /** Waits until the replica has replayed everything the primary had written when this was called. */
  async function waitForReplay(timeoutMs = 30_000): Promise<void> {
    const { lsn } = await one<{ lsn: string }>(app!.db, 'SELECT pg_current_wal_lsn()::text AS lsn')
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const { done } = await one<{ done: boolean }>(app!.readDb, 'SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn AS done', [lsn])
      if (done) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`the replica did not replay up to ${lsn} within ${timeoutMs} ms`)
  }

  /** Ids of the features of an MVT layer in a tile served by the app (empty for a 204). */
  async function tileIds(layer: string, lon: number, lat: number): Promise<number[]> {
    const t = tileAt(lon, lat, 14)
    const res = await app!.inject({ url: `/tiles/${layer}/${t.z}/${t.x}/${t.y}.mvt`, headers: auth })
    if (res.statusCode === 204) return []
    expect(res.statusCode).toBe(200)
    const mvt = new VectorTile(new PbfReader(res.rawPayload))
    const features = mvt.layers[layer]
    return features ? Array.from({ length: features.length }, (_, i) => features.feature(i).id!) : []
  }

  /** The major hazard installations the explanation of the analysis cell at a point names. */
  async function hazardsExplained(lon: number, lat: number): Promise<number[]> {
    const res = await app!.inject({ url: `/api/cells/${latLngToCell(lat, lon, 8)}`, headers: auth })
    expect(res.statusCode).toBe(200)
    return (res.json().sources as Array<{ kind: string; id: number }>).filter((s) => s.kind === 'major_hazard').map((s) => s.id)
  }

  it('has the read handle on the hot standby and the write handle on the primary', async () => {
    expect(app!.readDb).not.toBe(app!.db)
    expect((await one<{ r: boolean }>(app!.readDb, 'SELECT pg_is_in_recovery() AS r')).r).toBe(true)
    expect((await one<{ r: boolean }>(app!.db, 'SELECT pg_is_in_recovery() AS r')).r).toBe(false)
    expect((await one<{ a: string }>(app!.readDb, 'SELECT current_setting(?) AS a', ['application_name'])).a).toBe('riskmap-read')
    const ready = await app!.inject({ url: '/api/health/ready' })
    expect(ready.statusCode).toBe(200)
    expect(ready.json()).toMatchObject({
      status: 'ok',
      embedded: false,
      replica: { inRecovery: true, postgres: expect.stringMatching(/^\d+/), postgis: expect.stringMatching(/^3\./) },
    })
    expect(ready.json().replica.lagBytes).toEqual(expect.any(Number))
  })

  it('writes through the primary; tiles and cells lag while replay is paused and show the write once it is replayed', async () => {
    const enterprise = await one<{ id: string; lon: number; lat: number }>(
      app!.db,
      'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM enterprise ORDER BY id LIMIT 1',
    )
    const versionBefore = (await app!.tiles.state()).version

    await app!.readDb.raw('SELECT pg_wal_replay_pause()')
    try {
      // Chlorine, S = 50 / 5 = 10: a grade 2 installation (orange, level 3) at the enterprise.
      const created = await app!.inject({
        method: 'POST',
        url: '/api/major-hazards',
        headers: auth,
        payload: {
          enterpriseId: Number(enterprise.id),
          name: '副本测试液氯储罐',
          population500m: 120,
          substances: [{ name: '液氯', q: 50, Q: 5 }],
          reportedAt: new Date().toISOString().slice(0, 10),
        },
      })
      expect(created.statusCode).toBe(201)
      const hazard = created.json() as { id: number; level: number; lon: number; lat: number }
      expect(hazard.level).toBe(3)
      expect(await one(app!.db, 'SELECT count(*)::int AS n FROM major_hazard WHERE id = ?', [hazard.id])).toEqual({ n: 1 })

      // Not replayed yet: the replica, and so every read the app routes there, is behind.
      expect(await one(app!.readDb, 'SELECT count(*)::int AS n FROM major_hazard WHERE id = ?', [hazard.id])).toEqual({ n: 0 })
      expect((await app!.tiles.state()).version).toBe(versionBefore)
      expect(await tileIds('major_hazards', hazard.lon, hazard.lat)).not.toContain(hazard.id)
      expect(await hazardsExplained(hazard.lon, hazard.lat)).not.toContain(hazard.id)
      const lagging = (await app!.inject({ url: '/api/health/ready' })).json()
      expect(lagging.replica.lagBytes).toBeGreaterThan(0)

      await app!.readDb.raw('SELECT pg_wal_replay_resume()')
      await waitForReplay()
      // Replayed: the version the tiles read moves on (polled briefly: seen once still old in a loaded full run).
      let versionAfter = (await app!.tiles.state()).version
      for (let i = 0; i < 100 && versionAfter <= versionBefore; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        versionAfter = (await app!.tiles.state()).version
      }
      expect(versionAfter).toBeGreaterThan(versionBefore)
      expect(await tileIds('major_hazards', hazard.lon, hazard.lat)).toContain(hazard.id)
      expect(await hazardsExplained(hazard.lon, hazard.lat)).toContain(hazard.id)
    } finally {
      await app!.readDb.raw('SELECT pg_wal_replay_resume()')
    }
  })

  it('refuses a read URL that is not a replica of the primary, naming READ_DATABASE_URL', async () => {
    const options = (readUrl: string) => ({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      database: { url: primary!.url, embedded: false, statementTimeoutMs: 15_000, readUrl, migrate: false },
    })
    // The primary's `template1` has no PostGIS: not a copy of the riskmap database.
    const wrong = primary!.url.replace(/\/postgres$/, '/template1')
    await expect(buildApp(options(wrong))).rejects.toThrow(DatabaseSetupError)
    await expect(buildApp(options(wrong))).rejects.toThrow(/PostGIS is not enabled in the read database \(READ_DATABASE_URL\)/)
    await expect(buildApp(options('postgres://postgres@127.0.0.1:9/riskmap'))).rejects.toThrow(
      /Cannot connect to the read replica \(READ_DATABASE_URL\) at postgres:\/\/postgres@127\.0\.0\.1:9\/riskmap: nothing is listening there/,
    )
  })
})

describe('the embedded database', () => {
  it('refuses a read replica with a ConfigError naming READ_DATABASE_URL, before connecting', async () => {
    const build = buildApp({
      config: loadConfig({ LOG_LEVEL: 'silent' }),
      // Nothing listens on port 9: the refusal must come before any connection attempt.
      database: {
        url: 'postgres://postgres@127.0.0.1:9/riskmap',
        embedded: true,
        statementTimeoutMs: 15_000,
        readUrl: 'postgres://postgres@127.0.0.1:9/replica',
      },
    })
    await expect(build).rejects.toThrow(ConfigError)
    await expect(build).rejects.toThrow(/READ_DATABASE_URL needs DATABASE_URL: the embedded database has no streaming replicas/)
  })
})
