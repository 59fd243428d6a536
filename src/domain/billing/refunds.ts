import { fail, ok, type Result } from '../errors.js';
import { recordRefund } from './events.js';
import { findPayment, releaseRefundReservation, reserveRefund } from './payment-queries.js';
import { gatewayFor, type BillingDeps } from './deps.js';
import { findSubscription } from './subscriptions.js';

/**
 * Admin refund, full or partial, through the gateway; recorded at once with its credit note. More than
 * is left to refund (a second refund racing this one included) is refused before the gateway is asked.
 */
export async function refundPayment(deps: BillingDeps, paymentId: number, amountMinor: number, reason: string): Promise<Result<void>> {
  const payment = await findPayment(deps.db, paymentId);
  if (!payment) return fail('not-found', 'There is no such payment.');
  const refundable = payment.amountMinor - payment.refundedMinor;
  const invalid = () => fail('invalid-amount', `The refund must be between 1 paisa and the ${refundable} paise not yet refunded.`);
  if (!Number.isSafeInteger(amountMinor) || amountMinor <= 0 || amountMinor > refundable) return invalid();
  // Held before the gateway is asked, released once its answer is recorded (or it fails).
  if (!(await reserveRefund(deps.db, payment.id, amountMinor))) return invalid();
  try {
    const { gatewayRefundId } = await gatewayFor(deps, payment.gateway).refund({
      gatewayPaymentId: payment.gatewayPaymentId,
      amount: { minor: amountMinor, currency: payment.currency },
      reason,
    });
    await deps.db
      .transaction()
      .execute((tx) => recordRefund(tx, payment.id, payment.subscriptionId, gatewayRefundId, amountMinor, reason, deps.now(), deps));
  } finally {
    await releaseRefundReservation(deps.db, payment.id, amountMinor);
  }
  // Refunded in full: the gateway must not charge the mandate again (a gift's payment has none).
  const sub = payment.subscriptionId === null ? null : await findSubscription(deps.db, payment.subscriptionId);
  if (sub?.status === 'refunded' && sub.gatewaySubscriptionId) {
    await gatewayFor(deps, sub.gateway)
      .cancelNow(sub.gatewaySubscriptionId)
      .catch(() => undefined);
  }
  return ok(undefined);
}

/**
 * The job queued by `queueRefundIfUnwanted`: refunds in full, through the gateway, a payment that bought
 * nothing, recorded like any refund (credit note, email). Runs again until it succeeds: what is already
 * refunded (by an earlier run whose gateway webhook recorded it, or by an admin) is not asked again, and
 * a refusal or gateway error throws, so the job runner retries it later.
 */
export async function refundUnwantedPayment(deps: BillingDeps, paymentId: number, reason: string): Promise<void> {
  const payment = await findPayment(deps.db, paymentId);
  if (!payment) return;
  const left = payment.amountMinor - payment.refundedMinor;
  if (left <= 0) return;
  const result = await refundPayment(deps, paymentId, left, reason);
  if (!result.ok) throw new Error(`payment ${paymentId} is not refunded yet: ${result.message}`);
}
