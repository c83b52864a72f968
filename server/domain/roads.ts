/**
 * The road network's vocabulary (docs/domain.md §6): road classes (OpenStreetMap `highway` values),
 * their default speeds when a road has no speed limit of its own, and the factor an emergency
 * vehicle (siren, priority at junctions) drives at relative to that speed.
 */

export const ROAD_CLASSES = [
  'motorway',
  'trunk',
  'primary',
  'secondary',
  'tertiary',
  'unclassified',
  'residential',
  'service',
  'motorway_link',
  'trunk_link',
  'primary_link',
  'secondary_link',
  'tertiary_link',
  'living_street',
] as const
export type RoadClass = (typeof ROAD_CLASSES)[number]

export interface RoadClassSpeed {
  /** Speed when the road gives none, km/h (typical urban limits in China, GB 5768 / the road traffic safety law). */
  defaultSpeedKmh: number
  /** Emergency vehicles' speed relative to it: > 1 on congested local streets (priority), ≤ 1 where the limit is already high. */
  emergencyFactor: number
}

/** Defaults per class; the `road_class` table starts from these and an admin may change them. */
export const ROAD_CLASS_DEFAULTS: Record<RoadClass, RoadClassSpeed> = {
  motorway: { defaultSpeedKmh: 100, emergencyFactor: 1.0 },
  trunk: { defaultSpeedKmh: 80, emergencyFactor: 1.0 },
  primary: { defaultSpeedKmh: 60, emergencyFactor: 1.1 },
  secondary: { defaultSpeedKmh: 50, emergencyFactor: 1.1 },
  tertiary: { defaultSpeedKmh: 40, emergencyFactor: 1.2 },
  unclassified: { defaultSpeedKmh: 30, emergencyFactor: 1.2 },
  residential: { defaultSpeedKmh: 30, emergencyFactor: 1.2 },
  service: { defaultSpeedKmh: 20, emergencyFactor: 1.0 },
  motorway_link: { defaultSpeedKmh: 60, emergencyFactor: 1.0 },
  trunk_link: { defaultSpeedKmh: 50, emergencyFactor: 1.0 },
  primary_link: { defaultSpeedKmh: 40, emergencyFactor: 1.1 },
  secondary_link: { defaultSpeedKmh: 40, emergencyFactor: 1.1 },
  tertiary_link: { defaultSpeedKmh: 30, emergencyFactor: 1.2 },
  living_street: { defaultSpeedKmh: 15, emergencyFactor: 1.0 },
}

export function isRoadClass(value: unknown): value is RoadClass {
  return typeof value === 'string' && (ROAD_CLASSES as readonly string[]).includes(value)
}

/** Highest speed limit accepted on an edge, km/h (above any legal limit in China: 120). */
export const MAX_SPEED_KMH = 150

export interface RoadInput {
  roadClass: unknown
  /** Posted speed limit, km/h; null or absent → the class default. */
  maxspeedKmh?: unknown
  oneway?: unknown
}

export interface RoadProblem {
  field: string
  message: string
  /** A stable code of the problem and its numbers, for a page to word in its language. */
  code: 'road_class_required' | 'road_class_unknown' | 'road_speed_not_number' | 'road_speed_not_positive' | 'road_speed_too_high' | 'road_oneway_not_boolean'
  params?: Record<string, string | number | string[]>
}

/** Problems of one road's attributes (geometry is checked where it is parsed). */
export function roadProblems(road: RoadInput): RoadProblem[] {
  const problems: RoadProblem[] = []
  if (road.roadClass === undefined || road.roadClass === null || road.roadClass === '') {
    problems.push({ field: 'class', code: 'road_class_required', message: 'is required (an OpenStreetMap highway value, e.g. primary, residential)' })
  } else if (!isRoadClass(road.roadClass)) {
    problems.push({
      field: 'class',
      code: 'road_class_unknown',
      params: { text: String(road.roadClass), allowed: [...ROAD_CLASSES] },
      message: `unknown road class "${String(road.roadClass)}"; one of ${ROAD_CLASSES.join(', ')}`,
    })
  }
  const speed = road.maxspeedKmh
  if (speed !== undefined && speed !== null && speed !== '') {
    if (typeof speed !== 'number' || !Number.isFinite(speed))
      problems.push({
        field: 'maxspeed',
        code: 'road_speed_not_number',
        params: { text: String(speed) },
        message: `must be a number of km/h, got "${String(speed)}"`,
      })
    else if (speed <= 0)
      problems.push({ field: 'maxspeed', code: 'road_speed_not_positive', params: { number: speed }, message: `must be positive, got ${speed}` })
    else if (speed > MAX_SPEED_KMH)
      problems.push({
        field: 'maxspeed',
        code: 'road_speed_too_high',
        params: { number: speed, max: MAX_SPEED_KMH },
        message: `must be at most ${MAX_SPEED_KMH} km/h, got ${speed}`,
      })
  }
  if (road.oneway !== undefined && road.oneway !== null && typeof road.oneway !== 'boolean') {
    problems.push({ field: 'oneway', code: 'road_oneway_not_boolean', message: 'must be true or false' })
  }
  return problems
}

/**
 * Parses an OpenStreetMap `maxspeed` tag: "60", "60 km/h", "35 mph", "CN:urban"… → km/h, or null
 * when it is missing or not a number (the class default applies then).
 */
