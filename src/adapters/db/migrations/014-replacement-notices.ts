/**
 * The billing sweep also finds running subscriptions a paid new one replaces (`replaced-by:` notices, see
 * plan-replacement.ts). Those notices are few among the many pre-debit and reminder notices: a partial index
 * on them keeps that part of the sweep to the replacements themselves.
 */
export default /* sql */ `
create index notices_replaced_by_idx on notices (subscription_id, period_end) where kind like 'replaced-by:%';
`;
