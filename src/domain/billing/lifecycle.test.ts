import { describe, expect, it } from 'vitest';
import { accessUntil, addTerm, transition, unusedCredit, type LifecycleEvent, type SubscriptionState } from './lifecycle.js';

const d = (iso: string) => new Date(iso);
const PAID_START = d('2026-11-01T00:00:00Z');
const PAID_END = d('2027-02-01T00:00:00Z');
const GRACE_END = d('2027-02-08T00:00:00Z');

/** One subscription in each state, with the fields that state really has. */
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
  currentPeriodStart: PAID_START,
  currentPeriodEnd: PAID_END,
  graceUntil: null,
  lastPaymentAt: PAID_START,
};
const cancelling: SubscriptionState = { ...active, cancelAtPeriodEnd: true };
const pastDue: SubscriptionState = { ...active, status: 'past-due', graceUntil: GRACE_END };
/** Expired because the grace period ran out. */
const expired: SubscriptionState = { ...pastDue, status: 'expired' };
const refunded: SubscriptionState = { ...active, status: 'refunded', cancelAtPeriodEnd: true };
const abandoned: SubscriptionState = { ...awaiting, status: 'abandoned' };

const STATES = { awaiting, active, cancelling, pastDue, expired, refunded, abandoned };
type StateName = keyof typeof STATES;

/** One event of each type, at a moment when it would apply to a subscription in the right state. */
const RENEWAL_PAID_AT = d('2027-02-01T00:05:00Z');
const NEXT_END = d('2027-05-01T00:00:00Z');
const FAILED_AT = d('2027-02-01T00:10:00Z');
const EVENTS = {
  'payment-captured': { type: 'payment-captured', periodStart: PAID_END, periodEnd: NEXT_END, at: RENEWAL_PAID_AT },
  'payment-failed': { type: 'payment-failed', at: FAILED_AT, graceDays: 7 },
  'cancel-at-period-end': { type: 'cancel-at-period-end', at: d('2027-01-15T00:00:00Z') },
  'undo-cancel': { type: 'undo-cancel', at: d('2027-01-20T00:00:00Z') },
  'period-ended': { type: 'period-ended', at: d('2027-02-01T02:00:00Z'), graceDays: 7 },
  'grace-ended': { type: 'grace-ended', at: GRACE_END },
  'ended-at-gateway': { type: 'ended-at-gateway', at: d('2027-01-10T00:00:00Z') },
  'ended-now': { type: 'ended-now', at: d('2027-01-10T00:00:00Z') },
  'reactivated-at-gateway': { type: 'reactivated-at-gateway', periodStart: PAID_END, periodEnd: NEXT_END, at: d('2027-02-03T00:00:00Z') },
  'paused-at-gateway': { type: 'paused-at-gateway', at: d('2027-01-10T00:00:00Z') },
  'resumed-at-gateway': { type: 'resumed-at-gateway', at: d('2027-01-12T00:00:00Z') },
  'refunded-in-full': { type: 'refunded-in-full', at: d('2026-11-02T00:00:00Z') },
  'checkout-abandoned': { type: 'checkout-abandoned', at: d('2026-11-02T00:00:00Z') },
} satisfies Record<LifecycleEvent['type'], LifecycleEvent>;
type EventName = keyof typeof EVENTS;

type Expected = { kind: 'refused' } | { kind: 'unchanged' } | { kind: 'becomes'; patch: Partial<SubscriptionState> };
const refused: Expected = { kind: 'refused' };
const unchanged: Expected = { kind: 'unchanged' };
const becomes = (patch: Partial<SubscriptionState>): Expected => ({ kind: 'becomes', patch });

const renewed = {
  status: 'active',
  currentPeriodStart: PAID_END,
  currentPeriodEnd: NEXT_END,
  graceUntil: null,
  lastPaymentAt: RENEWAL_PAID_AT,
} as const;
const expires = becomes({ status: 'expired' });
const refunds = becomes({ status: 'refunded', cancelAtPeriodEnd: true });

type Case = [state: StateName, event: EventName, expected: Expected, rule: string];

