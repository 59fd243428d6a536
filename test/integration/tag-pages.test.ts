import { beforeAll, expect, it } from 'vitest';
import { upsertArticle } from '../../src/domain/content/queries.js';
import { buildTestApp, fakeClock, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { articleInput, createArticle } from '../support/factories.js';

const NOW = '2026-11-24T06:00:00Z';
const DAY = 86_400_000;
const all = (text: string, re: RegExp) => [...text.matchAll(re)].map((m) => m[1]!);

/** Tag pages: `/tag/<tag>`, linked from each story's tags, keyset-paginated like a section. */
describeEachEngine('tag pages and related stories', (db) => {
  const clock = fakeClock(NOW);
  const now = new Date(NOW).getTime();
  let t: TestApp;
  const get = (url: string) => t.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    t = await buildTestApp(db(), { now: clock.now });
  });

  it('links a story’s tags to tag pages that list every story carrying the tag, newest first, page after page', async () => {
    const tag = 'Monsoon & sowing';
    const tagged: string[] = []; // newest first
    for (let i = 0; i < 23; i++) {
      const a = await createArticle(db(), { tags: ['farm', tag], publishedAt: new Date(now - (40 + i) * DAY) });
      tagged.push(a.slug);
    }
    await createArticle(db(), { tags: ['monsoon'], publishedAt: new Date(now - 39 * DAY) });
    const story = (await get(`/article/${tagged[0]}`)).body;
    const href = '/tag/Monsoon%20%26%20sowing';
    expect(story).toContain(`<a class="tag" href="${href}">#Monsoon &amp; sowing</a>`);

    const first = await get(href);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(first.body).toContain('#Monsoon &amp; sowing</h1>');
    expect(all(first.body, /<h[23]><a href="\/article\/([^"]+)"/g)).toEqual(tagged.slice(0, 20));
    const older = /<a rel="next" href="([^"]+)">/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    expect(older).toMatch(/^\/tag\/Monsoon%20%26%20sowing\?before=\d+\.\d+$/);
    const second = await get(older!);
    expect(all(second.body, /<h[23]><a href="\/article\/([^"]+)"/g)).toEqual(tagged.slice(20));
    expect(second.body).not.toContain('rel="next"');

    // A story that loses the tag leaves its page.
    const retagged = await db().selectFrom('articles').selectAll().where('slug', '=', tagged[0]!).executeTakeFirstOrThrow();
    await upsertArticle(db(), { ...articleInput({ slug: retagged.slug, publishedAt: retagged.published_at! }), tags: ['farm'] });
    t.ctx.content.invalidate();
    expect(all((await get(href)).body, /<h[23]><a href="\/article\/([^"]+)"/g)).toEqual(tagged.slice(1, 21));

    expect((await get('/tag/no-story-has-this')).statusCode).toBe(404);
    expect((await get(`${href}?before=not-a-cursor`)).statusCode).toBe(400);
  });

  it('ends a story with related stories: the newest sharing a tag, then its section’s newest, never itself nor one not out yet', async () => {
    const at = (days: number) => new Date(now - days * DAY);
    const story = await createArticle(db(), { tags: ['ports', 'shipping'], section: 'economy', publishedAt: at(200) });
    const shipping = await createArticle(db(), { tags: ['shipping'], section: 'world', publishedAt: at(201) });
    const ports = await createArticle(db(), { tags: ['ports'], section: 'markets', publishedAt: at(202) });
    await createArticle(db(), { tags: ['ports'], section: 'markets', publishedAt: new Date(now + DAY) }); // not out yet
    const sameSection = await createArticle(db(), { tags: ['other'], section: 'economy', publishedAt: at(150) });
    const related = /<section class="related"[^]*?<\/section>/.exec((await get(`/article/${story.slug}`)).body)?.[0] ?? '';
    expect(related).toContain('<h2 id="related-title">Related stories</h2>');
    expect(all(related, /<a href="\/article\/([^"]+)">/g)).toEqual([shipping.slug, ports.slug, sameSection.slug]);
    expect(related).not.toContain(`/article/${story.slug}"`);
  });
});
