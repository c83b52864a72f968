import {
  fetchIncidentContext,
  fetchIsochrones,
  fetchNearestByTime,
  fetchNearestResources,
  fetchResourceVocabulary,
  isAbortError,
  type CrsPoint,
} from '../api/client'
import type {
  Crs,
  IsochroneCollection,
  TimedResource,
  IncidentAreaAssessment,
  IncidentContext,
  IncidentHiddenDanger,
  IncidentMajorHazard,
  IncidentShelter,
  NearestResource,
} from '../api/contract'
import type { ResourceVocabulary, VocabularyEntry } from '../api/contract'
import type { ResourceKind } from '../api/contract'
import type { Messages } from '../i18n'
import type { LonLatBox } from '../map/bounds'
import { emptyNote, levelDot, meta, subtitle } from '../panels/parts'
import { parseCoordinates } from '../search/coordinates'
import type { ErrorContext } from '../ui/banner'
import { el } from '../ui/dom'
import { formatDegrees, formatDistance, formatDuration, formatNumber } from '../ui/format'
import { compassPoint } from './geodesic'

// The commander view (docs/domain.md §6, issue 5): the incident placed by a click or typed coordinates,
// the k nearest available resources of a kind or capability — ranked by driving time over the road
// network with their ETAs and routes, or, where the network does not cover the incident, by
// straight-line distance, labelled so — the risk sources, area assessments and shelters within a
// radius, the isochrones of the first resource on demand, and the printable dispatch sheet. Its own panel, shown instead of
// the side panel while incident mode is on.

/** Resources listed (and joined by lines on the map). */
export const NEAREST_K = 5
/** Default radius of the surroundings, metres. */
export const DEFAULT_RADIUS_M = 2000
const RADII_M = [1000, 2000, 3000, 5000] as const
const CRS_CHOICES: readonly Crs[] = ['wgs84', 'gcj02', 'bd09']

/** Minutes of the isochrone layer. */
export const ISOCHRONE_MINUTES = [5, 10, 15] as const

/** How the resources are ranked: by driving time, or by straight-line distance and why. */
export type Ranking = { by: 'time'; engine: string; unreachable: number } | { by: 'straight'; reason: string }

/** What the dispatch sheet prints: the incident and what the panel has loaded for it. */
export interface IncidentSnapshot {
  incident: [number, number]
  resources: NearestResource[]
  ranking: Ranking
  context: IncidentContext
}

/** A resource with its ETA when ranked by time. */
export function isTimed(r: NearestResource): r is TimedResource {
  return typeof (r as Partial<TimedResource>).etaS === 'number'
}

export interface IncidentPanelOptions {
  /** Where typed coordinates are expected (decides "lat, lon" order when ambiguous). */
  area(): LonLatBox | null
  /** The incident (WGS 84) and its resources changed; null when it was cleared. */
  onIncident(incident: [number, number] | null, resources: readonly NearestResource[]): void
  /** The isochrone layer: its polygons, or null to clear it. */
  onIsochrones(isochrones: IsochroneCollection | null): void
  /** The dispatch sheet button. */
  onPrint(snapshot: IncidentSnapshot): void
  onError(context: ErrorContext, error: unknown): void
}

type Load =
  { kind: 'idle' } | { kind: 'loading' } | { kind: 'shown'; resources: NearestResource[]; ranking: Ranking; context: IncidentContext } | { kind: 'failed' }

export class IncidentPanel {
  private readonly root: HTMLElement
  private readonly options: IncidentPanelOptions
  private messages: Messages
  private active = false
  private incident: [number, number] | null = null
  private typed = ''
  private crs: Crs = 'wgs84'
  private kind: ResourceKind | '' = ''
  private capability = ''
  private radiusM: number = DEFAULT_RADIUS_M
  private vocabulary: ResourceVocabulary | null = null
  private load: Load = { kind: 'idle' }
  private loading: AbortController | null = null
  private formNote: string | null = null
  private results: HTMLElement | null = null
  /** The isochrone layer: off, loading, shown or failed, for the first resource. */
  private isochrones: 'off' | 'loading' | 'shown' | 'failed' = 'off'
  /** Whose isochrones: the first resource's, or (with a capability chosen) its available resources' together. */
  private isochroneScope: 'first' | 'capability' = 'first'
  private isochroneOffNetwork = 0
  private isochroneLoad: AbortController | null = null

  constructor(root: HTMLElement, messages: Messages, options: IncidentPanelOptions) {
    this.root = root
    this.messages = messages
    this.options = options
    this.render()
  }

  get isActive(): boolean {
    return this.active
  }

