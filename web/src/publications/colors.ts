/** Colours of a level diff (publications, what-if scenarios): apart from the four level colours, so a change is not read as a level. */
export const DIFF_COLORS = { raised: '#c2185b', lowered: '#00897b', shares: '#5b6670' } as const
