/**
 * Group (institutional) access: an institution's readers get chosen entitlements for a period, either by the
 * network they read from (`ip_ranges`, matched in memory on every request; not counted against seats: a site
 * licence) or by a verified email address at one of `email_domains` (or a subdomain), each such reader a row of
 * `access_group_members` holding one of `seats` (null: unlimited) and entitlement grants with the source
 * `group:<id>` ending with the group. `seats_used` is kept in step with the members under the group's row lock;
 * the check makes overselling impossible even for a bug.
 */
export default /* sql */ `
create table access_groups (
  id serial primary key,
  name text not null check (length(name) between 1 and 200),
  entitlements text[] not null check (cardinality(entitlements) > 0),
  ip_ranges text[] not null default '{}',
  email_domains text[] not null default '{}',
  starts_at timestamptz not null,
  ends_at timestamptz check (ends_at >= starts_at),
  seats integer check (seats > 0),
  seats_used integer not null default 0 check (seats_used >= 0 and (seats is null or seats_used <= seats)),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index access_groups_ends_idx on access_groups (ends_at);
create index access_groups_domains_idx on access_groups using gin (email_domains);
create table access_group_members (
  group_id integer not null references access_groups (id) on delete cascade,
  user_id integer not null references users (id) on delete cascade,
  joined_at timestamptz not null,
  primary key (group_id, user_id)
);
create index access_group_members_user_idx on access_group_members (user_id);
`;