  /** The incident point, WGS 84, or null. */
  get point(): [number, number] | null {
    return this.incident
  }

  setMessages(messages: Messages): void {
    this.messages = messages
    this.render()
  }

  /** Shows the panel (loading the vocabulary once). */
  open(): void {
    if (this.active) return
    this.active = true
    this.render()
    if (!this.vocabulary) {
      fetchResourceVocabulary()
        .then((vocabulary) => {
          this.vocabulary = vocabulary
          this.render()
        })
        .catch((err: unknown) => this.options.onError('loadIncident', err))
    }
  }

  /** Hides the panel and clears the incident. */
  close(): void {
    if (!this.active) return
    this.loading?.abort()
    this.loading = null
    this.active = false
    this.incident = null
    this.load = { kind: 'idle' }
    this.clearIsochrones()
    this.render()
    this.options.onIncident(null, [])
  }

  /** Places the incident at a point given in `crs`; resolves once its surroundings are shown or failed. */
  async place(point: CrsPoint): Promise<void> {
    this.open()
    this.typed = point.crs === this.crs ? `${formatDegrees(point.lon)}, ${formatDegrees(point.lat)}` : this.typed
    this.formNote = null
    await this.reload(point, true)
  }

  private async reload(point: CrsPoint, withContext: boolean): Promise<void> {
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    const previousContext = this.load.kind === 'shown' ? this.load.context : null
    this.load = { kind: 'loading' }
    this.clearIsochrones()
    this.renderResults()
    try {
      const filter = { k: NEAREST_K, kind: this.kind || undefined, capability: this.capability || undefined }
      const [timed, context] = await Promise.all([
        fetchNearestByTime(point, filter, controller.signal),
        withContext || !previousContext ? fetchIncidentContext(point, this.radiusM, controller.signal) : Promise.resolve(previousContext),
      ])
      // Off the road network (or without one), or on a piece of it no matching resource can drive to:
      // straight-line distance, labelled as such.
      const why = 'straight' in timed ? timed.straight : timed.items.length === 0 && timed.unreachable.length > 0 ? 'no_route' : null
      const nearest = why !== null || 'straight' in timed ? await fetchNearestResources(point, filter, controller.signal) : timed
      const ranking: Ranking =
        why !== null || 'straight' in timed
          ? { by: 'straight', reason: why ?? 'routing_unavailable' }
          : { by: 'time', engine: timed.routing.engine, unreachable: timed.unreachable.length }
      if (controller.signal.aborted) return
      this.incident = [nearest.query.lon, nearest.query.lat]
      this.load = { kind: 'shown', resources: nearest.items, ranking, context }
      this.renderResults()
      this.options.onIncident(this.incident, nearest.items)
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.load = { kind: 'failed' }
      this.renderResults()
      this.options.onError('loadIncident', err)
    } finally {
      if (this.loading === controller) this.loading = null
    }
  }

  /** Reloads the current incident (already WGS 84) after a filter changed. */
  private refresh(withContext: boolean): void {
    if (this.incident) void this.reload({ lon: this.incident[0], lat: this.incident[1], crs: 'wgs84' }, withContext)
  }

  private render(): void {
    const m = this.messages
    this.root.hidden = !this.active
    if (!this.active) {
      this.root.replaceChildren()
      this.results = null
      delete this.root.dataset.state
      return
    }
    const header = el('div', 'panel-header')
    const heading = el('div', 'panel-heading')
    heading.append(el('h2', 'panel-title', m.incident.title))
    const close = el('button', 'panel-close', '×')
    close.type = 'button'
    close.title = m.panel.close
    close.setAttribute('aria-label', m.panel.close)
    close.addEventListener('click', () => this.close())
    header.append(heading, close)
    this.results = el('div', 'incident-results')
    this.root.replaceChildren(header, el('p', 'panel-note', m.incident.hint), this.form(m), this.results)
    this.renderResults()
  }

