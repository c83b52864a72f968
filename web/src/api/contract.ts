// The server's own response types, imported type-only: erased at build, so the page bundles no server
// code, and a change of the server's shape fails the type check here instead of drifting from a copy.
export type { RankingMove, ScenarioRanking } from '../../../server/modules/ranking/service'
export type { ScenarioResult } from '../../../server/modules/scenarios/service'
