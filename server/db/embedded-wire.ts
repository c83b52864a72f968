import net from 'node:net'
import type { PGlite } from '@electric-sql/pglite'

/**
 * Serves the one PGlite session over the PostgreSQL wire protocol (v3) to any number of
 * connections, and answers each of them as a real server would.
 *
 * Two things PGlite and pglite-socket get wrong, fixed here (electric-sql/pglite issues #958, #1046):
 * - After an error in an extended-protocol message (Parse, Bind, Execute …) PGlite sends
 *   ReadyForQuery at once, although it rightly discards the following messages until Sync and
 *   answers Sync with a second ReadyForQuery. A client then runs one reply behind: an error lands
 *   on the next query, or a query resolves with the tail of the previous one. PostgreSQL sends
 *   ReadyForQuery only in answer to Sync (or a simple Query), so only the last one of a unit's reply
 *   is passed on.
 * - Every connection shares the one session (its unnamed statement and portal, its transaction).
 *   So a connection's messages run as whole units — everything up to and including a Sync, Query
 *   or Flush — and a connection that is inside a transaction or an unfinished extended-protocol
 *   exchange keeps the session until it is idle again: no other connection's message runs in
 *   between. A connection that closes while it holds the session has its work rolled back.
 */
export interface WireServer {
  /** `host:port` the server listens on. */
  address: string
  /** Closes every connection (rolling back what they left open) and stops listening. */
  close(): Promise<void>
}

const SSL_REQUEST = 80877103
const GSSENC_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const PROTOCOL_V3 = 196608

/** Frontend messages that end a unit, and whether PostgreSQL answers them with ReadyForQuery. */
const UNIT_END: Record<string, boolean> = {
  S: true, // Sync
  Q: true, // Query (simple protocol)
  F: true, // FunctionCall
  c: true, // CopyDone
  f: true, // CopyFail
  H: false, // Flush
  d: false, // CopyData
}
const READY_FOR_QUERY = 'Z'.charCodeAt(0)
const TERMINATE = 'X'

export async function serveWire(db: PGlite, host: string, port: number): Promise<WireServer> {
  const shared: Shared = { db, session: new SessionLock(), startupReply: null }
  const connections = new Set<Connection>()
  const server = net.createServer((socket) => {
    const connection = new Connection(socket, shared)
    connections.add(connection)
    void connection.closed.then(() => connections.delete(connection))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port: chosen } = server.address() as net.AddressInfo
  return {
    address: `${host}:${chosen}`,
    async close() {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const connection of connections) connection.end()
      await Promise.all([...connections].map((c) => c.closed))
      await stopped
    },
  }
}

/**
 * Who may use the session: one unit at a time, and while a connection holds the session (open
 * transaction, unfinished extended exchange) only that connection. Waiters are served in order.
 */
class SessionLock {
  private running = false
  private holder: Connection | null = null
  private waiters: Array<{ connection: Connection; grant: () => void }> = []

  acquire(connection: Connection): Promise<void> {
    return new Promise((grant) => {
      this.waiters.push({ connection, grant })
      this.dispatch()
    })
  }

  /** Ends a unit; `keep` when the connection must keep the session for its next unit. */
  release(connection: Connection, keep: boolean): void {
    this.running = false
    this.holder = keep ? connection : null
    this.dispatch()
  }

  isHeldBy(connection: Connection): boolean {
    return this.holder === connection
  }

  private dispatch(): void {
    if (this.running) return
    const i = this.waiters.findIndex((w) => this.holder === null || w.connection === this.holder)
    if (i < 0) return
    const [next] = this.waiters.splice(i, 1)
    this.running = true
    next!.grant()
  }
}

interface Shared {
  db: PGlite
  session: SessionLock
  /**
   * PGlite's reply to the first startup packet (authentication, parameters, ReadyForQuery), replayed
   * to later connections: it is one session, and a new connection need not wait for the session.
   */
  startupReply: Buffer | null
}

class Connection {
  /** Resolves when the socket is closed and whatever the connection left open is rolled back. */
  readonly closed: Promise<void>
  private input: Buffer = Buffer.alloc(0)
  private started = false
  /** Messages of the unit being received (up to its Sync, Query or Flush). */
  private unit: Buffer[] = []
  /** Units run one after another, in the order they arrived. */
  private work: Promise<void> = Promise.resolve()
  private ending = false
  private readonly db: PGlite
  private readonly session: SessionLock

