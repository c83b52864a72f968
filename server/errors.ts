/** The one error type of the service, defined beside the pure rules that throw it (server/domain/errors.ts). */
export * from './domain/errors'
