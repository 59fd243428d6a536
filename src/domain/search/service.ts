import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { sharedLoads } from '../content/shared-loads.js';
import type { Db } from '../ports/database.js';
import { DomainError } from '../errors.js';
import { accessItemOf, type AccessItem, type ListCursor, type Section } from '../content/model.js';
import { bodyText, leadText, type LeadRule } from '../content/render.js';
import { readSetting, writeSetting } from '../site/queries.js';
import { markedToHtml, PASSAGES_FROM, passagesAround, plainWords, probesOf, withEllipses } from './highlight.js';
import type { SearchFilters, SearchHit, SearchPage, SearchSort, SectionVisibility } from './model.js';
import {
  articleIdRange,
  countArticles,
  findSearchConfig,
  highlightTexts,
  isStatementTimeout,
  queryLexemes,
  reindexArticles,
  reindexEpaperStories,
  searchArticles,
  withSearchSettings,
  type SearchRow,
} from './queries.js';
import type { SearchText } from './query-text.js';

/** Characters of plain body text a snippet is looked for in: ts_headline's cost grows with the text. */
const SNIPPET_SOURCE_MAX = 30_000;

/**
 * Plain text of a body (whole, or its lead-in under a rule) by what it was made from. Parsing a story's Markdown for its
 * lead-in was the server's largest cost in a search (~0.12 ms a result, 2.4 ms a page of 20), and the newest stories come
 * back in search after search. Keyed by a digest of the body and the rule, so an edited body is a new entry and an
 * entry made for the whole body never answers for a lead-in. Held to about 8 MB.
 */
const plainSources = new LRUCache<string, string>({ maxSize: 4_000_000, sizeCalculation: (text, key) => text.length + key.length });

function plainSource(body: string, fromBody: boolean, lead: LeadRule): string {
  const key = `${fromBody ? 'body' : `lead ${lead.blocks} ${lead.words}`} ${createHash('sha256').update(body).digest('base64')}`;
  let text = plainSources.get(key);
  if (text === undefined) {
    text = plainWords(fromBody ? bodyText(body) : leadText(body, lead)).slice(0, SNIPPET_SOURCE_MAX);
    plainSources.set(key, text);
  }
  return text;
}

export interface SearchRequest {
  text: SearchText;
  filters: SearchFilters;
  sort: SearchSort;
  limit: number;
  /** Relevance order: results skipped (the caller caps the depth). */
  offset: number;
  /** Date order: continue after this article. */
  after?: ListCursor | undefined;
}

export interface SearchContext {
  sections: readonly Section[];
  sectionVisibility: SectionVisibility;
  lead: LeadRule;
  now: Date;
  /**
   * Whether this reader may see this article's body now (the access decision, using nothing up). Asked per result:
   * only then does a snippet come from the body; otherwise from the headline, standfirst and lead-in.
   */
  mayReadBody: (item: AccessItem) => boolean;
}

const TOO_BROAD = 'This search matches too many stories to answer in time. Narrow it with dates or a section, or use fewer quoted phrases.';

/** What a search found, the same for every reader: its rows (one more than the page, to tell whether more follow). */
interface Found {
  rows: SearchRow[];
  /** False when the text holds no word to search for (only stop words or punctuation). */
  searchable: boolean;
  /** The words searched for as stemmed (see `queryLexemes`): asked when first needed, then kept with a held find. */
  lexemes?: string[];
  /**
   * Held finds only: the page's marked headlines and snippets by which results' snippets came from the body (a reader
   * whose access draws the same ones gets the same text), at most MARKS_HELD of them.
   */
  marks?: Map<string, Marked[]>;
}

type Marked = Awaited<ReturnType<typeof highlightTexts>>[number];

/** Readers' ways of access (which results' snippets come from the body) a held find keeps the marked page of. */
const MARKS_HELD = 4;