/** Every state × every event. Each guard of `transition` has at least one row here that fails without it. */
const MATRIX: Case[] = [
  ['awaiting', 'payment-captured', becomes(renewed), 'the first payment starts the paid period'],
  ['awaiting', 'payment-failed', unchanged, 'a failed first payment leaves checkout open: nothing was running to fall past due'],
  ['awaiting', 'cancel-at-period-end', refused, 'nothing running to cancel'],
  ['awaiting', 'undo-cancel', refused, 'nothing running to resume'],
  ['awaiting', 'period-ended', unchanged, 'no paid period to end'],
  ['awaiting', 'grace-ended', unchanged, 'no grace period to end'],
  ['awaiting', 'ended-at-gateway', expires, 'nothing was paid: the gateway ending it ends it'],
  ['awaiting', 'ended-now', expires, 'ending it here ends it'],
  ['awaiting', 'reactivated-at-gateway', unchanged, 'an unpaid checkout is activated by its first charge, not by the gateway saying so'],
  ['awaiting', 'paused-at-gateway', unchanged, 'nothing running to pause'],
  ['awaiting', 'resumed-at-gateway', unchanged, 'nothing paused to resume'],
  ['awaiting', 'refunded-in-full', refunds, 'a refund is final'],
  ['awaiting', 'checkout-abandoned', becomes({ status: 'abandoned' }), 'an unpaid checkout is abandoned'],

  ['active', 'payment-captured', becomes(renewed), 'a renewal extends the paid period and records the payment'],
  [
    'active',
    'payment-failed',
    becomes({ status: 'past-due', graceUntil: d('2027-02-08T00:10:00Z') }),
    'a failed renewal starts the grace period',
  ],
  ['active', 'cancel-at-period-end', becomes({ cancelAtPeriodEnd: true }), 'cancelling keeps access to the end of the paid period'],
  ['active', 'undo-cancel', unchanged, 'nothing to undo'],
  [
    'active',
    'period-ended',
    becomes({ status: 'past-due', graceUntil: GRACE_END }),
    'an unpaid renewal starts the grace period at the paid end',
  ],
  ['active', 'grace-ended', unchanged, 'a paid-up subscription has no grace period to end'],
  ['active', 'ended-at-gateway', becomes({ cancelAtPeriodEnd: true }), 'the gateway ending it stops renewals; the paid period runs out'],
  ['active', 'ended-now', expires, 'ending it here ends access at once'],
  [
    'active',
    'reactivated-at-gateway',
    becomes({ currentPeriodStart: PAID_END, currentPeriodEnd: NEXT_END }),
    'an activation naming a later period extends it (it may arrive before the halt it ends)',
  ],
  [
    'active',
    'paused-at-gateway',
    becomes({ cancelAtPeriodEnd: true }),
    'a paused subscription does not renew; access runs to the paid end',
  ],
  ['active', 'resumed-at-gateway', unchanged, 'nothing paused to resume'],
  ['active', 'refunded-in-full', refunds, 'a refund ends access at once'],
  ['active', 'checkout-abandoned', unchanged, 'a paid subscription is never abandoned'],

  ['cancelling', 'payment-captured', becomes(renewed), 'a payment extends the period and keeps the request to cancel'],
  [
    'cancelling',
    'payment-failed',
    becomes({ status: 'past-due', graceUntil: d('2027-02-08T00:10:00Z') }),
    'a failed renewal starts the grace period',
  ],
  ['cancelling', 'cancel-at-period-end', unchanged, 'cancelling twice changes nothing'],
  ['cancelling', 'undo-cancel', becomes({ cancelAtPeriodEnd: false }), 'undo before the end renews again'],
  ['cancelling', 'period-ended', expires, 'a cancelled subscription ends at its paid end, with no grace'],
  ['cancelling', 'grace-ended', unchanged, 'a paid-up subscription has no grace period to end'],
  ['cancelling', 'ended-at-gateway', unchanged, 'an early report of a cycle-end cancel keeps access to the paid end'],
  ['cancelling', 'ended-now', expires, 'ending it here ends access at once'],
  [
    'cancelling',
    'reactivated-at-gateway',
    becomes({ currentPeriodStart: PAID_END, currentPeriodEnd: NEXT_END }),
    'an activation extends the period and keeps the request to cancel',
  ],
  ['cancelling', 'paused-at-gateway', unchanged, 'it already stops at the paid end'],
  ['cancelling', 'resumed-at-gateway', becomes({ cancelAtPeriodEnd: false }), 'resumed before the paid end: it renews again'],
  ['cancelling', 'refunded-in-full', refunds, 'a refund ends access at once'],
  ['cancelling', 'checkout-abandoned', unchanged, 'a paid subscription is never abandoned'],

  ['pastDue', 'payment-captured', becomes(renewed), 'a recovered payment makes it active and clears the grace period'],
  ['pastDue', 'payment-failed', unchanged, 'a repeated failure does not push the grace period back'],
  [
    'pastDue',
    'cancel-at-period-end',
    becomes({ status: 'expired', cancelAtPeriodEnd: true }),
    'cancelling while past due ends it now: nothing paid is left to run',
  ],
  ['pastDue', 'undo-cancel', refused, 'only a running paid subscription can be resumed'],
  ['pastDue', 'period-ended', unchanged, 'the period already ended: the grace period is not restarted'],
  ['pastDue', 'grace-ended', expires, 'the grace period ran out'],
  ['pastDue', 'ended-at-gateway', expires, 'the gateway gave up retrying: nothing paid is left to run'],
  ['pastDue', 'ended-now', expires, 'ending it here ends access at once'],
  [
    'pastDue',
    'reactivated-at-gateway',
    becomes({ status: 'active', graceUntil: null, currentPeriodStart: PAID_END, currentPeriodEnd: NEXT_END }),
    'a halted subscription the gateway activates again is back, for the period it names',
  ],
  ['pastDue', 'paused-at-gateway', unchanged, 'only an active subscription can be paused'],
  ['pastDue', 'resumed-at-gateway', unchanged, 'nothing paused to resume'],
  ['pastDue', 'refunded-in-full', refunds, 'a refund ends access at once'],
  ['pastDue', 'checkout-abandoned', unchanged, 'a paid subscription is never abandoned'],

  ['expired', 'payment-captured', becomes(renewed), 'a payment after the end starts a new paid period'],
  ['expired', 'payment-failed', unchanged, 'an ended subscription cannot fall past due'],
  ['expired', 'cancel-at-period-end', refused, 'nothing running to cancel'],
  ['expired', 'undo-cancel', refused, 'an ended subscription cannot be resumed'],
  ['expired', 'period-ended', unchanged, 'an ended subscription does not fall past due again'],
  ['expired', 'grace-ended', unchanged, 'already ended'],
  ['expired', 'ended-at-gateway', unchanged, 'already ended'],
  ['expired', 'ended-now', unchanged, 'already ended'],
  ['expired', 'reactivated-at-gateway', unchanged, 'an ended subscription comes back only with a payment'],
  ['expired', 'paused-at-gateway', unchanged, 'already ended'],
  ['expired', 'resumed-at-gateway', unchanged, 'an ended subscription comes back only with a payment'],
  ['expired', 'refunded-in-full', refunds, 'a refund after the end is still recorded'],
  ['expired', 'checkout-abandoned', unchanged, 'a once-paid subscription is never abandoned'],

  ['refunded', 'payment-captured', unchanged, 'a late payment event does not revive a refunded subscription'],
  ['refunded', 'payment-failed', unchanged, 'a refunded subscription cannot fall past due'],
  ['refunded', 'cancel-at-period-end', refused, 'nothing running to cancel'],
  ['refunded', 'undo-cancel', refused, 'a refunded subscription cannot be resumed'],
  ['refunded', 'period-ended', unchanged, 'a refunded subscription does not fall past due'],
  ['refunded', 'grace-ended', unchanged, 'a refunded subscription stays refunded'],
  ['refunded', 'ended-at-gateway', unchanged, 'a refunded subscription stays refunded when the gateway reports the end'],
  ['refunded', 'ended-now', unchanged, 'a refunded subscription stays refunded'],
  ['refunded', 'reactivated-at-gateway', unchanged, 'a refunded subscription stays refunded'],
  ['refunded', 'paused-at-gateway', unchanged, 'a refunded subscription stays refunded'],
  ['refunded', 'resumed-at-gateway', unchanged, 'a refunded subscription stays refunded'],
  ['refunded', 'refunded-in-full', unchanged, 'a repeated refund event changes nothing'],
  ['refunded', 'checkout-abandoned', unchanged, 'a refunded subscription is never abandoned'],

  ['abandoned', 'payment-captured', becomes(renewed), 'a payment that arrives after the checkout was abandoned still activates it'],
  ['abandoned', 'payment-failed', unchanged, 'nothing was running to fall past due'],
  ['abandoned', 'cancel-at-period-end', refused, 'nothing running to cancel'],
  ['abandoned', 'undo-cancel', refused, 'nothing running to resume'],
  ['abandoned', 'period-ended', unchanged, 'no paid period to end'],
  ['abandoned', 'grace-ended', unchanged, 'no grace period to end'],
  ['abandoned', 'ended-at-gateway', unchanged, 'already ended'],
  ['abandoned', 'ended-now', unchanged, 'already ended'],
  ['abandoned', 'reactivated-at-gateway', unchanged, 'an abandoned checkout comes back only with a payment'],
  ['abandoned', 'paused-at-gateway', unchanged, 'nothing running to pause'],
  ['abandoned', 'resumed-at-gateway', unchanged, 'nothing paused to resume'],
  ['abandoned', 'refunded-in-full', refunds, 'a refund is final'],
  ['abandoned', 'checkout-abandoned', unchanged, 'already abandoned'],
];

