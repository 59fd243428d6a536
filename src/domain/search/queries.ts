import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../ports/database.js';
import { BYLINES, LIVE, SUMMARY_COLUMNS, toSummary } from '../content/queries.js';
import type { ArticleSummary, ListCursor } from '../content/model.js';
import type { SearchText } from './query-text.js';
import type { SearchFilters, SearchSort, SectionVisibility } from './model.js';
import { FRAGMENT_DELIMITER, MARK_START, MARK_STOP } from './highlight.js';

/**
 * The reader's text as a tsquery in `config`: `websearch_to_tsquery` of the text, each starred word as a prefix, and
 * the last bare word either whole or as a prefix. Every piece is a bound parameter.
 */
export function tsquery(config: string, text: SearchText): RawBuilder<string> {
  const whole = wholeWords(config, text);
  if (!text.trailing) return whole;
  const cfg = sql`${config}::regconfig`;
  const beginning = sql`to_tsquery(${cfg}, ${`${text.trailing.word}:*`})`;
  // A lone word has nothing before it (and an empty text would make the database send a notice with every search).
  const typing = withPrefixes(
    config,
    text,
    text.trailing.rest ? sql`(websearch_to_tsquery(${cfg}, ${text.trailing.rest}) && ${beginning})` : beginning,
  );
  return sql<string>`(${whole} || ${typing})`;
}

/** The reader's text with its last bare word taken whole: what relevance is ranked by (see `searchArticles`). */
function wholeWords(config: string, text: SearchText): RawBuilder<string> {
  return withPrefixes(config, text, sql`websearch_to_tsquery(${config}::regconfig, ${text.text})`);
}

/** `base` and each starred word as a prefix. */
function withPrefixes(config: string, text: SearchText, base: RawBuilder<unknown>): RawBuilder<string> {
  const cfg = sql`${config}::regconfig`;
  return sql<string>`${text.prefixes.reduce<RawBuilder<unknown>>((q, word) => sql`(${q} && to_tsquery(${cfg}, ${`${word}:*`}))`, base)}`;
}

/**
 * The words the query looks for, as `config` stems them (`citi` for "cities"), each once; none when the text holds only
 * stop words or punctuation.
 */
export async function queryLexemes(db: Db, config: string, text: SearchText): Promise<string[]> {
  const { rows } = await sql<{ q: string }>`select ${tsquery(config, text)}::text as q`.execute(db);
  // The text form quotes each lexeme ('citi' & 'fill':*), doubling a quote or a backslash within it.
  const quoted = (rows[0]?.q ?? '').matchAll(/'((?:[^'\\]|''|\\.)*)'/g);
  return [...new Set([...quoted].map(([, lexeme = '']) => lexeme.replace(/''/g, "'").replace(/\\(.)/g, '$1')))];
}

/**
 * Runs `work` in a transaction under the settings a search runs with:
 * - its statements are cancelled after `timeoutMs` (SQLSTATE 57014, see `isStatementTimeout`; null: never), since a
 *   search's cost is not known before it runs;
 * - none is spread over parallel workers. At 1M articles PostgreSQL planned the lookup of a rare word on two workers,
 *   expecting 10,000 matches for the word taken also as a beginning: 34 ms, most of it starting the workers, against
 *   1 ms alone; and 16 searches at once started 32 workers on two cores;
 * - each run is planned for its own words and dates, never with a plan kept for any values (PostgreSQL's choice for a
 *   prepared statement after five runs): how many articles hold the words decides between the word index and the date
 *   index, and a kept plan made a search within a date range 3.5 times slower (13 → 45 ms).
 */
