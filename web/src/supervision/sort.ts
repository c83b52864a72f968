import type { CoverageDivision, CoverageGapKind } from './api'

/** A column of the per-division table. */
export type DivisionColumn = 'code' | 'name' | 'enterprises' | 'withGaps' | CoverageGapKind

export interface DivisionSort {
  column: DivisionColumn
  descending: boolean
}

/** The value a division row is sorted by in a column. */
export function divisionValue(row: CoverageDivision, column: DivisionColumn): string | number {
  switch (column) {
    case 'code':
      return row.code
    case 'name':
      return row.name ?? row.code
    case 'enterprises':
      return row.enterprises
    case 'withGaps':
      return row.withGaps
    default:
      return row.gaps[column]
  }
}

/** The rows sorted by a column (ties by code, always ascending), as a new array. */
export function sortDivisions(rows: readonly CoverageDivision[], sort: DivisionSort, locale: string): CoverageDivision[] {
  const sign = sort.descending ? -1 : 1
  return [...rows].sort((a, b) => {
    const x = divisionValue(a, sort.column)
    const y = divisionValue(b, sort.column)
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), locale)
    return order !== 0 ? sign * order : a.code.localeCompare(b.code)
  })
}

/** The sort after a click on a column head: the same column flips, another starts descending for counts, ascending for text. */
export function nextSort(current: DivisionSort, column: DivisionColumn): DivisionSort {
  if (current.column === column) return { column, descending: !current.descending }
  return { column, descending: column !== 'code' && column !== 'name' }
}
