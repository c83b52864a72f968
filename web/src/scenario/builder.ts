import { Marker, type Map as MaplibreMap, type MapMouseEvent } from 'maplibre-gl'
import { ApiError, sendJson } from '../api/client'
import { CAPABILITIES, SCENARIO_CHANGE_KINDS, SCENARIO_RESOURCE_KINDS, type Level, type ScenarioChangeKind } from '../api/contract'
import { MESSAGES, type Lang } from '../i18n'
import { LEVEL_COLORS, RISK_LEVELS } from '../map/levels'
import { el, userText } from '../ui/dom'
import {
  POSITION_DECIMALS,
  changesOf,
  distanceM,
  draftOf,
  emptyDraft,
  fieldAt,
  formField,
  linkedChanges,
  missingOf,
  moved,
  positionOptional,
  referenceFieldOf,
  roundPosition,
  takes,
  withKind,
  type Draft,
  type PickedRecord,
  type ReferenceField,
  type RiskLevel,
} from './changes'
import { idQuery, isAbortError, recordById, searchRecords, searchable, type FoundRecord, type LonLatBox } from './records'
import { BUILDER_MESSAGES } from './messages'
import type { Result } from './result'

// The scenario builder (docs/scenarios.md): a name, a list of changes of any kind, each with its
// record found by a search box (records.ts), its position picked on the map or typed, and its other
// fields; up/down/remove; "preview" posts the changes to `/api/scenarios/preview` and hands the result
// to the page (main.ts draws it), "compute and save" posts `{ name, description, changes }`; either
// shows a 400's field (`changes[i].lon`) beside that change's field. An "advanced" box edits the same
// list as JSON. A saved scenario's changes can be loaded as the start of a new one (`load`).

/** Wait after the last keystroke before searching, ms. */
const SEARCH_DELAY_MS = 250

/** An error shown beside a change's field (from the API's details, or the page's own check). */
interface FieldError {
  index: number
  /** The form's field (`lon` for either coordinate), or null: the change as a whole. */
  field: string | null
  message: string
}

type Search = { text: string; state: 'idle' | 'loading' | 'done' | 'failed'; results: FoundRecord[]; message?: string }

export interface ScenarioBuilder {
  /** The builder's section; keeps its state across renders of the page. */
  root: HTMLElement
  /** Draws it again (after a language switch). */
  render(): void
  /** Resolves once the records a page link named are looked up. */
  ready: Promise<void>
  /**
   * Starts a new scenario from a saved one's name, description and changes (its JSON changes, as the
   * API stores them); resolves once their records are looked up for their names.
   */
  load(start: { name: string; description: string | null; changes: readonly unknown[] }): Promise<void>
}

export interface ScenarioBuilderOptions {
  map: MaplibreMap
  lang: () => Lang
  onSaved: (id: number) => void
  /** A preview computed (not saved): the page shows it as it shows a saved result. */
  onPreview: (result: Result) => void
}

