import type { Tx } from '../ports/database.js';
import { WAITING_FOR_PAYMENT } from './webhook-queries.js';
import { grantEntitlements, liveGrantsOfSource, revokeEntitlements } from '../entitlements/queries.js';
import type { BillingEvent, GatewayName } from './gateway.js';
import { issueCreditNote, issueInvoice } from './invoices.js';
import { accessUntil, addTerm, transition, type LifecycleEvent, type SubscriptionState } from './lifecycle.js';
import { findPayment, findPaymentByGatewayId, insertPayment, insertRefund, listSubscriptionPayments } from './payment-queries.js';
import { findPlan } from './plan-queries.js';
import type { BillingRules } from './rules.js';
import { findSubscriptionIdByGatewayId, saveSubscriptionState, setGatewayIds, setPaymentMethod, setPlan } from './subscription-queries.js';
import { lockSubscription, type Subscription } from './subscriptions.js';
import { claimNotice, noticeSentAt } from './notice-queries.js';
import { CANCEL_REQUESTED, GATEWAY_CANCELLED, GATEWAY_PAUSED } from './sweep-plan.js';
import { linkReplacement, subscriptionsReplacedBy } from './replacement-links.js';
import { loadSupplier } from './supplier.js';
import { queueRefundIfUnwanted } from './unwanted-payments.js';
import { recordGiftPayment, refundGift } from '../gifts/payments.js';
import {
  applyActionRequired,
  applyCancelScheduled,
  applyDispute,
  applyRefundFailed,
  priceChangedNote,
  type ReversalDeps,
} from './refund-reversals.js';

/**
 * The subscription's entitlements follow its state: the plan's granted until `accessUntil`, all revoked when it
 * ends. Something the plan no longer includes stays until the end it had (the term the reader paid for), and
 * no longer: a renewal does not carry it over.
 */
export async function syncEntitlements(tx: Tx, sub: Subscription, state: SubscriptionState, now: Date, graceDays: number): Promise<void> {
  const source = `subscription:${sub.id}`;
  const held = await liveGrantsOfSource(tx, source, now);
  await revokeEntitlements(tx, source, now);
  const until = accessUntil(state, graceDays);
  if (!until || until <= now) return;
  const plan = await findPlan(tx, sub.planId);
  const granted = plan?.entitlements ?? [];
  await grantEntitlements(tx, { userId: sub.userId, entitlements: granted, source, startsAt: now, endsAt: until });
  const dropped = new Map(held.filter((g) => !granted.includes(g.entitlement)).map((g) => [g.entitlement, g.endsAt]));
  for (const [entitlement, endedAt] of dropped) {
    const endsAt = endedAt === null || endedAt > until ? until : endedAt;
    await grantEntitlements(tx, { userId: sub.userId, entitlements: [entitlement], source, startsAt: now, endsAt });
  }
}

/** Applies a lifecycle event to a locked subscription, persists it and its entitlements. Returns the new state. */
export async function applyLifecycle(tx: Tx, sub: Subscription, event: LifecycleEvent, now: Date, graceDays: number) {
  const result = transition(sub, event);
  if (!result.ok || !result.changed) return result;
  await saveSubscriptionState(tx, sub.id, result.state, now);
  await syncEntitlements(tx, sub, result.state, now, graceDays);
  return result;
}

async function locate(
  tx: Tx,
  gateway: GatewayName,
  ourId: number | null,
  gatewaySubscriptionId: string | null,
): Promise<Subscription | null> {
  const id = ourId ?? (gatewaySubscriptionId ? await findSubscriptionIdByGatewayId(tx, gateway, gatewaySubscriptionId) : null);
  if (id === null) return null;
  const sub = await lockSubscription(tx, id);
  return sub && sub.gateway === gateway ? sub : null;
}

/** A refund that came before its payment: the delivery is kept, unapplied, until the payment is recorded. */
export class WaitingForPayment extends Error {
  constructor(readonly gatewayPaymentId: string) {
    super(`${WAITING_FOR_PAYMENT} ${gatewayPaymentId}`);
    this.name = 'WaitingForPayment';
  }
}

