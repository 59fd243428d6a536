import { createHash } from 'node:crypto';
import Stripe from 'stripe';
import type { CheckoutRequest, CheckoutStart, GatewaySubscriptionState, PaymentGateway } from '../../domain/billing/gateway.js';
import type { Money } from '../../domain/billing/money.js';
import type { Plan } from '../../domain/billing/plans.js';
import {
  META,
  dateOf,
  idOf,
  invoiceToCaptured,
  isObject,
  listData,
  mapStatus,
  num,
  obj,
  str,
  subscriptionPeriodEnd,
  type CapturedPayment,
  type StripeObject,
} from './stripe-objects.js';
import { gatewayPlanFinder, type GatewayPlanIdStore } from './gateway-plan-ids.js';
import { parseStripeWebhook } from './stripe-webhook.js';

export { HANDLED_EVENT_TYPES, WEBHOOK_TOLERANCE_SECONDS } from './stripe-webhook.js';

export interface StripeGatewayOptions {
  /** `sk_live_…` / `sk_test_…` (or a restricted key with the permissions listed in README-stripe.md). */
  secretKey: string;
  /** The endpoint's signing secret, `whsec_…`. */
  webhookSecret: string;
  /** Where the REST API answers; tests point it at a local server. Default: api.stripe.com over HTTPS. */
  apiBase?: { host: string; port: number; protocol: 'http' | 'https' } | undefined;
  /** Tag written into metadata; events tagged with another publication are ignored. */
  publication: string;
  /** The Price of each plan at each price, remembered so checkout, plan changes and the plans editor share one. */
  priceIds: GatewayPlanIdStore;
}

/**
 * The PaymentGateway for Stripe Billing: hosted Checkout in subscription mode, automatic renewals,
 * Customer Portal for card updates. See README-stripe.md for dashboard setup and event ordering.
 */
