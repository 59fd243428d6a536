/**
 * The billing sweep looks for running subscriptions whose period (or grace) ends soon, and checkouts still
 * awaiting payment: partial indexes on exactly those, so a sweep over 100,000 subscriptions reads the few
 * that are due rather than every running one.
 */
export default /* sql */ `
create index subscriptions_running_end_idx on subscriptions (current_period_end) where status in ('active', 'past-due');
create index subscriptions_grace_idx on subscriptions (grace_until) where status = 'past-due';
create index subscriptions_awaiting_idx on subscriptions (id) where status = 'awaiting-payment';
`;
