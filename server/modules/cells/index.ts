/** What other modules may use of the cells module: a region's row, the sources behind it named within a read scope, and the cell changes (the region report). */
export { changes, getRegion, sourceNames, type RegionKind } from './repository'
