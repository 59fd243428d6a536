import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { reindexAll } from '../../src/domain/search/service.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine } from '../support/databases.js';
import { createArticle, createEdition } from '../support/factories.js';

const NOW = '2026-11-24T06:00:00Z';
const PASSWORD = 'a long enough password';
const LEAD = 'Pickers from the hill cities were running for the higher slopes as the river rose.';
/** A lead-in a stranger may read (a third of the body's words at most), and more. */
const BODY = [
  LEAD,
  'The estate office stayed shut for the rest of the week.',
  'Tea prices held steady at the auction in the town below.',
  'Nobody was hurt, the planters said, and the roads reopened on Friday.',
  'The next picking is due when the slopes have dried.',
].join('\n\n');

/**
 * Reader search and the e-paper's search both run in the configured language (MASTHEAD_SEARCH_CONFIG): `simple` matches
 * words as written, `english` their stems and leaves out its stop words; `masthead reindex` (reindexAll) moves what is
 * stored from one to the other.
 */
describeEachEngine('search in the configured language', (db) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let cookie = '';
  let slug = '';

  const appIn = (language: string) =>
    buildTestApp(db(), { now: clock.now, env: { MASTHEAD_SEARCH_CONFIG: language, MASTHEAD_SEARCH_RATE: '10000' } });
  const stories = async (q: string) => {
    const res = await t.app.inject({ url: `/api/v1/search?${new URLSearchParams({ q }).toString()}` });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ results: { slug: string; snippet_html: string }[] }>().results;
  };
  const epaperHits = async (q: string) => {
    const res = await t.app.inject({ url: `/epaper/search?${new URLSearchParams({ q }).toString()}`, headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    return [...res.body.matchAll(/<li><h2><a href="\/epaper\/hills\/2026-11-23\/1#region-\d+">/g)].length;
  };

  beforeAll(async () => {
    t = await appIn('simple');
    // Written after the app stored its configuration: indexed in `simple` as it is saved.
    slug = (await createArticle(db(), { headline: 'Tea estates flooded', body: BODY, publishedAt: new Date('2026-11-23T05:00:00Z') })).slug;
    await createEdition(db(), {
      name: 'Hills',
      slug: 'hills',
      date: '2026-11-23',
      stories: [{ headline: 'Tea estates flooded', text: LEAD }],
    });
    const { user } = await provisionUser(db(), { email: 'epaper@example.com', role: 'reader', password: PASSWORD }, clock.now());
    await db()
      .insertInto('entitlement_grants')
      .values({ user_id: user.id, entitlement: 'epaper', source: 'grant:test', starts_at: new Date('2026-01-01'), ends_at: null })
      .execute();
    cookie = await sessionCookie(t.ctx, 'epaper@example.com', PASSWORD);
  });

  it('in `simple`, finds words only as they are written, stop words included', async () => {
    const found = await stories('cities');
    expect(found.map((r) => r.slug)).toEqual([slug]);
    expect(found[0]!.snippet_html).toContain('<mark>cities</mark>');
    expect((await stories('were')).map((r) => r.slug)).toEqual([slug]);
    expect(await stories('city')).toEqual([]);
    expect(await epaperHits('cities')).toBe(1);
    expect(await epaperHits('were')).toBe(1);
    expect(await epaperHits('city')).toBe(0);
  });

  it('in `english` after a reindex, finds a word by its stem and leaves out the stop words', async () => {
    t = await appIn('english');
    cookie = await sessionCookie(t.ctx, 'epaper@example.com', PASSWORD);
    expect(await reindexAll(db())).toBe(1);
    const found = await stories('city');
    expect(found.map((r) => r.slug)).toEqual([slug]);
    expect(found[0]!.snippet_html).toContain('<mark>cities</mark>');
    expect(await stories('were')).toEqual([]);
    expect(await epaperHits('city')).toBe(1);
    expect(await epaperHits('were')).toBe(0);
  });
});
