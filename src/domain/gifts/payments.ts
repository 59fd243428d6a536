import { randomBytes, createHash } from 'node:crypto';
import type { Tx } from '../ports/database.js';
import type { BillingRules } from '../billing/rules.js';
import type { BillingEvent, GatewayName } from '../billing/gateway.js';
import { issueInvoice } from '../billing/invoices.js';
import { addTerm } from '../billing/lifecycle.js';
import { findPaymentByGatewayId, insertPayment } from '../billing/payment-queries.js';
import { loadSupplier } from '../billing/supplier.js';
import { revokeEntitlements } from '../entitlements/queries.js';
import { giftIdOfReference, giftSource, REDEEMABLE_FOR } from './model.js';
import { giftHasUnrefundedPayment, lockGift, markGiftPaid, markGiftRefunded } from './queries.js';

/** The job that emails a gift to its recipient, at its delivery date (payload `{ giftId }`). */
export const GIFT_EMAIL_JOB = 'gift-email';

/** A new redemption token (the link's secret) and the hash we keep of it. */
export function newGiftToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashGiftToken(token) };
}

export const hashGiftToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Records a gift's captured payment, in the transaction of the webhook that reports it: the payment (unique by
 * its gateway id, so a replay records nothing), the gift paid, the buyer's tax invoice and receipt, and the gift
 * email queued for its delivery date. Returns a note for the webhook log when something is off.
 */
export async function recordGiftPayment(
  tx: Tx,
  gateway: GatewayName,
  event: Extract<BillingEvent, { type: 'one-time-payment-captured' }>,
  now: Date,
  rules: BillingRules,
): Promise<string | null> {
  const giftId = giftIdOfReference(event.reference);
  const gift = giftId === null ? null : await lockGift(tx, giftId);
  if (!gift || gift.gateway !== gateway) return `one-time payment ${event.gatewayPaymentId} for unknown ${event.reference}`;
  if (await findPaymentByGatewayId(tx, gateway, event.gatewayPaymentId)) return null; // already recorded
  const paymentId = await insertPayment(tx, {
    subscriptionId: null,
    giftId: gift.id,
    userId: gift.buyerId,
    gateway,
    gatewayPaymentId: event.gatewayPaymentId,
    kind: 'gift',
    planId: gift.planId,
    amountMinor: event.amount.minor,
    currency: event.amount.currency,
    periodStart: event.occurredAt,
    periodEnd: event.occurredAt,
    capturedAt: event.occurredAt,
  });
  if (paymentId === null) return null;
  const start = gift.deliverAt > event.occurredAt ? gift.deliverAt : event.occurredAt;
  const paid = await markGiftPaid(tx, {
    id: gift.id,
    paidAt: event.occurredAt,
    redeemableUntil: addTerm(start, REDEEMABLE_FOR, rules.timeZone),
    gatewayOrderId: event.gatewayOrderId,
  });
  const invoice = await issueInvoice(tx, { paymentId, now, supplier: await loadSupplier(tx), findReaders: rules.findReaders });
  await rules.notify(tx, 'billing.receipt', { paymentId, invoiceId: invoice.id }, `receipt:${paymentId}`);
  // The email goes at the delivery date, or at once when that has come; its job makes the link when it runs.
  if (paid) {
    await rules.jobs.enqueue(tx, {
      kind: GIFT_EMAIL_JOB,
      payload: { giftId: gift.id },
      uniqueKey: `gift-email:${gift.id}`,
      runAt: gift.deliverAt > now ? gift.deliverAt : now,
    });
  }
  const notes = [
    paid
      ? null
      : `payment ${event.gatewayPaymentId} for gift ${gift.id}, which was ${gift.status} already: refund it from the payments list`,
    event.amount.minor !== gift.amount.minor || event.amount.currency !== gift.amount.currency
      ? `payment ${event.gatewayPaymentId} of ${event.amount.minor} ${event.amount.currency} differs from the gift's price ${gift.amount.minor} ${gift.amount.currency}`
      : null,
  ].filter((n): n is string => n !== null);
  return notes.length ? notes.join('; ') : null;
}

/**
 * A gift's payment was refunded in full: the gift is refunded, its link stops working, and access it gave
 * (if redeemed) ends now. A refund of a second payment for a gift already paid leaves the gift as it is.
 */
export async function refundGift(tx: Tx, giftId: number, now: Date): Promise<void> {
  const gift = await lockGift(tx, giftId);
  if (!gift || gift.status !== 'paid' || (await giftHasUnrefundedPayment(tx, giftId))) return;
  await markGiftRefunded(tx, giftId);
  await revokeEntitlements(tx, giftSource(giftId), now);
}
