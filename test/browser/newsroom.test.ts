import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { fakeClock } from '../support/app.js';
import { browserAvailable, browserSuite, imageLoaded, signIn } from '../support/browser.js';

const run = browserAvailable();

describe.runIf(run)('an editor in a real browser', () => {
  const clock = fakeClock(new Date());

  const suite = browserSuite({
    now: clock.now,
    setup: async (db) => {
      await provisionUser(
        db,
        { email: 'desk@example.com', role: 'editor', name: 'Desk Editor', password: 'an editor password' },
        new Date(),
      );
      await provisionUser(db, { email: 'reader@example.com', role: 'reader', password: 'a reader password' }, new Date());
    },
  });

  it('writes a draft, previews it, publishes it and finds it on the site', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'desk@example.com', 'an editor password');

    await page.goto(`${suite.base}/admin/articles/new`);
    await page.getByLabel('Headline').fill('Port traffic hits a record in November');
    await page.getByLabel('Standfirst').fill('Container volumes rose for the fifth month.');
    await page.getByLabel('Body').fill('Ports handled more boxes than ever.\n\nThe browser-test-paragraph closes the story.');
    await page.getByLabel('Who may read it').selectOption('free');
    await page.getByLabel('Authors').fill('Desk Editor');
    await Promise.all([
      page.waitForURL(/\/admin\/articles\/\d+\/edit\?notice=saved/),
      page.getByRole('button', { name: 'Save draft' }).click(),
    ]);
    expect(await page.locator('.article-status').getAttribute('data-status')).toBe('draft');
    const slug = await page.getByLabel('Slug', { exact: true }).inputValue();
    expect(slug).toBe('port-traffic-hits-a-record-in-november');

    // Not on the site yet; the preview shows it as readers will see it.
    expect((await page.request.get(`${suite.base}/article/${slug}`)).status()).toBe(404);
    await page.getByRole('link', { name: 'Preview' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Port traffic hits a record in November');
    expect(await page.locator('.preview-banner').isVisible()).toBe(true);
    expect(await page.locator('.article-body').textContent()).toContain('browser-test-paragraph');
    await page.getByRole('link', { name: 'Back to the editor' }).click();

    await Promise.all([page.waitForURL(/notice=published/), page.getByRole('button', { name: 'Publish now' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toContain('Published');
    await page.getByRole('link', { name: 'on the site' }).click();
    await page.waitForURL(`${suite.base}/article/${slug}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Port traffic hits a record in November');
    expect(await page.locator('.article-body').textContent()).toContain('browser-test-paragraph');
    expect(await page.locator('.preview-banner').count()).toBe(0);
  }, 60_000);

  it('schedules a story for tomorrow morning in the publisher’s time zone; it appears on the site at that time', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'desk@example.com', 'an editor password');
    // Tomorrow at 06:30 on the publisher's clock (the demo's time zone is Asia/Kolkata, UTC+05:30).
    const tomorrow = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date(clock.now().getTime() + 86_400_000));
    const goesOut = new Date(`${tomorrow}T06:30:00+05:30`);

    await page.goto(`${suite.base}/admin/articles/new`);
    await page.getByLabel('Headline').fill('Monsoon session opens with a farm bill');
    await page.getByLabel('Standfirst').fill('Parliament returns with the farm bill first on the list.');
    await page.getByLabel('Body').fill('The house meets at eleven.\n\nThe scheduled-browser-paragraph ends it.');
    await page.getByLabel('Who may read it').selectOption('free');
    await page.getByLabel(/^Publish at \(Asia\/Kolkata\)/).fill(`${tomorrow}T06:30`);
    await Promise.all([page.waitForURL(/notice=scheduled/), page.getByRole('button', { name: 'Schedule' }).click()]);
    expect(await page.locator('.article-status').getAttribute('data-status')).toBe('scheduled');
    expect(await page.locator('.article-status').textContent()).toContain('at 6:30 am');
    const slug = await page.getByLabel('Slug', { exact: true }).inputValue();
    expect((await page.request.get(`${suite.base}/article/${slug}`)).status()).toBe(404);

    await page.goto(`${suite.base}/admin/articles?status=scheduled`);
    expect(await page.getByRole('link', { name: 'Monsoon session opens with a farm bill' }).count()).toBe(1);

    clock.set(new Date(goesOut.getTime() - 60_000));
    expect((await page.request.get(`${suite.base}/article/${slug}`)).status()).toBe(404);
    clock.set(new Date(goesOut.getTime() + 60_000));
    await page.goto(`${suite.base}/article/${slug}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Monsoon session opens with a farm bill');
    expect(await page.locator('.article-body').textContent()).toContain('scheduled-browser-paragraph');
  }, 60_000);

  it('moves a story to a new address and the old one leads there; the editor finds no refunds, a reader no newsroom', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'desk@example.com', 'an editor password');
    await page.goto(`${suite.base}/admin/articles/new`);
    await page.getByLabel('Headline').fill('Rupee steadies after a volatile week');
    await page.getByLabel('Standfirst').fill('Traders expect a calmer December.');
    await page.getByLabel('Body').fill('The rupee closed flat.\n\nThe slug-browser-paragraph ends it.');
    await page.getByLabel('Who may read it').selectOption('free');
    await Promise.all([page.waitForURL(/notice=published/), page.getByRole('button', { name: 'Publish now' }).click()]);
    const oldSlug = await page.getByLabel('Slug', { exact: true }).inputValue();
    await page.getByLabel('Slug', { exact: true }).fill('rupee-steadies');
    await Promise.all([page.waitForURL(/notice=saved/), page.getByRole('button', { name: 'Save' }).first().click()]);

    await page.goto(`${suite.base}/article/${oldSlug}`);
    expect(page.url()).toBe(`${suite.base}/article/rupee-steadies`);
    expect(await page.locator('.article-body').textContent()).toContain('slug-browser-paragraph');

    // The editor's bar offers the newsroom and not the business team's pages, which are not there for them.
    await page.goto(`${suite.base}/admin`);
    const offered = await page.locator('.admin-links a').allTextContents();
    expect(offered).toContain('Articles');
    expect(offered).not.toContain('Payments');
    expect((await page.goto(`${suite.base}/admin/payments`))?.status()).toBe(404);

    const reader = await suite.browser.newPage();
    await signIn(reader, suite.base, 'reader@example.com', 'a reader password');
    expect((await reader.goto(`${suite.base}/admin/articles`))?.status()).toBe(404);
    expect(await reader.locator('body').textContent()).not.toContain('Rupee steadies');
  }, 60_000);

  it('uploads a photograph (alt text required), sees its renditions load, and leads a story with it', async () => {
    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'desk@example.com', 'an editor password');
    const photo = {
      name: 'harbour.png',
      mimeType: 'image/png',
      buffer: await sharp({ create: { width: 1200, height: 800, channels: 3, background: { r: 20, g: 90, b: 160 } } })
        .png()
        .toBuffer(),
    };
    await page.goto(`${suite.base}/admin/images`);
    await page.getByLabel('Image', { exact: true }).setInputFiles(photo);
    await page.getByLabel('Caption').fill('Cranes at the container terminal');
    await page.getByRole('button', { name: 'Upload' }).click();
    expect(await page.locator('#image-alt-error').textContent()).toBeTruthy();
    expect(await page.getByLabel('Caption').inputValue()).toBe('Cranes at the container terminal');

    await page.getByLabel('Image', { exact: true }).setInputFiles(photo);
    await page.getByLabel('Alt text (required)').fill('Blue cranes over stacked containers');
    await Promise.all([
      page.waitForURL(/\/admin\/images\/\d+\/edit\?notice=uploaded/),
      page.getByRole('button', { name: 'Upload' }).click(),
    ]);
    const id = /\/admin\/images\/(\d+)\//.exec(page.url())?.[1] ?? '';
    const shown = page.locator('figure.lead-image img');
    await shown.waitFor();
    // The browser fetched and decoded one of the renditions (the page's CSP and the media route allow it).
    expect(await imageLoaded(shown)).toBe(true);
    expect(await shown.getAttribute('alt')).toBe('Blue cranes over stacked containers');

    await page.goto(`${suite.base}/admin/articles/new`);
    await page.getByLabel('Headline').fill('Harbour handles a record month');
    await page.getByLabel('Standfirst').fill('Volumes rose again.');
    await page.getByLabel('Body').fill('The harbour was busy.');
    await page.getByLabel('Who may read it').selectOption('free');
    await page.getByLabel('Lead image (its number in the image library)').fill(id);
    await Promise.all([page.waitForURL(/notice=published/), page.getByRole('button', { name: 'Publish now' }).click()]);
    await page.getByRole('link', { name: 'on the site' }).click();
    const lead = page.locator('figure img').first();
    await lead.waitFor();
    expect(await imageLoaded(lead)).toBe(true);
    expect(await page.locator('figcaption').first().textContent()).toContain('Cranes at the container terminal');
  }, 60_000);
});
