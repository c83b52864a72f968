/**
 * What other modules may use of the sources module: the hidden-danger records (inspections record
 * them), the grading of a method block (the importer grades rows with it), and the end of a write
 * that touches a grading source (regrade and audit, docs/domain.md §9).
 */
export { hiddenDangerRecordSchema, hiddenDangers, type HiddenDangerRecord, type HiddenDangerResponse } from './hidden-dangers'
export { gradeByMethod, locationProperties, regradeAndAudit, regradeSchema, type MethodColumns, type MethodInput, type RegradeSummary } from './shared'
