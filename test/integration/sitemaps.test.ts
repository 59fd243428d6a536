import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { upsertArticles } from '../../src/domain/content/queries.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { articleInput, createArticle } from '../support/factories.js';

const NOW = '2026-11-24T06:00:00Z';
const BASE = 'http://localhost:3000';
const locs = (xml: string) => [...xml.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => m[1]!);
const slugs = (xml: string) => locs(xml).map((loc) => loc.slice(`${BASE}/article/`.length));

/** Sitemaps by month (publisher's time zone, Asia/Kolkata by default) under one index, each under 50,000 URLs. */
describeEachEngine('monthly sitemaps', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, jobs: 'manual' });
    // A busy month: 1,200 stories in October 2026, written as the import writes them.
    const busy = Array.from({ length: 1_200 }, (_, i) =>
      articleInput({ slug: `busy-october-${i + 1}`, publishedAt: new Date(Date.UTC(2026, 9, 1 + (i % 30), 6, i % 60)) }),
    );
    await upsertArticles(db(), busy);
    // 19:00 UTC on 31 October is 00:30 on 1 November in India: a November story.
    await createArticle(db(), { slug: 'first-of-november-ist', publishedAt: new Date('2026-10-31T19:00:00Z') });
    await createArticle(db(), { slug: 'november-story', publishedAt: new Date('2026-11-20T06:00:00Z') });
    await createArticle(db(), { slug: 'march-2019', publishedAt: new Date('2019-03-14T06:00:00Z') });
    // A December of an earlier year: newest first means by date, not by the month's number.
    await createArticle(db(), { slug: 'december-2018', publishedAt: new Date('2018-12-10T06:00:00Z') });
    // Out tomorrow: in no sitemap yet, and its month not listed.
    await createArticle(db(), { slug: 'scheduled-december', publishedAt: new Date('2026-12-01T06:00:00Z') });
  });

  it('lists each month with stories in the index, newest first, and no other', async () => {
    const index = await get('/sitemap.xml');
    expect(index.statusCode).toBe(200);
    expect(locs(index.body)).toEqual([
      `${BASE}/sitemaps/pages.xml`,
      `${BASE}/sitemaps/news.xml`,
      `${BASE}/sitemaps/articles-2026-11.xml`,
      `${BASE}/sitemaps/articles-2026-10.xml`,
      `${BASE}/sitemaps/articles-2019-03.xml`,
      `${BASE}/sitemaps/articles-2018-12.xml`,
    ]);
  });

  it("gives a busy month a file of its own holding every one of its stories and nothing of another month's", async () => {
    const october = await get('/sitemaps/articles-2026-10.xml');
    expect(october.statusCode).toBe(200);
    const listed = slugs(october.body);
    expect(listed).toHaveLength(1_200);
    expect(new Set(listed).size).toBe(1_200);
    expect(listed.every((slug) => slug.startsWith('busy-october-'))).toBe(true);
    expect(october.body).toMatch(/<lastmod>\d{4}-\d{2}-\d{2}T/);

    const november = slugs((await get('/sitemaps/articles-2026-11.xml')).body);
    expect(november.sort()).toEqual(['first-of-november-ist', 'november-story']);
    expect(slugs((await get('/sitemaps/articles-2019-03.xml')).body)).toEqual(['march-2019']);
  });

  it('answers a month without stories, or not yet begun, with 404', async () => {
    expect((await get('/sitemaps/articles-2026-09.xml')).statusCode).toBe(404);
    expect((await get('/sitemaps/articles-2026-12.xml')).statusCode).toBe(404);
  });
});

/**
 * A month of more than 50,000 stories (a big daily with wire copy) is split into one sitemap per day, together listing
 * each of its stories once; the per-day counts that find such months follow inserts, changes of status and
 * publication time, and deletes.
 */
