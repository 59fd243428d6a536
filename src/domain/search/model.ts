import type { ArticleSummary, ListCursor } from '../content/model.js';

/**
 * What a reader may narrow a search to. `type` is what a story is to a reader: `free`, `metered` or `premium` as the
 * paywall treats it (the article's visibility under its section's rule), or where it came from: `staff`, `wire` or
 * `partner` copy (its provenance).
 */
export const SEARCH_TYPES = ['free', 'metered', 'premium', 'staff', 'wire', 'partner'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export const SEARCH_SORTS = ['relevance', 'date'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];

/**
 * Relevance pages are offset pages (a rank has no keyset), so their depth is capped: at most this many pages, ranked
 * among the newest matches (queries.ts RELEVANCE_CANDIDATES). Date order pages by keyset (published_at, id) and goes
 * as deep as the archive.
 */
export const RELEVANCE_PAGES_MAX = 10;

export interface SearchFilters {
  section?: string | undefined;
  /** Published at or after. */
  since?: Date | undefined;
  /** Published before. */
  until?: Date | undefined;
  /** An author's page slug. */
  author?: string | undefined;
  type?: SearchType | undefined;
}

/** Sections whose rule (paywall settings) changes their articles' visibility: the `type` filter reads them. */
export interface SectionVisibility {
  premium: readonly string[];
  metered: readonly string[];
  free: readonly string[];
}

/** One result a reader sees: never the body, only a snippet built from what this reader may read. */
export interface SearchHit {
  article: ArticleSummary;
  /** The headline as escaped HTML with `<mark>` around matches. */
  headlineHtml: string;
  /** A few lines around the matches as escaped HTML with `<mark>`, … where it cuts the text: from the body only when `fromBody`. */
  snippetHtml: string;
  /** True when the snippet comes from the body (the reader may read the article); else headline, standfirst, lead-in. */
  fromBody: boolean;
}

export interface SearchPage {
  hits: SearchHit[];
  /** The next page in date order, as a cursor; null when none or when sorted by relevance. */
  nextCursor: ListCursor | null;
  /** True when another page follows (relevance: within the page cap). */
  more: boolean;
  /** False when the text holds no word to search for (only stop words or punctuation): no results, nothing run. */
  searchable: boolean;
}
