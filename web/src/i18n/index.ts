import type { CellRule, ResourceKind, ResourceStatus, SourceKind } from '../api/contract'
import type { Level } from '../api/contract'
import type { OverlayId } from '../map/overlays'
import { en } from './en'
import { zhCN } from './zh-CN'
import type { ImportMessages } from '../transfer/messages'

// The texts of the web app, one convention for every page:
// - A page's (or a feature's) own texts live in its folder's messages.ts: a `<Name>Messages` type,
//   one object per language and `<NAME>_MESSAGES: Readonly<Record<Lang, <Name>Messages>>`, read as
//   `<NAME>_MESSAGES[page.lang]` (admin/, charts/, export/, history/, ranking/, reports/, …).
// - What every page shares (product name, language switch, level and layer names, units, error
//   codes) and the staff map with the parts it is built from (panels, legend, search, incident,
//   import) are `Messages` below, one file per language (zh-CN.ts, en.ts), read as `page.messages`.
// This module holds the language itself: ui/page.ts starts every page in the chosen one and
// remembers a switch in localStorage and in the page URL (`?lang=en`).

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
  /** The hatched legend class of cells whose records are all out of date (docs/domain.md §4.3). */
  stale: string
  staleTitle: string
  layersTitle: string
  /** Overlay names (legend toggles), by overlay id. */
  layers: Record<OverlayId, string>
  /** Shown beside an overlay that is on but not drawn at this zoom. */
  zoomInToSee: string
  /** How to reach the region panel from the map. */
  regionHint: string
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
  search: {
    label: string
    placeholder: string
    searching: string
    noResults: string
    kinds: { enterprise: string; division: string; coordinates: string }
    /** The result line of a coordinate query, degrees. */
    coordinates: (lat: string, lon: string) => string
    /** Said when the query was read as latitude first. */
    swapped: string
    clear: string
  }
  units: {
    metres: (n: string) => string
    kilometres: (n: string) => string
    squareKilometres: (n: string) => string
  }
  panel: {
    close: string
    back: string
    loading: string
    uscc: string
    externalId: string
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
    no: string
    /** Link text that opens an enterprise's panel. */
    openEnterprise: string
    showAll: (count: number) => string
  }
  cell: {
    loading: string
    title: string
    /** The panel heading's words before the cell's short reference: the place it lies in (null: none known). */
    placeTitle: (place: string | null) => string
    /** The H3 resolution, and whether it is the analysis grid or a coarser summary. */
    resolution: (res: number, analysis: boolean) => string
    rule: string
    rules: Record<CellRule, string>
    explanation: string
    score: string
    staleNote: string
    region: string
    sources: (count: number) => string
    noSources: string
    /** Where a source is relative to the cell (null: inside it) and how far it reaches (null: an area). */
    distance: (distance: string | null, radius: string | null) => string
    reportedAt: (date: string) => string
    enterprises: (count: number) => string
    noEnterprises: string
    latestInspection: (date: string, result: string) => string
    noInspection: string
    openViolations: (count: number) => string
    overdue: (count: number) => string
    resources: string
    noResources: string
    dutyPhone: string
    history: string
    noHistory: string
  }
  region: {
    loading: string
    kinds: Record<'division' | 'mgmt_grid', string>
    ranks: Record<string, string>
    area: string
    updatedAt: string
    shares: string
    sharesChart: string
    topSources: string
    noTopSources: string
    sourceCells: (cells: number) => string
    changes: string
    since: string
    changesLoading: string
    noChanges: string
    changesSummary: (total: number, raised: number, lowered: number) => string
    more: (count: number) => string
    zoomTo: string
    /** Label of the highest cell level, shown beside the region's grade. */
    highestLevel: string
  }
  records: {
    loading: string
    titles: Record<SourceKind | 'resource', string>
    enterprise: string
    reportedAt: string
    validUntil: string
    location: string
    grade: string
    gradeNames: Record<number, string>
    rValue: string
    sValue: string
    alpha: string
    population500m: string
    substances: string
    gradeMismatch: string
    impactRadius: string
    defaultRadius: string
    method: string
    methods: Record<string, string>
    score: string
    assessor: string
    assessedAt: string
    areaKind: string
    areaKinds: Record<'area' | 'corridor', string>
    area: string
    bufferWidth: string
    description: string
    isMajor: string
    foundAt: string
    deadline: string
    status: string
    hiddenDangerStatuses: Record<'open' | 'rectified' | 'verified', string>
    overdue: string
    reportedBy: string
    rectifiedAt: string
    verifiedAt: string
    resourceKind: string
    organisation: string
    contact: string
    dutyPhone: string
    capabilities: string
    headcount: string
    teamType: string
    equipment: string
    quantity: string
    stock: string
    capacity: string
    expertField: string
    statusUpdatedAt: string
    /** Link text to the scenario page started with the record's change (rectify, remove, change level, move). */
    tryScenario: string
  }
  sourceKinds: Record<SourceKind, string>
  /** Names of change causes (`cause.kind` of the level history), and of their actions. */
  causes: Record<string, string>
  causeActions: Record<string, string>
  inspectionResults: Record<string, string>
  resourceKinds: Record<ResourceKind, string>
  resourceStatuses: Record<ResourceStatus, string>
  /** Capability vocabulary (server/domain/resources.ts); an unknown key is shown as it is. */
  capabilities: Record<string, string>
  /** Rescue team types; an unknown key is shown as it is. */
  teamTypes: Record<string, string>
  /**
   * Names of the industry codes of the default rule set (server/domain/rules.ts); a code missing
   * here (a province's own vocabulary) is shown as it is.
   */
  industries: Record<string, string>
  tiers: Record<'city' | 'county' | 'township', string>
  scales: Record<'large' | 'medium' | 'small' | 'micro', string>
  creditStatuses: Record<'good' | 'warned' | 'blacklisted', string>
  /** The commander view (incident mode): the nearest resources, the risks around and the dispatch sheet. */
  incident: {
    /** The header button that switches incident mode on and off. */
    toggle: string
    toggleTitle: string
    title: string
    /** How to place the incident. */
    hint: string
    coordinates: string
    coordinatesPlaceholder: string
    crs: string
    crsNames: Record<'wgs84' | 'gcj02' | 'bd09', string>
    place: string
    /** The typed text is not a coordinate pair. */
    badCoordinates: string
    /** The incident point, WGS 84. */
    point: (lon: string, lat: string) => string
    kind: string
    capability: string
    any: string
    radius: string
    nearest: (count: number) => string
    noResources: string
    /** How the resources are ranked: by driving time over the road network, or (labelled) straight-line distance. */
    rankedByTime: string
    rankedStraight: (why: 'outside_network' | 'no_road_network' | 'no_route' | 'routing_unavailable' | string) => string
    /** A resource's ETA and route length: "预计 4 分 05 秒到达 · 道路 3.2 公里". */
    eta: (time: string, road: string) => string
    unreachable: (count: number) => string
    /** The isochrone layer switch: what the fastest resource reaches in 5, 10 and 15 minutes. */
    isochrones: string
    /** The isochrones' scope: the first resource, or every available resource of the chosen capability. */
    isochronesOf: { first: string; capability: (capability: string) => string }
    isochronesOffNetwork: (n: number) => string
    isochronesFailed: string
    /** Distance and direction from the incident: "1.2 公里 东北". */
    where: (distance: string, direction: string) => string
    compass: Record<'N' | 'NE' | 'E' | 'SE' | 'S' | 'SW' | 'W' | 'NW', string>
    dutyPhone: string
    contact: string
    status: string
    majorHazards: (count: number) => string
    noMajorHazards: string
    grade: (grade: number) => string
    substance: (name: string, qT: string, criticalQT: string) => string
    hiddenDangers: (count: number) => string
    noHiddenDangers: string
    overdue: string
    hiddenDangerStatuses: Record<'open' | 'rectified', string>
    areaAssessments: (count: number) => string
    noAreaAssessments: string
    inside: string
    shelters: (count: number) => string
    noShelters: string
    capacity: (people: string) => string
    print: string
    printTitle: string
    /** The dispatch sheet. */
    sheetTitle: string
    sheetTime: string
    sheetMap: string
    sheetResources: string
    sheetHazards: string
    sheetShelters: string
    closeSheet: string
    columns: {
      name: string
      kind: string
      distance: string
      direction: string
      phone: string
      contact: string
      capabilities: string
      substances: string
      level: string
      capacity: string
      eta: string
      roadDistance: string
    }
  }
  /** The import view (upload page). */
  importer: ImportMessages
  /** The enterprise panel's supervision and enforcement sections. */
  enforcement: {
    supervision: string
    tierSource: { rule: string; explicit: string }
    tierReason: string
    gaps: string
    gapKinds: Record<string, string>
    noGaps: string
    title: string
    credit: string
    overdue: (count: number, oldestDeadline: string | null) => string
    noOverdue: string
    open: (hiddenDangers: number, violations: number) => string
    nextInspection: (date: string) => string
    inspections: string
    noInspections: string
    planned: string
    inspectionLine: (date: string, result: string) => string
    violations: string
    noViolations: string
    hiddenDangers: string
    noHiddenDangers: string
    deadline: (date: string) => string
    overdueTag: string
    major: string
    penalties: string
    noPenalties: string
    amount: (yuan: string) => string
    published: string
    unpublished: string
    unavailable: string
  }
  /** The coverage-gap overlay: its controls and the popup of a gap cell. */
  coverageGaps: {
    capability: string
    threshold: string
    km: (n: number) => string
    /** A response time by road, as a threshold option. */
    minutes: (n: number) => string
    count: (n: number) => string
    loading: string
    nearestTeam: (name: string, distance: string) => string
    noTeam: string
    /** Asked in minutes: the fastest arrival by road. */
    bestTime: (time: string) => string
    noRoute: string
    offNetwork: string
    popupTitle: string
  }
  errors: {
    title: string
    dismiss: string
    loadDivisions: string
    loadEnterprises: string
    loadEnterprise: string
    loadCell: string
    loadRegion: string
    loadChanges: string
    loadRecord: string
    search: string
    loadHealth: string
    map: string
    loadIncident: string
    loadGaps: string
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
