import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, freePort, launchBrowser } from '../support/browser.js';
import { buildTestApp, type TestApp } from '../support/app.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';

const run = browserAvailable();

describe.runIf(run)('the business team edits the settings in a real browser', () => {
  let database: TestDatabase;
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await buildTestApp(database.db, { env: { PUBLIC_URL: base } });
    await t.app.listen({ port, host: '127.0.0.1' });
    await provisionUser(
      database.db,
      { email: 'sales@example.com', role: 'business', name: 'Sales Desk', password: 'a business password' },
      new Date(),
    );
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.app.close();
    await database?.destroy();
  });

  it('changes the tagline, is told about a wrong time zone without losing it, and sees the tagline on the home page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/login`);
    const login = page.locator('form[action="/login"]');
    await login.getByLabel('Email address').fill('sales@example.com');
    await login.getByLabel('Password').fill('a business password');
    await Promise.all([page.waitForURL(`${base}/`), login.locator('button[type=submit]').click()]);

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
