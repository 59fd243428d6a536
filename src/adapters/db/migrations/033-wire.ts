/**
 * Wire copy. `wire_agencies` are the agencies the newsroom takes copy from (credentials are not stored: they come
 * from the environment by the agency's code). `wire_items` holds one row per agency story (its id and the version
 * taken), linked to the article made of it; the unique (agency, guid) is what de-duplicates deliveries.
 * `wire_problems` reports the items that could not be taken: which feed, which item, why.
 */
export default /* sql */ `
create table wire_agencies (
  id serial primary key,
  code text not null unique check (code ~ '^[A-Z][A-Z0-9]{1,15}$'),
  name text not null check (length(name) between 1 and 100),
  format text not null check (format in ('ninjs', 'newsml', 'rss')),
  endpoint text check (endpoint ~ '^https?://'),
  poll_minutes integer not null default 5 check (poll_minutes between 1 and 1440),
  stale_minutes integer not null default 120 check (stale_minutes between 5 and 100000),
  default_section text not null references sections (slug) on update cascade,
  section_map jsonb not null default '[]',
  visibility text not null default 'metered' check (visibility in ('free', 'metered', 'premium')),
  auto_publish boolean not null default false,
  enabled boolean not null default true,
  last_poll_at timestamptz,
  last_poll_ok boolean,
  last_poll_message text,
  last_delivery_at timestamptz,
  stale_alerted_at timestamptz,
  created_at timestamptz not null
);

create table wire_items (
  id serial primary key,
  agency_id integer not null references wire_agencies (id) on delete cascade,
  guid text not null,
  version integer not null check (version >= 0),
  status text not null check (status in ('waiting', 'published', 'killed')),
  canceled boolean not null default false,
  headline text not null,
  article_id integer references articles (id) on delete set null,
  embargo_until timestamptz,
  received_at timestamptz not null,
  updated_at timestamptz not null,
  unique (agency_id, guid)
);
create index wire_items_desk_idx on wire_items (updated_at desc, id desc);
create index wire_items_agency_desk_idx on wire_items (agency_id, updated_at desc, id desc);
create index wire_items_status_idx on wire_items (status, updated_at desc, id desc);
create index wire_items_article_idx on wire_items (article_id);

create table wire_problems (
  id serial primary key,
  agency_id integer not null references wire_agencies (id) on delete cascade,
  at timestamptz not null,
  item_ref text not null,
  reason text not null
);
create index wire_problems_agency_idx on wire_problems (agency_id, id desc);
`;
