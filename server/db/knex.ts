import knexFactory, { type Knex } from 'knex'

export interface DatabaseOptions {
  url: string
  /** Embedded PGlite is one session: one pooled connection so transactions cannot interleave. */
  embedded: boolean
  /** Per-statement timeout, milliseconds (real PostgreSQL only; PGlite has no timer signals). */
  statementTimeoutMs: number
  /** Largest pool on a real server. */
  poolMax?: number
  /** How long a request may wait for a pooled connection before it is refused (503), milliseconds. */
  acquireTimeoutMs?: number
  /** `application_name` of the connections, as pg_stat_activity shows them (default `riskmap`). */
  applicationName?: string
}

/** Builds the knex instance used by the whole service. */
export function createKnex(options: DatabaseOptions): Knex {
  const db = knexFactory({
    client: 'pg',
    connection: {
      connectionString: options.url,
      // Fail fast when the server is unreachable instead of hanging on TCP retries.
      connectionTimeoutMillis: 5000,
      application_name: options.applicationName ?? 'riskmap',
    },
    pool: {
      min: 0,
      max: options.embedded ? 1 : (options.poolMax ?? 10),
      afterCreate(conn: { query: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        if (options.embedded) return done(null, conn)
        // JIT off: the service's queries are short, but those over thousands of rows (a regrade page,
        // a tile) cross jit_above_cost and spent more time compiling (~0.5 s) than running.
        conn.query(`SET statement_timeout = ${Math.trunc(options.statementTimeoutMs)}; SET jit = off`, (err) => done(err, conn))
      },
    },
    acquireConnectionTimeout: options.acquireTimeoutMs ?? 10000,
    // Not a knex option: read back by isEmbedded().
    riskmap: { embedded: options.embedded },
  } as Knex.Config)
  return db
}

/**
 * Whether this knex instance talks to the embedded PGlite, whose connections all share one
 * session (so, e.g., named prepared statements would collide between connections).
 */
export function isEmbedded(db: Knex): boolean {
  return (db.client.config as { riskmap?: { embedded: boolean } }).riskmap?.embedded === true
}
