/**
 * What other modules may use of the sources module: the hidden-danger records (inspections record
 * them) and the end of a write that touches a grading source (regrade and audit, docs/domain.md §9).
 */
export { hiddenDangers, type HiddenDangerRecord } from './hidden-dangers'
export { locationProperties, regradeAndAudit, regradeSchema, type RegradeSummary } from './shared'
