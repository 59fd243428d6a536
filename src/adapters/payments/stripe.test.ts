import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentGateway } from '../../domain/billing/gateway.js';
import { DEMO_PLANS, type Plan } from '../../domain/billing/plans.js';
import { startFakeStripe, type FakeStripe } from '../../../test/support/fake-stripe.js';
import { createStripeGateway, stripeApiBase, withSessionIdPlaceholder } from './stripe.js';

const SECRET = 'whsec_test_secret';
const NOW = new Date('2026-03-01T10:00:00Z'); // a fake clock, far from the real one
const T = Math.floor(NOW.getTime() / 1000);
const plans: Plan[] = DEMO_PLANS.map((p, i) => ({ ...p, id: i + 1 }));
const [quarterly, yearly, twoYear] = plans as [Plan, Plan, Plan];

let fake: FakeStripe;
let gateway: PaymentGateway;
/** The Prices the gateway stored, by plan and price (`gateway_plans` in the app). */
const prices = new Map<string, string>();

function signed(event: object, timestamp = T) {
  const payload = JSON.stringify(event, null, 2); // Stripe sends pretty-printed JSON
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp });
  return { raw: Buffer.from(payload), headers: { 'stripe-signature': header } as Record<string, string> };
}
function parse(event: object, timestamp = T) {
  const { raw, headers } = signed(event, timestamp);
  return gateway.parseWebhook(raw, headers, NOW);
}
const evt = (type: string, object: object) => ({ id: `evt_${type}`, object: 'event', type, created: T, data: { object } });
const tagged = { masthead_subscription_id: '42', masthead_publication: 'daily' };
const subscription = (over: object = {}) => ({
  id: 'sub_1',
  object: 'subscription',
  status: 'active',
  customer: 'cus_1',
  cancel_at_period_end: false,
  schedule: null,
  metadata: tagged,
  items: { object: 'list', data: [{ id: 'si_1', price: { id: 'price_old' }, quantity: 1, current_period_end: T + 86_400 }] },
  ...over,
});
/** invoice.paid as API 2025-03-31+ shapes it: subscription under parent, no payment_intent. */
const newInvoice = {
  id: 'in_1',
  object: 'invoice',
  amount_paid: 90_000,
  currency: 'inr',
  status_transitions: { paid_at: T - 60 },
  parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: tagged } },
  lines: {
    object: 'list',
    data: [
      {
        id: 'il_p',
        parent: { type: 'subscription_item_details', subscription_item_details: { subscription: 'sub_1', proration: true } },
        period: { start: T - 10, end: T - 5 },
      },
      {
        id: 'il_1',
        metadata: {},
        parent: { type: 'subscription_item_details', subscription_item_details: { subscription: 'sub_1', proration: false } },
        period: { start: T, end: T + 7_776_000 },
      },
    ],
  },
};