  private form(m: Messages): HTMLElement {
    const form = el('form', 'incident-form')
    const input = el('input', 'incident-coordinates')
    input.type = 'text'
    input.value = this.typed
    input.placeholder = m.incident.coordinatesPlaceholder
    input.setAttribute('aria-label', m.incident.coordinates)
    input.addEventListener('input', () => {
      this.typed = input.value
    })
    const crs = this.select(
      'incident-crs',
      m.incident.crs,
      CRS_CHOICES.map((c) => [c, m.incident.crsNames[c as 'wgs84']]),
      this.crs,
      (value) => {
        this.crs = value as Crs
      },
    )
    const place = el('button', 'incident-place', m.incident.place)
    place.type = 'submit'
    const row = el('div', 'incident-row')
    row.append(input, crs, place)
    form.append(el('label', 'incident-label', m.incident.coordinates), row)
    if (this.formNote) form.append(el('p', 'panel-note panel-alert incident-form-note', this.formNote))
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const parsed = parseCoordinates(input.value, this.options.area())
      if (!parsed) {
        this.formNote = m.incident.badCoordinates
        this.render()
        return
      }
      void this.place({ lon: parsed.lon, lat: parsed.lat, crs: this.crs })
    })

    const label = (entry: VocabularyEntry) => (m.locale === 'en' ? entry.en : entry.zh)
    const kinds: Array<[string, string]> = this.vocabulary ? this.vocabulary.kinds.map((k) => [k.key, label(k)]) : Object.entries(m.resourceKinds)
    const capabilities: Array<[string, string]> = this.vocabulary ? this.vocabulary.capabilities.map((c) => [c.key, label(c)]) : Object.entries(m.capabilities)
    const filters = el('div', 'incident-filters')
    filters.append(
      this.labelled(
        m.incident.kind,
        this.select('incident-kind', m.incident.kind, [['', m.incident.any], ...kinds], this.kind, (value) => {
          this.kind = value as ResourceKind | ''
          this.refresh(false)
        }),
      ),
      this.labelled(
        m.incident.capability,
        this.select('incident-capability', m.incident.capability, [['', m.incident.any], ...capabilities], this.capability, (value) => {
          this.capability = value
          if (!value) this.isochroneScope = 'first'
          this.refresh(false)
        }),
      ),
      this.labelled(
        m.incident.radius,
        this.select(
          'incident-radius',
          m.incident.radius,
          RADII_M.map((r) => [String(r), formatDistance(m, r)]),
          String(this.radiusM),
          (value) => {
            this.radiusM = Number(value)
            this.refresh(true)
          },
        ),
      ),
    )
    form.append(filters)
    return form
  }

  private labelled(text: string, control: HTMLElement): HTMLElement {
    const label = el('label', 'incident-filter')
    label.append(el('span', 'incident-label', text), control)
    return label
  }

  private select(className: string, label: string, choices: Array<[string, string]>, value: string, onChange: (value: string) => void): HTMLSelectElement {
    const select = el('select', className)
    select.setAttribute('aria-label', label)
    for (const [key, text] of choices) {
      const option = el('option', undefined, text)
      option.value = key
      select.append(option)
    }
    select.value = value
    select.addEventListener('change', () => onChange(select.value))
    return select
  }

  private renderResults(): void {
    const m = this.messages
    const results = this.results
    if (!results) return
    this.root.dataset.state = this.load.kind
    if (this.load.kind === 'loading') this.root.setAttribute('aria-busy', 'true')
    else this.root.removeAttribute('aria-busy')
    if (this.load.kind !== 'shown' || !this.incident) {
      results.replaceChildren(...(this.load.kind === 'loading' ? [el('p', 'panel-loading', m.loading)] : []))
      return
    }
    const { resources, ranking, context } = this.load
    const [lon, lat] = this.incident
    const point = el('p', 'incident-point', m.incident.point(formatDegrees(lon), formatDegrees(lat)))
    const print = el('button', 'incident-print', m.incident.print)
    print.type = 'button'
    print.title = m.incident.printTitle
    const snapshot: IncidentSnapshot = { incident: this.incident, resources, ranking, context }
    print.addEventListener('click', () => this.options.onPrint(snapshot))

    const nodes: Node[] = [point, print, subtitle(m.incident.nearest(resources.length))]
    const rankingNote = el(
      'p',
      `panel-note incident-ranking${ranking.by === 'straight' ? ' panel-alert' : ''}`,
      ranking.by === 'time' ? m.incident.rankedByTime : m.incident.rankedStraight(ranking.reason),
    )
    rankingNote.dataset.ranking = ranking.by
    nodes.push(rankingNote)
    if (resources.length) {
      const list = el('ul', 'panel-list incident-resources')
      list.dataset.ranking = ranking.by
      for (const r of resources) list.append(resourceItem(m, r))
      nodes.push(list)
      if (ranking.by === 'time' && ranking.unreachable > 0) nodes.push(el('p', 'panel-note incident-unreachable', m.incident.unreachable(ranking.unreachable)))
      if (ranking.by === 'time') nodes.push(this.isochroneSwitch(m, resources[0]!.id))
    } else {
      nodes.push(emptyNote(m.incident.noResources))
    }
    const { majorHazards, hiddenDangers, areaAssessments } = context.riskSources
    nodes.push(...section(m.incident.majorHazards(majorHazards.length), 'incident-hazards', majorHazards, m.incident.noMajorHazards, (h) => hazardItem(m, h)))
    nodes.push(
      ...section(m.incident.hiddenDangers(hiddenDangers.length), 'incident-dangers', hiddenDangers, m.incident.noHiddenDangers, (h) => dangerItem(m, h)),
    )
    nodes.push(
      ...section(m.incident.areaAssessments(areaAssessments.length), 'incident-areas', areaAssessments, m.incident.noAreaAssessments, (a) => areaItem(m, a)),
    )
    nodes.push(...section(m.incident.shelters(context.shelters.length), 'incident-shelters', context.shelters, m.incident.noShelters, (s) => shelterItem(m, s)))
    results.replaceChildren(...nodes)
  }

  /**
   * The isochrone layer switch: the first resource's, or, when a capability is chosen, the union of
   * what its available resources reach (docs/domain.md §6).
   */
  private isochroneSwitch(m: Messages, resourceId: number): HTMLElement {
    const wrap = el('div', 'incident-isochrones')
    wrap.dataset.state = this.isochrones
    wrap.dataset.scope = this.isochroneScope
    const label = el('label', 'incident-isochrones-switch')
    const box = el('input', 'incident-isochrones-toggle')
    box.type = 'checkbox'
    box.checked = this.isochrones !== 'off'
    const of = () => (this.isochroneScope === 'capability' && this.capability ? { capability: this.capability } : { resourceId })
    box.addEventListener('change', () => void (box.checked ? this.showIsochrones(of()) : this.clearIsochrones(true)))
    label.append(box, el('span', undefined, m.incident.isochrones))
    wrap.append(label)
    if (this.capability) {
      const name = this.vocabulary?.capabilities.find((c) => c.key === this.capability)
      const capabilityName = name ? (m.locale === 'en' ? name.en : name.zh) : (m.capabilities[this.capability] ?? this.capability)
      wrap.append(
        this.select(
          'incident-isochrones-scope',
          m.incident.isochrones,
          [
            ['first', m.incident.isochronesOf.first],
            ['capability', m.incident.isochronesOf.capability(capabilityName)],
          ],
          this.isochroneScope,
          (value) => {
            this.isochroneScope = value === 'capability' ? 'capability' : 'first'
            if (this.isochrones !== 'off') void this.showIsochrones(of())
            else this.renderResults()
          },
        ),
      )
    }
    if (this.isochrones === 'shown' && this.isochroneOffNetwork > 0)
      wrap.append(el('span', 'panel-note incident-isochrones-off', ` ${m.incident.isochronesOffNetwork(this.isochroneOffNetwork)}`))
    if (this.isochrones === 'failed') wrap.append(el('span', 'panel-alert', ` ${m.incident.isochronesFailed}`))
    return wrap
  }

  private async showIsochrones(of: { resourceId: number } | { capability: string }): Promise<void> {
    this.isochroneLoad?.abort()
    const controller = new AbortController()
    this.isochroneLoad = controller
    this.isochrones = 'loading'
    this.renderResults()
    try {
      const isochrones = await fetchIsochrones(of, ISOCHRONE_MINUTES, controller.signal)
      if (controller.signal.aborted) return
      this.isochrones = 'shown'
      this.isochroneOffNetwork = isochrones.offNetworkIds?.length ?? 0
      this.options.onIsochrones(isochrones)
    } catch (err) {
      if (isAbortError(err) || controller.signal.aborted) return
      this.isochrones = 'failed'
      this.options.onError('loadIncident', err)
    } finally {
      if (this.isochroneLoad === controller) this.isochroneLoad = null
      this.renderResults()
    }
  }

  /** Removes the isochrone layer (and, with `render`, redraws the switch). */
  private clearIsochrones(render = false): void {
    this.isochroneLoad?.abort()
    this.isochroneLoad = null
    if (this.isochrones !== 'off') this.options.onIsochrones(null)
    this.isochrones = 'off'
    if (render) this.renderResults()
  }
}

