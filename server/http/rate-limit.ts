/**
 * A small in-memory fixed-window limiter keyed by client (and whatever else the caller adds): sign-in
 * attempts (modules/auth) and public hazard reports (modules/reports).
 * Per instance: behind a load balancer each instance limits on its own, which still bounds a
 * brute force to N × limit per window.
 */
export class RateLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>()

  /** `limit` attempts per `windowMs` milliseconds. */
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one attempt; returns the seconds to wait when the key is over its limit, else 0. */
  hit(key: string): number {
    const t = this.now()
    let entry = this.hits.get(key)
    if (!entry || entry.resetAt <= t) {
      entry = { count: 0, resetAt: t + this.windowMs }
      this.hits.set(key, entry)
      if (this.hits.size > 10_000) this.sweep(t)
    }
    entry.count += 1
    return entry.count > this.limit ? Math.ceil((entry.resetAt - t) / 1000) : 0
  }

  reset(key: string): void {
    this.hits.delete(key)
  }

  private sweep(t: number): void {
    for (const [key, entry] of this.hits) if (entry.resetAt <= t) this.hits.delete(key)
  }
}
