import 'maplibre-gl/dist/maplibre-gl.css'
import '../style.css'
import '../public/public.css'
import { ApiError, getJson, sendJson } from '../api/client'
import type { Draft, DraftPage, DraftPreview, Level, Publication, PublicationChanges, PublicationDiff, PublicationPage } from '../api/contract'
import { requireStaff, type CurrentUser } from '../auth/session'
import { MESSAGES, type Lang } from '../i18n'
import { createMap, relabelControls } from '../map/create'
import { DIFF_COLORS, diffLayer } from '../map/diff'
import { loadDivisionBasemap } from '../map/division-basemap'
import { setBasemapLanguage } from '../map/style'
import { exposeTestHook } from '../test-hook'
import { el, labelled, metaLine, requireElement, userText } from '../ui/dom'
import { formatInstant } from '../ui/format'
import { causeText } from '../panels/cause'
import { PUBLIC_MESSAGES } from '../public/messages'
import { startPage } from '../ui/page'

// Publications for staff (docs/domain.md §8), in two steps: a planner prepares a draft, whose
// preview shows on the map and in numbers what would change against the current publication and
// why; another planner or administrator approves it (it becomes the new publication) or rejects it
// with a note. The list of publications and the diff of any two stay beside it.

const FIT_PADDING_PX = 24
/** Roles that may publish (the API's rule; admin passes every rule). */
const PUBLISHERS: ReadonlyArray<CurrentUser['role']> = ['planner', 'admin']

const header = requireElement(document, '.app-header')
const page = startPage({ header })
let lang: Lang = page.lang
let m = PUBLIC_MESSAGES[lang]
let user: CurrentUser | null = null
let publications: Publication[] = []
const chosen = new Set<number>()
let diff: PublicationDiff | null = null
let drafts: Draft[] = []
let preview: DraftPreview | null = null
let status = ''

const back = requireElement<HTMLAnchorElement>(header, '.publications-back')
const panel = requireElement(document, '.publications-panel')
const legendRoot = requireElement(document, '.legend')
const mapContainer = requireElement(document, '#map')
const map = createMap(mapContainer, lang, MESSAGES[lang])
const styleLoaded = map.once('load')
const diffMap = diffLayer(map, 'publication')
const noteInput = el('textarea', 'publications-note')
noteInput.maxLength = 500
noteInput.rows = 2
const decisionInput = el('textarea', 'publications-note publications-decision-note')
decisionInput.maxLength = 500
decisionInput.rows = 2

page.onSwitch((next) => {
  lang = next
  m = PUBLIC_MESSAGES[lang]
  setBasemapLanguage(map, lang)
  relabelControls(mapContainer, MESSAGES[lang])
  render()
})

function levelName(level: Level): string {
  return MESSAGES[lang].levelNames[level]
}

