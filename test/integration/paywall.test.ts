import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeEachEngine } from '../support/databases.js';
import { buildTestApp, cookiesFrom, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
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

  /** Reads the first `count` metered articles from `ip`; returns the cookie after each read. */
  async function readMetered(count: number, ip: string): Promise<string[]> {
    let cookie = '';
    const after: string[] = [];
    for (let i = 0; i < count; i++) {
      cookie = cookiesFrom(await get(`/article/${metered[i]}`, cookie, ip), cookie);
      after.push(cookie);
    }
    return after;
  }
  const access = async (slug: string, cookie: string, ip: string) => (await get(`/api/v1/articles/${slug}`, cookie, ip)).json().access;

  it('keeps the meter on the server: the cookie names the reader and carries no count', async () => {
    const after = await readMetered(3, '192.0.2.40');
    expect(after[0]).toMatch(/^mh_reader=r1\.[\w-]{22}\.[\w-]{22}$/);
    // One id for the whole month: reading more never rewrites the cookie.
    expect(new Set(after).size).toBe(1);
    expect(await access(metered[3]!, after[2]!, '192.0.2.40')).toEqual({ allowed: true, reason: 'metered', reads_left: 6 });
  });

  it('gives nothing for an edited, truncated or re-signed cookie: it counts as a used-up meter, with a free account offered', async () => {
    const [cookie] = (await readMetered(10, '192.0.2.50')).slice(-1);
    const value = cookie!.slice('mh_reader='.length);
    const [version, id, sig] = value.split('.');
    const other = (await readMetered(1, '192.0.2.51'))[0]!.slice('mh_reader='.length).split('.');
    const forgeries = [
      `mh_reader=${value.slice(0, -1)}${value.endsWith('A') ? 'B' : 'A'}`, // edited signature
      `mh_reader=${version}.${id!.slice(0, -1)}${id!.endsWith('A') ? 'B' : 'A'}.${sig}`, // edited id
      `mh_reader=${value.slice(0, 30)}`, // truncated
      `mh_reader=${version}.${id}.${other[2]}`, // another reader's signature on this id
      'mh_reader=garbage',
    ];
    for (const forged of forgeries) {
      expect(await access(metered[10]!, forged, '192.0.2.50'), forged).toMatchObject({
        allowed: false,
        reason: 'network-budget-exhausted',
      });
      const page = await get(`/article/${metered[10]}`, forged, '192.0.2.50');
      expect(page.body).not.toMatch(GATED);
      expect(page.body).toContain('Create a free account to keep reading on a meter of your own.');
      expect(page.body).toMatch(/href="\/register\?next=%2Farticle%2F/);
      expect(page.cookies).toEqual([]); // no fresh meter handed out either
    }
  });

  it('gives nothing for presenting an older cookie again', async () => {
    const after = await readMetered(10, '192.0.2.60');
    // The cookie from the first read names the same meter, now used up.
    expect(await access(metered[10]!, after[0]!, '192.0.2.60')).toEqual({ allowed: false, reason: 'meter-exhausted', reads_left: 0 });
  });

  it('gives at most one article to ten concurrent requests when one free article is left', async () => {
    const [cookie] = (await readMetered(9, '192.0.2.70')).slice(-1);
    const racing = await Promise.all(
      Array.from({ length: 10 }, (_, i) => get(`/api/v1/articles/${i < 3 ? metered[9] : metered[10 + (i % 2)]}`, cookie, '192.0.2.70')),
    );
    const allowed = racing.filter((res) => res.json().access.allowed);
    const slugsRead = new Set(allowed.map((res) => res.json().article.slug));
    expect(slugsRead.size).toBe(1); // one new article, however many requests for it got through
    expect(racing.filter((res) => !res.json().access.allowed).every((res) => res.json().article.body_html === null)).toBe(true);
    expect(await access(metered[11]!, cookie!, '192.0.2.70')).toMatchObject({ allowed: false, reason: 'meter-exhausted' });
  });

  it('caps cookie-less reading from one network with a monthly budget', async () => {
    const small = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_NETWORK_BUDGET: '3' } });
    const ask = (slug: string, ip: string) => small.app.inject({ url: `/api/v1/articles/${slug}`, remoteAddress: ip });
    for (let i = 0; i < 3; i++) expect((await ask(metered[i]!, `10.9.8.${i + 1}`)).json().access.allowed).toBe(true);
    const blocked = await ask(metered[3]!, '10.9.8.200');
    expect(blocked.json().access).toMatchObject({ allowed: false, reason: 'network-budget-exhausted' });
    expect(blocked.body).not.toMatch(GATED);
    // Never a dead end: the wall offers a free account, which has a meter of its own.
    const page = await small.app.inject({ url: `/article/${metered[3]}`, remoteAddress: '10.9.8.201' });
    expect(page.body).toContain('Create a free account to keep reading on a meter of your own.');
    expect(page.body).toContain(`href="/register?next=%2Farticle%2F${metered[3]}"`);
    expect((await ask(metered[3]!, '10.9.9.1')).json().access.allowed).toBe(true); // another network
  });

  it('cuts the lead-in by blocks the same way on the page and in the API: a 30-item list is not shown whole', async () => {
    const list = Array.from({ length: 30 }, (_, i) => `- listed-${i}: a point worth making`).join('\n');
    const tail = Array.from({ length: 8 }, (_, i) => `tail-${i} ${'more words of the story '.repeat(10)}`).join('\n\n');
    const { slug } = await createArticle(db(), { visibility: 'premium', body: `${list}\n\n${tail}` });
    const page = await get(`/article/${slug}`);
    const api = (await get(`/api/v1/articles/${slug}`)).json().article;
    for (const text of [page.body, api.lead_html as string]) {
      expect(text).toContain('listed-0');
      expect(text).toContain('listed-1');
      expect(text).not.toContain('listed-2');
      expect(text).not.toContain('tail-');
    }
    expect(page.body).toContain(api.lead_html);
  });

  it('keeps premium stories for subscribers', async () => {
    const res = await get(`/article/${premium}`);
    expect(res.body).toContain('This premium story is for subscribers to The Daily Ledger');
    expect(res.body).not.toMatch(GATED);
    expect(res.body).toContain('"isAccessibleForFree":false');
    expect(res.body).toContain('"cssSelector":".article-body"');
    expect(res.body).not.toContain('articleBody');
  });

  it('sells on the paywall: each plan as a card with its price per month and term, a button back to the story once paid', async () => {
    const shut = (await get(`/article/${premium}`)).body;
    const cards = /<ul class="paywall-plans">([^]*?)<\/ul>/.exec(shut)?.[1] ?? '';
    expect([...cards.matchAll(/data-plan="([^"]+)"/g)].map((m) => m[1])).toEqual(['smart-quarterly', 'smart-essential', 'super-saver']);
    expect(cards).toContain('₹300/Month');
    expect(cards).toContain('Billed ₹900 every 3 months, GST included. Renews automatically; cancel anytime.');
    expect(cards).toContain(`href="/subscribe/smart-quarterly?from=%2Farticle%2F${premium}"`);
    expect(shut).toContain(`Already subscribed? <a href="/login?next=%2Farticle%2F${premium}">Log in</a>`);
    // A reader let in gets no cards; the meter's countdown links to the plans.
    const open = (await get(`/article/${metered[0]}`)).body;
    expect(open).not.toContain('paywall-plans');
    expect(open).toMatch(
      /<p class="meter-note" role="status">You have \d+ free articles? left this month\. <a href="\/plans">See the plans<\/a><\/p>/,
    );
  });

  it('wraps only the gated part in the class the structured data names, for readers shut out and let in', async () => {
    const gatedPart = (body: string) => /<div class="article-body">([^]*?)<\/div>\n/.exec(body)?.[1] ?? '';
    const shut = (await get(`/article/${premium}`)).body;
    expect(gatedPart(shut)).toContain('This premium story is for subscribers');
    expect(gatedPart(shut)).not.toMatch(/secret\d+-1/);
    expect(shut).toMatch(/<div class="article-lead"><p>secret\d+-1/);
    const open = (await get(`/article/${free}`)).body;
    expect(open).toMatch(/<div class="article-lead"><p>secret\d+-1/);
    expect(gatedPart(open)).toMatch(/^<p>secret\d+-3/);
    expect(gatedPart(open)).not.toMatch(/secret\d+-[12]:/);
  });

  it('shows free stories in full, with the wire disclaimer on agency copy', async () => {
    expect((await get(`/article/${free}`)).body).toMatch(GATED);
    const res = await get(`/article/${wire}`);
    expect(res.body).toContain('Disclaimer: No journalist from The Daily Ledger was involved in the creation of this content.');
    expect(res.body).toContain('"isAccessibleForFree":true');
  });

  it('marks article responses private so no shared cache serves one reader’s page to another', async () => {
    const res = await get(`/article/${free}`);
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(String(res.headers.vary)).toContain('Cookie');
  });

  it('lets shared caches keep the front, section and plans pages only for readers who are not signed in', async () => {
    await provisionUser(
      db(),
      { email: 'cached@example.com', role: 'reader', name: 'Cache Reader', password: 'a cached reader password' },
      clock.now(),
    );
    const cookie = await sessionCookie(t.ctx, 'cached@example.com', 'a cached reader password');
    const { section } = (await db().query<{ section: string }>('select section from articles where slug = $1', [free])).rows[0]!;
    for (const url of ['/', `/section/${section}`, '/plans']) {
      const anonymous = await get(url);
      expect([anonymous.statusCode, anonymous.headers['cache-control']], url).toEqual([
        200,
        expect.stringMatching(/^public, max-age=\d+$/),
      ]);
      expect(String(anonymous.headers.vary), url).toContain('Cookie');
      // The signed-in page names the reader: a shared cache must never hand it to anyone else.
      const signedIn = await get(url, cookie);
      expect([signedIn.statusCode, signedIn.headers['cache-control']], url).toEqual([200, 'private, no-cache']);
      expect(signedIn.body, url).toContain('Cache Reader');
      expect(anonymous.body, url).not.toContain('Cache Reader');
    }
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
    for (const url of ['/feed.xml', '/section/markets/feed.xml', '/sitemap.xml', '/sitemaps/news.xml', '/sitemaps/articles-2026-11.xml']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toMatch(/secret\d+-\d/);
    }
  });
});
