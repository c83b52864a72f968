import type { Selection } from '../state/selection'
import { CellView } from './cell'
import { EnterpriseView } from './enterprise'
import { RecordView } from './record'
import { RegionView } from './region'
import type { PanelDeps, PanelView } from './view'

/** The panel view of a selection. */
export function createPanelView(selection: Selection, deps: PanelDeps): PanelView {
  switch (selection.kind) {
    case 'cell':
      return new CellView(selection.h3, deps)
    case 'region':
      return new RegionView(selection.code, deps)
    case 'enterprise':
      return new EnterpriseView(selection.id)
    default:
      return new RecordView(selection.kind, selection.id, deps)
  }
}
