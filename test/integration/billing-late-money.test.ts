import { afterEach, expect, it, vi } from 'vitest';
import { TEST_SIGNATURE_HEADER, signTestWebhook } from '../../src/adapters/payments/test-gateway.js';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, MINUTE, emailKinds, useBilling } from './billing-harness.js';

/**
 * Money captured for a subscription that has ended or been refunded either buys access or is refunded
 * automatically, never neither: through the real app on the test gateway, with its signed webhooks.
 */
describeEachEngine('billing: money after the end', (get) => {
  const h = useBilling(get);
  afterEach(() => vi.restoreAllMocks());

  let sequence = 0;
  /** A payment the gateway took for our subscription `id` (before it heard of the end), as its signed webhook. */
  async function lateCapture(id: number, amountMinor = 90_000) {
    sequence++;
    const sub = await h.sub(id);
    const start = h.clock.now();
    const payment = {
      id: `pay_late_${sequence}_${Date.now().toString(36)}`,
      amount: { minor: amountMinor, currency: 'INR' },
      periodStart: start.toISOString(),
      periodEnd: addTerm(start, { count: 3, unit: 'month' }).toISOString(),
      at: start.toISOString(),
    };
    const body = (eventId: string) =>
      JSON.stringify({
        id: eventId,
        type: 'payment.captured',
        created: Math.floor(h.clock.now().getTime() / 1000),
        data: { subscription: sub.gatewaySubscriptionId ?? 'sub_unknown', reference: id, method: 'Test card •••• 4242', payment },
      });
    const deliver = async (eventId = `evt_late_${sequence}`) => {
      const raw = body(eventId);
      const response = await h.app.inject({
        method: 'POST',
        url: '/webhooks/test',
        payload: raw,
        headers: { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: signTestWebhook(raw, h.ctx.keys.webhook, h.clock.now()) },
      });
      expect(response.statusCode).toBe(200);
    };
    return { payment, deliver };
  }
  const gatewayRefunds = () => h.count(`test_gateway_records where kind = 'refund'`);
  const paymentRow = async (id: number, gatewayPaymentId: string) =>
    (await h.payments(id)).find((p) => p.gatewayPaymentId === gatewayPaymentId);

  it('a renewal captured after a full refund: delivered twice (and replayed under a new event id), refunded once, with a credit note and an email', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    await h.runJobs();
    const [first] = await h.payments(id);
    expect((await h.ctx.billing.service.refund(first!.id, 90_000, 'Reader asked by phone')).ok).toBe(true);
    await h.runJobs();
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await gatewayRefunds()).toBe(1);

    h.clock.advance(DAY);
    const late = await lateCapture(id);
    await Promise.all([late.deliver(), late.deliver()]);
    await late.deliver('evt_late_replayed');
    // Recorded and invoiced (the money was taken), but it buys nothing: no access while the refund is on its way.
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect(await gatewayRefunds()).toBe(1); // the gateway is not asked inside the webhook

    await h.runJobs();
    await late.deliver();
    await h.runJobs();
    expect(await gatewayRefunds()).toBe(2);
    expect(await paymentRow(id, late.payment.id)).toMatchObject({ amountMinor: 90_000, refundedMinor: 90_000 });
    expect(await h.count('refunds where reason like $1', ['Automatic refund:%'])).toBe(1);
    expect((await h.invoices(reader.id)).map((i) => i.kind)).toEqual(['invoice', 'credit-note', 'invoice', 'credit-note']);
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await h.entitlements(reader.id)).toEqual([]);
    expect(emailKinds(h.emails(reader))).toEqual(['receipt', 'refund', 'receipt', 'refund']);
  });

  it('money for a checkout the reader replaced with another plan is refunded; the plan they chose runs on alone', async () => {
    const reader = await h.reader();
    const service = h.ctx.billing.service;
    const older = await service.startCheckout(reader, 'smart-quarterly');
    const newer = await service.startCheckout(reader, 'smart-essential');
    await h.ctx.billing.testGateway!.complete(newer.start.gatewayCheckoutId!, 'approve', 'card', false);
    const before = await h.sub(newer.subscriptionId);
    expect(before.status).toBe('active');

    const late = await lateCapture(older.subscriptionId);
    await late.deliver();
    await h.runJobs();
    expect(await paymentRow(older.subscriptionId, late.payment.id)).toMatchObject({ refundedMinor: 90_000 });
    expect((await h.sub(older.subscriptionId)).status).toBe('refunded');
    expect(await h.sub(newer.subscriptionId)).toMatchObject({ status: 'active', currentPeriodEnd: before.currentPeriodEnd });
    expect(await h.entitlements(reader.id)).not.toEqual([]);
    expect(await gatewayRefunds()).toBe(1);
  });

  it('money for a checkout that simply lapsed, with nothing else running, buys the term it paid and is not refunded', async () => {
    const reader = await h.reader();
    const { subscriptionId } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    h.clock.advance(DAY + MINUTE);
    await h.sweep();
    expect((await h.sub(subscriptionId)).status).toBe('abandoned');

    const late = await lateCapture(subscriptionId);
    await late.deliver();
    await h.runJobs();
    expect(await h.sub(subscriptionId)).toMatchObject({ status: 'active', currentPeriodEnd: new Date(late.payment.periodEnd) });
    expect(await h.entitlements(reader.id)).not.toEqual([]);
    expect(await gatewayRefunds()).toBe(0);
    expect(await h.count('jobs where kind = $1', ['billing-refund-unwanted-payment'])).toBe(0);
  });

  it('money for a subscription the reader cancelled: a gateway error is retried later, and the refund is made once', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    expect((await h.ctx.billing.service.cancel(reader, id)).ok).toBe(true);
    h.clock.advance(93 * DAY);
    await h.sweep();
    expect(await h.sub(id)).toMatchObject({ status: 'expired', cancelAtPeriodEnd: true });

    const gateway = h.ctx.billing.gateways.test!;
    const refund = vi.spyOn(gateway, 'refund').mockRejectedValueOnce(new Error('connect ETIMEDOUT'));
    const late = await lateCapture(id);
    await late.deliver();
    await h.runJobs();
    expect(await paymentRow(id, late.payment.id)).toMatchObject({ refundedMinor: 0 });
    expect(await h.sub(id)).toMatchObject({ status: 'expired' });
    expect(await h.entitlements(reader.id)).toEqual([]);

    h.clock.advance(MINUTE);
    await h.runJobs();
    await h.runJobs();
    expect(refund).toHaveBeenCalledTimes(2);
    expect(await gatewayRefunds()).toBe(1);
    expect(await paymentRow(id, late.payment.id)).toMatchObject({ refundedMinor: 90_000 });
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
  });
});
