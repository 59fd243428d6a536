/** Sections, articles and site settings. */
export default /* sql */ `
create table settings (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz not null default now()
);

create table sections (
  slug text primary key check (slug ~ '^[a-z0-9-]{1,60}$'),
  name text not null,
  position integer not null default 0,
  premium_entitlement text not null default 'premium'
);

create table articles (
  id serial primary key,
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{0,119}$'),
  headline text not null,
  standfirst text not null default '',
  body text not null default '',
  section text not null references sections (slug),
  tags text[] not null default '{}',
  authors text[] not null default '{}',
  dateline text,
  visibility text not null check (visibility in ('free', 'metered', 'premium')),
  provenance text not null check (provenance ~ '^(staff|wire:.+|partner:.+)$'),
  published_at timestamptz not null,
  updated_at timestamptz not null,
  lead_image_url text,
  lead_image_alt text,
  editors_pick boolean not null default false
);

create index articles_published_idx on articles (published_at desc, id desc);
create index articles_section_published_idx on articles (section, published_at desc, id desc);
`;
