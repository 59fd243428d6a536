import Razorpay from 'razorpay';
import type {
  BillingEvent,
  CheckoutRequest,
  CheckoutStart,
  GatewaySubscriptionState,
  PaymentGateway,
} from '../../domain/billing/gateway.js';
import { formatMoney } from '../../domain/billing/money.js';
import { describeTerm, type Plan } from '../../domain/billing/plans.js';
import { gatewayPlanFinder, type GatewayPlanIdStore } from './gateway-plan-ids.js';
import { parseRazorpayWebhook } from './razorpay-webhook.js';
import {
  RazorpayGatewayError,
  REFERENCE_NOTE,
  SUBSCRIPTION_NOTE,
  call,
  cyclesFor,
  describeMethod,
  fromUnix,
  mapStatus,
  noteSubscriptionId,
  planPeriod,
  verifyHmacHex,
  type RzpInvoice,
  type RzpPayment,
  type RzpSubscription,
} from './razorpay-wire.js';

export { RazorpayGatewayError };

export interface RazorpayGatewayOptions {
  /** API key id (`rzp_live_…` / `rzp_test_…`); public, also handed to Checkout. */
  keyId: string;
  /** API key secret: REST auth and checkout-callback signatures. Never logged or put in errors. */
  keySecret: string;
  /** The secret set on the webhook in the dashboard (not the API key secret). */
  webhookSecret: string;
  /** Default https://api.razorpay.com; tests point it at a local server. */
  apiBaseUrl?: string | undefined;
  /** Razorpay plans cannot change price: one per plan and price, remembered here. */
  planIds: GatewayPlanIdStore;
  /** The publication's name as it is now, shown in Checkout and in new plans' descriptions. */
  publication: () => string;
  /** Our POST /checkout/razorpay/callback, where Checkout posts payment_id, subscription_id and signature. */
  callbackUrl: string;
}

/** The Razorpay gateway: the port plus the checkout-callback signature check. */
export type RazorpayGateway = PaymentGateway & {
  /** Checkout callback: `razorpay_signature` = hex HMAC-SHA256 of `payment_id|subscription_id` with the key secret. */
  verifyCheckoutSignature(input: { paymentId: string; subscriptionId: string; signature: string }): boolean;
};

const DEFAULT_API = 'https://api.razorpay.com';
/** Where a Payment Link sends the buyer: its short link and the hosted payment page (CSP `form-action`). */
const PAYMENT_LINK_ORIGINS = ['https://rzp.io', 'https://razorpay.com', 'https://pages.razorpay.com'];
const RECENT_PAYMENTS = 3;
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * razorpay@2.9 hard-codes `hostUrl: 'https://api.razorpay.com'` in its constructor and has no option for it
 * (nor for a timeout). Its `API` wrapper keeps the axios instance as `api.rq`; every call resolves its path
 * against `rq.defaults.baseURL`, so we set that after construction. Fails loudly if the SDK moves it.
 */
function sdkAxiosDefaults(rzp: Razorpay): { baseURL?: string; timeout?: number } | undefined {
  return (rzp.api as unknown as { rq?: { defaults?: { baseURL?: string; timeout?: number } } }).rq?.defaults;
}

/**
 * Razorpay's documented refusal of `subscriptions.update` for the payment method: "subscriptions cannot be
 * updated when payment mode is UPI" (400 BAD_REQUEST_ERROR; Update a Subscription, Errors: "You cannot update a
 * Subscription authorised via UPI mode or Emandate"). Domestic-card subscriptions may update only their offer;
 * the wording of that refusal is not documented, so any 400 naming the payment mode or the offer counts.
 */
function isPaymentMethodRefusal(error: unknown): error is RazorpayGatewayError {
  return (
    error instanceof RazorpayGatewayError &&
    error.statusCode === 400 &&
    /cannot be updated|payment mode|emandate|only (update )?the offer/i.test(error.message)
  );
}