export async function withSearchSettings<T>(db: Db, timeoutMs: number | null, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('statement_timeout', ${String(timeoutMs ?? 0)}, true),
      set_config('max_parallel_workers_per_gather', '0', true), set_config('plan_cache_mode', 'force_custom_plan', true)`.execute(tx);
    return work(tx);
  });
}

/** True for the error of a statement the database cancelled (its statement timeout). */
export const isStatementTimeout = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === '57014';

/** Matches ranked for relevance at most, and the most a date-ordered search looks at for one page: the newest ones (see `searchArticles`). */
export const RELEVANCE_CANDIDATES = 2_000;

export interface SearchRow {
  article: ArticleSummary;
  /** Markdown: for the snippet of a reader the access decision allows, and for the lead-in. Never sent as it is. */
  body: string;
}

/**
 * Live articles matching `text`, best first (cover density: words close together beat words far apart; headline
 * over tags and authors over standfirst over body) or newest first, after `after` (date order, keyset) or skipping
 * `offset` (relevance order, capped by the caller). The GIN index `articles_search_idx` finds the matches.
 */
export async function searchArticles(
  db: Db,
  options: {
    config: string;
    text: SearchText;
    filters: SearchFilters;
    sort: SearchSort;
    limit: number;
    offset: number;
    after?: ListCursor | undefined;
    now: Date;
    sections: SectionVisibility;
  },
): Promise<SearchRow[]> {
  const { filters } = options;
  const query = tsquery(options.config, options.text);
  const ranking = options.text.trailing ? wholeWords(options.config, options.text) : query;
  let q = db
    .selectFrom(['articles', sql<{ query: string; ranking: string }>`(select ${query} as query, ${ranking} as ranking)`.as('q')])
    .where('articles.status', '=', LIVE)
    .where('articles.published_at', '<=', options.now)
    .where(sql<boolean>`articles.search_document @@ q.query`);
  if (filters.section) q = q.where('articles.section', '=', filters.section);
  if (filters.since) q = q.where('articles.published_at', '>=', filters.since);
  if (filters.until) q = q.where('articles.published_at', '<', filters.until);
  if (filters.author) {
    const slug = filters.author;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('article_authors as aa')
          .innerJoin('authors as au', 'au.id', 'aa.author_id')
          .select(sql.lit(1).as('one'))
          .whereRef('aa.article_id', '=', 'articles.id')
          .where('au.slug', '=', slug),
      ),
    );
  }
  const type = filters.type;
  if (type === 'staff') q = q.where('articles.provenance', '=', 'staff');
  else if (type === 'wire' || type === 'partner') q = q.where('articles.provenance', 'like', `${type}:%`);
  else if (type) {
    const s = options.sections;
    const effective = sql<string>`case
      when articles.visibility = 'premium' or articles.section = any(${sql.val([...s.premium])}::text[]) then 'premium'
      when articles.visibility = 'free' and articles.section = any(${sql.val([...s.metered])}::text[]) then 'metered'
      when articles.visibility = 'metered' and articles.section = any(${sql.val([...s.free])}::text[]) then 'free'
      else articles.visibility end`;
    q = q.where(effective, '=', type);
  }
  if (options.sort === 'date') {
    const after = options.after;
    if (after) q = q.where((eb) => eb(eb.refTuple('articles.published_at', 'articles.id'), '<', eb.tuple(after.publishedAt, after.id)));
    // The newest matches (at most RELEVANCE_CANDIDATES) are found in a materialized CTE, planned on its own: a word in
    // most stories walks the date index for them, a rare one is looked up in the GIN index. Planned for the page's 20
    // rows, PostgreSQL walked the date index for rare words it thought common (the last word, matched as a prefix too,
    // is estimated at 0.5% of the archive) and read every article: 957 ms at 1M, against 2 ms now (6 ms for a word
    // every article holds, 0.1 ms before). Only the page's articles are then read whole. Fewer candidates would save a
    // few ms on common words, but with 250 a rare word at 1M went back to the date index (3.4 s; docs/benchmarks.md).
    const newest = q
      .select(['articles.id', 'articles.published_at'])
      .orderBy('articles.published_at', 'desc')
      .orderBy('articles.id', 'desc')
      .limit(RELEVANCE_CANDIDATES);
    const rows = await db
      .with(
        (cte) => cte('newest').materialized(),
        () => newest,
      )
      .selectFrom((eb) =>
        eb
          .selectFrom('newest')
          .select(['newest.id', 'newest.published_at'])
          .orderBy('newest.published_at', 'desc')
          .orderBy('newest.id', 'desc')
          .limit(options.limit)
          .as('page'),
      )
      .innerJoin('articles', 'articles.id', 'page.id')
      .select(SUMMARY_COLUMNS.map((c) => `articles.${c}` as const))
      .select(BYLINES)
      .select('articles.body')
      .$narrowType<{ published_at: Date }>()
      .orderBy('page.published_at', 'desc')
      .orderBy('page.id', 'desc')
      .execute();
    return rows.map((row) => ({ article: toSummary(row), body: row.body }));
  }
  // Relevance: ranked among the newest RELEVANCE_CANDIDATES matches. Ranking reads every candidate's document, so a
  // word most stories hold would cost the whole archive; a news search wants the recent best matches anyway.
  // Normalised by the log of the document's length (1) so a long story does not win by length alone. Ranked by the
  // words as typed: a story that only has a word the last one begins ranks 0, after every story with the word itself
  // (ranking against a prefix also costs several times more than against whole words).
  const candidates = q
    .select(['articles.id', 'articles.published_at', 'articles.search_document', 'q.ranking'])
    .orderBy('articles.published_at', 'desc')
    .orderBy('articles.id', 'desc')
    .limit(RELEVANCE_CANDIDATES);
  const top = db
    .selectFrom(candidates.as('c'))
    .select(['c.id', 'c.published_at', sql<number>`ts_rank_cd(c.search_document, c.ranking::tsquery, 1)`.as('rank')])
    .orderBy('rank', 'desc')
    .orderBy('c.published_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(options.limit)
    .offset(options.offset);
  const rows = await db
    .selectFrom(top.as('t'))
    .innerJoin('articles', 'articles.id', 't.id')
    .select(SUMMARY_COLUMNS.map((c) => `articles.${c}` as const))
    .select(BYLINES)
    .select('articles.body')
    .$narrowType<{ published_at: Date }>()
    .orderBy('t.rank', 'desc')
    .orderBy('t.published_at', 'desc')
    .orderBy('t.id', 'desc')
    .execute();
  return rows.map((row) => ({ article: toSummary(row), body: row.body }));
}

/** A snippet's length in words and fragments; a headline is shown whole. */
const SNIPPET_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter="${FRAGMENT_DELIMITER}"`;
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_STOP}, HighlightAll=true`;

/**
 * `ts_headline` over each pair of texts (a headline and the text its snippet may come from), matches marked with the
 * private markers (see highlight.ts), in input order. The texts are the caller's: plain text it may show this reader.
 */
export async function highlightTexts(
  db: Db,
  config: string,
  text: SearchText,
  items: readonly { headline: string; source: string }[],
): Promise<{ headline: string; snippet: string }[]> {
  if (items.length === 0) return [];
  const query = tsquery(config, text);
  const { rows } = await sql<{ headline: string; snippet: string }>`select
      ts_headline(${config}::regconfig, x.headline, q.query, ${HEADLINE_OPTIONS}) as headline,
      ts_headline(${config}::regconfig, x.source, q.query, ${SNIPPET_OPTIONS}) as snippet
    from unnest(${sql.val(items.map((i) => i.headline))}::text[], ${sql.val(items.map((i) => i.source))}::text[]) with ordinality as x (headline, source, n),
      (select ${query} as query) q
    order by x.n`.execute(db);
  return rows;
}

/** A text-search configuration by name from pg_ts_config (`english`, `simple`, `public.my_config`), or null. */
export async function findSearchConfig(db: Db, name: string): Promise<string | null> {
  const { rows } = await sql<{ name: string }>`select c.oid::regconfig::text as name
    from pg_ts_config c join pg_namespace n on n.oid = c.cfgnamespace
    where c.cfgname = ${name.split('.').at(-1) ?? ''} and (${!name.includes('.')} or n.nspname = ${name.split('.')[0] ?? ''})
    limit 1`.execute(db);
  return rows[0]?.name ?? null;
}

/** Ids of all articles in order, `limit` after `afterId`: the batches of a reindex. */
export async function articleIdRange(db: Db, afterId: number, limit: number): Promise<{ last: number; count: number } | null> {
  const { rows } = await sql<{ last: number | null; count: number }>`select max(id) as last, count(*)::int as count
    from (select id from articles where id > ${afterId} order by id limit ${limit}) b`.execute(db);
  const row = rows[0];
  return row && row.last !== null ? { last: row.last, count: row.count } : null;
}

/** Rewrites the search document of the articles with ids in (`afterId`, `lastId`] with the stored configuration. */
export async function reindexArticles(db: Db, afterId: number, lastId: number): Promise<number> {
  const result =
    await sql`update articles set search_document = masthead_search_document(masthead_search_config(), headline, standfirst, body, tags, authors)
    where id > ${afterId} and id <= ${lastId}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Rewrites the search document of every e-paper story with the stored configuration (a few thousand a year). */
export async function reindexEpaperStories(db: Db): Promise<void> {
  await sql`update epaper_regions set search_document = masthead_epaper_document(masthead_search_config(), headline, text)`.execute(db);
}

/** Articles in all (for a reindex's progress bar). */
export async function countArticles(db: Db): Promise<number> {
  const row = await db
    .selectFrom('articles')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
