import type { Level } from '../api/types'
import { en } from './en'
import { zhCN } from './zh-CN'

// All UI text lives in one file per language (zh-CN.ts, en.ts); this module picks one and
// remembers the choice in localStorage and in the page URL (`?lang=en`).

export type Lang = 'zh-CN' | 'en'

/** Every text the UI shows, per language. */
export interface Messages {
  /** BCP 47 tag for `<html lang>` and number formatting. */
  locale: Lang
  productName: string
  /** Label of the button that switches to the *other* language, in that language. */
  switchLanguage: string
  switchLanguageTitle: string
  demoData: string
  demoDataTitle: string
  legendTitle: string
  levelNames: Record<Level, string>
  enterpriseCount: (shown: number) => string
  loading: string
  /** MapLibre's own control texts (its `locale` option), by MapLibre's key. */
  mapControls: Record<string, string>
  health: {
    checking: string
    embedded: string
    postgres: string
    summary: (database: string, postgresVersion: string, postgisVersion: string) => string
    unavailable: string
  }
  panel: {
    close: string
    loading: string
    uscc: string
    industry: string
    highHazard: string
    level: string
    inherentLevel: string
    division: string
    grid: string
    tier: string
    industryDepartment: string
    specialistDepartments: string
    responsiblePerson: string
    address: string
    scale: string
    credit: string
    counts: string
    majorHazards: string
    safetyRisks: string
    openHiddenDangers: string
    lastReported: string
    none: string
    yes: string
  }
  /**
   * Names of the industry codes of the default rule set (server/domain/rules.ts); a code missing
   * here (a province's own vocabulary) is shown as it is.
   */
  industries: Record<string, string>
  tiers: Record<'city' | 'county' | 'township', string>
  scales: Record<'large' | 'medium' | 'small' | 'micro', string>
  creditStatuses: Record<'good' | 'warned' | 'blacklisted', string>
  errors: {
    title: string
    dismiss: string
    loadDivisions: string
    loadEnterprises: string
    loadEnterprise: string
    loadHealth: string
    map: string
    /** Explanations of the API's error codes (and the client's `network` / `http`). */
    codes: Record<string, string>
  }
}

export const MESSAGES: Readonly<Record<Lang, Messages>> = { 'zh-CN': zhCN, en }

export const DEFAULT_LANG: Lang = 'zh-CN'

/** localStorage key of the chosen language. */
export const LANG_STORAGE_KEY = 'riskmap.lang'

/** The URL query parameter that selects the language. */
export const LANG_PARAM = 'lang'

/** Reads a language tag leniently: `en`, `en-US` → en; `zh`, `zh-CN`, `zh-Hans` → zh-CN. */
export function parseLang(value: string | null | undefined): Lang | null {
  if (!value) return null
  const tag = value.trim().toLowerCase()
  if (tag === 'en' || tag.startsWith('en-')) return 'en'
  if (tag === 'zh' || tag.startsWith('zh-')) return 'zh-CN'
  return null
}

/** The language to start with: the URL's `?lang=`, then the stored choice, then Chinese. */
export function initialLang(location: Location, storage: Storage | null): Lang {
  const fromUrl = parseLang(new URLSearchParams(location.search).get(LANG_PARAM))
  if (fromUrl) return fromUrl
  try {
    return parseLang(storage?.getItem(LANG_STORAGE_KEY)) ?? DEFAULT_LANG
  } catch {
    // Storage can be denied (privacy settings, sandboxed frames): fall back to the default.
    return DEFAULT_LANG
  }
}

/** Remembers the language in localStorage and in the URL, keeping the rest of the URL (the map hash). */
export function persistLang(lang: Lang, storage: Storage | null): void {
  try {
    storage?.setItem(LANG_STORAGE_KEY, lang)
  } catch {
    // Not remembered across visits; the URL still carries it.
  }
  const url = new URL(window.location.href)
  url.searchParams.set(LANG_PARAM, lang)
  window.history.replaceState(window.history.state, '', url)
}

/** The other language, for the switch button. */
export function otherLang(lang: Lang): Lang {
  return lang === 'en' ? 'zh-CN' : 'en'
}

/** The explanation of an API error code in this language, or undefined for a code it does not know. */
export function errorCodeText(messages: Messages, code: string): string | undefined {
  return messages.errors.codes[code]
}
