/**
 * A small seeded pseudo-random number generator for the demo data and the double-random inspection sampling: sfc32 (Chris Doty-Humphrey's
 * Small Fast Counting generator) seeded from a string with cyrb128. Only 32-bit integer arithmetic,
 * so the same seed gives the same sequence on every run, engine and platform. Not for cryptography.
 */

/** cyrb128: hashes a string into four 32-bit words, the sfc32 state. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** A seeded random stream. Every method consumes the stream, so call order matters for reproducibility. */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number

  constructor(seed: string) {
    ;[this.a, this.b, this.c, this.d] = cyrb128(seed)
    // Discard the first outputs: sfc32 mixes weak seeds poorly at the very start.
    for (let i = 0; i < 15; i++) this.uint32()
  }

  /** An independent stream derived from this seed and a label, without consuming this stream. */
  static derive(seed: string, label: string): Random {
    return new Random(`${seed}\u0000${label}`)
  }

  /** Next unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0
    this.d = (this.d + 1) | 0
    this.a = this.b ^ (this.b >>> 9)
    this.b = (this.c + (this.c << 3)) | 0
    this.c = (this.c << 21) | (this.c >>> 11)
    this.c = (this.c + t) | 0
    return t >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** A uniformly chosen element; throws on an empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list')
    return items[Math.floor(this.next() * items.length)]!
  }

  /** An element chosen with probability proportional to its weight (weights ≥ 0, not all 0). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0
    for (const w of weights) total += w
    if (items.length === 0 || items.length !== weights.length || !(total > 0)) {
      throw new Error('weighted pick needs as many positive-total weights as items')
    }
    let x = this.next() * total
    for (let i = 0; i < items.length; i++) {
      x -= weights[i]!
      if (x < 0) return items[i]!
    }
    return items[items.length - 1]!
  }

  /** A key of a `{ key: weight }` table chosen by weight; keys are taken in insertion order. */
  weightedKey<K extends string>(table: Readonly<Record<K, number>>): K {
    const keys = Object.keys(table) as K[]
    return this.weighted(
      keys,
      keys.map((k) => table[k]),
    )
  }

  /**
   * Approximately normal with the given mean and standard deviation: the Irwin–Hall sum of 12
   * uniforms (bounded at ±6σ). Uses no transcendental functions, so it is bit-identical everywhere.
   */
  normal(mean = 0, sd = 1): number {
    let sum = 0
    for (let i = 0; i < 12; i++) sum += this.next()
    return mean + (sum - 6) * sd
  }

  /** Shuffles a copy of the list (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice()
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1))
      const tmp = out[i]!
      out[i] = out[j]!
      out[j] = tmp
    }
    return out
  }

  /** `count` distinct elements in random order (all of them when the list is shorter). */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, count))
  }
}
