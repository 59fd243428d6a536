import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { describeEachEngine } from '../support/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { DAY, T0, startBilling, type Harness } from './billing-harness.js';

const STRIPE_SECRET = 'whsec_masthead_gifts';
const t = Math.floor(new Date(T0).getTime() / 1000);

/**
 * Gifts on the real gateways: on Stripe a gift is a Checkout Session in payment mode, recorded from its signed
 * webhook once; Razorpay takes no one-time payments here yet, so the site offers no gift there at all.
 */
describeEachEngine('gifts on Stripe and Razorpay', (get) => {
  let smtp: TestSmtpServer;
  let stripeApi: FakeStripe;
  let h: Harness | undefined;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    stripeApi = await startFakeStripe();
  });
  afterAll(async () => {
    await smtp.close();
    await stripeApi.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('Stripe: a Checkout Session in payment mode; its signed completion makes one gift payment and invoice, and the gift email', async () => {
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
      body: { id: 'cs_gift_1', object: 'checkout.session', url: 'https://checkout.stripe.com/c/pay/cs_gift_1', customer: null },
    }));
    expect((await h.app.inject({ url: '/plans' })).body).toContain('href="/gift/smart-essential">Give as a gift</a>');

    const buyer = await h.reader();
    const order = { recipientEmail: 'stripe-friend@example.org', recipientName: 'Friend', message: '', deliverAt: h.clock.now() };
    const { giftId, redirectUrl } = await h.ctx.billing.gifts.startPurchase(buyer, 'smart-essential', order);
    expect(redirectUrl).toBe('https://checkout.stripe.com/c/pay/cs_gift_1');
    const form = stripeApi.calls('POST', '/v1/checkout/sessions')[0]?.form;
    expect(form).toMatchObject({
      mode: 'payment',
      'line_items[0][price_data][unit_amount]': '270000',
      'line_items[0][price_data][currency]': 'inr',
      'metadata[masthead_reference]': `gift:${giftId}`,
    });
    // No subscription, no saved mandate, no Price made.
    expect(form?.['subscription_data[metadata][masthead_subscription_id]']).toBeUndefined();
    expect(stripeApi.calls('POST', '/v1/prices')).toEqual([]);

    const publication = h.ctx.site.publicationName;
    const session = (payment_status: string) => ({
      id: 'cs_gift_1',
      object: 'checkout.session',
      mode: 'payment',
      payment_status,
      amount_total: 270_000,
      currency: 'inr',
      payment_intent: 'pi_gift_1',
      metadata: { masthead_reference: `gift:${giftId}`, masthead_publication: publication },
    });
    const event = (id: string, type: string, status = 'paid') =>
      JSON.stringify({ id, object: 'event', type, created: t, data: { object: session(status) } });
    const post = (body: string) =>
      h!.app.inject({
        method: 'POST',
        url: '/webhooks/stripe',
        payload: body,
        headers: {
          'content-type': 'application/json',
          'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET, timestamp: t }),
        },
      });

    // A delayed method: completed but unpaid records nothing.
    expect((await post(event('evt_gift_0', 'checkout.session.completed', 'unpaid'))).statusCode).toBe(200);
    expect(await h.count('payments')).toBe(0);
    expect((await post(event('evt_gift_1', 'checkout.session.async_payment_succeeded'))).statusCode).toBe(200);
    expect((await post(event('evt_gift_2', 'checkout.session.completed'))).statusCode).toBe(200);
    const payments = (await h.db.query('select kind, gateway_payment_id, amount_minor from payments where gift_id = $1', [giftId])).rows;
    expect(payments).toEqual([{ kind: 'gift', gateway_payment_id: 'pi_gift_1', amount_minor: 270_000 }]);
    expect((await h.invoices(buyer.id)).map((i) => i.totalMinor)).toEqual([270_000]);
    await h.runJobs();
    const gift = smtp.messages.filter((m) => m.to.includes('stripe-friend@example.org'));
    expect(gift).toHaveLength(1);
    const token = /\/gift\/redeem\/([A-Za-z0-9_-]{43})/.exec(gift[0]!.text)?.[1];
    const recipient = await h.reader();
    expect((await h.ctx.billing.gifts.redeem(recipient, token!)).ok).toBe(true);
    expect(await h.entitlements(recipient.id)).toContain('premium');
    h.clock.advance(400 * DAY);
    expect(await h.entitlements(recipient.id)).toEqual([]);
  });

  it('Razorpay: no one-time payments here, so no "Give as a gift" button and no gift form', async () => {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'razorpay',
        RAZORPAY_KEY_ID: 'rzp_test_masthead',
        RAZORPAY_KEY_SECRET: 'key-secret-for-tests',
        RAZORPAY_WEBHOOK_SECRET: 'razorpay-webhook-secret-for-tests',
        RAZORPAY_API_URL: 'http://127.0.0.1:9',
      },
    });
    const plans = await h.app.inject({ url: '/plans' });
    expect(plans.body).toContain('href="/subscribe/smart-quarterly');
    expect(plans.body).not.toContain('Give as a gift');
    expect(h.ctx.billing.gifts.available()).toBe(false);
    expect((await h.app.inject({ url: '/gift/smart-quarterly' })).statusCode).toBe(404);
  });
});
