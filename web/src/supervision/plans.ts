import { ApiError, isAbortError } from '../api/client'
import type { Messages } from '../i18n'
import { localDate } from '../ui/format'
import { el } from '../ui/dom'
import {
  createPlan,
  fetchDepartments,
  fetchPlan,
  fetchPlans,
  jurisdictionPrefix,
  type Department,
  type PlanPage,
  type PlanRequest,
  type PlanWithInspections,
} from './api'
import { enterpriseMapUrl, labelled, pager } from './coverage'
import type { SupervisionMessages } from './messages'

/** Plans per page of the list. */
export const PLAN_PAGE_SIZE = 20

/** The inputs of POST /api/inspection-plans the form has, by the name the API gives them. */
const FORM_FIELDS = ['departmentId', 'divisionPrefix', 'periodStart', 'periodEnd', 'seed'] as const
type FormField = (typeof FORM_FIELDS)[number]

function isFormField(field: unknown): field is FormField {
  return (FORM_FIELDS as readonly unknown[]).includes(field)
}

/** The day before the same day three months later: a quarter as the default period. */
function quarterEnd(start: Date): string {
  return localDate(new Date(start.getFullYear(), start.getMonth() + 3, start.getDate() - 1))
}

/**
 * Double-random inspection plans: the form that draws one (errors shown next to the field the API
 * names), the paged list of plans, and a plan's drawn enterprises and inspectors.
 */
export class PlansView {
  private messages: SupervisionMessages
  private common: Messages
  private departments: Department[] = []
  private page: PlanPage | null = null
  private offset = 0
  private detail: PlanWithInspections | null = null
  private loadError: string | null = null
  private readonly form: HTMLFormElement
  private readonly controls: Record<FormField, HTMLInputElement | HTMLSelectElement>
  private readonly fieldErrors: Record<FormField, HTMLElement>
  private readonly fieldLabels: Record<FormField, HTMLElement>
  private readonly hints: { divisionPrefix: HTMLElement; seed: HTMLElement; frequency: HTMLElement }
  private readonly formError: HTMLElement
  private readonly formStatus: HTMLElement
  private readonly submit: HTMLButtonElement
  private readonly listSection: HTMLElement
  private readonly detailSection: HTMLElement
  private readonly headings: { title: HTMLElement; intro: HTMLElement; form: HTMLElement; list: HTMLElement }
  /** The prefix last filled in from a department, replaced when the department changes unless edited. */
  private suggestedPrefix = ''
  private submitting = false
  private detailLoading: AbortController | null = null

