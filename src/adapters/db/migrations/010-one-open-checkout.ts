/**
 * A reader has at most one checkout awaiting payment: opening another returns it (same plan) or replaces
 * it (another plan), and this index makes two concurrent starts end with one. Older duplicates left by
 * earlier releases are abandoned first (the newest stays open), as the sweep would have done within a day.
 */
export default /* sql */ `
update subscriptions s set status = 'abandoned', updated_at = now()
where s.status = 'awaiting-payment'
  and exists (select 1 from subscriptions n where n.user_id = s.user_id and n.status = 'awaiting-payment' and n.id > s.id);
create unique index subscriptions_open_checkout_idx on subscriptions (user_id) where status = 'awaiting-payment';
`;
