import { describe, expect, it } from 'vitest';
import { planSweep, type SweepAction, type SweepRules, type SweepSubject } from './sweep-plan.js';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The period being renewed ends here; the subscription was bought a quarter before. */
const END = new Date('2027-02-24T10:00:00.000Z');
const KEY = END.toISOString();
const at = (offsetMs: number) => new Date(END.getTime() + offsetMs);

const renewing: SweepSubject = {
  status: 'active',
  createdAt: new Date('2026-11-24T10:00:00.000Z'),
  currentPeriodEnd: END,
  cancelAtPeriodEnd: false,
  graceUntil: null,
  gatewaySubscriptionId: 'sub_1',
  planId: 1,
  nextPlanId: null,
};
const cancelled: SweepSubject = { ...renewing, cancelAtPeriodEnd: true };
const pastDue: SweepSubject = { ...renewing, status: 'past-due', graceUntil: at(7 * DAY) };
const CREATED = new Date('2027-01-10T08:00:00.000Z');
const checkout: SweepSubject = { ...renewing, status: 'awaiting-payment', createdAt: CREATED, currentPeriodEnd: null };
const afterCheckout = (offsetMs: number) => new Date(CREATED.getTime() + offsetMs);

/** The test gateway: charges a renewal when asked, answers at once. */
const rules: SweepRules = { graceDays: 7, finalCancellation: false, chargesOnItsOwn: false };
/** Razorpay: cancellations are final, renewals are charged on its own schedule. */
const finalCancellation: SweepRules = { ...rules, finalCancellation: true, chargesOnItsOwn: true };
const ownSchedule: SweepRules = { ...rules, chargesOnItsOwn: true };

const reconcile: SweepAction = { type: 'reconcile' };
const claim = (kind: string, then: SweepAction[] = []): SweepAction => ({ type: 'claim-notice', kind, then });
const email = (template: 'pre-debit' | 'payment-failed' | 'dunning' | 'ended', key = KEY): SweepAction => ({
  type: 'email',
  template,
  key,
});
const preDebit = claim('pre-debit', [email('pre-debit')]);
const renewal = (planId = 1): SweepAction =>
  claim('renewal-requested', [{ type: 'request-renewal', planId, gatewaySubscriptionId: 'sub_1', periodEnd: END }]);
const pastDueAfter = (now: Date): SweepAction[] => [
  reconcile,
  { type: 'apply', event: { type: 'period-ended', at: now, graceDays: 7 }, then: [email('payment-failed')], status: 'past-due' },
];
const expiry = (now: Date): SweepAction => ({
  type: 'apply',
  event: { type: 'period-ended', at: now, graceDays: 7 },
  then: [email('ended')],
});
const toGateway: SweepAction[] = [
  { type: 'cancel-at-gateway', when: 'period-end', gatewaySubscriptionId: 'sub_1' },
  claim('gateway-cancel'),
];
const graceEnd = (now: Date, cancelAtGateway = true): SweepAction[] => [
  reconcile,
  {
    type: 'apply',
    event: { type: 'grace-ended', at: now },
    then: [
      ...(cancelAtGateway ? [{ type: 'cancel-at-gateway', when: 'now', gatewaySubscriptionId: 'sub_1' } as const] : []),
      email('ended'),
    ],
  },
];
const dunning = (day: number, send = true) => claim(`dunning-${day}`, send ? [email('dunning', `${KEY}:${day}`)] : []);

interface Case {
  sub: SweepSubject;
  sent?: Record<string, Date>;
  now: Date;
  rules?: SweepRules;
  expected: SweepAction[];
}

