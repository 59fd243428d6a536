import { describe, expect, it } from 'vitest';
import type { SubscriptionStatus } from './lifecycle.js';
import { unwantedPaymentReason } from './unwanted-payments.js';

const sub = (status: SubscriptionStatus, cancelAtPeriodEnd = false) => ({ id: 1, status, cancelAtPeriodEnd });
const other = (status: SubscriptionStatus) => ({ id: 2, status });

/** Money captured for a subscription buys its term (null) or is refunded, saying why: one case per rule. */
describe('unwantedPaymentReason', () => {
  it('a running subscription takes every payment, whatever else the reader has', () => {
    expect(unwantedPaymentReason(sub('active'), [other('active')], true)).toBeNull();
    expect(unwantedPaymentReason(sub('past-due'), [], false)).toBeNull();
  });

  it('refunds money for a refunded subscription', () => {
    expect(unwantedPaymentReason(sub('refunded'), [], true)).toMatch(/already been refunded/);
  });

  it('refunds money for a subscription the reader cancelled', () => {
    expect(unwantedPaymentReason(sub('expired', true), [], true)).toMatch(/cancelled/);
  });

  it('refunds money when the account was deleted', () => {
    expect(unwantedPaymentReason(sub('expired'), [], false)).toMatch(/account was deleted/);
    expect(unwantedPaymentReason(sub('abandoned'), [], false)).toMatch(/account was deleted/);
  });

  it('refunds money when another subscription, running or awaiting payment, takes its place', () => {
    for (const status of ['active', 'past-due', 'awaiting-payment'] as const) {
      expect(unwantedPaymentReason(sub('abandoned'), [sub('abandoned'), other(status)], true)).toMatch(/another subscription/);
      expect(unwantedPaymentReason(sub('expired'), [other(status)], true)).toMatch(/another subscription/);
    }
    expect(unwantedPaymentReason(sub('awaiting-payment'), [other('active')], true)).toMatch(/another subscription/);
  });

  it('lets money for a lapsed subscription, with nothing else running, buy its term', () => {
    expect(unwantedPaymentReason(sub('abandoned'), [sub('abandoned'), other('expired'), other('refunded')], true)).toBeNull();
    expect(unwantedPaymentReason(sub('expired'), [other('abandoned')], true)).toBeNull();
    expect(unwantedPaymentReason(sub('awaiting-payment'), [sub('awaiting-payment')], true)).toBeNull();
  });
});
