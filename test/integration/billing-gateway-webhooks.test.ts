import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils.js';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { describeEachEngine } from '../support/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { T0, startBilling, type Harness } from './billing-harness.js';

const STRIPE_SECRET = 'whsec_masthead_integration';
const RAZORPAY_SECRET = 'razorpay-webhook-secret-for-tests';
const t = Math.floor(new Date(T0).getTime() / 1000);
const periodEnd = Math.floor(addTerm(new Date(T0), { count: 3, unit: 'month' }).getTime() / 1000);

/** A stand-in for api.razorpay.com: creates plans and subscriptions, as checkout needs. */
let razorpayApi: Server;
let sequence = 0;
async function startFakeRazorpay(): Promise<Server> {
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : {};
      const id = (p: string) => `${p}_${String(++sequence).padStart(14, '0')}`;
      const answer =
        req.method === 'POST' && req.url === '/v1/plans'
          ? { id: id('plan'), entity: 'plan', ...body }
          : req.method === 'POST' && req.url === '/v1/subscriptions'
            ? { id: id('sub'), entity: 'subscription', status: 'created', short_url: 'https://rzp.io/i/x', ...body }
            : null;
      res
        .writeHead(answer ? 200 : 404, { 'content-type': 'application/json' })
        .end(JSON.stringify(answer ?? { error: { code: 'BAD_REQUEST_ERROR', description: 'no route' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Stripe and Razorpay webhooks through the real endpoint, signed as those gateways sign them. */
describeEachEngine('Stripe and Razorpay webhooks', (get) => {
  let smtp: TestSmtpServer;
  let stripeApi: FakeStripe;
  let h: Harness | undefined;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    stripeApi = await startFakeStripe();
    razorpayApi = await startFakeRazorpay();
  });
  afterAll(async () => {
    await smtp.close();
    await stripeApi.close();
    await new Promise<void>((resolve) => razorpayApi.close(() => resolve()));
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const post = (gateway: string, body: string, headers: Record<string, string>) =>
    h!.app.inject({
      method: 'POST',
      url: `/webhooks/${gateway}`,
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const snapshot = async () => ({
    payments: await h!.count('payments'),
    invoices: await h!.count('invoices'),
    jobs: await h!.count('jobs'),
    subscriptions: (await h!.db.query('select status, current_period_end, gateway_subscription_id from subscriptions order by id')).rows,
  });

  it('Stripe: a signed invoice.paid activates the subscription with one payment and one invoice; re-posting changes nothing', async () => {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_masthead',
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
        STRIPE_API_URL: `http://127.0.0.1:${stripeApi.apiBase.port}`,
      },
    });
    stripeApi.reset();
    stripeApi.on('POST', /^\/v1\/checkout\/sessions$/, () => ({
      body: { id: 'cs_test_1', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_test_1', customer: null },
    }));
    const reader = await h.reader();
    const { subscriptionId: id, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    expect(start.redirectUrl).toBe('https://checkout.stripe.com/c/pay/cs_test_1');
    // The session sells the plan's Price, made at 90,000 paise and stored for the next checkout.
    expect(stripeApi.calls('POST', '/v1/prices').map((c) => c.form)).toEqual([
      expect.objectContaining({ unit_amount: '90000', currency: 'inr' }),
    ]);
    const price = (
      await h.db.selectFrom('gateway_plans').select('gateway_plan_id').where('gateway', '=', 'stripe').executeTakeFirstOrThrow()
    ).gateway_plan_id;
    expect(stripeApi.calls('POST', '/v1/checkout/sessions')[0]?.form).toMatchObject({
      client_reference_id: String(id),
      'line_items[0][price]': price,
    });
    expect(await h.sub(id)).toMatchObject({ status: 'awaiting-payment', gateway: 'stripe', gatewayCheckoutId: 'cs_test_1' });

    const metadata = { masthead_subscription_id: String(id), masthead_publication: h.ctx.site.publicationName };
    const invoice = {
      id: 'in_test_1',
      object: 'invoice',
      amount_paid: 90_000,
      currency: 'inr',
      status: 'paid',
      status_transitions: { paid_at: t },
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_test_1', metadata } },
      lines: {
        object: 'list',
        data: [
          {
            id: 'il_1',
            parent: { type: 'subscription_item_details', subscription_item_details: { subscription: 'sub_test_1', proration: false } },
            period: { start: t, end: periodEnd },
          },
        ],
      },
    };
    const event = (eventId: string) =>
      JSON.stringify({ id: eventId, object: 'event', type: 'invoice.paid', created: t, data: { object: invoice } }, null, 2);
    const sign = (payload: string, timestamp = t) => ({
      'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload, secret: STRIPE_SECRET, timestamp }),
    });

    const body = event('evt_test_1');
    expect(
      (
        await post('stripe', body, {
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_wrong', timestamp: t }),
        })
      ).statusCode,
    ).toBe(401);
    expect((await post('stripe', body, sign(body, t - 301))).statusCode).toBe(401);
    expect(await h.count('payments')).toBe(0);

    expect((await post('stripe', body, sign(body))).statusCode).toBe(200);
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      gatewaySubscriptionId: 'sub_test_1',
      currentPeriodStart: new Date(T0),
      currentPeriodEnd: new Date(periodEnd * 1000),
    });
    expect((await h.payments(id)).map((p) => [p.gatewayPaymentId, p.kind, p.amountMinor])).toEqual([['in_test_1', 'initial', 90_000]]);
    expect((await h.invoices(reader.id)).map((i) => i.totalMinor)).toEqual([90_000]);
    expect(await h.entitlements(reader.id)).toContain('premium');

    // The same delivery again, and the same invoice under another event id: nothing new.
    const before = await snapshot();
    expect((await post('stripe', body, sign(body))).json()).toMatchObject({ received: true, duplicate: true });
    const again = event('evt_test_2');
    expect((await post('stripe', again, sign(again))).statusCode).toBe(200);
    expect(await snapshot()).toEqual(before);
  });

  it('Stripe: when every webhook is lost, the sweep finds the paid checkout and activates the subscription once', async () => {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_masthead',
        STRIPE_WEBHOOK_SECRET: STRIPE_SECRET,
        STRIPE_API_URL: `http://127.0.0.1:${stripeApi.apiBase.port}`,
      },
    });
    stripeApi.reset();
    stripeApi.on('POST', /^\/v1\/checkout\/sessions$/, () => ({
      body: { id: 'cs_lost', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_lost', customer: null },
    }));
    const reader = await h.reader();
    const { subscriptionId: id } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    const metadata = { masthead_subscription_id: String(id), masthead_publication: h.ctx.site.publicationName };
    stripeApi.on('GET', /^\/v1\/checkout\/sessions\/cs_lost$/, () => ({
      body: { id: 'cs_lost', object: 'checkout.session', status: 'complete', subscription: 'sub_lost', customer: 'cus_lost' },
    }));
    stripeApi.on('GET', /^\/v1\/subscriptions\/sub_lost$/, () => ({
      body: {
        id: 'sub_lost',
        object: 'subscription',
        status: 'active',
        cancel_at_period_end: false,
        customer: 'cus_lost',
        metadata,
        items: { object: 'list', data: [{ id: 'si_1', current_period_end: periodEnd }] },
      },
    }));
    stripeApi.on('GET', /^\/v1\/invoices$/, () => ({
      body: {
        object: 'list',
        has_more: false,
        data: [
          {
            id: 'in_lost',
            object: 'invoice',
            amount_paid: 90_000,
            currency: 'inr',
            status: 'paid',
            created: t,
            status_transitions: { paid_at: t },
            parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_lost', metadata } },
            lines: {
              object: 'list',
              data: [
                {
                  id: 'il_1',
                  parent: { type: 'subscription_item_details', subscription_item_details: { subscription: 'sub_lost', proration: false } },
                  period: { start: t, end: periodEnd },
                },
              ],
            },
          },
        ],
      },
    }));
    h.clock.advance(16 * 60 * 1000);
    await h.sweep();
    await h.sweep();
    expect(await h.sub(id)).toMatchObject({ status: 'active', gatewaySubscriptionId: 'sub_lost', gatewayCustomerId: 'cus_lost' });
    expect((await h.payments(id)).map((p) => [p.gatewayPaymentId, p.amountMinor])).toEqual([['in_lost', 90_000]]);
    expect(await h.entitlements(reader.id)).toContain('premium');
  });

  it('Razorpay: subscription.charged signed with the webhook secret (as the SDK verifies it) activates the subscription', async () => {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'razorpay',
        RAZORPAY_KEY_ID: 'rzp_test_masthead',
        RAZORPAY_KEY_SECRET: 'key-secret-for-tests',
        RAZORPAY_WEBHOOK_SECRET: RAZORPAY_SECRET,
        RAZORPAY_API_URL: `http://127.0.0.1:${(razorpayApi.address() as AddressInfo).port}`,
      },
    });
    const reader = await h.reader();
    const { subscriptionId: id, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    const rzpId = start.gatewaySubscriptionId!;
    expect(rzpId).toMatch(/^sub_/);
    expect(await h.sub(id)).toMatchObject({ status: 'awaiting-payment', gateway: 'razorpay', gatewaySubscriptionId: rzpId });

    const body = JSON.stringify({
      entity: 'event',
      account_id: 'acc_test',
      event: 'subscription.charged',
      contains: ['subscription', 'payment'],
      created_at: t,
      payload: {
        subscription: {
          entity: {
            id: rzpId,
            entity: 'subscription',
            status: 'active',
            current_start: t,
            current_end: periodEnd,
            notes: { masthead_subscription_id: String(id) },
          },
        },
        payment: {
          entity: {
            id: 'pay_test_1',
            entity: 'payment',
            amount: 90_000,
            currency: 'INR',
            status: 'captured',
            method: 'upi',
            vpa: 'reader@okhdfc',
            created_at: t,
          },
        },
      },
    });
    const signature = createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex');
    expect(validateWebhookSignature(body, signature, RAZORPAY_SECRET)).toBe(true);
    const flipped = `${signature[0] === 'a' ? 'b' : 'a'}${signature.slice(1)}`;
    expect(validateWebhookSignature(body, flipped, RAZORPAY_SECRET)).toBe(false);

    expect((await post('razorpay', body, { 'x-razorpay-signature': flipped, 'x-razorpay-event-id': 'evt_rzp_1' })).statusCode).toBe(401);
    expect(await h.count('webhook_events')).toBe(0);
    expect((await post('razorpay', body, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': 'evt_rzp_1' })).statusCode).toBe(200);
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      currentPeriodEnd: new Date(periodEnd * 1000),
      paymentMethod: 'UPI (reader@okhdfc)',
    });
    expect((await h.payments(id)).map((p) => [p.gatewayPaymentId, p.amountMinor])).toEqual([['pay_test_1', 90_000]]);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect(await h.entitlements(reader.id)).toContain('premium');

    // Razorpay retries with the same event id; a replay without the header is told apart by the body: nothing new.
    const before = await snapshot();
    expect((await post('razorpay', body, { 'x-razorpay-signature': signature, 'x-razorpay-event-id': 'evt_rzp_1' })).statusCode).toBe(200);
    expect((await post('razorpay', body, { 'x-razorpay-signature': signature })).statusCode).toBe(200);
    expect(await snapshot()).toEqual(before);
    // Stripe is not configured on this site.
    expect((await post('stripe', '{}', { 'stripe-signature': 't=1,v1=00' })).statusCode).toBe(404);
  });
});
