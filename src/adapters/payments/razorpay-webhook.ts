import { createHash } from 'node:crypto';
import type { BillingEvent, WebhookParse } from '../../domain/billing/gateway.js';
import {
  describeMethod,
  fromUnix,
  noteSubscriptionId,
  REFERENCE_NOTE,
  verifyHmacHex,
  type RzpPayment,
  type RzpDispute,
  type RzpRefund,
  type RzpSubscription,
} from './razorpay-wire.js';

type Headers = Record<string, string | string[] | undefined>;

interface RzpEvent {
  event?: unknown;
  created_at?: number;
  payload?: {
    subscription?: { entity?: RzpSubscription };
    payment?: { entity?: RzpPayment };
    refund?: { entity?: RzpRefund };
    payment_link?: { entity?: { id: string; status?: string; notes?: Record<string, unknown> | unknown[] | null } };
    dispute?: { entity?: RzpDispute };
  };
}

class MalformedEvent extends Error {}

/** Reads a header case-insensitively (Node lowercases them, other frameworks may not); arrays → first value. */
export function headerValue(headers: Headers, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Verifies and normalises one Razorpay webhook delivery.
 *
 * 1. `X-Razorpay-Signature` must be the hex HMAC-SHA256 of the raw body bytes keyed with the webhook secret
 *    (checked before anything is parsed; re-serialised JSON does not verify).
 * 2. The event id is the `x-razorpay-event-id` header (stable across retries and replays), else a hash of the body.
 * 3. Events we do not act on (`subscription.updated`, `refund.created`, …) are acknowledged with no billing
 *    events, so Razorpay stops retrying them.
 */
export function parseRazorpayWebhook(rawBody: Buffer, headers: Headers, now: Date, webhookSecret: string): WebhookParse {
  const signature = headerValue(headers, 'x-razorpay-signature');
  if (!signature) return { ok: false, reason: 'bad-signature', message: 'missing X-Razorpay-Signature header' };
  if (!verifyHmacHex(rawBody, signature, webhookSecret)) {
    return { ok: false, reason: 'bad-signature', message: 'X-Razorpay-Signature does not match the body' };
  }
  // `null`, a number or an array parse too: only an object with an `event` name is an event.
  let event: RzpEvent | null;
  try {
    event = JSON.parse(rawBody.toString('utf8')) as RzpEvent | null;
  } catch {
    return { ok: false, reason: 'malformed', message: 'body is not JSON' };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event) || typeof event.event !== 'string') {
    return { ok: false, reason: 'malformed', message: 'body is not a Razorpay event' };
  }
  const eventType = event.event;
  const eventId = headerValue(headers, 'x-razorpay-event-id') || `body-sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
  try {
    return { ok: true, eventId, eventType, events: mapEvent(eventType, event, fromUnix(event.created_at) ?? now) };
  } catch (err) {
    if (err instanceof MalformedEvent) return { ok: false, reason: 'malformed', message: `${eventType}: ${err.message}` };
    throw err;
  }
}

function need<T extends { id: string }>(entity: T | undefined, what: string): T {
  if (!entity || typeof entity !== 'object' || typeof entity.id !== 'string') throw new MalformedEvent(`missing ${what} entity`);
  return entity;
}

function amountOf(entity: { amount?: number; currency?: string }, what: string): { minor: number; currency: string } {
  if (!Number.isSafeInteger(entity.amount) || typeof entity.currency !== 'string') throw new MalformedEvent(`${what} has no amount`);
  return { minor: entity.amount as number, currency: entity.currency };
}

function mapEvent(type: string, event: RzpEvent, occurredAt: Date): BillingEvent[] {
  const sub = event.payload?.subscription?.entity;
  const pay = event.payload?.payment?.entity;
  const ours = sub ? noteSubscriptionId(sub.notes) : null;
  switch (type) {
    case 'subscription.authenticated': {
      // The reader completed the mandate in Checkout. Only our own subscriptions carry the note.
      const s = need(sub, 'subscription');
      if (ours === null) return [];
      return [
        {
          type: 'checkout-completed',
          subscriptionId: ours,
          gatewaySubscriptionId: s.id,
          gatewayCustomerId: s.customer_id ?? null,
          occurredAt,
        },
      ];
    }
    case 'subscription.charged': {
      const s = need(sub, 'subscription');
      const p = need(pay, 'payment');
      return [
        {
          type: 'payment-captured',
          subscriptionId: ours,
          gatewaySubscriptionId: s.id,
          gatewayPaymentId: p.id,
          amount: amountOf(p, 'payment'),
          // At charge time the subscription's current cycle is the one just paid for.
          periodStart: fromUnix(s.current_start),
          periodEnd: fromUnix(s.current_end),
          paymentMethod: describeMethod(p),
          occurredAt,
        },
      ];
    }
    case 'subscription.pending':
    case 'subscription.halted': {
      // pending: a renewal charge failed and Razorpay retries; halted: retries exhausted, no more auto-charges.
      const s = need(sub, 'subscription');
      const reason = type === 'subscription.halted' ? 'halted' : 'pending';
      return [
        {
          type: 'payment-failed',
          subscriptionId: ours,
          gatewaySubscriptionId: s.id,
          gatewayPaymentId: pay?.id ?? null,
          reason,
          occurredAt,
        },
      ];
    }
    case 'payment_link.paid': {
      // A gift's Payment Link (`startOneTimePayment`); links other integrations made carry no reference of ours.
      const link = need(event.payload?.payment_link?.entity, 'payment_link');
      const notes = link.notes && !Array.isArray(link.notes) ? link.notes : {};
      const reference = notes[REFERENCE_NOTE];
      if (typeof reference !== 'string' || !reference) return [];
      const p = need(pay, 'payment');
      return [
        {
          type: 'one-time-payment-captured',
          reference,
          gatewayOrderId: link.id,
          gatewayPaymentId: p.id,
          amount: amountOf(p, 'payment'),
          paymentMethod: describeMethod(p),
          occurredAt: fromUnix(p.created_at) ?? occurredAt,
        },
      ];
    }
    case 'payment.failed': {
      // Mapped only when the delivery names a subscription; plain one-off payment failures are not ours to track.
      const p = need(pay, 'payment');
      const gatewaySubscriptionId = sub?.id ?? p.subscription_id ?? null;
      if (!gatewaySubscriptionId) return [];
      const reason = p.error_description ?? p.error_code ?? 'payment failed';
      return [
        {
          type: 'payment-failed',
          subscriptionId: ours ?? noteSubscriptionId(p.notes),
          gatewaySubscriptionId,
          gatewayPaymentId: p.id,
          reason,
          occurredAt,
        },
      ];
    }
    case 'subscription.activated': {
      // Sent on the first activation and when a pending or halted subscription is active again (Subscriptions
      // webhook events). The domain applies it only to a subscription whose renewal had failed.
      const s = need(sub, 'subscription');
      const periodStart = fromUnix(s.current_start);
      const periodEnd = fromUnix(s.current_end);
      if (!periodStart || !periodEnd) return [];
      return [{ type: 'subscription-reactivated', subscriptionId: ours, gatewaySubscriptionId: s.id, periodStart, periodEnd, occurredAt }];
    }
    case 'subscription.paused':
    case 'subscription.resumed': {
      const s = need(sub, 'subscription');
      const kind = type === 'subscription.paused' ? 'subscription-paused' : 'subscription-resumed';
      return [{ type: kind, subscriptionId: ours, gatewaySubscriptionId: s.id, occurredAt }];
    }
    case 'subscription.cancelled':
    case 'subscription.completed': {
      const s = need(sub, 'subscription');
      return [{ type: 'subscription-ended', subscriptionId: ours, gatewaySubscriptionId: s.id, occurredAt }];
    }
    case 'payment.dispute.created':
    case 'payment.dispute.under_review':
    case 'payment.dispute.action_required':
    case 'payment.dispute.won':
    case 'payment.dispute.lost':
    case 'payment.dispute.closed': {
      // A chargeback: open until won, lost or closed. "closed" without money deducted ends in the publisher's favour.
      const d = need(event.payload?.dispute?.entity, 'dispute');
      const paymentId = d.payment_id ?? pay?.id;
      if (!paymentId) throw new MalformedEvent('dispute names no payment');
      const lost = type === 'payment.dispute.lost' || (type === 'payment.dispute.closed' && (d.amount_deducted ?? 0) > 0);
      const outcome = lost ? 'lost' : type === 'payment.dispute.won' || type === 'payment.dispute.closed' ? 'won' : 'open';
      const reason = d.reason_description ?? d.reason_code ?? 'disputed';
      return [
        {
          type: 'payment-disputed',
          gatewayPaymentId: paymentId,
          gatewayDisputeId: d.id,
          amount: amountOf(d, 'dispute'),
          reason,
          outcome,
          occurredAt,
        },
      ];
    }
    case 'refund.processed': {
      const r = need(event.payload?.refund?.entity, 'refund');
      const paymentId = r.payment_id ?? pay?.id;
      if (!paymentId) throw new MalformedEvent('refund names no payment');
      return [{ type: 'refund-processed', gatewayPaymentId: paymentId, gatewayRefundId: r.id, amount: amountOf(r, 'refund'), occurredAt }];
    }
    case 'refund.failed': {
      const r = need(event.payload?.refund?.entity, 'refund');
      const paymentId = r.payment_id ?? pay?.id;
      if (!paymentId) throw new MalformedEvent('refund names no payment');
      // Razorpay's refund entity carries no failure reason: the money stays with the publisher until paid out again.
      const reason = 'the refund failed at Razorpay';
      return [
        { type: 'refund-failed', gatewayPaymentId: paymentId, gatewayRefundId: r.id, amount: amountOf(r, 'refund'), reason, occurredAt },
      ];
    }
    default:
      return [];
  }
}
