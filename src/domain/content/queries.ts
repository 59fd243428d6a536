import { sql, type Selectable } from 'kysely';
import type { Db, Tx } from '../ports/database.js';
import type { Articles } from '../ports/schema.js';
import { nominatePicks } from '../front-page/queries.js';
import type { ArticleInput } from './article-input.js';
import type { Article, ArticleSummary, Byline, Correction, ListCursor, ListOptions, Section } from './model.js';
import { CORRECTIONS, readCorrections } from './correction-queries.js';
import { setBylines } from './author-queries.js';

export const SUMMARY_COLUMNS = [
  'id',
  'slug',
  'headline',
  'standfirst',
  'section',
  'tags',
  'authors',
  'dateline',
  'visibility',
  'provenance',
  'published_at',
  'updated_at',
  'lead_image_url',
  'lead_image_alt',
  'updated_shown_at',
  'seo_title',
  'meta_description',
  'canonical_url',
  'social_image_url',
] as const;

/** A row a reader may see: published, so it has a publication time. */
export type LiveRow = Omit<Selectable<Articles>, 'body' | 'status' | 'version' | 'published_at' | 'embargo_until' | 'search_document'> & {
  published_at: Date;
  bylines: Byline[];
};

/** The byline's authors in order, as JSON (one probe of the bylines' primary key per article). */
export const BYLINES = sql<Byline[]>`coalesce((select json_agg(json_build_object('name', au.name, 'slug', au.slug) order by aa.position)
  from article_authors aa join authors au on au.id = aa.author_id where aa.article_id = articles.id), '[]'::json)`.as('bylines');

/**
 * Readers only ever see published articles (and only once their time has come: callers compare `published_at`
 * with now). The literal lets the planner use the partial indexes `where status = 'published'`.
 */
export const LIVE = sql.lit<'published'>('published');

export function toSummary(row: LiveRow): ArticleSummary {
  return {
    id: row.id,
    slug: row.slug,
    headline: row.headline,
    standfirst: row.standfirst,
    section: row.section,
    tags: row.tags,
    authors: row.authors,
    bylines: row.bylines,
    dateline: row.dateline,
    visibility: row.visibility,
    provenance: row.provenance,
    publishedAt: row.published_at,
    updatedAt: row.updated_at,
    shownUpdatedAt: row.updated_shown_at,
    seo: {
      title: row.seo_title,
      description: row.meta_description,
      canonicalUrl: row.canonical_url,
      socialImageUrl: row.social_image_url,
    },
    leadImage: row.lead_image_url ? { url: row.lead_image_url, alt: row.lead_image_alt ?? '' } : null,
  };
}

export async function listSections(db: Db): Promise<Section[]> {
  const rows = await db.selectFrom('sections').selectAll().orderBy('position').orderBy('slug').execute();
  return rows.map((r) => ({
    slug: r.slug,
    name: r.name,
    position: r.position,
    premiumEntitlement: r.premium_entitlement,
    description: r.description,
  }));
}

/** Adds the section unless one with its slug exists: a publisher's own names and order are never overwritten. */
export async function ensureSection(db: Db, section: Section): Promise<void> {
  await db
    .insertInto('sections')
    .values({
      slug: section.slug,
      name: section.name,
      position: section.position,
      premium_entitlement: section.premiumEntitlement,
      description: section.description,
    })
    .onConflict((oc) => oc.column('slug').doNothing())
    .execute();
}

function toRow(input: ArticleInput) {
  return {
    slug: input.slug,
    headline: input.headline,
    standfirst: input.standfirst,
    body: input.body,
    section: input.section,
    tags: input.tags,
    authors: input.authors,
    dateline: input.dateline,
    visibility: input.visibility,
    provenance: input.provenance,
    published_at: input.publishedAt,
    updated_at: input.updatedAt ?? input.publishedAt,
    // New imported articles are published; an import over an existing one leaves its status to the newsroom.
    status: 'published' as const,
    lead_image_url: input.leadImage?.url ?? null,
    lead_image_alt: input.leadImage?.alt ?? null,
  };
}

/** What an upsert did to one article: its id, its version now, and whether it was new. */
export interface Upserted {
  id: number;
  version: number;
  created: boolean;
}

/** Inserts the article or, when its slug exists, replaces it. */
export async function upsertArticle(db: Db, input: ArticleInput): Promise<Upserted> {
  const [result] = await upsertArticles(db, [input]);
  if (!result) throw new Error(`upsert of ${input.slug} returned nothing`);
  return result;
}

