import { LRUCache } from 'lru-cache';
import type { Db } from '../ports/database.js';
import { dayStart, monthStart, yearIn, yearStart } from './calendar-years.js';
import {
  accessItemOf,
  cursorAfter,
  type AccessItem,
  type Article,
  type ArticleSummary,
  type ListCursor,
  type ListOptions,
  type Section,
  type Correction,
} from './model.js';
import {
  periodsWithStories,
  storiesAround,
  findArticleBySlug,
  firstPublishedAt,
  listArticles,
  listArticlesByAuthor,
  listRelatedArticles,
  listSections,
  listSitemapEntries,
} from './queries.js';
import { findAuthorBySlug } from './author-queries.js';
import type { Author } from './authors.js';
import { redirectedSlug } from './newsroom-queries.js';
import { redirectedSectionSlug } from '../sections/queries.js';
import { listCuratedLive, type LiveCuration } from './curated.js';
import { listSitemapMonths, type SitemapMonth } from './sitemaps.js';
import { sharedLoads } from './shared-loads.js';
import { heldValue } from './held-value.js';
import { renderArticleBody, wordCount, type LeadRule } from './render.js';
import { imageIdOf, imagePath, type ImageView } from '../media/model.js';

/** An article ready to serve: its facts, the access item, and the body rendered in two parts. */
export interface PreparedArticle {
  article: ArticleSummary;
  item: AccessItem;
  /** The lead-in: shown to every reader. */
  leadHtml: string;
  /** The whole body. Only for readers the access decision allows. */
  bodyHtml: string;
  /** The body after the lead-in (the gated part). Only for readers the access decision allows. */
  restHtml: string;
  readingMinutes: number;
  /** Corrections and clarifications, oldest first: shown at the foot to every reader. */
  corrections: Correction[];
}

export interface ContentService {
  article(slug: string): Promise<PreparedArticle | null>;
  sections(): Promise<Section[]>;
  section(slug: string): Promise<Section | null>;
  list(options: ListOptions): Promise<ArticleSummary[]>;
  /** Years (in the publisher's time zone) with published articles, newest first: the archive's years. */
  sitemapYears(): Promise<number[]>;
  /**
   * Months (in the publisher's time zone) with published articles, newest first, each with the days it is split into
   * when it holds too many for one sitemap: from the per-day counts, probing the articles only where they leave it
   * undecided (see sitemaps.ts), so the cost follows the calendar, not the number of articles (cached like lists).
   */
  sitemapMonths(): Promise<SitemapMonth[]>;
  /**
   * The articles published in `month` (1–12) of `year`, or on its `day` when given, newest first, at most `limit`, in
   * chunks read one after another (keyset), so a file of 50,000 never sits in memory whole.
   */
  sitemapEntries(period: { year: number; month: number; day?: number }, limit: number): AsyncGenerator<{ slug: string; updatedAt: Date }[]>;
  /** For each period between consecutive `bounds`, whether a story came out in it by now (one statement; archive pages). */
  periodsWithStories(bounds: readonly Date[]): Promise<boolean[]>;
  /** When the nearest stories before `from` and from `to` on came out, by now (archive pages' previous and next). */
  storiesAround(from: Date, to: Date): Promise<{ before: Date | null; after: Date | null }>;
  /** The current slug of a published article that once lived at `slug` (its address before a slug change), or null. */
  redirect(slug: string): Promise<string | null>;
  /** The current slug of the section that once lived at `slug`, or null. */
  sectionRedirect(slug: string): Promise<string | null>;
  /** The editors' lead, picks and pins that readers may see now (cached like lists). */
  curated(): Promise<LiveCuration>;
  /** Onward reading for a story: the newest live stories sharing a tag with it, then its section's newest (never itself). */
  related(article: Pick<ArticleSummary, 'id' | 'tags' | 'section'>, limit: number): Promise<ArticleSummary[]>;
  /** The author whose page is `/author/<slug>`, or null. */
  author(slug: string): Promise<Author | null>;
  /** An author's published articles, newest first (keyset like a section). */
  listByAuthor(authorId: number, options: { limit: number; before?: ListCursor | undefined }): Promise<ArticleSummary[]>;
  /** Forgets cached reads, after a write through this process. Other processes see writes within the cache's TTL. */
  invalidate(): void;
}

const NOT_FOUND = Symbol('not found');

/** Sitemap entries read per query: what one file's response holds in memory at a time. */
const SITEMAP_CHUNK = 5_000;

const isScheduled = (hit: object | symbol): hit is { scheduledFor: Date } => typeof hit === 'object' && 'scheduledFor' in hit;

/**
 * Memory the prepared articles may hold. A cap by count alone would let long bodies take gigabytes; this one holds
 * about 2,000 articles of 800 words (~22 KB each: the body's HTML twice, whole and after the lead-in, at two bytes a
 * character, which is how V8 keeps text beyond Latin-1).
 */
