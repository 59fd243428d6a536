import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GatewaySubscriptionState } from '../../domain/billing/gateway.js';
import type { Plan } from '../../domain/billing/plans.js';

/**
 * Razorpay wire shapes, pure helpers and error handling shared by the gateway and the webhook parser.
 * Only the fields we read are typed; everything is optional because webhooks are untrusted input
 * (after the signature check they are authentic, but fields still vary by event and payment method).
 */

/** Subscription entity (GET /v1/subscriptions/:id, webhook `payload.subscription.entity`). */
export interface RzpSubscription {
  id: string;
  status?: string;
  plan_id?: string;
  customer_id?: string | null;
  current_start?: number | null;
  current_end?: number | null;
  start_at?: number | null;
  paid_count?: number;
  short_url?: string | null;
  notes?: Record<string, unknown> | unknown[] | null;
}

/** Payment entity (webhook `payload.payment.entity`, GET /v1/payments/:id). */
export interface RzpPayment {
  id: string;
  amount?: number;
  currency?: string;
  status?: string;
  method?: string;
  invoice_id?: string | null;
  subscription_id?: string | null;
  card?: { last4?: string | null; network?: string | null } | null;
  vpa?: string | null;
  upi?: { vpa?: string | null } | null;
  bank?: string | null;
  wallet?: string | null;
  error_code?: string | null;
  error_description?: string | null;
  notes?: Record<string, unknown> | unknown[] | null;
  created_at?: number;
}

/** Refund entity (POST /v1/payments/:id/refund, webhook `payload.refund.entity`). */
export interface RzpRefund {
  id: string;
  payment_id?: string;
  amount?: number;
  currency?: string;
  created_at?: number;
}

/** Dispute entity (webhook `payload.dispute.entity`; Disputes API, "Disputes entity"). */
export interface RzpDispute {
  id: string;
  payment_id?: string;
  amount?: number;
  currency?: string;
  /** What was taken from the balance: 0 unless the dispute was lost. */
  amount_deducted?: number;
  reason_code?: string;
  reason_description?: string;
  status?: string;
}

/** Invoice entity as generated for subscription cycles (GET /v1/invoices?subscription_id=…). */
export interface RzpInvoice {
  id: string;
  status?: string;
  payment_id?: string | null;
  subscription_id?: string | null;
  amount_paid?: number;
  currency?: string;
  billing_start?: number | null;
  billing_end?: number | null;
  paid_at?: number | null;
}

/** The note key that carries our subscription id on Razorpay subscriptions (and checkout payments). */
export const SUBSCRIPTION_NOTE = 'masthead_subscription_id';
/** The note a gift's Payment Link carries: what it pays for (`gift:<id>`). */
export const REFERENCE_NOTE = 'masthead_reference';

/** Razorpay caps a subscription at 100 years; we also stay at or under this many cycles. */
const MAX_CYCLES = 120;
const MAX_MONTHS = 100 * 12;
const MAX_DAYS = 100 * 365;

/** Razorpay plan `period` + `interval` for one of our terms (month×3 → monthly/3, year×2 → yearly/2). */
export function planPeriod(term: Plan['term']): { period: 'daily' | 'monthly' | 'yearly'; interval: number } {
  const period = term.unit === 'day' ? 'daily' : term.unit === 'month' ? 'monthly' : 'yearly';
  return { period, interval: term.count };
}

/**
 * How many billing cycles fit in the remaining lifetime of a subscription ("until cancelled"):
 * min(120, whole terms in 100 years minus `elapsedSeconds`). Quarterly → 120, yearly → 100, 2-yearly → 50.
 * Elapsed time is rounded up (30-day months) so the result never overshoots the cap.
 */
export function cyclesFor(term: Plan['term'], elapsedSeconds = 0): number {
  const elapsedDays = Math.ceil(Math.max(0, elapsedSeconds) / 86_400);
  const fit =
    term.unit === 'day'
      ? (MAX_DAYS - elapsedDays) / term.count
      : (MAX_MONTHS - Math.ceil(elapsedDays / 30)) / (term.unit === 'year' ? term.count * 12 : term.count);
  return Math.max(1, Math.min(MAX_CYCLES, Math.floor(fit)));
}

