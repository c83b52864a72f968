import fp from 'fastify-plugin'
import type { Knex } from 'knex'
import { AppError } from '../../errors'
import { DatabaseSetupError } from '../../db/check'
import type { RoutingEngine } from './engine'
import { createInProcessEngine } from './in-process'
import type { ClassSpeedOverrides } from '../../domain/roads'
import { applyClassSpeeds, networkSummary, networkVersion, SnapCache, type NetworkSummary } from './network'
import { createPgRoutingEngine } from './pgrouting'

declare module 'fastify' {
  interface FastifyInstance {
    /** Travel-time routing over the road network (docs/domain.md §6). */
    roads: Routing
  }
}

export interface RoutingSettings {
  /** A point farther than this from every road is off the network, metres. */
  maxSnapM: number
  /** Speed of the off-road leg between a point and its road, km/h. */
  offRoadKmh: number
}

export interface Routing {
  settings: RoutingSettings
  /** The engine, or null when routing is unavailable (then `unavailableReason` says why). */
  engine: RoutingEngine | null
  unavailableReason: string | null
  /** The engine, or a 503 naming what is missing. */
  require(): RoutingEngine
  /** The network's size, extent and top speed, read again only when its version changes. */
  summary(): Promise<NetworkSummary>
  /** Snapped points (resources, mostly) by network version. */
  snaps: SnapCache
}

/** Points whose snaps are kept (about 200 bytes each). */
const SNAP_CACHE_SIZE = 50_000

/**
 * Checks pgRouting the way db/check.ts checks PostGIS: installed on the server, enabled in the
 * database (created when the server has it and the role may). Returns its version, or why not.
 */
export async function checkPgRouting(db: Knex): Promise<{ version: string } | { reason: string }> {
  const { rows } = await db.raw<{ rows: Array<{ installed_version: string | null }> }>(
    "SELECT installed_version FROM pg_available_extensions WHERE name = 'pgrouting'",
  )
  if (!rows[0]) {
    const { rows: v } = await db.raw<{ rows: Array<{ server_version: string }> }>('SHOW server_version')
    const major = /^(\d+)/.exec(v[0]!.server_version)?.[1] ?? 'NN'
    return { reason: `pgRouting is not installed on the PostgreSQL server (Debian/Ubuntu: apt-get install postgresql-${major}-pgrouting)` }
  }
  if (!rows[0].installed_version) {
    try {
      await db.raw('CREATE EXTENSION IF NOT EXISTS pgrouting')
    } catch (err) {
      return {
        reason: `pgRouting is available but not enabled in this database, and enabling it failed (${(err as Error).message}); run "CREATE EXTENSION pgrouting;" as a superuser`,
      }
    }
  }
  const { rows: version } = await db.raw<{ rows: Array<{ v: string }> }>('SELECT pgr_version() AS v')
  return { version: version[0]!.v }
}

export interface RoutingPluginOptions extends RoutingSettings {
  engine: 'auto' | 'pgrouting' | 'in-process'
  /** ROAD_CLASS_SPEEDS: class speeds replacing the defaults, applied at start-up. */
  classSpeeds?: ClassSpeedOverrides
}

/**
 * Chooses the routing engine at start-up: the in-process one on the embedded database (or when
 * configured), pgRouting on a real server. Without pgRouting, `auto` starts anyway (routing
 * routes answer 503 with the reason, everything else works) and `pgrouting` refuses to start.
 */
export const routingPlugin = fp<RoutingPluginOptions>(
  async (app, options) => {
    let engine: RoutingEngine | null = null
    let unavailableReason: string | null = null
    let summaryCache: { version: number; summary: Promise<NetworkSummary> } | null = null
    const summary = async (): Promise<NetworkSummary> => {
      const version = await networkVersion(app.db)
      if (!summaryCache || summaryCache.version !== version) summaryCache = { version, summary: networkSummary(app.db) }
      return summaryCache.summary
    }
    const maxSpeedMps = async () => Math.max((await summary()).maxSpeedKmh, options.offRoadKmh) / 3.6
    const changed = await applyClassSpeeds(app.db, options.classSpeeds ?? {})
    if (changed.length > 0) app.log.info({ classes: changed }, 'road class speeds changed (ROAD_CLASS_SPEEDS): travel times recomputed')

    if (app.dbInfo.embedded || options.engine === 'in-process') {
      engine = createInProcessEngine(app.db)
    } else {
      const check = await checkPgRouting(app.db)
      if ('version' in check) {
        engine = createPgRoutingEngine(app.db, maxSpeedMps)
        app.log.info({ pgrouting: check.version }, 'travel-time routing by pgRouting')
      } else if (options.engine === 'pgrouting') {
        throw new DatabaseSetupError(
          `${check.reason}. ROUTING_ENGINE=pgrouting needs it; set ROUTING_ENGINE=auto to start without routing, or in-process to route in the service.`,
        )
      } else {
        unavailableReason = `${check.reason}. Travel-time routing is off until then (or set ROUTING_ENGINE=in-process).`
        app.log.warn(unavailableReason)
      }
    }
    app.decorate('roads', {
      settings: { maxSnapM: options.maxSnapM, offRoadKmh: options.offRoadKmh },
      engine,
      unavailableReason,
      require() {
        if (!engine) throw new AppError(503, 'routing_unavailable', unavailableReason ?? 'travel-time routing is unavailable')
        return engine
      },
      summary,
      snaps: new SnapCache(SNAP_CACHE_SIZE),
    } satisfies Routing)
  },
  { name: 'riskmap-routing', fastify: '5.x', dependencies: ['riskmap-db'] },
)
