// A zone worker (zone-pool.ts): answers { points, areas, res } with zones.ts `sourceCells`. Plain
// JavaScript that registers tsx's loader itself: a worker thread does not inherit the loader of
// the thread that starts it (tsx, vitest), and zones.ts is TypeScript.
import { parentPort } from 'node:worker_threads'
import { register } from 'tsx/esm/api'

register()
const { sourceCells } = await import('./zones.ts')

parentPort.on('message', ({ points, areas, res }) => {
  try {
    parentPort.postMessage({ cells: sourceCells(points, areas, res) })
  } catch (err) {
    parentPort.postMessage({ error: err instanceof Error ? err.message : String(err) })
  }
})
