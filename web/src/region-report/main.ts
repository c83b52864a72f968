import { ApiError, fetchEnterprises } from '../api/client'
import { requireStaff } from '../auth/session'
import { el, requireElement } from '../ui/dom'
import { startPage } from '../ui/page'
import { fetchRegionReport } from './api'
import { REGION_REPORT_MESSAGES } from './messages'
import { reportView } from './view'
import './report.css'

// The printable region report (staff only): report.html?region=<division code or grid code>, opened
// from a region panel of the map. One request brings everything it shows; the print button (or the
// browser's own print) lays it out for A4 (report.css, @media print).

/** What browser tests wait for: `data-state` on <main> is `ready` or `error` once the page has settled. */
type PageState = 'loading' | 'ready' | 'error'

/** Whether the service runs on synthetic demo data (as the map's header badge tells). */
async function isDemoData(): Promise<boolean> {
  const page = await fetchEnterprises({ limit: 1 })
  return page.features.some((f) => f.properties.synthetic)
}

async function start(): Promise<void> {
  // No language switch here: the report keeps the language it was opened in.
  const page = startPage()
  const m = page.messages
  const t = REGION_REPORT_MESSAGES[page.lang]
  document.title = t.pageTitle
  const main = requireElement(document, 'main.report')
  const printButton = requireElement<HTMLButtonElement>(document, '.report-print')
  const home = requireElement<HTMLAnchorElement>(document, '.report-home')
  home.textContent = t.backToMap
  printButton.textContent = t.print
  printButton.title = t.printTitle
  printButton.addEventListener('click', () => window.print())
  const show = (state: PageState, ...nodes: Node[]) => {
    main.dataset.state = state
    main.replaceChildren(...nodes)
  }
  show('loading', el('p', 'report-status', t.loading))

  await requireStaff()
  const code = new URLSearchParams(window.location.search).get('region')?.trim() ?? ''
  if (!code) {
    show('error', el('p', 'report-status report-error', t.noRegion))
    return
  }
  try {
    const [report, demo] = await Promise.all([fetchRegionReport(code), isDemoData()])
    document.title = `${m.locale === 'en' && report.region.nameEn ? report.region.nameEn : report.region.name} · ${t.pageTitle}`
    show('ready', ...reportView(m, t, report, demo))
    printButton.disabled = false
  } catch (err) {
    console.warn('riskmap: the region report failed', err)
    // An unknown code (404) and a malformed one (400) both mean the link names no region we have.
    const unknown = err instanceof ApiError && (err.status === 404 || err.status === 400)
    show('error', el('p', 'report-status report-error', unknown ? t.notFound(code) : t.failed(err instanceof Error ? err.message : String(err))))
  }
}

void start()