/**
 * Searches live articles and builds each result's snippet from the text the reader may read. The body leaves this
 * function only as a snippet of a result whose access decision allows it. The query runs under `withSearchSettings`:
 * with `timeoutMs`, one that runs longer is cancelled and reported as `search-too-broad` (a phrase of common words that
 * seldom stand together, say, is checked against every story holding the words).
 */
export async function search(
  db: Db,
  config: string,
  request: SearchRequest,
  context: SearchContext,
  timeoutMs: number | null = null,
): Promise<SearchPage> {
  return pageFor(db, config, request, context, await find(db, config, request, context.now, context.sectionVisibility, timeoutMs));
}

async function find(
  db: Db,
  config: string,
  request: SearchRequest,
  now: Date,
  sections: SectionVisibility,
  timeoutMs: number | null,
): Promise<Found> {
  const query = (tx: Db) =>
    searchArticles(tx, {
      config,
      text: request.text,
      filters: request.filters,
      sort: request.sort,
      limit: request.limit + 1,
      offset: request.offset,
      after: request.after,
      now,
      sections,
    });
  let rows;
  try {
    rows = await withSearchSettings(db, timeoutMs, query);
  } catch (error) {
    if (isStatementTimeout(error)) throw new DomainError('search-too-broad', TOO_BROAD);
    throw error;
  }
  if (rows.length > 0) return { rows, searchable: true };
  // Only a query that found nothing is asked whether it had a word to look for (not only stop words or punctuation).
  const lexemes = await queryLexemes(db, config, request.text);
  return { rows, searchable: lexemes.length > 0, lexemes };
}

/** The page `found` gives this reader: each snippet from the text the reader may read (see `search`). */
async function pageFor(db: Db, config: string, request: SearchRequest, context: SearchContext, found: Found): Promise<SearchPage> {
  if (!found.searchable) return { hits: [], nextCursor: null, more: false, searchable: false };
  const more = found.rows.length > request.limit;
  const page = found.rows.slice(0, request.limit);
  const sources = page.map(({ article, body }) => {
    const item = accessItemOf(article, context.sections);
    const fromBody = context.mayReadBody(item);
    const source = [plainWords(article.standfirst), plainSource(body, fromBody, context.lead)].filter(Boolean).join(' ');
    // Whether the source runs to the end of the story: a whole body not cut for length (a lead-in never does).
    const ends = fromBody && source.length <= SNIPPET_SOURCE_MAX;
    return { headline: plainWords(article.headline), source: source.slice(0, SNIPPET_SOURCE_MAX), fromBody, ends };
  });
  const drawn = sources.map((source) => (source.fromBody ? 'b' : 'l')).join('');
  let marked = found.marks?.get(drawn);
  if (!marked) {
    // A body is cut to the passages where its matches can be: ts_headline's cost grows with all it reads.
    if (sources.some((source) => source.fromBody && source.source.length > PASSAGES_FROM)) {
      const probes = probesOf((found.lexemes ??= await queryLexemes(db, config, request.text)));
      for (const source of sources) if (source.fromBody) source.source = passagesAround(source.source, probes);
    }
    marked = await highlightTexts(db, config, request.text, sources);
    if (found.marks && found.marks.size < MARKS_HELD) found.marks.set(drawn, marked);
  }
  const hits: SearchHit[] = page.map(({ article }, i) => ({
    article,
    headlineHtml: markedToHtml(marked[i]?.headline ?? ''),
    snippetHtml: markedToHtml(withEllipses(marked[i]?.snippet ?? '', sources[i]?.source ?? '', sources[i]?.ends ?? false)),
    fromBody: sources[i]?.fromBody ?? false,
  }));
  const last = page.at(-1)?.article;
  return {
    hits,
    nextCursor: request.sort === 'date' && more && last ? { publishedAt: last.publishedAt, id: last.id } : null,
    more,
    searchable: true,
  };
}

/**
 * Checks a text-search configuration's name against pg_ts_config and stores it for the indexing trigger. Returns its
 * canonical name and whether the stored one differed (then `masthead reindex` brings the existing articles'
 * documents in step; new and changed articles use it at once); null when the database has no such configuration.
 */
