import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, launchBrowser, signIn, startSiteForBrowser, type SiteForBrowser } from '../support/browser.js';

const run = browserAvailable();

describe.runIf(run)('the business team edits the settings in a real browser', () => {
  let site: SiteForBrowser;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    site = await startSiteForBrowser();
    base = site.base;
    await provisionUser(
      site.database.db,
      { email: 'sales@example.com', role: 'business', name: 'Sales Desk', password: 'a business password' },
      new Date(),
    );
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('changes the tagline, is told about a wrong time zone without losing it, and sees the tagline on the home page', async () => {
    const page = await browser.newPage();
    await signIn(page, base, 'sales@example.com', 'a business password');

    await page.goto(`${base}/admin`);
    await page.locator('.admin-links').getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Tagline').fill('Markets, money and the monsoon');
    await page.getByLabel('Time zone').fill('Asia/Bombay Beach');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.locator('#settings-timeZone-error').textContent()).toContain('Enter a time zone name such as Asia/Kolkata');
    // What was typed is still there.
    expect(await page.getByLabel('Tagline').inputValue()).toBe('Markets, money and the monsoon');
    expect(await page.locator('.masthead .tagline').textContent()).toBe('Business, markets and the economy, every day');

    await page.getByLabel('Time zone').fill('Asia/Kolkata');
    await Promise.all([page.waitForURL(/notice=saved/), page.getByRole('button', { name: 'Save settings' }).click()]);
    await page.goto(`${base}/`);
    expect(await page.locator('.masthead .tagline').textContent()).toBe('Markets, money and the monsoon');
    await page.getByRole('link', { name: 'Grievance redressal' }).click();
    await page.waitForURL(`${base}/grievance`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Grievance redressal');
  }, 60_000);
});
