/**
 * The subscription state machine, as pure functions. States:
 * - awaiting-payment: checkout started, nothing paid yet (→ abandoned after a day)
 * - active: paid through `currentPeriodEnd`; with `cancelAtPeriodEnd` it ends there instead of renewing
 * - past-due: the renewal failed; access continues until `graceUntil` while reminders go out
 * - expired: ended (cancelled at period end, grace ran out, the gateway stopped renewing, or the account was deleted)
 * - refunded: the payment was refunded in full; access ends at once
 * - abandoned: the checkout was never paid (a day passed, or the reader chose another plan); what it left at
 *   the gateway is closed first, so a payment should never come.
 * Money the gateway still takes for an ended subscription (before hearing of the end) either buys access
 * or is refunded automatically, never neither (`unwanted-payments.ts`). It is always recorded and
 * invoiced. It buys the term paid when the subscription simply lapsed (abandoned, or expired after a
 * failed renewal) and the reader runs nothing else: as for any payment, it becomes active again. It is
 * refunded in full, by a job that asks the gateway once (a credit note and an email follow), when the
 * reader no longer has it: refunded, cancelled, the account deleted, or another of their subscriptions
 * (running or awaiting payment) covers that time. That is why `payment-captured` is ignored when refunded.
 * Late or repeated events never move a subscription backwards: a payment only ever extends the paid
 * period, and a failure older than the latest payment changes nothing.
 */
import { instantOfWallClock, wallClockAsUtc } from '../time/zoned.js';

export type SubscriptionStatus = 'awaiting-payment' | 'active' | 'past-due' | 'expired' | 'refunded' | 'abandoned';

export interface SubscriptionState {
  status: SubscriptionStatus;
  cancelAtPeriodEnd: boolean;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  graceUntil: Date | null;
  /** When the latest payment was captured: failures older than this are stale. */
  lastPaymentAt: Date | null;
}

export type LifecycleEvent =
  | { type: 'payment-captured'; periodStart: Date; periodEnd: Date; at: Date }
  | { type: 'payment-failed'; at: Date; graceDays: number }
  | { type: 'cancel-at-period-end'; at: Date }
  | { type: 'undo-cancel'; at: Date }
  | { type: 'period-ended'; at: Date; graceDays: number }
  | { type: 'grace-ended'; at: Date }
  /** The gateway will not renew it any more (cancelled or completed there): the paid period still runs out. */
  | { type: 'ended-at-gateway'; at: Date }
  /** Ended here at once, access included (the reader's account is deleted). */
  | { type: 'ended-now'; at: Date }
  /** The gateway brought a past-due subscription back (Razorpay `halted` → `active`), for the period it names. */
  | { type: 'reactivated-at-gateway'; periodStart: Date; periodEnd: Date; at: Date }
  /** Renewals paused at the gateway (Razorpay `paused`): access runs to the paid end unless it is resumed. */
  | { type: 'paused-at-gateway'; at: Date }
  | { type: 'resumed-at-gateway'; at: Date }
  | { type: 'refunded-in-full'; at: Date }
  | { type: 'checkout-abandoned'; at: Date };

export type Transition = { ok: true; state: SubscriptionState; changed: boolean } | { ok: false; reason: string };

const DAY = 24 * 3600 * 1000;
const same = (state: SubscriptionState): Transition => ({ ok: true, state, changed: false });
const to = (state: SubscriptionState, patch: Partial<SubscriptionState>): Transition => ({
  ok: true,
  state: { ...state, ...patch },
  changed: true,
});
const refuse = (reason: string): Transition => ({ ok: false, reason });
const ended = (s: SubscriptionState) => s.status === 'expired' || s.status === 'refunded' || s.status === 'abandoned';