/**
 * Inserts or replaces (by slug) several articles in one statement; results in input order. Fails as a
 * whole if any row is refused, or if two inputs share a slug.
 */
export async function upsertArticles(db: Db, inputs: readonly ArticleInput[]): Promise<Upserted[]> {
  if (inputs.length === 0) return [];
  const rows = await db
    .insertInto('articles')
    .values(inputs.map(toRow))
    .onConflict((oc) =>
      oc.column('slug').doUpdateSet((eb) => ({
        headline: eb.ref('excluded.headline'),
        standfirst: eb.ref('excluded.standfirst'),
        body: eb.ref('excluded.body'),
        section: eb.ref('excluded.section'),
        tags: eb.ref('excluded.tags'),
        authors: eb.ref('excluded.authors'),
        dateline: eb.ref('excluded.dateline'),
        visibility: eb.ref('excluded.visibility'),
        provenance: eb.ref('excluded.provenance'),
        published_at: eb.ref('excluded.published_at'),
        updated_at: eb.ref('excluded.updated_at'),
        lead_image_url: eb.ref('excluded.lead_image_url'),
        lead_image_alt: eb.ref('excluded.lead_image_alt'),
        // A newsroom form open on this article must not save over the import unawares.
        version: sql<number>`articles.version + 1`,
      })),
    )
    // xmax is 0 only on a row this statement inserted.
    .returning(['id', 'slug', 'version', sql<boolean>`xmax = 0`.as('created')])
    .execute();
  const bySlug = new Map(rows.map((r) => [r.slug, { id: r.id, version: r.version, created: r.created }]));
  const results = inputs.map((input) => {
    const row = bySlug.get(input.slug);
    if (!row) throw new Error(`upsert returned no row for ${input.slug}`);
    return row;
  });
  // The import's `editors_pick` puts the article among the front page's picks; false leaves the curation alone.
  await nominatePicks(
    db,
    results.filter((_, i) => inputs[i]?.editorsPick === true).map((r) => r.id),
  );
  // The bylines follow the names; names no author has yet become authors.
  await setBylines(
    db,
    inputs.map((input, i) => ({ articleId: results[i]?.id ?? 0, names: input.authors })),
    null,
  );
  await syncArticleTags(
    db,
    results.map((r) => r.id),
  );
  return results;
}

/**
 * Rewrites the tag rows of `articleIds` from the articles as they are now: each tag with the article's status and
 * publication time (migration 028), after every write of an article.
 */
export async function syncArticleTags(db: Db, articleIds: readonly number[]): Promise<void> {
  if (articleIds.length === 0) return;
  await db.deleteFrom('article_tags').where('article_id', 'in', articleIds).execute();
  await db
    .insertInto('article_tags')
    .columns(['article_id', 'tag', 'status', 'published_at'])
    .expression((eb) =>
      eb
        .selectFrom('articles as a')
        .innerJoin(sql<{ tag: string }>`unnest(a.tags)`.as('t'), (join) => join.onTrue())
        .select(['a.id', sql<string>`t`.as('tag'), 'a.status', 'a.published_at'])
        .distinct()
        .where('a.id', 'in', articleIds),
    )
    .execute();
}