  constructor(
    private readonly socket: net.Socket,
    private readonly shared: Shared,
  ) {
    this.db = shared.db
    this.session = shared.session
    socket.setNoDelay(true)
    socket.on('data', (data) => this.receive(data))
    socket.on('error', () => socket.destroy())
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.ending = true
        // units already received still run (a COMMIT sent just before closing counts), then the rest is rolled back
        this.enqueue(() => this.rollBackIfHeld())
        void this.work.then(resolve)
      })
    })
  }

  /** Runs `job` after the connection's earlier work; a job that fails ends the connection. */
  private enqueue(job: () => Promise<void>): void {
    this.work = this.work.then(job).catch(() => this.end())
  }

  end(): void {
    this.socket.destroy()
  }

  private receive(data: Buffer): void {
    if (this.ending) return
    this.input = this.input.length ? Buffer.concat([this.input, data]) : data
    try {
      while (this.input.length > 0) {
        const consumed = this.started ? this.takeMessage() : this.takeStartup()
        if (consumed === 0) break
        this.input = this.input.subarray(consumed)
      }
    } catch {
      this.end()
    }
  }

  /** SSL/GSS requests are declined, a cancel request is ignored (PGlite cannot cancel), then startup. */
  private takeStartup(): number {
    if (this.input.length < 8) return 0
    const length = this.input.readInt32BE(0)
    if (length < 8 || length > 10_000) throw new Error('bad startup packet')
    if (this.input.length < length) return 0
    const code = this.input.readInt32BE(4)
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      this.socket.write('N')
    } else if (code === CANCEL_REQUEST) {
      this.end()
    } else if (code === PROTOCOL_V3) {
      this.started = true
      const packet = Buffer.from(this.input.subarray(0, length))
      this.enqueue(() => this.startup(packet))
    } else {
      throw new Error('unsupported protocol')
    }
    return length
  }

  private takeMessage(): number {
    if (this.input.length < 5) return 0
    const length = 1 + this.input.readInt32BE(1)
    if (this.input.length < length) return 0
    const type = String.fromCharCode(this.input[0]!)
    if (type === TERMINATE) {
      this.end()
      return length
    }
    this.unit.push(Buffer.from(this.input.subarray(0, length)))
    if (type in UNIT_END) {
      const messages = Buffer.concat(this.unit)
      this.unit = []
      const answersReady = UNIT_END[type]!
      this.enqueue(() => this.run(messages, answersReady))
    }
    return length
  }

  private async startup(packet: Buffer): Promise<void> {
    if (!this.shared.startupReply) {
      await this.session.acquire(this)
      try {
        // streamed, like every unit: PGlite keeps the last stream's callback for a later execProtocolRaw
        const chunks: Buffer[] = []
        await this.db.runExclusive(() => this.db.execProtocolRawStream(new Uint8Array(packet), { onRawData: (chunk) => chunks.push(Buffer.from(chunk)) }))
        this.shared.startupReply ??= Buffer.concat(chunks)
      } finally {
        this.session.release(this, false)
      }
    }
    this.send(this.shared.startupReply)
  }

  /** Runs one unit with the session to itself and passes on its reply, with one ReadyForQuery at most. */
  private async run(messages: Buffer, answersReady: boolean, send = (b: Buffer) => this.send(b)): Promise<void> {
    await this.session.acquire(this)
    const reply = new ReplyFilter(send)
    let status: string | null = null
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(new Uint8Array(messages), { onRawData: (chunk) => reply.push(chunk) }))
      status = reply.finish(answersReady)
    } catch {
      // PGlite itself failed (not an SQL error, which is a reply): the connection cannot go on.
      this.end()
    } finally {
      // Keep the session inside a transaction ('T', 'E') or an unfinished extended exchange (no ReadyForQuery).
      this.session.release(this, status !== 'I')
    }
  }

  /** A connection that leaves while holding the session: end its exchange and roll its transaction back. */
  private async rollBackIfHeld(): Promise<void> {
    if (!this.session.isHeldBy(this)) return
    await this.run(frontend('S', Buffer.alloc(0)), true, NOWHERE)
    if (this.session.isHeldBy(this)) await this.run(frontend('Q', Buffer.from('ROLLBACK\0')), true, NOWHERE)
    if (this.session.isHeldBy(this)) this.session.release(this, false)
  }

  private send(data: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(data)
  }
}

const NOWHERE = (): void => {}

function frontend(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.write(type, 0, 'latin1')
  header.writeInt32BE(4 + body.length, 1)
  return Buffer.concat([header, body])
}

/**
 * Passes a unit's backend messages on as they come, except ReadyForQuery: each one is held back
 * and dropped when another follows it; the last one is sent only if the unit's last message is
 * answered with ReadyForQuery (Sync, Query …), never after a Flush.
 */
class ReplyFilter {
  private partial: Buffer = Buffer.alloc(0)
  private ready: Buffer | null = null

  constructor(private readonly send: (data: Buffer) => void) {}

  push(chunk: Uint8Array): void {
    // a copy: the chunk is a view of PGlite's memory, reused by the next call
    const data = this.partial.length ? Buffer.concat([this.partial, chunk]) : Buffer.from(chunk)
    const out: Buffer[] = []
    let offset = 0
    while (data.length - offset >= 5) {
      const end = offset + 1 + data.readInt32BE(offset + 1)
      if (end > data.length) break
      const message = data.subarray(offset, end)
      if (message[0] === READY_FOR_QUERY) {
        this.ready = message
      } else {
        if (this.ready) out.push(this.ready)
        this.ready = null
        out.push(message)
      }
      offset = end
    }
    this.partial = data.subarray(offset)
    if (out.length > 0) this.send(Buffer.concat(out))
  }

  /** Sends the held ReadyForQuery if `answersReady`; returns its transaction status ('I', 'T', 'E') or null. */
  finish(answersReady: boolean): string | null {
    const ready = answersReady ? this.ready : null
    this.ready = null
    if (!ready) return null
    this.send(ready)
    return String.fromCharCode(ready[5]!)
  }
}
