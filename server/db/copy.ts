/**
 * `COPY … FROM STDIN` on a transaction's connection (a PostgreSQL server only: the embedded database's
 * wire front does not speak COPY). The rows' lines are encoded to UTF-8 one at a time into chunks of
 * about a megabyte: encoding a batch's text as one string costs several times more when it holds
 * Chinese (V8 flattens and measures the whole two-byte string first), which showed as a tenth of a
 * register import's time (docs/architecture.md, "An import's path").
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { Knex } from 'knex'
import { from as copyFrom } from 'pg-copy-streams'

/** Bytes a chunk is sent at. */
const CHUNK_BYTES = 1 << 20

/** UTF-8 chunks of the rows' lines (each line ends with its own line break). */
export function* copyChunks<T>(rows: readonly T[], line: (row: T, index: number) => string): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(CHUNK_BYTES)
  let used = 0
  for (let i = 0; i < rows.length; i++) {
    const text = line(rows[i]!, i)
    // A UTF-16 unit is at most three bytes of UTF-8.
    if (used + text.length * 3 > chunk.length) {
      if (used > 0) yield chunk.subarray(0, used)
      chunk = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, text.length * 3))
      used = 0
    }
    used += chunk.write(text, used)
  }
  if (used > 0) yield chunk.subarray(0, used)
}

/** Streams the rows' lines into `statement` (a `COPY … FROM STDIN`) on the transaction's own connection. */
export async function copyRows<T>(trx: Knex.Transaction, statement: string, rows: readonly T[], line: (row: T, index: number) => string): Promise<void> {
  // knex hands out the transaction's connection without releasing it to the pool.
  const connection = (await trx.client.acquireConnection()) as import('pg').PoolClient
  await pipeline(Readable.from(copyChunks(rows, line)), connection.query(copyFrom(statement)))
}
