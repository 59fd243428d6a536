import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Db } from '../ports/database.js';
import { DomainError } from '../errors.js';
import { accessItemOf, type AccessItem, type ListCursor, type Section } from '../content/model.js';
import { renderBody, renderLead, type LeadRule } from '../content/render.js';
import { readSetting, writeSetting } from '../site/queries.js';
import { markedToHtml, plainField, plainText } from './highlight.js';
import type { SearchFilters, SearchHit, SearchPage, SearchSort, SectionVisibility } from './model.js';
import {
  articleIdRange,
  countArticles,
  findSearchConfig,
  hasLexemes,
  highlightTexts,
  isStatementTimeout,
  reindexArticles,
  reindexEpaperStories,
  searchArticles,
  withSearchSettings,
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
    text = plainText(fromBody ? renderBody(body) : renderLead(body, lead)).slice(0, SNIPPET_SOURCE_MAX);
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
  const find = (tx: Db) =>
    searchArticles(tx, {
      config,
      text: request.text,
      filters: request.filters,
      sort: request.sort,
      limit: request.limit + 1,
      offset: request.offset,
      after: request.after,
      now: context.now,
      sections: context.sectionVisibility,
    });
  let rows;
  try {
    rows = await withSearchSettings(db, timeoutMs, find);
  } catch (error) {
    if (isStatementTimeout(error)) throw new DomainError('search-too-broad', TOO_BROAD);
    throw error;
  }
  // Only a query that found nothing is asked whether it had a word to look for (not only stop words or punctuation).
  if (rows.length === 0 && !(await hasLexemes(db, config, request.text)))
    return { hits: [], nextCursor: null, more: false, searchable: false };
  const more = rows.length > request.limit;
  const page = rows.slice(0, request.limit);
  const sources = page.map(({ article, body }) => {
    const item = accessItemOf(article, context.sections);
    const fromBody = context.mayReadBody(item);
    const source = `${plainField(article.standfirst)} ${plainSource(body, fromBody, context.lead)}`;
    return { headline: plainField(article.headline), source: source.slice(0, SNIPPET_SOURCE_MAX), fromBody };
  });
  const marked = await highlightTexts(db, config, request.text, sources);
  const hits: SearchHit[] = page.map(({ article }, i) => ({
    article,
    headlineHtml: markedToHtml(marked[i]?.headline ?? ''),
    snippetHtml: markedToHtml(marked[i]?.snippet ?? ''),
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
}

/** `timeoutMs`: the longest a search's query may run (MASTHEAD_SEARCH_TIMEOUT_MS), see `search`. */
export function createSearchService(db: Db, config: string, timeoutMs: number): SearchService {
  return { run: (request, context) => search(db, config, request, context, timeoutMs) };
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
