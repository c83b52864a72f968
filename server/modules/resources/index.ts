/** What other modules may use of the resources module: the response measure (docs/domain.md §6). */
export { nearestResponders, RESPONSE_MEASURE, type Origin, type Responder } from './response'
export type { NearestFilter } from './nearest'