/** Runs `work` under a savepoint of the transaction: when it throws, only its own writes are undone. */
export async function withSavepoint<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  await sql`savepoint masthead_step`.execute(tx);
  try {
    const result = await work();
    await sql`release savepoint masthead_step`.execute(tx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint masthead_step`.execute(tx);
    throw error;
  }
}

/** The published article at `slug` (its time may still be ahead: the caller compares it with now), or null. */
export async function findArticleBySlug(db: Db, slug: string): Promise<(Article & { corrections: Correction[] }) | null> {
  const row = await db
    .selectFrom('articles')
    .select(SUMMARY_COLUMNS)
    .select(BYLINES)
    .select(CORRECTIONS)
    .select('body')
    .where('slug', '=', slug)
    .where('status', '=', LIVE)
    .$narrowType<{ published_at: Date }>()
    .executeTakeFirst();
  return row ? { ...toSummary(row), body: row.body, corrections: readCorrections(row.corrections) } : null;
}

/**
 * Newest first, optionally in one section, of one visibility or between two instants; only articles already
 * published at `now`. `before` continues a list after its last article (keyset: one index range whatever the
 * depth); `offset` skips rows and so costs what it skips, which is why callers bound it.
 */
export async function listArticles(db: Db, options: ListOptions & { now: Date }): Promise<ArticleSummary[]> {
  let query = db
    .selectFrom('articles')
    .select(SUMMARY_COLUMNS)
    .select(BYLINES)
    .where('status', '=', LIVE)
    .where('published_at', '<=', options.now)
    .$narrowType<{ published_at: Date }>();
  if (options.section) query = query.where('section', '=', options.section);
  if (options.since) query = query.where('published_at', '>=', options.since);
  if (options.until) query = query.where('published_at', '<', options.until);
  if (options.visibility) query = query.where('visibility', '=', options.visibility);
  if (options.excludeIds?.length) query = query.where('id', 'not in', options.excludeIds);
  const before = options.before;
  if (options.tag !== undefined) {
    // The tag's newest live rows first (article_tags_live_idx), then those articles by id: a page costs its own rows.
    let tagged = db
      .selectFrom('article_tags')
      .select('article_id')
      .where('tag', '=', options.tag)
      .where('status', '=', LIVE)
      .where('published_at', '<=', options.now);
    if (before) tagged = tagged.where((eb) => eb(eb.refTuple('published_at', 'article_id'), '<', eb.tuple(before.publishedAt, before.id)));
    const limit = options.limit + (options.offset ?? 0) + (options.excludeIds?.length ?? 0);
    query = query.where('id', 'in', tagged.orderBy('published_at', 'desc').orderBy('article_id', 'desc').limit(rowsAtMost(limit)));
  }
  if (before) query = query.where((eb) => eb(eb.refTuple('published_at', 'id'), '<', eb.tuple(before.publishedAt, before.id)));
  query = query.orderBy('published_at', 'desc').orderBy('id', 'desc').limit(rowsAtMost(options.limit));
  if (options.offset) query = query.offset(options.offset);
  return (await query.execute()).map(toSummary);
}

/**
 * A row limit written into the statement instead of sent as a value. PostgreSQL prices a plan made for any limit as if
 * it returned a tenth of the rows, so with the limit as a value it planned every run of a list's statement afresh, and
 * planning cost more than running (an article's related stories: 0.6 ms planning, 0.3 ms running). Limits come from
 * the code or a validated page size, so the statements stay few.
 */
function rowsAtMost(rows: number) {
  return sql.lit(Math.trunc(rows));
}

/** The most tags of an article that related stories are looked up by. */
const RELATED_TAGS = 10;

/**
 * The newest live stories sharing a tag with `article` (not itself), at most `limit`: each tag's newest few from
 * article_tags_live_idx, then those articles by id, so the cost is the tags' count times `limit` rows, however
 * many stories carry a tag.
 */
export async function listRelatedArticles(
  db: Db,
  article: { id: number; tags: readonly string[] },
  limit: number,
  now: Date,
): Promise<ArticleSummary[]> {
  if (article.tags.length === 0) return [];
  // A plan made for this run's values must not look cheaper than the plan PostgreSQL keeps for any values, or every
  // run is planned afresh (0.4–1.2 ms of planning for 0.2–0.4 ms of work). So the array always holds RELATED_TAGS entries,
  // the missing ones null (which match no row), as a kept plan assumes; and the time is read in a subquery, which
  // neither plan can look into: planned for the time itself, a tag's rows all counted as published, and a kept plan
  // assumed a third.
  const tags: (string | null)[] = [...new Set(article.tags)].slice(0, RELATED_TAGS);
  while (tags.length < RELATED_TAGS) tags.push(null);
  const count = rowsAtMost(limit);
  const candidates = sql<number>`(select t.article_id from unnest(${sql.val(tags)}::text[]) as tg (tag) cross join lateral (
    select article_id from article_tags
    where tag = tg.tag and status = ${LIVE} and published_at <= (select ${now}::timestamptz) and article_id <> ${article.id}
    order by published_at desc, article_id desc limit ${count}) t)`;
  const rows = await db
    .selectFrom('articles')
    .select(SUMMARY_COLUMNS)
    .select(BYLINES)
    .where('id', 'in', candidates)
    .where('status', '=', LIVE)
    .where('published_at', '<=', now)
    .$narrowType<{ published_at: Date }>()
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .limit(count)
    .execute();
  return rows.map(toSummary);
}

/** The articles with `ids` readers may see at `now` (published, time come), in no particular order: one primary-key probe each. */
export async function listLiveByIds(db: Db, ids: readonly number[], now: Date): Promise<ArticleSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('articles')
    .select(SUMMARY_COLUMNS)
    .select(BYLINES)
    .where('id', 'in', ids)
    .where('status', '=', LIVE)
    .where('published_at', '<=', now)
    .$narrowType<{ published_at: Date }>()
    .execute();
  return rows.map(toSummary);
}

/** True when the database holds no articles yet (a fresh demo). */
export async function hasNoArticles(db: Db): Promise<boolean> {
  const row = await db.selectFrom('articles').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

/** Published articles without a lead image, with what the demo picks their picture by. */
export async function listArticlesWithoutLeadImage(
  db: Db,
): Promise<{ id: number; slug: string; section: string; tags: string[]; headline: string; publishedAt: Date }[]> {
  const rows = await db
    .selectFrom('articles')
    .select(['id', 'slug', 'section', 'tags', 'headline', 'published_at'])
    .where('status', '=', LIVE)
    .where('lead_image_url', 'is', null)
    .where('published_at', 'is not', null)
    .$narrowType<{ published_at: Date }>()
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, slug: r.slug, section: r.section, tags: r.tags, headline: r.headline, publishedAt: r.published_at }));
}

/** Gives the articles `ids` the lead image `lead`, where they still have none. Returns how many it changed. */
export async function setMissingLeadImages(db: Db, ids: readonly number[], lead: { url: string; alt: string }): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db
    .updateTable('articles')
    .set({ lead_image_url: lead.url, lead_image_alt: lead.alt })
    .where('id', 'in', ids)
    .where('lead_image_url', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How many sections exist (the baseline seed fills an empty table only). */
export async function countSections(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sections')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return row.n;
}

/** The articles published in [from, to) and by `now`, newest first: one range of the published articles' date index. */
function publishedBetween(db: Db, from: Date, to: Date, now: Date) {
  return db
    .selectFrom('articles')
    .where('status', '=', LIVE)
    .where('published_at', '>=', from)
    .where('published_at', '<', to)
    .where('published_at', '<=', now)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc');
}

/** Whether any article was published in [from, to) and by `now`: one probe of the publication-date index. */
export function anyPublishedBetween(db: Db, from: Date, to: Date, now: Date): Promise<boolean> {
  return publishedMoreThan(db, from, to, now, 0);
}

/**
 * For each period between consecutive `bounds` ([bounds[i], bounds[i + 1])), whether a story came out in it by `now`:
 * one probe of the publication-date index per period, all in one statement, so the cost follows the calendar (the
 * days of a month, the months of a year), never the number of articles.
 */
export async function periodsWithStories(db: Db, bounds: readonly Date[], now: Date): Promise<boolean[]> {
  if (bounds.length < 2) return [];
  const iso = bounds.map((d) => d.toISOString());
  const { rows } = await sql<{ i: number }>`
    select p.i::int as i
    from unnest(${iso.slice(0, -1)}::timestamptz[], ${iso.slice(1)}::timestamptz[]) with ordinality as p (since, until, i)
    where exists (
      select 1 from articles a
      where a.status = ${LIVE} and a.published_at >= p.since and a.published_at < p.until and a.published_at <= ${now})`.execute(db);
  const found = new Set(rows.map((r) => r.i - 1));
  return iso.slice(1).map((_, i) => found.has(i));
}

/**
 * When the nearest stories on either side of [from, to) came out (both by `now`): the last before `from` and the first
 * from `to` on, null where there is none; one probe of the live articles' publication-date index each, in one statement.
 */
export async function storiesAround(db: Db, from: Date, to: Date, now: Date): Promise<{ before: Date | null; after: Date | null }> {
  const { rows } = await sql<{ before: Date | null; after: Date | null }>`select
      (select max(published_at) from articles where status = ${LIVE} and published_at < ${from} and published_at <= ${now}) as before,
      (select min(published_at) from articles where status = ${LIVE} and published_at >= ${to} and published_at <= ${now}) as after`.execute(
    db,
  );
  return { before: rows[0]?.before ?? null, after: rows[0]?.after ?? null };
}

/**
 * Whether more than `limit` articles were published in [from, to) and by `now`: a walk of at most `limit` + 1 entries
 * of the published articles' index, however large the range.
 */
export async function publishedMoreThan(db: Db, from: Date, to: Date, now: Date, limit: number): Promise<boolean> {
  const row = await publishedBetween(db, from, to, now).select('id').offset(limit).limit(1).executeTakeFirst();
  return row !== undefined;
}

/**
 * Bounds on the published articles (scheduled ones included) of each month of the calendar in `timeZone` that may have
 * any, newest first, read from the per-day counts (migration 039) rather than the articles: `atLeast` counts the UTC
 * days wholly inside the month, `atMost` every UTC day touching it. One row per day of the archive is read, none per article.
 */
export async function publishedMonthBounds(
  db: Db,
  timeZone: string,
): Promise<{ year: number; month: number; atLeast: number; atMost: number }[]> {
  const { rows } = await sql<{ year: number; month: number; at_least: number; at_most: number }>`
    with days as (
      select published as n,
        date_trunc('month', (day::timestamp at time zone 'UTC') at time zone ${timeZone}) as first_month,
        date_trunc('month', ((day + 1)::timestamp at time zone 'UTC' - interval '1 microsecond') at time zone ${timeZone}) as last_month
      from article_day_counts where published > 0
    ), touched as (
      select first_month as month, n, first_month = last_month as inside from days
      union all
      select last_month, n, false from days where first_month <> last_month
    )
    select extract(year from month)::int as year, extract(month from month)::int as month,
      coalesce(sum(n) filter (where inside), 0)::int as at_least, sum(n)::int as at_most
    from touched group by touched.month order by touched.month desc`.execute(db);
  return rows.map((r) => ({ year: r.year, month: r.month, atLeast: r.at_least, atMost: r.at_most }));
}

/** The earliest publication date of a published article, or null with none (the publication-date index answers it). */
export async function firstPublishedAt(db: Db): Promise<Date | null> {
  const row = await db
    .selectFrom('articles')
    .select('published_at')
    .where('status', '=', LIVE)
    .orderBy('published_at')
    .limit(1)
    .executeTakeFirst();
  return row?.published_at ?? null;
}

/** Addresses and last changes of the articles published in [from, to) and by `now`, newest first, `limit` after `after` (a range scan). */
export async function listSitemapEntries(
  db: Db,
  period: { from: Date; to: Date; now: Date; limit: number; after?: ListCursor | undefined },
): Promise<{ slug: string; updatedAt: Date; cursor: ListCursor }[]> {
  let query = publishedBetween(db, period.from, period.to, period.now)
    .select(['id', 'slug', 'published_at', 'updated_at'])
    .$narrowType<{ published_at: Date }>();
  const after = period.after;
  if (after) query = query.where((eb) => eb(eb.refTuple('published_at', 'id'), '<', eb.tuple(after.publishedAt, after.id)));
  const rows = await query.limit(period.limit).execute();
  return rows.map((r) => ({ slug: r.slug, updatedAt: r.updated_at, cursor: { publishedAt: r.published_at, id: r.id } }));
}

/**
 * An author's published articles, newest first, keyset-paginated like a section. The page's bylines come
 * from the author's live bylines in date order (`article_authors_live_idx`: status and publication time are
 * kept on each byline), so an author with a handful of stories in a large archive costs what a prolific one does.
 */
export async function listArticlesByAuthor(
  db: Db,
  options: { authorId: number; limit: number; before?: ListOptions['before']; now: Date },
): Promise<ArticleSummary[]> {
  let page = db
    .selectFrom('article_authors')
    .select('article_id')
    .where('author_id', '=', options.authorId)
    .where('status', '=', LIVE)
    .where('published_at', '<=', options.now);
  const before = options.before;
  if (before) page = page.where((eb) => eb(eb.refTuple('published_at', 'article_id'), '<', eb.tuple(before.publishedAt, before.id)));
  const rows = await db
    .selectFrom('articles')
    .select(SUMMARY_COLUMNS)
    .select(BYLINES)
    .where('id', 'in', page.orderBy('published_at', 'desc').orderBy('article_id', 'desc').limit(options.limit))
    // The articles' own state decides what readers see; the byline's copy only finds the page.
    .where('status', '=', LIVE)
    .where('published_at', '<=', options.now)
    .$narrowType<{ published_at: Date }>()
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(toSummary);
}
