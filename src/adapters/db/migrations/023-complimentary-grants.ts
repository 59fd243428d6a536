/**
 * Complimentary grants: staff give a reader chosen entitlements for a period or for good, with a reason
 * (/admin/users). Each grant's entitlements are rows of `entitlement_grants` with the source `grant:<id>`;
 * this table keeps who gave them, why, and who withdrew them. `ends_at` null: no end date.
 */
export default /* sql */ `
create table complimentary_grants (
  id serial primary key,
  user_id integer not null references users (id) on delete cascade,
  entitlements text[] not null check (cardinality(entitlements) > 0),
  starts_at timestamptz not null,
  ends_at timestamptz check (ends_at > starts_at),
  reason text not null check (length(reason) between 1 and 500),
  granted_by integer references users (id) on delete set null,
  revoked_at timestamptz,
  revoked_by integer references users (id) on delete set null
);
create index complimentary_grants_user_idx on complimentary_grants (user_id, id desc);
`;
