import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { BillingEvent, CheckoutStart, GatewaySubscriptionState, PaymentGateway, WebhookParse } from '../../domain/billing/gateway.js';
import { addTerm } from '../../domain/billing/lifecycle.js';
import type { Money } from '../../domain/billing/money.js';
import type {
  PaymentMethodChoice,
  TestCheckout,
  TestGatewayPages,
  TestPayment,
  TestSubscription,
} from '../../domain/billing/test-gateway-pages.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Db } from '../../domain/ports/database.js';
import { loadTestRecord, replaceTestRecordIf, saveTestRecord } from './test-gateway-queries.js';

/**
 * The built-in test gateway: a payment gateway that lives inside the app, for the demo and tests.
 * It keeps its own records (like a real gateway's servers), shows a clearly marked hosted checkout page
 * where the buyer approves, declines or abandons, charges a "mandate" on renewal, and reports every
 * outcome as a signed webhook delivered over HTTP to /webhooks/test. No real money moves.
 */
export const TEST_SIGNATURE_HEADER = 'x-test-gateway-signature';
const TOLERANCE_SECONDS = 300;

const METHOD_NAMES: Record<PaymentMethodChoice, string> = { card: 'Test card •••• 4242', upi: 'Test UPI AutoPay (reader@okledger)' };

export interface TestGatewayOptions {
  db: Db;
  secret: Buffer;
  publicUrl: string;
  /** Terms are counted on this calendar (the publisher's, as it is now). IST when not given. */
  timeZone?: () => string;
  now: Clock;
  /** Delivers a webhook: the app wires this to an HTTP POST to /webhooks/test. */
  deliver: (rawBody: string, headers: Record<string, string>) => Promise<void>;
}

/** Where a checkout's reader pays: a page of this site, by path, so the hand-off works at whatever address the site was opened. */
const hostedPage = (checkout: TestCheckout): CheckoutStart => ({
  redirectUrl: `/test-gateway/checkout/${checkout.id}`,
  gatewaySubscriptionId: checkout.gatewaySubscriptionId,
  gatewayCustomerId: null,
  gatewayCheckoutId: checkout.id,
  checkoutForm: null,
});

const id = (prefix: string) => `${prefix}_${randomBytes(9).toString('base64url')}`;

