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
