import { describe, expect, it } from 'vitest';
import { accessUntil, addTerm, transition, unusedCredit, type SubscriptionState } from './lifecycle.js';

const d = (iso: string) => new Date(iso);
const awaiting: SubscriptionState = {
  status: 'awaiting-payment',
  cancelAtPeriodEnd: false,
  currentPeriodStart: null,
  currentPeriodEnd: null,
  graceUntil: null,
  lastPaymentAt: null,
};
const active: SubscriptionState = {
  status: 'active',
  cancelAtPeriodEnd: false,
  currentPeriodStart: d('2026-11-01T00:00:00Z'),
  currentPeriodEnd: d('2027-02-01T00:00:00Z'),
  graceUntil: null,
  lastPaymentAt: d('2026-11-01T00:00:00Z'),
};
const pastDue: SubscriptionState = { ...active, status: 'past-due', graceUntil: d('2027-02-08T00:00:00Z') };

function apply(state: SubscriptionState, event: Parameters<typeof transition>[1]) {
  const result = transition(state, event);
  if (!result.ok) throw new Error(result.reason);
  return result;
}

describe('subscription lifecycle', () => {
  it('awaiting payment → active when the first payment is captured', () => {
    const r = apply(awaiting, {
      type: 'payment-captured',
      periodStart: d('2026-11-24T10:00:00Z'),
      periodEnd: d('2027-02-24T10:00:00Z'),
      at: d('2026-11-24T10:00:00Z'),
    });
    expect(r.state).toMatchObject({ status: 'active', currentPeriodEnd: d('2027-02-24T10:00:00Z') });
  });

  it('awaiting payment → abandoned when checkout is never completed', () => {
    expect(apply(awaiting, { type: 'checkout-abandoned', at: d('2026-11-25T10:00:00Z') }).state.status).toBe('abandoned');
  });

  it('active → active with a later period on renewal', () => {
    const r = apply(active, {
      type: 'payment-captured',
      periodStart: d('2027-02-01T00:00:00Z'),
      periodEnd: d('2027-05-01T00:00:00Z'),
      at: d('2027-02-01T00:05:00Z'),
    });
    expect(r.state.currentPeriodEnd).toEqual(d('2027-05-01T00:00:00Z'));
  });

  it('a late, older payment event never shortens the paid period', () => {
    const r = apply(active, {
      type: 'payment-captured',
      periodStart: d('2026-08-01T00:00:00Z'),
      periodEnd: d('2026-11-01T00:00:00Z'),
      at: d('2026-08-01T00:00:00Z'),
    });
    expect(r.state.currentPeriodEnd).toEqual(active.currentPeriodEnd);
    expect(r.state.lastPaymentAt).toEqual(active.lastPaymentAt);
  });

  it('active → cancel at period end, and back again (undo) before the end', () => {
    const cancelled = apply(active, { type: 'cancel-at-period-end', at: d('2026-12-01T00:00:00Z') }).state;
    expect(cancelled).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(apply(cancelled, { type: 'undo-cancel', at: d('2027-01-01T00:00:00Z') }).state.cancelAtPeriodEnd).toBe(false);
    expect(transition(cancelled, { type: 'undo-cancel', at: d('2027-02-02T00:00:00Z') }).ok).toBe(false);
  });

  it('cancelled at period end → expired when the period ends', () => {
    const cancelled = { ...active, cancelAtPeriodEnd: true };
    expect(apply(cancelled, { type: 'period-ended', at: d('2027-01-31T00:00:00Z'), graceDays: 7 }).changed).toBe(false);
    expect(apply(cancelled, { type: 'period-ended', at: d('2027-02-01T00:00:00Z'), graceDays: 7 }).state.status).toBe('expired');
  });

  it('active → past due with a grace period when the renewal fails', () => {
    const r = apply(active, { type: 'payment-failed', at: d('2027-02-01T00:10:00Z'), graceDays: 7 });
    expect(r.state).toMatchObject({ status: 'past-due', graceUntil: d('2027-02-08T00:10:00Z') });
  });

  it('a failure long before renewal time, or older than the last payment, changes nothing', () => {
    expect(apply(active, { type: 'payment-failed', at: d('2026-12-15T00:00:00Z'), graceDays: 7 }).changed).toBe(false);
    expect(apply(active, { type: 'payment-failed', at: d('2026-10-31T00:00:00Z'), graceDays: 7 }).changed).toBe(false);
  });

  it('active → past due when the period ends with no renewal payment', () => {
    const r = apply(active, { type: 'period-ended', at: d('2027-02-01T02:00:00Z'), graceDays: 7 });
    expect(r.state).toMatchObject({ status: 'past-due', graceUntil: d('2027-02-08T00:00:00Z') });
  });

  it('past due → active when the payment is recovered', () => {
    const r = apply(pastDue, {
      type: 'payment-captured',
      periodStart: d('2027-02-01T00:00:00Z'),
      periodEnd: d('2027-05-01T00:00:00Z'),
      at: d('2027-02-03T00:00:00Z'),
    });
    expect(r.state).toMatchObject({ status: 'active', graceUntil: null });
  });

  it('past due → expired when the grace period runs out', () => {
    expect(apply(pastDue, { type: 'grace-ended', at: d('2027-02-07T23:00:00Z') }).changed).toBe(false);
    expect(apply(pastDue, { type: 'grace-ended', at: d('2027-02-08T00:00:00Z') }).state.status).toBe('expired');
  });

  it('any running subscription → refunded on a full refund, and a payment event afterwards changes nothing', () => {
    const refunded = apply(active, { type: 'refunded-in-full', at: d('2026-11-02T00:00:00Z') }).state;
    expect(refunded.status).toBe('refunded');
    expect(
      apply(refunded, {
        type: 'payment-captured',
        periodStart: d('2026-11-01T00:00:00Z'),
        periodEnd: d('2027-02-01T00:00:00Z'),
        at: d('2026-11-01T00:00:00Z'),
      }).changed,
    ).toBe(false);
  });

  it('ended at the gateway → expired; an expired one stays expired', () => {
    const expired = apply(active, { type: 'ended-at-gateway', at: d('2026-12-01T00:00:00Z') }).state;
    expect(expired.status).toBe('expired');
    expect(apply(expired, { type: 'ended-at-gateway', at: d('2026-12-02T00:00:00Z') }).changed).toBe(false);
    expect(transition(expired, { type: 'cancel-at-period-end', at: d('2026-12-02T00:00:00Z') }).ok).toBe(false);
  });

  it('grants access through the grace period while renewing, exactly to the end when cancelled, never when ended', () => {
    expect(accessUntil(active, 7)).toEqual(d('2027-02-08T00:00:00Z'));
    expect(accessUntil({ ...active, cancelAtPeriodEnd: true }, 7)).toEqual(d('2027-02-01T00:00:00Z'));
    expect(accessUntil(pastDue, 7)).toEqual(d('2027-02-08T00:00:00Z'));
    expect(accessUntil({ ...active, status: 'expired' }, 7)).toBeNull();
    expect(accessUntil(awaiting, 7)).toBeNull();
  });

  it('adds calendar terms, clamping to the end of shorter months', () => {
    expect(addTerm(d('2026-11-30T10:00:00Z'), { count: 3, unit: 'month' })).toEqual(d('2027-02-28T10:00:00Z'));
    expect(addTerm(d('2026-11-24T10:00:00Z'), { count: 2, unit: 'year' })).toEqual(d('2028-11-24T10:00:00Z'));
    expect(addTerm(d('2026-11-24T10:00:00Z'), { count: 30, unit: 'day' })).toEqual(d('2026-12-24T10:00:00Z'));
  });

  it('credits the unused part of a period, rounded down', () => {
    expect(unusedCredit(90_000, d('2026-01-01T00:00:00Z'), d('2026-01-31T00:00:00Z'), d('2026-01-16T00:00:00Z'))).toBe(45_000);
    expect(unusedCredit(90_000, d('2026-01-01T00:00:00Z'), d('2026-01-31T00:00:00Z'), d('2026-02-16T00:00:00Z'))).toBe(0);
    expect(unusedCredit(100, d('2026-01-01T00:00:00Z'), d('2026-01-04T00:00:00Z'), d('2026-01-02T00:00:00Z'))).toBe(66);
  });
});