export const ARTICLE_CACHE_BYTES = 48 * 2 ** 20;

/** What a cached article costs: its three renderings of the body, and about 2 KB for its summary and corrections. */
function preparedSize(hit: PreparedArticle | typeof NOT_FOUND | { scheduledFor: Date }): number {
  if (typeof hit !== 'object' || isScheduled(hit)) return 64;
  return 2_048 + 2 * (hit.leadHtml.length + hit.bodyHtml.length + hit.restHtml.length);
}

/** An article made ready to serve: the access item and the body rendered whole and cut to its lead-in. */
export function prepareArticle(
  article: Article,
  sections: readonly Section[],
  lead: LeadRule,
  corrections: Correction[] = [],
): PreparedArticle {
  const { body, ...summary } = article;
  return {
    article: summary,
    item: accessItemOf(article, sections),
    ...renderArticleBody(body, lead),
    readingMinutes: Math.max(1, Math.round(wordCount(body) / 200)),
    corrections,
  };
}

/**
 * Reads content through in-process caches so the request path rarely waits on the database.
 * Entries live `ttlMs` (writes by other processes, e.g. `masthead import`, show up within it).
 */
export function createContentService(
  db: Db,
  options: {
    lead: LeadRule;
    /** The publisher's time zone as it is now: sitemaps are by year on its calendar. */
    timeZone: () => string;
    now?: () => Date;
    ttlMs?: number;
    /** Memory the prepared articles may hold (ARTICLE_CACHE_BYTES). */
    articleCacheBytes?: number;
    /** The uploaded images lead images name (`/media/image/<id>`), with what pages show of them. */
    images?: (ids: readonly number[]) => Promise<Map<number, ImageView>>;
    /** The site's default image (its library number), standing in for articles without a lead image; null: none. */
    defaultImageId?: () => number | null;
    /**
     * Where reads that tolerate replica lag go (lists, the curated home page, author pages, sitemaps): a read replica
     * when one is configured. An article's own page, redirects and sections always read `db`.
     */
    reads?: Db;
  },
): ContentService {
  const now = options.now ?? (() => new Date());
  const reads = options.reads ?? db;
  const ttl = options.ttlMs ?? 30_000;
  // Lists and what is held like them: a story scheduled for later appears on them within this of its time.
  const shortTtl = Math.min(ttl, 15_000);
  // A scheduled article is cached as not found until its publication time: it appears on the minute.
  const articles = new LRUCache<string, PreparedArticle | typeof NOT_FOUND | { scheduledFor: Date }>({
    max: 5_000,
    maxSize: options.articleCacheBytes ?? ARTICLE_CACHE_BYTES,
    sizeCalculation: preparedSize,
    ttl,
  });
  const lists = new LRUCache<string, ArticleSummary[]>({ max: 500, ttl: shortTtl });
  const articleLoads = sharedLoads(articles);
  const listLoads = sharedLoads(lists);
  const sectionsHeld = heldValue(ttl, () => listSections(db));
  const sections = () => sectionsHeld.get();
  const curatedHeld = heldValue(shortTtl, () => listCuratedLive(reads, now()).then(curationWithImages));
  const monthsHeld = heldValue(shortTtl, () => listSitemapMonths(reads, options.timeZone(), now()));
  // Every archive page asks for the years.
  const yearsHeld = heldValue(shortTtl, findYears);

  /** The articles with the uploaded images their lead images name: one query for a list, cached with it. */
  async function withImages<T extends ArticleSummary>(articles: T[]): Promise<T[]> {
    const ids = articles.map((a) => (a.leadImage ? imageIdOf(a.leadImage.url) : null)).filter((id): id is number => id !== null);
    const defaultId = articles.some((a) => !a.leadImage) ? (options.defaultImageId?.() ?? null) : null;
    if (defaultId !== null) ids.push(defaultId);
    if (!options.images || ids.length === 0) return articles;
    const found = await options.images(ids);
    const standIn = defaultId === null ? undefined : found.get(defaultId);
    return articles.map((a) => {
      if (!a.leadImage) {
        // The default keeps its own alt text: it says what the picture shows, not what the story is about.
        return standIn ? { ...a, leadImage: { url: imagePath(standIn.id), alt: standIn.alt, image: standIn, standIn: true as const } } : a;
      }
      const id = imageIdOf(a.leadImage.url);
      const image = id === null ? undefined : found.get(id);
      return image ? { ...a, leadImage: { ...a.leadImage, image } } : a;
    });
  }

  /** The curated stories with their images (and the default standing in), as lists carry them. */
  async function curationWithImages(curation: LiveCuration): Promise<LiveCuration> {
    const all = [...(curation.lead ? [curation.lead] : []), ...curation.picks, ...Object.values(curation.pins).flat()];
    const shown = new Map((await withImages(all)).map((a) => [a.id, a]));
    const withImage = (a: ArticleSummary) => shown.get(a.id) ?? a;
    return {
      lead: curation.lead && withImage(curation.lead),
      picks: curation.picks.map(withImage),
      pins: Object.fromEntries(Object.entries(curation.pins).map(([section, list]) => [section, list.map(withImage)])),
    };
  }

  async function prepare(slug: string): Promise<PreparedArticle | typeof NOT_FOUND | { scheduledFor: Date }> {
    const row = await findArticleBySlug(db, slug);
    if (!row) return NOT_FOUND;
    const { corrections, ...found } = row;
    if (found.publishedAt > now()) return { scheduledFor: found.publishedAt };
    const [article = found] = await withImages([found]);
    return prepareArticle(article, await sections(), options.lead, corrections);
  }

  async function cachedList(key: string, load: () => Promise<ArticleSummary[]>): Promise<ArticleSummary[]> {
    const hit = lists.get(key);
    if (hit !== undefined) return hit;
    return listLoads.load(key, async () => withImages(await load()));
  }

  /** Each year from the first publication to now that has stories: one probe of the publication-date index per year, in one statement. */
  async function findYears(): Promise<number[]> {
    const at = now();
    const first = await firstPublishedAt(reads);
    if (!first || first > at) return [];
    const zone = options.timeZone();
    const [from, to] = [yearIn(first, zone), yearIn(at, zone)];
    const years = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const found = await periodsWithStories(
      reads,
      [...years, to + 1].map((year) => yearStart(year, zone)),
      at,
    );
    return years.filter((_, i) => found[i]).reverse();
  }

  return {
    async article(slug) {
      let hit = articles.get(slug);
      if (hit === undefined || (isScheduled(hit) && hit.scheduledFor <= now())) {
        hit = await articleLoads.load(slug, () => prepare(slug));
      }
      return hit === NOT_FOUND || isScheduled(hit) ? null : hit;
    },
    sections,
    async section(slug) {
      return (await sections()).find((s) => s.slug === slug) ?? null;
    },
    list(o) {
      const before = o.before ? cursorAfter(o.before) : '';
      const key = `l:${o.section ?? ''}:${o.limit}:${before}:${o.offset ?? 0}:${o.since?.getTime() ?? ''}:${o.until?.getTime() ?? ''}:${o.visibility ?? ''}:${o.excludeIds?.join(',') ?? ''}:${o.tag ?? ''}`;
      return cachedList(key, () => listArticles(reads, { ...o, now: now() }));
    },
    related(article, limit) {
      return cachedList(`r:${article.id}:${limit}`, async () => {
        const at = now();
        const tagged = await listRelatedArticles(reads, article, limit, at);
        if (tagged.length >= limit) return tagged;
        const excludeIds = [article.id, ...tagged.map((a) => a.id)];
        const more = await listArticles(reads, { section: article.section, limit: limit - tagged.length, excludeIds, now: at });
        return [...tagged, ...more];
      });
    },
    author(slug) {
      return findAuthorBySlug(reads, slug);
    },
    listByAuthor(authorId, o) {
      const key = `a:${authorId}:${o.limit}:${o.before ? cursorAfter(o.before) : ''}`;
      return cachedList(key, () => listArticlesByAuthor(reads, { authorId, limit: o.limit, before: o.before, now: now() }));
    },
    sitemapYears: () => yearsHeld.get(),
    periodsWithStories: (bounds) => periodsWithStories(reads, bounds, now()),
    storiesAround: (from, to) => storiesAround(reads, from, to, now()),
    sitemapMonths: () => monthsHeld.get(),
    async *sitemapEntries({ year, month, day }, limit) {
      const zone = options.timeZone();
      const [from, to] = day
        ? [dayStart(year, month, day, zone), dayStart(year, month, day + 1, zone)]
        : [monthStart(year, month, zone), monthStart(year, month + 1, zone)];
      const at = now();
      let after: ListCursor | undefined;
      for (let left = limit; left > 0;) {
        const chunk = Math.min(left, SITEMAP_CHUNK);
        const rows = await listSitemapEntries(reads, { from, to, now: at, limit: chunk, after });
        if (rows.length > 0) yield rows;
        if (rows.length < chunk) return;
        left -= rows.length;
        after = rows.at(-1)?.cursor;
      }
    },
    redirect(slug) {
      return redirectedSlug(db, slug);
    },
    sectionRedirect(slug) {
      return redirectedSectionSlug(db, slug);
    },
    curated: () => curatedHeld.get(),
    invalidate() {
      articleLoads.forget();
      listLoads.forget();
      for (const held of [sectionsHeld, curatedHeld, monthsHeld, yearsHeld]) held.forget();
    },
  };
}
