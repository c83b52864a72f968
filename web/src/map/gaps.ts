import { Popup, type GeoJSONSource, type Map as MaplibreMap, type MapGeoJSONFeature, type PointLike } from 'maplibre-gl'
import { fetchCoverageGaps, fetchResourceVocabulary, isAbortError } from '../api/client'
import type { CoverageGapCollection } from '../api/contract'
import type { VocabularyEntry } from '../api/contract'
import type { Messages } from '../i18n'
import type { ErrorContext } from '../ui/banner'
import { el } from '../ui/dom'
import { formatDistance, formatDuration } from '../ui/format'
import { COVERAGE_GAP_SOURCE, LAYER_IDS } from './layers'

// The coverage-gap overlay (issue 5): risk cells of level ≥ 3 with no available rescue team of a
// capability within a response distance, fetched as GeoJSON from /api/resources/coverage-gaps into
// the overlay's source, with the capability and distance chosen in the legend, and a popup naming
// a gap cell's nearest team. The reach is a distance, or a driving time over the road network
// (minutes=N: the cells no team reaches in N minutes by road, each with the best time; docs/domain.md §6).

/** Response distances offered, metres. */
export const GAP_THRESHOLDS_M = [3000, 5000, 10000] as const
/** Response times by road offered, minutes. */
export const GAP_MINUTES = [5, 10, 15] as const
export const DEFAULT_GAP_CAPABILITY = 'hazmat'
export const DEFAULT_GAP_THRESHOLD_M = 5000
/** Cells of this level and above are checked: orange and red. */
export const GAP_MIN_LEVEL = 3

export interface CoverageGapOptions {
  onError(context: ErrorContext, error: unknown): void
}

/** Loads the gaps for the chosen capability and distance and keeps the legend's controls. */
export class CoverageGaps {
  /** The controls shown under the overlay's switch while it is on. */
  readonly controls: HTMLElement
  private messages: Messages
  private capability = DEFAULT_GAP_CAPABILITY
  private thresholdM: number = DEFAULT_GAP_THRESHOLD_M
  /** Set: the reach is a driving time in minutes instead of `thresholdM`. */
  private minutes: number | null = null
  private vocabulary: VocabularyEntry[] | null = null
  private loading: AbortController | null = null
  /** The parameters of the data in the source, once loaded. */
  private loadedKey: string | null = null
  private count: number | null = null
  private popup: Popup | null = null

  constructor(
    private readonly map: MaplibreMap,
    messages: Messages,
    private readonly options: CoverageGapOptions,
  ) {
    this.messages = messages
    this.controls = el('div', 'gap-controls')
    this.render()
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
    this.popup?.remove()
  }

  /** The overlay was switched on (loads what is not loaded yet) or off. Resolves once loaded. */
  async setVisible(visible: boolean): Promise<void> {
    if (!visible) {
      this.popup?.remove()
      return
    }
    await this.load()
  }

  /** Shows the popup of the gap cell at a point (canvas pixels); false when there is none. */
  showPopupAt(point: { x: number; y: number }, lngLat: [number, number]): boolean {
    if (!this.map.getLayer(LAYER_IDS.coverageGapFill) || this.map.getLayoutProperty(LAYER_IDS.coverageGapFill, 'visibility') === 'none') return false
    const feature: MapGeoJSONFeature | undefined = this.map.queryRenderedFeatures([point.x, point.y] as PointLike, { layers: [LAYER_IDS.coverageGapFill] })[0]
    if (!feature) return false
    const m = this.messages
    const p = feature.properties as {
      h3?: string
      nearestTeamName?: string | null
      nearestTeamDistanceM?: number | null
      bestTimeS?: number | null
      offNetwork?: boolean
    }
    const body = el('div', 'gap-popup')
    body.dataset.h3 = String(p.h3 ?? '')
    body.append(el('strong', 'gap-popup-title', m.coverageGaps.popupTitle))
    const name = p.nearestTeamName
    const distance = typeof p.nearestTeamDistanceM === 'number' ? p.nearestTeamDistanceM : null
    body.append(el('p', 'gap-popup-team', name && distance !== null ? m.coverageGaps.nearestTeam(name, formatDistance(m, distance)) : m.coverageGaps.noTeam))
    if (this.minutes !== null) {
      const time = p.offNetwork
        ? m.coverageGaps.offNetwork
        : typeof p.bestTimeS === 'number'
          ? m.coverageGaps.bestTime(formatDuration(m, p.bestTimeS))
          : m.coverageGaps.noRoute
      body.append(el('p', 'gap-popup-time', time))
    }
    this.popup?.remove()
    this.popup = new Popup({ closeButton: true, closeOnClick: false, maxWidth: '260px' }).setLngLat(lngLat).setDOMContent(body).addTo(this.map)
    return true
  }

