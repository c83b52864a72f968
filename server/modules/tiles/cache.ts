/**
 * An in-memory least-recently-used cache bounded by the bytes it holds, not by its entry count:
 * tiles range from a few bytes to hundreds of kilobytes. A Map keeps insertion order, so
 * re-inserting on every hit makes its first key the least recently used.
 */
export class ByteLruCache<V> {
  private readonly entries = new Map<string, { value: V; bytes: number }>()
  private used = 0
  hits = 0
  misses = 0

  /** @param maxBytes Budget in bytes; 0 disables the cache. */
  constructor(readonly maxBytes: number) {}

  /** Bytes currently held (values plus the per-entry overhead given to `set`). */
  get bytes(): number {
    return this.used
  }

  get size(): number {
    return this.entries.size
  }

  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (!entry) {
      this.misses++
      return undefined
    }
    this.hits++
    this.entries.delete(key)
    this.entries.set(key, entry)
    return entry.value
  }

  /** Stores a value costing `bytes`, evicting the least recently used entries to stay in budget; a value larger than a quarter of the budget is not kept. */
  set(key: string, value: V, bytes: number): void {
    const old = this.entries.get(key)
    if (old) {
      this.entries.delete(key)
      this.used -= old.bytes
    }
    if (bytes > this.maxBytes / 4) return
    this.entries.set(key, { value, bytes })
    this.used += bytes
    for (const [k, e] of this.entries) {
      if (this.used <= this.maxBytes) break
      this.entries.delete(k)
      this.used -= e.bytes
    }
  }

  clear(): void {
    this.entries.clear()
    this.used = 0
  }
}
