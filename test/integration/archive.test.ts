import { beforeAll, expect, it } from 'vitest';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle } from '../support/factories.js';

/** 15:30 on Wednesday 2 December 2026 in Asia/Kolkata (the default zone). */
const NOW = '2026-12-02T10:00:00Z';

describeEachEngine('the archive by year, month and day', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  const get = (url: string) => t.app.inject({ url });
  const slugs = (html: string) => [...html.matchAll(/href="\/article\/([^"]+)"/g)].map((m) => m[1]);
  const links = (html: string) => [...html.matchAll(/<li><a href="(\/archive\/[^"]+)">/g)].map((m) => m[1] ?? '');

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
    // 14 March 1997, 23:00 in Kolkata: 17:30 UTC, still the 14th there (the 15th would be wrong by the UTC date).
    await createArticle(db(), { slug: 'first-story', headline: 'The first story', publishedAt: new Date('1997-03-14T17:30:00Z') });
    await createArticle(db(), { slug: 'march-later', publishedAt: new Date('1997-03-20T06:00:00Z') });
    await createArticle(db(), { slug: 'december-1997', publishedAt: new Date('1997-12-02T06:00:00Z') });
    await createArticle(db(), { slug: 'december-2015', publishedAt: new Date('2015-12-02T06:00:00Z') });
    for (let i = 0; i < 55; i++) await createArticle(db(), { slug: `busy-${i}`, publishedAt: new Date(Date.UTC(2020, 5, 9, 4, 0, i)) });
    await createArticle(db(), { slug: 'today', publishedAt: new Date('2026-12-02T05:00:00Z') });
    // Not out yet: in no list.
    await createArticle(db(), { slug: 'scheduled', publishedAt: new Date('2026-12-02T12:00:00Z') });
  });

  it('lists the years back to the first story, and this day in earlier years', async () => {
    const res = await get('/archive');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Every story since 1997');
    expect(links(res.body).filter((href) => /^\/archive\/\d{4}$/.test(href))).toEqual([
      '/archive/2026',
      '/archive/2020',
      '/archive/2015',
      '/archive/1997',
    ]);
    const onThisDay = res.body.slice(res.body.indexOf('id="on-this-day"'));
    expect(onThisDay).toContain('On this day, 2 December');
    // Earlier years only, newest first; not today's own stories.
    expect(slugs(onThisDay)).toEqual(['december-2015', 'december-1997']);
    // The footer on every page leads here.
    expect((await get('/')).body).toContain('<a href="/archive">Archive</a>');
  });

  it('a year shows its months, those with stories as links; a month its days, in the publisher’s time zone', async () => {
    const year = await get('/archive/1997');
    expect(year.statusCode).toBe(200);
    expect(links(year.body)).toEqual(['/archive/1997/03', '/archive/1997/12']);
    // The next year with stories, skipping the empty ones between.
    expect(year.body).toContain('<a href="/archive/2015">2015 →</a>');
    expect(year.body).toContain('<span class="empty">April</span>');

    const month = await get('/archive/1997/03');
    expect(month.statusCode).toBe(200);
    expect(month.body).toContain('<h1>March 1997</h1>');
    expect(links(month.body).filter((href) => href.startsWith('/archive/1997/03/'))).toEqual([
      '/archive/1997/03/14',
      '/archive/1997/03/20',
    ]);

    const day = await get('/archive/1997/03/14');
    expect(day.statusCode).toBe(200);
    expect(day.body).toContain('<h1>Friday, 14 March 1997</h1>');
    expect(slugs(day.body)).toEqual(['first-story']);

    // An empty month or day says so, and asks search engines to leave it out of their index; those with stories do not.
    const noindex = '<meta name="robots" content="noindex">';
    const emptyDay = (await get('/archive/1997/03/15')).body;
    expect(emptyDay).toContain('No stories were published on this day.');
    const emptyMonth = await get('/archive/1997/04');
    expect(emptyMonth.statusCode).toBe(200);
    expect(emptyMonth.body).toContain('No stories were published in April 1997.');
    for (const page of [emptyDay, emptyMonth.body]) expect(page).toContain(noindex);
    for (const page of [year.body, month.body, day.body]) expect(page).not.toContain(noindex);
    expect(month.body).not.toContain('No stories were published');

    // Previous and next lead to the nearest months and days with stories, skipping the empty ones between.
    const pagerOf = async (url: string) =>
      /<nav class="pager" aria-label="Nearby in the archive">(.*?)<\/nav>/s.exec((await get(url)).body)?.[1] ?? '';
    const pager = (previous: string, next: string) => `<span>${previous}</span><span>${next}</span>`;
    expect(await pagerOf('/archive/1997/03')).toBe(pager('', '<a href="/archive/1997/12">December 1997 →</a>'));
    expect(await pagerOf('/archive/1997/12')).toBe(
      pager('<a href="/archive/1997/03">← March 1997</a>', '<a href="/archive/2015/12">December 2015 →</a>'),
    );
    expect(await pagerOf('/archive/1997/03/14')).toBe(pager('', '<a href="/archive/1997/03/20">Thursday, 20 March 1997 →</a>'));
    expect(await pagerOf('/archive/1997/03/15')).toBe(
      pager('<a href="/archive/1997/03/14">← Friday, 14 March 1997</a>', '<a href="/archive/1997/03/20">Thursday, 20 March 1997 →</a>'),
    );
    // Today: the story scheduled for later today makes no next day or month.
    expect(await pagerOf('/archive/2026/12/02')).toBe(pager('<a href="/archive/2020/06/09">← Tuesday, 9 June 2020</a>', ''));
    expect(await pagerOf('/archive/2026/12')).toBe(pager('<a href="/archive/2020/06">← June 2020</a>', ''));
  });

  it('pages a busy day by its own keyset, and never lists a story before its time', async () => {
    const first = await get('/archive/2020/06/09');
    const listed = slugs(first.body);
    expect(listed).toHaveLength(50);
    expect(listed[0]).toBe('busy-54');
    const older = /href="(\/archive\/2020\/06\/09\?before=[^"]+)"/.exec(first.body)?.[1];
    expect(older).toBeDefined();
    const second = await get(older!);
    expect(slugs(second.body)).toEqual(['busy-4', 'busy-3', 'busy-2', 'busy-1', 'busy-0']);

    const today = await get('/archive/2026/12/02');
    expect(slugs(today.body)).toEqual(['today']);
  });

  it('answers a period outside the archive, a date that does not exist or a bad address with a 4xx page', async () => {
    for (const url of [
      '/archive/1996',
      '/archive/2027',
      '/archive/1997/13',
      '/archive/2026/12/03',
      '/archive/1997/02/30',
      '/archive/2027/01',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toContain('text/html');
    }
    for (const url of ['/archive/97', '/archive/1997/3', '/archive/1997/03/14?before=x']) {
      const res = await get(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
    }
  });

  it('an archive story still follows the archive rule: the day page lists it, the story page keeps its body for subscribers', async () => {
    const day = await get('/archive/1997/03/14');
    expect(day.body).toContain('Stories more than 365 days old are for subscribers with archive access.');
    const story = await get('/article/first-story');
    expect(story.body).toContain('data-reason="archive-subscription-required"');
  });
});
