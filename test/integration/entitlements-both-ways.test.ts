import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { grantEntitlements } from '../../src/domain/entitlements/queries.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { bodyWithParagraphs, createArticle } from '../support/factories.js';

const DAY = 86_400_000;

/**
 * Every access entitlement a feature reads, checked both ways on the article page: a reader who holds it gets what
 * it promises; one who holds everything else but it does not, and no gated paragraph reaches them. (The device
 * allowance: device-allowance.test.ts; a partner bundle: partner-bundles.test.ts.)
 */
describeEachEngine('each entitlement, granted and not', (db) => {
  const clock = fakeClock('2026-11-24T06:00:00Z');
  let t: TestApp;
  let sequence = 0;
  const EVERYTHING = ['premium', 'markets', 'archive', 'ad-free'];
  const slugs = { premium: '', markets: '', archive: '', metered: '' };

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    const story = async (marker: string, fields: Parameters<typeof createArticle>[1]) =>
      (await createArticle(db(), { body: bodyWithParagraphs(6, marker), publishedAt: new Date(clock.now().getTime() - DAY), ...fields }))
        .slug;
    slugs.premium = await story('premiumtext', { visibility: 'premium', section: 'markets' });
    slugs.markets = await story('insighttext', { visibility: 'premium', section: 'markets-insight' });
    slugs.archive = await story('archivetext', { visibility: 'metered', publishedAt: new Date(clock.now().getTime() - 800 * DAY) });
    slugs.metered = await story('meteredtext', { visibility: 'metered' });
  });

  /** A signed-in reader holding exactly `entitlements` (a grant for a month). */
  const readerWith = async (entitlements: string[]) => {
    sequence++;
    const email = `holder-${sequence}@example.com`;
    const { user } = await provisionUser(db(), { email, role: 'reader', password: 'the reader password' }, clock.now());
    const until = new Date(clock.now().getTime() + 30 * DAY);
    await grantEntitlements(db(), {
      userId: user.id,
      entitlements,
      source: `grant:test-${sequence}`,
      startsAt: clock.now(),
      endsAt: until,
    });
    return sessionCookie(t.ctx, email, 'the reader password');
  };
  const page = async (slug: string, cookie: string) => (await t.app.inject({ url: `/article/${slug}`, headers: { cookie } })).body;
  /** The paragraphs after the lead-in (bodyWithParagraphs numbers them from 1). */
  const gated = (marker: string) => new RegExp(`${marker}-[3-6]`);
  const without = (key: string) => EVERYTHING.filter((k) => k !== key);

  it('premium: premium stories open; without it the paywall, and none of the gated text', async () => {
    expect(await page(slugs.premium, await readerWith(['premium']))).toMatch(gated('premiumtext'));
    const shut = await page(slugs.premium, await readerWith(without('premium').filter((k) => k !== 'markets')));
    expect(shut).toContain('data-reason="subscription-required"');
    expect(shut).not.toMatch(gated('premiumtext'));
  });

  it('markets: the markets-insight vertical opens; premium alone does not open it', async () => {
    expect(await page(slugs.markets, await readerWith(['markets']))).toMatch(gated('insighttext'));
    const shut = await page(slugs.markets, await readerWith(without('markets')));
    expect(shut).toContain('data-reason="subscription-required"');
    expect(shut).not.toMatch(gated('insighttext'));
  });

  it('archive: a story older than the archive rule opens; without it, even with premium, it does not', async () => {
    expect(await page(slugs.archive, await readerWith(['archive']))).toMatch(gated('archivetext'));
    const shut = await page(slugs.archive, await readerWith(without('archive')));
    expect(shut).toContain('data-reason="archive-subscription-required"');
    expect(shut).not.toMatch(gated('archivetext'));
  });

  it('ad-free: the story comes without advertising; without it, with the ad slots', async () => {
    const clean = await page(slugs.metered, await readerWith(['ad-free', 'premium']));
    expect(clean).toMatch(gated('meteredtext'));
    expect(clean).not.toContain('class="ad-slot"');
    const withAds = await page(slugs.metered, await readerWith(without('ad-free')));
    expect(withAds).toMatch(gated('meteredtext'));
    expect(withAds).toContain('class="ad-slot"');
  });
});
