/**
 * Searches and author pages at scale (plans in docs/query-plans.md).
 *
 * - Headline searches (`ilike '%…%'`: the newsroom's list, the front page's story picker) read a trigram
 *   index (pg_trgm) instead of every article. pg_trgm ships with PostgreSQL and is a trusted extension (13+):
 *   a user with CREATE on the database may create it. PGlite loads it from its contrib bundle
 *   (adapters/db/pglite.ts). Authors are few: their name search reads the table, ~4 ms at 5,000 authors.
 * - An author's page lists their live articles newest first. Walking all live articles by date and probing
 *   each one's byline costs the whole archive for an author with few stories, so each byline carries its
 *   article's status and publication time, written with the byline and again whenever the article's state
 *   changes (author-queries.ts `setBylines`, newsroom-queries.ts `updateArticleAt`), and an index over the
 *   live ones answers a page with as many rows as it shows.
 */
export default /* sql */ `
create extension if not exists pg_trgm;
create index articles_headline_trgm_idx on articles using gin (headline gin_trgm_ops);

alter table article_authors
  add column status text check (status in ('draft', 'published', 'unpublished')),
  add column published_at timestamptz;
update article_authors aa set status = a.status, published_at = a.published_at from articles a where a.id = aa.article_id;
alter table article_authors alter column status set not null;
create index article_authors_live_idx on article_authors (author_id, published_at desc, article_id desc) where status = 'published';
`;
