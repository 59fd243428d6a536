import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, browserSuite, signIn } from '../support/browser.js';
import { createArticle } from '../support/factories.js';

const run = browserAvailable();

describe.runIf(run)('a reader in a real browser', () => {
  const metered: string[] = [];
  let premium: string;

  const suite = browserSuite({
    env: () => ({ MASTHEAD_FREE_LIMIT: '3', MASTHEAD_PAYMENT_GATEWAY: 'test' }),
    setup: async (db) => {
      for (let i = 0; i < 4; i++) metered.push((await createArticle(db, { publishedAt: new Date(Date.now() - 3600_000) })).slug);
      premium = (await createArticle(db, { visibility: 'premium', publishedAt: new Date(Date.now() - 3600_000) })).slug;
      await provisionUser(
        db,
        { email: 'browser@example.com', role: 'reader', name: 'Bea Browser', password: 'correct horse battery' },
        new Date(),
      );
    },
  });

  const signInAsReader = (page: Page) => signIn(page, suite.base, 'browser@example.com', 'correct horse battery');

  it('counts free articles down, then meets the paywall with no gated text on the page', async () => {
    const page = await suite.browser.newPage();
    for (let i = 0; i < 3; i++) {
      await page.goto(`${suite.base}/article/${metered[i]}`);
      expect(await page.locator('.article-body').isVisible()).toBe(true);
      expect(await page.getByRole('status').textContent()).toContain(i === 2 ? 'last free article' : `${2 - i} free article`);
    }
    await page.goto(`${suite.base}/article/${metered[3]}`);
    expect(await page.getByRole('heading', { name: /reached your limit of 3 free articles this month/ }).isVisible()).toBe(true);
    expect(await page.content()).not.toMatch(/secret\d+-[3-9]/);
    // Clearing cookies starts a new meter; the per-network monthly budget is what caps that.
    await page.context().clearCookies();
    await page.reload();
    expect(await page.content()).toMatch(/secret\d+-[3-9]/);
    await page.close();
  });

  it('signs in with a password and sees the account name', async () => {
    const page = await suite.browser.newPage();
    await signInAsReader(page);
    expect(await page.getByRole('link', { name: 'Bea Browser' }).isVisible()).toBe(true);
    await page.goto(`${suite.base}/article/${premium}`);
    expect(await page.locator('.paywall').isVisible()).toBe(true);
    await page.close();
  });

  it('subscribes through the test gateway and then reads premium stories without ads', async () => {
    const page = await suite.browser.newPage();
    await signInAsReader(page);

    await page.goto(`${suite.base}/plans`);
    await Promise.all([
      page.waitForURL(/\/subscribe\/smart-essential$/),
      page.getByRole('link', { name: 'Choose Smart Essential' }).click(),
    ]);
    expect(await page.locator('main').textContent()).toContain('₹2,700');
    await page.getByLabel('Name on the invoice').fill('Bea Browser');
    await page.getByLabel('Address line 1').fill('12 Marine Drive');
    await page.getByLabel('Town or city').fill('Mumbai');
    await page.getByLabel('State or Union Territory').selectOption('27');
    await page.getByLabel('PIN code').fill('400020');
    await Promise.all([page.waitForURL(/\/test-gateway\/checkout\//), page.getByRole('button', { name: 'Continue to payment' }).click()]);
    expect(await page.locator('main').textContent()).toMatch(/TEST GATEWAY/i);

    await Promise.all([
      page.waitForURL(/\/subscribe\/complete/),
      page.getByRole('button', { name: 'Pay with test card •••• 4242' }).click(),
    ]);
    expect(await page.locator('main').textContent()).toMatch(/subscribed/i);

    await page.goto(`${suite.base}/article/${premium}`);
    expect(await page.locator('.article-body').isVisible()).toBe(true);
    expect(await page.locator('.paywall').count()).toBe(0);
    expect(await page.locator('.ad-slot').count()).toBe(0);

    await page.goto(`${suite.base}/account/subscription`);
    const account = (await page.locator('main').textContent()) ?? '';
    expect(account).toContain('Smart Essential');
    expect(account).toContain('₹2,700');
    expect(account).toContain('Test card •••• 4242');
    await page.close();
  });
});
