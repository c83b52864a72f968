/** What other modules may use of transfer: table exports (CSV, XLSX) with the same writers and formula guard. */
export { cellValue, FORMULA_START, tableStream, type ExportStream } from './export'
