/**
 * What other modules may use of the divisions: the division units with their (simplified) boundaries
 * (the public portal's basemap), the SQL that finds the division containing a geometry (the sources
 * store and the importer), and the store, every write of division and mgmt_grid rows (the importer).
 */
export { divisionOfSql, listDivisions, type DivisionFilter, type DivisionRow } from './repository'
export { setDivisionParents, upsertDivisions, upsertMgmtGrids } from './store'
