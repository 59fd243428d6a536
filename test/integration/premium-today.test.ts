import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { loadSiteSettings, saveSiteSettings } from '../../src/domain/site/settings.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

/** 15:30 on Tuesday 24 November 2026 in Asia/Kolkata (the default zone): the day began at 18:30 UTC on the 23rd. */
const NOW = '2026-11-24T10:00:00Z';

describeEachEngine('premium today: the day’s premium stories and the promise', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let editor = '';
  /** A premium story's body: the page must never carry it. */
  const body = (word: string) => `The opening paragraph.\n\nThe second says ${word}.\n\nA third.`;
  const story = async (slug: string, visibility: 'free' | 'metered' | 'premium', publishedAt: string) =>
    createArticle(db(), {
      slug,
      headline: `Headline of ${slug}`,
      visibility,
      publishedAt: new Date(publishedAt),
      body: body(`${slug}-body-secret`),
    });
  const get = (url: string, cookie = '') => {
    t.ctx.content.invalidate();
    return t.app.inject({ url, headers: cookie ? { cookie } : {} });
  };
  const setPromise = async (promised: number) => {
    await saveSiteSettings(db(), { ...(await loadSiteSettings(db())), premiumPromisedDaily: promised });
    await t.ctx.refresh();
  };

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    await provisionUser(
      db(),
      { email: 'desk@example.com', role: 'editor', name: 'Desk Editor', password: 'an editor password' },
      new Date(),
    );
    editor = await sessionCookie(t.ctx, 'desk@example.com', 'an editor password');
    // 04:30 on the 24th in India, though still the 23rd in UTC.
    await story('dawn-premium', 'premium', '2026-11-23T23:00:00Z');
    await story('noon-premium', 'premium', '2026-11-24T09:00:00Z');
    await story('free-today', 'free', '2026-11-24T08:00:00Z');
    await story('metered-today', 'metered', '2026-11-24T08:30:00Z');
    // 23:30 on the 23rd in India: yesterday's.
    await story('late-yesterday-premium', 'premium', '2026-11-23T18:00:00Z');
    // Scheduled for 17:30 today, and for tomorrow.
    await story('evening-premium', 'premium', '2026-11-24T12:00:00Z');
    await story('tomorrow-premium', 'premium', '2026-11-25T06:00:00Z');
  });

  it('lists today’s premium stories in India, newest first, with headline, standfirst, section and time, never their text', async () => {
    const page = await get('/premium');
    expect(page.statusCode, page.body).toBe(200);
    const listed = [...page.body.matchAll(/<h[23]><a href="\/article\/([^"]+)">/g)].map((m) => m[1]);
    expect(listed).toEqual(['noon-premium', 'dawn-premium']);
    expect(page.body).toContain('<h1>2 premium stories today</h1>');
    expect(page.body).toContain('Tuesday, 24 November 2026');
    expect(page.body).toContain('Headline of dawn-premium');
    expect(page.body).toContain('<p class="kicker">Markets<span class="badge">Premium</span></p>');
    // The time in India: 04:30 and 14:30.
    expect(page.body).toMatch(/<time datetime="2026-11-23T23:00:00.000Z">4:30 am<\/time>/);
    expect(page.body).toMatch(/<time datetime="2026-11-24T09:00:00.000Z">2:30 pm<\/time>/);
    // No body text of any story, listed or not.
    expect(page.body).not.toContain('body-secret');
    expect(page.body).not.toContain('The opening paragraph');
    // No promise is set: none is made.
    expect(page.body).not.toContain('+ premium stories a day');
    expect(page.headers['cache-control']).toContain('max-age=60');

    // Readers find the page from the home page, whose strip shows today's newest (not yesterday's, not scheduled ones).
    const home = (await get('/')).body;
    expect(home).toContain('<a href="/premium">Premium today</a>');
    const strip = /<section class="block premium-strip"[^]*?<\/section>/.exec(home)?.[0] ?? '';
    expect([...strip.matchAll(/<h[23]><a href="\/article\/([^"]+)">/g)].map((m) => m[1])).toEqual(['noon-premium', 'dawn-premium']);
    expect(strip).not.toContain('body-secret');
    expect((await get('/sitemaps/pages.xml')).body).toContain('/premium</loc>');
  });

  it('counts today’s premium stories in the newsroom against the promise, and tells readers of the promise only when set', async () => {
    const none = await get('/admin/articles', editor);
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain('data-premium-today="2"');
    expect(none.body).toMatch(/>2<\/a> premium today \(1 more scheduled for later today\)/);
    expect(none.body).not.toContain('promised');

    await setPromise(30);
    const promised = await get('/admin/articles', editor);
    expect(promised.body).toMatch(
      /Premium today: <a href="\/admin\/articles\?visibility=premium&amp;from=2026-11-24&amp;to=2026-11-24">2<\/a> of 30 promised/,
    );
    // The link lists today's premium stories in the newsroom, the scheduled one too.
    const filtered = await get('/admin/articles?visibility=premium&from=2026-11-24&to=2026-11-24', editor);
    const rows = [...filtered.body.matchAll(/<a href="\/admin\/articles\/\d+\/edit">Headline of ([^<]+)</g)].map((m) => m[1]).sort();
    expect(rows).toEqual(['dawn-premium', 'evening-premium', 'noon-premium']);
    expect((await get('/premium')).body).toContain('Subscribers get 30+ premium stories a day, hand-picked by our editors.');

    // At 17:30 the scheduled story is out and counted; readers see it at the top.
    clock.set('2026-11-24T12:00:00Z');
    try {
      expect((await get('/admin/articles', editor)).body).toMatch(/>3<\/a> of 30 promised · /);
      expect((await get('/premium')).body).toContain('<h1>3 premium stories today</h1>');
    } finally {
      clock.set(NOW);
      await setPromise(0);
    }
    expect((await get('/premium')).body).not.toContain('30+');
  });

  it('on a day with none yet, says so and links to yesterday’s rather than showing an empty page', async () => {
    // 00:30 on Thursday the 26th in India: the newest premium story is the one of the 25th.
    clock.set('2026-11-25T19:00:00Z');
    try {
      const empty = await get('/premium');
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toContain('<h1>No premium stories yet today</h1>');
      expect(empty.body).toContain('The latest premium stories are <a href="/premium?day=2026-11-25">yesterday’s</a>.');
      const yesterday = await get('/premium?day=2026-11-25');
      expect(yesterday.statusCode).toBe(200);
      expect(yesterday.body).toContain('<h1>1 premium story on Wednesday, 25 November 2026</h1>');
      expect(yesterday.body).toContain('href="/article/tomorrow-premium"');
      expect(yesterday.body).toContain('<a href="/premium">Today’s premium stories</a>');
      // An older day with none points to the newest before it, by its date.
      const quiet = await get('/premium?day=2026-11-22');
      expect(quiet.body).toContain('<h1>No premium stories on Sunday, 22 November 2026</h1>');
      expect(quiet.body).not.toContain('href="/article/');
    } finally {
      clock.set(NOW);
    }
  });

  it('answers a date that does not exist with 400 and a day to come with 404', async () => {
    expect((await get('/premium?day=2026-02-30')).statusCode).toBe(400);
    expect((await get('/premium?day=yesterday')).statusCode).toBe(400);
    expect((await get('/premium?day=2026-11-25')).statusCode).toBe(404);
    expect((await get('/premium?day=2026-11-23')).body).toContain('href="/article/late-yesterday-premium"');
  });
});