  private key(): string {
    return `${this.capability}:${this.minutes === null ? `${this.thresholdM} m` : `${this.minutes} min`}`
  }

  private async load(): Promise<void> {
    const key = this.key()
    if (this.loadedKey === key && !this.loading) return
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    this.controls.dataset.state = 'loading'
    this.render()
    try {
      const [vocabulary, gaps] = await Promise.all([
        this.vocabulary ? Promise.resolve(null) : fetchResourceVocabulary(controller.signal),
        fetchCoverageGaps(
          this.minutes === null
            ? { capability: this.capability, thresholdM: this.thresholdM, minLevel: GAP_MIN_LEVEL }
            : { capability: this.capability, minutes: this.minutes, minLevel: GAP_MIN_LEVEL },
          controller.signal,
        ),
      ])
      if (controller.signal.aborted) return
      if (vocabulary) this.vocabulary = vocabulary.capabilities
      this.setData(gaps)
      this.loadedKey = key
      this.count = gaps.features.length
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.options.onError('loadGaps', err)
    } finally {
      if (this.loading === controller) {
        this.loading = null
        this.render()
      }
    }
  }

  private setData(gaps: CoverageGapCollection): void {
    const source = this.map.getSource(COVERAGE_GAP_SOURCE) as GeoJSONSource | undefined
    source?.setData(gaps as GeoJSON.FeatureCollection)
    this.popup?.remove()
  }

  private render(): void {
    const m = this.messages
    const c = m.coverageGaps
    const capability = el('select', 'gap-capability')
    capability.name = 'gap-capability'
    capability.setAttribute('aria-label', c.capability)
    const entries = this.vocabulary ?? [{ key: this.capability, zh: this.capability, en: this.capability }]
    for (const entry of entries) {
      const option = el('option', undefined, m.capabilities[entry.key] ?? (m.locale === 'en' ? entry.en : entry.zh))
      option.value = entry.key
      option.selected = entry.key === this.capability
      capability.append(option)
    }
    capability.addEventListener('change', () => {
      this.capability = capability.value
      void this.load()
    })
    const threshold = el('select', 'gap-threshold')
    threshold.name = 'gap-threshold'
    threshold.setAttribute('aria-label', c.threshold)
    for (const metres of GAP_THRESHOLDS_M) {
      const option = el('option', undefined, c.km(metres / 1000))
      option.value = String(metres)
      option.selected = this.minutes === null && metres === this.thresholdM
      threshold.append(option)
    }
    for (const minutes of GAP_MINUTES) {
      const option = el('option', undefined, c.minutes(minutes))
      option.value = `${minutes}min`
      option.selected = minutes === this.minutes
      threshold.append(option)
    }
    threshold.addEventListener('change', () => {
      const minutes = /^(\d+)min$/.exec(threshold.value)
      this.minutes = minutes ? Number(minutes[1]) : null
      if (!minutes) this.thresholdM = Number(threshold.value)
      void this.load()
    })
    const capabilityLabel = el('label', 'gap-field')
    capabilityLabel.append(el('span', 'gap-field-name', c.capability), capability)
    const thresholdLabel = el('label', 'gap-field')
    thresholdLabel.append(el('span', 'gap-field-name', c.threshold), threshold)
    const status = el('p', 'gap-status', this.loading ? c.loading : this.count !== null ? c.count(this.count) : '')
    if (!this.loading && this.count !== null) {
      this.controls.dataset.state = 'loaded'
      this.controls.dataset.count = String(this.count)
      this.controls.dataset.capability = this.capability
      if (this.minutes === null) {
        this.controls.dataset.thresholdM = String(this.thresholdM)
        delete this.controls.dataset.minutes
      } else {
        this.controls.dataset.minutes = String(this.minutes)
        delete this.controls.dataset.thresholdM
      }
    }
    this.controls.replaceChildren(capabilityLabel, thresholdLabel, status)
  }
}