/** Signs a webhook body the way the test gateway does: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signTestWebhook(rawBody: string, secret: Buffer, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex')}`;
}

export function createTestGateway(options: TestGatewayOptions) {
  const { db, now } = options;

  const load = <T>(key: string): Promise<T | null> => loadTestRecord<T>(db, key);
  const save = (key: string, kind: string, data: object): Promise<void> => saveTestRecord(db, { id: key, kind, data, now: now() });
  async function mustLoad<T>(key: string): Promise<T> {
    const value = await load<T>(key);
    if (!value) throw new Error(`test gateway: no record ${key}`);
    return value;
  }

  async function send(type: string, data: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify({ id: id('evt'), type, created: Math.floor(now().getTime() / 1000), data });
    await options.deliver(body, {
      'content-type': 'application/json',
      [TEST_SIGNATURE_HEADER]: signTestWebhook(body, options.secret, now()),
    });
  }

  /**
   * Charges the mandate for one period and reports the outcome by webhook. `authorised`: the buyer is
   * present and approves this debit (the first one at checkout), whatever the mandate does later.
   */
  async function charge(sub: TestSubscription, amount: Money, periodStart: Date, authorised = false): Promise<void> {
    if (sub.mandate === 'decline' && !authorised) {
      await send('payment.failed', { subscription: sub.id, reference: sub.subscriptionId, reason: 'The test mandate was set to decline.' });
      return;
    }
    const payment: TestPayment = {
      id: id('pay'),
      amount,
      periodStart: periodStart.toISOString(),
      periodEnd: addTerm(periodStart, sub.term, options.timeZone?.()).toISOString(),
      at: now().toISOString(),
    };
    sub.payments.unshift(payment);
    sub.currentPeriodEnd = payment.periodEnd;
    await save(sub.id, 'subscription', sub);
    await send('payment.captured', { subscription: sub.id, reference: sub.subscriptionId, payment, method: sub.method });
  }

  const gateway: PaymentGateway = {
    name: 'test',
    // Its renewals are charged when the sweep asks, and answered at once.
    renewsOnRequest: true,
    async startCheckout(request) {
      const checkout: TestCheckout = {
        id: id('chk'),
        subscriptionId: request.subscriptionId,
        planName: request.plan.name,
        amount: request.plan.price,
        term: request.plan.term,
        email: request.customer.email,
        returnUrl: request.returnUrl,
        cancelUrl: request.cancelUrl,
        status: 'open',
        // Named up front (as Razorpay does), so a subscription whose webhooks are lost can still be reconciled.
        gatewaySubscriptionId: id('sub'),
      };
      await save(checkout.id, 'checkout', checkout);
      return hostedPage(checkout);
    },

    async startOneTimePayment(request) {
      const checkout: TestCheckout = {
        id: id('chk'),
        subscriptionId: null,
        oneTime: { reference: request.reference, description: request.description },
        planName: request.description,
        amount: request.amount,
        term: { count: 1, unit: 'day' },
        email: request.customer.email,
        returnUrl: request.returnUrl,
        cancelUrl: request.cancelUrl,
        status: 'open',
        gatewaySubscriptionId: null,
      };
      await save(checkout.id, 'checkout', checkout);
      return { redirectUrl: `/test-gateway/checkout/${checkout.id}`, gatewayOrderId: checkout.id };
    },

    parseWebhook(rawBody, headers, at): WebhookParse {
      const header = headers[TEST_SIGNATURE_HEADER];
      const match = typeof header === 'string' ? /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) : null;
      if (!match) return { ok: false, reason: 'bad-signature', message: `missing or malformed ${TEST_SIGNATURE_HEADER} header` };
      const expected = createHmac('sha256', options.secret).update(`${match[1]}.`).update(rawBody).digest();
      const given = Buffer.from(match[2] ?? '', 'hex');
      if (given.length !== expected.length || !timingSafeEqual(expected, given))
        return { ok: false, reason: 'bad-signature', message: 'signature does not match' };
      if (Math.abs(at.getTime() / 1000 - Number(match[1])) > TOLERANCE_SECONDS)
        return { ok: false, reason: 'stale', message: 'timestamp outside the tolerance zone' };
      let event: { id: string; type: string; created: number; data: Record<string, unknown> };
      try {
        event = JSON.parse(rawBody.toString('utf8')) as typeof event;
      } catch {
        return { ok: false, reason: 'malformed', message: 'body is not JSON' };
      }
      return { ok: true, eventId: event.id, eventType: event.type, events: toEvents(event) };
    },

    async requestRenewal({ gatewaySubscriptionId, periodEnd }) {
      const sub = await mustLoad<TestSubscription>(gatewaySubscriptionId);
      if (sub.status !== 'active' || new Date(sub.currentPeriodEnd) > periodEnd) return; // already renewed
      await charge(sub, sub.amount, new Date(sub.currentPeriodEnd));
    },

    async setCancelAtPeriodEnd(gatewaySubscriptionId, cancel) {
      const sub = await mustLoad<TestSubscription>(gatewaySubscriptionId);
      await save(sub.id, 'subscription', { ...sub, cancelAtPeriodEnd: cancel });
    },

    async cancelNow(gatewaySubscriptionId) {
      const sub = await mustLoad<TestSubscription>(gatewaySubscriptionId);
      await save(sub.id, 'subscription', { ...sub, status: 'cancelled' });
    },

    async cancelCheckout({ gatewayCheckoutId, gatewaySubscriptionId }) {
      const checkout = gatewayCheckoutId ? await load<TestCheckout>(gatewayCheckoutId) : null;
      // An open hosted page can no longer be approved; a mandate it already created stops charging.
      if (checkout?.status === 'open') await replaceTestRecordIf(db, checkout.id, 'open', { ...checkout, status: 'abandoned' });
      const sub = gatewaySubscriptionId ? await load<TestSubscription>(gatewaySubscriptionId) : null;
      if (sub && sub.status !== 'cancelled') await save(sub.id, 'subscription', { ...sub, status: 'cancelled' });
    },

    async resumeCheckout({ gatewayCheckoutId }) {
      const checkout = gatewayCheckoutId ? await load<TestCheckout>(gatewayCheckoutId) : null;
      if (checkout?.status !== 'open') return null;
      return hostedPage(checkout);
    },

    async changePlan({ gatewaySubscriptionId, plan, when, chargeNow }) {
      const sub = await mustLoad<TestSubscription>(gatewaySubscriptionId);
      // A declined upgrade leaves the mandate on the old plan, as a real gateway would.
      if (when === 'now' && chargeNow && sub.mandate === 'decline') {
        await send('payment.failed', {
          subscription: sub.id,
          reference: sub.subscriptionId,
          reason: 'The test mandate was set to decline.',
        });
        return;
      }
      sub.amount = plan.price;
      sub.term = plan.term;
      await save(sub.id, 'subscription', sub);
      if (when === 'now' && chargeNow) await charge(sub, chargeNow, now());
    },

    async refund({ gatewayPaymentId, amount, reason }) {
      const refund = { id: id('rfd'), payment: gatewayPaymentId, amount, reason };
      await save(refund.id, 'refund', refund);
      await send('refund.processed', refund);
      return { gatewayRefundId: refund.id };
    },

    async fetchSubscription(gatewaySubscriptionId): Promise<GatewaySubscriptionState> {
      const sub = await load<TestSubscription>(gatewaySubscriptionId);
      // Checkout not completed (yet): the mandate does not exist.
      if (!sub) return { status: 'pending', currentPeriodEnd: null, cancelAtPeriodEnd: false, payments: [] };
      return {
        status: sub.status === 'cancelled' ? 'cancelled' : 'active',
        currentPeriodEnd: new Date(sub.currentPeriodEnd),
        cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
        payments: sub.payments.slice(0, 5).map((p) => captured(sub, p)),
      };
    },

    async paymentMethodUpdateUrl({ gatewaySubscriptionId }) {
      return `${options.publicUrl}/test-gateway/mandate/${gatewaySubscriptionId}`;
    },
  };

  /** The hosted pages' actions (rendered by the web layer under /test-gateway). */
  const hosted: TestGatewayPages = {
    checkout: (checkoutId: string) => load<TestCheckout>(checkoutId),
    mandate: (gatewaySubscriptionId: string) => load<TestSubscription>(gatewaySubscriptionId),

    /** The buyer's choice on the hosted checkout page; returns where to send them next. */
    async complete(
      checkoutId: string,
      outcome: 'approve' | 'decline' | 'abandon',
      method: PaymentMethodChoice,
      declineRenewals: boolean,
    ): Promise<string> {
      const checkout = await mustLoad<TestCheckout>(checkoutId);
      const settled = (c: TestCheckout) => (c.status === 'approved' ? c.returnUrl : c.cancelUrl);
      if (checkout.status !== 'open') return settled(checkout);
      const status = outcome === 'approve' ? 'approved' : outcome === 'decline' ? 'declined' : 'abandoned';
      const gatewaySubscriptionId = checkout.gatewaySubscriptionId ?? id('sub');
      // Only the request that moves the checkout out of `open` acts on it: Approve pressed three times at
      // once charges once, and the other presses see the outcome the first one reached.
      if (!(await replaceTestRecordIf(db, checkout.id, 'open', { ...checkout, status, gatewaySubscriptionId }))) {
        return settled(await mustLoad<TestCheckout>(checkoutId));
      }
      if (outcome !== 'approve') return outcome === 'decline' ? `${checkout.returnUrl}&declined=1` : checkout.cancelUrl;
      if (checkout.oneTime || checkout.subscriptionId === null) {
        // A one-time payment: captured at once, no mandate.
        const payment = { id: id('pay'), amount: checkout.amount, at: now().toISOString() };
        await save(payment.id, 'payment', { ...payment, order: checkout.id });
        await send('order.paid', {
          order: checkout.id,
          reference: checkout.oneTime?.reference ?? '',
          payment,
          method: METHOD_NAMES[method],
        });
        return checkout.returnUrl;
      }
      const sub: TestSubscription = {
        id: gatewaySubscriptionId,
        subscriptionId: checkout.subscriptionId,
        amount: checkout.amount,
        term: checkout.term,
        mandate: declineRenewals ? 'decline' : 'approve',
        method: METHOD_NAMES[method],
        status: 'active',
        cancelAtPeriodEnd: false,
        currentPeriodEnd: now().toISOString(),
        payments: [],
      };
      await save(sub.id, 'subscription', sub);
      await send('checkout.completed', { subscription: sub.id, reference: checkout.subscriptionId });
      // The first debit goes through with the mandate's authorisation, whatever later renewals do.
      await charge(sub, checkout.amount, now(), true);
      return checkout.returnUrl;
    },

    /** The buyer updates the payment method; an unpaid renewal is charged at once (as Razorpay does). */
    async updateMandate(gatewaySubscriptionId: string, method: PaymentMethodChoice, overdue: boolean): Promise<void> {
      const sub = await mustLoad<TestSubscription>(gatewaySubscriptionId);
      sub.mandate = 'approve';
      sub.method = METHOD_NAMES[method];
      await save(sub.id, 'subscription', sub);
      if (overdue) await charge(sub, sub.amount, new Date(sub.currentPeriodEnd));
      else await send('payment_method.updated', { subscription: sub.id, reference: sub.subscriptionId, method: sub.method });
    },
  };

  return { gateway, hosted };
}

