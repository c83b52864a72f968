import type { IControl, Map as MaplibreMap, VectorTileSource } from 'maplibre-gl'
import { fetchEnterprises } from '../api/client'
import { MESSAGES, parseLang, type Lang } from '../i18n'
import type { DivisionRef } from '../map/contains'
import { IMAGE_NAMES, imageCanvas, majorHazardImage } from '../map/images'
import { CELL_FILL_OPACITY, LEVEL_COLORS, LEVEL_OUTLINE_COLOR, RED_CELL_EDGE, REGION_COLORS, RISK_LEVELS, STALE_HATCH, blendOver } from '../map/levels'
import { LAYER_IDS, overlaySourceId } from '../map/layers'
import { BASEMAP_COLORS } from '../map/style'
import { el } from '../ui/dom'
import { localDate } from '../ui/format'
import { composePicture, type LegendItem } from './compose'
import { SCALE_BAR_MAX_WIDTH } from './layout'
import { EXPORT_MESSAGES, type ExportMessages } from './messages'
import { EXPORT_RATIOS, dataVersionOf, exportFileName, viewPlace, type ExportRatio } from './meta'
import { scaleBar } from './scale'
import './export.css'

export interface MapExportOptions {
  /** The divisions at a point, coarsest first (the basemap's polygons), to title the picture with the place in view. */
  placesAt(lon: number, lat: number): DivisionRef[]
}

/**
 * A map control (top right) that downloads the current view as a PNG: title, date, data version,
 * the map, its legend, a scale bar and a north arrow, at 1× or 2× pixel ratio.
 *
 * The map is copied inside its `render` event, while the frame is still in the drawing buffer,
 * rather than creating the map with `preserveDrawingBuffer`, which would cost every frame a copy for
 * the sake of a rare export. For 2× the map is redrawn at pixel ratio 2 for the copy (sharp labels
 * and lines, not an upscaled picture) and then put back.
 */
export class MapExportControl implements IControl {
  private map: MaplibreMap | null = null
  private readonly root = el('div', 'maplibregl-ctrl maplibregl-ctrl-group map-export')
  private readonly buttons = new Map<ExportRatio, HTMLButtonElement>()
  private readonly languageWatch = new MutationObserver(() => this.relabel())

  constructor(private readonly options: MapExportOptions) {
    for (const ratio of EXPORT_RATIOS) {
      const button = el('button', 'map-export-button')
      button.type = 'button'
      button.dataset.ratio = String(ratio)
      button.addEventListener('click', () => void this.download(ratio))
      this.buttons.set(ratio, button)
      this.root.append(button)
    }
    this.relabel()
  }

  onAdd(map: MaplibreMap): HTMLElement {
    this.map = map
    // The page switches language by setting <html lang>; the control follows it.
    this.languageWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] })
    return this.root
  }

  onRemove(): void {
    this.languageWatch.disconnect()
    this.root.remove()
    this.map = null
  }

  private get lang(): Lang {
    return parseLang(document.documentElement.lang) ?? 'zh-CN'
  }

  private relabel(): void {
    const m = EXPORT_MESSAGES[this.lang]
    this.root.setAttribute('role', 'group')
    this.root.setAttribute('aria-label', m.controlLabel)
    for (const [ratio, button] of this.buttons) {
      button.textContent = m.button(ratio)
      button.title = m.buttonTitle(ratio)
      button.setAttribute('aria-label', m.buttonTitle(ratio))
    }
  }

  /** Builds the picture of the current view and hands it to the browser as a download. */
  async download(ratio: ExportRatio): Promise<void> {
    const map = this.map
    if (!map || this.root.getAttribute('aria-busy') === 'true') return
    const lang = this.lang
    const m = EXPORT_MESSAGES[lang]
    this.setBusy(true, m)
    try {
      const [demo, mapImage] = await Promise.all([isDemoData(), captureMap(map, ratio)])
      const picture = composePicture({
        mapImage,
        mapWidth: map.getContainer().clientWidth,
        mapHeight: map.getContainer().clientHeight,
        ratio,
        ...this.describe(map, lang, m, localDate(new Date())),
        demoLabel: demo ? m.demoData : null,
      })
      const blob = await new Promise<Blob>((resolve, reject) =>
        picture.toBlob((b) => (b ? resolve(b) : reject(new Error('canvas.toBlob gave nothing'))), 'image/png'),
      )
      saveBlob(blob, exportFileName(localDate(new Date()), ratio))
      this.root.dataset.state = 'done'
    } catch (err) {
      console.warn('riskmap: map export failed', err)
      this.root.dataset.state = 'failed'
      this.root.title = m.failed
    } finally {
      this.setBusy(false, m)
    }
  }

  private setBusy(busy: boolean, m: ExportMessages): void {
    this.root.setAttribute('aria-busy', String(busy))
    if (busy) {
      this.root.title = m.exporting
      delete this.root.dataset.state
    } else if (this.root.dataset.state !== 'failed') {
      this.root.removeAttribute('title')
    }
    for (const button of this.buttons.values()) button.disabled = busy
  }

  /** The picture's texts, legend, scale bar and north arrow for the view as it is. */
  private describe(map: MaplibreMap, lang: Lang, m: ExportMessages, date: string) {
    const messages = MESSAGES[lang]
    const { clientWidth: w, clientHeight: h } = map.getContainer()
    // The centre, then points halfway to the corners: the place named is the one they all lie in.
    const samples = [
      [0.5, 0.5],
      [0.25, 0.25],
      [0.75, 0.25],
      [0.25, 0.75],
      [0.75, 0.75],
    ].map(([fx, fy]) => {
      const { lng, lat } = map.unproject([fx! * w, fy! * h])
      return this.options.placesAt(lng, lat)
    })
    const place = viewPlace(samples)
    const placeName = place ? (lang === 'en' ? (place.nameEn ?? place.name) : place.name) : null
    const cells = map.getSource(overlaySourceId('cells')) as VectorTileSource | undefined
    const version = cells?.tiles?.[0] ? dataVersionOf(cells.tiles[0]) : null
    const legend: LegendItem[] = RISK_LEVELS.map((level) => {
      const [r, g, b] = blendOver(LEVEL_COLORS[level], CELL_FILL_OPACITY, BASEMAP_COLORS.countyFill)
      return { label: messages.levelNames[level], fill: `rgb(${r}, ${g}, ${b})`, stroke: level === 4 ? RED_CELL_EDGE : LEVEL_COLORS[level] }
    })
    if (shownInView(map, [LAYER_IDS.cellHatch]))
      legend.push({ label: messages.stale, fill: STALE_HATCH.swatchBackground, stroke: STALE_HATCH.stripe, hatch: true })
    legend.push(...symbolLegend(map, messages.layers))
    const centre = map.getCenter()
    const bar = scaleBar(centre.lat, map.getZoom(), SCALE_BAR_MAX_WIDTH)
    return {
      title: m.title(placeName),
      meta: `${m.date(date)}    ${m.dataVersion(version)}`,
      legendTitle: m.legendTitle,
      legend,
      scale: { widthPx: bar.widthPx, label: bar.unit === 'km' ? messages.units.kilometres(String(bar.value)) : messages.units.metres(String(bar.value)) },
      north: { label: m.north, bearingDeg: map.getBearing() },
    }
  }
}

