/**
 * Authors as entities and the newsroom's news conventions.
 *
 * - `authors` (one row per person; a name is unique, so an import line or the editor's "Authors" field names
 *   one author unambiguously) and `article_authors` (the byline, in order). `articles.authors` stays as the
 *   byline's names, kept in sync on every write, so the import format, feeds and the API read as before.
 *   The backfill turns every name found in `articles.authors` into an author with a slug made from the name.
 * - An article's "Updated" time shown to readers (`updated_shown_at`, set when an editor ticks "Show as
 *   updated"), its embargo, and its SEO fields.
 * - Corrections and clarifications: rows of their own, appended, never deleted.
 * - Autosaves: one per user and article (article null for a new one), the form as typed; no version, no revision.
 */
export default /* sql */ `
create table authors (
  id serial primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,119}$'),
  name text not null unique check (length(name) between 1 and 120),
  bio text not null default '',
  photo_url text,
  links jsonb not null default '[]',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
-- The admin list: by name, keyset on (name, id).
create index authors_name_idx on authors (lower(name), id);

create table article_authors (
  article_id integer not null references articles (id) on delete cascade,
  author_id integer not null references authors (id) on delete restrict,
  position integer not null,
  primary key (article_id, author_id)
);
-- An author's stories (their page, the newsroom's author filter).
create index article_authors_author_idx on article_authors (author_id, article_id);

-- Every name in a byline becomes an author. Slug: the name lower-cased, runs of other characters as one
-- hyphen; a name that leaves nothing becomes "author"; a slug two names share gets -2, -3… in name order.
with names as (
  select distinct name from articles, unnest(authors) as name where length(name) between 1 and 120
), based as (
  select name, coalesce(nullif(left(trim(both '-' from regexp_replace(lower(normalize(name, NFKD)), '[^a-z0-9]+', '-', 'g')), 110), ''), 'author') as base
  from names
), numbered as (
  select name, base, row_number() over (partition by base order by name) as n from based
)
insert into authors (slug, name)
select case when n = 1 then trim(both '-' from base) else trim(both '-' from base) || '-' || n end, name from numbered;

insert into article_authors (article_id, author_id, position)
select a.id, au.id, min(t.ord)
from articles a cross join unnest(a.authors) with ordinality as t (name, ord)
join authors au on au.name = t.name
group by a.id, au.id;

alter table articles add column updated_shown_at timestamptz;
alter table articles add column embargo_until timestamptz;
alter table articles add column seo_title text;
alter table articles add column meta_description text;
alter table articles add column canonical_url text;
alter table articles add column social_image_url text;

-- The newsroom list's date filter (publication date, any status).
create index articles_published_at_idx on articles (published_at);

create table article_corrections (
  id serial primary key,
  article_id integer not null references articles (id) on delete cascade,
  kind text not null check (kind in ('correction', 'clarification')),
  body text not null check (length(body) between 1 and 2000),
  created_at timestamptz not null,
  updated_at timestamptz not null,
  user_id integer references users (id) on delete set null
);
create index article_corrections_article_idx on article_corrections (article_id, created_at, id);

create table article_autosaves (
  user_id integer not null references users (id) on delete cascade,
  article_id integer references articles (id) on delete cascade,
  "values" jsonb not null,
  saved_at timestamptz not null
);
create unique index article_autosaves_key on article_autosaves (user_id, coalesce(article_id, 0));
`;
