import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, browserSuite, signIn } from '../support/browser.js';
import { createArticle } from '../support/factories.js';

const run = browserAvailable();

describe.runIf(run)('the editor’s autosave and author pages in a real browser', () => {
  const suite = browserSuite({
    setup: async (db) => {
      await provisionUser(
        db,
        { email: 'desk@example.com', role: 'editor', name: 'Desk Editor', password: 'an editor password' },
        new Date(),
      );
    },
  });

  const signInAsEditor = (page: Page) => signIn(page, suite.base, 'desk@example.com', 'an editor password');

  it('keeps what was typed in a new article across a reload, and restores it when asked', async () => {
    const page = await suite.browser.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await signInAsEditor(page);
    await page.goto(`${suite.base}/admin/articles/new`);
    await page.getByLabel('Headline').fill('Autosaved headline never submitted');
    await page.getByLabel('Body').fill('The autosave-browser-paragraph the editor typed.');
    await page.locator('#autosave-status').getByText('Unsaved changes kept at').waitFor({ timeout: 10_000 });

    await page.reload();
    expect(await page.getByLabel('Headline').inputValue()).toBe('');
    await page.getByRole('link', { name: /Restore unsaved changes from/ }).click();
    expect(await page.getByLabel('Headline').inputValue()).toBe('Autosaved headline never submitted');
    expect(await page.getByLabel('Body').inputValue()).toBe('The autosave-browser-paragraph the editor typed.');
    // The script loads under the page's CSP (no violations reported).
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  }, 60_000);

  it('says so when an autosave fails, and keeps the text in the page', async () => {
    const page = await suite.browser.newPage();
    await signInAsEditor(page);
    await page.goto(`${suite.base}/admin/articles/new`);
    await page.route('**/admin/articles/autosave', (route) => route.fulfill({ status: 500, body: 'down' }));
    await page.getByLabel('Headline').fill('Typed while the server is down');
    await page.locator('#autosave-status').getByText('Could not keep your unsaved changes').waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Headline').inputValue()).toBe('Typed while the server is down');
  }, 60_000);

  it('leads from a byline on the article page to the author’s page and their stories', async () => {
    await createArticle(suite.site.database.db, {
      slug: 'byline-story',
      headline: 'Byline story',
      authors: ['Ritu Sen'],
      publishedAt: new Date(Date.now() - 3600_000),
    });
    const page = await suite.browser.newPage();
    await page.goto(`${suite.base}/article/byline-story`);
    await page.locator('.byline').getByRole('link', { name: 'Ritu Sen' }).click();
    await page.waitForURL(`${suite.base}/author/ritu-sen`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Ritu Sen');
    expect(await page.getByRole('link', { name: 'Byline story' }).count()).toBe(1);
  }, 60_000);
});
