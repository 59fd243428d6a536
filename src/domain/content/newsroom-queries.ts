import { sql, type Selectable } from 'kysely';
import type { Db } from '../ports/database.js';
import { containing } from '../like-patterns.js';
import { setBylineState } from './author-queries.js';
import { syncArticleTags } from './queries.js';
import type { Articles } from '../ports/schema.js';
import {
  revivedFields,
  type ArticleFields,
  type ArticleStatus,
  type NewsroomArticle,
  type SaveAction,
  type StoredStatus,
} from './newsroom.js';

/** The newsroom's tables: articles in any status, their old addresses and their revisions. */

const COLUMNS = [
  'id',
  'slug',
  'headline',
  'standfirst',
  'body',
  'section',
  'tags',
  'authors',
  'dateline',
  'visibility',
  'provenance',
  'lead_image_url',
  'lead_image_alt',
  'status',
  'published_at',
  'updated_at',
  'version',
  'updated_shown_at',
  'embargo_until',
  'seo_title',
  'meta_description',
  'canonical_url',
  'social_image_url',
] as const;

type Row = Omit<Selectable<Articles>, 'editors_pick' | 'search_document'>;

function toArticle(row: Row): NewsroomArticle {
  return {
    id: row.id,
    slug: row.slug,
    headline: row.headline,
    standfirst: row.standfirst,
    body: row.body,
    section: row.section,
    tags: row.tags,
    authors: row.authors,
    dateline: row.dateline,
    visibility: row.visibility,
    provenance: row.provenance,
    leadImage: row.lead_image_url ? { url: row.lead_image_url, alt: row.lead_image_alt ?? '' } : null,
    status: row.status,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    shownUpdatedAt: row.updated_shown_at,
    version: row.version,
    embargoUntil: row.embargo_until,
    seo: { title: row.seo_title, description: row.meta_description, canonicalUrl: row.canonical_url, socialImageUrl: row.social_image_url },
  };
}

function fieldColumns(fields: ArticleFields) {
  return {
    slug: fields.slug,
    headline: fields.headline,
    standfirst: fields.standfirst,
    body: fields.body,
    section: fields.section,
    tags: fields.tags,
    authors: fields.authors,
    dateline: fields.dateline,
    visibility: fields.visibility,
    provenance: fields.provenance,
    lead_image_url: fields.leadImage?.url ?? null,
    lead_image_alt: fields.leadImage?.alt ?? null,
    embargo_until: fields.embargoUntil,
    seo_title: fields.seo.title,
    meta_description: fields.seo.description,
    canonical_url: fields.seo.canonicalUrl,
    social_image_url: fields.seo.socialImageUrl,
  };
}

export async function findNewsroomArticle(db: Db, id: number): Promise<NewsroomArticle | null> {
  const row = await db.selectFrom('articles').select(COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? toArticle(row) : null;
}

/** The articles at `slugs` as stored, by slug, locked until the transaction ends (an import about to write over them). */
export async function lockArticlesBySlug(db: Db, slugs: readonly string[]): Promise<Map<string, NewsroomArticle>> {
  if (slugs.length === 0) return new Map();
  const rows = await db.selectFrom('articles').select(COLUMNS).where('slug', 'in', slugs).forUpdate().execute();
  return new Map(rows.map((row) => [row.slug, toArticle(row)]));
}

/** The id of the article that holds `slug` now, other than `exceptId`. */
export async function articleIdWithSlug(db: Db, slug: string, exceptId: number | null): Promise<number | null> {
  let query = db.selectFrom('articles').select('id').where('slug', '=', slug);
  if (exceptId !== null) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst())?.id ?? null;
}

export interface StateChange {
  status: StoredStatus;
  publishedAt: Date | null;
  updatedAt: Date;
  /** Set: the "Updated" time readers see from now on; undefined: left as it was. */
  shownUpdatedAt?: Date | undefined;
}

const stateColumns = (state: StateChange) => ({
  status: state.status,
  published_at: state.publishedAt,
  updated_at: state.updatedAt,
  ...(state.shownUpdatedAt ? { updated_shown_at: state.shownUpdatedAt } : {}),
});

