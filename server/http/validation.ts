/**
 * Input checks shared by every module's write path: each failure is an `invalid_input` error naming
 * the field from the request body's root (docs/architecture.md "Layers").
 */
import { AppError, invalid } from '../errors'

/**
 * Re-reads a domain validation error so that its field is named from the request body's root,
 * e.g. `L` of `gradeLec` becomes `lec.L`.
 */
export function withFieldPrefix<T>(prefix: string, grade: () => T): T {
  try {
    return grade()
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'invalid_input') throw err
    const [first] = err.details
    throw invalid(first?.field ? `${prefix}.${first.field}` : prefix, first?.message ?? err.message)
  }
}

/** Throws `invalid(later.field)` unless `later` (when given) is on or after `earlier`; ISO dates compare as strings. */
export function checkDateOrder(earlier: { field: string; value: string }, later: { field: string; value: string | null | undefined }): void {
  if (later.value !== null && later.value !== undefined && later.value < earlier.value) {
    throw invalid(later.field, `${later.value} is before ${earlier.field} ${earlier.value}`)
  }
}
