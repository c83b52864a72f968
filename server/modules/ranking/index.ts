/** What other modules may use of the ranking: how a scenario moves it (modules/scenarios). */
export { scenarioRanking, type RankingOverlay, type ScenarioRanking } from './service'
