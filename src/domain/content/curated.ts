import type { Db } from '../ports/database.js';
import { readCurationIds } from '../front-page/queries.js';
import type { ArticleSummary } from './model.js';
import { listLiveByIds } from './queries.js';

/** What readers see of the curation at `now`: only published stories whose time has come, in order. */
export interface LiveCuration {
  lead: ArticleSummary | null;
  picks: ArticleSummary[];
  pins: Record<string, ArticleSummary[]>;
}

/** The curated stories readers may see at `now`; a story unpublished or not yet out simply drops out. */
export async function listCuratedLive(db: Db, now: Date): Promise<LiveCuration> {
  const ids = await readCurationIds(db);
  const all = [...(ids.lead === null ? [] : [ids.lead]), ...ids.picks, ...Object.values(ids.pins).flat()];
  const live = new Map((await listLiveByIds(db, [...new Set(all)], now)).map((a) => [a.id, a]));
  const pick = (list: number[]) => list.flatMap((id) => live.get(id) ?? []);
  const pins: Record<string, ArticleSummary[]> = {};
  for (const [section, list] of Object.entries(ids.pins)) {
    // A pinned story moved to another section no longer belongs at the top of this one.
    const shown = pick(list).filter((a) => a.section === section);
    if (shown.length > 0) pins[section] = shown;
  }
  return { lead: ids.lead === null ? null : (live.get(ids.lead) ?? null), picks: pick(ids.picks), pins };
}
