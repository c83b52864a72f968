import './reports.css'
import { Marker, type Map as MapLibreMap, type MapMouseEvent } from 'maplibre-gl'
import { ApiError } from '../api/client'
import { loadSession } from '../auth/session'
import { el } from '../ui/dom'
import { categoryLabel, fetchCategories, lookupReport, submitPublicReport, type PublicReportStatus, type ReportCategories } from './api'
import { formatTime } from './format'
import { REPORT_MESSAGES, formField, type ReportField } from './messages'

/** Longest description and contact/address the API accepts, characters. */
const DESCRIPTION_MAX = 2000
const SHORT_TEXT_MAX = 200
/** Decimal places kept of a picked point: 6 ≈ 0.1 m, finer than any click. */
const COORD_DECIMALS = 6

/** Undoes the previous mount of a container (map listener, marker), so mounting again (a language switch) starts clean. */
const mounted = new WeakMap<HTMLElement, () => void>()

/**
 * The public report form (12350-style) and the tracking-code lookup, in `container`. While the form
 * is visible, a click on `map` picks the location (shown with a marker); the coordinates can also
 * be typed. Field errors from the API appear next to their field; a rate-limit refusal says when to retry.
 */
export function mountPublicReports(container: HTMLElement, map: MapLibreMap, lang: 'zh-CN' | 'en'): void {
  mounted.get(container)?.()
  const m = REPORT_MESSAGES[lang]
  container.replaceChildren()
  container.classList.add('rp-public')
  let categories: ReportCategories | null = null

  // ---- the form
  const form = el('form', 'rp-form')
  form.noValidate = true
  const title = el('h2', 'rp-title', m.formTitle)
  const hint = el('p', 'rp-hint', m.pickHint)

  const lon = numberInput('rp-lon', m.lon)
  const lat = numberInput('rp-lat', m.lat)
  const category = el('select', 'rp-category')
  category.name = 'category'
  const description = el('textarea', 'rp-description')
  description.name = 'description'
  description.rows = 5
  description.maxLength = DESCRIPTION_MAX
  description.placeholder = m.descriptionPlaceholder
  const counter = el('span', 'rp-counter')
  const address = textInput('rp-address', SHORT_TEXT_MAX)
  const contact = textInput('rp-contact', SHORT_TEXT_MAX)
  const submit = el('button', 'rp-submit', m.submit)
  submit.type = 'submit'
  const formError = el('p', 'rp-form-error')
  formError.setAttribute('role', 'alert')
  formError.hidden = true
  const result = el('div', 'rp-result')
  result.setAttribute('role', 'status')
  result.hidden = true

  const errors = {} as Record<ReportField, HTMLElement>
  const field = (name: ReportField, label: string, ...controls: HTMLElement[]) => {
    const wrapper = el('div', `rp-field rp-field-${name}`)
    const caption = el('span', 'rp-label', label)
    const error = el('span', 'rp-error')
    error.id = `rp-error-${name}-${Math.random().toString(36).slice(2, 8)}`
    error.hidden = true
    for (const control of controls) control.setAttribute('aria-describedby', error.id)
    errors[name] = error
    wrapper.append(caption, ...controls, error)
    return wrapper
  }
  const coords = el('div', 'rp-coords')
  coords.append(labelled(m.lon, lon), labelled(m.lat, lat))
  const contactHint = el('span', 'rp-note', m.contactHint)
  form.append(
    title,
    hint,
    field('location', m.location, coords),
    field('category', m.category, category),
    field('description', m.description, description, counter),
    field('address', m.address, address),
    field('contact', m.contact, contact, contactHint),
    submit,
    formError,
  )

  const updateCounter = () => {
    counter.textContent = m.counter(description.value.length, DESCRIPTION_MAX)
  }
  description.addEventListener('input', updateCounter)
  updateCounter()

  // ---- the location: a map click or typed coordinates, shown with a marker
  let marker: Marker | null = null
  const showMarker = () => {
    const point = readPoint()
    if (!point) {
      marker?.remove()
      marker = null
      return
    }
    marker ??= new Marker({ color: '#d7191c', className: 'rp-marker' })
    marker.setLngLat([point.lon, point.lat]).addTo(map)
  }
  const readPoint = () => {
    const x = Number(lon.value)
    const y = Number(lat.value)
    return lon.value.trim() !== '' && lat.value.trim() !== '' && Number.isFinite(x) && Number.isFinite(y) ? { lon: x, lat: y } : null
  }
  const onMapClick = (event: MapMouseEvent) => {
    if (!container.isConnected || container.offsetParent === null) return // the form is not shown
    lon.value = event.lngLat.lng.toFixed(COORD_DECIMALS)
    lat.value = event.lngLat.lat.toFixed(COORD_DECIMALS)
    showErrors([])
    showMarker()
  }
  map.on('click', onMapClick)
  lon.addEventListener('change', showMarker)
  lat.addEventListener('change', showMarker)

  const showErrors = (list: Array<{ field: ReportField; message: string }>) => {
    for (const error of Object.values(errors)) error.hidden = true
    for (const { field: name, message } of list) {
      errors[name].textContent = message
      errors[name].hidden = false
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void send()
  })

  async function send(): Promise<void> {
    showErrors([])
    formError.hidden = true
    submit.disabled = true
    submit.textContent = m.submitting
    const point = readPoint()
    try {
      // A signed-in staff member on the public page must send the session's CSRF token: read it first.
      await loadSession()
      const created = await submitPublicReport({
        ...(point ? { location: point } : {}),
        category: category.value,
        description: description.value,
        contact: contact.value.trim() || null,
        address: address.value.trim() || null,
      })
      form.reset()
      updateCounter()
      showMarker()
      result.replaceChildren(
        el('p', 'rp-result-title', m.submitted),
        definition(m.trackingCode, created.trackingCode, 'rp-code', true),
        definition(m.deadline, formatTime(created.deadline, lang)),
        el('p', 'rp-note', m.keepCode),
      )
      result.hidden = false
      codeInput.value = created.trackingCode
    } catch (err) {
      result.hidden = true
      showFailure(err)
    } finally {
      submit.disabled = false
      submit.textContent = m.submit
    }
  }

  function showFailure(err: unknown): void {
    if (err instanceof ApiError && err.status === 429) {
      const waitS = Number(err.details[0]?.retryAfterS)
      formError.textContent = Number.isFinite(waitS) && waitS > 0 ? m.rateLimited(Math.ceil(waitS / 60)) : err.message
      formError.hidden = false
      return
    }
    if (err instanceof ApiError && err.code === 'invalid_input') {
      const list = err.details.flatMap((d) => {
        const name = formField(d.field)
        return name ? [{ field: name, message: lang === 'en' ? `${m.fieldErrors[name]} (${d.message})` : m.fieldErrors[name] }] : []
      })
      if (list.length > 0) {
        showErrors(list)
        return
      }
    }
    formError.textContent = m.failed(err instanceof Error ? err.message : String(err))
    formError.hidden = false
  }

  // ---- the tracking-code lookup
  const lookupForm = el('form', 'rp-lookup')
  lookupForm.noValidate = true
  const codeInput = el('input', 'rp-lookup-code')
  codeInput.type = 'text'
  codeInput.maxLength = 20
  codeInput.autocomplete = 'off'
  codeInput.placeholder = m.lookupPlaceholder
  codeInput.setAttribute('aria-label', m.trackingCode)
  const lookupButton = el('button', 'rp-lookup-button', m.lookup)
  lookupButton.type = 'submit'
  const lookupResult = el('div', 'rp-lookup-result')
  lookupResult.setAttribute('role', 'status')
  lookupResult.setAttribute('aria-live', 'polite')
  const lookupRow = el('div', 'rp-lookup-row')
  lookupRow.append(codeInput, lookupButton)
  lookupForm.append(el('h2', 'rp-title', m.lookupTitle), lookupRow, lookupResult)
  let lookupAbort: AbortController | null = null
  lookupForm.addEventListener('submit', (event) => {
    event.preventDefault()
    void look()
  })

  async function look(): Promise<void> {
    lookupAbort?.abort()
    const abort = new AbortController()
    lookupAbort = abort
    const code = codeInput.value.replace(/[\s-]/g, '')
    if (code === '') return
    try {
      showStatus(await lookupReport(code, abort.signal))
    } catch (err) {
      if (abort.signal.aborted) return
      const text =
        err instanceof ApiError && err.status === 404
          ? m.lookupNotFound
          : err instanceof ApiError && err.status === 400
            ? m.lookupMalformed
            : m.failed(err instanceof Error ? err.message : String(err))
      lookupResult.replaceChildren(el('p', 'rp-error', text))
    }
  }

  function showStatus(status: PublicReportStatus): void {
    const list = el('dl', 'rp-status')
    list.append(
      ...definitionPair(m.trackingCode, status.trackingCode, undefined, true),
      ...definitionPair(m.category, categoryLabel(categories, status.category, lang)),
      ...definitionPair(m.statusLabel, m.statuses[status.status], `rp-status-value rp-status-${status.status}`),
      ...definitionPair(m.createdAt, formatTime(status.createdAt, lang)),
      ...definitionPair(m.updatedAt, formatTime(status.updatedAt, lang)),
      ...definitionPair(m.deadline, formatTime(status.deadline, lang)),
      ...(status.resolution ? definitionPair(m.resolution, status.resolution, undefined, true) : []),
    )
    lookupResult.replaceChildren(list)
  }

  container.append(form, result, lookupForm)

  // ---- categories, from the server (one vocabulary for the API and both languages)
  const loading = new AbortController()
  category.append(new Option(m.chooseCategory, ''))
  fetchCategories(loading.signal)
    .then((loaded) => {
      categories = loaded
      for (const c of loaded.public) category.append(new Option(lang === 'en' ? c.en : c.zh, c.code))
    })
    .catch((err: unknown) => {
      if (!loading.signal.aborted) showFailure(err)
    })

  mounted.set(container, () => {
    loading.abort()
    lookupAbort?.abort()
    map.off('click', onMapClick)
    marker?.remove()
  })

  function labelled(text: string, control: HTMLElement): HTMLLabelElement {
    const label = el('label', 'rp-inline')
    label.append(el('span', 'rp-sub', text), control)
    return label
  }
}

function numberInput(className: string, label: string): HTMLInputElement {
  const input = el('input', className)
  input.type = 'text'
  input.inputMode = 'decimal'
  input.autocomplete = 'off'
  input.setAttribute('aria-label', label)
  return input
}

function textInput(className: string, maxLength: number): HTMLInputElement {
  const input = el('input', className)
  input.type = 'text'
  input.maxLength = maxLength
  return input
}

function definition(term: string, value: string, valueClass?: string, asWritten = false): HTMLElement {
  const list = el('dl', 'rp-status')
  list.append(...definitionPair(term, value, valueClass, asWritten))
  return list
}

function definitionPair(term: string, value: string, valueClass?: string, asWritten = false): HTMLElement[] {
  const dd = el('dd', valueClass, value)
  // A tracking code or a staff member's resolution is shown as written, not translated.
  if (asWritten) dd.translate = false
  return [el('dt', undefined, term), dd]
}
