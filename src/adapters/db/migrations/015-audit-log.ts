/**
 * The audit log: every change staff make (articles, authors, sections, the front page, images, settings, copy,
 * paywall rules, plans), who made it, when, and the fields before → after. Append only. Admins read it newest
 * first, all of it or one area, by keyset on the id.
 */
export default /* sql */ `
create table audit_log (
  id bigserial primary key,
  at timestamptz not null,
  user_id integer references users (id) on delete set null,
  area text not null check (area ~ '^[a-z][a-z-]{0,39}$'),
  subject text not null,
  action text not null,
  before jsonb,
  after jsonb
);
create index audit_log_area_idx on audit_log (area, id desc);
`;
