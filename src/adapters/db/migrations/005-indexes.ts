/**
 * Indexes for the queries pages and jobs make at scale (plans in docs/query-plans.md): revoking a
 * subscription's entitlements by source, the admin's newest payments, a payment's invoice and credit
 * notes, refunds of a payment, a reader's payments (data export), the editor's picks on the home page,
 * and a deleted account's sign-in challenges.
 */
export default /* sql */ `
create index entitlement_grants_source_idx on entitlement_grants (source) where revoked_at is null;
create index payments_captured_idx on payments (captured_at desc, id desc);
create index payments_user_idx on payments (user_id);
create index invoices_payment_kind_idx on invoices (payment_id, kind);
create index refunds_payment_idx on refunds (payment_id);
create index articles_editors_pick_idx on articles (published_at desc, id desc) where editors_pick;
create index auth_challenges_user_idx on auth_challenges (user_id) where user_id is not null;
`;