  constructor(
    private readonly root: HTMLElement,
    messages: SupervisionMessages,
    common: Messages,
  ) {
    this.messages = messages
    this.common = common
    this.headings = { title: el('h2', 'sv-heading'), intro: el('p', 'sv-intro'), form: el('h3', 'sv-subheading'), list: el('h3', 'sv-subheading') }

    const department = el('select')
    const divisionPrefix = el('input')
    divisionPrefix.type = 'text'
    divisionPrefix.inputMode = 'numeric'
    divisionPrefix.pattern = '[0-9]{2,9}'
    divisionPrefix.required = true
    const today = new Date()
    const periodStart = el('input')
    periodStart.type = 'date'
    periodStart.required = true
    periodStart.value = localDate(today)
    const periodEnd = el('input')
    periodEnd.type = 'date'
    periodEnd.required = true
    periodEnd.value = quarterEnd(today)
    const seed = el('input')
    seed.type = 'text'
    seed.maxLength = 100
    department.required = true
    this.controls = { departmentId: department, divisionPrefix, periodStart, periodEnd, seed }
    department.addEventListener('change', () => this.departmentChanged())

    this.form = el('form', 'plan-form')
    this.form.noValidate = true
    this.fieldErrors = {} as Record<FormField, HTMLElement>
    this.fieldLabels = {} as Record<FormField, HTMLElement>
    this.hints = { divisionPrefix: el('span', 'sv-hint'), seed: el('span', 'sv-hint'), frequency: el('p', 'sv-hint plan-frequency') }
    for (const field of FORM_FIELDS) {
      const control = this.controls[field]
      control.name = field
      control.id = `plan-${field}`
      const error = el('span', 'sv-field-error')
      error.id = `plan-${field}-error`
      error.dataset.field = field
      error.setAttribute('role', 'alert')
      error.hidden = true
      control.setAttribute('aria-describedby', error.id)
      this.fieldErrors[field] = error
      const wrap = el('div', 'sv-field')
      wrap.dataset.field = field
      const label = labelled('', control)
      this.fieldLabels[field] = label.querySelector('.sv-label-text')!
      wrap.append(label)
      if (field === 'divisionPrefix' || field === 'seed') wrap.append(this.hints[field])
      wrap.append(error)
      this.form.append(wrap)
    }
    this.submit = el('button', 'sv-submit')
    this.submit.type = 'submit'
    this.formError = el('p', 'sv-form-error')
    this.formError.setAttribute('role', 'alert')
    this.formError.hidden = true
    this.formStatus = el('p', 'sv-form-status')
    this.formStatus.setAttribute('role', 'status')
    const actions = el('div', 'sv-actions')
    actions.append(this.submit)
    this.form.append(this.hints.frequency, actions, this.formError, this.formStatus)
    this.form.addEventListener('submit', (event) => {
      event.preventDefault()
      void this.send()
    })

    this.listSection = el('div', 'plan-list-wrap')
    this.detailSection = el('section', 'plan-detail')
    this.detailSection.hidden = true
    this.root.append(this.headings.title, this.headings.intro, this.headings.form, this.form, this.headings.list, this.listSection, this.detailSection)
    this.renderTexts()
  }

  setMessages(messages: SupervisionMessages, common: Messages): void {
    this.messages = messages
    this.common = common
    this.renderTexts()
  }

