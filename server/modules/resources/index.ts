/** What other modules may use of the resources module: the response measure (docs/domain.md §6) and the nearest-resource item. */
export { nearestResponders, RESPONSE_MEASURE, type Origin, type Responder } from './response'
export type { NearestFilter } from './nearest'
export { nearestItemSchema, type NearestItem } from './schemas'