/** Builds the Razorpay Subscriptions gateway. All REST calls go through the official `razorpay` SDK. */
export function createRazorpayGateway(options: RazorpayGatewayOptions): RazorpayGateway {
  const rzp = new Razorpay({ key_id: options.keyId, key_secret: options.keySecret });
  const defaults = sdkAxiosDefaults(rzp);
  if (defaults) defaults.timeout = REQUEST_TIMEOUT_MS; // axios default is no timeout: a stuck call would hang checkout
  if (options.apiBaseUrl && options.apiBaseUrl !== DEFAULT_API) {
    if (!defaults) throw new Error('razorpay SDK internals changed: cannot override the API base URL (api.rq.defaults)');
    defaults.baseURL = options.apiBaseUrl.replace(/\/+$/, '');
  }
  const planFor = gatewayPlanFinder(options.planIds);

  /** The Razorpay plan for our plan at its current price: the one stored, else created (plans editor, first checkout). */
  function ensurePlan(plan: Plan): Promise<string> {
    return planFor(plan, async () => {
      const created = await call('plans.create', () =>
        rzp.plans.create({
          ...planPeriod(plan.term),
          item: {
            name: plan.name,
            amount: plan.price.minor,
            currency: plan.price.currency,
            description: `${options.publication()}: ${plan.name}, ${formatMoney(plan.price)} every ${describeTerm(plan.term)}`,
          },
          notes: { masthead_plan_id: String(plan.id), masthead_plan_slug: plan.slug },
        }),
      );
      return created.id;
    });
  }

  async function fetchSub(id: string): Promise<RzpSubscription> {
    return await call('subscriptions.fetch', () => rzp.subscriptions.fetch(id));
  }

  /** Paid cycle invoices of a subscription, newest first, with the payment fetched for its method. */
  async function recentPayments(sub: RzpSubscription): Promise<GatewaySubscriptionState['payments']> {
    const list = await call('invoices.all', () => rzp.invoices.all({ subscription_id: sub.id, count: 25 }));
    const paid = (list.items as RzpInvoice[])
      .filter((i): i is RzpInvoice & { payment_id: string } => i.status === 'paid' && typeof i.payment_id === 'string')
      .sort((a, b) => (b.paid_at ?? 0) - (a.paid_at ?? 0))
      .slice(0, RECENT_PAYMENTS);
    return Promise.all(
      paid.map(async (invoice): Promise<Extract<BillingEvent, { type: 'payment-captured' }>> => {
        const payment = (await call('payments.fetch', () => rzp.payments.fetch(invoice.payment_id))) as RzpPayment;
        return {
          type: 'payment-captured',
          subscriptionId: noteSubscriptionId(sub.notes),
          gatewaySubscriptionId: sub.id,
          gatewayPaymentId: invoice.payment_id,
          amount: { minor: payment.amount ?? invoice.amount_paid ?? 0, currency: payment.currency ?? invoice.currency ?? 'INR' },
          periodStart: fromUnix(invoice.billing_start),
          periodEnd: fromUnix(invoice.billing_end),
          paymentMethod: describeMethod(payment),
          occurredAt: fromUnix(invoice.paid_at ?? payment.created_at) ?? new Date(0),
        };
      }),
    );
  }

  /** What Razorpay Checkout (checkout.js) needs to ask the buyer to authorise subscription `id`. */
  function checkoutFor(request: CheckoutRequest, id: string): CheckoutStart {
    const { plan } = request;
    return {
      redirectUrl: null,
      gatewaySubscriptionId: id,
      gatewayCustomerId: null, // Razorpay creates the customer when the mandate is authorised
      gatewayCheckoutId: null,
      // checkout.js option names; dotted keys are nested options (rendered as data-prefill.email="…").
      checkoutForm: {
        key: options.keyId,
        subscription_id: id,
        name: options.publication(),
        description: `${plan.name}: ${formatMoney(plan.price)} every ${describeTerm(plan.term)}`,
        'prefill.name': request.customer.name,
        'prefill.email': request.customer.email,
        [`notes.${SUBSCRIPTION_NOTE}`]: String(request.subscriptionId),
        callback_url: options.callbackUrl,
      },
    };
  }

  return {
    name: 'razorpay',
    // Razorpay cannot revive a subscription whose cancellation is scheduled (its docs: cancelled is terminal).
    finalCancellation: true,

    preparePlan: ensurePlan,
    // A gift's Payment Link: its short link and the hosted page it leads to.
    checkoutOrigins: PAYMENT_LINK_ORIGINS,

    /**
     * A gift: a Payment Link (Razorpay's hosted page for one payment; no subscription, no mandate), with our
     * reference in its notes. Razorpay sends no email or SMS of its own; the buyer is sent to its page and back.
     * Paid, it reports `payment_link.paid`.
     */
    async startOneTimePayment(request) {
      const link = await call('paymentLink.create', () =>
        rzp.paymentLink.create({
          amount: request.amount.minor,
          currency: request.amount.currency,
          description: request.description.slice(0, 2048),
          customer: { name: request.customer.name || request.customer.email, email: request.customer.email },
          notify: { email: false, sms: false },
          reminder_enable: false,
          reference_id: request.reference,
          callback_url: request.returnUrl,
          callback_method: 'get',
          notes: { [REFERENCE_NOTE]: request.reference },
        }),
      );
      return { redirectUrl: link.short_url, gatewayOrderId: link.id };
    },

    async startCheckout(request): Promise<CheckoutStart> {
      const planId = await ensurePlan(request.plan);
      const ours = String(request.subscriptionId);
      const sub = await call('subscriptions.create', () =>
        rzp.subscriptions.create({
          plan_id: planId,
          total_count: cyclesFor(request.plan.term),
          quantity: 1,
          // Masthead sends the reader's receipts, GST invoices, pre-debit notices and dunning emails itself:
          // 0 tells Razorpay that we handle the communication, so readers are not sent a second, non-GST
          // invoice (see README-razorpay.md, "Emails").
          customer_notify: 0,
          notes: { [SUBSCRIPTION_NOTE]: ours, masthead_user_id: String(request.customer.userId) },
        }),
      );
      return checkoutFor(request, sub.id);
    },

    async resumeCheckout(request) {
      if (!request.gatewaySubscriptionId) return null;
      const sub = await fetchSub(request.gatewaySubscriptionId);
      // Only a subscription whose mandate was never authorised can be offered to the buyer again.
      return sub.status === 'created' ? checkoutFor(request, sub.id) : null;
    },

    async cancelCheckout({ gatewaySubscriptionId }) {
      if (!gatewaySubscriptionId) return;
      const sub = await fetchSub(gatewaySubscriptionId);
      if (sub.status === 'created' || sub.status === 'authenticated') {
        await call('subscriptions.cancel', () => rzp.subscriptions.cancel(gatewaySubscriptionId, false));
      }
    },

    parseWebhook(rawBody, headers, now) {
      return parseRazorpayWebhook(rawBody, headers, now, options.webhookSecret);
    },

    async requestRenewal() {
      // Razorpay charges the mandate on its own schedule; the outcome arrives as subscription.charged/pending.
    },

    async setCancelAtPeriodEnd(gatewaySubscriptionId, cancel) {
      if (cancel) {
        await call('subscriptions.cancel', () => rzp.subscriptions.cancel(gatewaySubscriptionId, true)); // cancel_at_cycle_end: 1
        return;
      }
      // Razorpay: "once cancelled, you cannot renew or reactivate it". cancel_scheduled_changes only reverts a
      // plan update made with schedule_change_at=cycle_end, and the entity shows no pending-cancel flag, so
      // calling it would report success while the cancellation stays. The reader must subscribe again.
      throw new RazorpayGatewayError(
        `Razorpay cannot undo a scheduled cancellation (subscription ${gatewaySubscriptionId}); start a new subscription instead`,
        'CANCELLATION_IRREVERSIBLE',
      );
    },

    async cancelNow(gatewaySubscriptionId) {
      await call('subscriptions.cancel', () => rzp.subscriptions.cancel(gatewaySubscriptionId, false));
    },

    async changePlan({ gatewaySubscriptionId, plan, when }) {
      // Razorpay decides any immediate charge itself (arrives as subscription.charged), so `chargeNow` is not sent.
      const planId = await ensurePlan(plan);
      const sub = await fetchSub(gatewaySubscriptionId);
      // Keep start + cycles within Razorpay's 100-year cap under the new term.
      const from = Math.max(Date.now() / 1000, when === 'period-end' ? (sub.current_end ?? 0) : 0);
      const remaining = cyclesFor(plan.term, sub.start_at ? from - sub.start_at : 0);
      try {
        await call('subscriptions.update', () =>
          rzp.subscriptions.update(gatewaySubscriptionId, {
            plan_id: planId,
            remaining_count: remaining,
            schedule_change_at: when === 'now' ? 'now' : 'cycle_end',
            customer_notify: 0,
          }),
        );
      } catch (error) {
        if (isPaymentMethodRefusal(error)) return { refused: 'payment-method', message: error.message };
        throw error;
      }
    },

    async refund({ gatewayPaymentId, amount, reason }) {
      const refund = await call('payments.refund', () =>
        rzp.payments.refund(gatewayPaymentId, { amount: amount.minor, speed: 'normal', notes: { reason: reason.slice(0, 250) } }),
      );
      return { gatewayRefundId: refund.id };
    },

    async fetchSubscription(gatewaySubscriptionId) {
      const sub = await fetchSub(gatewaySubscriptionId);
      return {
        status: mapStatus(sub.status),
        currentPeriodEnd: fromUnix(sub.current_end),
        // Razorpay exposes no "cancels at cycle end" flag (razorpay-node#330); our own record is authoritative.
        cancelAtPeriodEnd: false,
        payments: await recentPayments(sub),
      };
    },

    async paymentMethodUpdateUrl({ gatewaySubscriptionId }) {
      const sub = await fetchSub(gatewaySubscriptionId);
      return sub.short_url || null;
    },

    verifyCheckoutSignature({ paymentId, subscriptionId, signature }) {
      if (!paymentId || !subscriptionId || !signature) return false;
      return verifyHmacHex(`${paymentId}|${subscriptionId}`, signature, options.keySecret);
    },
  };
}
