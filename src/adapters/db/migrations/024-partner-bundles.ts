/**
 * Partner bundles: a partner publication whose bundle a plan includes (its own catalogue entitlement), the
 * activation codes the business team uploads for it, and who claimed which. A code is handed out once, ever:
 * `claimed_at` set is what marks it taken (a deleted reader's `claimed_by` goes null, the code stays taken).
 * One live claim per reader per partner (the partial unique index); when the reader no longer holds the
 * entitlement, the sweep sets `revoke_requested_at` and the partner report lists the code for deactivation.
 * `provisioning`: how codes are given (`code-pool`: from the uploaded codes; `api`: an adapter calling the
 * partner, whose codes are stored here as they are issued).
 */
export default /* sql */ `
create table partners (
  id serial primary key,
  name text not null check (length(name) between 1 and 80),
  includes text not null default '' check (length(includes) <= 500),
  activation_url text not null check (length(activation_url) between 9 and 500 and activation_url like 'https://%'),
  terms text not null default '' check (length(terms) <= 5000),
  low_stock_threshold integer not null default 100 check (low_stock_threshold between 0 and 1000000),
  provisioning text not null default 'code-pool' check (provisioning in ('code-pool', 'api')),
  entitlement text not null unique references entitlement_catalogue (key),
  pool_empty_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  updated_by integer references users (id) on delete set null
);

create table partner_code_uploads (
  id serial primary key,
  partner_id integer not null references partners (id) on delete cascade,
  file_name text not null default '' check (length(file_name) <= 200),
  status text not null check (status in ('imported', 'rejected')),
  rows_read integer not null check (rows_read >= 0),
  imported integer not null check (imported >= 0),
  problem_count integer not null default 0,
  problems jsonb not null default '[]',
  uploaded_by integer references users (id) on delete set null,
  created_at timestamptz not null default now()
);
create index partner_code_uploads_partner_idx on partner_code_uploads (partner_id, id desc);

create table partner_codes (
  id serial primary key,
  partner_id integer not null references partners (id) on delete cascade,
  code text not null check (length(code) between 1 and 200),
  expires_on date,
  upload_id integer references partner_code_uploads (id) on delete set null,
  claimed_by integer references users (id) on delete set null,
  claimed_at timestamptz,
  revoke_requested_at timestamptz,
  check (claimed_by is null or claimed_at is not null),
  check (revoke_requested_at is null or claimed_at is not null),
  unique (partner_id, code)
);
create unique index partner_codes_one_live_claim on partner_codes (partner_id, claimed_by)
  where claimed_by is not null and revoke_requested_at is null;
create index partner_codes_unclaimed_idx on partner_codes (partner_id, id) where claimed_at is null;
create index partner_codes_issued_idx on partner_codes (partner_id, claimed_at, id) where claimed_at is not null;
create index partner_codes_live_claims_idx on partner_codes (id) where claimed_at is not null and revoke_requested_at is null;
`;
