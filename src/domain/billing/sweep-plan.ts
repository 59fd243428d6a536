import type { LifecycleEvent, SubscriptionStatus } from './lifecycle.js';
import type { Subscription } from './subscriptions.js';

/**
 * What the periodic billing sweep does for one subscription, decided as a pure function of the
 * subscription, the notices already sent for its current period, and the time. The sweep (`sweep.ts`)
 * loads these, asks `planSweep`, and carries the actions out; every guard of the schedule lives here.
 */

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A checkout still awaiting payment after this long is checked with the gateway (its webhooks may be lost). */
export const RECONCILE_CHECKOUT_AFTER_MS = 15 * MINUTE;
/** A checkout still awaiting payment after this long is abandoned. */
export const ABANDON_CHECKOUT_AFTER_MS = DAY;
/** The pre-debit notice goes out from 72 h before a renewal; the charge waits until 24 h after it (RBI e-mandate rule). */
export const NOTICE_FROM_MS = 72 * HOUR;
export const NOTICE_LEAD_MS = 24 * HOUR;
/** How long a renewal may take to be charged before the gateway is asked and the subscription falls past due. */
export const RENEWAL_GRACE_MS = 2 * HOUR;
/** Days after the failed renewal on which reminders go out, while the grace period lasts. */
export const DUNNING_DAYS = [1, 3, 6] as const;
/**
 * A cancellation made before the reader's request was recorded as owed (older data) is still sent to a gateway
 * whose cancellations are final from this long before the period end.
 */
export const FINAL_CANCEL_LEAD_MS = 48 * HOUR;
/**
 * How long after the period end a gateway that charges on its own schedule (Razorpay, Stripe) may take to
 * report the renewal before it counts as failed: UPI AutoPay and e-mandate debits land after the 24 h
 * pre-debit notice, and their confirmations can take up to 3 days (reference/billing.md [R14-sub], [R16]).
 * Until then the reader keeps access (the grace days) and is not told the renewal failed, unless the
 * gateway itself reports a failure.
 */
export const RENEWAL_CONFIRMATION_MS = 3 * DAY;
/** Notice kinds: the reader's cancellation is owed to the gateway; the gateway has it; renewals are paused there. */
export const CANCEL_REQUESTED = 'cancel-requested';
export const GATEWAY_CANCELLED = 'gateway-cancel';
export const GATEWAY_PAUSED = 'gateway-paused';
/** Notice kind prefix on a subscription a paid new one replaces (`plan-replacement.ts`). */
export const REPLACED_BY = 'replaced-by:';

export type SweepEmail = 'pre-debit' | 'payment-failed' | 'dunning' | 'ended';

export type SweepAction =
  /** Ask the gateway for the truth and apply any payment or ending we missed. */
  | { type: 'reconcile' }
  /** Claim a once-per-period notice; `then` runs only if this sweep claimed it (never twice a period). */
  | { type: 'claim-notice'; kind: string; then: SweepAction[] }
  /** Queue a billing email, once per `key`. */
  | { type: 'email'; template: SweepEmail; key: string }
  /** Ask the gateway to charge the renewal (gateways that charge on their own schedule ignore it). */
  | { type: 'request-renewal'; planId: number; gatewaySubscriptionId: string; periodEnd: Date }
  /** Tell the gateway to stop renewing at the period end, or to end the subscription now. */
  | { type: 'cancel-at-gateway'; when: 'period-end' | 'now'; gatewaySubscriptionId: string }
  /** Close what an unpaid checkout left at the gateway, so a late payment cannot revive it. */
  | { type: 'close-checkout-at-gateway' }
  /** A paid new subscription replaces this one: cancel it at the gateway, refund its unused part, end it. */
  | { type: 'finish-replacement' }
  /** Apply a lifecycle event; `then` runs only if it changed the subscription (to `status`, when given). */
  | { type: 'apply'; event: LifecycleEvent; then: SweepAction[]; status?: SubscriptionStatus };

export interface SweepRules {
  graceDays: number;
  /** The subscription's gateway cannot undo a scheduled cancellation (Razorpay): a cancellation it missed is sent again. */
  finalCancellation: boolean;
  /**
   * The gateway charges renewals on its own schedule (Razorpay, Stripe), so a renewal not yet reported is in
   * flight until `RENEWAL_CONFIRMATION_MS` after the period end; false for a gateway that charges when asked.
   */
  chargesOnItsOwn: boolean;
}

/** The subscription as the sweep reads it. */
export type SweepSubject = Pick<
  Subscription,
  'status' | 'createdAt' | 'currentPeriodEnd' | 'cancelAtPeriodEnd' | 'graceUntil' | 'gatewaySubscriptionId' | 'planId' | 'nextPlanId'
>;

const claim = (kind: string, then: SweepAction[] = []): SweepAction => ({ type: 'claim-notice', kind, then });
const email = (template: SweepEmail, key: string): SweepAction => ({ type: 'email', template, key });

/**
 * The actions due for one subscription at `now`. `noticesSent` holds the notices already claimed for
 * its current period (kind → when). Running the plan twice changes nothing the second time: notices are
 * claimed once, and lifecycle events that no longer apply change nothing.
 */
export function planSweep(sub: SweepSubject, noticesSent: ReadonlyMap<string, Date>, now: Date, rules: SweepRules): SweepAction[] {
  if (sub.status === 'awaiting-payment') return planCheckout(sub, now);
  const running = sub.status === 'active' || sub.status === 'past-due';
  if (running && [...noticesSent.keys()].some((kind) => kind.startsWith(REPLACED_BY))) return [{ type: 'finish-replacement' }];
  const end = sub.currentPeriodEnd;
  if (!end) return [];
  if (sub.status === 'active' && !sub.cancelAtPeriodEnd) return planRenewal(sub, end, noticesSent, now, rules);
  if (sub.status === 'active') return planCancelled(sub, end, noticesSent, now, rules);
  if (sub.status === 'past-due' && sub.graceUntil) return planDunning(sub, end, sub.graceUntil, noticesSent, now, rules);
  return [];
}