function expectOutcome(state: SubscriptionState, event: LifecycleEvent, expected: Expected) {
  const result = transition(state, event);
  if (expected.kind === 'refused') {
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/\w/);
    return;
  }
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  expect(result.changed).toBe(expected.kind === 'becomes');
  expect(result.state).toEqual(expected.kind === 'becomes' ? { ...state, ...expected.patch } : state);
}

describe('subscription lifecycle: every state × every event', () => {
  it('covers every pair exactly once', () => {
    const pairs = new Set(MATRIX.map(([state, event]) => `${state} × ${event}`));
    expect(pairs.size).toBe(MATRIX.length);
    expect(MATRIX).toHaveLength(Object.keys(STATES).length * Object.keys(EVENTS).length);
  });

  it.each(MATRIX.map(([state, event, expected, rule]) => [state, event, rule, expected] as const))(
    '%s × %s: %s',
    (state, event, _rule, expected) => {
      expectOutcome(STATES[state], EVENTS[event], expected);
    },
  );
});

type TimedCase = [name: string, state: SubscriptionState, event: LifecycleEvent, expected: Expected];
const justBefore = (date: Date) => new Date(date.getTime() - 1);
/** Paid in the last hours of its period (say, a manual payment), so a failure just before it falls inside the renewal window. */
const paidLate: SubscriptionState = { ...active, lastPaymentAt: d('2027-01-31T20:00:00Z') };

