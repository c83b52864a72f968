/**
 * Unified social credit code (统一社会信用代码) check, GB 32100-2015: 18 characters from a
 * 31-character alphabet, the 18th a check character over the first 17.
 * Input is trimmed and upper-cased before checking, so ` 91110108mA01...` is accepted as its
 * upper-case form; use `normaliseUscc` to store that form.
 */
import { invalid } from './errors'

/** The code alphabet in value order: digits, then letters without I, O, S, V, Z (value 0..30). */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'

/** Weight of positions 1..17: 3^(i−1) mod 31. */
export const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const

/** A failed check: the English reason, and what is wrong (and its numbers) for a page to word. */
export type UsccCheck =
  { valid: true } | { valid: false; reason: string; fault: 'not_string' | 'length' | 'character' | 'check_character'; params: Record<string, string | number> }

/** Trims surrounding whitespace and upper-cases a code, the form in which it is checked and stored. */
export function normaliseUscc(code: string): string {
  return code.trim().toUpperCase()
}

function firstIllegal(chars: string): number {
  for (let i = 0; i < chars.length; i++) if (!USCC_ALPHABET.includes(chars[i])) return i
  return -1
}

/** The check character for the first 17 characters (already upper-case); throws `invalid('uscc')` on bad input. */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw invalid('uscc', `expected 17 characters before the check character, got ${first17.length}`)
  const bad = firstIllegal(first17)
  if (bad >= 0) throw invalid('uscc', `illegal character "${first17[bad]}" at position ${bad + 1}`)
  let sum = 0
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]) * USCC_WEIGHTS[i]
  const check = 31 - (sum % 31)
  return USCC_ALPHABET[check === 31 ? 0 : check]
}

/** A complete 18-character code: the 17 given characters (trimmed, upper-cased) and their check character. */
export function buildUscc(first17: string): string {
  const body = normaliseUscc(first17)
  return body + usccCheckChar(body)
}

/** Checks a code per GB 32100-2015; the reason names the problem (length, illegal character, check character). */
export function checkUscc(code: string): UsccCheck {
  if (typeof code !== 'string') return { valid: false, reason: 'must be a string', fault: 'not_string', params: {} }
  const normalised = normaliseUscc(code)
  if (normalised.length !== 18)
    return { valid: false, reason: `must be 18 characters, got ${normalised.length}`, fault: 'length', params: { length: normalised.length } }
  const bad = firstIllegal(normalised)
  if (bad >= 0) {
    return {
      valid: false,
      reason: `illegal character "${normalised[bad]}" at position ${bad + 1} (allowed: 0-9 and A-Y without I, O, S, V, Z)`,
      fault: 'character',
      params: { character: normalised[bad]!, position: bad + 1 },
    }
  }
  const expected = usccCheckChar(normalised.slice(0, 17))
  const got = normalised[17]
  if (expected !== got)
    return { valid: false, reason: `check character expected ${expected}, got ${got}`, fault: 'check_character', params: { expected, got: got! } }
  return { valid: true }
}
