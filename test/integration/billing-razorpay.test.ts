import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { User } from '../../src/domain/accounts/model.js';
import { addTerm, unusedCredit } from '../../src/domain/billing/lifecycle.js';
import { sessionCookie } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { startFakeRazorpay, signRazorpay, type FakeRazorpay } from '../support/fake-razorpay.js';
import { razorpayFixture, type RazorpayFixture } from '../support/razorpay-fixtures.js';
import { startTestSmtpServer, type TestSmtpServer } from '../support/smtp-server.js';
import { DAY, HOUR, MINUTE, emailKinds, startBilling, type Harness } from './billing-harness.js';

/**
 * Razorpay's documented refusals and delays, end to end: the app on the Razorpay adapter against a stand-in
 * API (test/support/fake-razorpay.ts), webhooks built from the sample payloads in Razorpay's docs
 * (test/fixtures/razorpay), signed as Razorpay signs them.
 */
const SECRET = 'razorpay-webhook-secret-integration';
const PASSWORD = 'a reader passphrase';
const QUARTER = { count: 3, unit: 'month' } as const;
const sec = (d: Date) => Math.floor(d.getTime() / 1000);

describeEachEngine('Razorpay: plan changes, cancellations, halts and pauses as Razorpay documents them', (get) => {
  let smtp: TestSmtpServer;
  let rzp: FakeRazorpay;
  let h: Harness;
  let events = 0;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    rzp = await startFakeRazorpay();
  });
  afterAll(async () => {
    await smtp.close();
    await rzp.close();
  });
  beforeEach(async () => {
    h = await startBilling(get(), smtp, {
      env: {
        MASTHEAD_PAYMENT_GATEWAY: 'razorpay',
        RAZORPAY_KEY_ID: 'rzp_test_masthead',
        RAZORPAY_KEY_SECRET: 'key-secret-for-tests',
        RAZORPAY_WEBHOOK_SECRET: SECRET,
        RAZORPAY_API_URL: rzp.url,
      },
    });
  });
  afterEach(() => h.close());

  /** Posts a documented sample payload, patched, to the webhook endpoint; Razorpay always gets a 2xx. */
  async function deliver(name: RazorpayFixture, patch: Parameters<typeof razorpayFixture>[1]) {
    const body = razorpayFixture(name, patch);
    const res = await h.app.inject({
      method: 'POST',
      url: '/webhooks/razorpay',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-razorpay-signature': signRazorpay(body, SECRET),
        'x-razorpay-event-id': `evt_${++events}`,
      },
    });
    expect(res.statusCode).toBe(200);
  }

  /** A reader who can sign in, and their session cookie. */
  async function reader(): Promise<{ user: User; cookie: string }> {
    const email = `rzp-${++events}-${Date.now().toString(36)}@example.in`;
    const { user } = await provisionUser(h.db, { email, role: 'reader', name: 'Asha Rao', password: PASSWORD }, h.clock.now());
    return { user, cookie: await sessionCookie(h.ctx, email, PASSWORD) };
  }

  /** A page as the signed-in reader sees it, and a form posted from it with its CSRF token. */
  async function page(cookie: string, url: string) {
    const res = await h.app.inject({ method: 'GET', url, headers: { cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? '';
    const csrf = res.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
    const post = (action: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url: action,
        headers: { cookie: `${cookie}; mh_csrf=${csrf}`, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });
    return { status: res.statusCode, body: res.body.replaceAll('&#39;', "'"), post };
  }

  /** Razorpay charges subscription `rzpId` for the cycle starting now, on `method`, and says so by webhook. */
  async function charge(
    id: number,
    rzpId: string,
    method: 'card' | 'upi',
    from = h.clock.now(),
    amount = 90_000,
    term: Parameters<typeof addTerm>[1] = QUARTER,
  ) {
    const end = addTerm(from, term);
    const paymentId = rzp.charge(rzpId, sec(from), sec(end), amount, method);
    await deliver('subscription.charged', {
      subscription: {
        id: rzpId,
        status: 'active',
        current_start: sec(from),
        current_end: sec(end),
        notes: { masthead_subscription_id: String(id) },
      },
      payment: { id: paymentId, amount, method, ...(method === 'upi' ? { card: null, card_id: null, vpa: 'asha@okhdfc' } : {}) },
      createdAt: sec(h.clock.now()),
    });
    return { paymentId, start: from, end };
  }

  async function subscribe(user: User, method: 'card' | 'upi' = 'card') {
    const { subscriptionId: id, start } = await h.ctx.billing.service.startCheckout(user, 'smart-quarterly');
    const rzpId = start.gatewaySubscriptionId!;
    const paid = await charge(id, rzpId, method);
    expect(await h.sub(id)).toMatchObject({ status: 'active', currentPeriodEnd: paid.end });
    return { id, rzpId, ...paid };
  }

  it('a plan change Razorpay refuses for UPI changes nothing; a new subscription replaces the old one, which is cancelled there and its unused part refunded', async () => {
    const { user } = await reader();
    const old = await subscribe(user, 'upi');
    h.clock.advance(30 * DAY);
    const cookie = await sessionCookie(h.ctx, user.email, PASSWORD); // signed in a month later

    const change = await page(cookie, '/account/subscription/change');
    const refused = await change.post('/account/subscription/change', { subscription: String(old.id), plan: 'smart-essential' });
    expect(refused.statusCode).toBe(200);
    const offer = refused.body.replaceAll('&#39;', "'");
    expect(offer).toContain('Your payment method cannot switch plans');
    expect(offer).toContain('nothing has changed: you stay on Smart Quarterly');
    expect(offer).toContain('Start a new Smart Essential subscription');
    expect(rzp.calls('PATCH', new RegExp(`/v1/subscriptions/${old.rzpId}$`))).toHaveLength(1);
    // Never a plan the gateway did not accept: the next renewal stays on the plan and price paid for.
    const essential = (await h.ctx.billing.service.activePlan('smart-essential'))!;
    expect(await h.sub(old.id)).toMatchObject({ status: 'active', nextPlanId: null, planId: (await h.sub(old.id)).planId });
    expect((await h.sub(old.id)).planId).not.toBe(essential.id);

    // The reader takes the offer: Razorpay Checkout for a new subscription (a new mandate to authorise).
    const account = await page(cookie, '/account/subscription');
    const started = await account.post('/account/subscription/replace', { subscription: String(old.id), plan: 'smart-essential' });
    expect(started.statusCode).toBe(200);
    const newRzpId = /data-subscription_id="(sub_[0-9]+)"/.exec(started.body)?.[1];
    expect(newRzpId).toBeDefined();
    const replacement = (await h.ctx.billing.service.subscriptionByGatewayId('razorpay', newRzpId!))!;
    expect(replacement).toMatchObject({ status: 'awaiting-payment', planId: essential.id });
    // Until it is paid, nothing happens to the old one.
    expect(rzp.subs.get(old.rzpId)!.status).toBe('active');
    expect(rzp.refunds).toHaveLength(0);

    h.clock.advance(10 * MINUTE);
    await charge(replacement.id, newRzpId!, 'upi', h.clock.now(), 270_000, { count: 1, unit: 'year' });
    const credit = unusedCredit(90_000, old.start, old.end, h.clock.now());
    expect(credit).toBeGreaterThan(50_000);
    expect(rzp.subs.get(old.rzpId)!.status).toBe('cancelled');
    expect(rzp.refunds.map((r) => [r.payment_id, r.amount])).toEqual([[old.paymentId, credit]]);
    expect(await h.sub(old.id)).toMatchObject({ status: 'expired' });
    expect(await h.sub(replacement.id)).toMatchObject({ status: 'active', planId: essential.id });
    expect(await h.entitlements(user.id)).toContain('premium');
    await h.runJobs();
    expect(emailKinds(h.emails(user))).toContain('refund');

    // Razorpay's refund.processed for it, and the sweep, change nothing more.
    const refund = rzp.refunds[0]!;
    await deliver('refund.processed', {
      refund: { id: refund.id, payment_id: refund.payment_id, amount: refund.amount },
      payment: { id: refund.payment_id },
    });
    await h.sweep();
    expect(rzp.refunds).toHaveLength(1);
    expect(rzp.calls('POST', new RegExp(`/v1/subscriptions/${old.rzpId}/cancel$`))).toHaveLength(1);
    expect((await h.payments(old.id))[0]!.refundedMinor).toBe(credit);
  });

  it('a cancellation reaches Razorpay when the reader cancels, a failed send is sent again by the sweep, and it cannot be undone', async () => {
    const { user, cookie } = await reader();
    const sub = await subscribe(user);
    const cancels = () => rzp.calls('POST', new RegExp(`/v1/subscriptions/${sub.rzpId}/cancel$`));
    rzp.fail('POST', new RegExp(`/v1/subscriptions/${sub.rzpId}/cancel$`)); // Razorpay is down at that moment

    const cancelPage = await page(cookie, '/account/subscription/cancel');
    expect(cancelPage.body).toContain('This cannot be undone');
    expect((await cancelPage.post('/account/subscription/cancel', { subscription: String(sub.id) })).statusCode).toBe(303);
    expect(await h.sub(sub.id)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    expect(cancels()).toHaveLength(1);
    expect(rzp.subs.get(sub.rzpId)!.cancel_at_cycle_end).toBe(false);

    const account = await page(cookie, '/account/subscription');
    expect(account.body).toContain('cannot take it back');
    expect(account.body).not.toContain('Undo cancellation');
    const undo = await account.post('/account/subscription/undo-cancel', { subscription: String(sub.id) });
    expect(undo.statusCode).toBe(409);
    expect(undo.body.replaceAll('&#39;', "'")).toContain('cannot take a cancellation back');

    // The first sweep that looks at it (from 72 h before the end) sends it again, and only once.
    h.clock.set(new Date(sub.end.getTime() - 70 * HOUR));
    await h.sweep();
    await h.sweep();
    expect(cancels().map((c) => c.body)).toEqual([{ cancel_at_cycle_end: 1 }, { cancel_at_cycle_end: 1 }]);
    expect(rzp.subs.get(sub.rzpId)!.cancel_at_cycle_end).toBe(true);
  });

  it('an early subscription.cancelled for a cycle-end cancel keeps access to the paid end, then it ends', async () => {
    const { user } = await reader();
    const sub = await subscribe(user);
    h.clock.advance(10 * DAY);
    expect(await h.ctx.billing.service.cancel(user, sub.id)).toEqual({ ok: true, value: undefined });
    expect(rzp.calls('POST', new RegExp(`/v1/subscriptions/${sub.rzpId}/cancel$`)).map((c) => c.body)).toEqual([
      { cancel_at_cycle_end: 1 },
    ]);

    await deliver('subscription.cancelled', {
      subscription: { id: sub.rzpId, notes: { masthead_subscription_id: String(sub.id) }, ended_at: sec(h.clock.now()) },
      createdAt: sec(h.clock.now()),
    });
    expect(await h.sub(sub.id)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true, currentPeriodEnd: sub.end });
    expect(await h.entitlements(user.id)).toContain('premium');

    h.clock.set(sub.end);
    await h.sweep();
    expect(await h.sub(sub.id)).toMatchObject({ status: 'expired' });
    expect(await h.entitlements(user.id)).toEqual([]);
    expect(rzp.calls('POST', new RegExp(`/v1/subscriptions/${sub.rzpId}/cancel$`))).toHaveLength(1);
  });

  it('subscription.activated after halted brings the subscription back; it is not expired or cancelled when the grace ends', async () => {
    const { user } = await reader();
    const sub = await subscribe(user);
    h.clock.set(new Date(sub.end.getTime() + HOUR));
    rzp.halt(sub.rzpId);
    await deliver('subscription.halted', {
      subscription: { id: sub.rzpId, notes: { masthead_subscription_id: String(sub.id) } },
      createdAt: sec(h.clock.now()),
    });
    expect(await h.sub(sub.id)).toMatchObject({ status: 'past-due' });

    h.clock.set(new Date(sub.end.getTime() + 2 * DAY));
    const next = addTerm(sub.end, QUARTER);
    rzp.activate(sub.rzpId, sec(sub.end), sec(next));
    await deliver('subscription.activated', {
      subscription: {
        id: sub.rzpId,
        status: 'active',
        current_start: sec(sub.end),
        current_end: sec(next),
        notes: { masthead_subscription_id: String(sub.id) },
      },
      createdAt: sec(h.clock.now()),
    });
    expect(await h.sub(sub.id)).toMatchObject({ status: 'active', graceUntil: null, currentPeriodEnd: next });

    h.clock.set(new Date(sub.end.getTime() + 8 * DAY)); // past the 7 grace days
    await h.sweep();
    expect(await h.sub(sub.id)).toMatchObject({ status: 'active' });
    expect(await h.entitlements(user.id)).toContain('premium');
    expect(rzp.subs.get(sub.rzpId)!.status).toBe('active');
    expect(rzp.calls('POST', new RegExp(`/v1/subscriptions/${sub.rzpId}/cancel$`))).toHaveLength(0);
  });

  it('a paused subscription does not renew and keeps access to its paid end; resumed, it renews again', async () => {
    const { user } = await reader();
    const sub = await subscribe(user, 'upi');
    const notes = { masthead_subscription_id: String(sub.id) };
    h.clock.advance(20 * DAY);
    rzp.pause(sub.rzpId); // the payer paused it from their UPI app
    await deliver('subscription.paused', { subscription: { id: sub.rzpId, notes }, createdAt: sec(h.clock.now()) });
    expect(await h.sub(sub.id)).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    const account = async () => (await page(await sessionCookie(h.ctx, user.email, PASSWORD), '/account/subscription')).body;
    const pausedPage = await account();
    expect(pausedPage).toContain('Renewals paused — access until');
    expect(pausedPage).toContain('Renewals of this subscription are paused at the payment gateway');
    expect(pausedPage).not.toContain('cannot take it back');

    h.clock.set(new Date(sub.end.getTime() - 24 * HOUR));
    await h.sweep();
    // A pause is not turned into a cancellation: the payer can still resume it.
    expect(rzp.calls('POST', new RegExp(`/v1/subscriptions/${sub.rzpId}/cancel$`))).toHaveLength(0);
    rzp.resume(sub.rzpId);
    await deliver('subscription.resumed', { subscription: { id: sub.rzpId, notes }, createdAt: sec(h.clock.now()) });
    expect(await h.sub(sub.id)).toMatchObject({ status: 'active', cancelAtPeriodEnd: false });
    expect(await account()).toContain('<dd class="subscription-status">Active</dd>');

    await deliver('subscription.paused', { subscription: { id: sub.rzpId, notes }, createdAt: sec(h.clock.now()) + 60 });
    h.clock.set(sub.end);
    await h.sweep();
    expect(await h.sub(sub.id)).toMatchObject({ status: 'expired' });
    expect(await h.entitlements(user.id)).toEqual([]);
  });

  it('a renewal debit in flight is not a failure: no past due or “could not renew” until Razorpay reports one or 3 days pass', async () => {
    const late = await reader();
    const lost = await reader();
    const a = await subscribe(late.user, 'upi');
    const b = await subscribe(lost.user, 'upi');

    h.clock.set(new Date(a.end.getTime() + 2 * HOUR));
    await h.sweep();
    h.clock.set(new Date(a.end.getTime() + 2 * DAY));
    await h.sweep();
    for (const [r, s] of [
      [late, a],
      [lost, b],
    ] as const) {
      expect(await h.sub(s.id)).toMatchObject({ status: 'active' });
      expect(await h.entitlements(r.user.id)).toContain('premium');
      expect(emailKinds(h.emails(r.user))).not.toContain('payment-failed');
    }

    // The UPI AutoPay debit lands two days late.
    const renewed = await charge(a.id, a.rzpId, 'upi', a.end);
    expect(await h.sub(a.id)).toMatchObject({ status: 'active', currentPeriodEnd: renewed.end });

    h.clock.set(new Date(a.end.getTime() + 3 * DAY));
    await h.sweep();
    expect(await h.sub(a.id)).toMatchObject({ status: 'active' });
    expect(await h.sub(b.id)).toMatchObject({ status: 'past-due' });
    expect(emailKinds(h.emails(late.user))).not.toContain('payment-failed');
    expect(emailKinds(h.emails(lost.user)).filter((k) => k === 'payment-failed' || k === 'dunning')).toEqual(['payment-failed']);
    h.clock.advance(HOUR);
    await h.sweep();
    expect(emailKinds(h.emails(lost.user)).filter((k) => k === 'payment-failed' || k === 'dunning')).toEqual(['payment-failed']);
    expect(await h.entitlements(lost.user.id)).toContain('premium');
  });
});
