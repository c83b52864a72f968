/**
 * Writes small OpenStreetMap PBF files for tests, field by field after the OSM-binary .proto files
 * (fileformat.proto, osmformat.proto), with the `pbf` protobuf writer and zlib: an OSMHeader blob,
 * then one OSMData blob with the nodes (DenseNodes) and one with the ways, as extracts are laid out.
 */
import { deflateSync } from 'node:zlib'
import { PbfWriter as Pbf } from 'pbf'

export interface PbfNode {
  id: number
  lon: number
  lat: number
}
export interface PbfWay {
  id: number
  refs: number[]
  tags: Record<string, string>
}

function message(write: (pbf: Pbf) => void): Uint8Array {
  const pbf = new Pbf()
  write(pbf)
  return pbf.finish()
}

/** A file block: 4-byte length, BlobHeader {type, datasize}, Blob {raw_size, zlib_data}. */
function block(type: 'OSMHeader' | 'OSMData', data: Uint8Array): Buffer {
  const blob = message((p) => {
    p.writeVarintField(2, data.length)
    p.writeBytesField(3, deflateSync(data))
  })
  const header = message((p) => {
    p.writeStringField(1, type)
    p.writeVarintField(3, blob.length)
  })
  const length = Buffer.alloc(4)
  length.writeUInt32BE(header.length)
  return Buffer.concat([length, header, blob])
}

/** PrimitiveBlock {stringtable, primitivegroup} with the default granularity (100 nanodegrees). */
function primitiveBlock(strings: string[], group: (p: Pbf) => void): Uint8Array {
  return message((p) => {
    p.writeMessage(
      1,
      (_: null, st: Pbf) => {
        for (const s of strings) st.writeBytesField(1, Buffer.from(s, 'utf8'))
      },
      null,
    )
    p.writeMessage(2, (_: null, g: Pbf) => group(g), null)
  })
}

const delta = (values: number[]) => values.map((v, i) => (i === 0 ? v : v - values[i - 1]!))

/** The bytes of an .osm.pbf file holding these nodes and ways. */
export function osmPbf(nodes: PbfNode[], ways: PbfWay[]): Buffer {
  const header = message((p) => {
    p.writeStringField(4, 'OsmSchema-V0.6')
    p.writeStringField(4, 'DenseNodes')
    p.writeStringField(16, 'riskmap-test')
  })
  const nodeBlock = primitiveBlock([''], (g) => {
    g.writeMessage(
      2,
      (_: null, d: Pbf) => {
        d.writePackedSVarint(1, delta(nodes.map((n) => n.id)))
        d.writePackedSVarint(8, delta(nodes.map((n) => Math.round(n.lat * 1e7))))
        d.writePackedSVarint(9, delta(nodes.map((n) => Math.round(n.lon * 1e7))))
      },
      null,
    )
  })
  const strings = ['']
  const index = (s: string) => {
    let i = strings.indexOf(s)
    if (i < 0) i = strings.push(s) - 1
    return i
  }
  const encoded = ways.map((w) => ({ id: w.id, refs: delta(w.refs), keys: Object.keys(w.tags).map(index), vals: Object.values(w.tags).map(index) }))
  const wayBlock = primitiveBlock(strings, (g) => {
    for (const w of encoded) {
      g.writeMessage(
        3,
        (_: null, m: Pbf) => {
          m.writeVarintField(1, w.id)
          m.writePackedVarint(2, w.keys)
          m.writePackedVarint(3, w.vals)
          m.writePackedSVarint(8, w.refs)
        },
        null,
      )
    }
  })
  return Buffer.concat([block('OSMHeader', header), block('OSMData', nodeBlock), block('OSMData', wayBlock)])
}
