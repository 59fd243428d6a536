import { sql, type RawBuilder } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { PageArea } from '../ports/pdf-pages.js';
import {
  editionFileKeys,
  type Clipping,
  type Edition,
  type EditionPage,
  type EditionSource,
  type PageImage,
  type Region,
} from './model.js';

/** The e-paper's reads and writes (`epaper_*`: migration 032). */

const EDITION_COLUMNS = [
  'e.id',
  'e.name',
  'e.slug',
  sql<string>`to_char(e.edition_date, 'YYYY-MM-DD')`.as('date'),
  'e.status',
  'e.error',
  'e.files_prefix as filesPrefix',
  'e.sources',
  'e.page_count as pageCount',
  'e.pages_rendered as pagesRendered',
  'e.publish_at as publishAt',
  'e.created_at as createdAt',
] as const;

type EditionRow = Omit<Edition, 'status' | 'sources'> & { status: string; sources: unknown };
const toEdition = (row: EditionRow): Edition => ({
  ...row,
  status: row.status as Edition['status'],
  sources: (typeof row.sources === 'string' ? JSON.parse(row.sources) : row.sources) as EditionSource[],
});

/** A YYYY-MM-DD date as SQL compares it with a `date` column. */
const day = (date: string) => sql<Date>`${date}::date`;

const editions = (db: Db) => db.selectFrom('epaper_editions as e').select(EDITION_COLUMNS);

