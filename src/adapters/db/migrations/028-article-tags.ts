/**
 * Tag pages (`/tag/<tag>`) list a tag's live stories newest first. Walking all live articles by date and testing
 * each one's tags costs the whole archive for a tag few stories carry (and for one none does), so each tag of an
 * article is a row carrying the article's status and publication time, written whenever the article is
 * (content/queries.ts `syncArticleTags`), and an index over the live ones answers a page with as many rows as it
 * shows, like an author's page.
 */
export default /* sql */ `
create table article_tags (
  article_id integer not null references articles (id) on delete cascade,
  tag text not null,
  status text not null check (status in ('draft', 'published', 'unpublished')),
  published_at timestamptz,
  primary key (article_id, tag)
);
insert into article_tags (article_id, tag, status, published_at)
select distinct a.id, t.tag, a.status, a.published_at from articles a cross join unnest(a.tags) as t(tag);
create index article_tags_live_idx on article_tags (tag, published_at desc, article_id desc) where status = 'published';
`;
