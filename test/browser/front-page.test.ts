import { describe, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, browserSuite, signIn } from '../support/browser.js';
import { createArticle } from '../support/factories.js';

const run = browserAvailable();

describe.runIf(run)('an editor curating the front page in a real browser', () => {
  const suite = browserSuite({
    setup: async (db) => {
      await provisionUser(db, { email: 'desk@example.com', role: 'editor', password: 'an editor password' }, new Date());
      const hour = 3600 * 1000;
      await createArticle(db, {
        slug: 'newest-story',
        headline: 'The newest story of the day',
        publishedAt: new Date(Date.now() - hour),
      });
      await createArticle(db, {
        slug: 'budget-lead',
        section: 'economy',
        headline: 'Budget deficit narrows in the third quarter',
        publishedAt: new Date(Date.now() - 30 * hour),
      });
    },
  });

  it('finds a story by its headline, makes it the lead and sees it lead the home page', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'desk@example.com', 'an editor password');
    expect(await page.locator('.lead-story h2').textContent()).toBe('The newest story of the day');

    await page.goto(`${suite.base}/admin`);
    await page.locator('.admin-links').getByRole('link', { name: 'Front page' }).click();
    await page.getByLabel('Headline').fill('budget deficit');
    await Promise.all([page.waitForURL(/q=budget/), page.getByRole('button', { name: 'Search' }).click()]);
    const row = page.locator('.search-results tr', { hasText: 'Budget deficit narrows' });
    await Promise.all([page.waitForURL(/notice=saved/), row.getByRole('button', { name: 'Make lead' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toContain('The front page is saved');
    expect(await page.locator('.curated-lead').textContent()).toContain('Budget deficit narrows in the third quarter');

    await page.goto(`${suite.base}/`);
    expect(await page.locator('.lead-story h2').textContent()).toBe('Budget deficit narrows in the third quarter');
    expect(await page.locator('.dateline-today time').textContent()).toMatch(/^\w+day, \d{1,2} \w+ \d{4}$/);
    await page.close();
  });
});
