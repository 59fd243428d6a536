import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';
import { sessionCookie } from '../support/app.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { describeEachEngine } from '../support/databases.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { DAY, T0, startBilling, type Harness } from './billing-harness.js';

const STRIPE_SECRET = 'whsec_masthead_gifts';
const RAZORPAY_SECRET = 'razorpay-webhook-secret-for-gifts';
const t = Math.floor(new Date(T0).getTime() / 1000);

/**
 * Gifts on the real gateways: on Stripe a gift is a Checkout Session in payment mode, recorded from its signed
 * webhook once; on Razorpay it is a Payment Link, recorded from `payment_link.paid`. Without a gateway, no gift is offered.
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

  it('Razorpay: a Payment Link (no subscription); its signed payment_link.paid makes one gift payment and invoice, and the gift email', async () => {
    const links: Record<string, unknown>[] = [];
    const api = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        res.writeHead(req.method === 'POST' && req.url === '/v1/payment_links' ? 200 : 404, { 'content-type': 'application/json' });
        if (req.method === 'POST' && req.url === '/v1/payment_links') {
          links.push(JSON.parse(body) as Record<string, unknown>);
          res.end(JSON.stringify({ id: 'plink_gift_1', short_url: 'https://rzp.io/i/gift1', status: 'created' }));
        } else res.end(JSON.stringify({ error: { code: 'BAD_REQUEST_ERROR', description: 'not here' } }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      h = await startBilling(get(), smtp, {
        env: {
          MASTHEAD_PAYMENT_GATEWAY: 'razorpay',
          RAZORPAY_KEY_ID: 'rzp_test_masthead',
          RAZORPAY_KEY_SECRET: 'key-secret-for-tests',
          RAZORPAY_WEBHOOK_SECRET: RAZORPAY_SECRET,
          RAZORPAY_API_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
        },
      });
      expect((await h.app.inject({ url: '/plans' })).body).toContain('href="/gift/smart-quarterly">Give as a gift</a>');
      const buyer = await h.reader();
      const order = { recipientEmail: 'rzp-friend@example.org', recipientName: 'Friend', message: 'For you', deliverAt: h.clock.now() };
      const { giftId, redirectUrl } = await h.ctx.billing.gifts.startPurchase(buyer, 'smart-quarterly', order);
      expect(redirectUrl).toBe('https://rzp.io/i/gift1');
      expect(links).toEqual([
        expect.objectContaining({
          amount: 90_000,
          currency: 'INR',
          reference_id: `gift:${giftId}`,
          notes: { masthead_reference: `gift:${giftId}` },
        }),
      ]);

      const paid = (eventId: string) => {
        const body = JSON.stringify({
          entity: 'event',
          event: 'payment_link.paid',
          created_at: t,
          payload: {
            payment_link: { entity: { id: 'plink_gift_1', status: 'paid', notes: { masthead_reference: `gift:${giftId}` } } },
            payment: {
              entity: {
                id: 'pay_gift_1',
                amount: 90_000,
                currency: 'INR',
                status: 'captured',
                method: 'upi',
                vpa: 'friend@okaxis',
                created_at: t,
              },
            },
          },
        });
        return h!.app.inject({
          method: 'POST',
          url: '/webhooks/razorpay',
          payload: body,
          headers: {
            'content-type': 'application/json',
            'x-razorpay-event-id': eventId,
            'x-razorpay-signature': createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex'),
          },
        });
      };
      const answers = await Promise.all([paid('evt_rzp_1'), paid('evt_rzp_1'), paid('evt_rzp_2')]);
      expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
      const payments = (await h.db.query('select kind, gateway_payment_id, amount_minor from payments where gift_id = $1', [giftId])).rows;
      expect(payments).toEqual([{ kind: 'gift', gateway_payment_id: 'pay_gift_1', amount_minor: 90_000 }]);
      expect((await h.invoices(buyer.id)).map((i) => i.totalMinor)).toEqual([90_000]);
      await h.runJobs();
      expect(smtp.messages.filter((m) => m.to.includes('rzp-friend@example.org'))).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => api.close(() => resolve()));
    }
  });

  it('without a payment gateway there is no "Give as a gift" button and no gift form', async () => {
    h = await startBilling(get(), smtp, { env: { MASTHEAD_PAYMENT_GATEWAY: '' } });
    expect((await h.app.inject({ url: '/plans' })).body).not.toContain('Give as a gift');
    expect(h.ctx.billing.gifts.available()).toBe(false);
    expect((await h.app.inject({ url: '/gift/smart-quarterly' })).statusCode).toBe(404);
    // Nor does the account page offer a list of gifts given.
    await provisionUser(h.db, { email: 'no-gateway@example.in', role: 'reader', password: 'a reader password' }, h.clock.now());
    const cookie = await sessionCookie(h.ctx, 'no-gateway@example.in', 'a reader password');
    const account = await h.app.inject({ url: '/account', headers: { cookie } });
    expect(account.statusCode).toBe(200);
    expect(account.body).not.toContain('href="/account/gifts"');
  });
});
