import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, freePort, launchBrowser } from '../support/browser.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';

const run = browserAvailable();
const EMAIL = 'handoff@example.com';
const PASSWORD = 'correct horse battery';

/**
 * The checkout form sends the reader on by a 303 to the gateway's hosted page. A browser checks that
 * redirect against the form page's CSP `form-action`, so these run in Chromium, not through inject().
 */
describe.runIf(run)('the hand-off from the checkout form to the payment page, in a real browser', () => {
  const databases: TestDatabase[] = [];
  const apps: TestApp[] = [];
  let browser: Browser;
  let fake: FakeStripe;

  /** An app on its own database and port, listening on 127.0.0.1, with a reader who may sign in. */
  async function startApp(env: (port: number) => Record<string, string>): Promise<string> {
    const database = await createTestDatabase('pglite');
    databases.push(database);
    const port = await freePort();
    const t = await buildTestApp(database.db, { env: env(port) });
    apps.push(t);
    await t.app.listen({ port, host: '127.0.0.1' });
    await provisionUser(database.db, { email: EMAIL, role: 'reader', name: 'Hana Handoff', password: PASSWORD }, new Date());
    return `http://127.0.0.1:${port}`;
  }

  /** Signs in, chooses a plan, fills in the billing details and sends the form. */
  async function sendCheckoutForm(page: Page, site: string): Promise<void> {
    await page.goto(`${site}/login`);
    const login = page.locator('form[action="/login"]');
    await login.getByLabel('Email address').fill(EMAIL);
    await login.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(`${site}/`), login.locator('button[type=submit]').click()]);
    await page.goto(`${site}/subscribe/smart-essential`);
    await page.getByLabel('Name on the invoice').fill('Hana Handoff');
    await page.getByLabel('Address line 1').fill('4 Park Street');
    await page.getByLabel('Town or city').fill('Kolkata');
    await page.getByLabel('State or Union Territory').selectOption('19');
    await page.getByLabel('PIN code').fill('700016');
    await page.getByRole('button', { name: 'Continue to payment' }).click();
  }

  beforeAll(async () => {
    fake = await startFakeStripe();
    const stripe = `http://127.0.0.1:${fake.apiBase.port}`;
    fake.on('POST', /^\/v1\/checkout\/sessions$/, () => ({
      body: { id: 'cs_test_handoff', object: 'checkout.session', url: `${stripe}/c/pay/cs_test_handoff` },
    }));
    // The stand-in's hosted page: what the reader's browser must reach.
    fake.on('GET', /^\/c\/pay\/(cs_\w+)$/, (_request, [session]) => ({ body: { page: 'stand-in Stripe Checkout', session } }));
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    for (const t of apps) await t.app.close();
    for (const database of databases) await database.destroy();
    await fake?.close();
  });

  it('reaches Stripe’s hosted checkout page', async () => {
    const site = await startApp((port) => ({
      MASTHEAD_PAYMENT_GATEWAY: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_handoff',
      STRIPE_WEBHOOK_SECRET: 'whsec_handoff',
      STRIPE_API_URL: `http://127.0.0.1:${fake.apiBase.port}`,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
    }));
    const page = await browser.newPage();
    const stripePage = `http://127.0.0.1:${fake.apiBase.port}/c/pay/cs_test_handoff`;
    await Promise.all([page.waitForURL(stripePage, { timeout: 10_000 }), sendCheckoutForm(page, site)]);
    expect(await page.locator('body').textContent()).toContain('stand-in Stripe Checkout');
    expect(fake.calls('POST', '/v1/checkout/sessions')).toHaveLength(1);
    await page.close();
  });

  it('reaches the test gateway’s page and comes back, with the site opened at another address than PUBLIC_URL', async () => {
    const site = await startApp((port) => ({ MASTHEAD_PAYMENT_GATEWAY: 'test', PUBLIC_URL: `http://localhost:${port}` }));
    const page = await browser.newPage();
    await Promise.all([page.waitForURL(`${site}/test-gateway/checkout/**`, { timeout: 10_000 }), sendCheckoutForm(page, site)]);
    await Promise.all([
      page.waitForURL(`${site}/subscribe/complete**`, { timeout: 10_000 }),
      page.getByRole('button', { name: 'Pay with test card •••• 4242' }).click(),
    ]);
    expect(await page.locator('main').textContent()).toMatch(/subscribed/i);
    await page.close();
  });
});
