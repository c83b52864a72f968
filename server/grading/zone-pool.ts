/**
 * Worker threads for the CPU-bound part of a full regrade: the cells each source's zone covers (h3 work,
 * most of a province regrade's Node time; an area's polygon fill alone costs ~0.7 ms). A page of
 * sources is split among the workers and answered in order, while the calling thread waits on
 * PostgreSQL. With one core, or for a small page, the zones are computed on the calling thread: the
 * same function (zones.ts `sourceCells`) either way.
 */
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { MultiPolygon, Polygon } from 'geojson'
import { sourceCells, type SourceCells } from './zones'

type Point = { lon: number; lat: number; radiusM: number }
type Area = Polygon | MultiPolygon | null

export interface ZonePool {
  /** The zones of the points and areas (null: an area without a zone), in order. */
  cells(points: readonly Point[], areas: readonly Area[], res: number): Promise<SourceCells>
  close(): Promise<void>
}

/** Below this many sources per worker a page is computed on the calling thread: posting it would cost more. */
const MIN_PER_WORKER = 200

export function zonePool(size = availableParallelism()): ZonePool {
  const workers: Worker[] = []
  const ask = (worker: Worker, points: Point[], areas: readonly Area[], res: number) =>
    new Promise<SourceCells>((resolve, reject) => {
      const done = (m: { cells?: SourceCells; error?: string }) => {
        worker.off('error', reject)
        if (m.error !== undefined) reject(new Error(`zone worker: ${m.error}`))
        else resolve(m.cells!)
      }
      worker.once('message', done)
      worker.once('error', reject)
      worker.postMessage({ points, areas, res })
    })
  return {
    async cells(points, areas, res) {
      const n = Math.min(size, Math.floor((points.length + areas.length) / MIN_PER_WORKER))
      if (n < 2) return sourceCells(points, areas, res)
      while (workers.length < n) workers.push(new Worker(new URL('./zone-worker.mjs', import.meta.url)))
      const slice = <T>(list: readonly T[], i: number) => list.slice(Math.floor((i * list.length) / n), Math.floor(((i + 1) * list.length) / n))
      const parts = await Promise.all(
        workers.slice(0, n).map((w, i) =>
          ask(
            w,
            slice(points, i).map(({ lon, lat, radiusM }) => ({ lon, lat, radiusM })),
            slice(areas, i),
            res,
          ),
        ),
      )
      return { points: parts.flatMap((p) => p.points), areas: parts.flatMap((p) => p.areas) }
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()))
      workers.length = 0
    },
  }
}
