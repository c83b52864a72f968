/**
 * Public tiles (docs/domain.md §8): the same rendering and caching as the live tiles, keyed by the latest
 * publication instead of the data version. A publication never changes (migration 008), so its id
 * names the tile content exactly: a live edit does not touch the public cache, a new publication
 * starts a new one.
 */
import type { Knex } from 'knex'
import type { DataState } from './data-version'
import type { SelectionContext, TileLayer } from './layers'
import { TileService, type TileServiceOptions } from './service'

/** The state public tiles depend on: `version` is the latest publication's id (0: none yet). */
export interface PublicationState extends DataState {
  /** Finest H3 resolution of that publication. */
  res: number
}

export class PublicTileService extends TileService {
  constructor(
    private readonly publicationDb: Knex,
    options: TileServiceOptions,
  ) {
    super(publicationDb, options)
  }

  /** The latest publication (one indexed max) and today's date; coalesced across requests like the data version. */
  protected override async readState(): Promise<PublicationState> {
    const { rows } = await this.publicationDb.raw<{ rows: Array<{ id: number | null; res: number | null; today: string }> }>(
      `SELECT p.id, p.h3_res AS res, to_char(current_date, 'YYYY-MM-DD') AS today
       FROM (SELECT 1) one LEFT JOIN (SELECT id, h3_res FROM publication ORDER BY id DESC LIMIT 1) p ON true`,
    )
    const row = rows[0]
    return { version: Number(row?.id ?? 0), res: Number(row?.res ?? 0), today: row?.today ?? '' }
  }

  /** `p<publication id>`: apart from live tokens, so a URL can never be taken for the other kind. */
  override token(_layer: TileLayer, state: DataState): string {
    return `p${state.version}`
  }

  override context(z: number, state: DataState): SelectionContext {
    const res = (state as Partial<PublicationState>).res ?? 0
    return { ...super.context(z, state), publication: { id: state.version, res } }
  }
}