function section<T>(title: string, className: string, items: readonly T[], empty: string, render: (item: T) => HTMLElement): Node[] {
  if (!items.length) return [subtitle(title), emptyNote(empty)]
  const list = el('ul', `panel-list ${className}`)
  for (const item of items) list.append(render(item))
  return [subtitle(title), list]
}

/** "1.2 公里 · 东北". */
export function whereText(m: Messages, distanceM: number, bearingDeg: number): string {
  return m.incident.where(formatDistance(m, distanceM), m.incident.compass[compassPoint(bearingDeg)])
}

/** A phone number as a tel: link. */
export function phoneLink(phone: string): HTMLAnchorElement {
  const link = el('a', 'incident-phone', phone)
  link.href = `tel:${phone.replace(/[^\d+]/g, '')}`
  return link
}

function resourceItem(m: Messages, r: NearestResource): HTMLElement {
  const item = el('li', 'incident-resource')
  item.dataset.id = String(r.id)
  item.dataset.distanceM = String(r.distanceM)
  const head = el('div', 'item-head')
  head.append(el('span', 'item-kind', m.resourceKinds[r.kind] ?? r.kind), el('span', 'item-name', r.name))
  head.append(el('span', 'item-distance', whereText(m, r.distanceM, r.bearingDeg)))
  item.append(head)
  if (isTimed(r)) {
    item.dataset.etaS = String(r.etaS)
    item.dataset.roadDistanceM = String(r.roadDistanceM)
    item.append(el('div', 'item-eta', m.incident.eta(formatDuration(m, r.etaS), formatDistance(m, r.roadDistanceM))))
  }
  const extra = el('div', 'item-extra')
  if (r.capabilities.length) extra.append(meta(r.capabilities.map((c) => m.capabilities[c] ?? c).join('、')))
  extra.append(meta(`${m.incident.status}: ${m.resourceStatuses[r.status] ?? r.status}`))
  if (r.dutyPhone) {
    const phone = el('span', 'panel-meta')
    phone.append(`${m.incident.dutyPhone} `, phoneLink(r.dutyPhone))
    extra.append(phone)
  }
  if (r.contact) extra.append(meta(`${m.incident.contact}: ${r.contact}`))
  item.append(extra)
  return item
}

