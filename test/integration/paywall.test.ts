import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/databases.js';
import { buildTestApp, cookiesFrom, fakeClock, type TestApp } from '../support/app.js';
import { tempDir } from '../support/temp.js';
import { createArticle } from '../support/factories.js';

const GATED = /secret\d+-[3-9]/; // paragraphs after the two-paragraph lead-in

describeEachEngine('metered paywall', (db) => {
  const clock = fakeClock('2026-11-24T10:00:00Z');
  let t: TestApp;
  const metered: string[] = [];
  let premium: string;
  let free: string;
  let wire: string;

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    for (let i = 0; i < 12; i++) metered.push((await createArticle(db())).slug);
    premium = (await createArticle(db(), { visibility: 'premium' })).slug;
    free = (await createArticle(db(), { visibility: 'free' })).slug;
    wire = (await createArticle(db(), { visibility: 'free', provenance: 'wire:Asia Wire' })).slug;
  });

  const get = (url: string, cookie = '', ip = '203.0.113.7') =>
    t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {}, remoteAddress: ip });

  it('counts down the free articles and then shows the paywall with the limit filled in', async () => {
    let cookie = '';
    for (let i = 0; i < 10; i++) {
      const res = await get(`/article/${metered[i]}`, cookie);
      expect(res.statusCode).toBe(200);
      expect(res.body).toMatch(GATED);
      const left = 9 - i;
      expect(res.body).toContain(
        left === 0
          ? 'This is your last free article this month.'
          : `You have ${left} free article${left === 1 ? '' : 's'} left this month.`,
      );
      cookie = cookiesFrom(res, cookie);
    }
    const walled = await get(`/article/${metered[10]}`, cookie);
    expect(walled.statusCode).toBe(200);
    expect(walled.body).toContain('You&#39;ve reached your limit of 10 free articles this month.');
    expect(walled.body).toContain('Subscribe now for unlimited access.');
    expect(walled.body).toMatch(/Already subscribed\? <a href="\/login\?next=[^"]+">Log in<\/a>/);
    expect(walled.body).toContain('href="/plans"');
    expect(walled.body).toContain('secret'); // the lead-in is there…
    expect(walled.body).not.toMatch(GATED); // …the rest is not
    expect(walled.body).not.toMatch(/\{\{?\s*[a-z_]+\s*\}\}?/);

    // Reading an article again in the same month costs nothing.
    const reread = await get(`/article/${metered[3]}`, cookie);
    expect(reread.body).toMatch(GATED);

    // The API gives the same decision and no body.
    const api = await get(`/api/v1/articles/${metered[11]}`, cookie);
    expect(api.statusCode).toBe(200);
    expect(api.json().access).toEqual({ allowed: false, reason: 'meter-exhausted', reads_left: 0 });
    expect(api.json().article.body_html).toBeNull();
    expect(api.body).not.toMatch(GATED);
  });

  it('starts a new meter in a new month in the publisher’s time zone', async () => {
    clock.set('2026-11-30T18:00:00Z'); // 23:30 IST on 30 November
    let cookie = '';
    for (let i = 0; i < 10; i++) cookie = cookiesFrom(await get(`/article/${metered[i]}`, cookie, '198.51.100.1'), cookie);
    expect((await get(`/article/${metered[10]}`, cookie, '198.51.100.1')).body).not.toMatch(GATED);
    clock.set('2026-11-30T18:31:00Z'); // 00:01 IST on 1 December
    const res = await get(`/article/${metered[10]}`, cookie, '198.51.100.1');
    expect(res.body).toMatch(GATED);
    expect(res.body).toContain('You have 9 free articles left this month.');
    clock.set('2026-11-24T10:00:00Z');
  });

  it('cannot be extended by editing the meter cookie', async () => {
    let cookie = '';
    for (let i = 0; i < 10; i++) cookie = cookiesFrom(await get(`/article/${metered[i]}`, cookie, '192.0.2.50'), cookie);
    // Drop one article id from the signed value: the signature no longer matches, so it is not honoured as a shorter meter.
    const edited = cookie.replace(/(mh_meter=v1\.\d{4}-\d\d\.)[0-9a-z]+-/, '$1');
    expect(edited).not.toBe(cookie);
    const res = await get(`/api/v1/articles/${metered[0]}`, edited, '192.0.2.50');
    expect(res.json().access.reads_left).toBe(9); // treated as a new, empty meter, never as 1 read of 10
  });

  it('caps cookie-less reading from one network with a monthly budget', async () => {
    const small = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_NETWORK_BUDGET: '3' } });
    const ask = (slug: string, ip: string) => small.app.inject({ url: `/api/v1/articles/${slug}`, remoteAddress: ip });
    for (let i = 0; i < 3; i++) expect((await ask(metered[i]!, `10.9.8.${i + 1}`)).json().access.allowed).toBe(true);
    const blocked = await ask(metered[3]!, '10.9.8.200');
    expect(blocked.json().access).toMatchObject({ allowed: false, reason: 'network-budget-exhausted' });
    expect(blocked.body).not.toMatch(GATED);
    expect((await ask(metered[3]!, '10.9.9.1')).json().access.allowed).toBe(true); // another network
  });

  it('keeps premium stories for subscribers', async () => {
    const res = await get(`/article/${premium}`);
    expect(res.body).toContain('This premium story is for The Daily Ledger subscribers');
    expect(res.body).not.toMatch(GATED);
    expect(res.body).toContain('"isAccessibleForFree":false');
    expect(res.body).toContain('"cssSelector":".article-body"');
    expect(res.body).not.toContain('articleBody');
  });

  it('shows free stories in full, with the wire disclaimer on agency copy', async () => {
    expect((await get(`/article/${free}`)).body).toMatch(GATED);
    const res = await get(`/article/${wire}`);
    expect(res.body).toContain('Disclaimer: No The Daily Ledger journalist was involved in creation of this content.');
    expect(res.body).toContain('"isAccessibleForFree":true');
  });

  it('marks article responses private so no shared cache serves one reader’s page to another', async () => {
    const res = await get(`/article/${free}`);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(String(res.headers.vary)).toContain('Cookie');
  });

  it('shows ad slots to readers without the ad-free entitlement', async () => {
    expect((await get(`/article/${free}`)).body).toContain('class="ad-slot"');
  });

  it('gives full text to crawlers verified by published IP ranges, never by User-Agent', async () => {
    const dir = tempDir('ranges-');
    writeFileSync(
      join(dir, 'bot.json'),
      JSON.stringify({ creationTime: 'x', prefixes: [{ ipv4Prefix: '66.249.64.0/27' }, { ipv6Prefix: '2001:4860:4801:10::/64' }] }),
    );
    const c = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_CRAWLER_RANGES: join(dir, 'bot.json') } });
    const crawl = (ip: string, ua: string) =>
      c.app.inject({ url: `/article/${premium}`, remoteAddress: ip, headers: { 'user-agent': ua } });
    expect((await crawl('66.249.64.5', 'Googlebot/2.1')).body).toMatch(GATED);
    expect((await crawl('2001:4860:4801:10::1', 'anything')).body).toMatch(GATED);
    const spoofed = await crawl('203.0.113.9', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)');
    expect(spoofed.body).not.toMatch(GATED);
    const referred = await c.app.inject({
      url: `/article/${premium}`,
      remoteAddress: '203.0.113.9',
      headers: { referer: 'https://www.google.com/' },
    });
    expect(referred.body).not.toMatch(GATED);
  });

  it('never puts body text in feeds or sitemaps', async () => {
    for (const url of ['/feed.xml', '/section/markets/feed.xml', '/sitemap.xml', '/sitemaps/news.xml', '/sitemaps/articles-2026.xml']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/secret\d+-\d/);
    }
  });
});