/**
 * Applies normalised gateway events inside one transaction: the payment, the extended period, the
 * entitlements and the invoice are written together or not at all. Every step is idempotent (payments
 * and refunds are unique by their gateway ids), so a repeated or late event changes nothing.
 * Returns a note per event that did not match anything, for the webhook log.
 */
export async function applyBillingEvents(
  tx: Tx,
  gateway: GatewayName,
  events: BillingEvent[],
  now: Date,
  rules: BillingRules,
): Promise<string[]> {
  const notes: string[] = [];
  for (const event of events) {
    if (event.type === 'refund-processed') {
      const payment = await findPaymentByGatewayId(tx, gateway, event.gatewayPaymentId);
      // Gateways send events in any order: a refund may come before its payment. The whole delivery then
      // waits (nothing of it is applied) and is applied again when a payment arrives, or by the sweep.
      if (!payment) throw new WaitingForPayment(event.gatewayPaymentId);
      await recordRefund(
        tx,
        payment.id,
        payment.subscriptionId,
        event.gatewayRefundId,
        event.amount.minor,
        event.reason ?? 'refund at the gateway',
        now,
        rules,
      );
      continue;
    }
    if (event.type === 'one-time-payment-captured') {
      const note = await recordGiftPayment(tx, gateway, event, now, rules);
      if (note) notes.push(note);
      continue;
    }
    if (event.type === 'refund-failed' || event.type === 'payment-disputed') {
      const deps = reversalDeps(tx, gateway, now, rules);
      const note =
        event.type === 'refund-failed'
          ? await applyRefundFailed(tx, event, deps, (id) => new WaitingForPayment(id))
          : await applyDispute(tx, event, deps);
      if (note) notes.push(note);
      continue;
    }
    const sub = await locate(tx, gateway, 'subscriptionId' in event ? event.subscriptionId : null, event.gatewaySubscriptionId);
    if (!sub) {
      notes.push(`${event.type} for unknown subscription ${event.gatewaySubscriptionId}`);
      continue;
    }
    switch (event.type) {
      case 'checkout-completed':
        await setGatewayIds(tx, sub.id, { gatewaySubscriptionId: event.gatewaySubscriptionId, gatewayCustomerId: event.gatewayCustomerId });
        break;
      case 'payment-captured':
        {
          const note = await recordPayment(tx, sub, event, now, rules);
          if (note) notes.push(note);
        }
        break;
      case 'payment-failed': {
        const result = await applyLifecycle(
          tx,
          sub,
          { type: 'payment-failed', at: event.occurredAt, graceDays: rules.graceDays },
          now,
          rules.graceDays,
        );
        if (!(result.ok && result.changed)) await dropDeclinedUpgrade(tx, sub);
        if (result.ok && result.changed)
          await rules.notify(
            tx,
            'billing.payment-failed',
            { subscriptionId: sub.id },
            `payment-failed:${sub.id}:${sub.currentPeriodEnd?.toISOString()}`,
          );
        break;
      }
      case 'payment-method-changed':
        await setPaymentMethod(tx, sub.id, event.paymentMethod);
        break;
      case 'subscription-ended': {
        const result = await applyLifecycle(tx, sub, { type: 'ended-at-gateway', at: event.occurredAt }, now, rules.graceDays);
        // Cancelled there already: a cancellation we still owe the gateway is no longer to be sent.
        if (result.ok && result.state.status === 'active') await claimNotice(tx, sub, GATEWAY_CANCELLED, now);
        break;
      }
      case 'subscription-reactivated':
        await applyLifecycle(
          tx,
          sub,
          { type: 'reactivated-at-gateway', periodStart: event.periodStart, periodEnd: event.periodEnd, at: event.occurredAt },
          now,
          rules.graceDays,
        );
        break;
      case 'subscription-paused': {
        const result = await applyLifecycle(tx, sub, { type: 'paused-at-gateway', at: event.occurredAt }, now, rules.graceDays);
        // Only paused: no cancellation is sent for it, so the gateway can still resume it.
        if (result.ok && result.changed) await claimNotice(tx, sub, GATEWAY_PAUSED, now);
        break;
      }
      case 'subscription-resumed':
        // A resume never takes back the reader's own cancellation (Razorpay cannot undo one either).
        if (await noticeSentAt(tx, sub, CANCEL_REQUESTED)) break;
        await applyLifecycle(tx, sub, { type: 'resumed-at-gateway', at: event.occurredAt }, now, rules.graceDays);
        break;
      case 'payment-action-required':
        await applyActionRequired(tx, sub, event, reversalDeps(tx, gateway, now, rules));
        break;
      case 'cancel-scheduled': {
        const note = await applyCancelScheduled(sub, event, reversalDeps(tx, gateway, now, rules));
        if (note) notes.push(note);
        break;
      }
      case 'price-changed-at-gateway':
        notes.push(priceChangedNote(event));
        break;
    }
  }
  return notes;
}