function captured(
  sub: Pick<TestSubscription, 'id' | 'subscriptionId' | 'method'>,
  p: TestPayment,
): Extract<BillingEvent, { type: 'payment-captured' }> {
  return {
    type: 'payment-captured',
    subscriptionId: sub.subscriptionId,
    gatewaySubscriptionId: sub.id,
    gatewayPaymentId: p.id,
    amount: p.amount,
    periodStart: new Date(p.periodStart),
    periodEnd: new Date(p.periodEnd),
    paymentMethod: sub.method,
    occurredAt: new Date(p.at),
  };
}

function toEvents(event: { type: string; created: number; data: Record<string, unknown> }): BillingEvent[] {
  const d = event.data;
  const at = new Date(event.created * 1000);
  switch (event.type) {
    case 'checkout.completed':
      return [
        {
          type: 'checkout-completed',
          subscriptionId: Number(d.reference),
          gatewaySubscriptionId: String(d.subscription),
          gatewayCustomerId: null,
          occurredAt: at,
        },
      ];
    case 'payment.captured':
      return [
        captured({ id: String(d.subscription), subscriptionId: Number(d.reference), method: String(d.method) }, d.payment as TestPayment),
      ];
    case 'order.paid': {
      const payment = d.payment as { id: string; amount: Money; at: string };
      return [
        {
          type: 'one-time-payment-captured',
          reference: String(d.reference),
          gatewayOrderId: String(d.order),
          gatewayPaymentId: payment.id,
          amount: payment.amount,
          paymentMethod: typeof d.method === 'string' ? d.method : null,
          occurredAt: new Date(payment.at),
        },
      ];
    }
    case 'payment.failed':
      return [
        {
          type: 'payment-failed',
          subscriptionId: Number(d.reference),
          gatewaySubscriptionId: String(d.subscription),
          gatewayPaymentId: null,
          reason: String(d.reason),
          occurredAt: at,
        },
      ];
    case 'payment_method.updated':
      return [
        {
          type: 'payment-method-changed',
          subscriptionId: Number(d.reference),
          gatewaySubscriptionId: String(d.subscription),
          paymentMethod: String(d.method),
          occurredAt: at,
        },
      ];
    case 'refund.processed':
      return [
        {
          type: 'refund-processed',
          gatewayPaymentId: String(d.payment),
          gatewayRefundId: String(d.id),
          amount: d.amount as Money,
          reason: typeof d.reason === 'string' ? d.reason : undefined,
          occurredAt: at,
        },
      ];
    default:
      return [];
  }
}
