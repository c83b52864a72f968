/** What other modules may use of the road network (docs/architecture.md, "Another module's data"): replacing it, e.g. by an import. */
export { bumpNetworkVersion, clearNetwork, insertRoads, type RoadWrite } from './network'
export { coverageByTime, type CoverageByTime, type PointCoverage } from './coverage-time'
