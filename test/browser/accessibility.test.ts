import axe from 'axe-core';
import { describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { User } from '../../src/domain/accounts/model.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { browserAvailable, browserSuite, signIn } from '../support/browser.js';
import { createArticle } from '../support/factories.js';

const run = browserAvailable();
const PASSWORD = 'every page for everyone';
const HOUR = 3_600_000;

/** One axe finding, as printed when the test fails: the rule, its impact and the elements it names. */
interface Finding {
  page: string;
  rule: string;
  impact: string | null | undefined;
  help: string;
  targets: string[];
}

/**
 * Runs every axe rule (experimental ones too) on the page as it stands. axe is injected from the installed
 * axe-core package; the context bypasses the site's Content-Security-Policy only so that the injected script runs.
 */
async function audit(page: Page, name: string): Promise<Finding[]> {
  await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate<axe.AxeResults>(
    `axe.run(document, { runOnly: { type: 'rule', values: axe.getRules().map((r) => r.ruleId) }, resultTypes: ['violations'] })`,
  );
  return results.violations.map((v) => ({
    page: name,
    rule: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/** The findings as readable lines, so a failing run says what to fix and where. */
const report = (findings: Finding[]) =>
  findings.map((f) => `${f.page}: ${f.rule} (${f.impact}) ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n');

/**
 * axe-core finds nothing wrong on the pages readers see: home, a section, search results, the archive, an author, a
 * free, a metered, a metered-out and a premium story signed out, the plans and sign-in, then as a subscriber a premium story, the account and checkout.
 * Each page is checked on a desktop screen and on a 360 px phone.
 */
const screens = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true },
} as const;
const email = (screen: string) => `axe-${screen}@example.com`;

describe.runIf(run)('accessibility of the reader pages (axe-core, every rule)', () => {
  const slugs = { free: '', metered: '', second: '', premium: '' };
  const readers: Record<string, User> = {};
  const suite = browserSuite({
    // One free article a month, so the second metered story shows the meter's wall.
    env: () => ({ MASTHEAD_PAYMENT_GATEWAY: 'test', MASTHEAD_FREE_LIMIT: '1' }),
    setup: async (db) => {
      const publishedAt = new Date(Date.now() - HOUR);
      slugs.free = (await createArticle(db, { visibility: 'free', publishedAt })).slug;
      slugs.metered = (await createArticle(db, { publishedAt })).slug;
      slugs.second = (await createArticle(db, { section: 'economy', publishedAt })).slug;
      slugs.premium = (await createArticle(db, { visibility: 'premium', publishedAt })).slug;
      for (const screen of Object.keys(screens))
        ({ user: readers[screen] } = await provisionUser(
          db,
          { email: email(screen), role: 'reader', name: 'Asha Auditor', password: PASSWORD },
          new Date(),
        ));
    },
  });

  for (const [screen, options] of Object.entries(screens)) {
    it(`has no violation on any page, signed out and subscribed (${screen})`, { timeout: 180_000 }, async () => {
      const { site, base, browser } = suite;
      const context: BrowserContext = await browser.newContext({ ...options, bypassCSP: true });
      const page = await context.newPage();
      const findings: Finding[] = [];
      const check = async (name: string, path: string, expectText?: string) => {
        const response = await page.goto(`${base}${path}`);
        expect(response?.status(), path).toBeLessThan(400);
        if (expectText) expect(await page.locator('main').textContent(), name).toContain(expectText);
        findings.push(...(await audit(page, `${name} ${path}`)));
      };
      try {
        await check('home', '/');
        await check('section', '/section/markets');
        await check('search results', '/search?q=test', 'Test standfirst');
        await check('archive', '/archive');
        await check('author', '/author/asha-test', 'Asha Test');
        await check('free story', `/article/${slugs.free}`);
        await check('metered story', `/article/${slugs.metered}`);
        await check('metered story past the meter', `/article/${slugs.second}`, 'Subscribe');
        expect(await page.locator('.paywall').getAttribute('data-reason')).toBe('meter-exhausted');
        await check('premium story, signed out', `/article/${slugs.premium}`, 'Subscribe');
        await check('plans', '/plans');
        await check('sign-in', '/login');

        await signIn(page, base, email(screen), PASSWORD);
        await check('checkout', '/subscribe/smart-essential');
        const { start } = await site.t.ctx.billing.service.startCheckout(readers[screen]!, 'smart-quarterly');
        await site.t.ctx.billing.testGateway!.complete(start.gatewayCheckoutId!, 'approve', 'card', false);
        await check('premium story, subscribed', `/article/${slugs.premium}`);
        expect(await page.locator('.paywall').count()).toBe(0);
        await check('account', '/account');

        expect(findings, `axe violations:\n${report(findings)}`).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
