import { MESSAGES } from '../i18n'
import { requireElement } from '../ui/dom'
import { startStaffPage } from '../ui/page'
import { COVERAGE_GAP_KINDS, type CoverageGapKind } from './api'
import { CoverageView, type CoverageFilter } from './coverage'
import { QUALITY_MESSAGES, SUPERVISION_MESSAGES } from './messages'
import { PlansView } from './plans'
import { QualityView } from './quality'
import '../ui/page.css'
import './supervision.css'

// The supervision page (staff only): the coverage (全覆盖) report and the double-random plans, as
// two tabs of one page — both are the supervising departments' work, share the header and the
// language, and the plans are drawn from the departments the report is about. The hash keeps the
// tab and the coverage filter: `#tab=plans`, `#division=210106&gap=tier&offset=50`.

type Tab = 'coverage' | 'plans' | 'quality'

function readHash(): { tab: Tab; filter: CoverageFilter } {
  const params = new URLSearchParams(window.location.hash.replace(/^#/, ''))
  const division = params.get('division') ?? ''
  const gap = params.get('gap') ?? ''
  const offset = Number(params.get('offset') ?? 0)
  return {
    tab: params.get('tab') === 'plans' ? 'plans' : params.get('tab') === 'quality' ? 'quality' : 'coverage',
    filter: {
      division: /^[0-9]{2,9}$/.test(division) ? division : '',
      gap: (COVERAGE_GAP_KINDS as readonly string[]).includes(gap) ? (gap as CoverageGapKind) : '',
      offset: Number.isSafeInteger(offset) && offset > 0 ? offset : 0,
    },
  }
}

function writeHash(tab: Tab, filter: CoverageFilter): void {
  const params = new URLSearchParams()
  if (tab !== 'coverage') params.set('tab', tab)
  if (filter.division) params.set('division', filter.division)
  if (filter.gap) params.set('gap', filter.gap)
  if (filter.offset > 0) params.set('offset', String(filter.offset))
  const url = new URL(window.location.href)
  url.hash = params.toString()
  window.history.replaceState(window.history.state, '', url)
}

async function start(): Promise<void> {
  const { page } = await startStaffPage()
  const initial = readHash()
  let tab = initial.tab
  let filter = initial.filter

  const header = requireElement(document, '.sv-header')
  const title = requireElement(header, '.sv-title')
  const home = requireElement<HTMLAnchorElement>(header, '.sv-home')
  const tabs = [...header.querySelectorAll<HTMLButtonElement>('.sv-tab')]
  const coverage = new CoverageView(requireElement(document, '#coverage'), SUPERVISION_MESSAGES[page.lang], page.messages, filter, (f) => {
    filter = f
    writeHash(tab, filter)
  })
  const plans = new PlansView(requireElement(document, '#plans'), SUPERVISION_MESSAGES[page.lang], page.messages)
  let plansLoaded = false
  const quality = new QualityView(requireElement(document, '#quality'), QUALITY_MESSAGES[page.lang], SUPERVISION_MESSAGES[page.lang], page.messages.locale)
  let qualityLoaded = false

  const renderTexts = () => {
    const m = SUPERVISION_MESSAGES[page.lang]
    document.title = m.pageTitle
    title.textContent = m.pageTitle
    home.textContent = m.mapLink
    for (const button of tabs) button.textContent = m.tabs[button.dataset.tab as Tab]
  }

  const showTab = (next: Tab) => {
    tab = next
    for (const button of tabs) button.setAttribute('aria-selected', String(button.dataset.tab === tab))
    requireElement(document, '#coverage').hidden = tab !== 'coverage'
    requireElement(document, '#plans').hidden = tab !== 'plans'
    requireElement(document, '#quality').hidden = tab !== 'quality'
    writeHash(tab, filter)
    if (tab === 'quality' && !qualityLoaded) {
      qualityLoaded = true
      void quality.load()
    }
    if (tab === 'plans' && !plansLoaded) {
      plansLoaded = true
      void plans.load()
    }
  }

  page.onSwitch((lang) => {
    renderTexts()
    coverage.setMessages(SUPERVISION_MESSAGES[lang], MESSAGES[lang])
    plans.setMessages(SUPERVISION_MESSAGES[lang], MESSAGES[lang])
    quality.setTexts(QUALITY_MESSAGES[lang], SUPERVISION_MESSAGES[lang], MESSAGES[lang].locale)
  })
  // The coverage report links to the data-quality tab (#tab=quality).
  window.addEventListener('hashchange', () => {
    const next = readHash().tab
    if (next !== tab) showTab(next)
  })
  for (const button of tabs) button.addEventListener('click', () => showTab(button.dataset.tab as Tab))

  renderTexts()
  showTab(tab)
  await coverage.load()
}

void start()
