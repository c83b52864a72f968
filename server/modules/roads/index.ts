/**
 * What other modules may use of the road network (docs/architecture.md, "Another module's data"):
 * replacing it, e.g. by an import; the coverage of points by travel time; and what a travel-time
 * query over it is built from (modules/resources ranks resources by it): the routing handle and
 * its engine's routes, a point's snap, a route's drawn geometry, their schemas and the refusal
 * outside the network.
 */
export { bumpNetworkVersion, clearNetwork, insertRoads, snapOfRow, snapSubquery, type RoadWrite, type Snap } from './network'
export { coverageByTime, type CoverageByTime, type PointCoverage } from './coverage-time'
export type { EngineName, Route } from './engine'
export type { Routing } from './plugin'
export { outsideNetwork, routeGeometries, snapReport, type SnapReport } from './travel'
export { routeGeometrySchema, snapSchema } from './schemas'
