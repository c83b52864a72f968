/** What other modules may use of the tiles module: the data version and the database's date the tiles are cut at (the region report stamps itself with them). */
export { readDataState, type DataState } from './data-version'