export async function applySearchConfig(db: Db, name: string): Promise<{ config: string; changed: boolean } | null> {
  const config = await findSearchConfig(db, name);
  if (!config) return null;
  const stored = await readSetting(db, 'search_config');
  if (stored === config) return { config, changed: false };
  await writeSetting(db, 'search_config', config);
  // Until a configuration is stored, the trigger (and migration 029's first indexing) used `english`.
  return { config, changed: (stored ?? 'english') !== config };
}

/** Reader search over one database in one text-search configuration (MASTHEAD_SEARCH_CONFIG, checked at start). */
export interface SearchService {
  run(request: SearchRequest, context: SearchContext): Promise<SearchPage>;
  /** Forgets the searches held (see `createSearchService`): after a change to the articles or the site's settings. */
  forget(): void;
}

/** How long a search's finds are held, by the app's clock: as long as the site's lists are. */
export const SEARCH_HELD_MS = 15_000;
/** Memory the held finds may take: a page of 20 stories of ~5 KB, with their bodies, takes about 300 KB. */
const SEARCH_HELD_BYTES = 24 * 2 ** 20;

/**
 * Searches, with what each found held for SEARCH_HELD_MS: readers ask the same searches (a name in the news, a word of
 * the day), and the dearest, a word most stories hold, reads and ranks its newest 2,000 matches each time it runs.
 * What is held is the same for every reader: the rows, bodies included, kept in this process and never sent; each
 * reader's snippets are made from them afresh. The app forgets them all on every announced change (a story
 * published, edited or withdrawn by any instance or import; paywall settings), so only a story whose scheduled time
 * comes may show up to SEARCH_HELD_MS late, as on the lists. Concurrent misses of one search share its query.
 * `timeoutMs`: the longest a search's query may run (MASTHEAD_SEARCH_TIMEOUT_MS), see `search`.
 */
export function createSearchService(db: Db, config: string, timeoutMs: number): SearchService {
  const held = new LRUCache<string, { at: number; found: Found }>({
    maxSize: SEARCH_HELD_BYTES,
    // Each row's summary, body and its marked headline and snippet for each way of access held.
    sizeCalculation: ({ found }) => found.rows.reduce((bytes, row) => bytes + 2_048 + MARKS_HELD * 1_024 + 2 * row.body.length, 1_024),
    ttl: SEARCH_HELD_MS,
  });
  const loads = sharedLoads(held);
  return {
    async run(request, context) {
      // The section rules only change what the type filter matches.
      const key = JSON.stringify([request, request.filters.type ? context.sectionVisibility : null]);
      const now = context.now;
      let entry = held.get(key);
      if (!entry || now.getTime() - entry.at >= SEARCH_HELD_MS || now.getTime() < entry.at)
        entry = await loads.load(key, async () => ({
          at: now.getTime(),
          found: { ...(await find(db, config, request, now, context.sectionVisibility, timeoutMs)), marks: new Map() },
        }));
      return pageFor(db, config, request, context, entry.found);
    },
    forget: () => loads.forget(),
  };
}

/** Articles rewritten per statement by `reindexAll`: each batch is one short update, so memory stays flat. */
export const REINDEX_BATCH = 2_000;

/**
 * Rebuilds every article's search document with the configuration stored now (after a change of
 * MASTHEAD_SEARCH_CONFIG), in batches by id, then the e-paper's stories; `progress` hears the running count of
 * articles after each batch.
 */
export async function reindexAll(db: Db, progress: (done: number, total: number) => void = () => undefined): Promise<number> {
  const total = await countArticles(db);
  let done = 0;
  let after = 0;
  for (;;) {
    const range = await articleIdRange(db, after, REINDEX_BATCH);
    if (!range) break;
    done += await reindexArticles(db, after, range.last);
    after = range.last;
    progress(done, Math.max(total, done));
  }
  await reindexEpaperStories(db);
  return done;
}
