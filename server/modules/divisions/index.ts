/** What other modules may use of the divisions: the division units with their (simplified) boundaries (the public portal's basemap). */
export { listDivisions, type DivisionFilter, type DivisionRow } from './repository'
