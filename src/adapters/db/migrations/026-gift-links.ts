/**
 * Gift article links: a subscriber shares one article through a signed link that opens it for anyone until
 * `expires_at`. The token is never stored: `token_hash` is the SHA-256 of its random id (for the lookup when it
 * is opened), and `salt` lets the server derive the same id again with its key, so the subscriber's list can show
 * a link again without the database holding anything that opens an article. `opens` counts opens, not people.
 * `gift_link_months` counts the links each subscriber made per calendar month (the publisher's time zone): its
 * row is locked while a link is made, so concurrent requests never pass the monthly cap.
 */
export default /* sql */ `
create table gift_links (
  id serial primary key,
  article_id integer not null references articles (id) on delete cascade,
  created_by integer not null references users (id) on delete cascade,
  token_hash text not null unique,
  salt text not null,
  created_at timestamptz not null,
  expires_at timestamptz not null check (expires_at > created_at),
  opens integer not null default 0 check (opens >= 0)
);
create index gift_links_creator_idx on gift_links (created_by, id desc);
create index gift_links_article_idx on gift_links (created_by, article_id, expires_at desc);

create table gift_link_months (
  user_id integer not null references users (id) on delete cascade,
  period text not null check (period ~ '^\\d{4}-\\d{2}$'),
  created integer not null default 0 check (created >= 0),
  primary key (user_id, period)
);
`;