export function createScenarioBuilder(options: ScenarioBuilderOptions): ScenarioBuilder {
  const { map } = options
  const root = el('section', 'scenario-form scenario-builder')
  let drafts: Draft[] = []
  let nextKey = 1
  let name = ''
  let description = ''
  let addKind: ScenarioChangeKind = SCENARIO_CHANGE_KINDS[0]
  /** The change whose position the next map click sets. */
  let pickKey: number | null = null
  let error: FieldError | null = null
  let status = ''
  /** What is being computed: the buttons wait meanwhile. */
  let busy: 'preview' | 'save' | null = null
  let jsonOpen = false
  let jsonText = ''
  /** The JSON box holds edits not applied yet: a render keeps them instead of showing the form's list. */
  let jsonDirty = false
  const searches = new Map<number, Search>()
  const searchAborts = new Map<number, AbortController>()
  let markers: Marker[] = []

  const t = () => BUILDER_MESSAGES[options.lang()]
  const m = () => MESSAGES[options.lang()]

  const newDraft = (kind: ScenarioChangeKind) => emptyDraft(kind, nextKey++)
  const picked = (f: FoundRecord): PickedRecord => ({ id: f.id, label: recordLabel(f), lon: f.lon, lat: f.lat, level: f.level })

  function recordLabel(f: FoundRecord): string {
    return f.owner && f.owner !== f.name ? `${f.owner} · ${f.name}` : f.name
  }

  function recordDetail(f: FoundRecord): string {
    const parts = [`#${f.id}`]
    if (f.isMajor !== undefined) parts.push(f.isMajor ? t().major : t().general)
    if (f.level !== undefined) parts.push(m().levelNames[f.level])
    if (f.resourceKind) parts.push(f.resourceKind === 'depot' ? t().depot : t().team)
    return parts.join(' · ')
  }

  /** Clears the error shown at a change once the planner edits that change (without drawing the form again). */
  function touched(index: number): void {
    if (error?.index !== index) return
    error = null
    status = ''
    const card = root.querySelector(`.scenario-change[data-index="${index}"]`)
    card?.classList.remove('scenario-change-invalid')
    card?.querySelectorAll('.scenario-field-invalid').forEach((f) => f.classList.remove('scenario-field-invalid'))
    card?.querySelectorAll('.scenario-field-error').forEach((e) => e.remove())
    root.querySelector('.scenario-status')?.remove()
  }

  function setPicking(key: number | null): void {
    pickKey = key
    map.getCanvas().style.cursor = key === null ? '' : 'crosshair'
  }

  map.on('click', (event: MapMouseEvent) => {
    if (pickKey === null) return
    const index = drafts.findIndex((d) => d.key === pickKey)
    setPicking(null)
    if (index < 0) return
    drafts[index]!.lon = roundPosition(event.lngLat.lng)
    drafts[index]!.lat = roundPosition(event.lngLat.lat)
    touched(index)
    render()
  })
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && pickKey !== null) {
      setPicking(null)
      render()
    }
  })

  function mapView(): LonLatBox | null {
    const b = map.getBounds()
    const box: LonLatBox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
    return box.every(Number.isFinite) ? box : null
  }

  // ---- the record search of one change

  function runSearch(draft: Draft, field: ReferenceField, list: HTMLElement): void {
    const search = searches.get(draft.key)!
    searchAborts.get(draft.key)?.abort()
    if (!searchable(search.text)) {
      search.state = 'idle'
      search.results = []
      drawResults(draft, field, list)
      return
    }
    const abort = new AbortController()
    searchAborts.set(draft.key, abort)
    search.state = 'loading'
    drawResults(draft, field, list)
    const text = search.text
    searchRecords(field, text, mapView(), abort.signal).then(
      (results) => {
        if (abort.signal.aborted || search.text !== text) return
        search.state = 'done'
        search.results = results
        drawResults(draft, field, list)
      },
      (err: unknown) => {
        if (isAbortError(err) || abort.signal.aborted) return
        search.state = 'failed'
        search.message = err instanceof Error ? err.message : String(err)
        drawResults(draft, field, list)
      },
    )
  }

  function drawResults(draft: Draft, field: ReferenceField, list: HTMLElement): void {
    const search = searches.get(draft.key)
    const items: HTMLElement[] = []
    if (search?.state === 'loading') items.push(el('li', 'scenario-pick-note', t().searching))
    else if (search?.state === 'failed') items.push(el('li', 'scenario-pick-note public-error', `${t().searchFailed}${search.message ?? ''}`))
    else if (search?.state === 'done' && search.results.length === 0) {
      // hidden dangers and installations are found through their enterprise's name (records.ts)
      const atEnterprises = (field === 'hiddenDangerId' || field === 'majorHazardId') && idQuery(search.text) === null
      items.push(el('li', 'scenario-pick-note', atEnterprises ? t().noMatchAt : t().noMatch))
    }
    for (const found of search?.state === 'done' ? search.results : []) {
      const li = el('li')
      const button = el('button', 'scenario-pick-result')
      button.type = 'button'
      button.dataset.id = String(found.id)
      button.append(userText(recordLabel(found)), el('span', 'scenario-pick-detail', recordDetail(found)))
      button.addEventListener('click', () => {
        const index = drafts.indexOf(draft)
        if (index < 0) return
        draft.record = picked(found)
        // a reduction's level: one below the installation's, as a start
        if (draft.kind === 'reduce_installation' && draft.level === null && found.level) draft.level = Math.max(1, found.level - 1) as RiskLevel
        searches.delete(draft.key)
        touched(index)
        render()
      })
      li.append(button)
      items.push(li)
    }
    list.replaceChildren(...items)
    list.hidden = items.length === 0
  }

  function recordField(draft: Draft, field: ReferenceField): HTMLElement[] {
    const record = draft.record
    if (record) {
      const row = el('div', 'scenario-record')
      row.dataset.id = String(record.id)
      row.append(userText(record.label ?? `#${record.id}`), el('span', 'scenario-pick-detail', ` #${record.id}`))
      const again = button('scenario-record-change', t().changeRecord, () => {
        draft.record = null
        touched(drafts.indexOf(draft))
        render()
        root.querySelector<HTMLInputElement>(`.scenario-change[data-key="${draft.key}"] .scenario-record-search`)?.focus()
      })
      row.append(again)
      return [row]
    }
    const search = searches.get(draft.key) ?? { text: '', state: 'idle', results: [] }
    searches.set(draft.key, search)
    const input = el('input', 'scenario-record-search')
    input.type = 'search'
    input.placeholder = t().searchHint[field]
    input.value = search.text
    input.autocomplete = 'off'
    const list = el('ul', 'scenario-pick-results')
    let timer: number | undefined
    input.addEventListener('input', () => {
      search.text = input.value
      window.clearTimeout(timer)
      timer = window.setTimeout(() => runSearch(draft, field, list), SEARCH_DELAY_MS)
    })
    drawResults(draft, field, list)
    return [input, list]
  }

  // ---- one change

  function button(className: string, text: string, onClick: () => void, title?: string): HTMLButtonElement {
    const b = el('button', className, text)
    b.type = 'button'
    if (title) {
      b.title = title
      b.setAttribute('aria-label', title)
    }
    b.addEventListener('click', onClick)
    return b
  }

  function numberInput(
    className: string,
    value: number | null,
    set: (v: number | null) => void,
    index: number,
    attrs: { step: string; min?: string; max?: string },
  ): HTMLInputElement {
    const input = el('input', className)
    input.type = 'number'
    input.step = attrs.step
    if (attrs.min) input.min = attrs.min
    if (attrs.max) input.max = attrs.max
    input.value = value === null ? '' : String(value)
    input.addEventListener('input', () => {
      const v = input.value.trim() === '' ? null : Number(input.value)
      set(v !== null && Number.isFinite(v) ? v : null)
      touched(index)
    })
    input.addEventListener('change', () => syncMarkers())
    return input
  }

  function positionField(draft: Draft, index: number): HTMLElement[] {
    const row = el('div', 'scenario-position')
    const lon = numberInput('scenario-lon', draft.lon, (v) => (draft.lon = v), index, { step: '0.000001', min: '-180', max: '180' })
    const lat = numberInput('scenario-lat', draft.lat, (v) => (draft.lat = v), index, { step: '0.000001', min: '-90', max: '90' })
    lon.setAttribute('aria-label', options.lang() === 'en' ? 'longitude' : '经度')
    lat.setAttribute('aria-label', options.lang() === 'en' ? 'latitude' : '纬度')
    const picking = pickKey === draft.key
    const pick = button('scenario-pick-map', picking ? t().picking : t().pick, () => {
      setPicking(picking ? null : draft.key)
      render()
    })
    pick.setAttribute('aria-pressed', String(picking))
    row.append(lon, lat, pick)
    if (positionOptional(draft.kind) && (draft.lon !== null || draft.lat !== null)) {
      row.append(
        button('scenario-position-clear', t().clear, () => {
          draft.lon = null
          draft.lat = null
          touched(index)
          render()
        }),
      )
    }
    const out: HTMLElement[] = [row]
    if (positionOptional(draft.kind)) out.push(el('p', 'panel-note', t().enterpriseDefault))
    // relocations and moves: where it is now, and how far it goes
    const from = draft.record
    if ((draft.kind === 'relocate_installation' || draft.kind === 'move_resource') && from?.lon !== undefined && from.lat !== undefined) {
      const fmt = (lonV: number, latV: number) => `${lonV.toFixed(POSITION_DECIMALS)}, ${latV.toFixed(POSITION_DECIMALS)}`
      const line = el('p', 'panel-note scenario-move', `${t().old}: ${fmt(from.lon, from.lat)}`)
      if (draft.lon !== null && draft.lat !== null) {
        const km = (distanceM({ lon: from.lon, lat: from.lat }, { lon: draft.lon, lat: draft.lat }) / 1000).toFixed(2)
        line.append(` → ${t().new}: ${fmt(draft.lon, draft.lat)} (${t().movedBy(km)})`)
      }
      out.push(line)
    }
    return out
  }

  function levelField(draft: Draft, index: number): HTMLElement[] {
    const select = el('select', 'scenario-level')
    const current = draft.record?.level
    const capped = draft.kind === 'reduce_installation' && current !== undefined && current > 0
    select.append(new Option('—', ''))
    for (const level of RISK_LEVELS) {
      const option = new Option(`${m().levelNames[level]}`, String(level))
      option.selected = draft.level === level
      if (capped && level > current!) option.title = t().levelAbove
      select.append(option)
    }
    const swatch = el('span', 'scenario-level-swatch')
    const paint = () => {
      swatch.hidden = draft.level === null
      swatch.style.backgroundColor = draft.level ? LEVEL_COLORS[draft.level] : 'transparent'
    }
    paint()
    select.addEventListener('change', () => {
      draft.level = select.value ? (Number(select.value) as RiskLevel) : null
      paint()
      touched(index)
    })
    const row = el('div', 'scenario-level-row')
    row.append(swatch, select)
    if (current !== undefined) row.append(el('span', 'panel-note', t().current(m().levelNames[current as Level])))
    return [row]
  }

  function capabilitiesField(draft: Draft, index: number): HTMLElement[] {
    const grid = el('div', 'scenario-capabilities')
    for (const key of CAPABILITIES) {
      const label = el('label', 'scenario-capability')
      const box = el('input')
      box.type = 'checkbox'
      box.value = key
      box.checked = draft.capabilities.includes(key)
      box.addEventListener('change', () => {
        draft.capabilities = CAPABILITIES.filter((c) => (c === key ? box.checked : draft.capabilities.includes(c)))
        touched(index)
      })
      label.append(box, m().capabilities[key] ?? key)
      grid.append(label)
    }
    return [grid]
  }

  function fieldBlock(fieldName: string, label: string, content: HTMLElement[], index: number): HTMLElement {
    const block = el('div', 'scenario-field')
    block.dataset.field = fieldName
    block.append(el('span', 'scenario-field-label', label), ...content)
    if (error?.index === index && formField(error.field) === fieldName) {
      block.classList.add('scenario-field-invalid')
      block.append(el('p', 'scenario-field-error public-error', error.message))
    }
    return block
  }

  function changeCard(draft: Draft, index: number): HTMLElement {
    const tx = t()
    const card = el('li', 'scenario-change')
    card.dataset.index = String(index)
    card.dataset.key = String(draft.key)
    card.dataset.kind = draft.kind
    const head = el('div', 'scenario-change-head')
    const kind = el('select', 'scenario-change-kind')
    kind.setAttribute('aria-label', `${index + 1}`)
    for (const k of SCENARIO_CHANGE_KINDS) kind.append(new Option(tx.kinds[k], k, false, k === draft.kind))
    kind.addEventListener('change', () => {
      drafts[index] = withKind(draft, kind.value as ScenarioChangeKind)
      searches.delete(draft.key)
      touched(index)
      render()
    })
    head.append(
      el('span', 'scenario-change-number', String(index + 1)),
      kind,
      button('scenario-change-up', '↑', () => move(index, -1), tx.up),
      button('scenario-change-down', '↓', () => move(index, 1), tx.down),
      button('scenario-change-remove', '×', () => removeAt(index), tx.remove),
    )
    card.append(head)
    const shown = new Set<string>()
    const ref = referenceFieldOf(draft.kind)
    if (ref) {
      card.append(fieldBlock(ref, tx.fields[ref], recordField(draft, ref), index))
      shown.add(ref)
    }
    if (takes(draft.kind, 'resourceKind')) {
      const select = el('select', 'scenario-resource-kind')
      for (const k of SCENARIO_RESOURCE_KINDS) select.append(new Option(m().resourceKinds[k], k, false, k === draft.resourceKind))
      select.addEventListener('change', () => {
        draft.resourceKind = select.value as Draft['resourceKind']
        touched(index)
      })
      card.append(fieldBlock('resourceKind', tx.fields.resourceKind, [select], index))
      shown.add('resourceKind')
    }
    if (takes(draft.kind, 'name')) {
      const input = el('input', 'scenario-resource-name')
      input.value = draft.name
      input.maxLength = 200
      input.addEventListener('input', () => {
        draft.name = input.value
        touched(index)
      })
      card.append(fieldBlock('name', tx.fields.name, [input], index))
      shown.add('name')
    }
    if (takes(draft.kind, 'isMajor')) {
      const label = el('label', 'scenario-check')
      const box = el('input', 'scenario-is-major')
      box.type = 'checkbox'
      box.checked = draft.isMajor
      box.addEventListener('change', () => {
        draft.isMajor = box.checked
        touched(index)
      })
      label.append(box, tx.fields.isMajor)
      card.append(fieldBlock('isMajor', '', [label], index))
      shown.add('isMajor')
    }
    if (takes(draft.kind, 'level')) {
      card.append(fieldBlock('level', tx.fields.level, levelField(draft, index), index))
      shown.add('level')
    }
    if (takes(draft.kind, 'impactRadiusM')) {
      const input = numberInput('scenario-radius', draft.impactRadiusM, (v) => (draft.impactRadiusM = v), index, { step: '1', min: '1', max: '50000' })
      card.append(fieldBlock('impactRadiusM', tx.fields.impactRadiusM, [input], index))
      shown.add('impactRadiusM')
    }
    if (takes(draft.kind, 'capabilities')) {
      card.append(fieldBlock('capabilities', tx.fields.capabilities, capabilitiesField(draft, index), index))
      shown.add('capabilities')
    }
    if (takes(draft.kind, 'lon')) {
      card.append(fieldBlock('lon', tx.fields.lon, positionField(draft, index), index))
      shown.add('lon')
    }
    if (error?.index === index) {
      card.classList.add('scenario-change-invalid')
      // an error of a field the form does not show (the kind, the change as a whole): under the head
      if (error.field === null || !shown.has(formField(error.field)!)) head.after(el('p', 'scenario-field-error public-error', error.message))
    }
    return card
  }

  function move(index: number, delta: number): void {
    drafts = moved(drafts, index, delta)
    error = null
    render()
  }

  function removeAt(index: number): void {
    const [gone] = drafts.splice(index, 1)
    if (gone) {
      searches.delete(gone.key)
      if (pickKey === gone.key) setPicking(null)
    }
    error = null
    render()
  }

  // ---- the map's markers: each change's new position, and where its record is now

  function markerElement(className: string, text: string): HTMLElement {
    const element = el('div', className, text)
    element.setAttribute('aria-hidden', 'true')
    return element
  }

  function syncMarkers(): void {
    for (const marker of markers) marker.remove()
    markers = []
    drafts.forEach((draft, i) => {
      const r = draft.record
      if (r?.lon !== undefined && r.lat !== undefined) {
        const element = markerElement('scenario-marker scenario-marker-record', String(i + 1))
        element.dataset.key = String(draft.key)
        markers.push(new Marker({ element }).setLngLat([r.lon, r.lat]).addTo(map))
      }
      if (draft.lon !== null && draft.lat !== null && Math.abs(draft.lon) <= 180 && Math.abs(draft.lat) <= 90) {
        const element = markerElement('scenario-marker scenario-marker-new', String(i + 1))
        element.dataset.key = String(draft.key)
        markers.push(new Marker({ element }).setLngLat([draft.lon, draft.lat]).addTo(map))
      }
    })
  }

  // ---- the records a link or the JSON box named by id alone

  async function lookUpLabels(): Promise<void> {
    await Promise.all(
      drafts.map(async (draft) => {
        const ref = referenceFieldOf(draft.kind)
        const record = draft.record
        if (!ref || !record || record.label !== null) return
        const found = await recordById(ref, record.id).catch(() => null)
        if (draft.record !== record) return // changed meanwhile
        draft.record = found ? picked(found) : { id: record.id, label: t().unknownRecord(record.id) }
      }),
    )
    render()
  }

  // ---- preview and saving

  /** Checks each change has what it needs before sending; shows the first thing missing at its field. */
  function complete(): boolean {
    const tx = t()
    if (drafts.length === 0) {
      status = tx.needOne
      return false
    }
    for (const [index, draft] of drafts.entries()) {
      const missing = missingOf(draft)
      if (missing) {
        error = { index, field: missing.field, message: tx.missing[missing.what] }
        status = `${tx.changeN(index + 1)}${tx.missing[missing.what]}`
        return false
      }
    }
    return true
  }

  /** A refused preview or save: a 400 or 403 naming `changes[i].<field>` is shown at that field. */
  function refused(err: unknown): void {
    const tx = t()
    const message = err instanceof Error ? err.message : String(err)
    const detail = err instanceof ApiError ? err.details[0] : undefined
    const at = fieldAt(detail?.field)
    if (at && at.index < drafts.length) {
      error = { index: at.index, field: at.field, message: detail?.message ?? message }
      status = `${tx.changeN(at.index + 1)}${detail?.message ?? message}`
    } else {
      status = `${tx.failed}${message}`
    }
  }

  async function submit(what: 'preview' | 'save'): Promise<void> {
    error = null
    status = ''
    if (!complete()) {
      render()
      return
    }
    busy = what
    render()
    try {
      const changes = changesOf(drafts)
      if (what === 'preview') {
        const result = await sendJson<Result>('POST', '/api/scenarios/preview', { changes })
        busy = null
        render()
        options.onPreview(result)
        return
      }
      const body: Record<string, unknown> = { name: name.trim() || '—', changes }
      if (description.trim()) body.description = description.trim()
      const created = await sendJson<{ id: number }>('POST', '/api/scenarios', body)
      options.onSaved(created.id)
    } catch (err) {
      busy = null
      refused(err)
      render()
    }
  }

  function applyJson(): void {
    let parsed: unknown
    try {
      parsed = JSON.parse(jsonText || '[]')
      if (!Array.isArray(parsed)) throw new TypeError('[ … ]')
      drafts = parsed.map((raw) => draftOf(raw, nextKey++))
    } catch (err) {
      status = `${t().jsonBad}${err instanceof Error ? err.message : String(err)}`
      render()
      return
    }
    searches.clear()
    error = null
    status = ''
    jsonDirty = false
    setPicking(null)
    render()
    void lookUpLabels()
  }

  /** The list as the API's JSON, one change a line. */
  function changesJson(): string {
    const changes = changesOf(drafts)
    return changes.length === 0 ? '[]' : `[\n${changes.map((c) => `  ${JSON.stringify(c)}`).join(',\n')}\n]`
  }

  // ---- drawing

  function render(): void {
    const tx = t()
    const nameInput = el('input', 'scenario-name')
    nameInput.value = name
    nameInput.maxLength = 200
    nameInput.placeholder = tx.name
    nameInput.addEventListener('input', () => (name = nameInput.value))
    const descriptionInput = el('textarea', 'scenario-description')
    descriptionInput.rows = 2
    descriptionInput.maxLength = 2000
    descriptionInput.value = description
    descriptionInput.addEventListener('input', () => (description = descriptionInput.value))

    const list = el('ol', 'scenario-changes-list')
    drafts.forEach((d, i) => list.append(changeCard(d, i)))

    const kindSelect = el('select', 'scenario-add-kind')
    for (const k of SCENARIO_CHANGE_KINDS) kindSelect.append(new Option(tx.kinds[k], k, false, k === addKind))
    kindSelect.addEventListener('change', () => (addKind = kindSelect.value as ScenarioChangeKind))
    const add = button('scenario-add', tx.add, () => {
      const draft = newDraft(addKind)
      drafts.push(draft)
      // a change placed on the map: the next map click places it
      if (takes(draft.kind, 'lon') && !positionOptional(draft.kind)) setPicking(draft.key)
      render()
      root.querySelector<HTMLInputElement>(`.scenario-change[data-key="${draft.key}"] .scenario-record-search`)?.focus()
    })
    const addRow = el('div', 'scenario-add-row')
    addRow.append(kindSelect, add)

    const previewButton = button('scenario-preview-button', busy === 'preview' ? tx.saving : tx.preview, () => void submit('preview'))
    const saveButton = button('scenario-save', busy === 'save' ? tx.saving : tx.save, () => void submit('save'))
    previewButton.disabled = saveButton.disabled = busy !== null
    const actions = el('div', 'scenario-actions')
    actions.append(previewButton, saveButton)

    const advanced = el('details', 'scenario-json')
    advanced.open = jsonOpen
    const textarea = el('textarea', 'scenario-changes')
    textarea.translate = false // JSON: the API's field names and values, not words of the page
    textarea.rows = 6
    // Holds the current changes until the user edits it, so opening it shows them at once (the
    // toggle event comes after the click).
    if (!jsonDirty) jsonText = changesJson()
    textarea.value = jsonText
    textarea.addEventListener('input', () => {
      jsonText = textarea.value
      jsonDirty = true
    })
    advanced.addEventListener('toggle', () => {
      if (advanced.open === jsonOpen) return // the render's own setting
      jsonOpen = advanced.open
      jsonDirty = false
      if (jsonOpen) textarea.value = jsonText = changesJson()
    })
    advanced.append(el('summary', undefined, tx.json), textarea, button('scenario-apply-json', tx.applyJson, applyJson))

    root.replaceChildren(
      el('h3', 'panel-subtitle', tx.title),
      el('label', 'panel-note', tx.name),
      nameInput,
      el('label', 'panel-note', tx.description),
      descriptionInput,
      el('h4', 'panel-subtitle', tx.changes),
      drafts.length === 0 ? el('p', 'panel-empty', tx.none) : list,
      addRow,
      actions,
      ...(status ? [el('p', 'scenario-status public-error', status)] : []),
      advanced,
    )
    syncMarkers()
  }

  /** The first change still waiting for its position on the map waits for the next map click. */
  function awaitPosition(): void {
    const waiting = drafts.find((d) => takes(d.kind, 'lon') && !positionOptional(d.kind) && d.lon === null && d.lat === null)
    setPicking(waiting?.key ?? null)
  }

  function load(start: { name: string; description: string | null; changes: readonly unknown[] }): Promise<void> {
    drafts = start.changes.map((raw) => draftOf(raw, nextKey++))
    name = start.name
    description = start.description ?? ''
    searches.clear()
    error = null
    status = ''
    jsonDirty = false
    setPicking(null)
    render()
    return lookUpLabels()
  }

  // ---- a page link: `?rectify_hidden_danger=12` (changes.ts linkedChanges); a move then waits for the map click
  const linked = linkedChanges(new URLSearchParams(window.location.search))
  drafts = linked.map(({ kind, id }) => ({ ...newDraft(kind), record: { id, label: null } }))
  awaitPosition()
  const ready = drafts.length > 0 ? lookUpLabels() : Promise.resolve()

  return { root, render, ready, load }
}
