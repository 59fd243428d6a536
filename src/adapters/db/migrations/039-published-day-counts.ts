/**
 * How many articles are published on each day (UTC), kept by statement-level triggers: the sitemap index reads it to
 * find the months with more published articles than one sitemap file may list (50,000) without counting the archive.
 * A UTC day, not the publisher's, so a change of time zone needs no rebuild: a month in any zone is bounded by the
 * UTC days inside it (at least) and those touching it (at most). Scheduled articles count on their day.
 * Each statement adds its changes per day in day order (so writers in parallel lock counter rows in one order) and
 * writes only the days whose count changed: an edit that keeps status and publication time writes nothing. An
 * `insert … on conflict do update` runs the insert and the update trigger one after the other, so two such statements
 * in parallel that both add and move stories across the same days can still deadlock; the import then writes that
 * batch line by line (content/import.ts).
 */
export default /* sql */ `
create table article_day_counts (
  day date primary key,
  published integer not null
);

insert into article_day_counts (day, published)
  select (published_at at time zone 'UTC')::date, count(*) from articles where status = 'published' group by 1;

create function masthead_count_published_days() returns trigger language plpgsql as $fn$
begin
  if tg_op = 'TRUNCATE' then
    delete from article_day_counts;
  elsif tg_op = 'INSERT' then
    insert into article_day_counts as c (day, published)
      select (published_at at time zone 'UTC')::date, count(*) from new_rows where status = 'published' group by 1 order by 1
      on conflict (day) do update set published = c.published + excluded.published;
  elsif tg_op = 'DELETE' then
    insert into article_day_counts as c (day, published)
      select (published_at at time zone 'UTC')::date, -count(*) from old_rows where status = 'published' group by 1 order by 1
      on conflict (day) do update set published = c.published + excluded.published;
  else
    insert into article_day_counts as c (day, published)
      select day, sum(n) from (
        select (published_at at time zone 'UTC')::date as day, 1 as n from new_rows where status = 'published'
        union all
        select (published_at at time zone 'UTC')::date, -1 from old_rows where status = 'published'
      ) changes group by day having sum(n) <> 0 order by day
      on conflict (day) do update set published = c.published + excluded.published;
  end if;
  return null;
end
$fn$;

create trigger articles_count_inserted after insert on articles referencing new table as new_rows
  for each statement execute function masthead_count_published_days();
create trigger articles_count_updated after update on articles referencing old table as old_rows new table as new_rows
  for each statement execute function masthead_count_published_days();
create trigger articles_count_deleted after delete on articles referencing old table as old_rows
  for each statement execute function masthead_count_published_days();
create trigger articles_count_truncated after truncate on articles
  for each statement execute function masthead_count_published_days();
`;
