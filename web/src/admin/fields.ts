import { ApiError } from '../api/client'
import { el } from '../ui/dom'

/** A labelled form control with a hint and the place where the API's error about it is shown. */
export interface Field {
  wrap: HTMLElement
  label: HTMLElement
  hint: HTMLElement
  error: HTMLElement
  control: HTMLInputElement | HTMLSelectElement
}

/** Builds a field; `name` is the API's name of the input (what `error.details[].field` says). */
export function field(idPrefix: string, name: string, control: HTMLInputElement | HTMLSelectElement): Field {
  control.name = name
  control.id = `${idPrefix}-${name}`
  const wrap = el('div', 'ad-field')
  wrap.dataset.field = name
  const labelElement = el('label', 'ad-label')
  labelElement.htmlFor = control.id
  const label = el('span', 'ad-label-text')
  labelElement.append(label, control)
  const hint = el('span', 'ad-hint')
  hint.id = `${control.id}-hint`
  const error = el('span', 'ad-field-error')
  error.id = `${control.id}-error`
  error.dataset.field = name
  error.setAttribute('role', 'alert')
  error.hidden = true
  control.setAttribute('aria-describedby', `${hint.id} ${error.id}`)
  wrap.append(labelElement, hint, error)
  return { wrap, label, hint, error, control }
}

export function clearFieldErrors(fields: Iterable<Field>): void {
  for (const f of fields) {
    f.error.hidden = true
    f.error.textContent = ''
    f.control.removeAttribute('aria-invalid')
  }
}

/**
 * Shows an API error next to the fields its details name (validation names the input, e.g.
 * `divisionPrefix`; a nested path by its first part). Returns false when no detail named a field
 * of `fields`, so the caller shows the message elsewhere.
 */
export function showFieldErrors(err: unknown, fields: Record<string, Field>): boolean {
  const details = err instanceof ApiError ? err.details : []
  let placed = false
  for (const detail of details) {
    const name = detail.field?.split(/[.[]/)[0]
    const target = name === undefined ? undefined : fields[name]
    if (!target || target.wrap.hidden) continue
    target.error.textContent = target.error.textContent ? `${target.error.textContent}；${detail.message}` : detail.message
    target.error.hidden = false
    target.control.setAttribute('aria-invalid', 'true')
    placed = true
  }
  return placed
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
