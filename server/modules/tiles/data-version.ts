import type { Knex } from 'knex'

/** What a tile's content and cache key depend on besides the tile itself. */
export interface DataState {
  /** `data_version.version`: bumped by every write and regrade. */
  version: number
  /** The database's current date, YYYY-MM-DD (overdue records change at midnight without a write). */
  today: string
}

/**
 * Reads the data version (or any state shaped like it: the public tiles read the latest
 * publication) for each request, so no tile is ever served from a version older than
 * the last write committed before the request arrived, without one query per request under load.
 * A request never reuses a read that started before it arrived (that read may predate a write);
 * it joins the next read, which starts as soon as the one in flight ends. So at most one read is
 * in flight and one queued, however many requests wait: a burst of N cache hits costs two tiny
 * queries, and a lone request costs one.
 */
export class DataVersionReader<State extends DataState = DataState> {
  private inflight: Promise<State> | null = null
  private queued: Promise<State> | null = null

  constructor(private readonly fetch: () => Promise<State>) {}

  read(): Promise<State> {
    if (this.inflight === null) return this.start()
    this.queued ??= this.inflight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.queued = null
        return this.start()
      })
    return this.queued
  }

  private start(): Promise<State> {
    const read = this.fetch().finally(() => {
      if (this.inflight === read) this.inflight = null
    })
    this.inflight = read
    return read
  }
}

/** The data version and the database's date, read once (DataVersionReader coalesces these reads). */
export async function readDataState(db: Knex): Promise<DataState> {
  const { rows } = await db.raw<{ rows: Array<{ version: string; today: string }> }>(
    "SELECT version, to_char(current_date, 'YYYY-MM-DD') AS today FROM data_version",
  )
  const row = rows[0]
  if (!row) throw new Error('data_version has no row: the database is not migrated')
  return { version: Number(row.version), today: row.today }
}
