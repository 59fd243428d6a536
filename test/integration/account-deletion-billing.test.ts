import { sessionCookie } from '../support/app.js';
import { afterEach, expect, it, vi } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { findUserById } from '../../src/domain/accounts/user-queries.js';
import { addTerm } from '../../src/domain/billing/lifecycle.js';
import { describeEachEngine } from '../support/databases.js';
import { DAY, T0, useBilling } from './billing-harness.js';

/**
 * Deleting an account stops its subscription at the gateway first: a deleted reader is never charged
 * again. When the gateway cannot be told, nothing is deleted and the reader is told to try again.
 */
describeEachEngine('deleting a subscribed reader’s account', (get) => {
  const h = useBilling(get);
  let n = 0;
  afterEach(() => vi.restoreAllMocks());

  /** A subscribed reader signed in to a browser, with the CSRF token its forms carry. */
  async function subscribedReader(role: 'reader' | 'admin' = 'reader') {
    const email = `deleting-${++n}-${Date.now().toString(36)}@example.in`;
    const password = 'a reader passphrase';
    const { user } = await provisionUser(get(), { email, role, name: 'Asha Deletes', password }, h.clock.now());
    const session = await sessionCookie(h.ctx, email, password);
    const page = await h.app.inject({ url: '/account/delete', headers: { cookie: session } });
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const csrf = page.cookies.find((c) => c.name === 'mh_csrf')?.value ?? '';
    const cookie = `${session}; mh_csrf=${csrf}`;
    const post = (url: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, ...fields }).toString(),
      });
    const subscriptionId = role === 'reader' ? await h.subscribe(user) : 0;
    return { user, cookie, post, subscriptionId };
  }

  const gatewayStatus = async (subscriptionId: number) => {
    const sub = await h.sub(subscriptionId);
    return (await h.ctx.billing.gateways.test!.fetchSubscription(sub.gatewaySubscriptionId!)).status;
  };

  it('cancels the subscription at the gateway and here, so the next sweep charges nothing; invoices are kept', async () => {
    const reader = await subscribedReader();
    expect(await gatewayStatus(reader.subscriptionId)).toBe('active');
    expect(await h.payments(reader.subscriptionId)).toHaveLength(1);

    const res = await reader.post('/account/delete', { confirm: 'DELETE' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your account has been deleted');

    expect(await gatewayStatus(reader.subscriptionId)).toBe('cancelled');
    expect((await h.sub(reader.subscriptionId)).status).toBe('expired');
    expect(await h.entitlements(reader.user.id)).toEqual([]);
    // Past the paid term and beyond any grace: no renewal is asked for or charged.
    const end = addTerm(new Date(T0), { count: 3, unit: 'month' });
    h.clock.set(new Date(end.getTime() + 2 * DAY));
    await h.sweep();
    h.clock.set(new Date(end.getTime() + 20 * DAY));
    await h.sweep();
    expect(await h.payments(reader.subscriptionId)).toHaveLength(1);
    expect((await h.sub(reader.subscriptionId)).status).toBe('expired');
    // The tax invoice stays, as the law requires; the account keeps no email.
    expect(await h.invoices(reader.user.id)).toHaveLength(1);
    expect((await findUserById(get(), reader.user.id))?.email ?? null).not.toBe(reader.user.email);
  });

  it('closes a checkout still awaiting payment at the gateway, so its page can no longer be paid', async () => {
    const reader = await subscribedReader('admin');
    const { subscriptionId, start } = await h.ctx.billing.service.startCheckout(reader.user, 'smart-quarterly');
    const res = await reader.post('/account/delete', { confirm: 'DELETE' });
    expect(res.statusCode).toBe(200);
    expect((await h.sub(subscriptionId)).status).toBe('abandoned');
    const hosted = h.ctx.billing.testGateway!;
    expect((await hosted.checkout(start.gatewayCheckoutId!))?.status).toBe('abandoned');
    await hosted.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
    expect(await h.payments(subscriptionId)).toHaveLength(0);
  });

  it('refuses the deletion, erasing nothing, when the gateway cannot stop the renewals', async () => {
    const reader = await subscribedReader();
    const gateway = h.ctx.billing.gateways.test!;
    vi.spyOn(gateway, 'cancelNow').mockRejectedValue(new Error('connect ETIMEDOUT'));

    const res = await reader.post('/account/delete', { confirm: 'DELETE' });
    expect(res.statusCode).toBe(502);
    expect(res.body.replaceAll('&#39;', "'")).toContain(
      "We could not stop your subscription's renewals at the test gateway; nothing was deleted — try again in a few minutes.",
    );
    expect(res.body).toContain('Delete your account');

    // Nothing erased: the account, its session, the subscription and its access are as they were.
    expect((await findUserById(get(), reader.user.id))?.email).toBe(reader.user.email);
    expect((await h.app.inject({ url: '/account', headers: { cookie: reader.cookie } })).statusCode).toBe(200);
    expect((await h.sub(reader.subscriptionId)).status).toBe('active');
    expect(await gatewayStatus(reader.subscriptionId)).toBe('active');
    expect(await h.entitlements(reader.user.id)).not.toEqual([]);

    // An admin deleting the account on the reader's request is refused the same way.
    const admin = await subscribedReader('admin');
    const byAdmin = await admin.post(`/admin/users/${reader.user.id}/delete`, { confirm: reader.user.email });
    expect(byAdmin.statusCode).toBe(502);
    expect(byAdmin.body.replaceAll('&#39;', "'")).toContain('nothing was deleted');
    expect((await findUserById(get(), reader.user.id))?.email).toBe(reader.user.email);

    // Once the gateway answers again, the deletion goes through.
    vi.restoreAllMocks();
    expect((await reader.post('/account/delete', { confirm: 'DELETE' })).statusCode).toBe(200);
    expect(await gatewayStatus(reader.subscriptionId)).toBe('cancelled');
  });
});