describeEachEngine('a month over the sitemap limit', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  const get = (url: string) => t.app.inject({ method: 'GET', url });
  const indexed = async () => {
    t.ctx.content.invalidate();
    return locs((await get('/sitemap.xml')).body).filter((loc) => loc.includes('/articles-2026-09'));
  };
  const septemberDays = Array.from({ length: 29 }, (_, i) => `${BASE}/sitemaps/articles-2026-09-${String(29 - i).padStart(2, '0')}.xml`);
  const septemberWhole = [`${BASE}/sitemaps/articles-2026-09.xml`];
  /** Changes the bulk stories numbered `from`–`to` with `set` (SQL). */
  const change = (from: number, to: number, set: string) =>
    sql.raw(`update articles set ${set} where slug in (select 'bulk-' || g from generate_series(${from}, ${to}) g)`).execute(db());

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now, jobs: 'manual' });
    // 50,010 published stories on 1–29 September 2026 (about 1,700 a day; 30 September has none), 5 drafts among them.
    await sql`insert into articles (slug, headline, section, visibility, provenance, status, published_at, updated_at)
      select 'bulk-' || g, 'Bulk ' || g, 'markets', 'metered', 'staff', case when g > 50010 then 'draft' else 'published' end,
        timestamptz '2026-09-01T06:00:00Z' + (g % 29) * interval '1 day' + (g / 29) * interval '1 second', now()
      from generate_series(1, 50015) g`.execute(db());
    // Midnight on 1 September in India (still 31 August in UTC): the month's first instant.
    await createArticle(db(), { slug: 'first-of-september-ist', publishedAt: new Date('2026-08-31T18:30:00Z') });
    await createArticle(db(), { slug: 'november-story', publishedAt: new Date('2026-11-20T06:00:00Z') });
  }, 120_000);

  it('lists the month as one file a day with stories, which together hold every story once and none over 50,000', async () => {
    expect(await indexed()).toEqual(septemberDays);
    const listed: string[] = [];
    for (const day of septemberDays) {
      const file = await get(day.slice(BASE.length));
      expect(file.statusCode).toBe(200);
      const entries = slugs(file.body);
      expect(entries.length).toBeLessThanOrEqual(50_000);
      listed.push(...entries);
    }
    expect(listed).toHaveLength(50_011);
    expect(new Set(listed).size).toBe(50_011);
    expect(listed).toContain('first-of-september-ist');
    expect(listed.filter((slug) => slug.startsWith('bulk-')).every((slug) => Number(slug.slice(5)) <= 50_010)).toBe(true);
  }, 120_000);

  it('answers the split month, a day of a month not split, and unknown or ill-formed days with 404', async () => {
    expect((await get('/sitemaps/articles-2026-09.xml')).statusCode).toBe(404);
    expect((await get('/sitemaps/articles-2026-11.xml')).statusCode).toBe(200);
    for (const url of [
      '/sitemaps/articles-2026-11-20.xml',
      '/sitemaps/articles-2026-09-30.xml',
      '/sitemaps/articles-2026-09-31.xml',
      '/sitemaps/articles-2026-09-00.xml',
      '/sitemaps/articles-2026-09-1.xml',
      '/sitemaps/articles-2026-09-p2.xml',
      '/sitemaps/articles-2026-09-01-01.xml',
    ]) {
      expect((await get(url)).statusCode, url).toBe(404);
    }
  });

  it('joins the month again when it falls to 50,000 and splits it when it passes, whatever the change', async () => {
    await change(1, 11, "status = 'draft'");
    expect(await indexed()).toEqual(septemberWhole);
    const whole = await get('/sitemaps/articles-2026-09.xml');
    expect(whole.statusCode).toBe(200);
    // Read in chunks of 5,000 one after another: each story once.
    expect(new Set(slugs(whole.body)).size).toBe(50_000);

    await change(50_011, 50_015, "status = 'published'");
    expect(await indexed()).toEqual(septemberDays);
    await change(50_011, 50_015, "published_at = '2026-11-21T06:00:00Z'");
    expect(await indexed()).toEqual(septemberWhole);
    await change(1, 11, "status = 'published'");
    expect(await indexed()).toEqual(septemberDays);
    await sql`delete from articles where slug in (select 'bulk-' || g from generate_series(1, 11) g)`.execute(db());
    expect(await indexed()).toEqual(septemberWhole);
  }, 120_000);
});
