/**
 * Refresh tokens an app session has exchanged (rotated away). A rotated token presented again was copied,
 * so the session it belongs to is revoked: refresh token reuse detection (OAuth 2.0 Security BCP §4.14).
 */
export default /* sql */ `
create table retired_refresh_tokens (
  refresh_hash text primary key,
  session_id integer not null references sessions (id) on delete cascade,
  retired_at timestamptz not null
);
create index retired_refresh_tokens_session_idx on retired_refresh_tokens (session_id);
`;
