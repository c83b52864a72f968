/**
 * What other modules may use of supervision: the tier rule's input for an enterprise and its
 * deployment option (the importer gives imported enterprises their tier by the same rule), and the
 * assignment of supervising departments to enterprises that have none (the importer runs it on
 * every batch).
 */
export { assignDepartments } from './assign'
export { DELEGATE_OUTLETS_TO_COUNTY, tierInput } from './tier-service'
