/**
 * Sections managed in the newsroom, and the front page curated by editors.
 *
 * - A section gets a description (shown on its page); its premium entitlement is a plain word.
 * - A section's slug may change: articles follow it (`on update cascade`), and the old address answers 301
 *   through `section_redirects`, as an article's does through `article_redirects`.
 * - `front_page_stories` holds the lead story (one row, place `lead`) and the editor's picks in order
 *   (place `pick`); `section_pins` the stories pinned at the top of a section, in order. Readers only ever see
 *   the curated stories that are published and whose time has come: the curation itself never hides or shows
 *   an article by its own say.
 * - `articles.editors_pick` is replaced by the picks: the picked articles become the picks, newest first, at
 *   most six (what the home page showed). The import's `editors_pick` now adds an article to the picks.
 */
export default /* sql */ `
alter table sections add column description text not null default '';
alter table sections add constraint sections_premium_entitlement_check check (premium_entitlement ~ '^[a-z0-9-]{1,40}$') not valid;

alter table articles drop constraint articles_section_fkey;
alter table articles add constraint articles_section_fkey foreign key (section) references sections (slug) on update cascade;

create table section_redirects (
  slug text primary key,
  section text not null references sections (slug) on update cascade on delete cascade,
  created_at timestamptz not null
);
create index section_redirects_section_idx on section_redirects (section);

create table front_page_stories (
  place text not null check (place in ('lead', 'pick')),
  position integer not null check (position >= 1 and (place <> 'lead' or position = 1)),
  article_id integer not null references articles (id) on delete cascade,
  primary key (place, position),
  unique (place, article_id)
);
create index front_page_stories_article_idx on front_page_stories (article_id);

create table section_pins (
  section text not null references sections (slug) on update cascade on delete cascade,
  position integer not null check (position >= 1),
  article_id integer not null references articles (id) on delete cascade,
  primary key (section, position),
  unique (section, article_id)
);
create index section_pins_article_idx on section_pins (article_id);

insert into front_page_stories (place, position, article_id)
select 'pick', row_number() over (order by published_at desc, id desc), id
from (select id, published_at from articles where editors_pick and status = 'published' order by published_at desc, id desc limit 6) picked;

drop index articles_editors_pick_live_idx;
alter table articles drop column editors_pick;
`;
