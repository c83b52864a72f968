/**
 * The one error type of the service. Every expected failure is an AppError carrying an HTTP
 * status, a stable machine code and details that name the field, row or parameter at fault.
 * The error handler in app.ts is the only place that turns errors into HTTP responses.
 * It lives in the domain because the pure rules reject bad input with it (naming the field);
 * everything else imports it through server/errors.ts.
 */
export interface ErrorDetail {
  /** Where the problem is: a JSON path like `substances[1].Q`, a query parameter, or `row 12, column 经度`. */
  field?: string
  message: string
  [extra: string]: unknown
}

export class AppError extends Error {
  readonly statusCode: number
  readonly code: string
  readonly details: ErrorDetail[]

  constructor(statusCode: number, code: string, message: string, details: ErrorDetail[] = []) {
    super(message)
    this.name = 'AppError'
    this.statusCode = statusCode
    this.code = code
    this.details = details
  }
}

/** Input that breaks a domain rule (400). `field` names the offending input. */
export function invalid(field: string, message: string, extra: Record<string, unknown> = {}): AppError {
  return new AppError(400, 'invalid_input', `${field}: ${message}`, [{ field, message, ...extra }])
}

export function notFound(what: string, id: string | number): AppError {
  return new AppError(404, 'not_found', `${what} ${id} not found`, [{ field: 'id', message: `no ${what} with id ${id}` }])
}

/** A state transition that the current state does not allow (409); the message names the state. */
export function conflict(message: string, details: ErrorDetail[] = []): AppError {
  return new AppError(409, 'conflict', message, details)
}

/** The database is down, overloaded or too slow (503); the client may retry. */
export function unavailable(message: string): AppError {
  return new AppError(503, 'unavailable', message)
}
