import type { BillingEvent, GatewaySubscriptionState } from '../../domain/billing/gateway.js';

/**
 * Readers for Stripe objects as they arrive in webhooks and API answers. Stripe shapes differ by API
 * version (webhook payloads follow the endpoint's version, API answers the SDK's pinned one), so these
 * read plain JSON defensively instead of trusting the SDK's types for one version.
 */
export type StripeObject = Record<string, unknown>;

/** Metadata keys Masthead writes on sessions, subscriptions, products and refunds. */
export const META = {
  subscriptionId: 'masthead_subscription_id',
  publication: 'masthead_publication',
  planId: 'masthead_plan_id',
  userId: 'masthead_user_id',
  paymentId: 'masthead_payment_id',
  /** What a one-time payment pays for (`gift:<id>`). */
  reference: 'masthead_reference',
} as const;

export type CapturedPayment = Extract<BillingEvent, { type: 'payment-captured' }>;

export function isObject(v: unknown): v is StripeObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
export function obj(v: unknown): StripeObject | null {
  return isObject(v) ? v : null;
}
export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
/** An expandable field: either the id itself or the expanded object carrying it. */
export function idOf(v: unknown): string | null {
  return str(v) ?? str(obj(v)?.id);
}
/** The `data` of a Stripe list, or [] when the list is absent (not expanded / not included). */
export function listData(v: unknown): StripeObject[] {
  const data = obj(v)?.data;
  return Array.isArray(data) ? data.filter(isObject) : [];
}
/** Unix seconds → Date. */
export function dateOf(seconds: unknown): Date | null {
  const n = num(seconds);
  return n === null ? null : new Date(n * 1000);
}
/** Our subscription id as written in metadata / client_reference_id: a positive integer. */
export function ourId(v: unknown): number | null {
  const s = typeof v === 'number' ? String(v) : str(v);
  if (s === null || !/^[1-9]\d{0,15}$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : null;
}

function metadataOf(v: unknown): StripeObject | null {
  return obj(obj(v)?.metadata);
}

/** Metadata blocks that may carry our ids on an invoice, across API versions. */
function invoiceMetadata(invoice: StripeObject): StripeObject[] {
  const parentDetails = obj(obj(invoice.parent)?.subscription_details);
  const candidates = [
    obj(parentDetails?.metadata), // 2025-03-31 (basil) and later
    metadataOf(invoice.subscription_details), // 2023-06 … 2025-02
    metadataOf(invoice.subscription), // when expanded
    ...listData(invoice.lines).map((line) => obj(line.metadata)), // subscription lines copy the subscription's metadata
  ];
  return candidates.filter((m): m is StripeObject => m !== null);
}

/** Our publication tag from metadata blocks, if any carries it. */
export function publicationIn(blocks: (StripeObject | null)[]): string | null {
  for (const m of blocks) {
    const p = str(m?.[META.publication]);
    if (p) return p;
  }
  return null;
}

export function invoicePublication(invoice: StripeObject): string | null {
  return publicationIn(invoiceMetadata(invoice));
}

/** The Stripe subscription an invoice bills: `invoice.subscription` (old) or `parent.subscription_details` (new). */
export function invoiceSubscriptionId(invoice: StripeObject): string | null {
  const direct = idOf(invoice.subscription) ?? idOf(obj(obj(invoice.parent)?.subscription_details)?.subscription);
  if (direct) return direct;
  for (const line of listData(invoice.lines)) {
    const id = idOf(line.subscription) ?? str(obj(obj(line.parent)?.subscription_item_details)?.subscription);
    if (id) return id;
  }
  return null;
}

/** Our subscription id carried in subscription metadata (copied onto the invoice), when present. */
export function invoiceOurSubscriptionId(invoice: StripeObject): number | null {
  for (const m of invoiceMetadata(invoice)) {
    const id = ourId(m[META.subscriptionId]);
    if (id !== null) return id;
  }
  return null;
}

function isProration(line: StripeObject): boolean {
  return line.proration === true || obj(obj(line.parent)?.subscription_item_details)?.proration === true;
}
function isSubscriptionLine(line: StripeObject): boolean {
  return line.type === 'subscription' || obj(line.parent)?.type === 'subscription_item_details';
}

/** The paid service period: from the invoice's (non-proration) subscription line items. */
export function invoicePeriod(invoice: StripeObject): { start: Date | null; end: Date | null } {
  const lines = listData(invoice.lines).filter(isSubscriptionLine);
  const regular = lines.filter((l) => !isProration(l));
  let start: number | null = null;
  let end: number | null = null;
  for (const line of regular.length > 0 ? regular : lines) {
    const s = num(obj(line.period)?.start);
    const e = num(obj(line.period)?.end);
    if (s !== null && (start === null || s < start)) start = s;
    if (e !== null && (end === null || e > end)) end = e;
  }
  return { start: dateOf(start), end: dateOf(end) };
}

const BRANDS: Record<string, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  rupay: 'RuPay',
  diners: 'Diners Club',
  discover: 'Discover',
  jcb: 'JCB',
  unionpay: 'UnionPay',
};

