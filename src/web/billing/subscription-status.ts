import type { Subscription } from '../../domain/billing/subscriptions.js';
import { formatDate } from '../views/format.js';

/**
 * What a reader's subscription is doing, in words, and which actions it allows. Pure, so each status
 * reads the same wherever it is shown.
 */

/** `paused`: renewals were paused at the gateway (by the publisher, or the payer from their UPI app). */
export function statusInWords(sub: Subscription, timeZone: string, paused = false): string {
  const day = (d: Date | null) => (d ? formatDate(d, timeZone) : 'the end of the term');
  switch (sub.status) {
    case 'active':
      if (paused && sub.cancelAtPeriodEnd) return `Renewals paused — access until ${day(sub.currentPeriodEnd)}`;
      return sub.cancelAtPeriodEnd ? `Cancels on ${day(sub.currentPeriodEnd)}` : 'Active';
    case 'past-due':
      return `Payment failed — access until ${day(sub.graceUntil)}`;
    case 'expired':
      return 'Ended';
    case 'refunded':
      return 'Refunded';
    case 'awaiting-payment':
      return 'Awaiting payment';
    case 'abandoned':
      return 'Checkout not completed';
  }
}

export interface SubscriptionActions {
  cancel: boolean;
  /** False on a gateway whose cancellations are final (Razorpay): the page says so instead. */
  undoCancel: boolean;
  changePlan: boolean;
  /** Renewal shown only while it will happen. */
  renews: boolean;
  running: boolean;
}

export function actionsFor(sub: Subscription, now: Date, finalCancellation = false): SubscriptionActions {
  const active = sub.status === 'active';
  const beforeEnd = !sub.currentPeriodEnd || now < sub.currentPeriodEnd;
  return {
    cancel: active && !sub.cancelAtPeriodEnd,
    undoCancel: active && sub.cancelAtPeriodEnd && beforeEnd && !finalCancellation,
    changePlan: active && !!sub.gatewaySubscriptionId,
    renews: active && !sub.cancelAtPeriodEnd && !!sub.currentPeriodEnd,
    running: active || sub.status === 'past-due',
  };
}

/** The subscription the account page is about: the running one, else the newest not abandoned at checkout. */
export function subscriptionToShow(current: Subscription | null, all: Subscription[]): Subscription | null {
  return current ?? all.find((s) => s.status !== 'abandoned') ?? null;
}