function substanceText(m: Messages, s: IncidentMajorHazard['substances'][number]): string {
  return m.incident.substance(s.name, formatNumber(m, s.qT, 2), formatNumber(m, s.criticalQT, 2))
}

function hazardItem(m: Messages, h: IncidentMajorHazard): HTMLElement {
  const item = el('li', 'incident-hazard')
  item.dataset.id = String(h.id)
  const head = el('div', 'item-head')
  head.append(levelDot(m, h.level), el('span', 'item-name', h.name), el('span', 'item-kind', m.incident.grade(h.grade)))
  head.append(el('span', 'item-distance', whereText(m, h.distanceM, h.bearingDeg)))
  item.append(head)
  const extra = el('div', 'item-extra')
  extra.append(meta(h.enterprise.name))
  if (h.enterprise.responsiblePhone) {
    const phone = el('span', 'panel-meta')
    phone.append(`${h.enterprise.responsiblePerson ?? ''} `, phoneLink(h.enterprise.responsiblePhone))
    extra.append(phone)
  }
  item.append(extra)
  const substances = el('ul', 'incident-substances')
  for (const s of h.substances) substances.append(el('li', 'incident-substance', substanceText(m, s)))
  item.append(substances)
  return item
}

function dangerItem(m: Messages, h: IncidentHiddenDanger): HTMLElement {
  const item = el('li', 'incident-danger')
  item.dataset.id = String(h.id)
  const head = el('div', 'item-head')
  head.append(el('span', 'item-name', h.description), el('span', 'item-distance', whereText(m, h.distanceM, h.bearingDeg)))
  item.append(head)
  const extra = el('div', 'item-extra')
  extra.append(meta(h.enterprise.name), meta(m.incident.hiddenDangerStatuses[h.status] ?? h.status))
  if (h.overdue) extra.append(el('span', 'panel-meta panel-alert', m.incident.overdue))
  item.append(extra)
  return item
}

function areaItem(m: Messages, a: IncidentAreaAssessment): HTMLElement {
  const item = el('li', 'incident-area')
  item.dataset.id = String(a.id)
  const head = el('div', 'item-head')
  head.append(levelDot(m, a.level), el('span', 'item-name', a.name))
  head.append(el('span', 'item-distance', a.distanceM === 0 ? m.incident.inside : formatDistance(m, a.distanceM)))
  item.append(head)
  return item
}

function shelterItem(m: Messages, s: IncidentShelter): HTMLElement {
  const item = el('li', 'incident-shelter')
  item.dataset.id = String(s.id)
  const head = el('div', 'item-head')
  head.append(el('span', 'item-name', s.name), el('span', 'item-distance', whereText(m, s.distanceM, s.bearingDeg)))
  item.append(head)
  const extra = el('div', 'item-extra')
  extra.append(meta(m.incident.capacity(formatNumber(m, s.capacity, 0))))
  if (s.dutyPhone) extra.append(phoneLink(s.dutyPhone))
  item.append(extra)
  return item
}