export function createStripeGateway(options: StripeGatewayOptions): PaymentGateway {
  if (!options.secretKey.trim() || !options.webhookSecret.trim()) throw new Error('Stripe needs a secret key and a webhook signing secret');
  const stripe = new Stripe(options.secretKey, {
    maxNetworkRetries: 2, // the SDK adds an idempotency key to retried POSTs
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: 'Masthead' },
    ...(options.apiBase ?? {}),
  });
  const publication = options.publication;
  // Checkout Sessions are hosted on checkout.stripe.com; a stand-in API (tests, staging) hosts its own pages.
  const checkoutOrigins = options.apiBase
    ? [`${options.apiBase.protocol}://${options.apiBase.host}:${options.apiBase.port}`]
    : ['https://checkout.stripe.com'];
  const storedPrice = gatewayPlanFinder(options.priceIds);
  /**
   * The proration time of each upgrade preview shown (key: subscription and price). `changePlan` passes it
   * back as `proration_date`, which Stripe documents as the way to charge exactly the previewed proration.
   * Kept in memory: with several instances, a change may land on another one and be prorated to its own time.
   */
  const previews = new Map<string, { prorationDate: number; madeAt: number }>();
  const PREVIEW_VALID_MS = 60 * 60 * 1000;

  /** A stable Idempotency-Key (≤ 255 chars) for one logical operation. */
  const idempotencyKey = (kind: string, ...parts: (string | number)[]) =>
    `masthead-${kind}-${createHash('sha256')
      .update(JSON.stringify([publication, ...parts]))
      .digest('hex')
      .slice(0, 40)}`;

  const recurring = (plan: Plan) => ({ interval: plan.term.unit, interval_count: plan.term.count });

  /**
   * The recurring Price for a plan at its current price: the one stored (made from the plans editor, entered by
   * hand, or by an earlier checkout), else created with its product inline and stored. Checkout uses it, and so do
   * plan changes, which need a real Price id: pending updates (`pending_if_incomplete`) accept `items[].price` but
   * not `items[].price_data`.
   */
  function priceFor(plan: Plan): Promise<string> {
    return storedPrice(plan, async () => {
      const version = [plan.id, plan.name, plan.price.minor, plan.price.currency, plan.term.count, plan.term.unit] as const;
      const price = await stripe.prices.create(
        {
          currency: currencyOf(plan.price),
          unit_amount: minorOf(plan.price),
          tax_behavior: 'inclusive',
          recurring: recurring(plan),
          product_data: { name: plan.name, metadata: { [META.planId]: String(plan.id), [META.publication]: publication } },
          metadata: { [META.planId]: String(plan.id), [META.publication]: publication },
        },
        // Another instance making the same Price within Stripe's 24 hours gets this one back.
        { idempotencyKey: idempotencyKey('price', ...version) },
      );
      return price.id;
    });
  }

  async function retrieveSubscription(id: string): Promise<StripeObject> {
    return loose(await stripe.subscriptions.retrieve(id));
  }

  /** Drops a subscription schedule (a pending period-end plan change) so the subscription can be edited directly. */
  async function releaseSchedule(subscription: StripeObject): Promise<void> {
    const schedule = idOf(subscription.schedule);
    if (schedule) await stripe.subscriptionSchedules.release(schedule, { preserve_cancel_date: true });
  }

  /** What `refunds.create` needs for one of our payment ids (normally an invoice id, see stripe-objects.ts). */
  async function refundTarget(paymentId: string): Promise<{ payment_intent: string } | { charge: string }> {
    if (paymentId.startsWith('pi_')) return { payment_intent: paymentId };
    if (paymentId.startsWith('ch_') || paymentId.startsWith('py_')) return { charge: paymentId };
    const invoice = loose(await stripe.invoices.retrieve(paymentId, { expand: ['payments'] }));
    const paid = listData(invoice.payments).find((p) => p.status === 'paid') ?? listData(invoice.payments)[0];
    const intent = idOf(obj(paid?.payment)?.payment_intent) ?? idOf(invoice.payment_intent);
    if (intent) return { payment_intent: intent };
    const charge = idOf(obj(paid?.payment)?.charge) ?? idOf(invoice.charge);
    if (charge) return { charge };
    throw new Error(`Stripe invoice ${paymentId} has no payment to refund`);
  }

  return {
    name: 'stripe',
    checkoutOrigins,

    preparePlan: priceFor,

    async startCheckout(request: CheckoutRequest): Promise<CheckoutStart> {
      const { plan, subscriptionId } = request;
      const metadata = { [META.subscriptionId]: String(subscriptionId), [META.publication]: publication };
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        customer_email: request.customer.email,
        client_reference_id: String(subscriptionId),
        line_items: [{ quantity: 1, price: await priceFor(plan) }],
        subscription_data: { metadata },
        metadata: { ...metadata, [META.planId]: String(plan.id), [META.userId]: String(request.customer.userId) },
        success_url: withSessionIdPlaceholder(request.returnUrl),
        cancel_url: request.cancelUrl,
      });
      if (!session.url) throw new Error(`Stripe Checkout session ${session.id} came back without a URL`);
      return {
        redirectUrl: session.url,
        gatewaySubscriptionId: null,
        gatewayCustomerId: idOf(session.customer),
        gatewayCheckoutId: session.id,
        checkoutForm: null,
      };
    },

    /**
     * A gift: a Checkout Session in `payment` mode (no subscription, no saved mandate), priced inline for the
     * amount asked. Its capture arrives as `checkout.session.completed` (or `…async_payment_succeeded`) with
     * our reference in the metadata.
     */
    async startOneTimePayment(request) {
      const metadata = {
        [META.reference]: request.reference,
        [META.publication]: publication,
        [META.userId]: String(request.customer.userId),
      };
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        customer_email: request.customer.email,
        client_reference_id: request.reference.replace(':', '-'),
        line_items: [
          {
            quantity: 1,
            price_data: {
              currency: request.amount.currency.toLowerCase(),
              unit_amount: request.amount.minor,
              // Our prices include GST (see README-stripe.md).
              tax_behavior: 'inclusive',
              product_data: { name: request.description },
            },
          },
        ],
        metadata,
        payment_intent_data: { metadata },
        success_url: request.returnUrl,
        cancel_url: request.cancelUrl,
      });
      if (!session.url) throw new Error(`Stripe Checkout session ${session.id} came back without a URL`);
      return { redirectUrl: session.url, gatewayOrderId: session.id };
    },

    parseWebhook(rawBody, headers, now) {
      return parseStripeWebhook({ webhooks: stripe.webhooks, webhookSecret: options.webhookSecret, publication }, rawBody, headers, now);
    },

    async requestRenewal() {
      // Stripe charges renewals itself; the outcome arrives as invoice.paid / invoice.payment_failed.
    },

    async setCancelAtPeriodEnd(gatewaySubscriptionId, cancel) {
      const subscription = await retrieveSubscription(gatewaySubscriptionId);
      if (subscription.cancel_at_period_end === cancel) return;
      // Stripe refuses cancellation changes on a subscription driven by a schedule; cancelling wins over
      // a pending period-end plan change.
      if (cancel) await releaseSchedule(subscription);
      await stripe.subscriptions.update(gatewaySubscriptionId, { cancel_at_period_end: cancel });
    },

    async cancelNow(gatewaySubscriptionId) {
      const subscription = await retrieveSubscription(gatewaySubscriptionId);
      if (subscription.status === 'canceled' || subscription.status === 'incomplete_expired') return;
      await stripe.subscriptions.cancel(gatewaySubscriptionId);
    },

    async changePlan({ gatewaySubscriptionId, plan, when }) {
      const subscription = await retrieveSubscription(gatewaySubscriptionId);
      const item = listData(subscription.items)[0];
      const itemId = str(item?.id);
      const currentPrice = idOf(item?.price);
      if (!item || !itemId || !currentPrice) throw new Error(`Stripe subscription ${gatewaySubscriptionId} has no item`);
      const price = await priceFor(plan);
      if (when === 'now') {
        await releaseSchedule(subscription);
        const previewKey = `${gatewaySubscriptionId}:${price}`;
        const preview = previews.get(previewKey);
        previews.delete(previewKey);
        const prorationDate = preview && Date.now() - preview.madeAt < PREVIEW_VALID_MS ? preview.prorationDate : undefined;
        // Stripe invoices the prorated difference at once; the update only applies if that invoice is paid.
        // With the preview's proration_date it charges exactly what the account page showed.
        await stripe.subscriptions.update(gatewaySubscriptionId, {
          items: [{ id: itemId, price }],
          proration_behavior: 'always_invoice',
          payment_behavior: 'pending_if_incomplete',
          ...(prorationDate !== undefined ? { proration_date: prorationDate } : {}),
        });
        return;
      }
      // Our plans differ in interval, and an interval change resets the billing anchor, so a direct
      // update cannot wait for period end: a schedule keeps the current phase and starts the new price after it.
      const scheduleId = idOf(subscription.schedule);
      const schedule = loose(
        scheduleId
          ? await stripe.subscriptionSchedules.retrieve(scheduleId)
          : await stripe.subscriptionSchedules.create({ from_subscription: gatewaySubscriptionId }),
      );
      const current = obj(schedule.current_phase) ?? listData({ data: schedule.phases })[0];
      const start = num(current?.start_date);
      const end = num(current?.end_date);
      if (start === null || end === null) throw new Error(`Stripe schedule for ${gatewaySubscriptionId} has no current phase`);
      await stripe.subscriptionSchedules.update(str(schedule.id) ?? '', {
        end_behavior: 'release',
        phases: [
          {
            items: [{ price: currentPrice, quantity: num(item.quantity) ?? 1 }],
            start_date: start,
            end_date: end,
            proration_behavior: 'none',
          },
          { items: [{ price, quantity: 1 }], duration: recurring(plan), proration_behavior: 'none' },
        ],
      });
    },

    async refund({ gatewayPaymentId, amount, reason }) {
      const target = await refundTarget(gatewayPaymentId);
      const refund = await stripe.refunds.create(
        {
          ...target,
          amount: minorOf(amount),
          metadata: { [META.paymentId]: gatewayPaymentId, [META.publication]: publication, masthead_reason: reason.slice(0, 500) },
        },
        { idempotencyKey: idempotencyKey('refund', gatewayPaymentId, amount.minor, amount.currency, reason) },
      );
      return { gatewayRefundId: refund.id };
    },

    async resolvePaymentId(reference) {
      if (reference.startsWith('in_')) return reference;
      let intent = reference.startsWith('pi_') ? reference : null;
      if (!intent && (reference.startsWith('ch_') || reference.startsWith('py_'))) {
        const charge = loose(await stripe.charges.retrieve(reference));
        const invoice = idOf(charge.invoice); // API versions before 2025-03-31 name it on the charge
        if (invoice) return invoice;
        intent = idOf(charge.payment_intent);
      }
      if (!intent) return null;
      // Since 2025-03-31 the invoice ↔ PaymentIntent link is an InvoicePayment.
      const found = await stripe.invoicePayments.list({ payment: { type: 'payment_intent', payment_intent: intent }, limit: 1 });
      const first = found.data[0];
      return first ? idOf(loose(first).invoice) : null;
    },

    async previewPlanChange({ gatewaySubscriptionId, plan }) {
      const subscription = await retrieveSubscription(gatewaySubscriptionId);
      const itemId = str(listData(subscription.items)[0]?.id);
      if (!itemId) return null;
      const price = await priceFor(plan);
      // The page's preview and the one made again when the reader confirms share one proration time, so the
      // amount charged is the amount the page showed, not one a few seconds of proration later.
      const key = `${gatewaySubscriptionId}:${price}`;
      const shown = previews.get(key);
      const fresh = shown && Date.now() - shown.madeAt < PREVIEW_VALID_MS ? shown : null;
      const prorationDate = fresh?.prorationDate ?? Math.floor(Date.now() / 1000);
      const invoice = loose(
        await stripe.invoices.createPreview({
          subscription: gatewaySubscriptionId,
          subscription_details: { items: [{ id: itemId, price }], proration_behavior: 'always_invoice', proration_date: prorationDate },
        }),
      );
      const due = num(invoice.amount_due);
      const currency = str(invoice.currency)?.toUpperCase();
      if (due === null || !currency) return null;
      if (!fresh) previews.set(key, { prorationDate, madeAt: Date.now() });
      // The credit for unused time: the negative proration lines (Stripe's documented way to pick them out).
      const credit = listData(invoice.lines)
        .filter((line) => isProrationLine(line))
        .reduce((sum, line) => sum + Math.max(0, -(num(line.amount) ?? 0)), 0);
      return { charge: { minor: due, currency }, credit: { minor: credit, currency } };
    },

    async fetchSubscription(gatewaySubscriptionId): Promise<GatewaySubscriptionState> {
      const [subscription, invoices] = await Promise.all([
        retrieveSubscription(gatewaySubscriptionId),
        stripe.invoices.list({ subscription: gatewaySubscriptionId, status: 'paid', limit: 5 }),
      ]);
      const payments = invoices.data
        .map((invoice) => {
          const o = loose(invoice);
          return invoiceToCaptured(o, dateOf(o.created) ?? new Date(0));
        })
        .filter((p): p is CapturedPayment => p !== null);
      return {
        status: mapStatus(subscription.status),
        currentPeriodEnd: subscriptionPeriodEnd(subscription),
        cancelAtPeriodEnd: subscription.cancel_at_period_end === true,
        payments,
      };
    },

    async cancelCheckout({ gatewayCheckoutId }) {
      if (!gatewayCheckoutId) return;
      const session = loose(await stripe.checkout.sessions.retrieve(gatewayCheckoutId));
      // An open session can still be paid; expiring it makes its page refuse payment.
      if (session.status === 'open') await stripe.checkout.sessions.expire(gatewayCheckoutId);
    },

    async resumeCheckout({ gatewayCheckoutId }) {
      if (!gatewayCheckoutId) return null;
      const session = loose(await stripe.checkout.sessions.retrieve(gatewayCheckoutId));
      const url = str(session.url);
      if (session.status !== 'open' || !url) return null;
      return { redirectUrl: url, gatewaySubscriptionId: null, gatewayCustomerId: null, gatewayCheckoutId, checkoutForm: null };
    },

    async findCheckoutSubscription(gatewayCheckoutId) {
      const session = loose(await stripe.checkout.sessions.retrieve(gatewayCheckoutId));
      const subscription = idOf(session.subscription);
      return session.status === 'complete' && subscription
        ? { gatewaySubscriptionId: subscription, gatewayCustomerId: idOf(session.customer) }
        : null;
    },

    async paymentMethodUpdateUrl({ gatewaySubscriptionId, gatewayCustomerId, returnUrl }) {
      const customer = gatewayCustomerId ?? idOf((await retrieveSubscription(gatewaySubscriptionId)).customer);
      if (!customer) return null;
      const session = await stripe.billingPortal.sessions.create({ customer, return_url: returnUrl });
      return session.url;
    },
  };
}