/** Our view of a Razorpay subscription status. Unknown statuses (e.g. `paused`) read as past-due. */
export function mapStatus(status: string | undefined): GatewaySubscriptionState['status'] {
  switch (status) {
    case 'created':
    case 'authenticated':
      return 'pending';
    case 'active':
      return 'active';
    case 'cancelled':
      return 'cancelled';
    case 'completed':
    case 'expired':
      return 'ended';
    default:
      return 'past-due'; // pending, halted, paused
  }
}

/** "Visa •••• 1111", "Card •••• 1111", "UPI (name@bank)", "Netbanking (HDFC)", or the bare method. */
export function describeMethod(payment: RzpPayment): string | null {
  const method = payment.method;
  if (!method) return null;
  switch (method) {
    case 'card': {
      const last4 = payment.card?.last4;
      const brand = payment.card?.network && payment.card.network !== 'Unknown' ? payment.card.network : 'Card';
      return last4 ? `${brand} •••• ${last4}` : brand;
    }
    case 'upi': {
      const vpa = payment.vpa ?? payment.upi?.vpa;
      return vpa ? `UPI (${vpa})` : 'UPI';
    }
    case 'netbanking':
      return payment.bank ? `Netbanking (${payment.bank})` : 'Netbanking';
    case 'emandate':
      return payment.bank ? `eMandate (${payment.bank})` : 'eMandate';
    case 'nach':
      return 'NACH';
    case 'wallet':
      return payment.wallet ? `Wallet (${payment.wallet})` : 'Wallet';
    default:
      return method;
  }
}

/** Our subscription id from Razorpay `notes` (values come back as strings or numbers), else null. */
export function noteSubscriptionId(notes: RzpSubscription['notes']): number | null {
  if (!notes || Array.isArray(notes)) return null; // Razorpay serialises empty notes as []
  const raw = notes[SUBSCRIPTION_NOTE];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** Unix seconds → Date (null when absent). */
export function fromUnix(seconds: number | null | undefined): Date | null {
  return typeof seconds === 'number' && Number.isFinite(seconds) ? new Date(seconds * 1000) : null;
}

/**
 * Constant-time check of a hex HMAC-SHA256 signature over exact bytes. We do not call the SDK's
 * `validateWebhookSignature` here: it decodes the body with `toString()` (lossy for non-UTF-8 bytes)
 * and compares with `===`. The tests cross-check both produce the same verdict.
 */
export function verifyHmacHex(payload: Buffer | string, signature: string, secret: string): boolean {
  if (!secret) throw new Error('Razorpay: signing secret is not configured');
  const expected = Buffer.from(createHmac('sha256', secret).update(payload).digest('hex'), 'utf8');
  const given = Buffer.from(signature.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A failed Razorpay call or an operation Razorpay cannot do. Carries no credentials. */
export class RazorpayGatewayError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly statusCode: number | null = null,
  ) {
    super(message);
    this.name = 'RazorpayGatewayError';
  }
}

/**
 * Runs one SDK call. The SDK rejects with `{ statusCode, error: { code, description } }` (not an Error) for
 * HTTP errors; with no response at all (refused, timeout) its error normaliser itself throws a TypeError.
 * Only those fields are read, so the axios config (which holds the key secret) never reaches the message.
 */
export async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err as { statusCode?: unknown; error?: { code?: unknown; description?: unknown } } | null | undefined;
    if (typeof e?.statusCode === 'number') {
      const code = typeof e.error?.code === 'string' ? e.error.code : 'RAZORPAY_ERROR';
      const detail = typeof e.error?.description === 'string' ? e.error.description : 'no description';
      throw new RazorpayGatewayError(`Razorpay ${operation} failed (HTTP ${e.statusCode} ${code}): ${detail}`, code, e.statusCode);
    }
    if (typeof err === 'string') throw new RazorpayGatewayError(`Razorpay ${operation} refused: ${err}`, 'INVALID_REQUEST');
    throw new RazorpayGatewayError(`Razorpay ${operation} failed: no HTTP response (network error or timeout)`, 'NETWORK_ERROR');
  }
}
