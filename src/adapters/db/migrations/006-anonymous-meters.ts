/**
 * Anonymous readers' meters on the server, keyed by the reader id the server issued (the cookie carries
 * only that id). Used when the app runs on PostgreSQL without Redis; old months are deleted by a job.
 */
export default /* sql */ `
create table anonymous_meters (
  reader_id text not null,
  period text not null,
  article_ids integer[] not null default '{}',
  updated_at timestamptz not null default now(),
  primary key (reader_id, period)
);
create index anonymous_meters_period_idx on anonymous_meters (period);
`;
