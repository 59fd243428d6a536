/**
 * What a gateway can undo or ask after the fact (issue 9): a refund that fails after it was recorded (it
 * stops counting and its credit note is reversed by a debit note), a payment disputed by the reader's bank,
 * and a renewal the bank wants the reader to confirm (3-D Secure, e-mandate authentication).
 */
export default /* sql */ `
alter table refunds add column status text not null default 'succeeded' check (status in ('succeeded', 'failed'));
alter table refunds add column failed_at timestamptz;

alter table invoices drop constraint invoices_kind_check;
alter table invoices add constraint invoices_kind_check check (kind in ('invoice', 'credit-note', 'debit-note'));
-- A refund has one credit note and, if it fails afterwards, one debit note reversing it.
alter table invoices drop constraint invoices_refund_id_key;
create unique index invoices_refund_kind_idx on invoices (refund_id, kind) where refund_id is not null;

-- A card payment has at most one dispute (Stripe: one per charge).
alter table payments add column gateway_dispute_id text;
alter table payments add column dispute_status text check (dispute_status in ('open', 'won', 'lost'));
alter table payments add column dispute_reason text;

-- A renewal waiting for the reader to confirm it with their bank; shown until that payment is recorded.
create table payment_actions (
  subscription_id integer not null references subscriptions (id) on delete cascade,
  gateway_payment_id text not null,
  url text not null,
  created_at timestamptz not null,
  primary key (subscription_id, gateway_payment_id)
);
`;
