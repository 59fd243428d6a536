import type { Tx } from '../ports/database.js';
import type { BillingEvent, GatewayName } from './gateway.js';
import { financialYear } from './gst.js';
import type { Invoice, SupplierDetails } from './invoice-model.js';
import { nextDocumentNumber } from './invoice-numbering.js';
import { findPaymentInvoice, findRefundDocument, insertDocument } from './invoice-queries.js';
import { findPaymentByGatewayId, insertRefund, lockPayment } from './payment-queries.js';
import type { Payment } from './payments.js';
import { saveSubscriptionState } from './subscription-queries.js';
import { lockSubscription, type Subscription } from './subscriptions.js';
import { loadSupplier } from './supplier.js';
import { findRefundByGatewayId, insertPaymentAction, markRefundFailed, setDispute } from './reversal-queries.js';

/**
 * What a gateway reports after the fact: a refund that failed, a disputed payment, a charge the reader's
 * bank wants confirmed, and a cancellation or price switched outside Masthead. Each is applied inside the
 * webhook's transaction by `applyBillingEvents` (events.ts) and is idempotent. The few things they need
 * from events.ts (recording a refund, syncing entitlements, lifecycle moves) are passed in, so this file
 * and events.ts do not import each other.
 */

type Event<T extends BillingEvent['type']> = Extract<BillingEvent, { type: T }>;

export interface ReversalDeps {
  gateway: GatewayName;
  now: Date;
  /** Records a refund with its credit note (events.ts `recordRefund`). */
  recordRefund(
    paymentId: number,
    subscriptionId: number | null,
    gatewayRefundId: string,
    amountMinor: number,
    reason: string,
  ): Promise<boolean>;
  /** Grants or revokes the subscription's entitlements for its state (events.ts `syncEntitlements`). */
  syncEntitlements(sub: Subscription, state: Subscription): Promise<void>;
  /** Cancel at period end or undo it, through the state machine with its entitlements (events.ts `applyLifecycle`). */
  cancelAtPeriodEnd(sub: Subscription, cancel: boolean, at: Date): Promise<void>;
  /** Queues the email telling the reader their bank wants the charge confirmed. */
  notifyActionRequired(subscriptionId: number, gatewayPaymentId: string): Promise<void>;
}

/** Thrown when the payment an event names is not recorded yet (events.ts `WaitingForPayment`). */
export type WaitForPayment = (gatewayPaymentId: string) => Error;

/** Debit notes get their own series (Rule 53(1A) asks for a consecutive serial per note). */
export function debitNoteSeries(supplier: SupplierDetails): string {
  return [supplier.invoiceSeries, supplier.creditNoteSeries].includes('DN') ? 'DBN' : 'DN';
}

/**
 * The debit note reversing a refund's credit note, once per refund; null when the refund had no credit
 * note. It restores exactly the heads the credit note took off, and cites the original tax invoice.
 */
export async function issueDebitNote(tx: Tx, refundId: number, now: Date, supplier: SupplierDetails): Promise<Invoice | null> {
  const credit = await findRefundDocument(tx, refundId, 'credit-note');
  if (!credit) return null;
  await lockPayment(tx, credit.paymentId);
  const existing = await findRefundDocument(tx, refundId, 'debit-note');
  if (existing) return existing;
  const original = await findPaymentInvoice(tx, credit.paymentId);
  const fy = financialYear(now);
  return insertDocument(tx, {
    number: await nextDocumentNumber(tx, debitNoteSeries(supplier), fy),
    kind: 'debit-note',
    paymentId: credit.paymentId,
    refundId,
    userId: credit.userId,
    issuedAt: now,
    financialYear: fy,
    supplier: { name: supplier.name, addressLines: supplier.addressLines, stateCode: supplier.stateCode, gstin: supplier.gstin },
    recipient: credit.recipient,
    placeOfSupply: credit.placeOfSupply,
    description:
      `Reverses credit note ${credit.number}: the refund failed and the amount stays paid. ${original?.description ?? ''}`.trim(),
    sac: credit.sac,
    currency: credit.currency,
    taxableMinor: credit.taxableMinor,
    cgstMinor: credit.cgstMinor,
    sgstMinor: credit.sgstMinor,
    igstMinor: credit.igstMinor,
    totalMinor: credit.totalMinor,
  });
}

/**
 * A refund failed: it no longer counts, its credit note is reversed by a debit note, and access the refund
 * ended comes back for the period still running (without renewal: Masthead stopped the gateway mandate when
 * the refund was made). A refund that fails before it was recorded is kept as failed, so a late "succeeded"
 * for it changes nothing. Returns a note for the webhook log.
 */
