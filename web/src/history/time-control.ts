import type { GeoJSONSource, IControl, Map as MaplibreMap } from 'maplibre-gl'
import { ApiError, getJson, isAbortError } from '../api/client'
import type { CellsAsOf, HistoryDiff, RegionsAsOf } from '../api/contract'
import { parseLang, type Lang } from '../i18n'
import { CELL_FILL_OPACITY, LEVEL_COLORS, levelColorExpression } from '../map/levels'
import { LAYER_IDS } from '../map/layers'
import { el } from '../ui/dom'
import { localDate } from '../ui/format'
import { HISTORY_MESSAGES } from './messages'
import './time.css'

/** Style ids of the as-of cells and of the outlines of what changed. */
export const HISTORY_SOURCE = 'history-cells'
export const HISTORY_FILL = 'history-cells-fill'
export const DIFF_SOURCE = 'history-diff'
export const DIFF_LINE = 'history-diff-line'
/** Colours of a change: apart from the four level colours, so a change is not read as a level. */
const RAISED = '#7b1fa2'
const LOWERED = '#00897b'
/** The live cell layers the as-of map stands in for. */
const LIVE_CELL_LAYERS = [LAYER_IDS.cellFill, LAYER_IDS.cellHatch, LAYER_IDS.cellOutline]

/** The end of a local calendar day as an instant: "as of 15 March" includes what happened that day. */
export function endOfLocalDay(date: string, now: Date = new Date()): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const end = new Date(y, m - 1, d, 23, 59, 59, 999)
  return (end.getTime() > now.getTime() ? now : end).toISOString()
}

/** The hash parameters that keep the dates shown in the URL, so a link reproduces the past map. */
export const AS_OF_PARAM = 'asof'
export const SINCE_PARAM = 'since'
const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The as-of and compare dates of a location hash ('' when absent or not a date). */
export function readDateParams(hash: string): { asOf: string; since: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const date = (name: string) => {
    const value = params.get(name) ?? ''
    return DATE.test(value) ? value : ''
  }
  return { asOf: date(AS_OF_PARAM), since: date(SINCE_PARAM) }
}

/** Sets (or removes) the date parameters in the page's hash, keeping every other parameter. */
function writeDateParams(asOf: string, since: string): void {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  if (asOf) params.set(AS_OF_PARAM, asOf)
  else params.delete(AS_OF_PARAM)
  if (since) params.set(SINCE_PARAM, since)
  else params.delete(SINCE_PARAM)
  const text = [...params.entries()].map(([key, value]) => (value === '' ? key : `${key}=${value}`)).join('&')
  const url = new URL(window.location.href)
  url.hash = text
  window.history.replaceState(window.history.state, '', url)
}

/**
 * A map control (top right) that shows the cells and district grades as they were at the end of a
 * past day, replayed from the level history, and outlines the cells that changed since a second
 * date (purple rose, green fell). "Back to today" restores the live map.
 */
export class TimeControl implements IControl {
  private map: MaplibreMap | null = null
  private readonly root = el('div', 'maplibregl-ctrl maplibregl-ctrl-group history-control')
  private readonly toggle = el('button', 'history-toggle')
  private readonly body = el('div', 'history-body')
  private readonly asOf = el('input', 'history-as-of')
  private readonly since = el('input', 'history-since')
  private readonly clear = el('button', 'history-clear')
  private readonly status = el('div', 'history-status')
  private readonly result = el('div', 'history-result')
  private load: AbortController | null = null
  private readonly labels: HTMLElement[] = []

  constructor() {
    this.toggle.type = 'button'
    this.toggle.addEventListener('click', () => this.root.classList.toggle('history-open'))
    for (const input of [this.asOf, this.since]) {
      input.type = 'date'
      input.max = localDate(new Date())
      input.addEventListener('change', () => void this.refresh())
    }
    this.clear.type = 'button'
    this.clear.addEventListener('click', () => {
      this.asOf.value = ''
      this.since.value = ''
      void this.refresh()
    })
    const asOfLabel = el('label', 'history-label')
    const sinceLabel = el('label', 'history-label')
    this.labels.push(asOfLabel, sinceLabel)
    asOfLabel.append(el('span'), this.asOf)
    sinceLabel.append(el('span'), this.since)
    this.body.append(asOfLabel, sinceLabel, this.clear, this.status, this.result)
    this.root.append(this.toggle, this.body)
    this.relabel()
  }

  private get lang(): Lang {
    return parseLang(document.documentElement.lang) ?? 'zh-CN'
  }

  private relabel(): void {
    const t = HISTORY_MESSAGES[this.lang]
    this.toggle.textContent = t.title
    this.labels[0]!.firstElementChild!.textContent = t.asOf
    this.labels[1]!.firstElementChild!.textContent = t.compare
    this.clear.textContent = t.clear
  }