/** Applies one event. Events that do not apply in the current state are either ignored (stale) or refused (invalid request). */
export function transition(state: SubscriptionState, event: LifecycleEvent): Transition {
  switch (event.type) {
    case 'payment-captured': {
      if (state.status === 'refunded') return same(state);
      // Never shorten the paid period: a late or repeated payment event extends at most.
      const end = state.currentPeriodEnd && state.currentPeriodEnd > event.periodEnd ? state.currentPeriodEnd : event.periodEnd;
      const start = end === event.periodEnd ? event.periodStart : state.currentPeriodStart;
      const lastPaymentAt = state.lastPaymentAt && state.lastPaymentAt > event.at ? state.lastPaymentAt : event.at;
      return to(state, { status: 'active', currentPeriodStart: start, currentPeriodEnd: end, graceUntil: null, lastPaymentAt });
    }
    case 'payment-failed': {
      if (state.status !== 'active' || (state.lastPaymentAt && event.at <= state.lastPaymentAt)) return same(state);
      // A failure only matters at renewal time; the paid period still runs until its end.
      if (state.currentPeriodEnd && event.at.getTime() < state.currentPeriodEnd.getTime() - DAY) return same(state);
      const base = state.currentPeriodEnd && state.currentPeriodEnd > event.at ? state.currentPeriodEnd : event.at;
      return to(state, { status: 'past-due', graceUntil: new Date(base.getTime() + event.graceDays * DAY) });
    }
    case 'cancel-at-period-end':
      if (state.status !== 'active' && state.status !== 'past-due') return refuse('Only a running subscription can be cancelled.');
      if (state.status === 'past-due') return to(state, { status: 'expired', cancelAtPeriodEnd: true });
      return state.cancelAtPeriodEnd ? same(state) : to(state, { cancelAtPeriodEnd: true });
    case 'undo-cancel':
      if (state.status !== 'active' || (state.currentPeriodEnd && event.at >= state.currentPeriodEnd))
        return refuse('This subscription has already ended.');
      return state.cancelAtPeriodEnd ? to(state, { cancelAtPeriodEnd: false }) : same(state);
    case 'period-ended':
      if (state.status !== 'active' || !state.currentPeriodEnd || event.at < state.currentPeriodEnd) return same(state);
      if (state.cancelAtPeriodEnd) return to(state, { status: 'expired' });
      return to(state, { status: 'past-due', graceUntil: new Date(state.currentPeriodEnd.getTime() + event.graceDays * DAY) });
    case 'grace-ended':
      if (state.status !== 'past-due' || !state.graceUntil || event.at < state.graceUntil) return same(state);
      return to(state, { status: 'expired' });
    case 'ended-at-gateway':
      // No more renewals, not "no more access": what was paid for still runs to its end (a cycle-end cancel
      // can be reported early, razorpay-node#325). A subscription with nothing paid left ends now.
      if (ended(state)) return same(state);
      if (state.status === 'active' && state.currentPeriodEnd && event.at < state.currentPeriodEnd) {
        return state.cancelAtPeriodEnd ? same(state) : to(state, { cancelAtPeriodEnd: true });
      }
      return to(state, { status: 'expired' });
    case 'ended-now':
      return ended(state) ? same(state) : to(state, { status: 'expired' });
    case 'reactivated-at-gateway': {
      // Only a running subscription comes back: an unpaid checkout waits for its charge, an ended one stays ended.
      if (state.status !== 'active' && state.status !== 'past-due') return same(state);
      const later = !state.currentPeriodEnd || event.periodEnd > state.currentPeriodEnd;
      if (state.status === 'active' && !later) return same(state);
      return to(state, {
        status: 'active',
        graceUntil: null,
        ...(later ? { currentPeriodStart: event.periodStart, currentPeriodEnd: event.periodEnd } : {}),
      });
    }
    case 'paused-at-gateway':
      return state.status === 'active' && !state.cancelAtPeriodEnd ? to(state, { cancelAtPeriodEnd: true }) : same(state);
    case 'resumed-at-gateway':
      if (state.status !== 'active' || !state.cancelAtPeriodEnd) return same(state);
      return state.currentPeriodEnd && event.at >= state.currentPeriodEnd ? same(state) : to(state, { cancelAtPeriodEnd: false });
    case 'refunded-in-full':
      return state.status === 'refunded' ? same(state) : to(state, { status: 'refunded', cancelAtPeriodEnd: true });
    case 'checkout-abandoned':
      return state.status === 'awaiting-payment' ? to(state, { status: 'abandoned' }) : same(state);
  }
}

/**
 * Until when the subscription grants access, or null for none. A renewing subscription keeps access
 * through the grace period after its paid end, so a renewal that arrives a little late never interrupts
 * reading; a cancelled one stops exactly at its paid end.
 */
export function accessUntil(state: SubscriptionState, graceDays: number): Date | null {
  if (state.status === 'active' && state.currentPeriodEnd) {
    return state.cancelAtPeriodEnd ? state.currentPeriodEnd : new Date(state.currentPeriodEnd.getTime() + graceDays * DAY);
  }
  if (state.status === 'past-due') return state.graceUntil;
  return null;
}

/**
 * Adds a plan term to a date on the publisher's calendar: the term is counted on the wall clock of
 * `timeZone` (IST unless the publisher's is given), so a quarter bought at 00:30 IST on 1 March ends at
 * 00:30 IST on 1 June, not on 31 May as it would in UTC. Months keep the day of the month; where the
 * month is shorter (a term from 31 January), it ends on that month's last day, at the same time of day.
 */
export function addTerm(from: Date, term: { count: number; unit: 'day' | 'month' | 'year' }, timeZone = 'Asia/Kolkata'): Date {
  // The wall clock keeps whole seconds; the milliseconds are carried over as they are.
  const ms = ((from.getTime() % 1000) + 1000) % 1000;
  const d = new Date(wallClockAsUtc(from.getTime(), timeZone) + ms);
  if (term.unit === 'day') d.setUTCDate(d.getUTCDate() + term.count);
  else {
    const months = term.unit === 'year' ? term.count * 12 : term.count;
    const day = d.getUTCDate();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() + months);
    const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
    d.setUTCDate(Math.min(day, lastDay));
  }
  return new Date(instantOfWallClock(d.getTime() - ms, timeZone) + ms);
}

/**
 * Credit for the unused part of the current period when upgrading at once: the share of the amount paid
 * for the days not yet used, rounded down to the paisa (the reader never gets more than they paid).
 */
export function unusedCredit(paidMinor: number, periodStart: Date, periodEnd: Date, now: Date): number {
  const total = periodEnd.getTime() - periodStart.getTime();
  const left = Math.max(0, Math.min(total, periodEnd.getTime() - now.getTime()));
  if (total <= 0) return 0;
  return Math.floor((paidMinor * left) / total);
}