/**
 * Records a captured payment with its period, entitlements, invoice and receipt. Returns a note for the
 * webhook log when the amount is not the plan's price (the money was taken, so it is still recorded), or
 * when the money buys nothing: for a subscription the reader no longer has (`unwanted-payments.ts`) the
 * payment is recorded and invoiced, changes no period or access, and its full refund is queued.
 */
async function recordPayment(
  tx: Tx,
  sub: Subscription,
  event: Extract<BillingEvent, { type: 'payment-captured' }>,
  now: Date,
  rules: BillingRules,
): Promise<string | null> {
  if (event.gatewaySubscriptionId && !sub.gatewaySubscriptionId)
    await setGatewayIds(tx, sub.id, { gatewaySubscriptionId: event.gatewaySubscriptionId });
  if (await findPaymentByGatewayId(tx, sub.gateway, event.gatewayPaymentId)) return null; // already recorded
  const previous = await listSubscriptionPayments(tx, sub.id);
  // What kind of payment this is depends on the period paid when it was made, not on the latest one:
  // a renewal delivered after a newer renewal is still a renewal (events arrive in any order).
  const before = previous.find((p) => p.capturedAt.getTime() <= event.occurredAt.getTime());
  const renewal = !!before && event.occurredAt.getTime() >= before.periodEnd.getTime() - 24 * 3600 * 1000;
  // The latest payment takes over the waiting plan: a downgrade at renewal, an upgrade when its charge is paid.
  const takesOver = !!before && before === previous[0] && sub.nextPlanId !== null;
  const planId = takesOver && sub.nextPlanId ? sub.nextPlanId : sub.planId;
  const plan = await findPlan(tx, planId);
  if (!plan) throw new Error(`subscription ${sub.id} has no plan ${planId}`);
  const start = event.periodStart ?? (renewal ? before.periodEnd : event.occurredAt);
  const end = event.periodEnd ?? addTerm(start, plan.term, rules.timeZone);
  const kind = !before ? 'initial' : renewal ? 'renewal' : 'upgrade';
  const paymentId = await insertPayment(tx, {
    subscriptionId: sub.id,
    giftId: null,
    userId: sub.userId,
    gateway: sub.gateway,
    gatewayPaymentId: event.gatewayPaymentId,
    kind,
    planId,
    amountMinor: event.amount.minor,
    currency: event.amount.currency,
    periodStart: start,
    periodEnd: end,
    capturedAt: event.occurredAt,
  });
  if (paymentId === null) return null;
  // Money for a subscription the reader no longer has buys nothing: it is refunded in full, by a job. The
  // subscriptions this one replaces (a plan change through a new mandate) do not count as taking its place.
  const unwanted = await queueRefundIfUnwanted(tx, sub, paymentId, rules, await subscriptionsReplacedBy(tx, sub.id));
  if (!unwanted) {
    if (kind === 'initial') await linkReplacement(tx, sub, event.occurredAt);
    if (takesOver) await setPlan(tx, sub.id, planId, null);
    if (event.paymentMethod && before === previous[0]) await setPaymentMethod(tx, sub.id, event.paymentMethod);
    const updated = { ...sub, planId };
    await applyLifecycle(
      tx,
      updated,
      { type: 'payment-captured', periodStart: start, periodEnd: end, at: event.occurredAt },
      now,
      rules.graceDays,
    );
  }
  const invoice = await issueInvoice(tx, { paymentId, now, supplier: await loadSupplier(tx), findReaders: rules.findReaders });
  await rules.notify(tx, 'billing.receipt', { paymentId, invoiceId: invoice.id }, `receipt:${paymentId}`);
  if (unwanted) return `payment ${event.gatewayPaymentId} for ${sub.status} subscription ${sub.id} is refunded: ${unwanted}`;
  // An upgrade is charged less the credit; any other payment should be the plan's price exactly.
  const expected = kind === 'upgrade' ? null : plan.price;
  if (expected && (event.amount.minor !== expected.minor || event.amount.currency !== expected.currency)) {
    return `payment ${event.gatewayPaymentId} of ${event.amount.minor} ${event.amount.currency} differs from the plan price ${expected.minor} ${expected.currency}`;
  }
  return null;
}