/** "Visa •••• 4242", "Card •••• 4242", "UPI (name@bank)" from a charge's payment_method_details. */
export function describeCharge(charge: StripeObject | null): string | null {
  const details = obj(charge?.payment_method_details);
  const card = obj(details?.card);
  if (card) {
    const last4 = str(card.last4);
    const brand = BRANDS[str(card.brand) ?? ''] ?? 'Card';
    return last4 ? `${brand} •••• ${last4}` : brand;
  }
  const upi = obj(details?.upi);
  if (upi) return str(upi.vpa) ? `UPI (${str(upi.vpa)})` : 'UPI';
  return null;
}

/** The charge object of an invoice when the payload has it expanded (old `charge`, or new `payments`). */
function expandedCharge(invoice: StripeObject): StripeObject | null {
  const old = obj(invoice.charge) ?? obj(obj(invoice.payment_intent)?.latest_charge);
  if (old) return old;
  for (const p of listData(invoice.payments)) {
    const payment = obj(p.payment);
    const charge = obj(payment?.charge) ?? obj(obj(payment?.payment_intent)?.latest_charge);
    if (charge) return charge;
  }
  return null;
}

/**
 * A paid invoice as a `payment-captured` event, or null when it is not a subscription charge (no
 * subscription, nothing paid). `gatewayPaymentId` is always the invoice id (`in_…`): present in every
 * API version, in webhooks and API lists alike, so the same payment always gets the same id.
 */
export function invoiceToCaptured(invoice: StripeObject, fallbackTime: Date): CapturedPayment | null {
  const id = str(invoice.id);
  const gatewaySubscriptionId = invoiceSubscriptionId(invoice);
  const paid = num(invoice.amount_paid);
  const currency = str(invoice.currency);
  if (!id || !gatewaySubscriptionId || paid === null || paid <= 0 || !currency) return null;
  const period = invoicePeriod(invoice);
  return {
    type: 'payment-captured',
    subscriptionId: invoiceOurSubscriptionId(invoice),
    gatewaySubscriptionId,
    gatewayPaymentId: id,
    amount: { minor: paid, currency: currency.toUpperCase() },
    periodStart: period.start,
    periodEnd: period.end,
    paymentMethod: describeCharge(expandedCharge(invoice)),
    occurredAt: dateOf(obj(invoice.status_transitions)?.paid_at) ?? fallbackTime,
  };
}

/** Why an invoice payment failed, in words an operator can act on. */
export function invoiceFailureReason(invoice: StripeObject): string {
  const charge = expandedCharge(invoice);
  const cause = str(charge?.failure_message) ?? str(obj(invoice.last_finalization_error)?.message);
  const attempt = num(invoice.attempt_count);
  const next = dateOf(invoice.next_payment_attempt);
  const parts = [cause ?? `Stripe could not collect invoice ${str(invoice.id) ?? '?'}`];
  if (attempt !== null) parts.push(`attempt ${attempt}`);
  parts.push(next ? `next retry ${next.toISOString()}` : 'no automatic retry scheduled');
  return parts.join('; ');
}

/** Stripe subscription status → our gateway status. Unknown statuses throw: they need a decision. */
export function mapStatus(status: unknown): GatewaySubscriptionState['status'] {
  switch (status) {
    case 'incomplete':
      return 'pending';
    case 'active':
    case 'trialing':
      return 'active';
    case 'past_due':
    case 'unpaid':
    case 'paused': // no invoices are collected while paused: treat like an unpaid period
      return 'past-due';
    case 'canceled':
      return 'cancelled';
    case 'incomplete_expired':
      return 'ended';
    default:
      throw new Error(`unknown Stripe subscription status ${String(status)}`);
  }
}

/** Current period end: on the subscription (before 2025-03-31) or on its items (after). */
export function subscriptionPeriodEnd(subscription: StripeObject): Date | null {
  const top = num(subscription.current_period_end);
  if (top !== null) return dateOf(top);
  const ends = listData(subscription.items)
    .map((item) => num(item.current_period_end))
    .filter((n): n is number => n !== null);
  return ends.length > 0 ? dateOf(Math.max(...ends)) : null;
}

/** Whether an object tagged with a publication belongs to another site on the same Stripe account. */
export function foreign(publication: string | null, ours: string): boolean {
  return publication !== null && publication !== ours;
}
