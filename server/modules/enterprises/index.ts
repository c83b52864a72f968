/**
 * What other modules (and the grading engine) may use of the enterprises module: the store, through
 * which every INSERT and UPDATE of `enterprise` rows goes (docs/architecture.md, "Who owns a table").
 * Nothing here imports another module or the grading engine, so any of them may import it.
 */
export {
  deferRegisterIndexes,
  restoreRegisterIndexes,
  setCreditStatus,
  setMissingIndustryDepartments,
  setTier,
  updateSupervision,
  writeEnterpriseLevels,
  withKeysAtEnd,
  writeRegisterRows,
  REGISTER_SELECT,
  unchangedRegisterRow,
  type DeferredIndexes,
  type RegisterRow,
  type SupervisionColumns,
} from './store'
