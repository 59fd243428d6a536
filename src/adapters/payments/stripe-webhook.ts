import type Stripe from 'stripe';
import type { BillingEvent, WebhookParse } from '../../domain/billing/gateway.js';
import { actionRequired, disputed, refundFailed, subscriptionChanges } from './stripe-changes.js';
import {
  META,
  dateOf,
  idOf,
  invoiceFailureReason,
  invoiceOurSubscriptionId,
  invoicePublication,
  invoiceSubscriptionId,
  invoiceToCaptured,
  listData,
  num,
  obj,
  ourId,
  foreign,
  publicationIn,
  str,
  type StripeObject,
} from './stripe-objects.js';

/** Stripe's default and ours: a signed timestamp older than this (seconds) is refused as stale. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Event types this adapter turns into BillingEvents; enable these on the webhook endpoint. */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.closed',
  'invoice.payment_action_required',
] as const;

export interface WebhookContext {
  webhooks: Stripe['webhooks'];
  webhookSecret: string;
  /** Events tagged with another publication (several sites on one Stripe account) are ignored. */
  publication: string;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | string[] | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * Verifies `Stripe-Signature` on the raw body with `constructEvent` (300 s tolerance, measured from
 * `now`), then normalises the event. Signed events that are not ours or not handled parse to no events.
 */
export function parseStripeWebhook(
  ctx: WebhookContext,
  rawBody: Buffer,
  headers: Record<string, string | string[] | undefined>,
  now: Date,
): WebhookParse {
  const signature = header(headers, 'stripe-signature');
  if (typeof signature !== 'string' || signature === '') {
    return { ok: false, reason: 'bad-signature', message: 'missing or repeated Stripe-Signature header' };
  }
  let event: unknown;
  try {
    event = ctx.webhooks.constructEvent(rawBody, signature, ctx.webhookSecret, WEBHOOK_TOLERANCE_SECONDS, undefined, now.getTime());
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'StripeSignatureVerificationError') {
      return { ok: false, reason: /tolerance zone/i.test(message) ? 'stale' : 'bad-signature', message };
    }
    return { ok: false, reason: 'malformed', message };
  }
  // The SDK only refuses old timestamps; a signed timestamp far in the future is refused too.
  const t = Number(/(?:^|,)t=(\d+)/.exec(signature)?.[1]);
  if (t * 1000 > now.getTime() + WEBHOOK_TOLERANCE_SECONDS * 1000) {
    return { ok: false, reason: 'stale', message: 'Timestamp is ahead of the clock by more than the tolerance' };
  }
  const e = obj(event);
  const id = str(e?.id);
  const eventType = str(e?.type);
  const data = obj(e?.data);
  const object = obj(data?.object);
  const created = dateOf(e?.created);
  if (!e || !id || !eventType || !object || !created) {
    return { ok: false, reason: 'malformed', message: 'not a Stripe event: id, type, created and data.object are required' };
  }
  const previous = obj(data?.previous_attributes);
  const events = mapEvent(eventType, object, created, ctx.publication, previous);
  if (events === 'malformed') return { ok: false, reason: 'malformed', message: `${eventType} ${id} lacks the ids it needs` };
  return { ok: true, eventId: id, eventType, events };
}

