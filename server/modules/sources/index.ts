/**
 * What other modules may use of the sources module: the hidden-danger records (inspections record
 * them), the grading of a method block (the importer grades rows with it), the end of a write
 * that touches a grading source (regrade and audit, docs/domain.md §9), and the store's bulk writes
 * of source rows (the importer writes its rows with them).
 */
export { hiddenDangerRecordSchema, hiddenDangers, type HiddenDangerRecord, type HiddenDangerResponse } from './hidden-dangers'
export { gradeByMethod, locationProperties, regradeAndAudit, regradeSchema, type MethodColumns, type MethodInput, type RegradeSummary } from './shared'
export {
  insertSourceRows,
  replaceMajorHazardSubstances,
  updateSourceRows,
  writeAreaAssessmentRows,
  type ImportedSourceRow,
  type ImportedSourceTable,
} from './store'
