import type { DivisionRef } from '../map/contains'

// What an exported map says about itself: its file name, the place it shows and the data version.
// Pure functions.

/** Pixel ratios the export offers: the screen's CSS pixels (1×) and print quality (2×). */
export const EXPORT_RATIOS = [1, 2] as const
export type ExportRatio = (typeof EXPORT_RATIOS)[number]

/** `riskmap-2026-11-28.png`, and `riskmap-2026-11-28@2x.png` for a 2× picture. */
export function exportFileName(date: string, ratio: ExportRatio): string {
  return `riskmap-${date}${ratio === 1 ? '' : `@${ratio}x`}.png`
}

/**
 * The data version in a tile URL template (`…/{z}/{x}/{y}.mvt?v=42`), which the server bumps with
 * every write and regrade; null when the URL carries none.
 */
export function dataVersionOf(tileUrl: string): number | null {
  const match = /[?&]v=(\d+)(?:&|$)/.exec(tileUrl)
  return match ? Number(match[1]) : null
}

/**
 * The place a view shows, for its title: the finest division that contains the view's centre and
 * every other sample point (`samples[0]` lists the divisions at the centre, the others those at
 * points around it); when none contains them all, the coarsest division at the centre (the city);
 * null when the centre is in no division.
 */
export function viewPlace(samples: readonly (readonly DivisionRef[])[]): DivisionRef | null {
  const [centre = [], ...others] = samples
  const inAll = centre.filter((division) => others.every((list) => list.some((d) => d.code === division.code)))
  return inAll[inAll.length - 1] ?? centre[0] ?? null
}
