/** Closed vocabularies of enforcement (docs/domain.md §7), shared by the enforcement module and the responses that show an enterprise's enforcement state. */

/** Credit status (安全生产诚信): good, warned, blacklisted. */
export const CREDIT_STATUSES = ['good', 'warned', 'blacklisted'] as const
export type CreditStatus = (typeof CREDIT_STATUSES)[number]

/** The result of an inspection, once it is done. */
export const INSPECTION_RESULTS = ['compliant', 'violations_found', 'not_found', 'closed'] as const
export type InspectionResult = (typeof INSPECTION_RESULTS)[number]
