import type { RecordKind } from '../api/client'

// What the side panel shows, as one value: the map highlights it, the URL keeps it (`sel=`), and
// reloading the URL opens it again.

export const RECORD_KINDS: readonly RecordKind[] = ['major_hazard', 'hidden_danger', 'safety_risk', 'area_assessment', 'resource']

export type Selection = { kind: 'cell'; h3: string } | { kind: 'region'; code: string } | { kind: 'enterprise'; id: number } | { kind: RecordKind; id: number }

/** An H3 cell index as the API takes it: 15 hexadecimal digits. */
const H3_PATTERN = /^[0-9a-f]{15}$/
/** A division code (6 or 9 digits) or a management grid code, as `/api/regions/{code}` takes it. */
const REGION_PATTERN = /^[0-9A-Za-z_-]{1,40}$/

function isRecordKind(kind: string): kind is RecordKind {
  return (RECORD_KINDS as readonly string[]).includes(kind)
}

/** `cell:883025c2ebfffff`, `region:210102`, `enterprise:225`, `major_hazard:154`, … */
export function formatSelection(selection: Selection): string {
  switch (selection.kind) {
    case 'cell':
      return `cell:${selection.h3}`
    case 'region':
      return `region:${selection.code}`
    default:
      return `${selection.kind}:${selection.id}`
  }
}

/** Reads what formatSelection writes; null for anything else (a mistyped or foreign link). */
export function parseSelection(text: string | null | undefined): Selection | null {
  if (!text) return null
  const colon = text.indexOf(':')
  if (colon < 0) return null
  const kind = text.slice(0, colon)
  const value = text.slice(colon + 1)
  if (kind === 'cell') {
    const h3 = value.toLowerCase()
    return H3_PATTERN.test(h3) ? { kind, h3 } : null
  }
  if (kind === 'region') return REGION_PATTERN.test(value) ? { kind, code: value } : null
  if (!/^[1-9][0-9]{0,15}$/.test(value)) return null
  const id = Number(value)
  if (!Number.isSafeInteger(id)) return null
  if (kind === 'enterprise') return { kind, id }
  return isRecordKind(kind) ? { kind, id } : null
}

export function sameSelection(a: Selection | null, b: Selection | null): boolean {
  if (a === null || b === null) return a === b
  return formatSelection(a) === formatSelection(b)
}
