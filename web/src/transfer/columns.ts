import { apiUrl, getJson, isAbortError } from '../api/client'
import { el } from '../ui/dom'
import type { ImportKind } from './api'

// The upload page's list of accepted columns for the chosen kind (GET /api/import/:kind/columns,
// server/modules/transfer/templates.ts) with links to the CSV and XLSX templates (Chinese headers).

export interface AcceptedColumn {
  key: string
  zh: string
  aliases: string[]
  required: boolean
  type: string
  values?: string[]
  description?: string
  descriptionZh?: string
}

interface ColumnsResponse {
  kind: ImportKind
  industryTable: string | null
  columns: AcceptedColumn[]
}

const TEXTS = {
  zh: {
    summary: '可接受的列与模板',
    templates: '下载模板：',
    csv: 'CSV 模板',
    xlsx: 'XLSX 模板',
    column: '列名（中文）',
    key: '英文列名',
    required: '必填',
    yes: '是',
    no: '',
    aliases: '也可写作',
    values: '可选值',
    industryTable: (v: string) => `行业列按 ${v} 识别（门类、大类、中类的代码或名称）；未识别的行业照原文保存并列入数据质量报告。`,
    optionalNote: '只有必填列不可缺；其余列缺失或为空时记为“未知”，不会被猜测，并列入数据质量报告。',
    failed: '无法读取列清单：',
  },
  en: {
    summary: 'Accepted columns and templates',
    templates: 'Templates: ',
    csv: 'CSV template',
    xlsx: 'XLSX template',
    column: 'Column (Chinese)',
    key: 'English header',
    required: 'Required',
    yes: 'yes',
    no: '',
    aliases: 'Also accepted',
    values: 'Values',
    industryTable: (v: string) =>
      `The industry column is read with ${v} (section, division or group codes or names); an unknown industry is kept as written and listed in the data-quality report.`,
    optionalNote:
      'Only the required columns must be there; any other column left out or empty is stored as unknown, never guessed, and listed in the data-quality report.',
    failed: 'Could not load the column list: ',
  },
} as const

/** A collapsible list of the accepted columns of a kind, with template links. */
export class ColumnsPanel {
  readonly element = el('details', 'import-columns')
  private readonly cache = new Map<ImportKind, ColumnsResponse>()
  private kind: ImportKind | null = null
  private lang: 'zh' | 'en' = 'zh'
  private loading: AbortController | null = null

  show(kind: ImportKind, locale: string): void {
    const lang = locale.startsWith('zh') ? 'zh' : 'en'
    if (kind === this.kind && lang === this.lang && this.element.childElementCount > 0) return
    this.kind = kind
    this.lang = lang
    const cached = this.cache.get(kind)
    if (cached) {
      this.render(cached)
      return
    }
    this.render(null)
    this.loading?.abort()
    const controller = new AbortController()
    this.loading = controller
    getJson<ColumnsResponse>(`/api/import/${kind}/columns`, {}, controller.signal)
      .then((r) => {
        this.cache.set(kind, r)
        if (this.kind === kind) this.render(r)
      })
      .catch((err: unknown) => {
        if (isAbortError(err)) return
        this.element.append(el('p', 'import-columns-error', TEXTS[this.lang].failed + (err instanceof Error ? err.message : String(err))))
      })
  }

  private render(r: ColumnsResponse | null): void {
    const t = TEXTS[this.lang]
    const kind = this.kind!
    const summary = el('summary', undefined, t.summary)
    const links = el('p', 'import-templates', t.templates)
    for (const format of ['csv', 'xlsx'] as const) {
      const a = el('a', `import-template import-template-${format}`, format === 'csv' ? t.csv : t.xlsx)
      a.href = apiUrl(`/api/import/${kind}/template.${format}`)
      a.setAttribute('download', `template-${kind}.${format}`)
      links.append(a, document.createTextNode(' '))
    }
    this.element.replaceChildren(summary, links)
    this.element.dataset.kind = kind
    if (!r) return
    this.element.append(el('p', 'import-note', t.optionalNote))
    if (r.industryTable) this.element.append(el('p', 'import-note import-industry-table', t.industryTable(r.industryTable)))
    const table = el('table', 'import-columns-table')
    const head = el('tr')
    for (const text of [t.column, t.key, t.required, t.aliases, t.values]) head.append(el('th', undefined, text))
    table.createTHead().append(head)
    const body = table.createTBody()
    for (const c of r.columns) {
      const tr = el('tr')
      tr.dataset.key = c.key
      if (c.required) tr.dataset.required = 'true'
      tr.append(
        el('td', undefined, c.zh),
        el('td', undefined, c.key),
        el('td', undefined, c.required ? t.yes : t.no),
        el('td', undefined, c.aliases.join('、')),
        el('td', undefined, (c.values ?? []).join('、')),
      )
      const description = this.lang === 'zh' ? c.descriptionZh : c.description
      if (description) tr.title = description
      body.append(tr)
    }
    this.element.append(table)
  }
}
