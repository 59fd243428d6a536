import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { provisionUser } from '../../src/domain/accounts/provisioning.js';
import { grantEntitlements } from '../../src/domain/entitlements/queries.js';
import { upsertArticle } from '../../src/domain/content/queries.js';
import { withSearchSettings } from '../../src/domain/search/queries.js';
import { SEARCH_HELD_MS } from '../../src/domain/search/service.js';
import { buildTestApp, fakeClock, sessionCookie, type TestApp } from '../support/app.js';
import { describeEachEngine, holdTable } from '../support/databases.js';
import { articleInput, createArticle } from '../support/factories.js';
import { tempDir } from '../support/temp.js';

const NOW = '2026-11-24T06:00:00Z';
const DAY = 86_400_000;
const at = (days: number) => new Date(new Date(NOW).getTime() - days * DAY);
/** A word that only the gated body of the premium story holds. */
const GATED_WORD = 'quetzalcoatl';
const filler = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => `Paragraph ${i + 1} is about the ${word} harvest and little else.`).join('\n\n');

/** Reader search: `/search` and `/api/v1/search`, relevance, snippets only from what the reader may read, filters. */
describeEachEngine('reader search', (db, engine) => {
  const clock = fakeClock(NOW);
  let t: TestApp;
  let crawlerApp: TestApp;
  let premium: string;
  const get = (url: string, headers: Record<string, string> = {}, app = () => t) => app().app.inject({ method: 'GET', url, headers });
  const api = async (query: string, headers: Record<string, string> = {}) => {
    const res = await get(`/api/v1/search?${query}`, headers);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{
      results: { slug: string; headline_html: string; snippet_html: string; snippet_from: string }[];
      next_page: number | null;
      next_cursor: string | null;
    }>();
  };
  const slugs = async (query: string) => (await api(query)).results.map((r) => r.slug);
  // The tests write straight to the database; the app's writers announce each change, and every instance then
  // forgets what it held (searches too): as they do after a change.
  const announced = () => Promise.all([t.ctx.refresh(), crawlerApp.ctx.refresh()]);
  /** A signed-in reader entitled to premium stories. */
  const subscriberCookie = async (email: string) => {
    const { user } = await provisionUser(db(), { email, role: 'reader', password: 'a long reader password' }, clock.now());
    await grantEntitlements(db(), {
      userId: user.id,
      entitlements: ['premium'],
      source: 'test:complimentary',
      startsAt: at(10),
      endsAt: at(-300),
    });
    return sessionCookie(t.ctx, email, 'a long reader password');
  };

  beforeAll(async () => {
    // These tests search far more often than a reader may (MASTHEAD_SEARCH_RATE); the limit has a test of its own.
    t = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_SEARCH_RATE: '10000' } });
    const dir = tempDir('ranges-');
    writeFileSync(join(dir, 'bot.json'), JSON.stringify({ creationTime: 'x', prefixes: [{ ipv4Prefix: '66.249.64.0/27' }] }));
    crawlerApp = await buildTestApp(db(), {
      now: clock.now,
      env: { MASTHEAD_CRAWLER_RANGES: join(dir, 'bot.json'), MASTHEAD_SEARCH_RATE: '10000' },
    });
    // A premium story whose body (after the lead-in) holds a word nothing else does.
    premium = (
      await createArticle(db(), {
        headline: 'Cardamom growers count the cost of the rains',
        standfirst: 'Plantations in the hills lost a season.',
        body: `${filler(6, 'cardamom')}\n\nThe ${GATED_WORD} clause in the contracts decided who was paid.`,
        visibility: 'premium',
        section: 'economy',
        publishedAt: at(3),
      })
    ).slug;
  });

  it('ranks a story with the phrase above one with the words scattered, and the newer duplicate first by date', async () => {
    const scattered = await createArticle(db(), {
      headline: 'Monsoon notes',
      body: `The repo market was calm.\n\n${filler(3, 'tea')}\n\nSome said the reverse would follow later.`,
      visibility: 'free',
      publishedAt: at(1),
    });
    const phrase = await createArticle(db(), {
      headline: 'What the central bank did',
      body: `The bank cut its reverse repo rate on Tuesday.\n\n${filler(3, 'tea')}`,
      visibility: 'free',
      publishedAt: at(10),
    });
    expect(await slugs('q=reverse%20repo')).toEqual([phrase.slug, scattered.slug]);
    expect(await slugs('q=%22reverse%20repo%22')).toEqual([phrase.slug]);

    const older = await createArticle(db(), { headline: 'Saffron prices climb in Pampore', publishedAt: at(30), visibility: 'free' });
    const newer = await createArticle(db(), { headline: 'Saffron prices climb in Pampore', publishedAt: at(2), visibility: 'free' });
    expect(await slugs('q=saffron%20pampore&sort=date')).toEqual([newer.slug, older.slug]);
    // Keyset pages in date order.
    const first = await api('q=saffron&sort=date&limit=1');
    expect(first.results.map((r) => r.slug)).toEqual([newer.slug]);
    expect(first.next_cursor).toMatch(/^\d+\.\d+$/);
    expect(await slugs(`q=saffron&sort=date&limit=1&after=${first.next_cursor!}`)).toEqual([older.slug]);
    // Relevance pages by number.
    const page1 = await api('q=saffron&limit=1');
    expect(page1.next_page).toBe(2);
    expect([...page1.results, ...(await api('q=saffron&limit=1&page=2')).results].map((r) => r.slug).sort()).toEqual(
      [older.slug, newer.slug].sort(),
    );
  });

  it('never shows a word of a premium story’s gated body to a reader without access, yet finds the story by its headline', async () => {
    for (const reader of [{}, { cookie: 'mh_reader=forged' }]) {
      const byBody = await get(`/api/v1/search?q=${GATED_WORD}`, reader);
      expect(byBody.body).not.toMatch(new RegExp(GATED_WORD, 'i'));
      const page = await get(`/search?q=${GATED_WORD}`, reader);
      expect(page.statusCode).toBe(200);
      // The page repeats the reader's own words only in the form and title.
      expect(page.body.replaceAll(`value="${GATED_WORD}"`, '').replaceAll(`Search: ${GATED_WORD}`, '')).not.toMatch(
        new RegExp(GATED_WORD, 'i'),
      );
    }
    const found = await api('q=cardamom%20growers');
    const hit = found.results.find((r) => r.slug === premium);
    expect(hit?.headline_html).toBe('<mark>Cardamom</mark> <mark>growers</mark> count the cost of the rains');
    expect(hit?.snippet_from).toBe('lead');
    expect(JSON.stringify(found)).not.toContain(GATED_WORD);
  });

  it('takes a lead-in snippet from the body as it is now: a word an edit moved behind the paywall is gone from it', async () => {
    const input = articleInput({
      headline: 'The valley’s spice crop',
      body: `The kesar crop came in early this year.\n\n${filler(7, 'spice')}`,
      visibility: 'premium',
      publishedAt: at(1),
    });
    await upsertArticle(db(), input);
    const before = (await api('q=kesar')).results.find((r) => r.slug === input.slug);
    expect(before?.snippet_from).toBe('lead');
    expect(before?.snippet_html).toContain('<mark>kesar</mark>');
    // From the start of what a stranger may read, and the story goes on after its lead-in.
    expect(before?.snippet_html).toMatch(/^Test standfirst \d+\. The <mark>kesar<\/mark> crop came in early this year\. .* …$/);
    await upsertArticle(db(), {
      ...input,
      body: `The zafran crop came in early this year.\n\n${filler(4, 'spice')}\n\nThe kesar went to market.\n\n${filler(3, 'spice')}`,
    });
    await announced();
    const after = (await api('q=kesar')).results.find((r) => r.slug === input.slug);
    expect(after?.snippet_from).toBe('lead');
    expect(after?.snippet_html).toContain('zafran');
    expect(after?.snippet_html).not.toContain('kesar');
  });

  it('gives body snippets to an entitled subscriber and to a verified crawler', async () => {
    const cookie = await subscriberCookie('sub@example.com');
    const page = await get(`/search?q=${GATED_WORD}`, { cookie });
    expect(page.body).toContain(`<a href="/article/${premium}">`);
    expect(page.body).toContain(`<mark>${GATED_WORD}</mark> clause`);
    // The story's last words: cut before, not after.
    expect(page.body).toMatch(
      new RegExp(`<p class="snippet">… .*<mark>${GATED_WORD}</mark> clause in the contracts decided who was paid</p>`),
    );
    expect(page.headers['cache-control']).toBe('private, no-cache');

    const crawled = await crawlerApp.app.inject({ url: `/search?q=${GATED_WORD}`, remoteAddress: '66.249.64.5' });
    expect(crawled.body).toContain(`<mark>${GATED_WORD}</mark> clause`);
    const spoofed = await crawlerApp.app.inject({
      url: `/search?q=${GATED_WORD}`,
      remoteAddress: '203.0.113.9',
      headers: { 'user-agent': 'Googlebot/2.1' },
    });
    expect(spoofed.body).not.toContain(`<mark>${GATED_WORD}</mark>`);
  });

  it('marks the words where they stand in a long story for a subscriber, in any of their forms', async () => {
    // ~4,000 characters before the words and between them: the snippet is made from the passages around them.
    const story = await createArticle(db(), {
      headline: 'Notes from the spice belt',
      body: `${filler(70, 'nutmeg')}\n\nThree port cities traded most of the crop.\n\n${filler(70, 'mace')}\n\nThe old auction houses were dying out.`,
      visibility: 'premium',
      section: 'economy',
      publishedAt: at(4),
    });
    await announced();
    const cookie = await subscriberCookie('long@example.com');
    const snippet = async (q: string) => {
      const page = (await get(`/search?q=${encodeURIComponent(q)}`, { cookie })).body;
      return /<a href="\/article\/([^"]+)">.*?<p class="snippet">(.*?)<\/p>/s.exec(page)?.slice(1).join(': ') ?? '';
    };
    // From the middle of the story: cut before and after.
    expect(await snippet('port city')).toMatch(new RegExp(`^${story.slug}: … .*<mark>port</mark> <mark>cities</mark> traded.* …$`));
    // A stem that is not the start of its word ("dying", die), alone and beside another word.
    expect(await snippet('die')).toMatch(new RegExp(`^${story.slug}: … .*houses were <mark>dying</mark>`));
    expect(await snippet('auction die')).toMatch(new RegExp(`^${story.slug}: .*<mark>auction</mark> houses were <mark>dying</mark>`));
    // Two words thousands of characters apart are both shown.
    expect(await snippet('cities auction')).toMatch(new RegExp(`^${story.slug}: .*<mark>cities</mark>.*<mark>auction</mark>`));
  });

  it('filters by section, dates, author and type', async () => {
    const word = 'jaggery';
    const a = await createArticle(db(), {
      headline: `A ${word} story`,
      section: 'markets',
      authors: ['Ravi Filter'],
      visibility: 'free',
      publishedAt: at(5),
      provenance: 'staff',
    });
    const b = await createArticle(db(), {
      headline: `B ${word} story`,
      section: 'economy',
      authors: ['Mira Other'],
      visibility: 'premium',
      publishedAt: at(40),
      provenance: 'wire:PTI',
    });
    const c = await createArticle(db(), {
      headline: `C ${word} story`,
      section: 'markets',
      authors: ['Mira Other'],
      visibility: 'metered',
      publishedAt: at(80),
      provenance: 'staff',
    });
    const sorted = (list: string[]) => [...list].sort();
    expect(sorted(await slugs(`q=${word}`))).toEqual(sorted([a.slug, b.slug, c.slug]));
    expect(sorted(await slugs(`q=${word}&section=markets`))).toEqual(sorted([a.slug, c.slug]));
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(await slugs(`q=${word}&from=${day(at(50))}&to=${day(at(30))}`)).toEqual([b.slug]);
    expect(await slugs(`q=${word}&from=${day(at(6))}`)).toEqual([a.slug]);
    const author = await db().selectFrom('authors').select('slug').where('name', '=', 'Ravi Filter').executeTakeFirstOrThrow();
    expect(await slugs(`q=${word}&author=${author.slug}`)).toEqual([a.slug]);
    // The author's page searches within their stories, and the results page says so, with the way out.
    const profile = (await get(`/author/${author.slug}`)).body;
    expect(profile).toContain('<label for="within-q">Search Ravi Filter’s stories</label>');
    expect(profile).toContain(`<input type="hidden" name="author" value="${author.slug}">`);
    // A section's front page searches within the section.
    const markets = (await get('/section/markets')).body;
    expect(markets).toContain('<label for="within-q">Search Markets</label>');
    expect(markets).toContain('<input type="hidden" name="section" value="markets">');
    const within = (await get(`/search?q=${word}&author=${author.slug}`)).body;
    expect(within).toContain(
      `<p class="search-author">In the stories of <a href="/author/${author.slug}">Ravi Filter</a> · <a href="/search?q=${word}">search every author’s</a></p>`,
    );
    expect(await slugs(`q=${word}&type=premium`)).toEqual([b.slug]);
    expect(await slugs(`q=${word}&type=free`)).toEqual([a.slug]);
    expect(await slugs(`q=${word}&type=metered`)).toEqual([c.slug]);
    expect(await slugs(`q=${word}&type=wire`)).toEqual([b.slug]);
    // Authors' names are searchable words too.
    expect(await slugs(`q=ravi%20filter`)).toEqual([a.slug]);
  });

  it('matches prefixes: a starred word and the word still being typed', async () => {
    const story = await createArticle(db(), { headline: 'Inflation eases in October', visibility: 'free', publishedAt: at(4) });
    expect(await slugs('q=infla*')).toContain(story.slug);
    expect(await slugs('q=october%20infla')).toContain(story.slug);
    expect(await slugs('q=october%20zzinfla')).not.toContain(story.slug);
    // The word as typed ranks above a newer story that only has a longer word it begins.
    const whole = await createArticle(db(), { headline: 'Mahua flower prices fall', visibility: 'free', publishedAt: at(9) });
    const longer = await createArticle(db(), { headline: 'Mahuadanr school reopens', visibility: 'free', publishedAt: at(3) });
    expect(await slugs('q=mahua')).toEqual([whole.slug, longer.slug]);
    expect(await slugs('q=mahua&sort=date')).toEqual([longer.slug, whole.slug]);
  });

  it('finds a changed article by its new words at once, and never a draft, unpublished or scheduled one', async () => {
    const input = articleInput({ headline: 'Tamarind exports', visibility: 'free', publishedAt: at(2) });
    await upsertArticle(db(), input);
    expect(await slugs('q=tamarind')).toEqual([input.slug]);
    await upsertArticle(db(), { ...input, headline: 'Kokum exports' });
    await announced();
    expect(await slugs('q=tamarind')).toEqual([]);
    expect(await slugs('q=kokum')).toEqual([input.slug]);
    await createArticle(db(), { headline: 'Kokum tomorrow', visibility: 'free', publishedAt: at(-1) });
    await announced();
    expect(await slugs('q=kokum')).toEqual([input.slug]);
    await db().updateTable('articles').set({ status: 'unpublished' }).where('slug', '=', input.slug).execute();
    await announced();
    expect(await slugs('q=kokum')).toEqual([]);
  });

  it('answers a search asked again from what it found, until a change is announced or the hold ends, with each reader’s own snippets', async () => {
    const first = await createArticle(db(), { headline: 'Jamun orchards flower early', visibility: 'free', publishedAt: at(5) });
    expect(await slugs('q=jamun&sort=date')).toEqual([first.slug]);
    // Written without a word to the app: the search asked again is answered from what it found.
    const second = await createArticle(db(), { headline: 'Jamun prices double', visibility: 'free', publishedAt: at(4) });
    expect(await slugs('q=jamun&sort=date')).toEqual([first.slug]);
    clock.advance(SEARCH_HELD_MS);
    expect(await slugs('q=jamun&sort=date')).toEqual([second.slug, first.slug]);
    // A change announced (as every writer does) is found at once.
    const third = await createArticle(db(), { headline: 'Jamun wine from Goa', visibility: 'free', publishedAt: at(3) });
    await announced();
    expect(await slugs('q=jamun&sort=date')).toEqual([third.slug, second.slug, first.slug]);

    // What was found for a subscriber never carries the subscriber's snippets to a stranger, nor back.
    const cookie = await subscriberCookie('held@example.com');
    const query = `/search?q=${GATED_WORD}%20clause`;
    for (let round = 0; round < 2; round++) {
      expect((await get(query, { cookie })).body).toContain(`<mark>${GATED_WORD}</mark> <mark>clause</mark>`);
      const stranger = (await get(query)).body;
      expect(stranger).toContain(`<a href="/article/${premium}">`);
      expect(stranger).not.toContain(`<mark>${GATED_WORD}</mark>`);
    }
  });

  it('keeps each story’s search document in its row, where ranking reads it, not in the TOAST table', async () => {
    // Ranking reads the documents of the newest 2,000 matches; read from the TOAST table they cost twice as much
    // (migration 040, docs/benchmarks.md).
    const { rows } = await sql<{ storage: string }>`select attstorage as storage from pg_attribute
      where attrelid = 'articles'::regclass and attname = 'search_document'`.execute(db());
    expect(rows).toEqual([{ storage: 'm' }]);
  });

  it('answers bad queries with a form, a 400 or no results, never a 500', async () => {
    const empty = await get('/search?q=%20%20');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toMatch(/<label for="search-q">Search for<\/label>/);
    expect(empty.body).not.toContain('class="search-results"');
    expect((await get('/search')).statusCode).toBe(200);

    const long = 'a'.repeat(10_000);
    const page = await get(`/search?q=${long}`);
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const json = await get(`/api/v1/search?q=${long}`);
    expect(json.statusCode).toBe(400);
    expect(json.json()).toEqual({ error: { code: 'invalid-input', message: expect.any(String) } });
    expect((await get(`/api/v1/search?q=${'b'.repeat(201)}`)).statusCode).toBe(400);
    expect((await get(`/api/v1/search?q=word&limit=51`)).statusCode).toBe(400);

    for (const q of [
      '&|!():*',
      '"unbalanced quote',
      'a & (b | !c',
      "o'neil:* <-> x",
      '\\',
      '"',
      '*',
      '-',
      'or',
      'the',
      '\u0002x\u0003',
      '‘curly’ “quotes”',
    ]) {
      for (const url of [`/search?q=${encodeURIComponent(q)}`, `/api/v1/search?q=${encodeURIComponent(q)}`]) {
        const res = await get(url);
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
      }
    }
    // Words too common to index: the reader is told, not shown an empty page.
    expect((await get('/search?q=the%20of')).body).toContain(
      'This search has no word to look for: words as common as “the” and “of” are left out',
    );
    // Prefixes the database would expand into too many words (every number beginning with 1), or too many of them.
    for (const q of ['1*', 'in*', 'infla* a*', 'infla* rupe* bank* budg* mark*']) {
      const res = await get(`/api/v1/search?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json<{ error: { message: string } }>().error.message, q).toMatch(/at least 3 letters before a \*|at most 4 words/);
    }
    // On the page, the form comes back as the reader filled it in, open at its filters, under what to change.
    const starred = await get(`/search?q=${encodeURIComponent('harbour 1*')}&section=economy&sort=date`);
    expect(starred.statusCode).toBe(400);
    expect(starred.body).toContain('<p class="search-none" role="alert">Give at least 3 letters before a * (infla* finds inflation');
    expect(starred.body).toContain('<input id="search-q" name="q" type="search" value="harbour 1*"');
    expect(starred.body).toContain('<option value="economy" selected>');
    expect(starred.body).toContain('<option value="date" selected>');
    expect(starred.body).toContain('<details open>');
    const badDay = await get('/search?q=harbour&from=2026-02-30&to=2026-03-31');
    expect(badDay.statusCode).toBe(400);
    expect(badDay.body).toContain('role="alert">Give dates that exist, as YYYY-MM-DD.');
    expect(badDay.body).toContain('name="to" type="date" value="2026-03-31"');
    // Dates the wrong way round are said to be, not answered with nothing.
    const swapped = await get('/search?q=harbour&from=2026-03-31&to=2026-03-01');
    expect(swapped.statusCode).toBe(400);
    expect(swapped.body).toContain('The first date comes after the last: swap them.');
    expect((await get('/api/v1/search?q=harbour&from=2026-03-31&to=2026-03-01')).json()).toEqual({
      error: { code: 'invalid-input', message: 'The first date comes after the last: swap them.' },
    });
    expect((await get('/search?q=harbour&from=2026-03-01&to=2026-03-01')).statusCode).toBe(200);
    // Text longer than the form's field comes back cut to it.
    expect(page.body).toContain(`value="${'a'.repeat(200)}"`);
    expect(page.body).not.toContain('a'.repeat(201));
    const emoji = await get(`/search?q=${encodeURIComponent('a' + '😀'.repeat(150))}`);
    expect(emoji.statusCode).toBe(400);
    expect(emoji.body).toContain(`value="a${'😀'.repeat(99)}"`);
    expect((await get(`/api/v1/search?q=${encodeURIComponent('infla* rupe* bank* budg*')}`)).statusCode).toBe(200);
    for (const url of [
      '/search?q=x&from=2026-02-30',
      '/search?q=x&sort=loudest',
      '/search?q=x&page=11',
      '/search?q=x&type=gossip',
      '/search?q=x&section=nope',
      '/search?q=x&after=zz',
    ])
      expect((await get(url)).statusCode, url).toBe(400);
  });

  it('lets each reader search so many times a minute: per address, or per account when signed in', async () => {
    const limited = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_SEARCH_RATE: '3' } });
    const from = (ip: string, url: string, headers: Record<string, string> = {}) =>
      limited.app.inject({ method: 'GET', url, headers, remoteAddress: ip });
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.7', `/api/v1/search?q=cardamom${i}`)).statusCode).toBe(200);
    const refused = await from('198.51.100.7', '/api/v1/search?q=cardamom');
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('60');
    expect(refused.json()).toEqual({ error: { code: 'rate-limited', message: expect.stringContaining('Wait a moment') } });
    const page = await from('198.51.100.7', '/search?q=cardamom');
    expect(page.statusCode).toBe(429);
    expect(page.body).toContain('<h1>Too many requests</h1>');
    expect(page.headers['retry-after']).toBe('60');
    expect(page.body).toContain('You have searched a lot in the last minute.');
    // The form alone is not a search.
    expect((await from('198.51.100.7', '/search')).statusCode).toBe(200);
    // The e-paper's searches count against the same allowance (asked here by a reader without the e-paper, whom the
    // search shows the offer: it counts all the same).
    expect((await from('198.51.100.9', '/epaper/search')).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await from('198.51.100.9', `/epaper/search?q=tender${i}`)).statusCode).toBe(200);
    expect((await from('198.51.100.9', '/epaper/search?q=tender')).statusCode).toBe(429);
    expect((await from('198.51.100.9', '/api/v1/search?q=cardamom')).statusCode).toBe(429);
    // The next machine on the same network, and a subscriber signed in at the same address, search on.
    expect((await from('198.51.100.8', '/api/v1/search?q=cardamom')).statusCode).toBe(200);
    await provisionUser(db(), { email: 'limits@example.com', role: 'reader', password: 'a long reader password' }, clock.now());
    const cookie = await sessionCookie(limited.ctx, 'limits@example.com', 'a long reader password');
    expect((await from('198.51.100.7', '/search?q=cardamom', { cookie })).statusCode).toBe(200);
  });

  it.runIf(engine === 'postgres')(
    'asks the reader to narrow a search the database cannot answer in time, three times a minute',
    async () => {
      const slow = await buildTestApp(db(), { now: clock.now, env: { MASTHEAD_SEARCH_TIMEOUT_MS: '300' } });
      const search = (url: string, ip = '198.51.100.20') => slow.app.inject({ method: 'GET', url, remoteAddress: ip });
      // Another session holds the articles table, so the search waits past its timeout, as a costly one would run.
      const held = await holdTable(db(), 'articles');
      try {
        const json = await search('/api/v1/search?q=cardamom');
        expect(json.statusCode).toBe(422);
        expect(json.json()).toEqual({ error: { code: 'search-too-broad', message: expect.stringContaining('Narrow it with dates') } });
        // The page keeps the reader's search in its form, open at the filters that narrow it.
        const page = await search('/search?q=cardamom');
        expect(page.statusCode).toBe(422);
        expect(page.body).toContain('<p class="search-none" role="alert">This search matches too many stories to answer in time.');
        expect(page.body).toContain('name="q" type="search" value="cardamom"');
        expect(page.body).toContain('<details open><summary>Narrow the search</summary>');
        expect((await search('/api/v1/search?q=cardamom&sort=date')).statusCode).toBe(422);
        await held.release();
        // Three searches cut off by the timeout are a minute's time: this address waits, though search is quick again.
        const waits = await search('/api/v1/search?q=cardamom');
        expect(waits.statusCode).toBe(429);
        expect(waits.headers['retry-after']).toBe('60');
        const other = await search('/api/v1/search?q=cardamom', '198.51.100.21');
        expect(other.json<{ results: unknown[] }>().results).toHaveLength(1);
      } finally {
        await held.release();
      }
    },
  );

  it('runs a search’s query alone, never spread over parallel workers, planned for its words, under its timeout, and leaves all behind', async () => {
    // At 1M articles PostgreSQL ran a rare word's lookup on two workers, 34 ms against 1 ms alone (docs/benchmarks.md).
    const settings = sql<{
      workers: string;
      timeout: string;
      plans: string;
    }>`select current_setting('max_parallel_workers_per_gather') as workers,
      current_setting('statement_timeout') as timeout, current_setting('plan_cache_mode') as plans`;
    const within = await withSearchSettings(db(), 1500, async (tx) => (await settings.execute(tx)).rows[0]);
    expect(within).toEqual({ workers: '0', timeout: '1500ms', plans: 'force_custom_plan' });
    expect((await settings.execute(db())).rows[0]).toMatchObject({ timeout: '0', plans: 'auto' });
  });

  it('escapes article text in results, and offers the search from every page and to search engines', async () => {
    await createArticle(db(), { headline: 'Spice <script>alert(1)</script> trade & more', visibility: 'free', publishedAt: at(1) });
    const res = await get('/search?q=spice%20trade');
    expect(res.body).not.toContain('<script>alert(1)');
    expect(res.body).toContain('<mark>Spice</mark> &lt;script&gt;alert(1)&lt;/script&gt; <mark>trade</mark> &amp; more');
    const home = (await get('/')).body;
    expect(home).toContain(
      '<form class="site-search" method="get" action="/search" role="search" aria-label="Search the site"><label for="site-search-q">Search</label>',
    );
    expect(home).toContain('"potentialAction":{"@type":"SearchAction"');
    const openapi = (await get('/api/openapi.json')).json<{ paths: Record<string, unknown> }>();
    expect(openapi.paths['/api/v1/search']).toBeDefined();
  });
});
