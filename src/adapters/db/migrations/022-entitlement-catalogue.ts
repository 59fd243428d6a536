/**
 * The entitlement catalogue the business team edits (/admin/entitlements): each entitlement a plan, a grant or
 * a section may name, with the name and description readers see on the plans page, the paywall and their
 * account. `kind` is `access` (a door it opens) or `allowance` (a number: the devices a reader may use).
 * Seeded with what the offer names; every key plans already grant is added too (named by its key until the
 * business team names it), so the plans editor's checkboxes show what each plan grants today.
 */
export default /* sql */ `
create table entitlement_catalogue (
  key text primary key check (key ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
  name text not null check (length(name) between 1 and 80),
  description text not null default '' check (length(description) <= 300),
  kind text not null default 'access' check (kind in ('access', 'allowance')),
  allowance integer check (allowance between 1 and 100),
  position integer not null check (position between 1 and 999),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by integer references users (id) on delete set null,
  check ((kind = 'allowance') = (allowance is not null))
);

insert into entitlement_catalogue (key, name, description, kind, allowance, position) values
  ('premium', 'Premium stories', 'Exclusive premium stories, hand-picked by our editors every day.', 'access', null, 1),
  ('partner-bundle', 'Partner bundle', 'Complimentary access to a partner publication''s digital bundle.', 'access', null, 2),
  ('epaper', 'E-paper', 'The daily print edition to read, save and share.', 'access', null, 3),
  ('newsletters', 'Premium newsletters', 'Curated newsletters on markets, finance, politics and technology.', 'access', null, 4),
  ('markets', 'Markets insight', 'Premium market analysis and investment insights.', 'access', null, 5),
  ('archive', 'Archives', 'Every story back to 1997.', 'access', null, 6),
  ('ad-free', 'Ad-free reading', 'No advertising beside the stories.', 'access', null, 7),
  ('devices', 'All your devices', 'Mobile, tablet and PC, on the web or in the app.', 'allowance', 5, 8);

insert into entitlement_catalogue (key, name, position)
select key, key, 100 + row_number() over (order by key)
from (select distinct unnest(entitlements) as key from plans) granted
where key ~ '^[a-z0-9][a-z0-9-]{0,39}$'
on conflict (key) do nothing;
`;
