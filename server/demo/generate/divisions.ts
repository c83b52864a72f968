/**
 * Rows of the division and mgmt_grid tables, from the layout.
 */
import { traceRegion } from './lattice'
import { FACTS, type Layout } from './layout'
import { type DivisionRow, type MgmtGridRow } from './rows'

export function divisionRows(layout: Layout): DivisionRow[] {
  const { lattice, countyOf, townshipOf } = layout
  const rows: DivisionRow[] = [
    {
      code: FACTS.city.code,
      name: FACTS.city.name,
      name_en: FACTS.city.name_en,
      rank: 'city',
      parent_code: null,
      synthetic: true,
      geom: traceRegion(lattice, layout.cityCells, (i) => countyOf[i]! >= 0),
    },
  ]
  layout.counties.forEach((county, ci) => {
    rows.push({
      code: county.fact.code,
      name: county.fact.name,
      name_en: county.fact.name_en,
      rank: 'county',
      parent_code: FACTS.city.code,
      synthetic: true,
      geom: traceRegion(lattice, county.cells, (i) => countyOf[i] === ci),
    })
  })
  layout.townships.forEach((township, ti) => {
    rows.push({
      code: township.code,
      name: township.name,
      name_en: township.name_en,
      rank: 'township',
      parent_code: layout.counties[township.county]!.fact.code,
      synthetic: true,
      geom: traceRegion(lattice, township.cells, (i) => townshipOf[i] === ti),
    })
  })
  return rows
}

export function gridRows(layout: Layout): MgmtGridRow[] {
  return layout.grids.map((grid, gi) => ({
    id: grid.id,
    code: grid.code,
    name: grid.name,
    division_code: layout.townships[grid.township]!.code,
    geom: traceRegion(layout.lattice, grid.cells, (i) => layout.gridOf[i] === gi),
  }))
}
