import { expect, it } from 'vitest';
import type { User } from '../../src/domain/accounts/model.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { grantEntitlements } from '../../src/domain/entitlements/queries.js';
import { adminForms } from '../support/admin-forms.js';
import { cookiesFrom, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { useBilling } from './billing-harness.js';

const PASSWORD = 'the reader password';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/**
 * The device allowance (`devices` in the entitlement catalogue): a reader whose grants carry it may be signed in on
 * as many devices at once as the catalogue's number says, edited in /admin/entitlements and in force at the next
 * sign-in; a reader without it keeps the configured limit (MASTHEAD_DEVICE_LIMIT).
 */
describeEachEngine('device allowance', (get) => {
  const h = useBilling(get);
  const { post } = adminForms(() => ({ app: h.app, ctx: h.ctx }) as TestApp);
  let sequence = 0;
  let networks = 0;

  const person = async (role: 'business' | 'reader'): Promise<User> => {
    sequence++;
    const email = `${role}-${sequence}-${Date.now().toString(36)}@example.com`;
    return (await provisionUser(h.db, { email, role, password: PASSWORD }, h.clock.now())).user;
  };
  /** The business team sets the number in /admin/entitlements, keeping the entry's words. */
  const setAllowance = async (devices: number) => {
    const cookie = await sessionCookie(h.ctx, (await person('business')).email, PASSWORD);
    const saved = await post(cookie, '/admin/entitlements', '/admin/entitlements/devices', {
      name: 'All your devices',
      description: 'Mobile, tablet and PC, on the web or in the app.',
      position: '8',
      allowance: String(devices),
    });
    expect(saved.statusCode, saved.body).toBe(303);
  };
  /** An app signs in with the password, from a network of its own. */
  const appSignIn = (user: User) =>
    h.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token',
      headers: { 'content-type': 'application/json', 'user-agent': 'Ledger/2.1 (iPhone; CPU iPhone OS 17_4 like Mac OS X)' },
      payload: JSON.stringify({ email: user.email, password: PASSWORD, app_name: 'Ledger' }),
      remoteAddress: `10.9.${++networks}.7`,
    });
  /** A browser signs in on the sign-in page. */
  const webSignIn = async (user: User) => {
    const remoteAddress = `10.8.${++networks}.7`;
    const page = await h.app.inject({ url: '/login', headers: { 'user-agent': CHROME }, remoteAddress });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return h.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: cookiesFrom(page), 'content-type': 'application/x-www-form-urlencoded', 'user-agent': CHROME },
      payload: new URLSearchParams({ _csrf: csrf, email: user.email, password: PASSWORD }).toString(),
      remoteAddress,
    });
  };
  const plansPage = async () => (await h.app.inject({ url: '/plans' })).body;

  it('a subscriber whose plan grants 2 devices meets the device choice on a third, and gets in once it is raised to 3', async () => {
    await setAllowance(2);
    const reader = await person('reader');
    await h.subscribe(reader, 'smart-quarterly');
    expect(await h.entitlements(reader.id)).toContain('devices');
    for (let i = 0; i < 2; i++) expect((await appSignIn(reader)).statusCode).toBe(200);

    const third = await webSignIn(reader);
    expect(third.statusCode).toBe(200);
    expect(third.body).toContain('You are signed in on too many devices');
    expect(third.body).toContain('Your account can be signed in on 2 devices at a time.');
    expect(third.body.match(/Sign out this device and continue/g)).toHaveLength(2);
    const refused = await appSignIn(reader);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'device-limit-reached' }, limit: 2 });

    // The business team raises it: the next sign-in reads the new number, without a restart.
    await setAllowance(3);
    const raised = await webSignIn(reader);
    expect([raised.statusCode, raised.headers.location]).toEqual([303, '/']);
    const fourth = await appSignIn(reader);
    expect(fourth.statusCode).toBe(409);
    expect(fourth.json().limit).toBe(3);
  });

  it('a reader without the grant keeps the configured limit, whatever the catalogue says; staff’s own limit for an account wins', async () => {
    await setAllowance(2);
    const reader = await person('reader');
    // Other grants carry no device allowance.
    await grantEntitlements(h.db, {
      userId: reader.id,
      entitlements: ['premium'],
      source: 'grant:staff',
      startsAt: h.clock.now(),
      endsAt: null,
    });
    const limit = h.ctx.config.deviceLimit;
    expect(limit).toBeGreaterThan(2);
    for (let i = 0; i < limit; i++) expect((await appSignIn(reader)).statusCode).toBe(200);
    const refused = await appSignIn(reader);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().limit).toBe(limit);

    const subscriber = await person('reader');
    await h.subscribe(subscriber, 'smart-quarterly');
    await h.db.query('update users set device_limit = 1 where id = $1', [subscriber.id]);
    expect((await appSignIn(subscriber)).statusCode).toBe(200);
    expect((await appSignIn(subscriber)).json().limit).toBe(1);
  });

  it('the plans page says how many devices, by the catalogue’s number, only while a plan grants the allowance', async () => {
    await setAllowance(4);
    expect(await plansPage()).toContain('<li data-entitlement="devices"><strong>All your devices</strong>');
    expect(await plansPage()).toContain('Up to 4 devices at once.');
    await setAllowance(3);
    expect(await plansPage()).toContain('Up to 3 devices at once.');

    await h.db.query(`update plans set entitlements = array_remove(entitlements, 'devices')`);
    await h.ctx.refresh();
    const without = await plansPage();
    expect(without).toContain('<strong>Premium stories</strong>');
    expect(without).not.toContain('data-entitlement="devices"');
    expect(without).not.toMatch(/devices at once/);
  });
});