/** `apiBase` from a URL such as config's STRIPE_API_URL (`http://127.0.0.1:12111`); null → the real API. */
export function stripeApiBase(url: string | null): StripeGatewayOptions['apiBase'] {
  if (!url) return undefined;
  const u = new URL(url);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return { host: u.hostname, port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443, protocol };
}

/** Appends `session_id={CHECKOUT_SESSION_ID}` (Stripe fills it in) to the query, before any fragment. */
export function withSessionIdPlaceholder(url: string): string {
  const hash = url.indexOf('#');
  const [base, fragment] = hash === -1 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  const sep = base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?';
  return `${base}${sep}session_id={CHECKOUT_SESSION_ID}${fragment}`;
}

function currencyOf(money: Money): string {
  return money.currency.toLowerCase();
}

function minorOf(money: Money): number {
  if (!Number.isSafeInteger(money.minor) || money.minor <= 0)
    throw new Error(`amount must be a positive integer of minor units, got ${money.minor}`);
  return money.minor;
}

function isProrationLine(line: StripeObject): boolean {
  return line.proration === true || obj(obj(line.parent)?.subscription_item_details)?.proration === true;
}

function loose(value: unknown): StripeObject {
  if (!isObject(value)) throw new Error('Stripe answered with something that is not an object');
  return value;
}
