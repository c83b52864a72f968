/**
 * What other modules may use of enforcement: a planned inspection of an enterprise, written here
 * because this module owns the inspection table (the reports module turns a report into an
 * inspection task with it, in its own transaction).
 */
export { insertPlannedInspection } from './repository'
