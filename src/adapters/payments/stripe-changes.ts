import type { BillingEvent } from '../../domain/billing/gateway.js';
import {
  META,
  idOf,
  invoiceOurSubscriptionId,
  invoicePublication,
  invoiceSubscriptionId,
  listData,
  num,
  obj,
  ourId,
  foreign,
  publicationIn,
  str,
  type StripeObject,
} from './stripe-objects.js';

/**
 * Stripe events that undo or question what was recorded, or that report a change made outside Masthead:
 * failed refunds, disputes, payments the bank wants confirmed, and Customer Portal / Dashboard edits of a
 * subscription. See README-stripe.md for the documentation each mapping follows.
 */

type Mapped = BillingEvent[] | 'malformed';

/**
 * The payment a refund belongs to: the invoice Masthead refunded (our metadata), else the PaymentIntent or
 * Charge the refund names (a Dashboard refund), which the domain resolves through `resolvePaymentId`.
 */
export function refundPaymentId(refund: StripeObject, charge: StripeObject | null): string | null {
  return (
    str(obj(refund.metadata)?.[META.paymentId]) ??
    idOf(refund.payment_intent) ??
    idOf(charge?.payment_intent) ??
    idOf(refund.charge) ??
    str(charge?.id)
  );
}

/** `refund.failed`, or `refund.updated` / an embedded refund with `status=failed`. */
export function refundFailed(refund: StripeObject, charge: StripeObject | null, at: Date, publication: string): Mapped {
  const gatewayRefundId = str(refund.id);
  const amount = num(refund.amount);
  const currency = str(refund.currency) ?? str(charge?.currency);
  const gatewayPaymentId = refundPaymentId(refund, charge);
  if (!gatewayRefundId || amount === null || !currency || !gatewayPaymentId) return 'malformed';
  if (foreign(publicationIn([obj(refund.metadata)]), publication)) return [];
  const reason = str(refund.failure_reason) ?? 'unknown';
  return [
    {
      type: 'refund-failed',
      gatewayPaymentId,
      gatewayRefundId,
      amount: { minor: amount, currency: currency.toUpperCase() },
      reason: `Stripe could not complete refund ${gatewayRefundId} (${reason})`,
      occurredAt: at,
    },
  ];
}

/**
 * `charge.dispute.created` / `charge.dispute.closed`. Closed as `won`, or `warning_closed` (an inquiry that
 * never became a chargeback), changes nothing; `lost` means the bank took the money back.
 */
export function disputed(dispute: StripeObject, at: Date): Mapped {
  const gatewayDisputeId = str(dispute.id);
  const amount = num(dispute.amount);
  const currency = str(dispute.currency);
  const gatewayPaymentId = idOf(dispute.payment_intent) ?? idOf(dispute.charge);
  if (!gatewayDisputeId || amount === null || !currency || !gatewayPaymentId) return 'malformed';
  const status = str(dispute.status);
  // won, warning_closed (an inquiry that never became a chargeback), prevented and charge_refunded keep the
  // money where it was: nothing more to record (a refund arrives as its own event).
  const outcome =
    status === 'lost' ? 'lost' : ['won', 'warning_closed', 'prevented', 'charge_refunded'].includes(status ?? '') ? 'won' : 'open';
  return [
    {
      type: 'payment-disputed',
      gatewayPaymentId,
      gatewayDisputeId,
      amount: { minor: amount, currency: currency.toUpperCase() },
      reason: str(dispute.reason) ?? 'general',
      outcome,
      occurredAt: at,
    },
  ];
}

/** `invoice.payment_action_required`: the reader confirms on the invoice's hosted page. */
export function actionRequired(invoice: StripeObject, at: Date, publication: string): Mapped {
  const invoiceId = str(invoice.id);
  if (!invoiceId) return 'malformed';
  const gatewaySubscriptionId = invoiceSubscriptionId(invoice);
  const url = str(invoice.hosted_invoice_url);
  if (!gatewaySubscriptionId || !url || foreign(invoicePublication(invoice), publication)) return [];
  return [
    {
      type: 'payment-action-required',
      subscriptionId: invoiceOurSubscriptionId(invoice),
      gatewaySubscriptionId,
      gatewayPaymentId: invoiceId,
      url,
      occurredAt: at,
    },
  ];
}

/**
 * `customer.subscription.updated` with `previous_attributes`: a cancellation switched on or off (Customer
 * Portal, Dashboard, or Masthead's own call echoed back, which changes nothing), and a price that is not
 * one of Masthead's (a Dashboard edit), which is only noted.
 */
export function subscriptionChanges(o: StripeObject, previous: StripeObject | null, at: Date, publication: string): Mapped {
  const gatewaySubscriptionId = str(o.id);
  if (!gatewaySubscriptionId) return 'malformed';
  const metadata = obj(o.metadata);
  if (!previous || foreign(publicationIn([metadata]), publication)) return [];
  const subscriptionId = ourId(metadata?.[META.subscriptionId]);
  const events: BillingEvent[] = [];
  if ('cancel_at_period_end' in previous || 'cancel_at' in previous) {
    // The portal's "cancel at end of period" sets cancel_at_period_end; newer API versions may set cancel_at
    // to the period end instead. Either means: no renewal.
    const cancelAtPeriodEnd = o.cancel_at_period_end === true || num(o.cancel_at) !== null;
    events.push({ type: 'cancel-scheduled', subscriptionId, gatewaySubscriptionId, cancelAtPeriodEnd, occurredAt: at });
  }
  if ('pause_collection' in previous) {
    // Pausing payment collection (Dashboard or API) stops renewals; clearing it resumes them. The lifecycle
    // treats a pause as Razorpay's: access runs to the end of the paid period, then ends unless resumed.
    const paused = obj(o.pause_collection) !== null;
    events.push({ type: paused ? 'subscription-paused' : 'subscription-resumed', subscriptionId, gatewaySubscriptionId, occurredAt: at });
  }
  if ('items' in previous || 'plan' in previous) {
    const price = obj(listData(o.items)[0]?.price);
    const priceId = idOf(listData(o.items)[0]?.price);
    // The prices changePlan switches to carry our plan id; any other price was chosen outside Masthead.
    if (priceId && !str(obj(price?.metadata)?.[META.planId])) {
      events.push({ type: 'price-changed-at-gateway', subscriptionId, gatewaySubscriptionId, gatewayPriceId: priceId, occurredAt: at });
    }
  }
  return events;
}
