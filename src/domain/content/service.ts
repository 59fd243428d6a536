import { LRUCache } from 'lru-cache';
import type { Queryable } from '../../adapters/db/database.js';
import type { AccessItem, Section } from './model.js';
import { countArticles, findArticleBySlug, listArticles, listSections, type ArticleSummary } from './queries.js';
import { renderBody, renderLead, wordCount } from './render.js';

/** An article ready to serve: its facts, the access item, and the body rendered in two parts. */
export interface PreparedArticle {
  article: ArticleSummary;
  item: AccessItem;
  /** The lead-in: shown to every reader. */
  leadHtml: string;
  /** The whole body. Only for readers the access decision allows. */
  bodyHtml: string;
  readingMinutes: number;
}

export interface ContentService {
  article(slug: string): Promise<PreparedArticle | null>;
  sections(): Promise<Section[]>;
  section(slug: string): Promise<Section | null>;
  list(options: { section?: string; limit: number; offset?: number; since?: Date; editorsPick?: boolean }): Promise<ArticleSummary[]>;
  count(section?: string): Promise<number>;
  /** Forgets cached reads, after a write through this process. Other processes see writes within the cache's TTL. */
  invalidate(): void;
}

const NOT_FOUND = Symbol('not found');

/**
 * Reads content through in-process caches so the request path rarely waits on the database.
 * Entries live `ttlMs` (writes by other processes, e.g. `masthead import`, show up within it).
 */
export function createContentService(db: Queryable, options: { leadParagraphs: number; now?: () => Date; ttlMs?: number }): ContentService {
  const now = options.now ?? (() => new Date());
  const ttl = options.ttlMs ?? 30_000;
  const articles = new LRUCache<string, PreparedArticle | typeof NOT_FOUND>({ max: 5_000, ttl });
  const lists = new LRUCache<string, ArticleSummary[] | number>({ max: 500, ttl: Math.min(ttl, 15_000) });
  let sectionsCache: { at: number; value: Promise<Section[]> } | null = null;

  async function sections(): Promise<Section[]> {
    if (!sectionsCache || Date.now() - sectionsCache.at > ttl) {
      const value = listSections(db);
      sectionsCache = { at: Date.now(), value };
      value.catch(() => (sectionsCache = null));
    }
    return sectionsCache.value;
  }

  async function prepare(slug: string): Promise<PreparedArticle | typeof NOT_FOUND> {
    const article = await findArticleBySlug(db, slug);
    if (!article || article.publishedAt > now()) return NOT_FOUND;
    const section = (await sections()).find((s) => s.slug === article.section);
    const { body, ...summary } = article;
    return {
      article: summary,
      item: {
        id: article.id,
        visibility: article.visibility,
        section: article.section,
        provenance: article.provenance,
        publishedAt: article.publishedAt,
        premiumEntitlement: section?.premiumEntitlement ?? 'premium',
      },
      leadHtml: renderLead(body, options.leadParagraphs),
      bodyHtml: renderBody(body),
      readingMinutes: Math.max(1, Math.round(wordCount(body) / 200)),
    };
  }

  async function cachedList<T extends ArticleSummary[] | number>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = lists.get(key);
    if (hit !== undefined) return hit as T;
    const value = await load();
    lists.set(key, value);
    return value;
  }

  return {
    async article(slug) {
      let hit = articles.get(slug);
      if (hit === undefined) {
        hit = await prepare(slug);
        articles.set(slug, hit);
      }
      return hit === NOT_FOUND ? null : hit;
    },
    sections,
    async section(slug) {
      return (await sections()).find((s) => s.slug === slug) ?? null;
    },
    list(o) {
      const key = `l:${o.section ?? ''}:${o.limit}:${o.offset ?? 0}:${o.since?.getTime() ?? ''}:${o.editorsPick ? 1 : 0}`;
      return cachedList(key, () => listArticles(db, { ...o, now: now() }));
    },
    count(section) {
      return cachedList(`c:${section ?? ''}`, () => countArticles(db, { section, now: now() }));
    },
    invalidate() {
      articles.clear();
      lists.clear();
      sectionsCache = null;
    },
  };
}
