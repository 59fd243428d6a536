import { afterEach, expect, it, vi } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { cookiesFrom, sessionCookie } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, MINUTE, useBilling } from './billing-harness.js';

/**
 * A reader pays once: however often a checkout is opened or Approve is pressed, and however quickly, one
 * subscription runs and one payment is taken.
 */
describeEachEngine('billing: a reader pays once', (get) => {
  const h = useBilling(get);
  afterEach(() => vi.restoreAllMocks());

  it('three concurrent approves of one checkout: one payment, one invoice, and every press lands on the outcome', async () => {
    const reader = await h.reader();
    const { subscriptionId, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    const checkoutId = start.gatewayCheckoutId!;
    const hosted = h.ctx.billing.testGateway!;
    const next = await Promise.all([1, 2, 3].map(() => hosted.complete(checkoutId, 'approve', 'card', false)));

    expect(new Set(next)).toEqual(new Set([`${h.ctx.config.publicUrl}/subscribe/complete?subscription=${subscriptionId}`]));
    expect((await h.sub(subscriptionId)).status).toBe('active');
    expect(await h.payments(subscriptionId)).toHaveLength(1);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect((await hosted.checkout(checkoutId))?.status).toBe('approved');
    // A press after the fact shows the outcome and charges nothing.
    expect(await hosted.complete(checkoutId, 'approve', 'upi', false)).toBe(next[0]);
    expect(await h.payments(subscriptionId)).toHaveLength(1);
  });

  it('two checkouts opened before paying, one after the other and two at once: one checkout, one subscription, one payment', async () => {
    const reader = await h.reader();
    const service = h.ctx.billing.service;
    const first = await service.startCheckout(reader, 'smart-quarterly');
    const again = await service.startCheckout(reader, 'smart-quarterly');
    const together = await Promise.all([
      service.startCheckout(reader, 'smart-quarterly'),
      service.startCheckout(reader, 'smart-quarterly'),
    ]);
    for (const other of [again, ...together]) {
      expect(other.subscriptionId).toBe(first.subscriptionId);
      expect(other.start.redirectUrl).toBe(first.start.redirectUrl);
    }
    expect(await h.count('subscriptions where user_id = $1', [reader.id])).toBe(1);

    const hosted = h.ctx.billing.testGateway!;
    await hosted.complete(first.start.gatewayCheckoutId!, 'approve', 'card', false);
    await hosted.complete(again.start.gatewayCheckoutId!, 'approve', 'card', false);
    expect((await h.sub(first.subscriptionId)).status).toBe('active');
    expect(await h.count('payments where user_id = $1', [reader.id])).toBe(1);
    // Once one runs, no second checkout opens.
    await expect(service.startCheckout(reader, 'smart-essential')).rejects.toMatchObject({ code: 'already-subscribed' });
  });

  it('two checkouts at once for a fresh reader create one subscription row', async () => {
    const reader = await h.reader();
    const service = h.ctx.billing.service;
    const starts = await Promise.all([1, 2, 3].map(() => service.startCheckout(reader, 'smart-quarterly')));
    expect(new Set(starts.map((s) => s.subscriptionId)).size).toBe(1);
    expect(await h.count('subscriptions where user_id = $1', [reader.id])).toBe(1);
    expect(await h.count(`test_gateway_records where kind = 'checkout'`)).toBe(1);
  });

  it('a checkout for another plan replaces the open one: the older is abandoned here and closed at the gateway', async () => {
    const reader = await h.reader();
    const service = h.ctx.billing.service;
    const hosted = h.ctx.billing.testGateway!;
    const older = await service.startCheckout(reader, 'smart-quarterly');
    const newer = await service.startCheckout(reader, 'smart-essential');
    expect(newer.subscriptionId).not.toBe(older.subscriptionId);
    expect((await h.sub(older.subscriptionId)).status).toBe('abandoned');
    expect((await hosted.checkout(older.start.gatewayCheckoutId!))?.status).toBe('abandoned');

    // The older page can no longer be paid: Approve there goes back to the plans and charges nothing.
    expect(await hosted.complete(older.start.gatewayCheckoutId!, 'approve', 'card', false)).toBe(`${h.ctx.config.publicUrl}/plans`);
    await hosted.complete(newer.start.gatewayCheckoutId!, 'approve', 'card', false);
    expect((await h.sub(older.subscriptionId)).status).toBe('abandoned');
    expect((await h.sub(newer.subscriptionId)).status).toBe('active');
    expect(await h.count('payments where user_id = $1', [reader.id])).toBe(1);
  });

  it('the sweep abandons a day-old checkout and closes it at the test gateway, so a late Approve charges nothing', async () => {
    const reader = await h.reader();
    const hosted = h.ctx.billing.testGateway!;
    const { subscriptionId, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    h.clock.advance(DAY + MINUTE);
    await h.sweep();
    expect((await h.sub(subscriptionId)).status).toBe('abandoned');
    expect((await hosted.checkout(start.gatewayCheckoutId!))?.status).toBe('abandoned');
    await hosted.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
    expect(await h.count('payments where user_id = $1', [reader.id])).toBe(0);
    expect((await h.sub(subscriptionId)).status).toBe('abandoned');
    // The reader can start afresh.
    const fresh = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    expect(fresh.subscriptionId).not.toBe(subscriptionId);
  });

  it('two concurrent submissions of one upgrade: one change, one charge; submitting it again changes nothing', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'smart-quarterly');
    const service = h.ctx.billing.service;
    h.clock.advance(10 * DAY);
    const results = await Promise.all([1, 2].map(() => service.changePlan(reader, id, 'smart-essential')));
    expect(results.map((r) => r.ok)).toEqual([true, true]);

    const paid = await h.payments(id);
    expect(paid.map((p) => p.kind)).toEqual(['initial', 'upgrade']);
    expect(await h.invoices(reader.id)).toHaveLength(2);
    const sub = await h.sub(id);
    const essential = (await service.activePlan('smart-essential'))!;
    expect([sub.planId, sub.nextPlanId]).toEqual([essential.id, null]);

    expect((await service.changePlan(reader, id, 'smart-essential')).ok).toBe(true);
    expect(await h.payments(id)).toHaveLength(2);
  });

  it('two concurrent submissions of one downgrade schedule it once', async () => {
    const reader = await h.reader();
    const id = await h.subscribe(reader, 'super-saver');
    const service = h.ctx.billing.service;
    const results = await Promise.all([1, 2].map(() => service.changePlan(reader, id, 'smart-quarterly')));
    expect(results.map((r) => r.ok && r.value.when)).toEqual(['period-end', 'period-end']);
    const quarterly = (await service.activePlan('smart-quarterly'))!;
    expect((await h.sub(id)).nextPlanId).toBe(quarterly.id);
    expect(await h.payments(id)).toHaveLength(1);
  });

  it('Approve pressed three times at once on the hosted page: one payment, and every press is sent to the outcome', async () => {
    const reader = await h.reader();
    const { subscriptionId, start } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    const path = start.redirectUrl!; // the test gateway's page is a path on this site
    const page = await h.app.inject({ method: 'GET', url: path });
    expect(page.statusCode).toBe(200);
    const cookie = cookiesFrom(page, '');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    const approve = () =>
      h.app.inject({
        method: 'POST',
        url: path,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, choice: 'card' }).toString(),
      });
    const presses = await Promise.all([approve(), approve(), approve()]);
    expect(presses.map((r) => [r.statusCode, r.headers.location])).toEqual(
      Array(3).fill([303, `/subscribe/complete?subscription=${subscriptionId}`]),
    );
    expect(await h.payments(subscriptionId)).toHaveLength(1);
    expect(await h.invoices(reader.id)).toHaveLength(1);
    expect((await h.sub(subscriptionId)).status).toBe('active');
  });

  it('a checkout the gateway could not start does not hold the reader’s one open checkout', async () => {
    const reader = await h.reader();
    const gateway = h.ctx.billing.gateways.test!;
    vi.spyOn(gateway, 'startCheckout').mockRejectedValueOnce(new Error('connect ETIMEDOUT'));
    await expect(h.ctx.billing.service.startCheckout(reader, 'smart-quarterly')).rejects.toMatchObject({ code: 'gateway-error' });
    const { subscriptionId } = await h.ctx.billing.service.startCheckout(reader, 'smart-quarterly');
    expect((await h.sub(subscriptionId)).status).toBe('awaiting-payment');
    expect(await h.count(`subscriptions where user_id = $1 and status = 'abandoned'`, [reader.id])).toBe(1);
  });

  it('pressing Subscribe again (two tabs at once) sends the reader to the same hosted checkout', async () => {
    const email = `twice-${Date.now().toString(36)}@example.in`;
    const password = 'a reader passphrase';
    const { user } = await provisionUser(get(), { email, role: 'reader', name: 'Asha Twice', password }, h.clock.now());
    const session = await sessionCookie(h.ctx, email, password);
    const form = await h.app.inject({ url: '/subscribe/smart-quarterly', headers: { cookie: session } });
    expect(form.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
    const cookie = `${session}; mh_csrf=${form.cookies.find((c) => c.name === 'mh_csrf')?.value ?? ''}`;
    const details = {
      name: 'Asha Twice',
      address_line1: '12 Park Street',
      address_line2: '',
      city: 'Mumbai',
      state: '27',
      pin: '400013',
      gstin: '',
    };
    const subscribe = () =>
      h.app.inject({
        method: 'POST',
        url: '/subscribe/smart-quarterly',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, ...details }).toString(),
      });
    const presses = await Promise.all([subscribe(), subscribe()]);
    expect(presses.map((r) => r.statusCode)).toEqual([303, 303]);
    expect(presses[1].headers.location).toBe(presses[0].headers.location);
    expect(String(presses[0].headers.location)).toMatch(/\/test-gateway\/checkout\/chk_/);
    expect(await h.count('subscriptions where user_id = $1', [user.id])).toBe(1);
  });
});
