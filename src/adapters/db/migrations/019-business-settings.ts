/**
 * The business team's settings, edited in the newsroom: copy templates that override the catalogue's defaults,
 * the paywall rules (one row; the environment's values apply until it is saved), and the plans editor's
 * "Best value" highlight (at most one plan) and price versions (a price change retires the old row, which its
 * subscribers keep renewing on, and sells a new row; `replaced_by` links the old row to the new one).
 */
export default /* sql */ `
create table copy_overrides (
  key text primary key,
  text text not null check (length(text) between 1 and 2000),
  updated_at timestamptz not null,
  updated_by integer references users (id) on delete set null
);

create table paywall_settings (
  id integer primary key default 1 check (id = 1),
  value jsonb not null,
  updated_at timestamptz not null,
  updated_by integer references users (id) on delete set null
);

alter table plans add column highlighted boolean not null default false;
alter table plans add column replaced_by integer references plans (id);
create unique index plans_one_highlight_idx on plans (highlighted) where highlighted;
`;
