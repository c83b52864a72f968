import type { Level } from '../api/contract'
import type { Messages } from '../i18n'
import { IMAGE_NAMES, imageDataUrl, majorHazardImage } from '../map/images'
import {
  CELL_FILL_OPACITY,
  COVERAGE_GAP_COLORS,
  LEVEL_COLORS,
  LEVEL_OUTLINE_COLOR,
  RED_CELL_EDGE,
  REGION_COLORS,
  RISK_LEVELS,
  STALE_HATCH,
  blendOver,
} from '../map/levels'
import { OVERLAY_IDS, type OverlayId } from '../map/overlays'
import { BASEMAP_COLORS } from '../map/style'
import { el } from './dom'

export interface LegendOptions {
  /** The user switched an overlay on or off. */
  onToggle(id: OverlayId, visible: boolean): void
  /** Controls shown under an overlay's switch while it is on (the coverage gaps' capability and distance). */
  overlayControls?(id: OverlayId): HTMLElement | null
}

/** The swatch in front of each overlay's name. */
function overlaySwatch(id: OverlayId): HTMLElement {
  const swatch = el('span', `overlay-swatch overlay-swatch-${id}`)
  swatch.setAttribute('aria-hidden', 'true')
  switch (id) {
    case 'cells':
      swatch.style.background = `linear-gradient(90deg, ${RISK_LEVELS.map((l, i) => `${LEVEL_COLORS[l]} ${i * 25}% ${(i + 1) * 25}%`).join(', ')})`
      break
    case 'regions':
      swatch.style.borderColor = REGION_COLORS.line
      break
    case 'enterprises':
      swatch.style.backgroundColor = LEVEL_COLORS[3]
      swatch.style.borderColor = LEVEL_OUTLINE_COLOR
      break
    case 'major_hazards':
      swatch.style.backgroundImage = `url(${imageDataUrl(majorHazardImage(4))})`
      break
    case 'area_assessments':
      swatch.style.borderColor = LEVEL_COLORS[2]
      break
    case 'resources':
      swatch.style.backgroundImage = `url(${imageDataUrl(IMAGE_NAMES.resourceAvailable)})`
      break
    case 'overdue':
      swatch.style.backgroundImage = `url(${imageDataUrl(IMAGE_NAMES.overdue)})`
      break
    case 'coverage_gaps':
      swatch.style.borderColor = COVERAGE_GAP_COLORS.line
      swatch.style.borderWidth = '2px'
      break
  }
  return swatch
}

/**
 * The swatch of a level in a legend (staff map and public portal): the cell fill as drawn over the
 * county fill, edged in the level colour; red with the dark edge its cells have (RED_CELL_EDGE).
 */
export function levelSwatch(level: Level): HTMLSpanElement {
  const swatch = el('span', 'legend-swatch')
  const [r, g, b] = blendOver(LEVEL_COLORS[level], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)
  swatch.style.backgroundColor = `rgb(${r}, ${g}, ${b})`
  swatch.style.borderColor = level === 4 ? RED_CELL_EDGE : LEVEL_COLORS[level]
  return swatch
}

/**
 * The map legend: the four cell levels and the hatched "data stale" class, then a switch for every
 * overlay (with a note when an overlay is on but not drawn at this zoom), and how to reach regions.
 */
export class Legend {
  private readonly root: HTMLElement
  private readonly options: LegendOptions
  private messages: Messages
  private visible: Set<OverlayId>
  private zoom = 0
  /** Lowest zoom each overlay's tiles have data at (TileJSON `minzoom`), once known. */
  private minZooms: Partial<Record<OverlayId, number>> = {}

  constructor(root: HTMLElement, messages: Messages, visible: Iterable<OverlayId>, options: LegendOptions) {
    this.root = root
    this.messages = messages
    this.visible = new Set(visible)
    this.options = options
    this.render()
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  setVisible(visible: Iterable<OverlayId>): void {
    this.visible = new Set(visible)
    this.render()
  }

  /** The map's zoom and the overlays' minimum zooms, for the "zoom in to see" notes. */
  setZoom(zoom: number, minZooms: Partial<Record<OverlayId, number>>): void {
    const changed = OVERLAY_IDS.some((id) => this.hiddenByZoom(id, zoom, minZooms) !== this.hiddenByZoom(id, this.zoom, this.minZooms))
    this.zoom = zoom
    this.minZooms = minZooms
    if (changed) this.render()
  }

  private hiddenByZoom(id: OverlayId, zoom: number, minZooms: Partial<Record<OverlayId, number>>): boolean {
    const min = minZooms[id]
    return min !== undefined && zoom < min
  }

  private render(): void {
    const m = this.messages
    const title = el('h2', 'legend-title', m.legendTitle)
    title.id = 'legend-title'
    const levels = el('ul', 'legend-list')
    for (const level of RISK_LEVELS) {
      const item = el('li', 'legend-item')
      item.dataset.level = String(level)
      item.append(levelSwatch(level), el('span', 'legend-name', m.levelNames[level]))
      levels.append(item)
    }
    const stale = el('li', 'legend-item legend-stale')
    stale.title = m.staleTitle
    const hatch = el('span', 'legend-swatch legend-swatch-hatch')
    hatch.style.backgroundImage = `url(${imageDataUrl(IMAGE_NAMES.staleHatch, STALE_HATCH.swatchBackground)})`
    stale.append(hatch, el('span', 'legend-name', m.stale))
    levels.append(stale)

    const layersTitle = el('h2', 'legend-title legend-layers-title', m.layersTitle)
    const overlays = el('ul', 'legend-list legend-overlays')
    for (const id of OVERLAY_IDS) {
      const item = el('li', 'legend-overlay')
      item.dataset.overlay = id
      const label = el('label')
      const checkbox = el('input')
      checkbox.type = 'checkbox'
      checkbox.name = 'overlay'
      checkbox.value = id
      checkbox.checked = this.visible.has(id)
      checkbox.addEventListener('change', () => {
        if (checkbox.checked) this.visible.add(id)
        else this.visible.delete(id)
        this.options.onToggle(id, checkbox.checked)
        this.render()
      })
      label.append(checkbox, overlaySwatch(id), el('span', 'legend-name', m.layers[id]))
      if (this.visible.has(id) && this.hiddenByZoom(id, this.zoom, this.minZooms)) label.append(el('span', 'legend-note', m.zoomInToSee))
      item.append(label)
      const controls = this.visible.has(id) ? this.options.overlayControls?.(id) : null
      if (controls) item.append(controls)
      overlays.append(item)
    }
    this.root.replaceChildren(title, levels, layersTitle, overlays, el('p', 'legend-hint', m.regionHint))
  }
}
