/**
 * Newsletter open and click counting (off unless MASTHEAD_NEWSLETTER_COUNTING=true): aggregate counters per issue
 * and per signed link, never a row per hit and nothing about who opened or clicked.
 */
export default /* sql */ `
create table newsletter_issue_opens (
  issue_id integer primary key references newsletter_issues (id) on delete cascade,
  opens bigint not null default 0
);

create table newsletter_link_clicks (
  issue_id integer not null references newsletter_issues (id) on delete cascade,
  url text not null check (length(url) <= 2000),
  clicks bigint not null default 0,
  primary key (issue_id, url)
);
`;
