/** Billing: profiles (GST place of supply), subscriptions, payments, invoices, webhooks, durable jobs. */
export default /* sql */ `
create table billing_profiles (
  user_id integer primary key references users (id) on delete cascade,
  name text not null,
  address_line1 text not null,
  address_line2 text not null default '',
  city text not null,
  state_code text not null,
  pin text not null check (pin ~ '^[1-9][0-9]{5}$'),
  gstin text check (gstin is null or gstin ~ '^[0-9]{2}[A-Z0-9]{13}$'),
  updated_at timestamptz not null default now()
);

create table subscriptions (
  id serial primary key,
  user_id integer not null references users (id) on delete cascade,
  plan_id integer not null references plans (id),
  status text not null check (status in ('awaiting-payment', 'active', 'past-due', 'expired', 'refunded', 'abandoned')),
  cancel_at_period_end boolean not null default false,
  gateway text not null,
  gateway_subscription_id text,
  gateway_customer_id text,
  gateway_checkout_id text,
  current_period_start timestamptz,
  current_period_end timestamptz,
  grace_until timestamptz,
  next_plan_id integer references plans (id),
  payment_method text,
  created_at timestamptz not null,
  updated_at timestamptz not null
);
create unique index subscriptions_gateway_idx on subscriptions (gateway, gateway_subscription_id) where gateway_subscription_id is not null;
create index subscriptions_user_idx on subscriptions (user_id);
create index subscriptions_due_idx on subscriptions (status, current_period_end);

create table payments (
  id serial primary key,
  subscription_id integer not null references subscriptions (id),
  user_id integer not null references users (id),
  gateway text not null,
  gateway_payment_id text not null,
  kind text not null check (kind in ('initial', 'renewal', 'upgrade')),
  plan_id integer not null references plans (id),
  amount_minor integer not null check (amount_minor >= 0),
  currency text not null,
  refunded_minor integer not null default 0,
  -- Refunds asked of the gateway and not yet answered: held so two at once cannot exceed the payment.
  refund_reserved_minor integer not null default 0,
  period_start timestamptz not null,
  period_end timestamptz not null,
  captured_at timestamptz not null,
  unique (gateway, gateway_payment_id)
);
create index payments_subscription_idx on payments (subscription_id);

create table refunds (
  id serial primary key,
  payment_id integer not null references payments (id),
  gateway_refund_id text not null unique,
  amount_minor integer not null check (amount_minor > 0),
  reason text not null,
  created_at timestamptz not null
);

create table invoice_sequences (
  series text not null,
  financial_year text not null,
  last_number integer not null,
  primary key (series, financial_year)
);

create table invoices (
  id serial primary key,
  number text not null unique check (length(number) <= 16),
  kind text not null check (kind in ('invoice', 'credit-note')),
  payment_id integer not null references payments (id),
  refund_id integer unique references refunds (id),
  user_id integer not null references users (id),
  issued_at timestamptz not null,
  financial_year text not null,
  supplier jsonb not null,
  recipient jsonb not null,
  place_of_supply text not null,
  description text not null,
  sac text not null,
  taxable_minor integer not null,
  cgst_minor integer not null,
  sgst_minor integer not null,
  igst_minor integer not null,
  total_minor integer not null,
  currency text not null,
  check (taxable_minor + cgst_minor + sgst_minor + igst_minor = total_minor)
);
create unique index invoices_payment_idx on invoices (payment_id) where kind = 'invoice';
create index invoices_user_idx on invoices (user_id, issued_at desc);

create table webhook_events (
  id serial primary key,
  gateway text not null,
  event_id text not null,
  event_type text not null,
  payload jsonb not null,
  received_at timestamptz not null,
  processed_at timestamptz,
  attempts integer not null default 0,
  last_error text,
  unique (gateway, event_id)
);
create index webhook_events_pending_idx on webhook_events (received_at) where processed_at is null;

create table gateway_plans (
  gateway text not null,
  plan_id integer not null references plans (id),
  price_minor integer not null,
  gateway_plan_id text not null,
  primary key (gateway, plan_id, price_minor)
);

create table notices (
  subscription_id integer not null references subscriptions (id),
  kind text not null,
  period_end timestamptz not null,
  sent_at timestamptz not null,
  primary key (subscription_id, kind, period_end)
);

-- The built-in test gateway's own records (its "server side"): checkouts, mandates, payments, refunds.
create table test_gateway_records (
  id text primary key,
  kind text not null,
  data jsonb not null,
  created_at timestamptz not null
);

create table jobs (
  id serial primary key,
  kind text not null,
  payload jsonb not null default '{}',
  unique_key text unique,
  run_at timestamptz not null,
  attempts integer not null default 0,
  locked_until timestamptz,
  done_at timestamptz,
  last_error text,
  created_at timestamptz not null
);
create index jobs_due_idx on jobs (run_at) where done_at is null;
`;