/** One named case per guard of the schedule: deleting any guard makes at least one of these fail. */
const CASES: Record<string, Case> = {
  // Checkout awaiting payment
  'checkout: nothing in its first 15 minutes': { sub: checkout, now: afterCheckout(15 * MINUTE), expected: [] },
  'checkout: after 15 minutes the gateway is asked (its webhooks may be lost)': {
    sub: checkout,
    now: afterCheckout(15 * MINUTE + 1),
    expected: [reconcile],
  },
  'checkout: not abandoned within its first day': { sub: checkout, now: afterCheckout(DAY), expected: [reconcile] },
  'checkout: abandoned once a day old, after asking the gateway': {
    sub: checkout,
    now: afterCheckout(DAY + MINUTE),
    expected: [
      reconcile,
      { type: 'close-checkout-at-gateway' },
      { type: 'apply', event: { type: 'checkout-abandoned', at: afterCheckout(DAY + MINUTE) }, then: [] },
    ],
  },

  // Renewal: pre-debit notice, the charge, past due
  'renewal: a subscription without a period end is left alone': {
    sub: { ...renewing, currentPeriodEnd: null },
    now: at(0),
    expected: [],
  },
  'renewal: no pre-debit notice before the 72 h window': { sub: renewing, now: at(-72 * HOUR - MINUTE), expected: [] },
  'renewal: the pre-debit notice is claimed and sent 72 h before': { sub: renewing, now: at(-72 * HOUR), expected: [preDebit] },
  'renewal: the pre-debit notice is claimed once per period': {
    sub: renewing,
    sent: { 'pre-debit': at(-72 * HOUR) },
    now: at(-48 * HOUR),
    expected: [],
  },
  'renewal: nothing is charged before the period ends': {
    sub: renewing,
    sent: { 'pre-debit': at(-72 * HOUR) },
    now: at(-MINUTE),
    expected: [],
  },
  'renewal: requested at the period end, 24 h or more after the notice': {
    sub: renewing,
    sent: { 'pre-debit': at(-72 * HOUR) },
    now: at(0),
    expected: [renewal()],
  },
  'renewal: the plan that takes over (a downgrade) is the one charged': {
    sub: { ...renewing, nextPlanId: 2 },
    sent: { 'pre-debit': at(-72 * HOUR) },
    now: at(0),
    expected: [renewal(2)],
  },
  'renewal: a notice sent at the period end holds the charge back': { sub: renewing, now: at(0), expected: [preDebit] },
  'renewal: never charged on a notice younger than 24 h': {
    sub: renewing,
    sent: { 'pre-debit': at(-HOUR) },
    now: at(23 * HOUR - MINUTE),
    expected: [],
  },
  'renewal: charged once the late notice is 24 h old': {
    sub: renewing,
    sent: { 'pre-debit': at(-HOUR) },
    now: at(23 * HOUR),
    expected: [renewal()],
  },
  'renewal: not requested without the gateway’s subscription id': {
    sub: { ...renewing, gatewaySubscriptionId: null },
    sent: { 'pre-debit': at(-72 * HOUR) },
    now: at(0),
    expected: [],
  },
  'renewal: requested once per period': {
    sub: renewing,
    sent: { 'pre-debit': at(-72 * HOUR), 'renewal-requested': at(0) },
    now: at(2 * HOUR - MINUTE),
    expected: [],
  },
  'renewal: 2 h after it was due with no payment, reconciled then past due with a “payment failed” email': {
    sub: renewing,
    sent: { 'pre-debit': at(-72 * HOUR), 'renewal-requested': at(0) },
    now: at(2 * HOUR),
    expected: pastDueAfter(at(2 * HOUR)),
  },
  'renewal: the 2 h count from 24 h after a late notice': {
    sub: renewing,
    sent: { 'pre-debit': at(-HOUR), 'renewal-requested': at(23 * HOUR) },
    now: at(25 * HOUR - MINUTE),
    expected: [],
  },
  'renewal: past due 2 h after the late notice’s charge was due': {
    sub: renewing,
    sent: { 'pre-debit': at(-HOUR), 'renewal-requested': at(23 * HOUR) },
    now: at(25 * HOUR),
    expected: pastDueAfter(at(25 * HOUR)),
  },

  // A debit the gateway makes on its own schedule (Razorpay, Stripe) is in flight for 3 days after the end
  'renewal in flight: 2 h after the end the gateway is asked once, and nothing is marked failed': {
    sub: renewing,
    rules: ownSchedule,
    sent: { 'pre-debit': at(-72 * HOUR), 'renewal-requested': at(0) },
    now: at(2 * HOUR),
    expected: [claim('renewal-checked', [reconcile])],
  },
  'renewal in flight: no “payment failed” until 3 days after the end': {
    sub: renewing,
    rules: ownSchedule,
    sent: { 'pre-debit': at(-72 * HOUR), 'renewal-requested': at(0), 'renewal-checked': at(2 * HOUR) },
    now: at(3 * DAY - MINUTE),
    expected: [],
  },
  'renewal in flight: 3 days after the end with nothing reported, reconciled then past due': {
    sub: renewing,
    rules: ownSchedule,
    sent: { 'pre-debit': at(-72 * HOUR), 'renewal-requested': at(0), 'renewal-checked': at(2 * HOUR) },
    now: at(3 * DAY),
    expected: pastDueAfter(at(3 * DAY)),
  },
  'renewal in flight: reminder days that fell while the debit was in flight are marked sent, not emailed': {
    sub: pastDue,
    rules: ownSchedule,
    now: at(3 * DAY + HOUR),
    expected: [dunning(1, false), dunning(3, false)],
  },
  'renewal in flight: later reminders go out as usual': {
    sub: pastDue,
    rules: ownSchedule,
    sent: { 'dunning-1': at(3 * DAY), 'dunning-3': at(3 * DAY) },
    now: at(6 * DAY),
    expected: [dunning(6)],
  },

  // Cancelled at period end
  'cancelled: a cancellation owed to a final gateway (its send failed) is sent again by any sweep': {
    sub: cancelled,
    rules: finalCancellation,
    sent: { 'cancel-requested': at(-70 * HOUR) },
    now: at(-70 * HOUR),
    expected: toGateway,
  },
  'cancelled: an older cancellation, not recorded as owed, goes to the gateway 48 h before the end': {
    sub: cancelled,
    rules: finalCancellation,
    now: at(-48 * HOUR),
    expected: toGateway,
  },
  'cancelled: an older cancellation waits for the last 48 h (it may be a pause)': {
    sub: cancelled,
    rules: finalCancellation,
    now: at(-48 * HOUR - MINUTE),
    expected: [],
  },
  'cancelled: renewals paused at the gateway are never turned into a cancellation': {
    sub: cancelled,
    rules: finalCancellation,
    sent: { 'gateway-paused': at(-5 * DAY) },
    now: at(-24 * HOUR),
    expected: [],
  },
  'cancelled: only a gateway whose cancellation is final is told early': { sub: cancelled, now: at(-24 * HOUR), expected: [] },
  'cancelled: the gateway is told once': {
    sub: cancelled,
    rules: finalCancellation,
    sent: { 'cancel-requested': at(-5 * DAY), 'gateway-cancel': at(-5 * DAY) },
    now: at(-24 * HOUR),
    expected: [],
  },
  'cancelled: the gateway is not told without its subscription id': {
    sub: { ...cancelled, gatewaySubscriptionId: null },
    rules: finalCancellation,
    now: at(-24 * HOUR),
    expected: [],
  },
  'cancelled: runs to the end of the period': { sub: cancelled, now: at(-MINUTE), expected: [] },
  'cancelled: expires at the period end with an “ended” email, the gateway not told again': {
    sub: cancelled,
    rules: finalCancellation,
    now: at(0),
    expected: [expiry(at(0))],
  },

  // Past due: dunning and the end of grace
  'past due: no reminder in the first day': { sub: pastDue, now: at(DAY - MINUTE), expected: [] },
  'past due: a reminder on day 1': { sub: pastDue, now: at(DAY), expected: [dunning(1)] },
  'past due: each reminder once': { sub: pastDue, sent: { 'dunning-1': at(DAY) }, now: at(3 * DAY - MINUTE), expected: [] },
  'past due: a reminder on day 3': { sub: pastDue, sent: { 'dunning-1': at(DAY) }, now: at(3 * DAY), expected: [dunning(3)] },
  'past due: a reminder on day 6': {
    sub: pastDue,
    sent: { 'dunning-1': at(DAY), 'dunning-3': at(3 * DAY) },
    now: at(6 * DAY),
    expected: [dunning(6)],
  },
  'past due: missed reminder days are all marked sent, only the latest is emailed': {
    sub: pastDue,
    now: at(6 * DAY + HOUR),
    expected: [dunning(1, false), dunning(3, false), dunning(6)],
  },
  'past due: access and reminders until the grace ends': {
    sub: pastDue,
    sent: { 'dunning-1': at(DAY), 'dunning-3': at(3 * DAY), 'dunning-6': at(6 * DAY) },
    now: at(7 * DAY - MINUTE),
    expected: [],
  },
  'past due: at the grace end reconciled, expired, the mandate cancelled and an “ended” email': {
    sub: pastDue,
    sent: { 'dunning-1': at(DAY), 'dunning-3': at(3 * DAY), 'dunning-6': at(6 * DAY) },
    now: at(7 * DAY),
    expected: graceEnd(at(7 * DAY)),
  },
  'past due: without the gateway’s subscription id nothing is cancelled there': {
    sub: { ...pastDue, gatewaySubscriptionId: null },
    now: at(7 * DAY),
    expected: graceEnd(at(7 * DAY), false),
  },
  'past due: without a grace end it is left alone': { sub: { ...pastDue, graceUntil: null }, now: at(DAY), expected: [] },

  // Replaced by a new subscription (a plan change the gateway refused)
  'replaced: once the new subscription is paid, the old one is cancelled at the gateway, credited and ended': {
    sub: renewing,
    sent: { 'replaced-by:9': at(-30 * DAY) },
    now: at(-30 * DAY),
    expected: [{ type: 'finish-replacement' }],
  },
  'replaced: an ended subscription has nothing left to finish': {
    sub: { ...renewing, status: 'expired' },
    sent: { 'replaced-by:9': at(-30 * DAY) },
    now: at(-30 * DAY),
    expected: [],
  },

  // Ended
  'ended: an expired subscription is left alone': { sub: { ...pastDue, status: 'expired' }, now: at(10 * DAY), expected: [] },
  'ended: a refunded subscription is left alone': {
    sub: { ...pastDue, status: 'refunded', cancelAtPeriodEnd: true },
    rules: finalCancellation,
    now: at(-DAY),
    expected: [],
  },
  'ended: an abandoned checkout is left alone': { sub: { ...checkout, status: 'abandoned' }, now: afterCheckout(10 * DAY), expected: [] },
};

describe('planSweep', () => {
  it.each(Object.entries(CASES))('%s', (_name, c) => {
    const sent = new Map(Object.entries(c.sent ?? {}));
    expect(planSweep(c.sub, sent, c.now, c.rules ?? rules)).toEqual(c.expected);
  });

  it('plans nothing new once what it planned is done (notices claimed)', () => {
    const now = at(6 * DAY + HOUR);
    const claimed = (actions: SweepAction[]) =>
      new Map(actions.flatMap((a) => (a.type === 'claim-notice' ? [[a.kind, now] as const] : [])));
    expect(planSweep(pastDue, claimed(planSweep(pastDue, new Map(), now, rules)), now, rules)).toEqual([]);
  });
});
