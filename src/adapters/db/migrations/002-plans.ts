/** Subscription plans: any term, price in integer minor units, GST-inclusive, and the entitlements they grant. */
export default /* sql */ `
create table plans (
  id serial primary key,
  slug text not null unique check (slug ~ '^[a-z0-9-]{1,60}$'),
  name text not null,
  term_count integer not null check (term_count > 0),
  term_unit text not null check (term_unit in ('day', 'month', 'year')),
  price_minor integer not null check (price_minor > 0),
  currency text not null default 'INR' check (currency ~ '^[A-Z]{3}$'),
  entitlements text[] not null default '{}',
  position integer not null default 0,
  active boolean not null default true
);
`;
