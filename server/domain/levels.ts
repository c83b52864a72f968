/**
 * Risk levels shared by every grading rule, the aggregation model and the map.
 * 0 = none identified (never drawn as blue), 1 blue 低风险, 2 yellow 一般风险, 3 orange 较大风险,
 * 4 red 重大风险 (docs/domain.md §2).
 */
export type Level = 0 | 1 | 2 | 3 | 4

/** A level that marks an actual risk (0 excluded); used as a key in weight and radius tables. */
export type RiskLevel = 1 | 2 | 3 | 4

/** The stable string key of each level, indexed by level (`LEVEL_KEYS[4] === 'red'`). */
export const LEVEL_KEYS = ['none', 'blue', 'yellow', 'orange', 'red'] as const

export type LevelKey = (typeof LEVEL_KEYS)[number]

/** Map fill colour of each level, CSS hex. Level 0 is a neutral grey for legends; the map does not fill it. */
export const LEVEL_COLORS: Readonly<Record<Level, string>> = {
  0: '#bfbfbf',
  1: '#1e64c8',
  2: '#ffd200',
  3: '#ff8c00',
  4: '#e60012',
}

/** Display names of each level in Chinese and English. */
export const LEVEL_LABELS: Readonly<Record<Level, { zh: string; en: string }>> = {
  0: { zh: '未识别', en: 'none identified' },
  1: { zh: '低风险', en: 'low (blue)' },
  2: { zh: '一般风险', en: 'moderate (yellow)' },
  3: { zh: '较大风险', en: 'high (orange)' },
  4: { zh: '重大风险', en: 'major (red)' },
}

/** True when `x` is one of the integers 0..4. */
export function isLevel(x: unknown): x is Level {
  return x === 0 || x === 1 || x === 2 || x === 3 || x === 4
}

/** True when `x` is one of the integers 1..4 (a level that marks a risk). */
export function isRiskLevel(x: unknown): x is RiskLevel {
  return x === 1 || x === 2 || x === 3 || x === 4
}

/** The highest of the given levels (就高); 0 when none is given. */
export function maxLevel(...levels: Level[]): Level {
  let max: Level = 0
  for (const level of levels) if (level > max) max = level
  return max
}

/** The string key of a level (`levelKey(3) === 'orange'`). */
export function levelKey(level: Level): LevelKey {
  return LEVEL_KEYS[level]
}

/** The level of a string key, or undefined for an unknown key. */
export function levelFromKey(key: string): Level | undefined {
  const index = (LEVEL_KEYS as readonly string[]).indexOf(key)
  return index >= 0 ? (index as Level) : undefined
}