function mapEvent(
  type: string,
  o: StripeObject,
  at: Date,
  publication: string,
  previous: StripeObject | null,
): BillingEvent[] | 'malformed' {
  switch (type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded': {
      if (o.mode === 'payment') return oneTimePayment(o, at, publication);
      if (type !== 'checkout.session.completed') return [];
      if (o.mode !== 'subscription' || foreign(publicationIn([obj(o.metadata)]), publication)) return [];
      const subscriptionId = ourId(o.client_reference_id);
      if (subscriptionId === null) return []; // a session some other integration created
      const gatewaySubscriptionId = idOf(o.subscription);
      if (!gatewaySubscriptionId) return 'malformed';
      return [{ type: 'checkout-completed', subscriptionId, gatewaySubscriptionId, gatewayCustomerId: idOf(o.customer), occurredAt: at }];
    }
    case 'invoice.paid': {
      if (!str(o.id)) return 'malformed';
      if (foreign(invoicePublication(o), publication)) return [];
      const captured = invoiceToCaptured(o, at);
      return captured ? [captured] : [];
    }
    case 'invoice.payment_failed': {
      const invoiceId = str(o.id);
      if (!invoiceId) return 'malformed';
      const gatewaySubscriptionId = invoiceSubscriptionId(o);
      if (!gatewaySubscriptionId || foreign(invoicePublication(o), publication)) return [];
      return [
        {
          type: 'payment-failed',
          subscriptionId: invoiceOurSubscriptionId(o),
          gatewaySubscriptionId,
          gatewayPaymentId: invoiceId,
          reason: invoiceFailureReason(o),
          occurredAt: at,
        },
      ];
    }
    case 'customer.subscription.updated':
      // "First payment never came" ends it; a cancellation switched in the Customer Portal or Dashboard and a
      // price changed in the Dashboard are reported (see stripe-changes.ts); reconciliation reads the rest.
      if (o.status === 'incomplete_expired') return subscriptionEnded(o, at, publication);
      return subscriptionChanges(o, previous, at, publication);
    case 'invoice.payment_action_required':
      return actionRequired(o, at, publication);
    case 'charge.dispute.created':
    case 'charge.dispute.closed':
      return disputed(o, at);
    case 'refund.failed':
      return refundFailed(o, null, at, publication);
    case 'customer.subscription.deleted':
      return subscriptionEnded(o, at, publication);
    case 'charge.refunded': {
      // Before API 2022-11-15 the charge embeds its refunds; later payloads do not (refund.* events carry them).
      const latest = listData(o.refunds).sort((a, b) => (num(b.created) ?? 0) - (num(a.created) ?? 0))[0];
      if (!latest) return [];
      return latest.status === 'failed' ? refundFailed(latest, o, at, publication) : refundProcessed(latest, o, at, publication);
    }
    case 'refund.created':
    case 'refund.updated':
      // Pending refunds wait for their outcome; a failure can follow a success (refund.failed).
      if (o.status === 'failed') return refundFailed(o, null, at, publication);
      return o.status === 'succeeded' ? refundProcessed(o, null, at, publication) : [];
    default:
      return [];
  }
}

function subscriptionEnded(o: StripeObject, at: Date, publication: string): BillingEvent[] | 'malformed' {
  const gatewaySubscriptionId = str(o.id);
  if (!gatewaySubscriptionId) return 'malformed';
  if (foreign(publicationIn([obj(o.metadata)]), publication)) return [];
  const subscriptionId = ourId(obj(o.metadata)?.[META.subscriptionId]);
  return [{ type: 'subscription-ended', subscriptionId, gatewaySubscriptionId, occurredAt: dateOf(o.ended_at) ?? at }];
}

/**
 * `gatewayPaymentId` is the invoice id Masthead refunded (written by `refund()` into the refund's
 * metadata), so it matches the `payment-captured` event; refunds made elsewhere (Dashboard) fall back to
 * the PaymentIntent or Charge id.
 */
function refundProcessed(refund: StripeObject, charge: StripeObject | null, at: Date, publication: string): BillingEvent[] | 'malformed' {
  const gatewayRefundId = str(refund.id);
  const amount = num(refund.amount);
  const currency = str(refund.currency) ?? str(charge?.currency);
  const metadata = obj(refund.metadata);
  const gatewayPaymentId =
    str(metadata?.[META.paymentId]) ??
    idOf(refund.payment_intent) ??
    idOf(charge?.payment_intent) ??
    idOf(refund.charge) ??
    str(charge?.id);
  if (!gatewayRefundId || amount === null || !currency || !gatewayPaymentId) return 'malformed';
  if (foreign(publicationIn([metadata]), publication)) return [];
  return [
    {
      type: 'refund-processed',
      gatewayPaymentId,
      gatewayRefundId,
      amount: { minor: amount, currency: currency.toUpperCase() },
      occurredAt: at,
    },
  ];
}

/**
 * A paid Checkout Session in `payment` mode that we started (`startOneTimePayment`): a gift's payment, keyed by
 * its PaymentIntent. Unpaid sessions (a delayed method still pending) and other integrations' sessions are none.
 */
function oneTimePayment(o: StripeObject, at: Date, publication: string): BillingEvent[] | 'malformed' {
  const metadata = obj(o.metadata);
  const reference = str(metadata?.[META.reference]);
  if (!reference || foreign(publicationIn([metadata]), publication) || o.payment_status !== 'paid') return [];
  const gatewayOrderId = str(o.id);
  const gatewayPaymentId = idOf(o.payment_intent);
  const amount = num(o.amount_total);
  const currency = str(o.currency);
  if (!gatewayOrderId || !gatewayPaymentId || amount === null || !currency) return 'malformed';
  return [
    {
      type: 'one-time-payment-captured',
      reference,
      gatewayOrderId,
      gatewayPaymentId,
      amount: { minor: amount, currency: currency.toUpperCase() },
      paymentMethod: null,
      occurredAt: at,
    },
  ];
}
