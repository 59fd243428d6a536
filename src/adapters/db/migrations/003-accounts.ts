/** Readers' accounts, sessions (one per device), one-time sign-in challenges, server-side meters, entitlements. */
export default /* sql */ `
create table users (
  id serial primary key,
  email text not null,
  name text not null default '',
  password_hash text,
  role text not null default 'reader' check (role in ('reader', 'editor', 'admin')),
  email_verified_at timestamptz,
  device_limit integer,
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
-- Addresses are stored lower-cased; one live account per address.
create unique index users_email_idx on users (email) where deleted_at is null;

create table sessions (
  id serial primary key,
  user_id integer not null references users (id) on delete cascade,
  token_hash text not null unique,
  refresh_hash text unique,
  kind text not null check (kind in ('web', 'app')),
  -- App access tokens expire long before the session; web tokens live as long as the session.
  token_expires_at timestamptz not null,
  device_name text not null,
  user_agent text not null default '',
  ip_prefix_hash text,
  created_at timestamptz not null,
  last_seen_at timestamptz not null,
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_user_idx on sessions (user_id) where revoked_at is null;

create table auth_challenges (
  id serial primary key,
  purpose text not null check (purpose in ('sign-up', 'sign-in', 'reset-password', 'device-choice')),
  email text not null,
  user_id integer references users (id) on delete cascade,
  code_hash text,
  link_hash text unique,
  binding_hash text not null,
  -- sign-up: the name and password hash chosen, applied only once the address is proven.
  payload jsonb,
  attempts integer not null default 0,
  created_at timestamptz not null,
  expires_at timestamptz not null,
  used_at timestamptz
);
create index auth_challenges_email_idx on auth_challenges (email, purpose, created_at desc);

create table reader_meters (
  user_id integer not null references users (id) on delete cascade,
  period text not null,
  article_ids integer[] not null default '{}',
  primary key (user_id, period)
);

create table entitlement_grants (
  id serial primary key,
  user_id integer not null references users (id) on delete cascade,
  entitlement text not null,
  source text not null,
  starts_at timestamptz not null,
  ends_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now()
);
create index entitlement_grants_user_idx on entitlement_grants (user_id) where revoked_at is null;
`;