export async function applyRefundFailed(
  tx: Tx,
  event: Event<'refund-failed'>,
  deps: ReversalDeps,
  wait: WaitForPayment,
): Promise<string | null> {
  const payment = await findPaymentByGatewayId(tx, deps.gateway, event.gatewayPaymentId);
  if (!payment) throw wait(event.gatewayPaymentId);
  // A gift's payment has no subscription: the debit note is issued, and the gift stays refunded (its link dead).
  const sub = payment.subscriptionId === null ? null : await lockSubscription(tx, payment.subscriptionId);
  await lockPayment(tx, payment.id);
  const refund = await findRefundByGatewayId(tx, event.gatewayRefundId);
  if (!refund) {
    await insertRefund(tx, {
      paymentId: payment.id,
      gatewayRefundId: event.gatewayRefundId,
      amountMinor: event.amount.minor,
      reason: event.reason,
      now: deps.now,
      failed: true,
    });
    return `${event.reason}; it had not been recorded, so there was nothing to reverse`;
  }
  if (!(await markRefundFailed(tx, refund, deps.now))) return null;
  const debit = await issueDebitNote(tx, refund.id, deps.now, await loadSupplier(tx));
  const restored = sub ? await restoreAccess(tx, sub, payment, deps) : null;
  return [event.reason, debit ? `debit note ${debit.number} reverses its credit note` : null, restored].filter(Boolean).join('; ');
}

/** Access a full refund ended comes back while the refunded payment's period still runs. */
async function restoreAccess(tx: Tx, sub: Subscription, payment: Payment, deps: ReversalDeps): Promise<string | null> {
  const end = sub.currentPeriodEnd;
  if (sub.status !== 'refunded' || !end || end <= deps.now || payment.periodEnd.getTime() < end.getTime()) return null;
  const state: Subscription = { ...sub, status: 'active', cancelAtPeriodEnd: true, graceUntil: null };
  await saveSubscriptionState(tx, sub.id, state, deps.now);
  await deps.syncEntitlements(sub, state);
  return `access restored until ${end.toISOString()} (no renewal)`;
}

/**
 * A disputed payment. Open and won change nothing but the record the admin sees; a lost dispute is a
 * refund of what is left of the payment (its credit note, and access ends if it paid the current period).
 */
export async function applyDispute(tx: Tx, event: Event<'payment-disputed'>, deps: ReversalDeps): Promise<string | null> {
  const payment = await findPaymentByGatewayId(tx, deps.gateway, event.gatewayPaymentId);
  if (!payment) return `dispute ${event.gatewayDisputeId} names ${event.gatewayPaymentId}, which is not a payment of ours`;
  const changed = await setDispute(tx, payment.id, {
    gatewayDisputeId: event.gatewayDisputeId,
    status: event.outcome,
    reason: event.reason,
  });
  if (!changed || event.outcome !== 'lost') return null;
  const left = Math.min(event.amount.minor, payment.amountMinor - payment.refundedMinor);
  if (left <= 0) return `dispute ${event.gatewayDisputeId} lost; the payment was already refunded in full`;
  await deps.recordRefund(
    payment.id,
    payment.subscriptionId,
    event.gatewayDisputeId,
    left,
    `chargeback: dispute ${event.gatewayDisputeId} lost (${event.reason})`,
  );
  return `dispute ${event.gatewayDisputeId} lost: recorded as a refund of ${left}`;
}

/** The bank asks the reader to confirm a charge: remembered (the account page links to it) and emailed, once. */
export async function applyActionRequired(
  tx: Tx,
  sub: Subscription,
  event: Event<'payment-action-required'>,
  deps: ReversalDeps,
): Promise<void> {
  if (sub.status !== 'active' && sub.status !== 'past-due') return;
  if (await insertPaymentAction(tx, { subscriptionId: sub.id, gatewayPaymentId: event.gatewayPaymentId, url: event.url, now: deps.now }))
    await deps.notifyActionRequired(sub.id, event.gatewayPaymentId);
}

/** Cancel-at-period-end switched at the gateway: the subscription follows (an echo of our own change is a no-op). */
export async function applyCancelScheduled(
  sub: Subscription,
  event: Event<'cancel-scheduled'>,
  deps: ReversalDeps,
): Promise<string | null> {
  if (sub.cancelAtPeriodEnd === event.cancelAtPeriodEnd) return null;
  if (sub.status !== 'active')
    return `cancel-at-period-end ${String(event.cancelAtPeriodEnd)} at the gateway ignored: subscription is ${sub.status}`;
  await deps.cancelAtPeriodEnd(sub, event.cancelAtPeriodEnd, event.occurredAt);
  return null;
}

/** A price set in the gateway's dashboard: Masthead does not follow it, the operator is told in the log. */
export function priceChangedNote(event: Event<'price-changed-at-gateway'>): string {
  return `price of ${event.gatewaySubscriptionId} changed to ${event.gatewayPriceId} outside Masthead; the plan here is unchanged (switch it back in the gateway, or change the plan in Masthead)`;
}
