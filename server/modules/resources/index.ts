/**
 * What other modules may use of the resources module: the response measure (docs/domain.md §6),
 * the exact nearest resources to a point (the cell explanation, the incident context), the
 * nearest-resource item and its schema, and the bulk write of resource rows (the importer's).
 */
export { nearestResponders, RESPONSE_MEASURE, type Origin, type Responder } from './response'
export { nearestResources, type NearestFilter, type NearestQuery, type NearestResource } from './nearest'
export { nearestItemSchema, type NearestItem } from './schemas'
export { writeImportedResources } from './repository'
