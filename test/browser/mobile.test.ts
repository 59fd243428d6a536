import { describe, expect, it } from 'vitest';
import type { User } from '../../src/domain/accounts/model.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, browserSuite, signIn } from '../support/browser.js';
import { createArticle } from '../support/factories.js';

const run = browserAvailable();
const EMAIL = 'narrow@example.com';
const PASSWORD = 'a phone in one hand';
const HOUR = 3_600_000;

/**
 * On a 360 px phone no page scrolls sideways: the reader's pages, a paywalled story, the plans, checkout, and a
 * subscriber's account and subscription page with its invoice table.
 */
describe.runIf(run)('a 360 px phone, in a real browser', () => {
  const slugs = { metered: '', premium: '' };
  let subscriber: User;
  const suite = browserSuite({
    env: () => ({ MASTHEAD_PAYMENT_GATEWAY: 'test' }),
    setup: async (db) => {
      slugs.metered = (await createArticle(db, { publishedAt: new Date(Date.now() - HOUR) })).slug;
      slugs.premium = (await createArticle(db, { visibility: 'premium', publishedAt: new Date(Date.now() - HOUR) })).slug;
      ({ user: subscriber } = await provisionUser(
        db,
        { email: EMAIL, role: 'reader', name: 'Nandini Narrowscreen', password: PASSWORD },
        new Date(),
      ));
    },
  });

  /** How far the page is wider than the screen, in CSS pixels (0: nothing scrolls sideways). */
  const overflow = (page: import('playwright-core').Page) =>
    page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

  it('no page is wider than the screen, signed out or subscribed', async () => {
    const { site, base, browser } = suite;
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true });
    const page = await context.newPage();
    try {
      const widths = new Map<string, number>();
      const visit = async (path: string) => {
        const response = await page.goto(`${base}${path}`);
        expect(response?.status(), path).toBeLessThan(400);
        widths.set(path, await overflow(page));
      };
      for (const path of [
        '/',
        '/section/markets',
        `/article/${slugs.metered}`,
        `/article/${slugs.premium}`,
        '/plans',
        '/login',
        '/premium',
      ])
        await visit(path);

      // Advertising never fills the first screen of a story (on a phone the slot above the text stays empty).
      await page.goto(`${base}/article/${slugs.metered}`);
      const firstAd = await page.locator('.ad-slot:visible').first().boundingBox();
      expect(firstAd?.y).toBeGreaterThanOrEqual(740);

      // Checkout, then as a subscriber with an invoice: their account and subscription page (the invoice table).
      await signIn(page, base, EMAIL, PASSWORD);
      await visit('/subscribe/smart-essential');
      const { start } = await site.t.ctx.billing.service.startCheckout(subscriber, 'smart-quarterly');
      await site.t.ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
      for (const path of ['/account', '/account/devices', '/account/subscription']) await visit(path);
      expect(await page.locator('table.invoice-list tbody tr').count()).toBeGreaterThan(0);

      expect(Object.fromEntries(widths)).toEqual(Object.fromEntries([...widths.keys()].map((path) => [path, 0])));
    } finally {
      await context.close();
    }
  });
});