  /** Loads the departments (for the form) and the first page of plans. */
  async load(): Promise<void> {
    this.root.dataset.state = 'loading'
    try {
      const [departments] = await Promise.all([fetchDepartments(), this.loadPlans()])
      this.departments = departments
      this.renderDepartments()
      this.root.dataset.state = this.loadError === null ? 'ready' : 'error'
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err)
      this.root.dataset.state = 'error'
      this.renderList()
    }
  }

  private async loadPlans(): Promise<void> {
    try {
      this.page = await fetchPlans({ limit: PLAN_PAGE_SIZE, offset: this.offset })
      this.loadError = null
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err)
    }
    this.renderList()
  }

  private departmentChanged(): void {
    const dept = this.departments.find((d) => String(d.id) === this.controls.departmentId.value)
    const prefix = this.controls.divisionPrefix
    if (dept && (prefix.value === '' || prefix.value === this.suggestedPrefix)) {
      this.suggestedPrefix = jurisdictionPrefix(dept.divisionCode)
      prefix.value = this.suggestedPrefix
    }
  }

  /** Sends the form; an error the API ties to a field of the form is shown next to that field. */
  private async send(): Promise<void> {
    if (this.submitting) return
    this.clearErrors()
    const value = (field: FormField) => this.controls[field].value.trim()
    const body: PlanRequest = {
      departmentId: Number(value('departmentId')),
      divisionPrefix: value('divisionPrefix'),
      periodStart: value('periodStart'),
      periodEnd: value('periodEnd'),
      ...(value('seed') ? { seed: value('seed') } : {}),
    }
    this.submitting = true
    this.submit.disabled = true
    this.submit.textContent = this.messages.plans.submitting
    this.formStatus.textContent = ''
    try {
      const plan = await createPlan(body)
      this.formStatus.textContent = this.messages.plans.created(plan.id, plan.counts.inspections, plan.counts.enterprises)
      this.offset = 0
      this.showDetail(plan)
      await this.loadPlans()
    } catch (err) {
      this.showError(err)
    } finally {
      this.submitting = false
      this.submit.disabled = false
      this.submit.textContent = this.messages.plans.submit
    }
  }

  private clearErrors(): void {
    for (const field of FORM_FIELDS) {
      this.fieldErrors[field].hidden = true
      this.fieldErrors[field].textContent = ''
      this.controls[field].removeAttribute('aria-invalid')
    }
    this.formError.hidden = true
    this.formError.textContent = ''
  }

  private showError(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err)
    const details = err instanceof ApiError ? err.details : []
    let placed = false
    for (const detail of details) {
      // Validation names nested inputs too (`seed`, `periodStart`); the API's own errors name one field.
      const field = detail.field?.split(/[.[]/)[0]
      if (!isFormField(field)) continue
      const target = this.fieldErrors[field]
      target.textContent = target.textContent ? `${target.textContent}；${detail.message}` : detail.message
      target.hidden = false
      this.controls[field].setAttribute('aria-invalid', 'true')
      placed = true
    }
    if (!placed) {
      this.formError.textContent = this.messages.plans.formError(message)
      this.formError.hidden = false
    }
  }

  private async openPlan(id: number): Promise<void> {
    this.detailLoading?.abort()
    const controller = new AbortController()
    this.detailLoading = controller
    try {
      this.showDetail(await fetchPlan(id, controller.signal))
    } catch (err) {
      if (isAbortError(err)) return
      this.detail = null
      this.detailSection.hidden = false
      const alert = el('p', 'sv-load-error', this.messages.loadFailed(this.messages.plans.detailTitle(id), err instanceof Error ? err.message : String(err)))
      alert.setAttribute('role', 'alert')
      this.detailSection.replaceChildren(alert)
    }
  }

  private showDetail(plan: PlanWithInspections): void {
    this.detail = plan
    this.renderDetail()
  }

  private renderTexts(): void {
    const m = this.messages.plans
    this.headings.title.textContent = m.title
    this.headings.intro.textContent = m.intro
    this.headings.form.textContent = m.formTitle
    this.headings.list.textContent = m.listTitle
    const labels: Record<FormField, string> = {
      departmentId: m.department,
      divisionPrefix: m.divisionPrefix,
      periodStart: m.periodStart,
      periodEnd: m.periodEnd,
      seed: m.seed,
    }
    for (const field of FORM_FIELDS) this.fieldLabels[field].textContent = labels[field]
    this.hints.divisionPrefix.textContent = m.divisionPrefixHint
    this.hints.seed.textContent = m.seedHint
    this.hints.frequency.textContent = m.frequencyNote
    this.submit.textContent = this.submitting ? m.submitting : m.submit
    this.renderDepartments()
    this.renderList()
    this.renderDetail()
  }

  private renderDepartments(): void {
    const select = this.controls.departmentId as HTMLSelectElement
    const chosen = select.value
    const placeholder = new Option(this.messages.plans.chooseDepartment, '')
    placeholder.disabled = true
    select.replaceChildren(placeholder)
    for (const d of this.departments) {
      const option = new Option(d.name, String(d.id))
      option.dataset.divisionCode = d.divisionCode
      select.append(option)
    }
    select.value = chosen
  }

  private renderList(): void {
    const m = this.messages.plans
    if (this.loadError !== null) {
      const alert = el('p', 'sv-load-error', this.messages.loadFailed(m.listTitle, this.loadError))
      alert.setAttribute('role', 'alert')
      this.listSection.replaceChildren(alert)
      return
    }
    const page = this.page
    if (!page) {
      this.listSection.replaceChildren(el('p', 'sv-loading', this.messages.loading))
      return
    }
    if (page.total === 0) {
      this.listSection.replaceChildren(el('p', 'sv-empty', m.noPlans))
      return
    }
    const table = el('table', 'sv-table plan-list')
    const head = el('tr')
    const c = m.columns
    for (const label of [c.id, c.department, c.division, c.period, c.status, c.enterprises, c.inspections, c.createdBy, '']) {
      const th = el('th', undefined, label)
      th.scope = 'col'
      head.append(th)
    }
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const plan of page.items) {
      const tr = el('tr')
      tr.dataset.planId = String(plan.id)
      const show = el('button', 'sv-show', m.show)
      show.type = 'button'
      show.addEventListener('click', () => void this.openPlan(plan.id))
      const action = el('td')
      action.append(show)
      tr.append(
        el('td', undefined, String(plan.id)),
        el('td', undefined, plan.departmentName),
        el('td', undefined, plan.divisionPrefix),
        el('td', undefined, `${plan.periodStart} – ${plan.periodEnd}`),
        el('td', 'plan-status', m.status[plan.status]),
        el('td', undefined, String(plan.counts.enterprises)),
        el('td', undefined, String(plan.counts.inspections)),
        userCell(plan.createdBy),
        action,
      )
      tr.querySelector('.plan-status')!.setAttribute('data-status', plan.status)
      body.append(tr)
    }
    this.listSection.replaceChildren(
      table,
      pager(
        this.messages,
        page.offset,
        page.items.length,
        page.total,
        (offset) => {
          this.offset = offset
          void this.loadPlans()
        },
        PLAN_PAGE_SIZE,
      ),
    )
  }

  private renderDetail(): void {
    const plan = this.detail
    if (!plan) {
      this.detailSection.hidden = true
      return
    }
    const m = this.messages.plans
    this.detailSection.hidden = false
    this.detailSection.dataset.planId = String(plan.id)
    const children: HTMLElement[] = [
      el('h3', 'sv-subheading', m.detailTitle(plan.id)),
      el('p', 'plan-summary', m.detailSummary(plan.departmentName, plan.divisionPrefix, `${plan.periodStart} – ${plan.periodEnd}`, plan.seed)),
    ]
    if (plan.inspections.length === 0) {
      children.push(el('p', 'sv-empty', m.noInspections))
    } else {
      const table = el('table', 'sv-table plan-inspections')
      const head = el('tr')
      const c = m.inspectionColumns
      for (const label of [c.plannedFor, c.enterprise, c.division, c.inspectors, c.result]) {
        const th = el('th', undefined, label)
        th.scope = 'col'
        head.append(th)
      }
      table.createTHead().append(head)
      const body = table.createTBody()
      const separator = this.common.locale === 'en' ? ', ' : '、'
      for (const inspection of plan.inspections) {
        const tr = el('tr')
        tr.dataset.inspectionId = String(inspection.id)
        tr.dataset.enterpriseId = String(inspection.enterpriseId)
        const enterprise = el('td', 'plan-enterprise')
        const link = el('a', 'sv-map-link', inspection.enterpriseName)
        link.href = enterpriseMapUrl(inspection.enterpriseId)
        link.title = this.messages.openOnMap
        enterprise.append(link)
        const inspectors = el('td', 'plan-inspectors', inspection.inspectors.map((i) => i.name).join(separator))
        inspectors.dataset.inspectorIds = inspection.inspectors.map((i) => i.id).join(',')
        const result = inspection.result ? (this.common.inspectionResults[inspection.result] ?? inspection.result) : m.notRecorded
        tr.append(
          el('td', undefined, inspection.plannedFor ?? ''),
          enterprise,
          el('td', undefined, inspection.divisionCode),
          inspectors,
          el('td', undefined, result),
        )
        body.append(tr)
      }
      children.push(table)
    }
    this.detailSection.replaceChildren(...children)
  }
}

/** A cell holding an account name, as its administrator wrote it. */
function userCell(name: string): HTMLTableCellElement {
  const td = el('td', undefined, name)
  td.translate = false
  return td
}
