/**
 * OpenStreetMap PBF extracts read as roads (docs/domain.md §6): every way tagged with a drivable
 * `highway=*` class becomes one record (its class, speed limit, direction and name) whose geometry is
 * the line through its nodes. The file is read twice, streaming, with osm-pbf-parser-node: first the
 * ways, to learn which nodes the roads use; then the nodes (only those kept in memory) and the ways
 * again, emitted as records. Splitting at the nodes that roads share happens in the roads kind.
 */
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import { OSMTransform } from 'osm-pbf-parser-node'
import type { LineString, MultiLineString } from 'geojson'
import { isRoadClass, osmDirection, parseMaxspeed } from '../../domain/roads'
import { fileError } from './bytes'
import type { ImportNote, RecordReader, SourceRecord } from './records'

/** The 15 first bytes of every OSM PBF file: a 4-byte header length, then BlobHeader{type: "OSMHeader"}. */
export function looksLikeOsmPbf(head: Buffer): boolean {
  return (
    head.length >= 15 &&
    head.readUInt32BE(0) > 0 &&
    head.readUInt32BE(0) < 65_536 &&
    head[4] === 0x0a &&
    head[5] === 0x09 &&
    head.toString('latin1', 6, 15) === 'OSMHeader'
  )
}

/** Way tags the import reads; others are not even decoded. */
const WAY_TAGS = ['highway', 'maxspeed', 'oneway', 'junction', 'name', 'access']

interface OsmWay {
  type: 'way'
  id: number
  refs: number[]
  tags?: Record<string, string>
}
interface OsmNode {
  type: 'node'
  id: number
  lon: number
  lat: number
}

/** A way the import keeps: a drivable class, not closed to all traffic. */
function isRoad(way: OsmWay): boolean {
  const tags = way.tags ?? {}
  return isRoadClass(tags.highway) && tags.access !== 'no' && way.refs.length >= 2
}

/** Streams the entities of the file in batches, counting the bytes read. */
async function* entities(file: string, onBytes: (n: number) => void): AsyncGenerator<Array<OsmWay | OsmNode | { type?: undefined }>> {
  const input = fs.createReadStream(file)
  input.on('data', (chunk) => onBytes(chunk.length))
  const osm = new OSMTransform({ withTags: { node: false, way: WAY_TAGS, relation: false }, withInfo: false })
  input.on('error', (err) => osm.destroy(err))
  input.pipe(osm)
  try {
    for await (const batch of osm as AsyncIterable<Array<OsmWay | OsmNode | { type?: undefined }>>) yield batch
  } catch (err) {
    throw fileError('osm_unreadable', { detail: (err as Error).message }, `not a readable OpenStreetMap PBF file: ${(err as Error).message} (is it truncated?)`)
  } finally {
    input.destroy()
  }
}

/** Opens an OSM PBF file (on disk) as a reader of road records. */
export async function openOsmPbf(file: string, counter: { bytes: number }): Promise<RecordReader> {
  const size = (await fsp.stat(file)).size
  const notes: ImportNote[] = []
  async function* records(): AsyncGenerator<SourceRecord> {
    // Pass 1: the nodes the roads use (and how many ways are roads).
    let read = 0
    const needed = new Set<number>()
    for await (const batch of entities(file, (n) => {
      read += n
      counter.bytes = Math.round(read / 2)
    })) {
      for (const e of batch) if (e.type === 'way' && isRoad(e)) for (const ref of e.refs) needed.add(ref)
    }
    // Pass 2: their coordinates, then the roads as records.
    const coords = new Map<number, [number, number]>()
    let row = 0
    let clipped = 0
    let dropped = 0
    read = 0
    for await (const batch of entities(file, (n) => {
      read += n
      counter.bytes = Math.round(size / 2 + read / 2)
    })) {
      for (const e of batch) {
        if (e.type === 'node') {
          if (needed.has(e.id)) coords.set(e.id, [e.lon, e.lat])
          continue
        }
        if (e.type !== 'way' || !isRoad(e)) continue
        // Nodes missing from the extract (a way cut at its border): keep the runs of present nodes.
        const runs: Array<Array<[number, number]>> = [[]]
        for (const ref of e.refs) {
          const p = coords.get(ref)
          if (p) runs[runs.length - 1]!.push(p)
          else if (runs[runs.length - 1]!.length > 0) runs.push([])
        }
        const lines = runs.filter((r) => r.length >= 2)
        if (lines.length === 0) {
          dropped++
          continue
        }
        if (lines.length !== 1 || lines[0]!.length !== e.refs.length) clipped++
        const tags = e.tags ?? {}
        const direction = osmDirection(tags)
        const oriented = direction === 'backward' ? lines.map((l) => l.slice().reverse()).reverse() : lines
        const geometry: LineString | MultiLineString =
          oriented.length === 1 ? { type: 'LineString', coordinates: oriented[0]! } : { type: 'MultiLineString', coordinates: oriented }
        row++
        yield {
          row,
          line: row,
          values: {
            class: tags.highway,
            // An unreadable limit ("CN:urban", "signals") is no limit: the class default applies.
            maxspeed: parseMaxspeed(tags.maxspeed),
            oneway: direction !== 'both',
            name: tags.name ?? null,
            osmWayId: e.id,
          },
          geometry,
        }
      }
    }
    if (clipped > 0)
      notes.push({ code: 'osm_ways_clipped', params: { count: clipped }, text: `${clipped} ways reach beyond the extract: kept their parts inside it` })
    if (dropped > 0)
      notes.push({ code: 'osm_ways_dropped', params: { count: dropped }, text: `${dropped} ways have fewer than two nodes inside the extract: left out` })
    if (row === 0) throw fileError('osm_no_roads', {}, 'the OpenStreetMap file has no drivable roads (ways tagged highway=motorway … living_street)')
  }
  return {
    format: 'osm-pbf',
    encoding: null,
    headers: ['class', 'maxspeed', 'oneway', 'name', 'osmWayId'],
    declaredCrs: null,
    records: records(),
    notes,
    async close() {},
  }
}
