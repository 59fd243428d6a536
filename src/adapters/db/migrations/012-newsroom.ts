/**
 * The newsroom: a business role beside reader, editor and admin; an article's status (a draft, published —
 * which is "scheduled" while its publication time is ahead — or unpublished) and version (a form carries it,
 * so two editors cannot overwrite each other silently); the addresses an article leaves behind when its slug
 * changes; and its revisions. Readers' lists read partial indexes of published articles only, so drafts cost
 * them nothing.
 */
export default /* sql */ `
alter table users drop constraint users_role_check;
alter table users add constraint users_role_check check (role in ('reader', 'editor', 'business', 'admin'));

alter table articles add column status text not null default 'published' check (status in ('draft', 'published', 'unpublished'));
alter table articles add column version integer not null default 1;
-- A draft has no publication time until it is published or scheduled.
alter table articles alter column published_at drop not null;
alter table articles add constraint articles_published_has_time check (status <> 'published' or published_at is not null);

create index articles_live_idx on articles (published_at desc, id desc) where status = 'published';
create index articles_section_live_idx on articles (section, published_at desc, id desc) where status = 'published';
create index articles_editors_pick_live_idx on articles (published_at desc, id desc) where editors_pick and status = 'published';
drop index articles_published_idx;
drop index articles_section_published_idx;
drop index articles_editors_pick_idx;
-- The newsroom's list: last changed first.
create index articles_updated_idx on articles (updated_at desc, id desc);

-- An old address of an article: /article/<slug> answers 301 to its current slug.
create table article_redirects (
  slug text primary key,
  article_id integer not null references articles (id) on delete cascade,
  created_at timestamptz not null
);
create index article_redirects_article_idx on article_redirects (article_id);

create table article_revisions (
  id serial primary key,
  article_id integer not null references articles (id) on delete cascade,
  version integer not null,
  user_id integer references users (id) on delete set null,
  action text not null check (action in ('create', 'save', 'publish', 'schedule', 'unpublish', 'restore')),
  fields jsonb not null,
  created_at timestamptz not null
);
create index article_revisions_article_idx on article_revisions (article_id, id desc);
`;