/** Whether any of these style layers draws something in the view (hidden layers draw nothing). */
function shownInView(map: MaplibreMap, layers: readonly string[]): boolean {
  const drawn = layers.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none')
  return drawn.length > 0 && map.queryRenderedFeatures({ layers: drawn }).length > 0
}

/**
 * Legend entries for what the view shows besides the cells, drawn as the map draws them: the
 * boundaries, the enterprises (a disc in their level's colour), the major hazard, resource and
 * overdue markers; only those with something in the view.
 */
function symbolLegend(map: MaplibreMap, names: Record<string, string>): LegendItem[] {
  const marker = (image: string) => {
    const { canvas, size } = imageCanvas(image)
    return { image: canvas, size }
  }
  const entries: Array<{ layers: string[]; item: () => LegendItem }> = [
    {
      layers: [LAYER_IDS.countyLine, LAYER_IDS.townshipLine],
      item: () => ({ label: names.regions!, fill: REGION_COLORS.halo, stroke: REGION_COLORS.line, shape: 'line' }),
    },
    {
      layers: [LAYER_IDS.enterprises],
      item: () => ({ label: names.enterprises!, fill: LEVEL_COLORS[3], stroke: LEVEL_OUTLINE_COLOR, shape: 'circle' }),
    },
    { layers: [LAYER_IDS.majorHazards], item: () => ({ label: names.major_hazards!, fill: '', stroke: '', marker: marker(majorHazardImage(4)) }) },
    { layers: [LAYER_IDS.resources], item: () => ({ label: names.resources!, fill: '', stroke: '', marker: marker(IMAGE_NAMES.resourceAvailable) }) },
    {
      layers: [LAYER_IDS.overdueHiddenDangers, LAYER_IDS.overdueViolations],
      item: () => ({ label: names.overdue!, fill: '', stroke: '', marker: marker(IMAGE_NAMES.overdue) }),
    },
  ]
  return entries.filter((e) => shownInView(map, e.layers)).map((e) => e.item())
}

/** Whether the service runs on synthetic demo data (the header's badge asks the same: one enterprise tells). */
async function isDemoData(): Promise<boolean> {
  const page = await fetchEnterprises({ limit: 1 })
  return page.features.some((f) => f.properties.synthetic)
}

/** Resolves on the next frame that leaves the map with nothing left to load or draw. */
function settled(map: MaplibreMap): Promise<unknown> {
  const idle = map.once('idle')
  map.triggerRepaint()
  return idle
}

/**
 * A copy of the map drawn at `ratio` device pixels per CSS pixel, taken inside the `render` event
 * of a fresh frame (the drawing buffer is cleared after each frame).
 */
async function captureMap(map: MaplibreMap, ratio: number): Promise<HTMLCanvasElement> {
  const original = map.getPixelRatio()
  if (ratio !== original) map.setPixelRatio(ratio)
  try {
    await settled(map)
    return await new Promise<HTMLCanvasElement>((resolve) => {
      map.once('render', () => {
        const source = map.getCanvas()
        const copy = document.createElement('canvas')
        copy.width = source.width
        copy.height = source.height
        copy.getContext('2d')!.drawImage(source, 0, 0)
        resolve(copy)
      })
      map.triggerRepaint()
    })
  } finally {
    if (ratio !== original) map.setPixelRatio(original)
  }
}

function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = el('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  // The download has its own reference by now; free the blob once the click is handled.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
