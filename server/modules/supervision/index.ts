/**
 * What other modules may use of supervision: the tier rule's input for an enterprise and its
 * deployment option (the importer gives imported enterprises their tier by the same rule), and the
 * choice of supervising departments for enterprises that have none (the importer gives a new
 * enterprise its industry department in the row it writes, and runs the assignment for stored ones).
 */
export { addSpecialistDepartments, assignDepartments, departmentNeeds, loadDepartmentChooser, type DepartmentChooser } from './assign'
export { DELEGATE_OUTLETS_TO_COUNTY, tierInput } from './tier-service'