beforeAll(async () => {
  fake = await startFakeStripe();
  gateway = createStripeGateway({
    secretKey: 'sk_test_123',
    webhookSecret: SECRET,
    apiBase: fake.apiBase,
    publication: 'daily',
    priceIds: {
      get: async (plan, minor) => prices.get(`${plan}:${minor}`) ?? null,
      put: async (plan, minor, id) => void prices.set(`${plan}:${minor}`, id),
    },
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  prices.clear();
  fake.on('GET', /^\/v1\/subscriptions\/(sub_\w+)$/, (_r, [id]) => ({ body: subscription({ id }) }));
  fake.on('POST', /^\/v1\/subscriptions\/(sub_\w+)$/, (_r, [id]) => ({ body: subscription({ id }) }));
});

describe('startCheckout', () => {
  fakeRoute('POST', /^\/v1\/checkout\/sessions$/, () => ({
    body: { id: 'cs_test_1', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_1', customer: null },
  }));

  it.each([
    [quarterly, 'month', '3', '90000'],
    [yearly, 'year', '1', '270000'],
    [twoYear, 'year', '2', '390000'],
  ])('sends a subscription-mode session for %s at the plan’s stored Price, made once', async (plan, interval, count, paise) => {
    const request = {
      subscriptionId: 42,
      plan,
      customer: { userId: 7, email: 'reader@example.in', name: 'Reader' },
      returnUrl: 'https://news.example/subscribe/42/return',
      cancelUrl: 'https://news.example/plans',
    };
    const start = await gateway.startCheckout(request);
    const priceCalls = fake.calls('POST', '/v1/prices');
    expect(priceCalls).toHaveLength(1);
    expect(priceCalls[0]?.form).toMatchObject({
      currency: 'inr',
      unit_amount: paise,
      tax_behavior: 'inclusive',
      'recurring[interval]': interval,
      'recurring[interval_count]': count,
      'product_data[name]': plan.name,
    });
    const price = prices.get(`${plan.id}:${plan.price.minor}`);
    expect(price).toMatch(/^price_/);
    const [call] = fake.calls('POST', '/v1/checkout/sessions');
    expect(call?.headers.authorization).toBe('Bearer sk_test_123');
    expect(call?.form).toMatchObject({
      mode: 'subscription',
      customer_email: 'reader@example.in',
      client_reference_id: '42',
      'line_items[0][quantity]': '1',
      'line_items[0][price]': price,
      'subscription_data[metadata][masthead_subscription_id]': '42',
      'metadata[masthead_subscription_id]': '42',
      success_url: 'https://news.example/subscribe/42/return?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://news.example/plans',
    });
    expect(start).toEqual({
      redirectUrl: 'https://checkout.stripe.com/c/pay/cs_test_1',
      gatewaySubscriptionId: null,
      gatewayCustomerId: null,
      gatewayCheckoutId: 'cs_test_1',
      checkoutForm: null,
    });
    await gateway.startCheckout(request);
    expect(fake.calls('POST', '/v1/prices')).toHaveLength(1);
    expect(fake.calls('POST', '/v1/checkout/sessions')[1]?.form['line_items[0][price]']).toBe(price);
  });

  it('adds the session id placeholder to URLs with a query or fragment', () => {
    expect(withSessionIdPlaceholder('https://x/r?s=1#top')).toBe('https://x/r?s=1&session_id={CHECKOUT_SESSION_ID}#top');
    expect(stripeApiBase('http://127.0.0.1:12111')).toEqual({ host: '127.0.0.1', port: 12111, protocol: 'http' });
  });
});

describe('parseWebhook mapping', () => {
  it('checkout.session.completed → checkout-completed', () => {
    const r = parse(
      evt('checkout.session.completed', {
        id: 'cs_1',
        object: 'checkout.session',
        mode: 'subscription',
        client_reference_id: '42',
        subscription: 'sub_1',
        customer: 'cus_1',
        metadata: tagged,
      }),
    );
    expect(r).toEqual({
      ok: true,
      eventId: 'evt_checkout.session.completed',
      eventType: 'checkout.session.completed',
      events: [
        { type: 'checkout-completed', subscriptionId: 42, gatewaySubscriptionId: 'sub_1', gatewayCustomerId: 'cus_1', occurredAt: NOW },
      ],
    });
  });

  it('invoice.paid (API 2025-03-31+ shape) → payment-captured with the invoice id and the line period', () => {
    const r = parse(evt('invoice.paid', newInvoice));
    expect(r.ok && r.events).toEqual([
      {
        type: 'payment-captured',
        subscriptionId: 42,
        gatewaySubscriptionId: 'sub_1',
        gatewayPaymentId: 'in_1',
        amount: { minor: 90_000, currency: 'INR' },
        periodStart: new Date(T * 1000),
        periodEnd: new Date((T + 7_776_000) * 1000),
        paymentMethod: null,
        occurredAt: new Date((T - 60) * 1000),
      },
    ]);
  });

  it('invoice.paid (older shape) reads invoice.subscription, line metadata and an expanded card charge', () => {
    const old = {
      id: 'in_2',
      object: 'invoice',
      amount_paid: 270_000,
      currency: 'inr',
      subscription: 'sub_2',
      payment_intent: 'pi_2',
      charge: { id: 'ch_2', payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } } },
      lines: { data: [{ type: 'subscription', metadata: tagged, period: { start: T, end: T + 100 } }] },
    };
    const r = parse(evt('invoice.paid', old));
    expect(r.ok && r.events[0]).toMatchObject({
      subscriptionId: 42,
      gatewaySubscriptionId: 'sub_2',
      gatewayPaymentId: 'in_2',
      paymentMethod: 'Visa •••• 4242',
      occurredAt: NOW,
    });
  });

  it('invoice.payment_failed → payment-failed', () => {
    const r = parse(evt('invoice.payment_failed', { ...newInvoice, amount_paid: 0, attempt_count: 2, next_payment_attempt: null }));
    expect(r.ok && r.events).toEqual([
      {
        type: 'payment-failed',
        subscriptionId: 42,
        gatewaySubscriptionId: 'sub_1',
        gatewayPaymentId: 'in_1',
        reason: 'Stripe could not collect invoice in_1; attempt 2; no automatic retry scheduled',
        occurredAt: NOW,
      },
    ]);
  });

  it('customer.subscription.deleted → subscription-ended', () => {
    const r = parse(evt('customer.subscription.deleted', subscription({ status: 'canceled', ended_at: T - 5 })));
    expect(r.ok && r.events).toEqual([
      { type: 'subscription-ended', subscriptionId: 42, gatewaySubscriptionId: 'sub_1', occurredAt: new Date((T - 5) * 1000) },
    ]);
  });

  it('charge.refunded → refund-processed for the latest refund, keyed to the refunded invoice', () => {
    const refunds = {
      data: [
        { id: 're_old', amount: 100, currency: 'inr', created: T - 100, metadata: {} },
        { id: 're_new', amount: 45_000, currency: 'inr', created: T - 1, metadata: { masthead_payment_id: 'in_1' } },
      ],
    };
    const r = parse(evt('charge.refunded', { id: 'ch_1', object: 'charge', currency: 'inr', payment_intent: 'pi_1', refunds }));
    expect(r.ok && r.events).toEqual([
      {
        type: 'refund-processed',
        gatewayPaymentId: 'in_1',
        gatewayRefundId: 're_new',
        amount: { minor: 45_000, currency: 'INR' },
        occurredAt: NOW,
      },
    ]);
  });

  it('refund.updated (succeeded) → refund-processed; a Dashboard refund is keyed by its PaymentIntent', () => {
    const r = parse(
      evt('refund.updated', {
        id: 're_3',
        object: 'refund',
        status: 'succeeded',
        amount: 500,
        currency: 'inr',
        payment_intent: 'pi_9',
        charge: 'ch_9',
        metadata: {},
      }),
    );
    expect(r.ok && r.events).toEqual([
      {
        type: 'refund-processed',
        gatewayPaymentId: 'pi_9',
        gatewayRefundId: 're_3',
        amount: { minor: 500, currency: 'INR' },
        occurredAt: NOW,
      },
    ]);
  });

  it('other events, and events of another publication, are acknowledged with no events', () => {
    expect(parse(evt('customer.created', { id: 'cus_1' }))).toMatchObject({ ok: true, eventType: 'customer.created', events: [] });
    const foreign = {
      ...newInvoice,
      parent: { subscription_details: { subscription: 'sub_x', metadata: { masthead_publication: 'weekly' } } },
    };
    expect(parse(evt('invoice.paid', foreign))).toMatchObject({ ok: true, events: [] });
  });
});

describe('parseWebhook verification', () => {
  const event = evt('invoice.paid', newInvoice);

  it('refuses a flipped signature, a missing header and a re-serialised body', () => {
    const { raw, headers } = signed(event);
    const sig = headers['stripe-signature']!;
    const flipped = sig.replace(/v1=(.)/, (_m, c: string) => `v1=${c === 'a' ? 'b' : 'a'}`);
    expect(gateway.parseWebhook(raw, { 'stripe-signature': flipped }, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(gateway.parseWebhook(raw, {}, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    expect(gateway.parseWebhook(reserialised, headers, NOW)).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('measures the 300 s tolerance from the given clock', () => {
    expect(parse(event, T - 299).ok).toBe(true);
    expect(parse(event, T - 301)).toMatchObject({ ok: false, reason: 'stale', message: 'Timestamp outside the tolerance zone' });
    expect(parse(event, T + 301)).toMatchObject({ ok: false, reason: 'stale' });
  });

  it('reads the header case-insensitively and calls a signed non-event malformed', () => {
    const { raw, headers } = signed(event);
    expect(gateway.parseWebhook(raw, { 'Stripe-Signature': headers['stripe-signature'] }, NOW).ok).toBe(true);
    expect(parse({ hello: 'world' })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});

describe('subscription calls', () => {
  it('sets and undoes cancel at period end, skipping no-op updates', async () => {
    await gateway.setCancelAtPeriodEnd('sub_1', true);
    expect(fake.calls('POST', '/v1/subscriptions/sub_1').map((c) => c.form)).toEqual([{ cancel_at_period_end: 'true' }]);
    fake.on('GET', /^\/v1\/subscriptions\/sub_1$/, () => ({ body: subscription({ cancel_at_period_end: true, schedule: 'sub_sched_1' }) }));
    await gateway.setCancelAtPeriodEnd('sub_1', true);
    await gateway.setCancelAtPeriodEnd('sub_1', false);
    expect(fake.calls('POST', '/v1/subscriptions/sub_1').map((c) => c.form)).toEqual([
      { cancel_at_period_end: 'true' },
      { cancel_at_period_end: 'false' },
    ]);
  });

  it('releases a pending plan-change schedule before cancelling, and cancels now with DELETE', async () => {
    fake.on('GET', /^\/v1\/subscriptions\/sub_2$/, () => ({ body: subscription({ id: 'sub_2', schedule: 'sub_sched_2' }) }));
    fake.on('POST', /^\/v1\/subscription_schedules\/sub_sched_2\/release$/, () => ({ body: { id: 'sub_sched_2' } }));
    fake.on('DELETE', /^\/v1\/subscriptions\/sub_2$/, () => ({ body: subscription({ id: 'sub_2', status: 'canceled' }) }));
    await gateway.setCancelAtPeriodEnd('sub_2', true);
    await gateway.cancelNow('sub_2');
    expect(fake.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v1/subscription_schedules/sub_sched_2/release',
      'POST /v1/subscriptions/sub_2',
      'DELETE /v1/subscriptions/sub_2',
    ]);
  });

  it('offers an open checkout session again and expires it when the checkout is abandoned; a completed one is left alone', async () => {
    const session = (id: string, status: string) => ({
      id,
      object: 'checkout.session',
      status,
      url: `https://checkout.stripe.com/c/pay/${id}`,
    });
    fake.on('GET', /^\/v1\/checkout\/sessions\/(cs_\w+)$/, (_r, [id]) => ({ body: session(id!, id === 'cs_done' ? 'complete' : 'open') }));
    fake.on('POST', /^\/v1\/checkout\/sessions\/(cs_\w+)\/expire$/, (_r, [id]) => ({ body: session(id!, 'expired') }));
    const request = {
      subscriptionId: 42,
      plan: quarterly,
      customer: { userId: 7, email: 'reader@example.in', name: 'Reader' },
      returnUrl: 'https://news.example.in/r',
      cancelUrl: 'https://news.example.in/c',
      gatewaySubscriptionId: null,
    };
    expect(await gateway.resumeCheckout!({ ...request, gatewayCheckoutId: 'cs_open' })).toMatchObject({
      redirectUrl: 'https://checkout.stripe.com/c/pay/cs_open',
      gatewayCheckoutId: 'cs_open',
    });
    expect(await gateway.resumeCheckout!({ ...request, gatewayCheckoutId: 'cs_done' })).toBeNull();
    await gateway.cancelCheckout({ gatewaySubscriptionId: null, gatewayCheckoutId: 'cs_open' });
    await gateway.cancelCheckout({ gatewaySubscriptionId: null, gatewayCheckoutId: 'cs_done' });
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual(['/v1/checkout/sessions/cs_open/expire']);
  });

  it('changes plan now with an invoiced proration, and at period end through a schedule', async () => {
    fake.on('POST', /^\/v1\/prices$/, () => ({ body: { id: 'price_yearly', object: 'price' } }));
    fake.on('POST', /^\/v1\/subscription_schedules$/, () => ({
      body: { id: 'sub_sched_9', current_phase: { start_date: T - 50, end_date: T + 86_400 }, phases: [] },
    }));
    fake.on('POST', /^\/v1\/subscription_schedules\/sub_sched_9$/, () => ({ body: { id: 'sub_sched_9' } }));
    const change = { gatewaySubscriptionId: 'sub_1', plan: yearly, chargeNow: null, subscriptionId: 42 };
    await gateway.changePlan({ ...change, when: 'now' });
    await gateway.changePlan({ ...change, when: 'period-end' });
    const priceCalls = fake.calls('POST', '/v1/prices');
    expect(priceCalls).toHaveLength(1); // cached per plan
    expect(priceCalls[0]?.form).toMatchObject({
      unit_amount: '270000',
      currency: 'inr',
      'recurring[interval]': 'year',
      'recurring[interval_count]': '1',
      'product_data[name]': 'Smart Essential',
    });
    expect(priceCalls[0]?.headers['idempotency-key']).toMatch(/^masthead-price-/);
    expect(fake.calls('POST', '/v1/subscriptions/sub_1')[0]?.form).toEqual({
      'items[0][id]': 'si_1',
      'items[0][price]': 'price_yearly',
      proration_behavior: 'always_invoice',
      payment_behavior: 'pending_if_incomplete',
    });
    expect(fake.calls('POST', '/v1/subscription_schedules')[0]?.form).toEqual({ from_subscription: 'sub_1' });
    expect(fake.calls('POST', '/v1/subscription_schedules/sub_sched_9')[0]?.form).toMatchObject({
      end_behavior: 'release',
      'phases[0][items][0][price]': 'price_old',
      'phases[0][start_date]': String(T - 50),
      'phases[0][end_date]': String(T + 86_400),
      'phases[1][items][0][price]': 'price_yearly',
      'phases[1][duration][interval]': 'year',
      'phases[1][proration_behavior]': 'none',
    });
  });
});

describe('refund, portal, fetchSubscription', () => {
  it('refunds the invoice’s PaymentIntent with a stable Idempotency-Key', async () => {
    fake.on('GET', /^\/v1\/invoices\/in_1$/, () => ({
      body: { id: 'in_1', payments: { data: [{ status: 'paid', payment: { type: 'payment_intent', payment_intent: 'pi_1' } }] } },
    }));
    fake.on('POST', /^\/v1\/refunds$/, () => ({ body: { id: 're_1', object: 'refund' } }));
    const input = { gatewayPaymentId: 'in_1', amount: { minor: 45_000, currency: 'INR' }, reason: 'cancelled in cooling-off period' };
    expect(await gateway.refund(input)).toEqual({ gatewayRefundId: 're_1' });
    await gateway.refund(input);
    expect(fake.calls('GET', '/v1/invoices/in_1')[0]?.query).toEqual({ 'expand[0]': ['payments'] });
    const [first, second] = fake.calls('POST', '/v1/refunds');
    expect(first?.form).toMatchObject({ payment_intent: 'pi_1', amount: '45000', 'metadata[masthead_payment_id]': 'in_1' });
    expect(first?.headers['idempotency-key']).toMatch(/^masthead-refund-[0-9a-f]{40}$/);
    expect(second?.headers['idempotency-key']).toBe(first?.headers['idempotency-key']);
  });

  it('opens a Customer Portal session, finding the customer when not given', async () => {
    fake.on('POST', /^\/v1\/billing_portal\/sessions$/, (r) => ({
      body: { id: 'bps_1', url: `https://billing.stripe.com/p/session/${r.form.customer}` },
    }));
    const url = await gateway.paymentMethodUpdateUrl({
      gatewaySubscriptionId: 'sub_1',
      gatewayCustomerId: null,
      returnUrl: 'https://news.example/account',
    });
    expect(url).toBe('https://billing.stripe.com/p/session/cus_1');
    expect(fake.calls('POST', '/v1/billing_portal/sessions')[0]?.form).toEqual({
      customer: 'cus_1',
      return_url: 'https://news.example/account',
    });
  });

  it.each([
    ['incomplete', 'pending'],
    ['trialing', 'active'],
    ['active', 'active'],
    ['past_due', 'past-due'],
    ['unpaid', 'past-due'],
    ['canceled', 'cancelled'],
    ['incomplete_expired', 'ended'],
  ])('maps status %s to %s with period end, cancel flag and paid invoices', async (stripeStatus, status) => {
    fake.on('GET', /^\/v1\/subscriptions\/sub_5$/, () => ({
      body: subscription({ id: 'sub_5', status: stripeStatus, cancel_at_period_end: true }),
    }));
    fake.on('GET', /^\/v1\/invoices$/, () => ({
      body: { object: 'list', has_more: false, data: [newInvoice, { ...newInvoice, id: 'in_0', amount_paid: 0 }] },
    }));
    const state = await gateway.fetchSubscription('sub_5');
    expect(state).toMatchObject({ status, currentPeriodEnd: new Date((T + 86_400) * 1000), cancelAtPeriodEnd: true });
    expect(state.payments.map((p) => [p.gatewayPaymentId, p.amount.minor, p.subscriptionId])).toEqual([['in_1', 90_000, 42]]);
    expect(fake.calls('GET', '/v1/invoices')[0]?.query).toMatchObject({ subscription: ['sub_5'], status: ['paid'] });
  });
});

function fakeRoute(method: string, path: RegExp, route: Parameters<FakeStripe['on']>[2]) {
  beforeEach(() => fake.on(method, path, route));
}
