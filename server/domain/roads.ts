/**
 * The road network's vocabulary (docs/domain.md §6): road classes (OpenStreetMap `highway` values),
 * their default speeds when a road has no speed limit of its own, and the factor an emergency
 * vehicle (siren, priority at junctions) drives at relative to that speed.
 */

export const ROAD_CLASSES = [
  'motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'service',
  'motorway_link', 'trunk_link', 'primary_link', 'secondary_link', 'tertiary_link', 'living_street',
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
}

/** Problems of one road's attributes (geometry is checked where it is parsed). */
export function roadProblems(road: RoadInput): RoadProblem[] {
  const problems: RoadProblem[] = []
  if (road.roadClass === undefined || road.roadClass === null || road.roadClass === '') {
    problems.push({ field: 'class', message: 'is required (an OpenStreetMap highway value, e.g. primary, residential)' })
  } else if (!isRoadClass(road.roadClass)) {
    problems.push({ field: 'class', message: `unknown road class "${String(road.roadClass)}"; one of ${ROAD_CLASSES.join(', ')}` })
  }
  const speed = road.maxspeedKmh
  if (speed !== undefined && speed !== null && speed !== '') {
    if (typeof speed !== 'number' || !Number.isFinite(speed)) problems.push({ field: 'maxspeed', message: `must be a number of km/h, got "${String(speed)}"` })
    else if (speed <= 0) problems.push({ field: 'maxspeed', message: `must be positive, got ${speed}` })
    else if (speed > MAX_SPEED_KMH) problems.push({ field: 'maxspeed', message: `must be at most ${MAX_SPEED_KMH} km/h, got ${speed}` })
  }
  if (road.oneway !== undefined && road.oneway !== null && typeof road.oneway !== 'boolean') {
    problems.push({ field: 'oneway', message: 'must be true or false' })
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
