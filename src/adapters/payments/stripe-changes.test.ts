import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaymentGateway } from '../../domain/billing/gateway.js';
import { DEMO_PLANS } from '../../domain/billing/plans.js';
import { startFakeStripe, type FakeStripe } from '../../../test/support/fake-stripe.js';
import { stripeEvent, stripeSample } from '../../../test/support/stripe-fixtures.js';
import { createStripeGateway, HANDLED_EVENT_TYPES } from './stripe.js';

/** The events Stripe sends after the fact, from its documented sample objects (test/fixtures/stripe/). */
const SECRET = 'whsec_changes';
const NOW = new Date('2026-03-01T10:00:00Z');
const T = Math.floor(NOW.getTime() / 1000);
const tagged = { masthead_subscription_id: '42', masthead_publication: 'daily' };
const yearly = { ...DEMO_PLANS[1]!, id: 2 };

let fake: FakeStripe;
let gateway: PaymentGateway;
beforeAll(async () => {
  fake = await startFakeStripe();
  const prices = new Map<string, string>();
  gateway = createStripeGateway({
    secretKey: 'sk_test_1',
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
beforeEach(() => fake.reset());

function parse(event: Record<string, unknown>) {
  const payload = JSON.stringify(event, null, 2);
  const header = Stripe.webhooks.generateTestHeaderString({ payload, secret: SECRET, timestamp: T });
  const parsed = gateway.parseWebhook(Buffer.from(payload), { 'stripe-signature': header }, NOW);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.events;
}
const at = { created: T };

describe('refunds', () => {
  it('refund.failed (the sample refund, failed) → refund-failed keyed by the charge it names', () => {
    const refund = stripeSample('refund', {
      status: 'failed',
      failure_reason: 'expired_or_canceled_card',
      currency: 'inr',
      amount: 90_000,
    });
    expect(parse(stripeEvent('refund.failed', refund, at))).toEqual([
      {
        type: 'refund-failed',
        gatewayPaymentId: 'ch_1MastheadSampleCharge01',
        gatewayRefundId: 're_1MastheadSampleRefund01',
        amount: { minor: 90_000, currency: 'INR' },
        reason: 'Stripe could not complete refund re_1MastheadSampleRefund01 (expired_or_canceled_card)',
        occurredAt: NOW,
      },
    ]);
  });

  it('refund.updated with status failed is a failure too; pending is nothing yet; ours is keyed by our invoice', () => {
    const ours = { metadata: { masthead_payment_id: 'in_9', masthead_publication: 'daily' } };
    expect(parse(stripeEvent('refund.updated', stripeSample('refund', { status: 'failed', ...ours }), at))).toMatchObject([
      { type: 'refund-failed', gatewayPaymentId: 'in_9' },
    ]);
    expect(parse(stripeEvent('refund.created', stripeSample('refund', { status: 'pending' }), at))).toEqual([]);
    expect(parse(stripeEvent('refund.updated', stripeSample('refund', { payment_intent: 'pi_3' }), at))).toMatchObject([
      { type: 'refund-processed', gatewayPaymentId: 'pi_3' },
    ]);
  });
});

describe('disputes', () => {
  it.each([
    ['charge.dispute.created', 'warning_needs_response', 'open'],
    ['charge.dispute.created', 'needs_response', 'open'],
    ['charge.dispute.closed', 'lost', 'lost'],
    ['charge.dispute.closed', 'won', 'won'],
    ['charge.dispute.closed', 'warning_closed', 'won'],
  ])('%s with status %s → payment-disputed (%s)', (type, status, outcome) => {
    expect(parse(stripeEvent(type, stripeSample('dispute', { status }), at))).toEqual([
      {
        type: 'payment-disputed',
        gatewayPaymentId: 'ch_1MastheadSampleCharge01',
        gatewayDisputeId: 'dp_1MastheadSampleDispute1',
        amount: { minor: 90_000, currency: 'INR' },
        reason: 'general',
        outcome,
        occurredAt: NOW,
      },
    ]);
  });
});

describe('invoice.payment_action_required', () => {
  it('→ payment-action-required with the hosted invoice URL', () => {
    const invoice = stripeSample('invoice', {
      hosted_invoice_url: 'https://invoice.stripe.com/i/acct_1/test',
      parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: tagged } },
    });
    expect(parse(stripeEvent('invoice.payment_action_required', invoice, at))).toEqual([
      {
        type: 'payment-action-required',
        subscriptionId: 42,
        gatewaySubscriptionId: 'sub_1',
        gatewayPaymentId: 'in_1MastheadSampleInvoice1',
        url: 'https://invoice.stripe.com/i/acct_1/test',
        occurredAt: NOW,
      },
    ]);
  });
});

describe('customer.subscription.updated', () => {
  const sub = (over: Record<string, unknown>) => stripeSample('subscription', { metadata: tagged, ...over });
  const updated = (over: Record<string, unknown>, previous: Record<string, unknown>) =>
    parse(stripeEvent('customer.subscription.updated', sub(over), { ...at, previousAttributes: previous }));

  it('cancel_at_period_end switched on or off → cancel-scheduled', () => {
    expect(updated({ cancel_at_period_end: true }, { cancel_at_period_end: false })).toEqual([
      {
        type: 'cancel-scheduled',
        subscriptionId: 42,
        gatewaySubscriptionId: 'sub_1MastheadSampleSub0001',
        cancelAtPeriodEnd: true,
        occurredAt: NOW,
      },
    ]);
    expect(updated({ cancel_at_period_end: false, cancel_at: null }, { cancel_at_period_end: true })).toMatchObject([
      { type: 'cancel-scheduled', cancelAtPeriodEnd: false },
    ]);
  });

  it('pause_collection set → subscription-paused; cleared → subscription-resumed', () => {
    const pause = { behavior: 'void', resumes_at: null };
    expect(updated({ pause_collection: pause }, { pause_collection: null })).toEqual([
      { type: 'subscription-paused', subscriptionId: 42, gatewaySubscriptionId: 'sub_1MastheadSampleSub0001', occurredAt: NOW },
    ]);
    expect(updated({ pause_collection: null }, { pause_collection: pause })).toMatchObject([{ type: 'subscription-resumed' }]);
  });

  it('a price without our plan id → price-changed-at-gateway; ours, or other changes, → nothing', () => {
    expect(updated({}, { items: {} })).toMatchObject([{ type: 'price-changed-at-gateway', gatewayPriceId: 'price_1MastheadSamplePrice1' }]);
    const ours = { object: 'list', data: [{ id: 'si_1', price: { id: 'price_ours', metadata: { masthead_plan_id: '2' } } }] };
    expect(updated({ items: ours }, { items: {} })).toEqual([]);
    expect(updated({}, { default_payment_method: 'pm_old' })).toEqual([]);
    expect(updated({ status: 'active' }, {})).toEqual([]);
  });

  it('is enabled on the endpoint with the other new events', () => {
    expect(HANDLED_EVENT_TYPES).toEqual(
      expect.arrayContaining(['refund.failed', 'charge.dispute.created', 'charge.dispute.closed', 'invoice.payment_action_required']),
    );
  });
});

describe('resolvePaymentId and previewPlanChange', () => {
  it('finds the invoice a PaymentIntent paid through its InvoicePayment, and a charge through its PaymentIntent', async () => {
    fake.on('GET', /^\/v1\/charges\/ch_1$/, () => ({ body: stripeSample('charge', { id: 'ch_1', payment_intent: 'pi_1' }) }));
    fake.on('GET', /^\/v1\/invoice_payments$/, (r) => ({
      body: {
        object: 'list',
        data: r.query['payment[payment_intent]']?.[0] === 'pi_1' ? [stripeSample('invoice_payment', { invoice: 'in_1' })] : [],
      },
    }));
    expect(await gateway.resolvePaymentId!('pi_1')).toBe('in_1');
    expect(await gateway.resolvePaymentId!('ch_1')).toBe('in_1');
    expect(await gateway.resolvePaymentId!('pi_other')).toBeNull();
    expect(await gateway.resolvePaymentId!('in_7')).toBe('in_7');
    expect(fake.calls('GET', '/v1/invoice_payments')[0]?.query).toMatchObject({ 'payment[type]': ['payment_intent'] });
  });

  it('previews an upgrade with invoices.createPreview and reads the charge and the proration credit', async () => {
    fake.on('GET', /^\/v1\/subscriptions\/sub_1$/, () => ({ body: stripeSample('subscription', { id: 'sub_1' }) }));
    fake.on('POST', /^\/v1\/prices$/, () => ({ body: { id: 'price_yearly' } }));
    const proration = { type: 'subscription_item_details', subscription_item_details: { proration: true } };
    fake.on('POST', /^\/v1\/invoices\/create_preview$/, () => ({
      body: stripeSample('invoice', {
        currency: 'inr',
        amount_due: 190_000,
        lines: {
          object: 'list',
          data: [
            { amount: -80_000, parent: proration },
            { amount: 270_000, parent: { type: 'subscription_item_details' } },
          ],
        },
      }),
    }));
    expect(await gateway.previewPlanChange!({ gatewaySubscriptionId: 'sub_1', plan: yearly })).toEqual({
      charge: { minor: 190_000, currency: 'INR' },
      credit: { minor: 80_000, currency: 'INR' },
    });
    expect(fake.calls('POST', '/v1/invoices/create_preview')[0]?.form).toMatchObject({
      subscription: 'sub_1',
      'subscription_details[items][0][id]': 'si_MastheadSample01',
      'subscription_details[items][0][price]': 'price_yearly',
      'subscription_details[proration_behavior]': 'always_invoice',
    });
  });
});
