/**
 * One table for readers' monthly allowances (`gift_link_months` and `epaper_share_months` were two copies of it): how
 * many of a kind of thing a reader made per calendar month of the publisher's time zone. Each kind keeps its own
 * count (a gift link uses none of the month's e-paper shares, nor the reverse); the counts already made move over as
 * they are. Its row is locked while one is made, so concurrent requests never pass the monthly cap.
 */
export default /* sql */ `
create table monthly_allowances (
  user_id integer not null references users (id) on delete cascade,
  kind text not null check (kind in ('gift-link', 'epaper-share')),
  period text not null check (period ~ '^\\d{4}-\\d{2}$'),
  used integer not null default 0 check (used >= 0),
  primary key (user_id, kind, period)
);

insert into monthly_allowances (user_id, kind, period, used)
  select user_id, 'gift-link', period, created from gift_link_months;
insert into monthly_allowances (user_id, kind, period, used)
  select user_id, 'epaper-share', period, created from epaper_share_months;

drop table gift_link_months;
drop table epaper_share_months;
`;