export async function insertArticle(db: Db, fields: ArticleFields, state: StateChange): Promise<number> {
  const row = await db
    .insertInto('articles')
    .values({ ...fieldColumns(fields), ...stateColumns(state) })
    .returning('id')
    .executeTakeFirstOrThrow();
  await syncArticleTags(db, [row.id]);
  return row.id;
}

/**
 * Writes the article if it is still at `version`, and its state onto its bylines and tags; the new version, or null
 * when someone saved it meanwhile.
 */
export async function updateArticleAt(
  db: Db,
  id: number,
  version: number,
  fields: ArticleFields,
  state: StateChange,
): Promise<number | null> {
  const row = await db
    .updateTable('articles')
    .set({
      ...fieldColumns(fields),
      ...stateColumns(state),
      version: sql<number>`version + 1`,
    })
    .where('id', '=', id)
    .where('version', '=', version)
    .returning('version')
    .executeTakeFirst();
  if (!row) return null;
  await setBylineState(db, id, state);
  await syncArticleTags(db, [id]);
  return row.version;
}

/**
 * Records that `oldSlug` now leads to the article, and that `newSlug` is nobody's old address any more (the
 * article that holds it wins). Chains need nothing more: every old slug points at the article, not a slug.
 */
export async function moveSlug(db: Db, articleId: number, oldSlug: string | null, newSlug: string, at: Date): Promise<void> {
  await db.deleteFrom('article_redirects').where('slug', '=', newSlug).execute();
  if (oldSlug === null || oldSlug === newSlug) return;
  await db
    .insertInto('article_redirects')
    .values({ slug: oldSlug, article_id: articleId, created_at: at })
    .onConflict((oc) => oc.column('slug').doUpdateSet({ article_id: articleId, created_at: at }))
    .execute();
}

/** The current slug of the article that once had `slug`, when that article is published; null otherwise. */
export async function redirectedSlug(db: Db, slug: string): Promise<string | null> {
  const row = await db
    .selectFrom('article_redirects as r')
    .innerJoin('articles as a', 'a.id', 'r.article_id')
    .select('a.slug')
    .where('r.slug', '=', slug)
    .where('a.status', '=', sql.lit<'published'>('published'))
    .executeTakeFirst();
  return row?.slug ?? null;
}

export interface Revision {
  id: number;
  articleId: number;
  version: number;
  userId: number | null;
  /** Who saved it, as the newsroom knows them (name or email); null for the command line (an import) or a deleted account. */
  by: string | null;
  action: SaveAction['kind'] | 'create';
  fields: ArticleFields;
  createdAt: Date;
}

export interface NewRevision {
  articleId: number;
  version: number;
  /** Null when no account made it: the command line (an import). */
  userId: number | null;
  action: Revision['action'];
  fields: ArticleFields;
  at: Date;
}

export async function insertRevision(db: Db, revision: NewRevision): Promise<void> {
  await insertRevisions(db, [revision]);
}

/** Several revisions in one statement (an import's batch). */
export async function insertRevisions(db: Db, revisions: readonly NewRevision[]): Promise<void> {
  if (revisions.length === 0) return;
  await db
    .insertInto('article_revisions')
    .values(
      revisions.map((r) => ({
        article_id: r.articleId,
        version: r.version,
        user_id: r.userId,
        action: r.action,
        fields: JSON.stringify(r.fields),
        created_at: r.at,
      })),
    )
    .execute();
}

const revisionQuery = (db: Db) =>
  db
    .selectFrom('article_revisions as r')
    .leftJoin('users as u', 'u.id', 'r.user_id')
    .select(['r.id', 'r.article_id', 'r.version', 'r.user_id', 'r.action', 'r.fields', 'r.created_at', 'u.name', 'u.email']);

type RevisionRow = Awaited<ReturnType<ReturnType<typeof revisionQuery>['executeTakeFirstOrThrow']>>;

const toRevision = (row: RevisionRow): Revision => ({
  id: row.id,
  articleId: row.article_id,
  version: row.version,
  userId: row.user_id,
  by: row.name || row.email || null,
  action: row.action,
  fields: revivedFields(row.fields),
  createdAt: row.created_at,
});

/** An article's revisions, newest first, at most `limit`. */
export async function listRevisions(db: Db, articleId: number, limit: number): Promise<Revision[]> {
  const rows = await revisionQuery(db).where('r.article_id', '=', articleId).orderBy('r.id', 'desc').limit(limit).execute();
  return rows.map(toRevision);
}

