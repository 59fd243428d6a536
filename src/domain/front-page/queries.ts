import { sql } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import { containing } from '../like-patterns.js';
import { mergeNominations } from './rules.js';

/** A curated story as the newsroom sees it, whatever its status. */
export interface CuratedStory {
  id: number;
  slug: string;
  headline: string;
  section: string;
  status: 'draft' | 'published' | 'unpublished';
  publishedAt: Date | null;
}

/** What the front page holds: ids in order. */
export interface CurationIds {
  lead: number | null;
  picks: number[];
  /** Pinned ids by section slug, in order. */
  pins: Record<string, number[]>;
}

/** The curation's ids in order (two small reads of their primary keys). */
export async function readCurationIds(db: Db | Tx): Promise<CurationIds> {
  const [stories, pins] = await Promise.all([
    db.selectFrom('front_page_stories').select(['place', 'article_id']).orderBy('place').orderBy('position').execute(),
    db.selectFrom('section_pins').select(['section', 'article_id']).orderBy('section').orderBy('position').execute(),
  ]);
  const byPlace = (place: string) => stories.filter((s) => s.place === place).map((s) => s.article_id);
  const pinned: Record<string, number[]> = {};
  for (const pin of pins) (pinned[pin.section] ??= []).push(pin.article_id);
  return { lead: byPlace('lead')[0] ?? null, picks: byPlace('pick'), pins: pinned };
}

/** The newsroom's facts about the articles with `ids` (any status), by id. */
export async function findCuratedStories(db: Db | Tx, ids: readonly number[]): Promise<Map<number, CuratedStory>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('articles')
    .select(['id', 'slug', 'headline', 'section', 'status', 'published_at'])
    .where('id', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.id, { ...r, publishedAt: r.published_at }]));
}

/** Published articles (scheduled ones too) whose headline contains `search`, newest first. */
export async function searchPublished(db: Db, search: string, limit: number): Promise<CuratedStory[]> {
  const rows = await db
    .selectFrom('articles')
    .select(['id', 'slug', 'headline', 'section', 'status', 'published_at'])
    .where('status', '=', 'published')
    .where('headline', 'ilike', containing(search))
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, publishedAt: r.published_at }));
}

/** One curation change at a time, across instances; the lock ends with the transaction. */
export async function lockCuration(tx: Tx): Promise<void> {
  await sql`select pg_advisory_xact_lock(8152)`.execute(tx);
}

/** Stores `ids` as the lead (at most one) or the picks, in order. */
export async function replaceStories(tx: Db | Tx, place: 'lead' | 'pick', ids: readonly number[]): Promise<void> {
  await tx.deleteFrom('front_page_stories').where('place', '=', place).execute();
  if (ids.length === 0) return;
  await tx
    .insertInto('front_page_stories')
    .values(ids.map((id, i) => ({ place, position: i + 1, article_id: id })))
    .execute();
}

/** Stores `ids` as the stories pinned in `section`, in order. */
export async function replacePins(tx: Tx, section: string, ids: readonly number[]): Promise<void> {
  await tx.deleteFrom('section_pins').where('section', '=', section).execute();
  if (ids.length === 0) return;
  await tx
    .insertInto('section_pins')
    .values(ids.map((id, i) => ({ section, position: i + 1, article_id: id })))
    .execute();
}

/**
 * The import's `editors_pick: true`: the articles `ids` join the picks (see `mergeNominations`). Call inside
 * the import's transaction (or it opens one); the picks are locked as an editor's change locks them.
 */
export async function nominatePicks(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  if (!db.isTransaction) return db.transaction().execute((tx) => nominatePicks(tx, ids));
  // In a transaction here: the lock is the one an editor's change takes (lockCuration).
  await sql`select pg_advisory_xact_lock(8152)`.execute(db);
  const { picks } = await readCurationIds(db);
  const facts = await findCuratedStories(db, [...picks, ...ids]);
  const at = (id: number) => ({ id, publishedAt: facts.get(id)?.publishedAt ?? null });
  const next = mergeNominations(picks.map(at), ids.map(at));
  if (next.length === picks.length && next.every((id, i) => id === picks[i])) return;
  await replaceStories(db, 'pick', next);
}
