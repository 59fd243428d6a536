import { expect, it } from 'vitest';
import { TEST_SIGNATURE_HEADER, signTestWebhook } from '../../src/adapters/payments/test-gateway.js';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { runBillingSweep } from '../../src/domain/billing/sweep.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, HOUR, MINUTE, T0, useBilling } from './billing-harness.js';

/**
 * POST /webhooks/:gateway with the test gateway's real, signed deliveries: exactly once under concurrent
 * redelivery, refused when not authentic, safe out of order, recovered after a crash or a lost webhook.
 */
describeEachEngine('gateway webhooks', (get) => {
  const h = useBilling(get);

  const post = (body: string | Buffer, headers: Record<string, string>, gateway = 'test') =>
    h.app.inject({ method: 'POST', url: `/webhooks/${gateway}`, payload: body, headers });
  /** Delivers a body signed now, as a gateway's retry or replay would be. */
  const deliver = (body: string, at = h.clock.now()) =>
    post(body, { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: signTestWebhook(body, h.ctx.keys.webhook, at) });
  /** From now on the test gateway's webhooks are kept here instead of being delivered. */
  const intercept = () => {
    const held: { type: string; body: string; headers: Record<string, string> }[] = [];
    h.ctx.billing.connectWebhooks(async (body, headers) => void held.push({ type: JSON.parse(body).type, body, headers }));
    return held;
  };
  const reconnect = () =>
    h.ctx.billing.connectWebhooks(async (body, headers) => {
      const response = await post(body, headers);
      if (response.statusCode >= 300) throw new Error(`webhook answered ${response.statusCode}`);
    });
  const stored = async () =>
    (
      await h.db.query<{ event_type: string; processed: boolean; attempts: number; last_error: string | null }>(
        'select event_type, processed_at is not null as processed, attempts, last_error from webhook_events order by id',
      )
    ).rows;
  const receiptJobs = () => h.count(`jobs where kind = 'notification' and payload->>'template' = 'billing.receipt'`);

  it('the same signed webhook delivered 50 times at once: all answered 2xx, one payment, one invoice, one receipt', async () => {
    const reader = await h.reader();
    const held = intercept();
    const { subscriptionId: id, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    await h.ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
    expect(held.map((w) => w.type)).toEqual(['checkout.completed', 'payment.captured']);
    expect((await h.sub(id)).status).toBe('awaiting-payment');

    expect((await post(held[0]!.body, held[0]!.headers)).statusCode).toBe(200);
    const captured = held[1]!;
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(captured.body, captured.headers)));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(50).fill(200));
    expect(responses.filter((r) => !r.json().duplicate)).toHaveLength(1);

    expect((await h.sub(id)).status).toBe('active');
    expect(await h.payments(id)).toHaveLength(1);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect(await receiptJobs()).toBe(1);
    expect(await stored()).toEqual([
      { event_type: 'checkout.completed', processed: true, attempts: 1, last_error: null },
      { event_type: 'payment.captured', processed: true, attempts: 1, last_error: null },
    ]);
    await h.runJobs();
    expect(h.emails(reader)).toHaveLength(1);
  });

  it('refuses what is not authentic and stores nothing; parks what is signed but not understood', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const before = { events: await h.count('webhook_events'), payments: await h.count('payments') };
    const body = JSON.stringify({
      id: 'evt_manual',
      type: 'payment.captured',
      created: Math.floor(h.clock.now().getTime() / 1000),
      data: {
        subscription: (await h.sub(id)).gatewaySubscriptionId,
        reference: id,
        method: 'card',
        payment: {
          id: 'pay_manual',
          amount: { minor: 90_000, currency: 'INR' },
          periodStart: T0,
          periodEnd: '2031-01-01T00:00:00.000Z',
          at: T0,
        },
      },
    });
    const now = h.clock.now();
    const signed = (b: string, at = now, secret = h.ctx.keys.webhook) => ({
      'content-type': 'application/json',
      [TEST_SIGNATURE_HEADER]: signTestWebhook(b, secret, at),
    });

    const refusals: [string, Promise<{ statusCode: number; json(): any }>, number][] = [
      ['signed with another secret', post(body, signed(body, now, Buffer.from('not-the-webhook-secret'))), 401],
      ['body changed after signing', post(body.replace('90000', '9000'), signed(body)), 401],
      ['no signature', post(body, { 'content-type': 'application/json' }), 401],
      ['signature header garbled', post(body, { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: 't=1,v1=zz' }), 401],
      ['signed 301 s ago', post(body, signed(body, new Date(now.getTime() - 301_000))), 401],
      ['signed 301 s ahead', post(body, signed(body, new Date(now.getTime() + 301_000))), 401],
      ['unknown gateway', post(body, signed(body), 'paypal'), 404],
      ['prototype key as gateway', post(body, signed(body), '__proto__'), 404],
      [
        'Razorpay, not configured',
        post(body, { 'x-razorpay-signature': 'ab'.repeat(32), 'content-type': 'application/json' }, 'razorpay'),
        404,
      ],
      ['Stripe, not configured', post(body, { 'stripe-signature': 't=1,v1=ab', 'content-type': 'application/json' }, 'stripe'), 404],
    ];
    for (const [what, response, status] of refusals) {
      const r = await response;
      expect(r.statusCode, what).toBe(status);
      expect(r.json().error.code, what).toEqual(expect.any(String));
    }
    expect({ events: await h.count('webhook_events'), payments: await h.count('payments') }).toEqual(before);
    // Signed by the gateway but not understood: acknowledged (a refused delivery is retried, and an endpoint
    // that keeps failing is disabled), kept once for review, never applied.
    const unreadable = '{"id": "evt_1", "type": ';
    for (let i = 0; i < 2; i++) {
      const parked = await post(unreadable, signed(unreadable));
      expect([parked.statusCode, parked.json()]).toEqual([200, { received: true, parked: true }]);
    }
    expect((await stored()).at(-1)).toEqual({
      event_type: 'unreadable',
      processed: false,
      attempts: 20,
      last_error: 'parked for review: body is not JSON',
    });
    expect({ events: await h.count('webhook_events'), payments: await h.count('payments') }).toEqual({
      ...before,
      events: before.events + 1,
    });
    await h.sweep();
    expect((await stored()).at(-1)).toMatchObject({ event_type: 'unreadable', processed: false, attempts: 20 });
    // Signed 299 s ago is still fresh.
    expect((await post(body, signed(body, new Date(now.getTime() - 299_000)))).statusCode).toBe(200);
  });

  it('records a payment of an unexpected amount (the money was taken) and notes the difference in the webhook log', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const { currentPeriodEnd: end, gatewaySubscriptionId } = await h.sub(id);
    h.clock.set(end!);
    const body = JSON.stringify({
      id: 'evt_odd_amount',
      type: 'payment.captured',
      created: Math.floor(end!.getTime() / 1000),
      data: {
        subscription: gatewaySubscriptionId,
        reference: id,
        method: 'card',
        payment: {
          id: 'pay_odd',
          amount: { minor: 50_000, currency: 'INR' },
          periodStart: end!.toISOString(),
          periodEnd: addTerm(end!, { count: 3, unit: 'month' }).toISOString(),
          at: end!.toISOString(),
        },
      },
    });
    expect(
      (await post(body, { 'content-type': 'application/json', [TEST_SIGNATURE_HEADER]: signTestWebhook(body, h.ctx.keys.webhook, end!) }))
        .statusCode,
    ).toBe(200);
    expect((await h.payments(id)).map((p) => p.amountMinor).sort()).toEqual([50_000, 90_000]);
    const { rows } = await h.db.query<{ last_error: string }>(`select last_error from webhook_events where event_id = 'evt_odd_amount'`);
    expect(rows[0]?.last_error).toContain('differs from the plan price 90000 INR');
  });

  it('out of order: a failure of the previous cycle delivered after the later payment leaves it active', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'smart-quarterly', true);
    const { currentPeriodEnd: end, gatewaySubscriptionId } = await h.sub(id);
    h.clock.set(new Date(end!.getTime() - 3 * DAY));
    await h.sweep();
    const held = intercept();
    h.clock.set(end!);
    await h.sweep(); // the renewal is declined: payment.failed, held back
    h.clock.advance(DAY);
    await h.ctx.billing.testGateway!.updateMandate(gatewaySubscriptionId!, 'card', true); // paid: payment.captured, held back
    expect(held.map((w) => w.type)).toEqual(['payment.failed', 'payment.captured']);

    const next = addTerm(end!, { count: 3, unit: 'month' });
    expect((await deliver(held[1]!.body)).statusCode).toBe(200);
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodEnd: next });
    expect((await deliver(held[0]!.body)).statusCode).toBe(200);
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodStart: end, currentPeriodEnd: next, graceUntil: null });
    expect(await h.entitlements(reader.id)).toContain('premium');
    await h.runJobs();
    expect(
      h
        .emails(reader)
        .map((m) => m.subject)
        .filter((s) => s.startsWith('We could not renew')),
    ).toEqual([]);
  });

  it('out of order: an older payment delivered after a newer one never moves the period backwards', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const { currentPeriodEnd: end1, gatewaySubscriptionId } = await h.sub(id);
    const end2 = addTerm(end1!, { count: 3, unit: 'month' });
    const end3 = addTerm(end2, { count: 3, unit: 'month' });
    h.clock.set(new Date(end1!.getTime() - 3 * DAY));
    await h.sweep();
    const held = intercept();
    h.clock.set(end1!);
    await h.sweep(); // renewal 1, held back
    h.clock.set(end2); // the gateway charges again on its own schedule; renewal 2, held back too
    await h.ctx.billing.gateways.test!.requestRenewal({
      gatewaySubscriptionId: gatewaySubscriptionId!,
      amount: { minor: 90_000, currency: 'INR' },
      subscriptionId: id,
      periodEnd: end2,
    });
    expect(held.map((w) => w.type)).toEqual(['payment.captured', 'payment.captured']);

    await deliver(held[1]!.body);
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodStart: end2, currentPeriodEnd: end3 });
    await deliver(held[0]!.body);
    await deliver(held[1]!.body);
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodStart: end2, currentPeriodEnd: end3 });
    const payments = await h.payments(id);
    expect(payments.map((p) => [p.kind, p.periodEnd])).toEqual([
      ['initial', end1],
      ['renewal', end2],
      ['renewal', end3],
    ]);
    expect(await h.invoices(reader.id)).toHaveLength(3);
  });

  it('a crash between "payment captured" and "subscription extended": stored unprocessed, applied once by the sweep job', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader);
    const end = (await h.sub(id)).currentPeriodEnd!;
    h.clock.set(new Date(end.getTime() - 3 * DAY));
    await h.sweep();

    const service = h.ctx.billing.service;
    const applyEvents = service.applyEvents;
    service.applyEvents = async () => {
      service.applyEvents = applyEvents;
      throw new Error('process died mid-way');
    };
    h.clock.set(end);
    await runBillingSweep(h.ctx.billing.deps); // requests the renewal; its webhook is stored, then applying it fails
    expect(service.applyEvents).toBe(applyEvents);
    expect((await stored()).at(-1)).toEqual({
      event_type: 'payment.captured',
      processed: false,
      attempts: 1,
      last_error: 'process died mid-way',
    });
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodEnd: end });
    expect(await h.payments(id)).toHaveLength(1);
    expect(await h.entitlements(reader.id)).toContain('premium');

    h.clock.advance(5 * MINUTE);
    await h.sweep();
    await h.sweep();
    expect((await stored()).at(-1)).toMatchObject({ event_type: 'payment.captured', processed: true, attempts: 2 });
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodEnd: addTerm(end, { count: 3, unit: 'month' }) });
    expect((await h.payments(id)).map((p) => p.kind)).toEqual(['initial', 'renewal']);
    expect(await h.invoices(reader.id)).toHaveLength(2);
    expect(await receiptJobs()).toBe(2);
  });

  it('a refund delivered before its payment waits, and is applied as soon as the payment arrives', async () => {
    const reader = await h.reader();
    const held = intercept();
    const { subscriptionId: id, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    await h.ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
    const [completed, captured] = held;
    expect((await deliver(completed!.body)).statusCode).toBe(200);
    const payment = JSON.parse(captured!.body).data.payment as { id: string; amount: { minor: number; currency: string } };
    const refund = JSON.stringify({
      id: 'evt_refund_first',
      type: 'refund.processed',
      created: Math.floor(h.clock.now().getTime() / 1000),
      data: { id: 'rfnd_first', payment: payment.id, amount: payment.amount, reason: 'Refunded from the dashboard' },
    });

    // Acknowledged (a gateway must never see an error for it), stored, and not applied: there is no payment yet.
    expect((await deliver(refund)).statusCode).toBe(200);
    expect((await stored()).at(-1)).toEqual({
      event_type: 'refund.processed',
      processed: false,
      attempts: 1,
      last_error: `waiting for payment ${payment.id}`,
    });
    expect(await h.count('refunds')).toBe(0);

    // The payment arrives: recorded, then the refund that waited for it, with its credit note; access ends.
    expect((await post(captured!.body, captured!.headers)).statusCode).toBe(200);
    expect((await stored()).map((w) => [w.event_type, w.processed])).toEqual([
      ['checkout.completed', true],
      ['refund.processed', true],
      ['payment.captured', true],
    ]);
    const [recorded] = await h.payments(id);
    expect(recorded).toMatchObject({ amountMinor: payment.amount.minor, refundedMinor: payment.amount.minor });
    expect((await h.invoices(reader.id)).map((i) => i.kind)).toEqual(['invoice', 'credit-note']);
    expect(await h.sub(id)).toMatchObject({ status: 'refunded' });
    expect(await h.entitlements(reader.id)).toEqual([]);
  });

  it('lost webhooks: after 15 minutes the sweep asks the gateway and activates the subscription, with one payment', async () => {
    const reader = await h.reader();
    const held = intercept(); // the network eats every delivery
    const { subscriptionId: id, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    await h.ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
    reconnect();
    expect((await h.sub(id)).status).toBe('awaiting-payment');
    expect(await h.entitlements(reader.id)).toEqual([]);

    h.clock.advance(10 * MINUTE);
    await h.sweep();
    expect((await h.sub(id)).status).toBe('awaiting-payment');
    h.clock.advance(6 * MINUTE);
    await h.sweep();
    await h.sweep();
    expect(await h.sub(id)).toMatchObject({
      status: 'active',
      currentPeriodStart: new Date(T0),
      currentPeriodEnd: addTerm(new Date(T0), { count: 3, unit: 'month' }),
    });
    expect(await h.payments(id)).toHaveLength(1);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect(await h.entitlements(reader.id)).toContain('premium');
    expect(h.emails(reader)).toHaveLength(1);

    // The lost deliveries turn up after all (a gateway retry): nothing changes.
    for (const w of held) expect((await deliver(w.body)).statusCode).toBe(200);
    expect(await h.payments(id)).toHaveLength(1);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect(await receiptJobs()).toBe(1);
    h.clock.advance(HOUR);
    await h.sweep();
    expect((await h.sub(id)).status).toBe('active');
  });
});