export async function insertEdition(
  tx: Tx,
  row: {
    name: string;
    slug: string;
    date: string;
    filesPrefix: string;
    sources: EditionSource[];
    pageCount: number;
    publishAt: Date;
    uploadedBy: number | null;
    at: Date;
  },
): Promise<number | null> {
  const inserted = await tx
    .insertInto('epaper_editions')
    .values({
      name: row.name,
      slug: row.slug,
      edition_date: row.date,
      files_prefix: row.filesPrefix,
      sources: JSON.stringify(row.sources),
      page_count: row.pageCount,
      publish_at: row.publishAt,
      uploaded_by: row.uploadedBy,
      created_at: row.at,
      updated_at: row.at,
    })
    .onConflict((oc) => oc.columns(['slug', 'edition_date']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted?.id ?? null;
}

/**
 * Removes a failed edition of this name and date (so it can be uploaded again); a rendering or ready one stays.
 * Returns the keys of the files the failed one stored (its PDFs, the pages drawn before it failed), for the caller to
 * remove from the files store once `tx` commits.
 */
export async function deleteFailedEdition(tx: Tx, slug: string, date: string): Promise<string[]> {
  const failed = await editions(tx)
    .where('e.slug', '=', slug)
    .where('e.edition_date', '=', day(date))
    .where('e.status', '=', 'failed')
    .forUpdate()
    .executeTakeFirst();
  if (!failed) return [];
  // Read before the delete, which takes the pages with it.
  const keys = editionFileKeys(toEdition(failed).sources, await listPages(tx, failed.id));
  await tx.deleteFrom('epaper_editions').where('id', '=', failed.id).execute();
  return keys;
}

export async function findEdition(db: Db, id: number): Promise<Edition | null> {
  const row = await editions(db).where('e.id', '=', id).executeTakeFirst();
  return row ? toEdition(row) : null;
}

export async function findEditionByDate(db: Db, slug: string, date: string): Promise<Edition | null> {
  const row = await editions(db).where('e.slug', '=', slug).where('e.edition_date', '=', day(date)).executeTakeFirst();
  return row ? toEdition(row) : null;
}

/** Newest first by date (then name), before the cursor; every status (the newsroom's list). */
export async function listEditions(
  db: Db,
  options: { before?: { date: string; id: number } | undefined; limit: number },
): Promise<Edition[]> {
  let query = editions(db);
  if (options.before) {
    const { date, id } = options.before;
    query = query.where((eb) =>
      eb.or([eb('e.edition_date', '<', day(date)), eb.and([eb('e.edition_date', '=', day(date)), eb('e.id', '<', id)])]),
    );
  }
  const rows = await query.orderBy('e.edition_date', 'desc').orderBy('e.id', 'desc').limit(options.limit).execute();
  return rows.map(toEdition);
}

/** Published editions (ready and their time come), newest first, before the cursor. */
export async function listPublished(
  db: Db,
  now: Date,
  options: { before?: { date: string; id: number } | undefined; from?: string; until?: string; limit: number },
): Promise<Edition[]> {
  let query = editions(db).where('e.status', '=', 'ready').where('e.publish_at', '<=', now);
  if (options.before) {
    const { date, id } = options.before;
    query = query.where((eb) =>
      eb.or([eb('e.edition_date', '<', day(date)), eb.and([eb('e.edition_date', '=', day(date)), eb('e.id', '<', id)])]),
    );
  }
  if (options.from) query = query.where('e.edition_date', '>=', day(options.from));
  if (options.until) query = query.where('e.edition_date', '<=', day(options.until));
  const rows = await query.orderBy('e.edition_date', 'desc').orderBy('e.id', 'desc').limit(options.limit).execute();
  return rows.map(toEdition);
}

/** The date of the first published edition (the calendar goes back to it), or null when none is. */
export async function firstPublishedDate(db: Db, now: Date): Promise<string | null> {
  const row = await db
    .selectFrom('epaper_editions')
    .select(sql<string>`to_char(min(edition_date), 'YYYY-MM-DD')`.as('first'))
    .where('status', '=', 'ready')
    .where('publish_at', '<=', now)
    .executeTakeFirst();
  return row?.first ?? null;
}

export async function markRendered(db: Db, id: number, pagesRendered: number, at: Date): Promise<void> {
  await db.updateTable('epaper_editions').set({ pages_rendered: pagesRendered, updated_at: at }).where('id', '=', id).execute();
}

export async function finishEdition(tx: Tx, id: number, outcome: { status: 'ready' | 'failed'; error: string | null }, at: Date) {
  await tx
    .updateTable('epaper_editions')
    .set({ status: outcome.status, error: outcome.error, updated_at: at })
    .where('id', '=', id)
    .execute();
}

export async function setPublishAt(db: Db, id: number, publishAt: Date, at: Date): Promise<void> {
  await db.updateTable('epaper_editions').set({ publish_at: publishAt, updated_at: at }).where('id', '=', id).execute();
}

/** Stores a rendered page and the areas found on it (replacing what an earlier run of the job stored). */
export async function savePage(tx: Tx, editionId: number, page: EditionPage, areas: readonly (PageArea & { articleId: number | null })[]) {
  await tx.deleteFrom('epaper_pages').where('edition_id', '=', editionId).where('page_number', '=', page.number).execute();
  await tx
    .insertInto('epaper_pages')
    .values({
      edition_id: editionId,
      page_number: page.number,
      width: page.width,
      height: page.height,
      text: page.text,
      images: JSON.stringify(page.images),
    })
    .execute();
  if (areas.length === 0) return;
  await tx
    .insertInto('epaper_regions')
    .values(
      areas.map((a) => ({
        edition_id: editionId,
        page_number: page.number,
        x: a.x,
        y: a.y,
        w: a.w,
        h: a.h,
        headline: a.headline,
        text: a.text,
        article_id: a.articleId,
        source: 'pdf',
      })),
    )
    .execute();
}

const parseImages = (value: unknown): PageImage[] => (typeof value === 'string' ? JSON.parse(value) : value) as PageImage[];

export async function listPages(db: Db, editionId: number): Promise<EditionPage[]> {
  const rows = await db
    .selectFrom('epaper_pages')
    .select(['page_number as number', 'width', 'height', 'text', 'images'])
    .where('edition_id', '=', editionId)
    .orderBy('page_number')
    .execute();
  return rows.map((r) => ({ ...r, images: parseImages(r.images) }));
}

export async function findPage(db: Db, editionId: number, number: number): Promise<EditionPage | null> {
  const row = await db
    .selectFrom('epaper_pages')
    .select(['page_number as number', 'width', 'height', 'text', 'images'])
    .where('edition_id', '=', editionId)
    .where('page_number', '=', number)
    .executeTakeFirst();
  return row ? { ...row, images: parseImages(row.images) } : null;
}

/** An edition's regions (of one page, or all), in page order, with the web article each links to. */
export async function listRegions(db: Db, editionId: number, pageNumber?: number): Promise<Region[]> {
  let query = db
    .selectFrom('epaper_regions as r')
    .leftJoin('articles as a', (join) => join.onRef('a.id', '=', 'r.article_id').on('a.status', '=', 'published'))
    .select([
      'r.id',
      'r.page_number as pageNumber',
      'r.x',
      'r.y',
      'r.w',
      'r.h',
      'r.headline',
      'r.text',
      'r.source',
      'a.id as articleId',
      'a.slug as articleSlug',
      'a.headline as articleHeadline',
    ])
    .where('r.edition_id', '=', editionId);
  if (pageNumber !== undefined) query = query.where('r.page_number', '=', pageNumber);
  const rows = await query.orderBy('r.page_number').orderBy('r.id').execute();
  return rows.map(({ articleId, articleSlug, articleHeadline, ...r }) => ({
    ...r,
    source: r.source as Region['source'],
    article:
      articleId !== null && articleSlug !== null && articleHeadline !== null
        ? { id: articleId, slug: articleSlug, headline: articleHeadline }
        : null,
  }));
}

export async function findRegion(db: Db, id: number): Promise<(Region & { editionId: number }) | null> {
  const row = await db.selectFrom('epaper_regions').select('edition_id').where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const region = (await listRegions(db, row.edition_id)).find((r) => r.id === id);
  return region ? { ...region, editionId: row.edition_id } : null;
}

export async function updateRegion(
  db: Db,
  id: number,
  fields: { x: number; y: number; w: number; h: number; headline: string; articleId: number | null },
): Promise<void> {
  await db
    .updateTable('epaper_regions')
    .set({ x: fields.x, y: fields.y, w: fields.w, h: fields.h, headline: fields.headline, article_id: fields.articleId, source: 'editor' })
    .where('id', '=', id)
    .execute();
}

export async function insertRegion(
  db: Db,
  editionId: number,
  pageNumber: number,
  fields: { x: number; y: number; w: number; h: number; headline: string; articleId: number | null },
): Promise<number> {
  const row = await db
    .insertInto('epaper_regions')
    .values({
      edition_id: editionId,
      page_number: pageNumber,
      x: fields.x,
      y: fields.y,
      w: fields.w,
      h: fields.h,
      headline: fields.headline,
      article_id: fields.articleId,
      source: 'editor',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Published web articles whose headline is one of these (case and spacing aside): the regions they match. */
export async function articlesByHeadline(db: Db, headlines: readonly string[]): Promise<Map<string, number>> {
  const keys = [...new Set(headlines.map(headlineKey).filter(Boolean))];
  if (keys.length === 0) return new Map();
  const rows = await db
    .selectFrom('articles')
    .select(['id', sql<string>`lower(regexp_replace(headline, '\\s+', ' ', 'g'))`.as('key')])
    .where('status', '=', 'published')
    .where(sql<string>`lower(regexp_replace(headline, '\\s+', ' ', 'g'))`, 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, r.id]));
}

/** Whether a published web article has this id (a region may link only to one). */
export async function isPublishedArticle(db: Db, id: number): Promise<boolean> {
  const row = await db.selectFrom('articles').select('id').where('id', '=', id).where('status', '=', 'published').executeTakeFirst();
  return row !== undefined;
}

export const headlineKey = (headline: string) => headline.replace(/\s+/g, ' ').trim().toLowerCase();

export async function insertClipping(
  db: Db,
  row: {
    userId: number;
    editionId: number;
    pageNumber: number;
    box: { x: number; y: number; w: number; h: number };
    headline: string;
    at: Date;
  },
): Promise<number> {
  const inserted = await db
    .insertInto('epaper_clippings')
    .values({
      user_id: row.userId,
      edition_id: row.editionId,
      page_number: row.pageNumber,
      ...row.box,
      headline: row.headline,
      created_at: row.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

const clippings = (db: Db) =>
  db
    .selectFrom('epaper_clippings as c')
    .innerJoin('epaper_editions as e', 'e.id', 'c.edition_id')
    .select([
      'c.id',
      'c.user_id as userId',
      'c.edition_id as editionId',
      'c.page_number as pageNumber',
      'c.x',
      'c.y',
      'c.w',
      'c.h',
      'c.headline',
      'c.image_key as imageKey',
      'c.created_at as createdAt',
      'c.shared_at as sharedAt',
      'e.name',
      'e.slug',
      sql<string>`to_char(e.edition_date, 'YYYY-MM-DD')`.as('date'),
    ]);

type ClippingRow = Omit<Clipping, 'edition'> & { name: string; slug: string; date: string };
const toClipping = ({ name, slug, date, ...c }: ClippingRow): Clipping => ({ ...c, edition: { name, slug, date } });

/** A reader's clippings, newest first, before the cursor. */
export async function listClippings(db: Db, userId: number, options: { before?: number | undefined; limit: number }): Promise<Clipping[]> {
  let query = clippings(db).where('c.user_id', '=', userId);
  if (options.before !== undefined) query = query.where('c.id', '<', options.before);
  return (await query.orderBy('c.id', 'desc').limit(options.limit).execute()).map(toClipping);
}

/** Every clipping a reader saved, oldest first (the reader's data export). */
export async function listAllClippingsOf(db: Db, userId: number): Promise<Clipping[]> {
  return (await clippings(db).where('c.user_id', '=', userId).orderBy('c.id').execute()).map(toClipping);
}

export async function findClipping(db: Db, id: number): Promise<Clipping | null> {
  const row = await clippings(db).where('c.id', '=', id).executeTakeFirst();
  return row ? toClipping(row) : null;
}

export async function findSharedClipping(db: Db, shareHash: string): Promise<Clipping | null> {
  const row = await clippings(db).where('c.share_hash', '=', shareHash).executeTakeFirst();
  return row ? toClipping(row) : null;
}

/** Deletes one of the reader's clippings; its cut image's key (null: never shared), or undefined when there was none. */
export async function deleteClipping(db: Db, id: number, userId: number): Promise<{ imageKey: string | null } | undefined> {
  const row = await db
    .deleteFrom('epaper_clippings')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .returning('image_key')
    .executeTakeFirst();
  return row && { imageKey: row.image_key };
}

/** Erases a reader's clippings (account deletion): their share links stop opening. Returns their cut images' keys. */
export async function deleteClippingsOf(tx: Tx, userId: number): Promise<string[]> {
  const rows = await tx.deleteFrom('epaper_clippings').where('user_id', '=', userId).returning('image_key').execute();
  return rows.flatMap((r) => r.image_key ?? []);
}

/**
 * Gives the clipping a share link (replacing one it had) and keeps `imageKey` as its cut image unless it already has
 * one (a share at the same moment stored its own first). Returns the image key the clipping keeps; null when the
 * clipping is gone.
 */
export async function shareClipping(tx: Tx, id: number, fields: { shareHash: string; imageKey: string; at: Date }): Promise<string | null> {
  const row = await tx
    .updateTable('epaper_clippings')
    .set({ share_hash: fields.shareHash, image_key: sql<string>`coalesce(image_key, ${fields.imageKey})`, shared_at: fields.at })
    .where('id', '=', id)
    .returning('image_key')
    .executeTakeFirst();
  return row ? (row.image_key ?? fields.imageKey) : null;
}

/** A story of a published edition that matches a reader's search, with its edition's address. */
export interface RegionMatch {
  id: number;
  pageNumber: number;
  headline: string;
  text: string;
  edition: { slug: string; name: string; date: string };
}

/**
 * Newest matches a search's query finds before the page is cut from them (see `searchRegions`): enough that a rare word
 * is looked up in the GIN index however many years of editions there are, as for articles. With 250, a rare word over
 * twenty years of a daily (2,190,000 stories) walked the editions instead and ran into the timeout; with 2,000 it takes
 * 5 ms, and a common word reads 2,000 stories (13 ms; docs/benchmarks.md, E-paper).
 */
export const NEWEST_MATCHES = 2_000;

/**
 * Stories of editions published by `now` whose headline or text matches `query` (a tsquery from the search module),
 * newest edition first, keyset after `before` (an edition date and region id). The GIN index finds the matches.
 */
export async function searchRegions(
  db: Db,
  options: {
    query: RawBuilder<string>;
    now: Date;
    limit: number;
    before?: { date: string; id: number } | undefined;
    /** Newest matches to cut the page from: NEWEST_MATCHES unless a benchmark compares others. */
    newest?: number;
  },
): Promise<RegionMatch[]> {
  let matches = db
    .selectFrom('epaper_regions as r')
    .innerJoin('epaper_editions as e', 'e.id', 'r.edition_id')
    .select(['r.id', 'e.edition_date'])
    .where('e.status', '=', 'ready')
    .where('e.publish_at', '<=', options.now)
    .where(sql<boolean>`r.search_document @@ ${options.query}`);
  const before = options.before;
  // The date alone as well: the editions' date index then starts at the page's place, so an older page costs what the
  // first does (at 300,000 stories, a page a year and a half back took 2.1 s without it and 7.5 ms with it).
  if (before)
    matches = matches
      .where(sql<boolean>`e.edition_date <= ${before.date}::date`)
      .where(sql<boolean>`(e.edition_date, r.id) < (${before.date}::date, ${before.id})`);
  // The newest matches (at most NEWEST_MATCHES) are found in a materialized CTE, planned on its own, as for articles
  // (search/queries.ts): planned for the page's 21 rows, PostgreSQL walked the editions newest first for a rare word
  // and read every story's search document (1.1 s at 300,000 stories, 5 ms now); a word most stories hold still walks
  // them, reading up to NEWEST_MATCHES stories. The walk's estimated cost for a rare word stays the same as stories
  // grow while the GIN index's grows with them, so too few newest matches tips the plan once the archive is large.
  const rows = await db
    .with(
      (cte) => cte('newest').materialized(),
      () =>
        matches
          .orderBy('e.edition_date', 'desc')
          .orderBy('r.id', 'desc')
          .limit(options.newest ?? NEWEST_MATCHES),
    )
    .selectFrom((eb) =>
      eb
        .selectFrom('newest')
        .select(['newest.id', 'newest.edition_date'])
        .orderBy('newest.edition_date', 'desc')
        .orderBy('newest.id', 'desc')
        .limit(options.limit)
        .as('page'),
    )
    .innerJoin('epaper_regions as r', 'r.id', 'page.id')
    .innerJoin('epaper_editions as e', 'e.id', 'r.edition_id')
    .select([
      'r.id',
      'r.page_number as pageNumber',
      'r.headline',
      'r.text',
      'e.slug',
      'e.name',
      sql<string>`to_char(e.edition_date, 'YYYY-MM-DD')`.as('date'),
    ])
    .orderBy('page.edition_date', 'desc')
    .orderBy('page.id', 'desc')
    .execute();
  return rows.map(({ slug, name, date, ...r }) => ({ ...r, edition: { slug, name, date } }));
}