/** The time guards, at their edges. */
const ON_TIME: TimedCase[] = [
  [
    'a failure more than a day before the paid end is not a renewal failure',
    active,
    { type: 'payment-failed', at: justBefore(d('2027-01-31T00:00:00Z')), graceDays: 7 },
    unchanged,
  ],
  [
    'a failure exactly a day before the paid end starts the grace period, counted from the paid end',
    active,
    { type: 'payment-failed', at: d('2027-01-31T00:00:00Z'), graceDays: 7 },
    becomes({ status: 'past-due', graceUntil: GRACE_END }),
  ],
  [
    'a failure older than the latest payment is stale, even inside the renewal window',
    paidLate,
    { type: 'payment-failed', at: d('2027-01-31T19:00:00Z'), graceDays: 7 },
    unchanged,
  ],
  [
    'a failure at the same instant as the latest payment is stale',
    paidLate,
    { type: 'payment-failed', at: d('2027-01-31T20:00:00Z'), graceDays: 7 },
    unchanged,
  ],
  [
    'a failure after the latest payment, inside the renewal window, starts the grace period',
    paidLate,
    { type: 'payment-failed', at: d('2027-01-31T21:00:00Z'), graceDays: 7 },
    becomes({ status: 'past-due', graceUntil: GRACE_END }),
  ],
  [
    'undo a moment before the paid end',
    cancelling,
    { type: 'undo-cancel', at: justBefore(PAID_END) },
    becomes({ cancelAtPeriodEnd: false }),
  ],
  ['undo at the paid end is too late', cancelling, { type: 'undo-cancel', at: PAID_END }, refused],
  [
    'period-ended before the paid end changes nothing',
    cancelling,
    { type: 'period-ended', at: justBefore(PAID_END), graceDays: 7 },
    unchanged,
  ],
  ['period-ended at the paid end ends a cancelled subscription', cancelling, { type: 'period-ended', at: PAID_END, graceDays: 7 }, expires],
  [
    'a payment for the same paid end with a later start takes its start: the period it paid for',
    active,
    // The same instant as the paid end, but a Date of its own, as it arrives from the gateway.
    {
      type: 'payment-captured',
      periodStart: d('2026-12-15T00:00:00Z'),
      periodEnd: d('2027-02-01T00:00:00Z'),
      at: d('2026-12-15T00:00:00Z'),
    },
    becomes({ currentPeriodStart: d('2026-12-15T00:00:00Z'), lastPaymentAt: d('2026-12-15T00:00:00Z') }),
  ],
  [
    'the gateway ending it a moment before the paid end keeps access to the paid end',
    active,
    { type: 'ended-at-gateway', at: justBefore(PAID_END) },
    becomes({ cancelAtPeriodEnd: true }),
  ],
  ['the gateway ending it at the paid end ends it', active, { type: 'ended-at-gateway', at: PAID_END }, expires],
  ['resumed at the paid end is too late to renew', cancelling, { type: 'resumed-at-gateway', at: PAID_END }, unchanged],
  [
    'an activation naming an earlier period brings a past-due subscription back without moving its period',
    pastDue,
    { type: 'reactivated-at-gateway', periodStart: PAID_START, periodEnd: PAID_END, at: d('2027-02-03T00:00:00Z') },
    becomes({ status: 'active', graceUntil: null }),
  ],
  ['grace-ended before the grace end changes nothing', pastDue, { type: 'grace-ended', at: justBefore(GRACE_END) }, unchanged],
];