export async function findRevision(db: Db, articleId: number, revisionId: number): Promise<Revision | null> {
  const row = await revisionQuery(db).where('r.article_id', '=', articleId).where('r.id', '=', revisionId).executeTakeFirst();
  return row ? toRevision(row) : null;
}

/** What the newsroom's list shows of an article. */
export type NewsroomSummary = Omit<NewsroomArticle, 'body' | 'standfirst' | 'tags' | 'dateline' | 'leadImage' | 'seo' | 'shownUpdatedAt'>;

export interface NewsroomFilters {
  search?: string | undefined;
  section?: string | undefined;
  visibility?: string | undefined;
  status?: ArticleStatus | undefined;
  /** `staff`, `wire` or `partner`. */
  provenance?: 'staff' | 'wire' | 'partner' | undefined;
  /** Only articles in this author's byline. */
  authorId?: number | undefined;
  /** Published (or scheduled) at or after `from` and before `to`. */
  publishedFrom?: Date | undefined;
  publishedTo?: Date | undefined;
  /** Continue after the article last changed at `updatedAt` with `id`. */
  before?: { updatedAt: Date; id: number } | undefined;
  limit: number;
  now: Date;
}

/** Articles in any status, last changed first, filtered; keyset-paginated on (updated_at, id). */
export async function listNewsroomArticles(db: Db, f: NewsroomFilters): Promise<NewsroomSummary[]> {
  let query = db
    .selectFrom('articles')
    .select([
      'id',
      'slug',
      'headline',
      'section',
      'authors',
      'visibility',
      'provenance',
      'status',
      'published_at',
      'updated_at',
      'version',
      'embargo_until',
    ]);
  const authorId = f.authorId;
  if (authorId !== undefined)
    query = query.where('id', 'in', (eb) => eb.selectFrom('article_authors').select('article_id').where('author_id', '=', authorId));
  if (f.publishedFrom) query = query.where('published_at', '>=', f.publishedFrom);
  if (f.publishedTo) query = query.where('published_at', '<', f.publishedTo);
  if (f.search) query = query.where('headline', 'ilike', containing(f.search));
  if (f.section) query = query.where('section', '=', f.section);
  if (f.visibility === 'free' || f.visibility === 'metered' || f.visibility === 'premium')
    query = query.where('visibility', '=', f.visibility);
  if (f.provenance === 'staff') query = query.where('provenance', '=', 'staff');
  else if (f.provenance) query = query.where('provenance', 'like', `${f.provenance}:%`);
  if (f.status === 'draft' || f.status === 'unpublished') query = query.where('status', '=', f.status);
  else if (f.status === 'scheduled') query = query.where('status', '=', 'published').where('published_at', '>', f.now);
  else if (f.status === 'published') query = query.where('status', '=', 'published').where('published_at', '<=', f.now);
  const before = f.before;
  if (before) query = query.where((eb) => eb(eb.refTuple('updated_at', 'id'), '<', eb.tuple(before.updatedAt, before.id)));
  const rows = await query.orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    slug: r.slug,
    headline: r.headline,
    section: r.section,
    authors: r.authors,
    visibility: r.visibility,
    provenance: r.provenance,
    status: r.status,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
    version: r.version,
    embargoUntil: r.embargo_until,
  }));
}

/**
 * How many articles of `visibility` are published for [from, to): those out by `now` and those scheduled for
 * later in it. One range of the live articles' publication-date index.
 */
export async function countPublishedBetween(
  db: Db,
  f: { visibility: 'free' | 'metered' | 'premium'; from: Date; to: Date; now: Date },
): Promise<{ out: number; scheduled: number }> {
  const row = await db
    .selectFrom('articles')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('published_at', '<=', f.now).as('out'),
      eb.fn.countAll<number>().filterWhere('published_at', '>', f.now).as('scheduled'),
    ])
    .where('status', '=', sql.lit<'published'>('published'))
    .where('visibility', '=', f.visibility)
    .where('published_at', '>=', f.from)
    .where('published_at', '<', f.to)
    .executeTakeFirstOrThrow();
  return { out: row.out, scheduled: row.scheduled };
}
