import { describe, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { actorOf } from '../../src/domain/policies/policies.js';
import { browserAvailable, browserSuite, imageLoaded, signIn } from '../support/browser.js';
import { editionPdf } from '../support/edition-pdf.js';

const run = browserAvailable();
const PASSWORD = 'correct horse battery';
const DATE = '2026-11-20';

describe.runIf(run)('the e-paper in a real browser', () => {
  const suite = browserSuite({
    setup: async (db) => {
      const { user } = await provisionUser(
        db,
        { email: 'paper@example.com', role: 'reader', name: 'Pia Paper', password: PASSWORD },
        new Date(),
      );
      await db
        .insertInto('entitlement_grants')
        .values({ user_id: user.id, entitlement: 'epaper', source: 'grant:test', starts_at: new Date('2026-01-01'), ends_at: null })
        .execute();
    },
  });

  it('opens an edition, zooms, clips an area, shares it, and the link opens signed out showing only the clipping', async () => {
    const { t } = suite.site;
    const { user: editor } = await provisionUser(
      suite.site.database.db,
      {
        email: 'desk@example.com',
        role: 'editor',
        name: 'Desk',
        password: PASSWORD,
      },
      new Date(),
    );
    const pdf = await editionPdf([
      [{ headline: 'Port Expansion Approved', body: 'The port will add two berths by next year. '.repeat(8) }],
      [{ headline: 'Second Page Story', body: 'More news on the second page. '.repeat(8) }],
    ]);
    const uploaded = await t.ctx.epaper.upload(actorOf(editor), {
      name: 'Chennai',
      date: DATE,
      publishAt: new Date(Date.now() - 60_000),
      files: [{ bytes: pdf, truncated: false }],
    });
    if (!uploaded.ok) throw new Error(JSON.stringify(uploaded.errors));
    for (let i = 0; i < 100 && !(await t.ctx.epaper.publishedById(uploaded.edition.id)); i++) await t.jobs.runDue();

    const page = await suite.browser.newPage();
    await signIn(page, suite.base, 'paper@example.com', PASSWORD);
    await page.goto(`${suite.base}/epaper`);
    await page.getByRole('link', { name: 'Chennai' }).click();
    await page.getByRole('link', { name: 'Page 1' }).click();
    await page.waitForURL(`${suite.base}/epaper/chennai/${DATE}/1`);
    expect(await page.getByRole('heading', { name: 'Port Expansion Approved' }).isVisible()).toBe(true);
    const svg = page.locator('#epaper-stage svg');
    const before = Number(await svg.getAttribute('width'));

    // Zoomed in, only the tiles of the zoom image on screen are loaded; scrolling loads the ones that come into view.
    const tileLoaded = page.waitForResponse((r) => r.url().includes('-zoom/0-0.webp') && r.status() === 200);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect(Number(await svg.getAttribute('width'))).toBeGreaterThan(before);
    await tileLoaded;
    const grid = JSON.parse((await page.locator('#epaper-stage').getAttribute('data-tiles')) ?? 'null') as { urls: string[][] };
    const total = grid.urls.flat().length;
    const tiles = page.locator('#epaper-stage .epaper-tiles image');
    const shown = await tiles.count();
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(total);
    const lastTile = grid.urls.at(-1)!.at(-1)!;
    const lastLoaded = page.waitForResponse((r) => r.url().endsWith(lastTile) && r.status() === 200);
    await page.locator('#epaper-stage').evaluate((stage) => stage.scrollTo(stage.scrollWidth, stage.scrollHeight));
    await lastLoaded;
    expect(await tiles.count()).toBeGreaterThan(shown);
    expect(await page.locator('#epaper-stage > svg > image').getAttribute('href')).toContain('-page.webp');
    await page.getByRole('button', { name: 'Zoom out' }).click();

    // Keyboard: the right arrow turns the page, the left one turns it back.
    await page.locator('#epaper-stage').focus();
    await Promise.all([page.waitForURL(`${suite.base}/epaper/chennai/${DATE}/2`), page.keyboard.press('ArrowRight')]);
    await page.locator('#epaper-stage').focus();
    await Promise.all([page.waitForURL(`${suite.base}/epaper/chennai/${DATE}/1`), page.keyboard.press('ArrowLeft')]);

    // Draw a clipping over the top of the page.
    await page.getByRole('button', { name: 'Clip an area' }).click();
    await svg.scrollIntoViewIfNeeded();
    const box = (await svg.boundingBox())!;
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 200, { steps: 5 });
    await page.mouse.up();
    const clipForm = page.locator('#epaper-clip-form');
    expect(await clipForm.isVisible()).toBe(true);
    await clipForm.getByLabel('Name the clipping').fill('Port plans');
    await Promise.all([
      page.waitForURL(/\/epaper\/clippings\?notice=saved$/),
      clipForm.getByRole('button', { name: 'Save the clipping' }).click(),
    ]);
    expect(await page.getByRole('link', { name: 'Port plans' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.locator('p.notice a').getAttribute('href');
    expect(link).toMatch(/\/epaper\/shared\/[\w-]{24}$/);

    const stranger = await suite.browser.newContext();
    const shared = await stranger.newPage();
    await shared.goto(link!);
    expect(await shared.getByRole('heading', { name: 'Port plans' }).isVisible()).toBe(true);
    expect(await imageLoaded(shared.locator('figure img'))).toBe(true);
    expect(await shared.getByRole('link', { name: /Subscribe to read/ }).isVisible()).toBe(true);
    expect(await shared.content()).not.toContain('/epaper/files/');
    await stranger.close();
    await page.close();
  }, 60_000);
});
