import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { validatePaymentVerification, validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckoutRequest } from '../../domain/billing/gateway.js';
import type { Plan } from '../../domain/billing/plans.js';
import { razorpayFixture } from '../../../test/support/razorpay-fixtures.js';
import { createRazorpayGateway, RazorpayGatewayError, type RazorpayGateway } from './razorpay.js';

const KEY_ID = 'rzp_test_1DP5mmOlF5G5ag';
const KEY_SECRET = 'thisIsTheKeySecret0123';
const WEBHOOK_SECRET = 'whsec-masthead-test';
const T0 = 1_767_225_600; // 2026-01-01T00:00:00Z

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  auth: string | undefined;
  body: any;
}
const requests: Recorded[] = [];
const subs = new Map<string, Record<string, unknown>>();
let seq = 0;

function route(r: Recorded): [number, unknown] {
  const id = (p: string) => `${p}_${String(++seq).padStart(14, '0')}`;
  let m: RegExpMatchArray | null;
  if (r.method === 'POST' && r.path === '/v1/plans') {
    return [
      200,
      {
        id: id('plan'),
        entity: 'plan',
        interval: r.body.interval,
        period: r.body.period,
        item: { id: id('item'), active: true, ...r.body.item },
        notes: r.body.notes,
        created_at: T0,
      },
    ];
  }
  if (r.method === 'POST' && r.path === '/v1/subscriptions') {
    const sub = {
      id: id('sub'),
      entity: 'subscription',
      status: 'created',
      current_start: null,
      current_end: null,
      customer_id: null,
      paid_count: 0,
      short_url: 'https://rzp.io/i/abc123',
      has_scheduled_changes: false,
      ...r.body,
    };
    subs.set(sub.id, sub);
    return [200, sub];
  }
  if ((m = r.path.match(/^\/v1\/subscriptions\/([^/]+)(\/cancel)?$/))) {
    const sub = subs.get(m[1]!);
    if (!sub) return [400, { error: { code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' } }];
    if (r.method === 'POST' && m[2]) Object.assign(sub, r.body?.cancel_at_cycle_end ? {} : { status: 'cancelled', ended_at: T0 });
    // Update a Subscription, "Errors": not for a subscription authorised via UPI or e-mandate.
    if (r.method === 'PATCH' && (sub.payment_method === 'upi' || sub.payment_method === 'emandate'))
      return [400, { error: { code: 'BAD_REQUEST_ERROR', description: 'subscriptions cannot be updated when payment mode is UPI' } }];
    if (r.method === 'PATCH')
      Object.assign(sub, { plan_id: r.body.plan_id, has_scheduled_changes: r.body.schedule_change_at === 'cycle_end' });
    return [200, sub];
  }
  if (r.method === 'GET' && r.path === '/v1/invoices') {
    const invoice = (n: number, status: string, paid: boolean) => ({
      id: `inv_${n}`,
      entity: 'invoice',
      subscription_id: r.query.get('subscription_id'),
      status,
      payment_id: paid ? `pay_${n}` : null,
      amount_paid: paid ? 90000 : 0,
      currency: 'INR',
      billing_start: T0 + n * 1000,
      billing_end: T0 + n * 1000 + 999,
      paid_at: paid ? T0 + n * 1000 : null,
    });
    return [
      200,
      { entity: 'collection', count: 3, items: [invoice(1, 'paid', true), invoice(3, 'issued', false), invoice(2, 'paid', true)] },
    ];
  }
  if (r.method === 'GET' && (m = r.path.match(/^\/v1\/payments\/(pay_\d)$/))) {
    const upi = m[1] === 'pay_2';
    return [
      200,
      {
        id: m[1],
        entity: 'payment',
        amount: 90000,
        currency: 'INR',
        status: 'captured',
        method: upi ? 'upi' : 'card',
        vpa: upi ? 'reader@okhdfc' : null,
        card: upi ? null : { last4: '1111', network: 'Visa' },
        created_at: T0,
      },
    ];
  }
  if (r.method === 'POST' && (m = r.path.match(/^\/v1\/payments\/([^/]+)\/refund$/))) {
    if (m[1] === 'pay_missing') return [400, { error: { code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' } }];
    return [
      200,
      {
        id: 'rfnd_FP8QHiV938haTz',
        entity: 'refund',
        amount: r.body.amount,
        currency: 'INR',
        payment_id: m[1],
        notes: r.body.notes,
        status: 'processed',
        speed_requested: r.body.speed,
        created_at: T0,
      },
    ];
  }
  return [404, { error: { code: 'BAD_REQUEST_ERROR', description: `no route ${r.method} ${r.path}` } }];
}

// Started at import time (top-level await) so describe blocks can build gateways pointing at it.
const server: Server = createServer((req, res) => {
  let raw = '';
  req.on('data', (c) => (raw += c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const rec: Recorded = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      auth: req.headers.authorization,
      body: raw ? JSON.parse(raw) : null,
    };
    requests.push(rec);
    const [status, body] = route(rec);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => (requests.length = 0));

function makeGateway(store = new Map<string, string>(), publication = () => 'The Daily Masthead'): RazorpayGateway {
  return createRazorpayGateway({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    planIds: {
      get: async (p, price) => store.get(`${p}:${price}`) ?? null,
      put: async (p, price, id) => void store.set(`${p}:${price}`, id),
    },
    publication,
    callbackUrl: 'https://news.example.test/checkout/razorpay/callback',
  });
}
const plan = (id: number, count: number, unit: Plan['term']['unit'], minor: number): Plan => ({
  id,
  slug: `p${id}`,
  name: `Plan ${id}`,
  term: { count, unit },
  price: { minor, currency: 'INR' },
  entitlements: [],
  position: id,
});
const checkout = (subscriptionId: number, p: Plan): CheckoutRequest => ({
  subscriptionId,
  plan: p,
  customer: { userId: 7, email: 'reader@example.test', name: 'Asha Rao' },
  returnUrl: 'https://news.example.test/r',
  cancelUrl: 'https://news.example.test/c',
});
const sign = (body: string | Buffer, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(body).digest('hex');

describe('razorpay gateway: checkout', () => {
  it('creates the plan once, then subscriptions with period, interval, amount, cycles, notes and Basic auth', async () => {
    const gateway = makeGateway();
    const quarterly = plan(1, 3, 'month', 90_000);
    const [a, b] = await Promise.all([gateway.startCheckout(checkout(41, quarterly)), gateway.startCheckout(checkout(42, quarterly))]);
    await gateway.startCheckout(checkout(43, quarterly));
    const plans = requests.filter((r) => r.path === '/v1/plans');
    expect(plans).toHaveLength(1);
    expect(plans[0]!.body).toMatchObject({
      period: 'monthly',
      interval: 3,
      item: { name: 'Plan 1', amount: 90000, currency: 'INR' },
      notes: { masthead_plan_id: '1' },
    });
    const created = requests.filter((r) => r.path === '/v1/subscriptions');
    expect(created).toHaveLength(3);
    expect(created[0]!.body).toEqual({
      plan_id: expect.stringMatching(/^plan_/),
      total_count: 120,
      quantity: 1,
      customer_notify: 0,
      notes: { masthead_subscription_id: '41', masthead_user_id: '7' },
    });
    expect(new Set(created.map((r) => r.body.plan_id)).size).toBe(1);
    expect(requests.every((r) => r.auth === `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`)).toBe(true);
    expect(a.redirectUrl).toBeNull();
    expect(a.gatewaySubscriptionId).toMatch(/^sub_/);
    expect(b.gatewaySubscriptionId).not.toBe(a.gatewaySubscriptionId);
    expect(a.checkoutForm).toEqual({
      key: KEY_ID,
      subscription_id: a.gatewaySubscriptionId,
      name: 'The Daily Masthead',
      description: 'Plan 1: ₹900 every 3 months',
      'prefill.name': 'Asha Rao',
      'prefill.email': 'reader@example.test',
      'notes.masthead_subscription_id': '41',
      callback_url: 'https://news.example.test/checkout/razorpay/callback',
    });
  });

  it('names the publication in Checkout as it is called at the time, after a rename without a restart', async () => {
    let name = 'The Daily Masthead';
    const gateway = makeGateway(new Map([['1:90000', 'plan_stored']]), () => name);
    const before = await gateway.startCheckout(checkout(60, plan(1, 3, 'month', 90_000)));
    name = 'The Evening Abacus';
    const after = await gateway.startCheckout(checkout(61, plan(1, 3, 'month', 90_000)));
    expect([before.checkoutForm?.name, after.checkoutForm?.name]).toEqual(['The Daily Masthead', 'The Evening Abacus']);
  });

  it('maps yearly terms and keeps total_count within 100 years', async () => {
    const gateway = makeGateway(new Map([['9:270000', 'plan_stored']]));
    await gateway.startCheckout(checkout(50, plan(9, 1, 'year', 270_000)));
    await gateway.startCheckout(checkout(51, plan(3, 2, 'year', 390_000)));
    expect(requests.filter((r) => r.path === '/v1/plans').map((r) => [r.body.period, r.body.interval])).toEqual([['yearly', 2]]);
    expect(
      requests.filter((r) => r.path === '/v1/subscriptions').map((r) => [r.body.plan_id === 'plan_stored', r.body.total_count]),
    ).toEqual([
      [true, 100],
      [false, 50],
    ]);
  });
});

const subEntity = (over: Record<string, unknown> = {}) => ({
  id: 'sub_00000000000001',
  entity: 'subscription',
  plan_id: 'plan_1',
  customer_id: 'cust_1',
  status: 'active',
  current_start: T0,
  current_end: T0 + 7_776_000,
  paid_count: 1,
  notes: { masthead_subscription_id: '41' },
  ...over,
});
const payEntity = (over: Record<string, unknown> = {}) => ({
  id: 'pay_29QQoUBi66xm2f',
  entity: 'payment',
  amount: 90000,
  currency: 'INR',
  status: 'captured',
  method: 'card',
  card: { last4: '1111', network: 'Visa' },
  vpa: null,
  invoice_id: 'inv_1',
  created_at: T0,
  ...over,
});
const eventBody = (event: string, payload: Record<string, unknown>) =>
  JSON.stringify({ entity: 'event', account_id: 'acc_1', event, contains: Object.keys(payload), payload, created_at: T0 + 60 });
const deliver = (gateway: RazorpayGateway, body: string, headers: Record<string, string> = {}) =>
  gateway.parseWebhook(Buffer.from(body), { 'x-razorpay-signature': sign(body), 'x-razorpay-event-id': 'evt_1', ...headers }, new Date());

describe('razorpay gateway: webhooks', () => {
  const gateway = makeGateway();
  const charged = eventBody('subscription.charged', { subscription: { entity: subEntity() }, payment: { entity: payEntity() } });

  it('verifies the raw-body HMAC (agreeing with the SDK) and maps subscription.charged', () => {
    expect(validateWebhookSignature(charged, sign(charged), WEBHOOK_SECRET)).toBe(true);
    expect(deliver(gateway, charged)).toEqual({
      ok: true,
      eventId: 'evt_1',
      eventType: 'subscription.charged',
      events: [
        {
          type: 'payment-captured',
          subscriptionId: 41,
          gatewaySubscriptionId: 'sub_00000000000001',
          gatewayPaymentId: 'pay_29QQoUBi66xm2f',
          amount: { minor: 90000, currency: 'INR' },
          periodStart: new Date(T0 * 1000),
          periodEnd: new Date((T0 + 7_776_000) * 1000),
          paymentMethod: 'Visa •••• 1111',
          occurredAt: new Date((T0 + 60) * 1000),
        },
      ],
    });
    const upi = eventBody('subscription.charged', {
      subscription: { entity: subEntity() },
      payment: { entity: payEntity({ method: 'upi', card: null, vpa: 'asha@okaxis' }) },
    });
    expect(deliver(gateway, upi)).toMatchObject({ ok: true, events: [{ paymentMethod: 'UPI (asha@okaxis)' }] });
  });

  it('rejects a flipped signature byte, a missing signature and re-serialised JSON', () => {
    const good = sign(charged);
    const flipped = (good[0] === 'a' ? 'b' : 'a') + good.slice(1);
    expect(deliver(gateway, charged, { 'x-razorpay-signature': flipped })).toMatchObject({ ok: false, reason: 'bad-signature' });
    expect(gateway.parseWebhook(Buffer.from(charged), {}, new Date())).toMatchObject({ ok: false, reason: 'bad-signature' });
    const reserialised = JSON.stringify(JSON.parse(charged), null, 2);
    expect(gateway.parseWebhook(Buffer.from(reserialised), { 'x-razorpay-signature': good }, new Date())).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    });
    expect(validateWebhookSignature(reserialised, good, WEBHOOK_SECRET)).toBe(false);
    expect(validateWebhookSignature(charged, flipped, WEBHOOK_SECRET)).toBe(false);
  });

  it('reports malformed signed bodies and falls back to a body hash for the event id', () => {
    expect(deliver(gateway, '{not json')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(deliver(gateway, eventBody('subscription.charged', { subscription: { entity: subEntity() } }))).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
    const parsed = gateway.parseWebhook(Buffer.from(charged), { 'X-Razorpay-Signature': sign(charged) }, new Date());
    expect(parsed).toMatchObject({ ok: true, eventId: expect.stringMatching(/^body-sha256:[0-9a-f]{64}$/) });
  });

  it('maps the subscription lifecycle, refunds and unknown events', () => {
    const at = new Date((T0 + 60) * 1000);
    const events = (event: string, payload: Record<string, unknown>) => {
      const r = deliver(gateway, eventBody(event, payload));
      if (!r.ok) throw new Error(r.message);
      return r.events;
    };
    const s = { subscription: { entity: subEntity() } };
    expect(events('subscription.authenticated', s)).toEqual([
      {
        type: 'checkout-completed',
        subscriptionId: 41,
        gatewaySubscriptionId: 'sub_00000000000001',
        gatewayCustomerId: 'cust_1',
        occurredAt: at,
      },
    ]);
    expect(events('subscription.authenticated', { subscription: { entity: subEntity({ notes: [] }) } })).toEqual([]);
    expect(events('subscription.activated', s)).toEqual([
      {
        type: 'subscription-reactivated',
        subscriptionId: 41,
        gatewaySubscriptionId: 'sub_00000000000001',
        periodStart: new Date(T0 * 1000),
        periodEnd: new Date((T0 + 7_776_000) * 1000),
        occurredAt: at,
      },
    ]);
    expect(events('subscription.pending', { ...s, payment: { entity: payEntity({ status: 'failed' }) } })).toEqual([
      {
        type: 'payment-failed',
        subscriptionId: 41,
        gatewaySubscriptionId: 'sub_00000000000001',
        gatewayPaymentId: 'pay_29QQoUBi66xm2f',
        reason: 'pending',
        occurredAt: at,
      },
    ]);
    expect(events('subscription.halted', s)).toMatchObject([{ type: 'payment-failed', reason: 'halted', gatewayPaymentId: null }]);
    expect(events('payment.failed', { payment: { entity: payEntity({ status: 'failed', error_description: 'Card declined' }) } })).toEqual(
      [],
    );
    expect(
      events('payment.failed', { ...s, payment: { entity: payEntity({ status: 'failed', error_description: 'Card declined' }) } }),
    ).toMatchObject([{ type: 'payment-failed', reason: 'Card declined' }]);
    for (const e of ['subscription.cancelled', 'subscription.completed']) {
      expect(events(e, s)).toEqual([
        { type: 'subscription-ended', subscriptionId: 41, gatewaySubscriptionId: 'sub_00000000000001', occurredAt: at },
      ]);
    }
    const refund = {
      id: 'rfnd_1',
      entity: 'refund',
      amount: 45000,
      currency: 'INR',
      payment_id: 'pay_29QQoUBi66xm2f',
      status: 'processed',
      created_at: T0,
    };
    expect(events('refund.processed', { refund: { entity: refund }, payment: { entity: payEntity() } })).toEqual([
      {
        type: 'refund-processed',
        gatewayPaymentId: 'pay_29QQoUBi66xm2f',
        gatewayRefundId: 'rfnd_1',
        amount: { minor: 45000, currency: 'INR' },
        occurredAt: at,
      },
    ]);
    expect(events('order.paid', {})).toEqual([]);
    expect(events('subscription.updated', s)).toEqual([]);
  });

  it('maps disputes: open while raised or under review, lost when lost or closed with money deducted, else won', () => {
    const dispute = (over: Record<string, unknown> = {}) => ({
      dispute: {
        entity: {
          id: 'disp_MhTest0001',
          entity: 'dispute',
          payment_id: 'pay_29QQoUBi66xm2f',
          amount: 90000,
          currency: 'INR',
          amount_deducted: 0,
          reason_code: 'chargeback',
          reason_description: 'The cardholder does not recognise the payment',
          status: 'open',
          phase: 'chargeback',
          created_at: T0,
          ...over,
        },
      },
      payment: { entity: payEntity() },
    });
    const outcome = (event: string, over?: Record<string, unknown>) => {
      const r = deliver(gateway, eventBody(event, dispute(over)));
      if (!r.ok) throw new Error(r.message);
      return r.events.map((e) => (e.type === 'payment-disputed' ? e.outcome : e.type));
    };
    const r = deliver(gateway, eventBody('payment.dispute.created', dispute()));
    expect(r.ok && r.events).toMatchObject([
      {
        type: 'payment-disputed',
        gatewayPaymentId: 'pay_29QQoUBi66xm2f',
        gatewayDisputeId: 'disp_MhTest0001',
        amount: { minor: 90000, currency: 'INR' },
        reason: 'The cardholder does not recognise the payment',
        outcome: 'open',
      },
    ]);
    expect(outcome('payment.dispute.under_review')).toEqual(['open']);
    expect(outcome('payment.dispute.action_required')).toEqual(['open']);
    expect(outcome('payment.dispute.won', { status: 'won' })).toEqual(['won']);
    expect(outcome('payment.dispute.lost', { status: 'lost', amount_deducted: 90000 })).toEqual(['lost']);
    expect(outcome('payment.dispute.closed', { status: 'closed' })).toEqual(['won']);
    expect(outcome('payment.dispute.closed', { status: 'closed', amount_deducted: 90000 })).toEqual(['lost']);
  });

  it("maps the sample payloads of Razorpay's webhook documentation (test/fixtures/razorpay)", () => {
    const parsed = (body: string) => {
      const r = deliver(gateway, body);
      if (!r.ok) throw new Error(r.message);
      return r.events;
    };
    const sec = (s: number) => new Date(s * 1000);
    expect(parsed(razorpayFixture('subscription.charged'))).toEqual([
      {
        type: 'payment-captured',
        subscriptionId: null, // the sample's notes carry no id of ours: matched by the gateway id
        gatewaySubscriptionId: 'sub_Mh51EV7jWVwxGn',
        gatewayPaymentId: 'pay_MhYaQ65thMBvr1',
        amount: { minor: 100000, currency: 'INR' },
        periodStart: sec(1790213800),
        periodEnd: sec(1792892200),
        paymentMethod: 'MasterCard •••• 5558',
        occurredAt: sec(1787690383),
      },
    ]);
    // The sample has its created_at inside `payload`: the delivery time is then the receiving time.
    expect(parsed(razorpayFixture('subscription.activated', { createdAt: 1787690383 }))).toEqual([
      {
        type: 'subscription-reactivated',
        subscriptionId: null,
        gatewaySubscriptionId: 'sub_Mh51EV7jWVwxGn',
        periodStart: sec(1790213800),
        periodEnd: sec(1792892200),
        occurredAt: sec(1787690383),
      },
    ]);
    expect(parsed(razorpayFixture('subscription.halted'))).toEqual([
      {
        type: 'payment-failed',
        subscriptionId: null,
        gatewaySubscriptionId: 'sub_Mh51EV7jWVwxGn',
        gatewayPaymentId: null,
        reason: 'halted',
        occurredAt: sec(1787691269),
      },
    ]);
    expect(parsed(razorpayFixture('subscription.paused', { subscription: { notes: { masthead_subscription_id: '41' } } }))).toEqual([
      { type: 'subscription-paused', subscriptionId: 41, gatewaySubscriptionId: 'sub_Mh7hvyH0ypcMCf', occurredAt: sec(1820416473) },
    ]);
    expect(parsed(razorpayFixture('subscription.resumed'))).toEqual([
      { type: 'subscription-resumed', subscriptionId: null, gatewaySubscriptionId: 'sub_Mh7hvyH0ypcMCf', occurredAt: sec(1820416481) },
    ]);
    expect(parsed(razorpayFixture('subscription.cancelled'))).toEqual([
      { type: 'subscription-ended', subscriptionId: null, gatewaySubscriptionId: 'sub_MhqwtUJhIzBL2k', occurredAt: sec(1787692732) },
    ]);
    const refund = {
      gatewayPaymentId: 'pay_MhIm2bSWDmuTUL',
      gatewayRefundId: 'rfnd_Mhnc9qjQArGCtr',
      amount: { minor: 50000, currency: 'INR' },
    };
    expect(parsed(razorpayFixture('refund.processed'))).toMatchObject([{ type: 'refund-processed', ...refund }]);
    expect(parsed(razorpayFixture('refund.failed'))).toMatchObject([{ type: 'refund-failed', ...refund }]);
  });

  it('verifies the checkout callback signature over payment_id|subscription_id with the key secret', () => {
    const signature = sign('pay_29QQoUBi66xm2f|sub_00000000000001', KEY_SECRET);
    const input = { paymentId: 'pay_29QQoUBi66xm2f', subscriptionId: 'sub_00000000000001', signature };
    expect(gateway.verifyCheckoutSignature(input)).toBe(true);
    expect(validatePaymentVerification({ payment_id: input.paymentId, subscription_id: input.subscriptionId }, signature, KEY_SECRET)).toBe(
      true,
    );
    expect(gateway.verifyCheckoutSignature({ ...input, subscriptionId: 'sub_00000000000002' })).toBe(false);
    expect(gateway.verifyCheckoutSignature({ ...input, signature: sign('sub_00000000000001|pay_29QQoUBi66xm2f', KEY_SECRET) })).toBe(false);
    expect(gateway.verifyCheckoutSignature({ ...input, signature: sign('pay_29QQoUBi66xm2f|sub_00000000000001', WEBHOOK_SECRET) })).toBe(
      false,
    );
    expect(gateway.verifyCheckoutSignature({ ...input, signature: '' })).toBe(false);
  });
});

describe('razorpay gateway: subscription management', () => {
  const gateway = makeGateway();
  const newSub = async () => (await gateway.startCheckout(checkout(60, plan(1, 3, 'month', 90_000)))).gatewaySubscriptionId!;

  it('refunds with amount and notes, and surfaces API errors without the key secret', async () => {
    expect(
      await gateway.refund({ gatewayPaymentId: 'pay_29QQoUBi66xm2f', amount: { minor: 45_000, currency: 'INR' }, reason: 'goodwill' }),
    ).toEqual({ gatewayRefundId: 'rfnd_FP8QHiV938haTz' });
    expect(requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/payments/pay_29QQoUBi66xm2f/refund',
      body: { amount: 45000, speed: 'normal', notes: { reason: 'goodwill' } },
    });
    const err = await gateway
      .refund({ gatewayPaymentId: 'pay_missing', amount: { minor: 1, currency: 'INR' }, reason: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RazorpayGatewayError);
    expect(err).toMatchObject({
      statusCode: 400,
      code: 'BAD_REQUEST_ERROR',
      message: expect.stringContaining('The id provided does not exist'),
    });
    expect(JSON.stringify(err) + String(err)).not.toContain(KEY_SECRET);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const offline = createRazorpayGateway({
      keyId: KEY_ID,
      keySecret: KEY_SECRET,
      webhookSecret: WEBHOOK_SECRET,
      apiBaseUrl: `http://127.0.0.1:${port}`,
      planIds: { get: async () => null, put: async () => {} },
      publication: () => 'P',
      callbackUrl: 'https://x.test/cb',
    });
    const down = await offline.cancelNow('sub_1').catch((e: unknown) => e);
    expect(down).toMatchObject({ code: 'NETWORK_ERROR', message: expect.not.stringContaining(KEY_SECRET) });
  });

  it('cancels at cycle end, refuses to undo that, and cancels now', async () => {
    const id = await newSub();
    await gateway.setCancelAtPeriodEnd(id, true);
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/subscriptions/${id}/cancel`, body: { cancel_at_cycle_end: 1 } });
    const before = requests.length;
    await expect(gateway.setCancelAtPeriodEnd(id, false)).rejects.toMatchObject({ code: 'CANCELLATION_IRREVERSIBLE' });
    expect(requests.length).toBe(before);
    await gateway.cancelNow(id);
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/subscriptions/${id}/cancel`, body: null });
    expect((await gateway.fetchSubscription(id)).status).toBe('cancelled');
  });

  it('offers a created subscription again, and closes an unpaid one; a cancelled one is neither offered nor cancelled twice', async () => {
    const request = checkout(61, plan(1, 3, 'month', 90_000));
    const first = await gateway.startCheckout(request);
    const ids = { gatewaySubscriptionId: first.gatewaySubscriptionId, gatewayCheckoutId: null };
    expect(await gateway.resumeCheckout!({ ...request, ...ids })).toEqual(first);
    await gateway.cancelCheckout(ids);
    expect(requests.at(-1)).toMatchObject({ method: 'POST', path: `/v1/subscriptions/${ids.gatewaySubscriptionId}/cancel`, body: null });
    expect(await gateway.resumeCheckout!({ ...request, ...ids })).toBeNull();
    const before = requests.filter((r) => r.method === 'POST').length;
    await gateway.cancelCheckout(ids);
    expect(requests.filter((r) => r.method === 'POST').length).toBe(before);
  });

  it('changes plan now or at cycle end via subscriptions.update', async () => {
    const id = await newSub();
    await gateway.changePlan({
      gatewaySubscriptionId: id,
      plan: plan(3, 2, 'year', 390_000),
      when: 'period-end',
      chargeNow: null,
      subscriptionId: 60,
    });
    const patch = requests.find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe(`/v1/subscriptions/${id}`);
    expect(patch.body).toEqual({
      plan_id: expect.stringMatching(/^plan_/),
      remaining_count: 50,
      schedule_change_at: 'cycle_end',
      customer_notify: 0,
    });
    await gateway.changePlan({
      gatewaySubscriptionId: id,
      plan: plan(3, 2, 'year', 390_000),
      when: 'now',
      chargeNow: { minor: 100, currency: 'INR' },
      subscriptionId: 60,
    });
    expect(requests.at(-1)!.body).toMatchObject({ plan_id: patch.body.plan_id, schedule_change_at: 'now' });
  });

  it("reports Razorpay's documented refusal to update a UPI subscription as an expected outcome, and other errors as errors", async () => {
    const id = await newSub();
    Object.assign(subs.get(id)!, { status: 'active', payment_method: 'upi' });
    const input = {
      gatewaySubscriptionId: id,
      plan: plan(3, 2, 'year', 390_000),
      when: 'now',
      chargeNow: null,
      subscriptionId: 60,
    } as const;
    expect(await gateway.changePlan(input)).toEqual({
      refused: 'payment-method',
      message: expect.stringContaining('subscriptions cannot be updated when payment mode is UPI'),
    });
    await expect(gateway.changePlan({ ...input, gatewaySubscriptionId: 'sub_missing' })).rejects.toBeInstanceOf(RazorpayGatewayError);
    Object.assign(subs.get(id)!, { payment_method: 'card' });
    expect(await gateway.changePlan(input)).toBeUndefined();
  });

  it('maps fetched status, period end, recent paid invoices and the update link', async () => {
    const id = await newSub();
    const expected: Record<string, string> = {
      created: 'pending',
      authenticated: 'pending',
      active: 'active',
      pending: 'past-due',
      halted: 'past-due',
      cancelled: 'cancelled',
      completed: 'ended',
      expired: 'ended',
    };
    for (const [status, ours] of Object.entries(expected)) {
      Object.assign(subs.get(id)!, { status, current_end: T0 + 500 });
      const state = await gateway.fetchSubscription(id);
      expect([status, state.status, state.currentPeriodEnd]).toEqual([status, ours, new Date((T0 + 500) * 1000)]);
    }
    const state = await gateway.fetchSubscription(id);
    expect(requests.some((r) => r.path === '/v1/invoices' && r.query.get('subscription_id') === id)).toBe(true);
    expect(state.cancelAtPeriodEnd).toBe(false);
    expect(state.payments.map((p) => [p.gatewayPaymentId, p.paymentMethod, p.amount.minor, p.subscriptionId])).toEqual([
      ['pay_2', 'UPI (reader@okhdfc)', 90000, 60],
      ['pay_1', 'Visa •••• 1111', 90000, 60],
    ]);
    expect(state.payments[0]).toMatchObject({
      type: 'payment-captured',
      gatewaySubscriptionId: id,
      periodStart: new Date((T0 + 2000) * 1000),
      periodEnd: new Date((T0 + 2999) * 1000),
    });
    expect(await gateway.paymentMethodUpdateUrl({ gatewaySubscriptionId: id, gatewayCustomerId: null, returnUrl: 'https://x.test' })).toBe(
      'https://rzp.io/i/abc123',
    );
    await expect(
      gateway.requestRenewal({
        gatewaySubscriptionId: id,
        amount: { minor: 1, currency: 'INR' },
        subscriptionId: 60,
        periodEnd: new Date(),
      }),
    ).resolves.toBeUndefined();
  });
});