function planCheckout(sub: SweepSubject, now: Date): SweepAction[] {
  const age = now.getTime() - sub.createdAt.getTime();
  const actions: SweepAction[] = [];
  if (age > RECONCILE_CHECKOUT_AFTER_MS) actions.push({ type: 'reconcile' });
  // The gateway side is closed first: if that fails, the checkout stays open here and the next sweep tries again.
  if (age > ABANDON_CHECKOUT_AFTER_MS) {
    actions.push({ type: 'close-checkout-at-gateway' }, { type: 'apply', event: { type: 'checkout-abandoned', at: now }, then: [] });
  }
  return actions;
}

/** A renewing subscription: the pre-debit notice, the renewal request, and past due when no payment came. */
function planRenewal(sub: SweepSubject, end: Date, sent: ReadonlyMap<string, Date>, now: Date, rules: SweepRules): SweepAction[] {
  const t = now.getTime();
  const actions: SweepAction[] = [];
  let noticeAt = sent.get('pre-debit') ?? null;
  if (!noticeAt && t >= end.getTime() - NOTICE_FROM_MS) {
    actions.push(claim('pre-debit', [email('pre-debit', end.toISOString())]));
    noticeAt = now;
  }
  if (!noticeAt) return actions;
  // Never before the period ends, and never on a notice younger than 24 hours: a late notice pushes the charge back.
  const chargeFrom = Math.max(end.getTime(), noticeAt.getTime() + NOTICE_LEAD_MS);
  if (t >= chargeFrom && sub.gatewaySubscriptionId && !sent.has('renewal-requested')) {
    const request: SweepAction = {
      type: 'request-renewal',
      planId: sub.nextPlanId ?? sub.planId,
      gatewaySubscriptionId: sub.gatewaySubscriptionId,
      periodEnd: end,
    };
    return [...actions, claim('renewal-requested', [request])];
  }
  if (t < chargeFrom + RENEWAL_GRACE_MS) return actions;
  // A debit the gateway makes on its own may still land: ask once, and wait for it until the deadline.
  if (rules.chargesOnItsOwn && t < end.getTime() + RENEWAL_CONFIRMATION_MS) {
    return sent.has('renewal-checked') ? actions : [...actions, claim('renewal-checked', [{ type: 'reconcile' }])];
  }
  actions.push(
    { type: 'reconcile' },
    {
      type: 'apply',
      event: { type: 'period-ended', at: now, graceDays: rules.graceDays },
      then: [email('payment-failed', end.toISOString())],
      status: 'past-due',
    },
  );
  return actions;
}

/**
 * A subscription cancelled at period end. A gateway whose cancellations are final (Razorpay) is told when the
 * reader cancels; if that call failed, every sweep sends it again until the gateway has it (it is marked sent
 * only once the gateway answered). At the end it expires.
 */
function planCancelled(sub: SweepSubject, end: Date, sent: ReadonlyMap<string, Date>, now: Date, rules: SweepRules): SweepAction[] {
  const t = now.getTime();
  if (t >= end.getTime()) {
    return [
      { type: 'apply', event: { type: 'period-ended', at: now, graceDays: rules.graceDays }, then: [email('ended', end.toISOString())] },
    ];
  }
  if (!rules.finalCancellation || !sub.gatewaySubscriptionId || sent.has(GATEWAY_CANCELLED)) return [];
  // Owed: the reader cancelled. Older cancellations (made before that was recorded) are sent in the last two
  // days, unless renewals are only paused at the gateway (the publisher or the payer may resume them).
  const owed = sent.has(CANCEL_REQUESTED) || (t >= end.getTime() - FINAL_CANCEL_LEAD_MS && !sent.has(GATEWAY_PAUSED));
  if (!owed) return [];
  return [{ type: 'cancel-at-gateway', when: 'period-end', gatewaySubscriptionId: sub.gatewaySubscriptionId }, claim(GATEWAY_CANCELLED)];
}

/** A failed renewal: reminders on the dunning days while the grace lasts, then it expires. */
function planDunning(
  sub: SweepSubject,
  end: Date,
  graceUntil: Date,
  sent: ReadonlyMap<string, Date>,
  now: Date,
  rules: SweepRules,
): SweepAction[] {
  const t = now.getTime();
  if (t >= graceUntil.getTime()) {
    const then: SweepAction[] = sub.gatewaySubscriptionId
      ? [{ type: 'cancel-at-gateway', when: 'now', gatewaySubscriptionId: sub.gatewaySubscriptionId }]
      : [];
    return [
      { type: 'reconcile' },
      { type: 'apply', event: { type: 'grace-ended', at: now }, then: [...then, email('ended', end.toISOString())] },
    ];
  }
  // A sweep that missed reminder days (the server was down) marks them all sent but sends only the latest.
  // Reminder days that fell while the gateway's own debit was still in flight are marked sent silently: the
  // reader has only just been told the renewal failed.
  const due = DUNNING_DAYS.filter((day) => t >= end.getTime() + day * DAY && !sent.has(`dunning-${day}`));
  const silent = (day: number) => rules.chargesOnItsOwn && day * DAY <= RENEWAL_CONFIRMATION_MS;
  return due.map((day, i) =>
    claim(`dunning-${day}`, i === due.length - 1 && !silent(day) ? [email('dunning', `${end.toISOString()}:${day}`)] : []),
  );
}