function render(): void {
  document.title = m.publications.title
  requireElement(header, '.app-title').textContent = m.publications.title
  back.textContent = m.publications.back
  const p = m.publications

  const legend = el('ul', 'legend-list')
  for (const change of ['raised', 'lowered'] as const) {
    const item = el('li', 'legend-item')
    const swatch = el('span', `legend-swatch diff-swatch-${change}`)
    swatch.style.backgroundColor = DIFF_COLORS[change]
    item.append(swatch, el('span', 'legend-name', p[change]))
    legend.append(item)
  }
  legendRoot.replaceChildren(el('h2', 'legend-title', p.cells), legend)

  const sections: HTMLElement[] = []
  const publish = el('section', 'publications-form')
  if (user && PUBLISHERS.includes(user.role)) {
    noteInput.placeholder = p.notePlaceholder
    const button = el('button', 'publications-prepare', p.prepare)
    button.type = 'button'
    button.addEventListener('click', () => void prepareDraft(button))
    publish.append(noteInput, button)
  } else {
    publish.append(el('p', 'panel-note', p.readOnly))
  }
  if (status) publish.append(el('p', 'publications-status', status))
  sections.push(publish)

  const draftSection = el('section', 'publications-drafts')
  draftSection.append(el('h3', 'panel-subtitle', p.draftsTitle))
  if (drafts.length === 0) draftSection.append(el('p', 'panel-empty', p.draftsEmpty))
  const draftList = el('ul', 'panel-list')
  for (const d of drafts) {
    const item = el('li', 'publications-draft')
    item.dataset.draft = String(d.id)
    const open = el('button', 'publications-preview', p.preview)
    open.type = 'button'
    open.addEventListener('click', () => void showPreview(d.id))
    item.append(
      el('div', 'item-head', p.draftHead(d.id, formatInstant(d.preparedAt))),
      metaLine('div', 'publications-meta', [labelled(p.preparedBy, d.preparedByName), d.note ? userText(d.note) : null]),
      open,
    )
    draftList.append(item)
  }
  draftSection.append(draftList)
  sections.push(draftSection)
  if (preview) sections.push(previewSection(preview))

  const listSection = el('section', 'publications-list')
  listSection.append(el('h3', 'panel-subtitle', p.listTitle))
  if (publications.length === 0) listSection.append(el('p', 'panel-empty', p.empty))
  listSection.append(el('p', 'panel-note', p.compareHint))
  const list = el('ul', 'panel-list')
  for (const pub of publications) {
    const item = el('li', 'publications-item')
    item.dataset.publication = String(pub.id)
    const label = el('label')
    const box = el('input')
    box.type = 'checkbox'
    box.value = String(pub.id)
    box.checked = chosen.has(pub.id)
    box.addEventListener('change', () => {
      if (box.checked) chosen.add(pub.id)
      else chosen.delete(pub.id)
      // Only two at a time: the oldest choice gives way.
      while (chosen.size > 2) chosen.delete(chosen.values().next().value!)
      render()
    })
    const counts = ([4, 3, 2, 1] as const).map((level) => `${levelName(level)} ${pub.counts.cells[level]}`).join(' · ')
    const text = el('div')
    text.append(
      el('div', 'item-head', `#${pub.id} ${formatInstant(pub.createdAt)}`),
      metaLine('div', 'publications-meta', [labelled((name) => `${p.approver}: ${name}`, pub.approverName), pub.note ? userText(pub.note) : null]),
      el('div', 'publications-meta', counts),
    )
    label.append(box, text)
    item.append(label)
    list.append(item)
  }
  listSection.append(list)
  const compare = el('button', 'publications-compare', p.compare)
  compare.type = 'button'
  compare.disabled = chosen.size !== 2
  compare.addEventListener('click', () => void compareChosen())
  listSection.append(compare)
  sections.push(listSection)

  if (diff) {
    const d = el('section', 'publications-diff')
    d.append(...diffParts(diff))
    sections.push(d)
  }
  panel.replaceChildren(...sections)
}

/** A diff in words: the counts, the regions that change (level, or only shares) and why. */
function diffParts(d: PublicationChanges): HTMLElement[] {
  const p = m.publications
  const s = d.summary
  const parts: HTMLElement[] = [el('p', 'publications-summary', p.summary(s.cellsChanged, s.cellsRaised, s.cellsLowered, s.regionsChanged))]
  if (s.regionsReshared > 0) parts.push(el('p', 'publications-reshared', p.sharesOnly(s.regionsReshared)))
  if (s.analysisCellsChanged > 0) parts.push(el('p', 'publications-analysis', p.analysisCells(s.analysisCellsChanged)))
  if (s.cellsChanged === 0 && s.regionsChanged === 0 && s.regionsReshared === 0 && s.analysisCellsChanged === 0) parts.push(el('p', 'panel-empty', p.noChange))
  const regions = el('ul', 'panel-list')
  for (const r of d.regions.filter((r) => r.kind === 'division')) {
    const text = r.change === 'shares' ? p.regionShares(r.name, levelName(r.after)) : p.regionChange(r.name, levelName(r.before), levelName(r.after))
    regions.append(el('li', `publications-region publications-region-${r.change}`, text))
  }
  parts.push(regions)
  if (d.causes.length > 0) {
    const why = el('ul', 'panel-list publications-causes')
    for (const c of d.causes) why.append(el('li', 'publications-cause', p.causeLine(causeText(MESSAGES[lang], c.cause), c.raised, c.lowered, c.staleOnly)))
    parts.push(el('h4', 'panel-subtitle', p.causesTitle), why)
  }
  return parts
}

