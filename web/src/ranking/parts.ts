// The parts of the priority score (server/domain/rules.ts PRIORITY_PARTS, docs/ranking.md), their
// colours in the stacked bars and the priority classes of the map mode; the texts are messages.ts's.

export const PARTS = ['riskLevel', 'riskScore', 'exposure', 'coverageGap', 'responseDistance', 'overdue', 'openHiddenDangers'] as const
export type Part = (typeof PARTS)[number]

/** Bar colours: reds for risk, purple for exposure, blues for coverage, greys-browns for backlog. */
export const PART_COLORS: Readonly<Record<Part, string>> = {
  riskLevel: '#c62828',
  riskScore: '#ef9a9a',
  exposure: '#7b1fa2',
  coverageGap: '#1565c0',
  responseDistance: '#90caf9',
  overdue: '#6d4c41',
  openHiddenDangers: '#bcaaa4',
}

/**
 * Fill of each priority class on the map, first (highest priority, darkest) to last: one sequential
 * purple, a hue none of the four risk levels (red, orange, yellow, blue) has, so that nobody reads a
 * priority class as a risk level. Lightness steps evenly, so the order survives greyscale print.
 */
export const PRIORITY_CLASS_COLORS = ['#4a1470', '#7b3fa0', '#a673c4', '#cda8e0', '#efe2f6'] as const

/** How many priority classes the map mode colours the areas by. */
export const PRIORITY_CLASS_COUNT = PRIORITY_CLASS_COLORS.length

/**
 * The priority class (0 = highest priority … PRIORITY_CLASS_COUNT − 1) of each area from its rank
 * (1 = first; equal scores share a rank) among `ranks.length` ranked areas: the ranks cut into
 * equal fifths, so areas that share a rank share a class. With fewer areas than classes, some
 * classes stay empty and the first area is always in class 0.
 */
export function priorityClasses(ranks: readonly number[]): number[] {
  const n = ranks.length
  return ranks.map((rank) => Math.min(PRIORITY_CLASS_COUNT - 1, Math.max(0, Math.floor(((rank - 1) * PRIORITY_CLASS_COUNT) / n))))
}
