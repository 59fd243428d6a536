import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, launchBrowser, signIn, startSiteForBrowser, type SiteForBrowser } from '../support/browser.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe.js';

const run = browserAvailable();
const EMAIL = 'handoff@example.com';
const PASSWORD = 'correct horse battery';

/**
 * The checkout form sends the reader on by a 303 to the gateway's hosted page. A browser checks that
 * redirect against the form page's CSP `form-action`, so these run in Chromium, not through inject().
 */
describe.runIf(run)('the hand-off from the checkout form to the payment page, in a real browser', () => {
  const sites: SiteForBrowser[] = [];
  let browser: Browser;
  let fake: FakeStripe;

  /** An app on its own database and port, listening on 127.0.0.1, with a reader who may sign in. */
  async function startApp(env: (port: number) => Record<string, string>): Promise<string> {
    const site = await startSiteForBrowser(env);
    sites.push(site);
    await provisionUser(site.database.db, { email: EMAIL, role: 'reader', name: 'Hana Handoff', password: PASSWORD }, new Date());
    return site.base;
  }

  /** Signs in, chooses a plan, fills in the billing details and sends the form. */
  async function sendCheckoutForm(page: Page, site: string): Promise<void> {
    await signIn(page, site, EMAIL, PASSWORD);
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
    for (const site of sites) await site.close();
    await fake?.close();
  });

  it('reaches Stripe’s hosted checkout page', async () => {
    const site = await startApp(() => ({
      MASTHEAD_PAYMENT_GATEWAY: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_handoff',
      STRIPE_WEBHOOK_SECRET: 'whsec_handoff',
      STRIPE_API_URL: `http://127.0.0.1:${fake.apiBase.port}`,
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
