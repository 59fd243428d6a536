/**
 * Newsletters: lists editors define (`audience`: `anyone`, `registered`, or `entitlement:<name>`), the addresses
 * subscribed to them (double opt-in: `pending` until the emailed link is opened), the suppression list every send
 * honours (per list for an unsubscribe, every list for a hard bounce or a complaint: `newsletter_id` null), issues
 * (composed from articles, or a section's daily digest) and one delivery row per recipient per issue. The delivery's
 * unique (issue, email) and its status are what make a send exactly once per recipient across restarts.
 */
export default /* sql */ `
create table newsletters (
  id serial primary key,
  slug text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 60),
  name text not null check (length(name) between 1 and 100),
  description text not null default '' check (length(description) <= 1000),
  cadence text not null default '' check (length(cadence) <= 100),
  sender_name text not null default '' check (length(sender_name) <= 100),
  audience text not null default 'anyone'
    check (audience in ('anyone', 'registered') or audience ~ '^entitlement:[a-z0-9][a-z0-9-]{0,59}$'),
  digest_section text check (digest_section is null or length(digest_section) <= 100),
  digest_hour integer check (digest_hour between 0 and 23),
  position integer not null default 0,
  retired_at timestamptz,
  created_at timestamptz not null default now()
);

create table newsletter_subscriptions (
  id serial primary key,
  newsletter_id integer not null references newsletters (id) on delete cascade,
  email text not null check (email = lower(email) and length(email) between 3 and 320),
  status text not null check (status in ('pending', 'confirmed', 'unsubscribed')),
  created_at timestamptz not null,
  confirm_sent_at timestamptz,
  confirmed_at timestamptz,
  unsubscribed_at timestamptz,
  unique (newsletter_id, email)
);
create index newsletter_subscriptions_email_idx on newsletter_subscriptions (email);
create index newsletter_subscriptions_confirmed_idx on newsletter_subscriptions (newsletter_id, id) where status = 'confirmed';

create table newsletter_suppressions (
  id serial primary key,
  email text not null check (email = lower(email)),
  newsletter_id integer references newsletters (id) on delete cascade,
  reason text not null check (reason in ('unsubscribed', 'hard-bounce', 'complained')),
  detail text not null default '' check (length(detail) <= 500),
  created_at timestamptz not null
);
create unique index newsletter_suppressions_key on newsletter_suppressions (email, coalesce(newsletter_id, 0));

create table newsletter_issues (
  id serial primary key,
  newsletter_id integer not null references newsletters (id) on delete cascade,
  kind text not null check (kind in ('composed', 'digest')),
  subject text not null check (length(subject) between 1 and 200),
  introduction text not null default '' check (length(introduction) <= 5000),
  article_slugs jsonb not null default '[]',
  status text not null check (status in ('draft', 'held', 'scheduled', 'sending', 'sent')),
  send_at timestamptz,
  recipients_ready boolean not null default false,
  sent_at timestamptz,
  digest_key text unique,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create index newsletter_issues_list_idx on newsletter_issues (newsletter_id, id);
create index newsletter_issues_due_idx on newsletter_issues (send_at) where status = 'scheduled';

create table newsletter_deliveries (
  id bigserial primary key,
  issue_id integer not null references newsletter_issues (id) on delete cascade,
  email text not null,
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed', 'suppressed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  lease_until timestamptz,
  last_error text,
  sent_at timestamptz,
  unique (issue_id, email)
);
create index newsletter_deliveries_due_idx on newsletter_deliveries (issue_id, id) where status in ('pending', 'sending');
create index newsletter_deliveries_status_idx on newsletter_deliveries (issue_id, status);
`;