/** What refund-reversals.ts needs of this module, bound to the transaction. */
function reversalDeps(tx: Tx, gateway: GatewayName, now: Date, rules: BillingRules): ReversalDeps {
  return {
    gateway,
    now,
    recordRefund: (paymentId, subscriptionId, refundId, amountMinor, reason) =>
      recordRefund(tx, paymentId, subscriptionId, refundId, amountMinor, reason, now, rules),
    syncEntitlements: (sub, state) => syncEntitlements(tx, sub, state, now, rules.graceDays),
    cancelAtPeriodEnd: async (sub, cancel, at) => {
      await applyLifecycle(tx, sub, cancel ? { type: 'cancel-at-period-end', at } : { type: 'undo-cancel', at }, now, rules.graceDays);
    },
    notifyActionRequired: (subscriptionId, gatewayPaymentId) =>
      rules.notify(tx, 'billing.payment-action-required', { subscriptionId }, `action-required:${subscriptionId}:${gatewayPaymentId}`),
  };
}

/** A failed charge outside renewal time is a declined upgrade: the reader stays on the plan they paid for. */
async function dropDeclinedUpgrade(tx: Tx, sub: Subscription): Promise<void> {
  if (sub.nextPlanId === null) return;
  const [current, next] = await Promise.all([findPlan(tx, sub.planId), findPlan(tx, sub.nextPlanId)]);
  if (current && next && next.price.minor > current.price.minor) await setPlan(tx, sub.id, sub.planId, null);
}

/**
 * Records a refund once and issues its credit note. A refund applies to the period its payment paid for:
 * access ends when the payment is refunded in full and no later payment has paid a later period (refunding
 * last quarter's payment never ends the quarter a newer payment covers).
 */
export async function recordRefund(
  tx: Tx,
  paymentId: number,
  subscriptionId: number | null,
  gatewayRefundId: string,
  amountMinor: number,
  reason: string,
  now: Date,
  rules: BillingRules,
): Promise<boolean> {
  // A gift's payment has no subscription (subscriptionId null).
  const sub = subscriptionId === null ? null : await lockSubscription(tx, subscriptionId);
  const refundId = await insertRefund(tx, { paymentId, gatewayRefundId, amountMinor, reason, now });
  if (refundId === null || (subscriptionId !== null && !sub)) return false;
  await issueCreditNote(tx, { refundId, now, supplier: await loadSupplier(tx), findReaders: rules.findReaders });
  const payment = await findPayment(tx, paymentId);
  const refundedInFull = !!payment && payment.refundedMinor >= payment.amountMinor;
  if (sub) {
    const paidTheCurrentPeriod = payment && (!sub.currentPeriodEnd || payment.periodEnd.getTime() >= sub.currentPeriodEnd.getTime());
    if (paidTheCurrentPeriod && refundedInFull) {
      await applyLifecycle(tx, sub, { type: 'refunded-in-full', at: now }, now, rules.graceDays);
    }
  } else if (payment?.giftId && refundedInFull) {
    await refundGift(tx, payment.giftId, now);
  }
  await rules.notify(tx, 'billing.refund', { refundId }, `refund:${refundId}`);
  return true;
}