describe('subscription lifecycle: time guards at their edges', () => {
  it.each(ON_TIME)('%s', (_name, state, event, expected) => {
    expectOutcome(state, event, expected);
  });

  it('a late, older payment event never shortens the paid period or moves its start', () => {
    const result = transition(active, {
      type: 'payment-captured',
      periodStart: d('2026-08-01T00:00:00Z'),
      periodEnd: d('2026-11-01T00:00:00Z'),
      at: d('2026-08-01T00:00:00Z'),
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.state).toMatchObject({
      status: 'active',
      currentPeriodStart: PAID_START,
      currentPeriodEnd: PAID_END,
      lastPaymentAt: PAID_START,
    });
  });
});

describe('accessUntil', () => {
  it.each([
    ['a renewing subscription: through the grace period after its paid end', active, GRACE_END],
    ['a cancelled subscription: exactly to its paid end', cancelling, PAID_END],
    ['a past-due subscription: to the end of its grace period', pastDue, GRACE_END],
    ['an expired subscription that had a grace period: none', expired, null],
    ['a refunded subscription: none', refunded, null],
    ['an unpaid checkout: none', awaiting, null],
  ])('%s', (_name, state, until) => {
    expect(accessUntil(state, 7)).toEqual(until);
  });
});

describe('addTerm', () => {
  it('adds calendar terms, clamping to the end of shorter months', () => {
    expect(addTerm(d('2026-11-30T10:00:00Z'), { count: 3, unit: 'month' })).toEqual(d('2027-02-28T10:00:00Z'));
    expect(addTerm(d('2026-11-24T10:00:00Z'), { count: 2, unit: 'year' })).toEqual(d('2028-11-24T10:00:00Z'));
    expect(addTerm(d('2026-11-24T10:00:00Z'), { count: 30, unit: 'day' })).toEqual(d('2026-12-24T10:00:00Z'));
  });

  it('counts the term on the publisher’s calendar, not UTC’s', () => {
    // 00:30 IST on 1 March is 19:00 UTC on 28 February: in UTC a quarter would end on 28 May (29 May IST).
    expect(addTerm(d('2026-03-01T00:30:00+05:30'), { count: 3, unit: 'month' })).toEqual(d('2026-06-01T00:30:00+05:30'));
    expect(addTerm(d('2026-03-01T00:30:00+05:30'), { count: 1, unit: 'year' })).toEqual(d('2027-03-01T00:30:00+05:30'));
    // Month end, one rule: the same day where it exists, else the month's last day, at the same time.
    expect(addTerm(d('2026-01-31T23:59:00+05:30'), { count: 1, unit: 'month' })).toEqual(d('2026-02-28T23:59:00+05:30'));
    expect(addTerm(d('2027-11-30T00:15:00+05:30'), { count: 3, unit: 'month' })).toEqual(d('2028-02-29T00:15:00+05:30'));
    // Milliseconds are kept, and another publisher's zone (with summer time) is honoured.
    expect(addTerm(d('2026-03-01T00:30:00.250+05:30'), { count: 3, unit: 'month' })).toEqual(d('2026-06-01T00:30:00.250+05:30'));
    expect(addTerm(d('2026-01-15T09:00:00Z'), { count: 6, unit: 'month' }, 'Europe/London')).toEqual(d('2026-07-15T09:00:00+01:00'));
  });
});

describe('unusedCredit', () => {
  it('credits the unused part of a period, rounded down', () => {
    expect(unusedCredit(90_000, d('2026-01-01T00:00:00Z'), d('2026-01-31T00:00:00Z'), d('2026-01-16T00:00:00Z'))).toBe(45_000);
    expect(unusedCredit(90_000, d('2026-01-01T00:00:00Z'), d('2026-01-31T00:00:00Z'), d('2026-02-16T00:00:00Z'))).toBe(0);
    expect(unusedCredit(100, d('2026-01-01T00:00:00Z'), d('2026-01-04T00:00:00Z'), d('2026-01-02T00:00:00Z'))).toBe(66);
  });

  it('gives no credit for a period of no length', () => {
    expect(unusedCredit(90_000, d('2026-01-01T00:00:00Z'), d('2026-01-01T00:00:00Z'), d('2025-12-01T00:00:00Z'))).toBe(0);
  });
});
