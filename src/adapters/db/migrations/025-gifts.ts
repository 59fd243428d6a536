/**
 * Gift subscriptions: a reader buys a plan's term for someone else with a one-time payment (no mandate, no
 * renewal). The gift is emailed to the recipient on its delivery date with a redemption link; only the
 * SHA-256 of the link's token is stored. Redeeming grants the plan's entitlements (source `gift:<id>`) to the
 * reader who redeems, once: `redeemed_at` is set by one conditional update, which only one request can win.
 *
 * A gift's payment is a row of `payments` (kind `gift`, `gift_id` set, no subscription), so invoices, credit
 * notes and refunds work on it as on any payment. Its period columns hold the capture time: the term starts
 * only when the gift is redeemed.
 */
export default /* sql */ `
create table gifts (
  id serial primary key,
  buyer_id integer not null references users (id),
  plan_id integer not null references plans (id),
  amount_minor integer not null check (amount_minor > 0),
  currency text not null,
  recipient_email text not null check (length(recipient_email) between 3 and 254),
  recipient_name text not null check (length(recipient_name) between 1 and 100),
  message text not null default '' check (length(message) <= 500),
  deliver_at timestamptz not null,
  status text not null check (status in ('awaiting-payment', 'paid', 'refunded', 'abandoned')),
  gateway text not null,
  gateway_order_id text,
  token_hash text unique,
  paid_at timestamptz,
  emailed_at timestamptz,
  redeemable_until timestamptz,
  redeemed_by integer references users (id) on delete set null,
  redeemed_at timestamptz,
  created_at timestamptz not null,
  check (redeemed_at is null or status = 'paid' or status = 'refunded')
);
create index gifts_buyer_idx on gifts (buyer_id, id desc);
create unique index gifts_gateway_order_idx on gifts (gateway, gateway_order_id) where gateway_order_id is not null;

alter table payments alter column subscription_id drop not null;
alter table payments add column gift_id integer references gifts (id);
alter table payments add constraint payments_paid_for check ((subscription_id is null) <> (gift_id is null));
alter table payments drop constraint payments_kind_check;
alter table payments add constraint payments_kind_check check (kind in ('initial', 'renewal', 'upgrade', 'gift'));
create index payments_gift_idx on payments (gift_id) where gift_id is not null;
`;