export function parseMaxspeed(tag: string | undefined): number | null {
  if (!tag) return null
  const m = /^\s*(\d+(?:\.\d+)?)\s*(km\/h|kmh|kph|mph)?\s*$/i.exec(tag)
  if (!m) return null
  const value = Number(m[1]) * (m[2]?.toLowerCase() === 'mph' ? 1.609344 : 1)
  return value > 0 && value <= MAX_SPEED_KMH ? value : null
}

/** An emergency vehicle's speed on a road, km/h. */
export function emergencySpeedKmh(speed: RoadClassSpeed, maxspeedKmh: number | null): number {
  return (maxspeedKmh ?? speed.defaultSpeedKmh) * speed.emergencyFactor
}

/** Vertex key: coordinates rounded to 1e-7° (≈ 1 cm), so road ends and crossings that coincide join. */
export function roadVertexKey([lon, lat]: readonly [number, number] | readonly number[]): string {
  return `${Math.round(lon! * 1e7)},${Math.round(lat! * 1e7)}`
}

/**
 * Splits lines into routing edges at their junctions (docs/domain.md §6): an inner vertex that
 * another line (or the same line again) also passes through becomes an edge end, so roads that
 * cross at a shared vertex connect; roads that cross without one (a bridge over a street) stay
 * apart. Repeated consecutive vertices are dropped and edges shorter than two distinct vertices
 * vanish. Returns, per line, its pieces in order.
 */
export function splitAtJunctions(lines: ReadonlyArray<ReadonlyArray<[number, number]>>): Array<Array<Array<[number, number]>>> {
  const cleaned = lines.map((line) => {
    const out: Array<[number, number]> = []
    let last = ''
    for (const p of line) {
      const key = roadVertexKey(p)
      if (key !== last) out.push(p)
      last = key
    }
    return out
  })
  const uses = new Map<string, number>()
  for (const line of cleaned)
    for (const p of line) {
      const key = roadVertexKey(p)
      uses.set(key, (uses.get(key) ?? 0) + 1)
    }
  return cleaned.map((line) => {
    if (line.length < 2) return []
    const pieces: Array<Array<[number, number]>> = []
    let piece: Array<[number, number]> = [line[0]!]
    for (let i = 1; i < line.length; i++) {
      piece.push(line[i]!)
      if (i < line.length - 1 && (uses.get(roadVertexKey(line[i]!)) ?? 0) > 1) {
        pieces.push(piece)
        piece = [line[i]!]
      }
    }
    pieces.push(piece)
    return pieces
  })
}

/**
 * What an OpenStreetMap way's tags say about its direction: `oneway=yes|true|1` → along the way,
 * `oneway=-1|reverse` → against it, `oneway=no` → both; without the tag, motorways and roundabouts
 * are one-way (OSM's implied defaults), everything else two-way.
 */
export function osmDirection(tags: Readonly<Record<string, string | undefined>>): 'both' | 'forward' | 'backward' {
  const oneway = tags.oneway?.trim().toLowerCase()
  if (oneway === 'yes' || oneway === 'true' || oneway === '1') return 'forward'
  if (oneway === '-1' || oneway === 'reverse') return 'backward'
  if (oneway === 'no' || oneway === 'false' || oneway === '0') return 'both'
  if (tags.highway === 'motorway' || tags.junction === 'roundabout' || tags.junction === 'circular') return 'forward'
  return 'both'
}

/** Per-class speed settings that replace the defaults (ROAD_CLASS_SPEEDS): only what is given changes. */
export type ClassSpeedOverrides = Partial<Record<RoadClass, Partial<RoadClassSpeed>>>

/**
 * Parses `class=speed[:factor]` entries separated by commas, e.g. `residential=25,primary=50:1.2`
 * (speed in km/h, 1–150; emergency factor above 0, at most 3). Returns the overrides or the first problem.
 */
export function parseClassSpeeds(text: string): ClassSpeedOverrides | string {
  const out: ClassSpeedOverrides = {}
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^([a-z_]+)\s*=\s*([\d.]*)\s*(?::\s*([\d.]+))?$/.exec(entry)
    if (!m) return `"${entry}" is not class=speed[:factor] (e.g. residential=25 or primary=50:1.2)`
    const cls = m[1]!
    if (!isRoadClass(cls)) return `unknown road class "${cls}"; one of ${ROAD_CLASSES.join(', ')}`
    const setting: Partial<RoadClassSpeed> = {}
    if (m[2]) {
      const speed = Number(m[2])
      if (!(speed >= 1 && speed <= MAX_SPEED_KMH)) return `${cls}: the speed must be 1–${MAX_SPEED_KMH} km/h, got ${m[2]}`
      setting.defaultSpeedKmh = speed
    }
    if (m[3] !== undefined) {
      const factor = Number(m[3])
      if (!(factor > 0 && factor <= 3)) return `${cls}: the emergency factor must be above 0 and at most 3, got ${m[3]}`
      setting.emergencyFactor = factor
    }
    if (setting.defaultSpeedKmh === undefined && setting.emergencyFactor === undefined) return `${cls}: give a speed, a factor or both`
    out[cls] = setting
  }
  return out
}

/** The class speeds in force: the defaults with the overrides applied. */
export function classSpeeds(overrides: ClassSpeedOverrides): Record<RoadClass, RoadClassSpeed> {
  return Object.fromEntries(ROAD_CLASSES.map((c) => [c, { ...ROAD_CLASS_DEFAULTS[c], ...overrides[c] }])) as Record<RoadClass, RoadClassSpeed>
}
