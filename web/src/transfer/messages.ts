/** Texts of the import view (the upload page); the values live in i18n/zh-CN.ts and i18n/en.ts. */
export interface ImportMessages {
  /** The header button that opens the import view. */
  toggle: string
  toggleTitle: string
  title: string
  close: string
  kind: string
  kinds: Record<
    'enterprises' | 'major_hazards' | 'safety_risks' | 'hidden_dangers' | 'area_assessments' | 'resources' | 'divisions' | 'mgmt_grids' | 'roads',
    string
  >
  file: string
  format: string
  /** The format option that takes the format from the file's extension. */
  formatAuto: string
  formats: Record<'csv' | 'xlsx' | 'geojson' | 'shapefile' | 'osm-pbf', string>
  crs: string
  crsNames: Record<'wgs84' | 'cgcs2000' | 'gcj02' | 'bd09', string>
  mode: string
  modes: Record<'all' | 'valid', string>
  /** Step 1: validate without storing. */
  check: string
  /** Step 2: store. */
  confirm: string
  checking: string
  importing: string
  noFile: string
  /** Headings of the report. */
  dryRunTitle: string
  resultTitle: string
  rejectedTitle: string
  /** Under the refusal: nothing was stored because of the rows listed. */
  rejectedMessage: string
  failedTitle: string
  encoding: string
  encodingNone: string
  rows: string
  valid: string
  invalid: string
  created: string
  updated: string
  unchanged: string
  wouldCreate: string
  wouldUpdate: string
  regrade: string
  regradeSummary: (mode: string, enterprises: number, areas: number, changedCells: number) => string
  nothingStored: string
  /** Mode all with invalid rows: importing will be refused. */
  willBeRejected: string
  errorsTitle: string
  noErrors: string
  /** Row errors beyond the ones listed. */
  moreErrors: (count: number) => string
  columns: { row: string; line: string; column: string; value: string; reason: string }
  mapRefreshed: string
  /** The import notes by code (the server's `notes`); a code missing here shows the server's English text. */
  notes: Record<string, (params: Record<string, number>) => string>
}
