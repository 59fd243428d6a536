/**
 * The e-paper: editions (one per name and date) uploaded as PDF, rendered into page images by a job, and published
 * at a set time only once every page rendered. `status`: `rendering` (the job has not finished), `ready` (every page
 * rendered), `failed` (the PDF could not be rendered: `error` says why; nothing of it is shown). `files_prefix` is a
 * random segment of every file key of the edition, so no path is guessable even with the signing key unknown.
 * Regions are article areas on a page in ten-thousandths of its width and height (0–10000), from the PDF's text or
 * drawn by an editor, linked to a web article when one matches. Clippings are regions readers saved to their
 * account; a shared clipping carries the SHA-256 of its link's random token, and `epaper_share_months` counts the
 * links each reader made per month (its row is locked while one is made, so the cap holds under races).
 */
export default /* sql */ `
create table epaper_editions (
  id serial primary key,
  name text not null check (length(name) between 1 and 60),
  slug text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
  edition_date date not null,
  status text not null default 'rendering' check (status in ('rendering', 'ready', 'failed')),
  error text,
  files_prefix text not null unique,
  sources jsonb not null,
  page_count integer not null check (page_count between 1 and 200),
  pages_rendered integer not null default 0,
  publish_at timestamptz not null,
  uploaded_by integer references users (id) on delete set null,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  unique (slug, edition_date)
);
create index epaper_editions_published_idx on epaper_editions (edition_date desc, slug) where status = 'ready';

create table epaper_pages (
  edition_id integer not null references epaper_editions (id) on delete cascade,
  page_number integer not null check (page_number >= 1),
  width integer not null,
  height integer not null,
  text text not null default '',
  images jsonb not null default '[]',
  primary key (edition_id, page_number)
);

create table epaper_regions (
  id serial primary key,
  edition_id integer not null references epaper_editions (id) on delete cascade,
  page_number integer not null,
  x integer not null check (x between 0 and 10000),
  y integer not null check (y between 0 and 10000),
  w integer not null check (w between 1 and 10000),
  h integer not null check (h between 1 and 10000),
  headline text not null default '',
  text text not null default '',
  article_id integer references articles (id) on delete set null,
  source text not null check (source in ('pdf', 'editor')),
  foreign key (edition_id, page_number) references epaper_pages (edition_id, page_number) on delete cascade
);
create index epaper_regions_page_idx on epaper_regions (edition_id, page_number, id);

create table epaper_clippings (
  id serial primary key,
  user_id integer not null references users (id) on delete cascade,
  edition_id integer not null references epaper_editions (id) on delete cascade,
  page_number integer not null,
  x integer not null check (x between 0 and 10000),
  y integer not null check (y between 0 and 10000),
  w integer not null check (w between 1 and 10000),
  h integer not null check (h between 1 and 10000),
  headline text not null default '',
  image_key text,
  share_hash text unique,
  shared_at timestamptz,
  created_at timestamptz not null
);
create index epaper_clippings_user_idx on epaper_clippings (user_id, id desc);

create table epaper_share_months (
  user_id integer not null references users (id) on delete cascade,
  period text not null check (period ~ '^\\d{4}-\\d{2}$'),
  created integer not null default 0 check (created >= 0),
  primary key (user_id, period)
);
`;
