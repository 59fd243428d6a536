import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import type { Role } from '../../src/domain/accounts/model.js';
import { buildTestApp, cookiesFrom, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';

const PASSWORD = 'long enough passphrase';
let networks = 0;

/** A browser with its own cookie jar; forms carry the CSRF token of the last page it saw. */
function browser(app: FastifyInstance) {
  const ip = `10.11.${++networks & 255}.7`;
  let csrf = '';
  let jar = '';
  const send = async (method: 'GET' | 'POST', url: string, payload?: string) => {
    const headers: Record<string, string> = jar ? { cookie: jar } : {};
    if (payload !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await app.inject({ method, url, headers, remoteAddress: ip, ...(payload === undefined ? {} : { payload }) });
    jar = cookiesFrom(res, jar);
    csrf = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1] ?? csrf;
    return res;
  };
  return {
    get: (url: string) => send('GET', url),
    /** Posts fields as given (a field may repeat), with the CSRF token. */
    async post(url: string, fields: Record<string, string> | [string, string][]) {
      if (!csrf) await send('GET', '/login');
      const form = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
      form.append('_csrf', csrf);
      return send('POST', url, form.toString());
    },
  };
}

const DETAILS = {
  name: 'Asha Reader',
  address_line1: '12 Park Street',
  address_line2: '',
  city: 'Mumbai',
  state: '27',
  pin: '400013',
  gstin: '',
};
/** The parts of the site whose routes read input through the form helper. */
const HELPER_SCOPES = /^\/(subscribe|checkout|test-gateway|account\/(subscription|invoices)|admin)(\/|$)/;

describeEachEngine('billing and admin pages read their input through the form helper', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  let n = 0;

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_PAYMENT_GATEWAY: 'test' } });
  });

  async function signIn(role: Role = 'reader') {
    const email = `forms-${role}-${++n}-${Date.now()}@example.com`;
    await provisionUser(db(), { email, role, name: 'Asha Reader', password: PASSWORD }, clock.now());
    const b = browser(t.app);
    expect((await b.post('/login', { email, password: PASSWORD, next: '/' })).statusCode).toBe(303);
    return b;
  }

  it('declares a schema for every params, query string and body the billing and admin pages take', () => {
    const routes = t.app.routeList.filter((r) => HELPER_SCOPES.test(r.url) && !r.url.startsWith('/webhooks'));
    expect(routes.length).toBeGreaterThanOrEqual(15);
    for (const route of routes) {
      const what = `${route.methods.join(',')} ${route.url}`;
      if (route.methods.includes('GET')) expect(route.schema.querystring, what).toBeDefined();
      if (route.methods.includes('POST')) expect(route.schema.body, what).toBeDefined();
      if (route.url.includes(':')) expect(route.schema.params, what).toBeDefined();
    }
  });

  it('answers addresses and hidden fields that name nothing with the site’s 404 page', async () => {
    const reader = await signIn();
    for (const url of [
      '/subscribe/UPPER-case',
      '/subscribe/complete?subscription=abc',
      '/subscribe/complete?subscription=99999999999',
      '/account/invoices/1.pdf.pdf',
      '/account/invoices/99999999999',
      '/test-gateway/checkout/not-a-record',
    ]) {
      const res = await reader.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toContain('<h1>Page not found</h1>');
    }
    for (const [url, fields] of [
      ['/account/subscription/cancel', { subscription: 'x' }],
      ['/account/subscription/undo-cancel', { subscription: '-1' }],
      ['/account/subscription/change', { subscription: '1', plan: '<b>' }],
    ] as const) {
      const res = await reader.post(url, fields);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toContain('<h1>Page not found</h1>');
      expect(res.body, url).not.toContain('<b>');
    }
    // Signed out, a form is never judged: the reader is sent to sign in first, whatever it held.
    const anonymous = browser(t.app);
    const res = await anonymous.post('/account/subscription/cancel', { subscription: 'x' });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/login?next=/account/subscription']);
  });

  it('shows the billing details form again with a message for each field too long or sent twice', async () => {
    const reader = await signIn();
    const res = await reader.post('/subscribe/smart-quarterly', [
      ...Object.entries({ ...DETAILS, name: `<script>${'x'.repeat(300)}`, city: 'Mumbai' }),
      ['city', 'Pune'],
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Use at most 100 characters.');
    expect(res.body).toContain('Enter your town or city.');
    expect(res.body).toContain('value="12 Park Street"');
    expect(res.body).toContain('&lt;script&gt;xxx');
    expect(res.body).not.toContain('<script>xxx');
  });

  it('reads the admin payment pages through the helper: a refund form too long, a payment id that is not one', async () => {
    const admin = await signIn('admin');
    const list = await admin.get('/admin/payments?notice=%3Cscript%3E');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('<script>');
    const notAnId = await admin.post('/admin/payments/abc/refund', { amount: '1', reason: 'Asked' });
    expect(notAnId.statusCode).toBe(404);
    expect(notAnId.body).toContain('<h1>Page not found</h1>');
    const tooBig = await admin.post('/admin/payments/99999999999/refund', { amount: '1', reason: 'Asked' });
    expect(tooBig.statusCode).toBe(404);
  });
});