function previewSection(v: DraftPreview): HTMLElement {
  const p = m.publications
  const section = el('section', 'publications-preview-section')
  section.dataset.draft = String(v.draft.id)
  section.append(el('h3', 'panel-subtitle', p.previewTitle(v.draft.id)))
  section.append(metaLine('p', 'publications-meta', [labelled(p.preparedBy, v.draft.preparedByName), v.draft.note ? userText(v.draft.note) : null]))
  section.append(el('p', 'publications-against', v.current ? p.againstCurrent(v.current.id) : p.againstNothing))
  section.append(...diffParts(v))
  if (v.draft.status !== 'pending') {
    section.append(el('p', 'publications-decided', p.decided(p.statuses[v.draft.status], v.draft.decidedByName ?? '—', v.draft.decisionNote)))
  } else if (v.outdated) {
    section.append(el('p', 'publications-outdated public-error', p.outdated))
  } else if (user && v.draft.preparedBy === user.id) {
    section.append(el('p', 'publications-own panel-note', p.ownDraft))
  } else if (user && PUBLISHERS.includes(user.role)) {
    decisionInput.placeholder = p.decisionNote
    const approve = el('button', 'publications-approve', p.approve)
    const reject = el('button', 'publications-reject', p.reject)
    approve.type = reject.type = 'button'
    approve.addEventListener('click', () => void decide(v.draft.id, 'approve'))
    reject.addEventListener('click', () => void decide(v.draft.id, 'reject'))
    const buttons = el('div', 'publications-decision')
    buttons.append(approve, reject)
    section.append(decisionInput, buttons)
  }
  return section
}

async function loadDrafts(): Promise<void> {
  drafts = (await getJson<DraftPage>('/api/publications/drafts', { status: 'pending', limit: 50 })).items
}

function showOnMap(d: PublicationChanges): void {
  diffMap.show(d.cells, { maxZoom: 12 })
}

async function showPreview(id: number): Promise<void> {
  try {
    preview = await getJson<DraftPreview>(`/api/publications/drafts/${id}/preview`)
  } catch (err) {
    showError(err)
    return
  }
  diff = null
  chosen.clear()
  showOnMap(preview)
  render()
}

async function prepareDraft(button: HTMLButtonElement): Promise<void> {
  button.disabled = true
  status = m.publications.preparing
  render()
  try {
    const created = await sendJson<Draft>('POST', '/api/publications/drafts', { note: noteInput.value.trim() || null })
    noteInput.value = ''
    status = m.publications.prepared(created.id)
    await loadDrafts()
    await showPreview(created.id)
  } catch (err) {
    showError(err)
  }
}

async function decide(id: number, decision: 'approve' | 'reject'): Promise<void> {
  const note = decisionInput.value.trim()
  if (decision === 'reject' && !note) {
    status = m.publications.rejectNeedsNote
    render()
    return
  }
  try {
    if (decision === 'approve') {
      const published = await sendJson<Publication>('POST', `/api/publications/drafts/${id}/approve`, { note: note || null })
      status = m.publications.approved(id, published.id)
    } else {
      await sendJson<Draft>('POST', `/api/publications/drafts/${id}/reject`, { note })
      status = m.publications.rejected(id)
    }
    decisionInput.value = ''
    preview = null
    diffMap.show({ type: 'FeatureCollection', features: [] }, { maxZoom: 12 })
    await Promise.all([loadDrafts(), loadPublications()])
  } catch (err) {
    showError(err)
    return
  }
  render()
}

function showError(err: unknown): void {
  status = `${m.loadFailed}${err instanceof ApiError || err instanceof Error ? err.message : String(err)}`
  render()
}

async function loadPublications(): Promise<void> {
  publications = (await getJson<PublicationPage>('/api/publications', { limit: 100 })).items
}

async function compareChosen(): Promise<void> {
  if (chosen.size !== 2) return
  const [older, newer] = [...chosen].sort((a, b) => a - b) as [number, number]
  try {
    diff = await getJson<PublicationDiff>(`/api/publications/${newer}/diff`, { against: older })
  } catch (err) {
    showError(err)
    return
  }
  preview = null
  showOnMap(diff)
  render()
}

async function loadBasemap(): Promise<void> {
  const { box } = await loadDivisionBasemap(map, styleLoaded)
  if (box) map.fitBounds(box, { padding: FIT_PADDING_PX, animate: false })
}

async function start(): Promise<void> {
  user = await requireStaff()
  render()
  await Promise.all([loadBasemap(), loadPublications().catch(showError), loadDrafts().catch(showError)])
  render()
  await styleLoaded
  const idle = map.once('idle')
  map.triggerRepaint()
  await idle
}

exposeTestHook({ map, ready: start() })
