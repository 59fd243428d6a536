import { describe, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, browserSuite, signIn } from '../support/browser.js';

const run = browserAvailable();

describe.runIf(run)('the business team edits the settings in a real browser', () => {
  const suite = browserSuite({
    setup: (db) =>
      provisionUser(db, { email: 'sales@example.com', role: 'business', name: 'Sales Desk', password: 'a business password' }, new Date()),
  });

  it('changes the tagline, is told about a wrong time zone without losing it, and sees the tagline on the home page', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'sales@example.com', 'a business password');

    await page.goto(`${suite.base}/admin`);
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
    await page.goto(`${suite.base}/`);
    expect(await page.locator('.masthead .tagline').textContent()).toBe('Markets, money and the monsoon');
    await page.getByRole('link', { name: 'Grievance redressal' }).click();
    await page.waitForURL(`${suite.base}/grievance`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Grievance redressal');
  }, 60_000);
});
