/** What other modules may use of the publications: which one is the latest, and its summary (the public portal, OGC's public collections). */
export { getPublication, latestPublicationId, type PublicationSummary } from './repository'