  onAdd(map: MaplibreMap): HTMLElement {
    this.map = map
    // A link may carry the dates (`#asof=2026-06-01&since=2026-05-01`): show them once the style is in.
    const linked = readDateParams(window.location.hash)
    if (linked.asOf || linked.since) {
      this.root.classList.add('history-open')
      this.asOf.value = linked.asOf
      this.since.value = linked.since
      if (map.isStyleLoaded()) void this.refresh()
      else void map.once('load').then(() => this.refresh())
    }
    new MutationObserver(() => this.relabel()).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] })
    return this.root
  }

  onRemove(): void {
    this.root.remove()
    this.map = null
  }

  /** The state shown, for tests and links: the as-of date and the compare date ('' when unset). */
  get state(): { asOf: string; since: string } {
    return { asOf: this.asOf.value, since: this.since.value }
  }

  /** Sets the dates (as the inputs would) and redraws. */
  async show(asOf: string, since = ''): Promise<void> {
    this.root.classList.add('history-open')
    this.asOf.value = asOf
    this.since.value = since
    await this.refresh()
  }

  private ensureLayers(map: MaplibreMap): void {
    if (!map.getSource(HISTORY_SOURCE)) {
      map.addSource(HISTORY_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
      map.addLayer(
        {
          id: HISTORY_FILL,
          type: 'fill',
          source: HISTORY_SOURCE,
          paint: { 'fill-color': levelColorExpression(), 'fill-opacity': CELL_FILL_OPACITY, 'fill-antialias': false },
        },
        map.getLayer(LAYER_IDS.cellOutline) ? LAYER_IDS.cellOutline : undefined,
      )
    }
    if (!map.getSource(DIFF_SOURCE)) {
      map.addSource(DIFF_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
      map.addLayer({
        id: DIFF_LINE,
        type: 'line',
        source: DIFF_SOURCE,
        paint: { 'line-color': ['case', ['>', ['get', 'after'], ['get', 'before']], RAISED, LOWERED], 'line-width': 2.5 },
      })
    }
  }

  /** Live cell layers hidden while a past map is shown (the legend's cells switch still rules them afterwards). */
  private liveVisible(map: MaplibreMap, visible: boolean): void {
    for (const id of LIVE_CELL_LAYERS) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none')
  }

  private async refresh(): Promise<void> {
    const map = this.map
    if (!map) return
    this.load?.abort()
    const controller = new AbortController()
    this.load = controller
    const t = HISTORY_MESSAGES[this.lang]
    this.ensureLayers(map)
    writeDateParams(this.asOf.value, this.since.value)
    const empty = { type: 'FeatureCollection' as const, features: [] }
    this.root.dataset.state = 'loading'
    this.status.textContent = t.loading
    this.result.replaceChildren()
    try {
      if (!this.asOf.value && !this.since.value) {
        map.getSource<GeoJSONSource>(HISTORY_SOURCE)!.setData(empty)
        map.getSource<GeoJSONSource>(DIFF_SOURCE)!.setData(empty)
        this.liveVisible(map, true)
        this.status.textContent = ''
        this.root.dataset.state = 'live'
        delete this.root.dataset.cells
        delete this.root.dataset.changed
        return
      }
      const at = this.asOf.value ? endOfLocalDay(this.asOf.value) : new Date().toISOString()
      if (this.asOf.value) {
        const [cells, regions] = [
          await getJson<CellsAsOf>('/api/history/cells', { at }, controller.signal),
          await getJson<RegionsAsOf>('/api/history/regions', { at, kind: 'division' }, controller.signal),
        ]
        if (controller.signal.aborted) return
        map.getSource<GeoJSONSource>(HISTORY_SOURCE)!.setData(cells)
        this.liveVisible(map, false)
        this.root.dataset.cells = String(cells.features.length)
        this.status.textContent = t.shown(this.asOf.value, cells.features.length)
        const list = el('ul', 'history-regions')
        for (const r of regions.items.filter((r) => r.rank === 'county')) {
          const item = el('li', 'history-region')
          item.dataset.code = r.code
          item.dataset.level = String(r.level)
          const chip = el('span', 'history-chip', t.levels[r.level] ?? String(r.level))
          chip.style.backgroundColor = LEVEL_COLORS[r.level as 0] ?? '#bfbfbf'
          item.append(chip, ' ', r.name)
          list.append(item)
        }
        this.result.append(el('p', 'history-subtitle', t.districts), list)
      } else {
        map.getSource<GeoJSONSource>(HISTORY_SOURCE)!.setData(empty)
        this.liveVisible(map, true)
        delete this.root.dataset.cells
      }
      if (this.since.value) {
        const from = endOfLocalDay(this.since.value)
        const diff = await getJson<HistoryDiff>('/api/history/diff', { from, to: at }, controller.signal)
        if (controller.signal.aborted) return
        map.getSource<GeoJSONSource>(DIFF_SOURCE)!.setData(diff.cells)
        this.root.dataset.changed = String(diff.cells.features.length)
        this.result.prepend(el('p', 'history-changed', t.changed(diff.summary.raised, diff.summary.lowered)))
        const counties = diff.regions.filter((r) => r.rank === 'county')
        if (counties.length) {
          const list = el('ul', 'history-region-changes')
          for (const r of counties) list.append(el('li', undefined, `${r.name}: ${t.levels[r.before]} → ${t.levels[r.after]}`))
          this.result.append(el('p', 'history-subtitle', t.regionsChanged), list)
        }
      } else {
        map.getSource<GeoJSONSource>(DIFF_SOURCE)!.setData(empty)
        delete this.root.dataset.changed
      }
      this.root.dataset.state = 'shown'
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.root.dataset.state = 'failed'
      // The API names what is wrong, e.g. a date before the first grading.
      this.status.textContent = err instanceof ApiError ? (err.details?.[0]?.message ?? err.message) : String(err)
    } finally {
      if (this.load === controller) this.load = null
    }
  }
}
